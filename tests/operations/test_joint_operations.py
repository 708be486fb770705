"""Joint operations end to end: GMP plans a night of action with Manchester trading standards and licensing on two
problem premises, gives each agency tasks, the agencies record outcomes, and the report is read as a page and
downloaded as a PDF. Around it: who may see the operation (404 for an agency outside it and its region), what a
partner sees of a person it may not see, the service checks on hostile and out-of-range input, and audit rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.intel.models import Nominal
from sochub.intel.services import NotFound
from sochub.operations import policies, selectors, services
from sochub.operations.models import (
    JointOperation,
    OperationOutcome,
    OperationStatus,
    OperationTask,
    ProblemPremises,
    TaskStatus,
)
from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting
from tests.helpers import PASSWORD, act

PURPOSE = "Operation Joined Up: night of action planning"
NIGHT = timezone.make_aware(datetime(2025, 3, 14, 20, 0))
NIGHT_ENDS = timezone.make_aware(datetime(2025, 3, 15, 4, 0))
ON = date(2025, 3, 14)
HOSTILE = '<script>alert("x")</script>'


def user_of(agency: Agency, username: str, *roles: str) -> User:
    user = User(username=username, agency=agency, roles=list(roles or (Role.OFFICER,)), vetting=Vetting.NPPV2)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(user: User, *, purpose: bool = True) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    if purpose:
        assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/operations/"}).status_code == 302
    return client


@pytest.fixture
def world(agencies: dict[str, Agency], analyst: User) -> dict[str, Any]:
    """GMP's analyst, Manchester trading standards and licensing (North West), and an agency in London."""
    nw = Region.objects.get(code="north-west")
    london = Region.objects.get(code="london")
    ts = Agency.objects.create(
        code="manchester-ts", name="Manchester Trading Standards", kind=AgencyKind.LOCAL, region=nw
    )
    lic = Agency.objects.create(
        code="manchester-licensing", name="Manchester City Council Licensing", kind=AgencyKind.PUBLIC_BODY, region=nw
    )
    met = Agency.objects.create(
        code="met-test", name="Test London Force", kind=AgencyKind.LAW_ENFORCEMENT, region=london
    )
    owner1 = intel.nominal_create(actor=act(analyst), facts=[("name", "Kamal Hussain"), ("birth_date", "03/07/1979")])
    owner2 = intel.nominal_create(actor=act(analyst), facts=[("name", "Darren Whitlow"), ("birth_date", "21/01/1984")])
    mart = services.problem_premises_register(
        actor=act(analyst),
        address="212 Cheetham Hill Road, Manchester",
        postcode="m8 8ln",
        kind="business",
        name="Cheetham Hill Mini Mart",
        area="Cheetham Hill",
        owner=owner1,
        licence_status="suspended",
        licensing_authority="Manchester City Council",
        risk_level="high",
        risk_reasons="Illicit tobacco and counterfeit vodka seized twice in 2024; under-age sales.",
    )
    wash = services.problem_premises_register(
        actor=act(analyst),
        address="Unit 4, Queens Road, Manchester",
        postcode="M8 0AB",
        kind="car_wash",
        name="Sparkle Hand Car Wash",
        area="Cheetham Hill",
        owner=owner2,
        licence_status="none",
        risk_level="medium",
        risk_reasons="Workers living on site; indicators of labour exploitation.",
    )
    return {
        "nw": nw,
        "london": london,
        "ts": ts,
        "lic": lic,
        "met": met,
        "ts_officer": user_of(ts, "ts_officer"),
        "lic_officer": user_of(lic, "lic_officer"),
        "outsider": user_of(met, "met_analyst", Role.ANALYST),
        "owner1": owner1,
        "owner2": owner2,
        "mart": mart,
        "wash": wash,
    }


def plan(analyst: User, world: dict[str, Any], name: str = "Operation Joined Up – night of action") -> JointOperation:
    return services.operation_create(
        actor=act(analyst),
        name=name,
        starts_at=NIGHT,
        ends_at=NIGHT_ENDS,
        area="Cheetham Hill, Manchester",
        region=world["nw"],
        objective="Visit problem premises with licensing and trading standards; seize illicit goods; safeguard people.",
        partners=[world["ts"], world["lic"]],
    )


