"""The synthetic demo world: the same for the same seed, spread over agencies, and shaped for the access rules."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.engine import names
from sochub.intel import policies
from sochub.intel.demo import DEMO_USERNAMES, DemoSummary, DemoWorldError, build_demo, generate_password
from sochub.intel.models import (
    OCG,
    Classification,
    FactKind,
    HandlingCode,
    IntelligenceRecord,
    Nominal,
    NominalFact,
    OCGMembership,
    Offence,
    Premises,
    Share,
    Vehicle,
)
from sochub.partners.models import Role, User, Vetting

SEED = 3
SIZE = 400
DEMO_PASSWORD = "demo-world-test-password-42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> DemoSummary:
    return build_demo(seed=SEED, nominals=SIZE, password=DEMO_PASSWORD)


def _fingerprint(summary: DemoSummary) -> dict[str, Any]:
    """What must not change between two builds with the same seed."""
    first_truths = sorted(set(Nominal.objects.values_list("demo_truth", flat=True)))[:20]
    name_facts = sorted(
        NominalFact.objects.filter(kind=FactKind.NAME, nominal__demo_truth__in=first_truths).values_list(
            "nominal__demo_truth", "nominal_id", "agency__code", "value"
        )
    )
    return {
        "counts": summary.counts,
        "names": [(truth, str(nominal_id), agency, value) for truth, nominal_id, agency, value in name_facts],
        "ocgs": list(OCG.objects.order_by("urn").values_list("urn", "name", "agency__code")),
        "intelligence": list(IntelligenceRecord.objects.order_by("urn").values_list("urn", "title")[:50]),
    }


def _build_and_forget(seed: int) -> dict[str, Any]:
    """Build a world inside a savepoint, take its fingerprint, and roll it back."""
    with transaction.atomic():
        fingerprint = _fingerprint(build_demo(seed=seed, nominals=SIZE, password=DEMO_PASSWORD))
        transaction.set_rollback(True)
    assert not Nominal.objects.exists()
    return fingerprint


def test_the_same_seed_builds_the_same_world() -> None:
    first = _build_and_forget(SEED)
    second = _build_and_forget(SEED)
    assert first == second
    assert len(first["names"]) >= 20
    assert _build_and_forget(SEED + 1)["names"] != first["names"]


def test_summary_counts_match_the_database(world: DemoSummary) -> None:
    assert world.seed == SEED and world.password == DEMO_PASSWORD
    assert Nominal.objects.count() == world.nominals == SIZE
    assert NominalFact.objects.count() == world.facts
    assert OCG.objects.count() == world.ocgs >= 3
    assert IntelligenceRecord.objects.count() == world.intelligence >= SIZE // 3
    assert Share.objects.count() == world.shares > 0
    assert Premises.objects.count() == world.premises > 0
    assert Vehicle.objects.count() == world.vehicles > 0
    assert Offence.objects.count() == world.offences > 0
    assert NominalFact.objects.filter(kind=FactKind.VULNERABILITY).count() == world.safeguarding > 0
    # Members of groups offend more than others, and nothing is dated in the future.
    members = set(OCGMembership.objects.values_list("nominal_id", flat=True))
    per_member = Offence.objects.filter(nominal_id__in=members).count() / len(members)
    per_other = Offence.objects.exclude(nominal_id__in=members).count() / (SIZE - len(members))
    assert per_member > 2 * per_other
    assert not Offence.objects.filter(offence_date__gt=date.today()).exists()
    event = AuditEvent.objects.get(object_type="demo_world")
    assert event.operation == Operation.COLLECTION and event.channel == "cli" and event.username == "admin"
    assert event.detail["nominals"] == SIZE


def test_demo_users_belong_to_the_expected_agencies(world: DemoSummary) -> None:
    expected = {
        "admin": ("nca", {Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN}, Vetting.SC),
        "analyst": ("gmp", {Role.ANALYST}, Vetting.NPPV3),
        "analyst2": ("merseyside", {Role.ANALYST}, Vetting.NPPV2),
        "coordinator": ("nwrocu", {Role.COORDINATOR}, Vetting.NPPV3),
        "officer": ("gmp", {Role.OFFICER}, Vetting.NPPV1),
        "partner": ("hmrc", {Role.PARTNER}, Vetting.NPPV2),
        "volunteer": ("manchester-cc", {Role.VOLUNTEER}, Vetting.NONE),
    }
    for username, (agency, roles, vetting) in expected.items():
        user = User.objects.select_related("agency").get(username=username)
        assert (user.agency.code, set(user.roles), user.vetting) == (agency, roles, vetting), username
        assert user.check_password(DEMO_PASSWORD)
        assert user.first_name and user.last_name and user.job_title
    assert User.objects.get(username="coordinator").coordinator_region.code == "north-west"
    assert User.objects.get(username="analyst").agency.name == "Greater Manchester Police"
    assert User.objects.get(username="analyst2").agency.name == "Merseyside Police"
    assert [u for u, _, _ in world.users] == list(DEMO_USERNAMES)
    assert ("analyst2", "Merseyside Police", ["analyst"]) in world.users


def test_people_are_held_by_several_agencies_and_some_twice(world: DemoSummary) -> None:
    per_truth = Counter(Nominal.objects.values_list("demo_truth", flat=True))
    twice = [truth for truth, n in per_truth.items() if n >= 2]
    assert len(twice) == world.near_duplicates > 0
    assert all(n <= 2 for n in per_truth.values())
    # A near-duplicate carries a misspelt name: close to the other nominal's, but not the same.
    for truth in twice[:10]:
        by_nominal: dict[str, set[str]] = {}
        for nominal_id, value in NominalFact.objects.filter(nominal__demo_truth=truth, kind=FactKind.NAME).values_list(
            "nominal_id", "value"
        ):
            by_nominal.setdefault(str(nominal_id), set()).add(value)
        first, second = by_nominal.values()
        assert first.isdisjoint(second)
        assert max(names.name_similarity(a, b) for a in first for b in second) >= 60
    multi = Nominal.objects.annotate(agencies=Count("facts__agency", distinct=True)).filter(agencies__gte=2)
    assert multi.count() == world.multi_agency_nominals
    assert 0.1 * SIZE < world.multi_agency_nominals < 0.4 * SIZE


def test_identifier_keys_are_already_normalised(world: DemoSummary) -> None:
    normalise = {
        FactKind.PNC_ID: names.normalise_pnc_id,
        FactKind.NI_NUMBER: names.normalise_ni_number,
        FactKind.ADDRESS: names.postcode_key,
    }
    seen: Counter[str] = Counter()
    for kind, key in NominalFact.objects.filter(kind__in=list(normalise)).values_list("kind", "key"):
        assert normalise[kind](key) == key, (kind, key)
        seen[kind] += 1
    assert all(seen[kind] > 0 for kind in normalise)
    for postcode in Premises.objects.values_list("postcode", flat=True):
        assert names.normalise_postcode(postcode) == postcode
    for vrm in Vehicle.objects.values_list("vrm", flat=True):
        assert names.normalise_vrm(vrm) == vrm


def test_intelligence_is_graded_and_some_is_sensitive_or_conditional(world: DemoSummary) -> None:
    records = IntelligenceRecord.objects.all()
    assert records.filter(classification=Classification.OFFICIAL_SENSITIVE).exists()
    conditional = records.filter(handling_code=HandlingCode.C)
    assert conditional.exists()
    assert not conditional.filter(handling_conditions="").exists()
    assert not records.filter(handling_code=HandlingCode.P).exclude(handling_conditions="").exists()
    assert set(records.values_list("source_evaluation", flat=True)) <= {"1", "2", "3"}
    assert not records.filter(subjects__isnull=True).exists()
    # Each report's first subject is held by the agency that owns the report.
    for record in records.prefetch_related("subjects")[:50]:
        held_by = set(NominalFact.objects.filter(nominal__in=record.subjects.all()).values_list("agency_id", flat=True))
        assert record.agency_id in held_by
    officer = User.objects.get(username="officer")
    assert not policies.visible_intelligence(officer).filter(classification=Classification.OFFICIAL_SENSITIVE).exists()


def test_analyst2_sees_less_than_analyst(world: DemoSummary) -> None:
    analyst = User.objects.get(username="analyst")
    analyst2 = User.objects.get(username="analyst2")
    seen = set(policies.visible_nominals(analyst).values_list("pk", flat=True))
    seen2 = set(policies.visible_nominals(analyst2).values_list("pk", flat=True))
    assert seen - seen2, "some nominals Greater Manchester holds are hidden from Merseyside"
    now = timezone.now()
    gmp_to_mersey = Share.objects.filter(owner__code="gmp", recipient__code="merseyside", nominal__isnull=False)
    live = gmp_to_mersey.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    assert live.exists()
    assert {s.nominal_id for s in live} <= seen & seen2
    expired = gmp_to_mersey.filter(expires_at__lte=now).exclude(nominal__in=live.values("nominal"))
    assert expired.exists()
    assert not {s.nominal_id for s in expired} & seen2


def test_crime_groups_are_made_of_people_their_owner_holds(world: DemoSummary) -> None:
    for ocg in OCG.objects.prefetch_related("memberships"):
        members = list(ocg.memberships.all())
        assert 3 <= len(members) <= 15
        assert 1 <= sum(m.role == "principal" for m in members) <= 2
        assert ocg.threat_categories and ocg.urn.startswith("OCG")
        for m in members:
            assert NominalFact.objects.filter(nominal_id=m.nominal_id, agency_id=ocg.agency_id).exists()


def test_refuses_a_database_that_already_holds_nominals(world: DemoSummary) -> None:
    before = Nominal.objects.count()
    with pytest.raises(DemoWorldError):
        build_demo(seed=SEED, nominals=100, password=DEMO_PASSWORD)
    assert Nominal.objects.count() == before


def test_generated_passwords_pass_the_validators() -> None:
    password = generate_password()
    assert len(password) >= 12
    validate_password(password, User(username="analyst", first_name="Alex", last_name="Smith"))
