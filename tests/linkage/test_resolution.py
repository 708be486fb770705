"""Resolution in the database: one nominal per person, stable ids, judgements, reversal, access."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sochub.audit.models import AuditEvent
from sochub.intel.models import Nominal, NominalFact
from sochub.linkage import resolution, selectors
from sochub.linkage.demo_files import GMP_MAPPING, MERSEY_MAPPING, PartnerFiles
from sochub.linkage.models import (
    CandidatePair,
    ChangeKind,
    ClusterChange,
    Decision,
    ImportKind,
    PairStatus,
    ResolutionRun,
    SourceRecord,
)
from sochub.partners.models import Agency, User
from tests.helpers import act

from .test_imports import run_import


@pytest.fixture
def imported(coordinator: User, agencies: dict[str, Agency], partner_files: PartnerFiles) -> PartnerFiles:
    run_import(coordinator, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    run_import(coordinator, agencies["mersey"], ImportKind.NOMINALS, partner_files.mersey, MERSEY_MAPPING)
    return partner_files


def person_of(files: PartnerFiles) -> dict[int, int]:
    """source record id -> true person."""
    out = {}
    for pk, code, key in SourceRecord.objects.values_list("pk", "agency__code", "source_key"):
        out[pk] = files.truth[f"{code}:{key}"]
    return out


def nominal_quality(files: PartnerFiles) -> tuple[float, float]:
    """(share of nominals holding one person only, share of people held in one nominal)."""
    truth = person_of(files)
    by_nominal: dict[str, set[int]] = defaultdict(set)
    by_person: dict[int, set[str]] = defaultdict(set)
    for pk, nominal_id in SourceRecord.objects.values_list("pk", "nominal_id"):
        by_nominal[str(nominal_id)].add(truth[pk])
        by_person[truth[pk]].add(str(nominal_id))
    pure = sum(1 for people in by_nominal.values() if len(people) == 1) / len(by_nominal)
    whole = sum(1 for noms in by_person.values() if len(noms) == 1) / len(by_person)
    return pure, whole


def test_resolution_makes_one_nominal_per_person_across_agencies(coordinator: User, imported: PartnerFiles) -> None:
    before = Nominal.objects.filter(merged_into__isnull=True).count()
    run = resolution.resolution_run(actor=act(coordinator))
    assert run.retrained and not run.incremental and run.model["settings"]
    after = Nominal.objects.filter(merged_into__isnull=True, source_records__isnull=False).distinct().count()
    assert after < before - imported.shared_people * 0.8
    pure, whole = nominal_quality(imported)
    assert pure >= 0.98 and whole >= 0.9
    assert run.stats["merges"] >= imported.shared_people * 0.8
    # Merged-away nominals redirect; facts follow their source records.
    merged = Nominal.objects.filter(merged_into__isnull=False).first()
    assert merged is not None and not merged.facts.exists()
    for record in SourceRecord.objects.all()[:50]:
        assert set(NominalFact.objects.filter(source_ref=record.fact_ref).values_list("nominal_id", flat=True)) == {
            record.nominal_id
        }
    change = ClusterChange.objects.filter(kind=ChangeKind.MERGE).first()
    assert change is not None and change.absorbed
    event = AuditEvent.objects.filter(operation="combination", object_type="nominal").get()
    assert event.detail["merges"] == run.stats["merges"] and str(change.to_nominal_id) in event.object_ids


def test_nominal_ids_are_stable_when_new_records_arrive(
    coordinator: User, imported: PartnerFiles, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    resolution.resolution_run(actor=act(coordinator))
    kept = dict(SourceRecord.objects.values_list("pk", "nominal_id"))
    # Merseyside sends one more row: a person GMP already holds.
    gmp_row = SourceRecord.objects.filter(agency__code="gmp", values__pnc_id__isnull=False).first()
    assert gmp_row is not None
    v = gmp_row.values
    extra = tmp_path / "mersey-extra.csv"
    dob = v["dob"].split("-")
    extra.write_text(
        "Ref;Forename;Family name;DOB;Gender;Post Code;Address;NI Number;Telephone\n"
        f"M-9999;{v['given_name']};{v['surname']};{dob[2]}/{dob[1]}/{dob[0]};{v.get('gender') or ''};"
        f"{v.get('postcode') or ''};;;\n",
        encoding="utf-8",
    )
    run_import(coordinator, agencies["mersey"], ImportKind.NOMINALS, extra, MERSEY_MAPPING)
    run = resolution.resolution_run(actor=act(coordinator))
    assert run.incremental and not run.retrained and run.stats["new_or_changed"] == 1
    assert all(
        nominal_id == kept[pk]
        for pk, nominal_id in SourceRecord.objects.filter(pk__in=kept).values_list("pk", "nominal_id")
    )
    newcomer = SourceRecord.objects.get(source_key="M-9999")
    gmp_row.refresh_from_db()
    assert newcomer.nominal_id == gmp_row.nominal_id


def test_judgements_override_the_model_now_and_in_later_runs(coordinator: User, imported: PartnerFiles) -> None:
    resolution.resolution_run(actor=act(coordinator))
    linked = CandidatePair.objects.filter(status=PairStatus.LINKED).order_by("-probability").first()
    assert linked is not None
    resolution.judgement_record(
        actor=act(coordinator), pair=linked, decision=Decision.DIFFERENT, reason="Different fathers named on files"
    )
    left, right = SourceRecord.objects.get(pk=linked.record_l_id), SourceRecord.objects.get(pk=linked.record_r_id)
    assert left.nominal_id != right.nominal_id
    resolution.resolution_run(actor=act(coordinator), full=True)
    left.refresh_from_db()
    right.refresh_from_db()
    assert left.nominal_id != right.nominal_id
    assert CandidatePair.objects.get(record_l=left, record_r=right).status == PairStatus.JUDGED

    # "Same person" joins two records the model left apart.
    apart = CandidatePair.objects.filter(status=PairStatus.REVIEW).order_by("-probability").first()
    if apart is None:  # no uncertain pair in this data: take any two unlinked records
        a, b = SourceRecord.objects.order_by("pk")[:2]
        apart = CandidatePair.objects.create(
            record_l=a,
            record_r=b,
            run=ResolutionRun.objects.first(),
            probability=0.6,
            match_weight=0.5,
            status=PairStatus.REVIEW,
        )
    resolution.judgement_record(actor=act(coordinator), pair=apart, decision=Decision.SAME)
    a, b = SourceRecord.objects.get(pk=apart.record_l_id), SourceRecord.objects.get(pk=apart.record_r_id)
    assert a.nominal_id == b.nominal_id
    assert selectors.review_queue(coordinator).filter(pk=apart.pk).count() == 0


def test_a_merge_can_be_reversed_and_stays_reversed(coordinator: User, imported: PartnerFiles) -> None:
    resolution.resolution_run(actor=act(coordinator))
    change = ClusterChange.objects.filter(kind=ChangeKind.MERGE, absorbed=True, from_nominal__isnull=False).first()
    assert change is not None
    old = change.from_nominal
    assert old is not None
    resolution.change_reverse(actor=act(coordinator), change=change, reason="Twins: checked with the custody record")
    old.refresh_from_db()
    assert old.merged_into_id is None
    assert set(SourceRecord.objects.filter(pk__in=change.records).values_list("nominal_id", flat=True)) == {old.pk}
    resolution.resolution_run(actor=act(coordinator), full=True)
    assert set(SourceRecord.objects.filter(pk__in=change.records).values_list("nominal_id", flat=True)) == {old.pk}


def test_who_may_resolve_and_review(
    coordinator: User, analyst: User, analyst2: User, officer: User, imported: PartnerFiles
) -> None:
    with pytest.raises(PermissionDenied):
        resolution.resolution_run(actor=act(officer))
    resolution.resolution_run(actor=act(coordinator))
    cross = CandidatePair.objects.exclude(record_l__agency=models_agency("gmp"), record_r__agency=models_agency("gmp"))
    pair = cross.exclude(record_l__agency=models_agency("merseyside"), record_r__agency=models_agency("merseyside"))
    pair = pair.first()
    assert pair is not None
    # The coordinator brokers the region; each force's analyst sees only their own side.
    assert selectors.pair_consult(actor=act(coordinator), pair_id=pair.pk) == pair
    for outsider in (analyst, analyst2):
        with pytest.raises(CandidatePair.DoesNotExist):
            selectors.pair_consult(actor=act(outsider), pair_id=pair.pk)
        with pytest.raises(PermissionDenied):
            resolution.judgement_record(actor=act(outsider), pair=pair, decision=Decision.SAME)
    assert AuditEvent.objects.filter(operation="consultation", object_type="source_record").count() == 1


def models_agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def test_nominal_sources_show_why_records_were_linked(coordinator: User, analyst: User, imported: PartnerFiles) -> None:
    resolution.resolution_run(actor=act(coordinator))
    counts = Counter(SourceRecord.objects.values_list("nominal_id", flat=True))
    nominal_id = next(n for n, c in counts.items() if c == 2)
    nominal = Nominal.objects.get(pk=nominal_id)
    sources = selectors.nominal_sources(coordinator, nominal)
    assert len(sources.records) == 2 and sources.hidden == 0
    reason = sources.reasons[0]
    assert reason.pair.probability >= 0.5 and len(reason.pair.contributions) >= 3
    assert abs(sum(c["match_weight"] for c in reason.pair.contributions) - reason.pair.match_weight) < 1e-6
    own = selectors.nominal_sources(analyst, nominal)
    assert len(own.records) + own.hidden == 2 and own.hidden >= 1


def test_a_hand_merge_holds_and_no_record_is_left_on_a_dead_nominal(coordinator: User, imported: PartnerFiles) -> None:
    from sochub.intel.services import nominal_merge

    resolution.resolution_run(actor=act(coordinator))
    keep, absorb = (
        SourceRecord.objects.filter(agency__code="gmp").exclude(nominal__source_records__agency__code="merseyside")
    ).distinct()[:2]
    assert keep.nominal_id != absorb.nominal_id
    assert keep.nominal is not None and absorb.nominal is not None
    nominal_merge(actor=act(coordinator), keep=keep.nominal, absorb=absorb.nominal, reason="Same custody photo")
    resolution.resolution_run(actor=act(coordinator), full=True)
    absorb.refresh_from_db()
    assert absorb.nominal_id == keep.nominal_id
    assert not SourceRecord.objects.filter(nominal__merged_into__isnull=False).exists()


def test_a_change_whose_records_moved_since_cannot_be_reversed(coordinator: User, imported: PartnerFiles) -> None:
    resolution.resolution_run(actor=act(coordinator))
    change = ClusterChange.objects.filter(kind=ChangeKind.MERGE).first()
    assert change is not None and resolution.reversible(change)
    moved = change.records[0]
    for pair in CandidatePair.objects.filter(record_l_id=moved) | CandidatePair.objects.filter(record_r_id=moved):
        resolution.judgement_record(actor=act(coordinator), pair=pair, decision=Decision.DIFFERENT, reason="Checked")
    change.refresh_from_db()
    assert not resolution.reversible(change)
    with pytest.raises(ValidationError):
        resolution.change_reverse(actor=act(coordinator), change=change, reason="Too late")


def test_not_sure_leaves_the_last_decision_standing(coordinator: User, imported: PartnerFiles) -> None:
    resolution.resolution_run(actor=act(coordinator))
    pair = CandidatePair.objects.filter(status=PairStatus.LINKED).first()
    assert pair is not None
    resolution.judgement_record(actor=act(coordinator), pair=pair, decision=Decision.SAME)
    resolution.judgement_record(actor=act(coordinator), pair=pair, decision=Decision.UNSURE, reason="Second look")
    assert resolution.labels()[(pair.record_l_id, pair.record_r_id)] == Decision.SAME
    resolution.resolution_run(actor=act(coordinator), full=True)
    left, right = SourceRecord.objects.get(pk=pair.record_l_id), SourceRecord.objects.get(pk=pair.record_r_id)
    assert left.nominal_id == right.nominal_id


def test_a_run_already_in_progress_blocks_a_second(coordinator: User, imported: PartnerFiles) -> None:
    ResolutionRun.objects.create(started_by=coordinator, link_threshold=0.95, review_threshold=0.5)
    with pytest.raises(ValidationError, match="already in progress"):
        resolution.resolution_run(actor=act(coordinator))
