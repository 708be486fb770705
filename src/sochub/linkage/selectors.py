"""Reads for imports and resolution, with the access rules applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.intel.models import Nominal
from sochub.partners.models import User

from . import policies
from .models import (
    CandidatePair,
    ClusterChange,
    ImportBatch,
    ImportKind,
    ImportMapping,
    MatchJudgement,
    PairStatus,
    ResolutionRun,
    SourceRecord,
)


def batches_for(user: User) -> QuerySet[ImportBatch]:
    return policies.visible_batches(user).select_related("agency", "created_by", "job")


def mappings_for(user: User, kind: str | None = None) -> QuerySet[ImportMapping]:
    qs = ImportMapping.objects.filter(agency__in=policies.importable_agencies(user)).select_related("agency")
    return qs.filter(kind=kind) if kind else qs


def review_queue(user: User) -> QuerySet[CandidatePair]:
    """Uncertain pairs this user may judge, the most likely matches first."""
    return (
        policies.reviewable_pairs(user)
        .filter(status=PairStatus.REVIEW)
        .select_related("record_l__agency", "record_r__agency")
        .order_by("-probability", "pk")
    )


def review_waiting_elsewhere(user: User) -> int:
    """Pairs in review that involve the user's agency but need someone who can see both records."""
    if user.agency_id is None:
        return 0
    own = SourceRecord.objects.filter(agency_id=user.agency_id).values("pk")
    mine = CandidatePair.objects.filter(status=PairStatus.REVIEW).filter(Q(record_l__in=own) | Q(record_r__in=own))
    return mine.exclude(pk__in=policies.reviewable_pairs(user).values("pk")).count()


def runs() -> QuerySet[ResolutionRun]:
    return ResolutionRun.objects.select_related("started_by", "job")


def changes_for(user: User) -> QuerySet[ClusterChange]:
    """Merges and splits that moved at least one record the user can see."""
    visible = set(policies.visible_source_records(user).values_list("pk", flat=True))
    ids = [c.pk for c in ClusterChange.objects.only("pk", "records") if visible.intersection(c.records)]
    return ClusterChange.objects.filter(pk__in=ids).select_related("made_by", "run")


def pair_consult(*, actor: Actor, pair_id: int) -> CandidatePair:
    """Open a pair side by side: both records are personal data, so the read is audited."""
    pair = (
        policies.reviewable_pairs(actor.user)
        .select_related("record_l__agency", "record_r__agency", "record_l__batch", "record_r__batch")
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise CandidatePair.DoesNotExist
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="source_record",
        object_ids=[pair.record_l_id, pair.record_r_id],
        detail={"pair": pair.pk},
    )
    return pair


def judgements_for(pair: CandidatePair) -> QuerySet[MatchJudgement]:
    return MatchJudgement.objects.filter(record_l=pair.record_l, record_r=pair.record_r).select_related("decided_by")


@dataclass
class LinkReason:
    pair: CandidatePair
    judgement: MatchJudgement | None


@dataclass
class NominalSources:
    """A nominal's source records the user may see, and why they were linked."""

    records: list[SourceRecord] = field(default_factory=list)
    reasons: list[LinkReason] = field(default_factory=list)
    hidden: int = 0


def nominal_sources(user: User, nominal: Nominal) -> NominalSources:
    qs = SourceRecord.objects.filter(nominal=nominal, kind=ImportKind.NOMINALS)
    records = list(policies.visible_source_records(user, qs).select_related("agency", "batch").order_by("pk"))
    ids = [r.pk for r in records]
    out = NominalSources(records=records, hidden=qs.count() - len(records))
    pairs = CandidatePair.objects.filter(record_l__in=ids, record_r__in=ids).select_related(
        "record_l__agency", "record_r__agency"
    )
    latest: dict[tuple[int, int], MatchJudgement] = {}
    for j in MatchJudgement.objects.filter(record_l__in=ids, record_r__in=ids).order_by("decided_at", "id"):
        latest[(j.record_l_id, j.record_r_id)] = j
    for pair in pairs.order_by("-probability"):
        out.reasons.append(LinkReason(pair=pair, judgement=latest.get((pair.record_l_id, pair.record_r_id))))
    return out
