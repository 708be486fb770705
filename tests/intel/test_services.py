from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import selectors
from sochub.intel import services as intel
from sochub.intel.models import NominalFact, OCGMembership
from sochub.partners.models import User
from tests.conftest import act, fresh


@pytest.mark.django_db
def test_exact_name_ranks_first(analyst: User) -> None:
    for name in ["John Smyth", "Jon Smith", "John Smith", "Johnny Smithers"]:
        intel.nominal_create(actor=act(analyst), facts=[("name", name)])
    hits = selectors.nominal_search(user=analyst, query="John Smith")
    assert hits[0].name == "John Smith" and hits[0].matched_on == "exact name"
    assert {"John Smyth", "Jon Smith"} <= {h.name for h in hits}


@pytest.mark.django_db
def test_consultation_needs_a_purpose_and_is_logged(picture: dict[str, Any], analyst: User) -> None:
    with pytest.raises(ValidationError):
        intel.nominal_consult(actor=act(analyst, purpose=""), nominal_id=str(picture["smith"].pk))
    before = AuditEvent.objects.count()
    profile = intel.nominal_consult(
        actor=act(analyst, "Operation Juniper risk review"), nominal_id=str(picture["smith"].pk)
    )
    assert profile.display_name == "John Smith"
    assert len(profile.intelligence) == 3
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.operation == Operation.CONSULTATION and event.purpose == "Operation Juniper risk review"
    assert str(picture["smith"].pk) in event.object_ids and event.username == "analyst"


@pytest.mark.django_db
def test_other_agency_gets_not_found(picture: dict[str, Any], analyst2: User) -> None:
    with pytest.raises(intel.NotFound):
        intel.nominal_consult(actor=act(analyst2), nominal_id=str(picture["smith"].pk))
    with pytest.raises(intel.NotFound):
        intel.intelligence_consult(actor=act(analyst2), record_id=picture["intel_p"].pk)


@pytest.mark.django_db
def test_merge_moves_everything_and_redirects(picture: dict[str, Any], analyst: User) -> None:
    smith = picture["smith"]
    dup = intel.nominal_create(actor=act(analyst), facts=[("name", "Jonathan Smith"), ("phone", "07700 900555")])
    ocg = intel.ocg_create(actor=act(analyst), name="Acacia Crew", threat_categories=["illegal_drugs"])
    intel.ocg_membership_add(actor=act(analyst), ocg=ocg, nominal=dup, role="principal")
    intel.nominal_merge(actor=act(analyst), keep=smith, absorb=dup, reason="Same PNC ID and phone")
    assert fresh(dup).merged_into_id == smith.pk
    assert NominalFact.objects.filter(nominal=smith, value="Jonathan Smith").exists()
    assert OCGMembership.objects.get(ocg=ocg).nominal_id == smith.pk
    assert selectors.nominal_resolve(user=analyst, nominal_id=str(dup.pk)) == smith
    assert str(dup.pk) not in {h.nominal_id for h in selectors.nominal_search(user=analyst, query="Jonathan Smith")}
    assert AuditEvent.objects.filter(operation=Operation.COMBINATION).exists()
    with pytest.raises(ValidationError):
        intel.nominal_merge(actor=act(analyst), keep=smith, absorb=fresh(dup), reason="again")


@pytest.mark.django_db
def test_handling_c_needs_conditions_and_grades_are_checked(analyst: User) -> None:
    base = {
        "title": "t",
        "text": "x",
        "date_of_intelligence": "2026-01-01",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
    }
    with pytest.raises(ValidationError, match="conditions"):
        intel.intelligence_create(actor=act(analyst), handling_code="C", **base)
    with pytest.raises(ValidationError):
        intel.intelligence_create(actor=act(analyst), **{**base, "source_evaluation": "5"}, handling_code="P")
    record = intel.intelligence_create(actor=act(analyst), handling_code="C", handling_conditions="A1 S2", **base)
    assert record.grading == "1AC" and record.urn.startswith("IR")


@pytest.mark.django_db
def test_unvetted_user_cannot_create_sensitive_intelligence(officer: User) -> None:
    with pytest.raises(PermissionDenied):
        intel.intelligence_create(
            actor=act(officer),
            title="t",
            text="x",
            date_of_intelligence="2026-01-01",
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
            classification="OFFICIAL-SENSITIVE",
        )


@pytest.mark.django_db
def test_volunteer_cannot_record(volunteer: User) -> None:
    with pytest.raises(PermissionDenied):
        intel.nominal_create(actor=act(volunteer), facts=[("name", "A Person")])


@pytest.mark.django_db
def test_fact_validation_names_the_field(analyst: User) -> None:
    cases = [
        ("birth_date", "31/02/1990", "date_of_birth"),
        ("birth_date", "01/01/2999", "date_of_birth"),
        ("pnc_id", "nonsense", "pnc_id"),
        ("ni_number", "123", "ni_number"),
        ("name", "x" * 10_000, "name"),
    ]
    for kind, value, field in cases:
        with pytest.raises(ValidationError) as err:
            intel.nominal_create(
                actor=act(analyst), facts=[("name", "Valid Name"), (kind, value)] if kind != "name" else [(kind, value)]
            )
        assert field in err.value.message_dict, (kind, value)