def full_night(analyst: User, world: dict[str, Any]) -> JointOperation:
    """The done-when path through the services: targets, tasks and every outcome of the night."""
    op = plan(analyst, world)
    t_mart = services.target_add(actor=act(analyst), operation=op, problem_premises=world["mart"])
    services.target_add(actor=act(analyst), operation=op, problem_premises=world["wash"])
    t_owner = services.target_add(actor=act(analyst), operation=op, nominal=world["owner1"], note="Owner of the mart")
    services.task_add(
        actor=act(analyst),
        operation=op,
        agency=world["ts"],
        description="Test purchase and seize illicit tobacco",
        assigned_to="TS team 2",
        due=ON,
    )
    services.task_add(
        actor=act(analyst),
        operation=op,
        agency=world["lic"],
        description="Inspect licence conditions at both premises",
        assigned_to="Licensing officer Jones",
        due=ON,
    )
    services.task_add(
        actor=act(analyst),
        operation=op,
        agency=Agency.objects.get(code="gmp"),
        description="Execute warrant at the car wash",
    )
    services.operation_status_set(actor=act(analyst), operation=op, status=OperationStatus.LIVE)
    services.outcome_record(actor=act(analyst), operation=op, kind="arrest", occurred_on=ON, quantity=2, target=t_owner)
    services.outcome_record(
        actor=act(world["lic_officer"]),
        operation=op,
        kind="closure_order",
        occurred_on=date(2025, 3, 15),
        target=t_mart,
        description="Closure notice served, order granted",
    )
    services.outcome_record(
        actor=act(analyst),
        operation=op,
        kind="seizure",
        seizure_kind="drugs",
        occurred_on=ON,
        description="350 g cannabis resin",
        estimated_value=Decimal("3500.00"),
        target=t_mart,
    )
    services.outcome_record(
        actor=act(analyst),
        operation=op,
        kind="safeguarding_referral",
        occurred_on=ON,
        description="Two workers referred under the NRM",
    )
    bike = services.outcome_record(
        actor=act(world["ts_officer"]),
        operation=op,
        kind="recovered_property",
        occurred_on=ON,
        description="Trek mountain bike",
        estimated_value=Decimal("850"),
        owner_identified=True,
    )
    services.outcome_returned(actor=act(world["ts_officer"]), outcome=bike, returned_on=date(2025, 3, 20))
    return op


# Services and policies ----------------------------------------------------------------------------------


def test_night_of_action_totals_and_tasks(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    assert op.lead_agency.code == "gmp"
    assert policies.participant_ids(op) == {analyst.agency_id, world["ts"].pk, world["lic"].pk}
    task = OperationTask.objects.get(operation=op, agency=world["ts"])
    services.task_update(actor=act(world["ts_officer"]), task=task, status=TaskStatus.DONE)
    lic_task = OperationTask.objects.get(operation=op, agency=world["lic"])
    with pytest.raises(PermissionDenied):  # trading standards cannot move licensing's task
        services.task_update(actor=act(world["ts_officer"]), task=lic_task, status=TaskStatus.DONE)
    r = selectors.operation_report(user=analyst, operation=op)
    assert r.totals["arrest"] == 2 and r.totals["closure_order"] == 1 and r.totals["seizure"] == 1
    assert r.totals["safeguarding_referral"] == 1 and r.totals["recovered_property"] == 1 and r.totals["charge"] == 0
    assert r.seizures["drugs"] == 1 and r.seized_value == Decimal("3500.00")
    assert r.returned_count == 1 and r.returned_value == Decimal("850")
    by_agency = dict(r.by_agency)
    assert by_agency["Greater Manchester Police"]["arrest"] == 2
    assert by_agency["Manchester City Council Licensing"]["closure_order"] == 1
    assert by_agency["Manchester Trading Standards"]["recovered_property"] == 1
    assert r.task_counts == {"to_do": 2, "in_progress": 0, "done": 1, "cancelled": 0}


def test_outcome_checks_refuse_bad_input(analyst: User, world: dict[str, Any]) -> None:
    op = plan(analyst, world)
    bad: list[dict[str, Any]] = [
        {"kind": "arrest", "quantity": 0},
        {"kind": "arrest", "quantity": 10_001},
        {"kind": "parking_ticket"},
        {"kind": "seizure", "description": "cash in a bag"},  # no seizure kind
        {"kind": "seizure", "seizure_kind": "cash", "description": "cash", "estimated_value": Decimal("-5")},
        {"kind": "arrest", "occurred_on": date(2025, 3, 1)},  # before the operation
        {"kind": "arrest", "occurred_on": timezone.localdate().replace(year=timezone.localdate().year + 1)},
        {"kind": "recovered_property", "description": "laptop", "returned_on": ON},  # no owner identified
        {"kind": "recovered_property", "description": "bad\x00text"},
    ]
    for args in bad:
        with pytest.raises(ValidationError):
            services.outcome_record(actor=act(analyst), operation=op, **{"occurred_on": ON, **args})
    assert not OperationOutcome.objects.exists()
    # Someone whose agency is not taking part cannot record one, even if they could name the operation.
    with pytest.raises(NotFound):
        services.outcome_record(actor=act(world["outsider"]), operation=op, kind="arrest", occurred_on=ON)
    services.operation_status_set(actor=act(analyst), operation=op, status=OperationStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.outcome_record(actor=act(analyst), operation=op, kind="arrest", occurred_on=ON)
    with pytest.raises(ValidationError):  # cancelled is final
        services.operation_status_set(actor=act(analyst), operation=op, status=OperationStatus.LIVE)


def test_only_the_lead_changes_targets_and_targets_must_be_visible(
    analyst: User, analyst2: User, world: dict[str, Any]
) -> None:
    op = plan(analyst, world)
    with pytest.raises(PermissionDenied):
        services.target_add(actor=act(world["ts_officer"]), operation=op, problem_premises=world["mart"])
    mersey_person = intel.nominal_create(actor=act(analyst2), facts=[("name", "Mary Jones")])
    with pytest.raises(NotFound):  # GMP cannot see Merseyside's nominal
        services.target_add(actor=act(analyst), operation=op, nominal=mersey_person)
    with pytest.raises(ValidationError):
        services.task_add(actor=act(analyst), operation=op, agency=world["met"], description="Not taking part")
    with pytest.raises(ValidationError):
        services.operation_create(
            actor=act(analyst), name=" ", starts_at=NIGHT, ends_at=NIGHT.replace(day=13), area="x", objective="y"
        )


def test_visibility_table(analyst: User, coordinator: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    london_coord = user_of(world["met"], "london_coord", Role.COORDINATOR)
    london_coord.coordinator_region = world["london"]
    london_coord.save()
    volunteer = user_of(world["ts"], "ts_volunteer", Role.VOLUNTEER)
    cases = [
        (analyst, True),
        (world["ts_officer"], True),
        (world["lic_officer"], True),
        (coordinator, True),  # the North West's GAIN coordinator
        (world["outsider"], False),
        (london_coord, False),
        (volunteer, False),
    ]
    for user, expected in cases:
        assert policies.visible_operations(user).filter(pk=op.pk).exists() is expected, user.username


def test_partner_sees_a_person_only_as_held_by_gmp(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    views = selectors.operation_targets(user=world["ts_officer"], operation=op)
    person = next(v for v in views if v.target.kind == "nominal")
    assert not person.visible and person.label == "A person (held by Greater Manchester Police)"
    assert person.nominal_id is None
    mine = next(v for v in selectors.operation_targets(user=analyst, operation=op) if v.target.kind == "nominal")
    assert mine.visible and mine.label == "Kamal Hussain"
    # The problem premises are seen by every participant (and the region); their owners are not.
    pp = next(v for v in views if v.problem_premises_id == world["mart"].pk)
    assert pp.visible and "Cheetham Hill Mini Mart" in pp.label
    assert selectors.premises_people(user=world["ts_officer"], problem_premises=world["mart"]) == {"owner": None}


# Pages --------------------------------------------------------------------------------------------------


def test_planning_through_the_pages(analyst: User, world: dict[str, Any]) -> None:
    client = login(analyst)
    assert client.get("/operations/new/").status_code == 200
    response = client.post(
        "/operations/new/",
        {
            "name": "Operation Joined Up – night of action",
            "objective": "Joint visits to problem premises.",
            "area": "Cheetham Hill",
            "region": str(world["nw"].pk),
            "start_date": "2025-03-14",
            "start_time": "20:00",
            "end_date": "2025-03-15",
            "end_time": "04:00",
            "partners": [str(world["ts"].pk), str(world["lic"].pk)],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    op = JointOperation.objects.get()
    assert response["Location"] == f"/operations/{op.pk}/"
    assert set(op.partners.values_list("code", flat=True)) == {"manchester-ts", "manchester-licensing"}
    assert (
        client.post(
            f"/operations/{op.pk}/targets/", {"kind": "problem_premises", "ref": str(world["mart"].pk)}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/operations/{op.pk}/targets/", {"kind": "nominal", "ref": str(world["owner1"].pk)}).status_code
        == 302
    )
    assert (
        client.post(
            f"/operations/{op.pk}/tasks/", {"agency": str(world["lic"].pk), "description": "Inspect the licence"}
        ).status_code
        == 302
    )
    assert client.post(f"/operations/{op.pk}/status/", {"status": "live"}).status_code == 302
    owner_target = op.targets.get(kind="nominal")
    response = client.post(
        f"/operations/{op.pk}/outcomes/",
        {"kind": "arrest", "quantity": "2", "occurred_on": "2025-03-14", "target": str(owner_target.pk)},
    )
    assert response.status_code == 302
    # A bad value comes back to the page with an error, not a crash.
    response = client.post(
        f"/operations/{op.pk}/outcomes/", {"kind": "seizure", "quantity": "-1", "occurred_on": "2025-03-14"}
    )
    assert response.status_code == 400 and b"whole number" in response.content
    page = client.get(f"/operations/{op.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kamal Hussain" in html and "Cheetham Hill Mini Mart" in html and "Inspect the licence" in html
    assert OperationOutcome.objects.get().quantity == 2
    # The list shows it.
    assert "Operation Joined Up" in client.get("/operations/").content.decode()


def test_report_page_and_pdf(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    client = login(analyst)
    page = client.get(f"/operations/{op.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "OFFICIAL-SENSITIVE" in html and "Operation Joined Up – night of action" in html
    assert "2 × arrest" in html and "Trek mountain bike" in html and "20 Mar 2025" in html
    response = client.get(f"/operations/{op.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="OFFICIAL-SENSITIVE-operation-' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Operation Joined Up" in text
    assert "OFFICIAL-SENSITIVE" in text and "Kamal Hussain" in text and "Trek mountain bike" in text
    export = AuditEvent.objects.get(object_type="joint_operation", operation="disclosure")
    assert export.detail["export"] == "pdf" and str(op.pk) in export.object_ids
    assert str(world["owner1"].pk) in export.object_ids and export.purpose == PURPOSE
    # The partner's PDF does not name the person it may not see.
    ts_pdf = login(world["ts_officer"]).get(f"/operations/{op.pk}/report.pdf")
    ts_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(ts_pdf.content)).pages)
    assert "Kamal Hussain" not in ts_text and "held by Greater Manchester Police" in ts_text


def test_report_needs_a_purpose(analyst: User, world: dict[str, Any]) -> None:
    op = plan(analyst, world)
    client = login(analyst, purpose=False)
    assert client.get(f"/operations/{op.pk}/report.pdf").status_code == 302
    assert not AuditEvent.objects.filter(operation="disclosure").exists()


def test_outsider_gets_404_everywhere(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    client = login(world["outsider"])
    for path in ("", "report/", "report.pdf"):
        assert client.get(f"/operations/{op.pk}/{path}").status_code == 404, path
    assert (
        client.post(f"/operations/{op.pk}/outcomes/", {"kind": "arrest", "occurred_on": "2025-03-14"}).status_code
        == 404
    )
    assert client.get(f"/premises/{world['mart'].pk}/").status_code == 404
    assert "Operation Joined Up" not in client.get("/operations/").content.decode()
    assert OperationOutcome.objects.filter(agency=world["met"]).count() == 0


def test_partner_page_shows_the_operation_but_not_the_person(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    client = login(world["ts_officer"])
    html = client.get(f"/operations/{op.pk}/").content.decode()
    assert "Operation Joined Up" in html
    assert "Kamal Hussain" not in html and str(world["owner1"].pk) not in html
    assert "A person (held by Greater Manchester Police)" in html
    # and may record its own outcome
    response = client.post(
        f"/operations/{op.pk}/outcomes/", {"kind": "charge", "quantity": "1", "occurred_on": "2025-03-15"}
    )
    assert response.status_code == 302
    assert OperationOutcome.objects.get(kind="charge").agency == world["ts"]


def test_hostile_text_is_escaped(analyst: User, world: dict[str, Any]) -> None:
    op = plan(analyst, world, name=f"Op {HOSTILE}")
    services.task_add(actor=act(analyst), operation=op, agency=world["ts"], description=f"Task {HOSTILE}")
    services.operation_status_set(actor=act(analyst), operation=op, status="live")
    services.outcome_record(
        actor=act(analyst),
        operation=op,
        kind="seizure",
        seizure_kind="property",
        occurred_on=ON,
        description=f"Bag {HOSTILE}",
    )
    client = login(analyst)
    for path in ("", "report/"):
        html = client.get(f"/operations/{op.pk}/{path}").content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html
    pdf = client.get(f"/operations/{op.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_audit_rows(analyst: User, world: dict[str, Any]) -> None:
    op = full_night(analyst, world)
    rows = AuditEvent.objects.filter(object_type="joint_operation")
    actions = [e.detail.get("action") for e in rows]
    for expected in ("planned", "target_added", "task_added", "status", "outcome_recorded", "property_returned"):
        assert expected in actions, expected
    arrest = next(e for e in rows if e.detail.get("kind") == "arrest")
    assert arrest.operation == "collection" and str(world["owner1"].pk) in arrest.object_ids
    login(analyst).get(f"/operations/{op.pk}/")
    read = AuditEvent.objects.filter(object_type="joint_operation", operation="consultation").first()
    assert read is not None and read.detail["view"] == "operation_detail"
    assert str(world["owner1"].pk) in read.object_ids and read.purpose == PURPOSE


def test_region_summary_for_the_coordinator(
    analyst: User, coordinator: User, world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    op = full_night(analyst, world)
    # An operation of Merseyside's in the same region, which GMP's analyst does not take part in.
    mersey = make_user("mersey_analyst", "mersey")
    other = services.operation_create(
        actor=act(mersey), name="Operation Dock", starts_at=NIGHT, area="Bootle", objective="Port checks"
    )
    services.outcome_record(actor=act(mersey), operation=other, kind="arrest", occurred_on=ON, quantity=3)
    later = timezone.make_aware(datetime(2025, 4, 1, 12, 0))
    summary = selectors.region_operations_summary(user=coordinator, region=world["nw"], now=later)
    assert {o.pk for o in summary.operations} == {op.pk, other.pk}
    assert summary.outcome_totals["arrest"] == 5 and summary.outcome_totals["closure_order"] == 1
    assert [p.pk for p in summary.problem_premises] == [world["mart"].pk, world["wash"].pk]
    assert summary.premises_count == 2
    mine = selectors.region_operations_summary(user=analyst, region=world["nw"], now=later)
    assert {o.pk for o in mine.operations} == {op.pk} and mine.outcome_totals["arrest"] == 2
    assert selectors.region_operations_summary(user=coordinator, region=world["london"], now=later).operations == []
    # Long past and finished: no longer listed.
    services.operation_status_set(actor=act(analyst), operation=op, status="completed")
    much_later = timezone.make_aware(datetime(2025, 12, 1, 12, 0))
    assert op.pk not in {
        o.pk
        for o in selectors.region_operations_summary(user=coordinator, region=world["nw"], now=much_later).operations
    }
    assert ProblemPremises.objects.count() == 2
    assert Nominal.objects.count() >= 2


def test_region_disruption_counts(analyst: User, world: dict[str, Any], make_user: Callable[..., User]) -> None:
    validator = make_user("analyst_b", "gmp")
    ocg = intel.ocg_create(actor=act(analyst), name="Cheetham Crew", threat_categories=["illegal_drugs"])
    d = services.disruption_record(
        actor=act(analyst), ocg=ocg, tactic="cash_seizure", impact="moderate", rationale="Cash float seized.", on=ON
    )
    assert selectors.region_disruption_counts(user=analyst, region=world["nw"])["agency"] == []
    services.disruption_validate(actor=act(validator), disruption=d)
    rows = selectors.region_disruption_counts(user=analyst, region=world["nw"], start=date(2025, 1, 1))["agency"]
    assert [(r["agency"], r["total"], r["moderate"]) for r in rows] == [("Greater Manchester Police", 1, 1)]
    assert selectors.region_disruption_counts(user=analyst, region=world["london"])["agency"] == []
    assert selectors.region_disruption_counts(user=analyst, region=world["nw"], start=date(2025, 4, 1))["agency"] == []
