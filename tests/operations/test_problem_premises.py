"""The problem premises register: who sees a row (same region, joint-operation participants, the region's
coordinator; 404 for others), owner names only through the intelligence rules, visits and actions, the monthly
coordination list's order and its audited CSV export, and hostile input."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.intel.services import NotFound
from sochub.operations import policies, selectors, services
from sochub.operations.models import ActionStatus, ProblemPremises
from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting
from tests.helpers import PASSWORD, act

PURPOSE = "Monthly tasking: problem premises coordination"
HOSTILE = '<img src=x onerror="alert(1)">'


def user_of(agency: Agency, username: str, *roles: str) -> User:
    user = User(username=username, agency=agency, roles=list(roles or (Role.OFFICER,)), vetting=Vetting.NPPV2)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/premises/"}).status_code == 302
    return client


def register(user: User, name: str, risk: str, **kwargs: Any) -> ProblemPremises:
    args: dict[str, Any] = {
        "address": f"{name} building, Manchester",
        "postcode": "M4 1AA",
        "kind": "business",
        "name": name,
        "area": "Northern Quarter",
        "licence_status": "premises_licence",
        "risk_level": risk,
        "risk_reasons": f"{name}: reported drug supply from the back room.",
    }
    args.update(kwargs)
    return services.problem_premises_register(actor=act(user), **args)


def visit(user: User, pp: ProblemPremises, on: date) -> None:
    services.visit_record(
        actor=act(user), problem_premises=pp, visited_on=on, kind="police", findings="Nothing of note."
    )


@pytest.fixture
def places(agencies: dict[str, Agency]) -> dict[str, Any]:
    london = Region.objects.get(code="london")
    met = Agency.objects.create(
        code="met-test", name="Test London Force", kind=AgencyKind.LAW_ENFORCEMENT, region=london
    )
    ts = Agency.objects.create(
        code="manchester-ts",
        name="Manchester Trading Standards",
        kind=AgencyKind.LOCAL,
        region=Region.objects.get(code="north-west"),
    )
    return {"london": london, "met": met, "ts": ts}


def test_coordination_list_order(analyst: User) -> None:
    today = timezone.localdate()
    a = register(analyst, "A never visited", "high")
    b = register(analyst, "B visited long ago", "high")
    c = register(analyst, "C visited recently", "high")
    c2 = register(analyst, "C2 same day more actions", "high")
    d = register(analyst, "D medium never visited", "medium")
    e = register(analyst, "E low", "low")
    gone = register(analyst, "F no longer a problem", "high")
    visit(analyst, b, today - timedelta(days=120))
    visit(analyst, b, today - timedelta(days=90))  # the last visit counts
    visit(analyst, c, today - timedelta(days=10))
    visit(analyst, c2, today - timedelta(days=10))
    for _ in range(2):
        services.action_record(actor=act(analyst), problem_premises=c2, kind="licence_review", started_on=today)
    closed = services.action_record(actor=act(analyst), problem_premises=c, kind="warning_letter", started_on=today)
    services.action_update(actor=act(analyst), action=closed, status=ActionStatus.COMPLETED)
    services.problem_premises_update(
        actor=act(analyst),
        problem_premises=gone,
        risk_level="high",
        risk_reasons="Closed down.",
        licence_status="revoked",
        active=False,
    )
    entries = selectors.coordination_list(user=analyst)
    assert [x.premises.pk for x in entries] == [a.pk, b.pk, c2.pk, c.pk, d.pk, e.pk]
    assert [x.rank for x in entries] == [1, 2, 3, 4, 5, 6]
    by_pk = {x.premises.pk: x for x in entries}
    assert by_pk[b.pk].days_since_visit == 90 and by_pk[a.pk].last_visit is None
    assert by_pk[c2.pk].open_actions == 2 and by_pk[c.pk].open_actions == 0
    assert by_pk[c.pk].visited_this_month == ((today - timedelta(days=10)).month == today.month)
    assert len(selectors.coordination_list(user=analyst, limit=2)) == 2


def test_visibility_region_participants_and_outsiders(
    analyst: User, analyst2: User, coordinator: User, places: dict[str, Any]
) -> None:
    pp = register(analyst, "Mini Mart", "high")
    hmrc_officer = user_of(Agency.objects.get(code="hmrc"), "hmrc_officer")
    outsider = user_of(places["met"], "met_analyst", Role.ANALYST)
    ts_officer = user_of(places["ts"], "ts_officer")
    visible = {
        analyst: True,
        analyst2: True,  # Merseyside: same region
        ts_officer: True,  # trading standards in the North West
        coordinator: True,
        hmrc_officer: False,  # national, not taking part in anything
        outsider: False,
    }
    for user, expected in visible.items():
        assert policies.visible_problem_premises(user).filter(pk=pp.pk).exists() is expected, user.username
    # Once HMRC takes part in an operation on it, HMRC sees it.
    op = services.operation_create(
        actor=act(analyst),
        name="Op Tobacco",
        starts_at=timezone.now() - timedelta(days=1),
        area="Manchester",
        objective="Illicit tobacco",
        partners=[Agency.objects.get(code="hmrc")],
    )
    services.target_add(actor=act(analyst), operation=op, problem_premises=pp)
    assert policies.visible_problem_premises(hmrc_officer).filter(pk=pp.pk).exists()
    assert not policies.visible_problem_premises(outsider).filter(pk=pp.pk).exists()
    with pytest.raises(NotFound):
        services.visit_record(
            actor=act(outsider), problem_premises=pp, visited_on=timezone.localdate(), kind="police", findings="x"
        )
    client = login(outsider)
    assert client.get(f"/premises/{pp.pk}/").status_code == 404
    assert (
        client.post(
            f"/premises/{pp.pk}/visits/", {"visited_on": "2025-01-01", "kind": "police", "findings": "x"}
        ).status_code
        == 404
    )
    assert "Mini Mart" not in client.get("/premises/coordination/").content.decode()


def test_owner_names_follow_the_intelligence_rules(analyst: User, analyst2: User) -> None:
    owner = intel.nominal_create(actor=act(analyst), facts=[("name", "Kamal Hussain")])
    pp = register(analyst, "Mini Mart", "high", owner=owner)
    gmp_page = login(analyst).get(f"/premises/{pp.pk}/").content.decode()
    assert "Kamal Hussain" in gmp_page
    mersey_page = login(analyst2).get(f"/premises/{pp.pk}/")
    assert mersey_page.status_code == 200
    html = mersey_page.content.decode()
    assert "Kamal Hussain" not in html and "A person whose record you cannot see" in html
    # Merseyside cannot name GMP's nominal as a manager either.
    with pytest.raises(NotFound):
        register(analyst2, "Dock Bar", "low", owner=owner)
    read = AuditEvent.objects.filter(
        object_type="problem_premises", operation="consultation", username="analyst"
    ).first()
    assert read is not None and str(owner.pk) in read.object_ids
    other = AuditEvent.objects.filter(
        object_type="problem_premises", operation="consultation", username="analyst2"
    ).first()
    assert other is not None and str(owner.pk) not in other.object_ids


def test_register_checks(analyst: User, officer: User, volunteer: User) -> None:
    with pytest.raises(ValidationError) as exc:
        register(analyst, "No reasons", "high", risk_reasons="   ")
    assert "risk_reasons" in exc.value.message_dict
    for bad in ({"risk_level": "extreme"}, {"licence_status": "pirate"}, {"postcode": "<b>"}, {"kind": "castle"}):
        with pytest.raises(ValidationError):
            register(analyst, "Bad", "high", **bad)
    with pytest.raises(PermissionDenied):
        register(volunteer, "Volunteer", "high")
    pp = register(analyst, "Mini Mart", "high")
    with pytest.raises(ValidationError):  # the same premises twice
        services.problem_premises_register(
            actor=act(analyst), premises=pp.premises, licence_status="none", risk_level="low", risk_reasons="again"
        )
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=act(officer),
            problem_premises=pp,
            visited_on=timezone.localdate() + timedelta(days=2),
            kind="police",
            findings="x",
        )
    assert pp.premises.postcode == "M4 1AA" and pp.premises.agency_id == analyst.agency_id


def test_pages_visits_actions_and_hostile_input(analyst: User, analyst2: User) -> None:
    client = login(analyst)
    response = client.post(
        "/premises/new/",
        {
            "address": f"1 High St {HOSTILE}",
            "postcode": "M1 1AE",
            "kind": "nail_bar",
            "name": f"Nails {HOSTILE}",
            "licence_status": "none",
            "risk_level": "medium",
            "risk_reasons": f"Workers may be trafficked {HOSTILE}",
        },
    )
    assert response.status_code == 302, response.content[:1500]
    pp = ProblemPremises.objects.get()
    assert (
        client.post(
            f"/premises/{pp.pk}/visits/",
            {"visited_on": "2025-02-03", "kind": "immigration", "findings": f"Two workers {HOSTILE}"},
        ).status_code
        == 302
    )
    assert (
        client.post(f"/premises/{pp.pk}/actions/", {"kind": "closure_notice", "started_on": "2025-02-04"}).status_code
        == 302
    )
    bad = client.post(f"/premises/{pp.pk}/visits/", {"visited_on": "", "kind": "police", "findings": "x"})
    assert bad.status_code == 400
    html = client.get(f"/premises/{pp.pk}/").content.decode()
    assert HOSTILE not in html and "&lt;img" in html and "Closure notice" in html and "Immigration" in html
    coordination = client.get("/premises/coordination/").content.decode()
    assert (
        HOSTILE not in coordination and "operations/print.css" in coordination and "OFFICIAL-SENSITIVE" in coordination
    )
    # Merseyside (same region) sees it but cannot change its risk.
    other = login(analyst2)
    assert other.get(f"/premises/{pp.pk}/").status_code == 200
    assert (
        other.post(
            f"/premises/{pp.pk}/review/", {"risk_level": "low", "risk_reasons": "fine", "licence_status": "none"}
        ).status_code
        == 403
    )
    assert ProblemPremises.objects.get().risk_level == "medium"


def test_coordination_csv_is_audited_and_filtered(analyst: User, places: dict[str, Any]) -> None:
    register(analyst, '=HYPERLINK("http://evil")', "high", area="Cheetham Hill")
    register(analyst, "Corner Shop", "low", area="Moss Side")
    client = login(analyst)
    response = client.get("/premises/coordination.csv", {"region": "north-west", "area": "Cheetham"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["OFFICIAL-SENSITIVE"] and rows[-1] == ["OFFICIAL-SENSITIVE"]
    data = rows[3:-1]
    assert len(data) == 1 and data[0][1].startswith("'=HYPERLINK")
    event = AuditEvent.objects.get(object_type="problem_premises", operation="disclosure")
    assert event.detail["export"] == "csv" and event.detail["region"] == "north-west" and event.purpose == PURPOSE
    # London's list does not have them.
    assert client.get("/premises/coordination/", {"region": "london"}).content.decode().count("data-premises=") == 0


def test_list_and_form_pages_render(analyst: User, agencies: dict[str, Agency]) -> None:
    coordinator = user_of(agencies["mersey"], "nw_coordinator", Role.COORDINATOR)
    coordinator.coordinator_region = Region.objects.get(code="north-west")
    coordinator.save()
    register(analyst, "Mini Mart", "high")
    client = login(analyst)
    listing = client.get("/premises/", {"risk": "high", "region": "north-west"})
    assert listing.status_code == 200 and "Mini Mart" in listing.content.decode()
    assert "Mini Mart" not in client.get("/premises/", {"risk": "low"}).content.decode()
    assert client.get("/premises/new/").status_code == 200
    assert client.get("/operations/new/").status_code == 200
    op = services.operation_create(
        actor=act(analyst),
        name="Op Mart",
        starts_at=timezone.now() - timedelta(hours=3),
        area="Manchester",
        objective="Visit",
    )
    page = login(coordinator).get(f"/operations/{op.pk}/")  # the region's coordinator: sees, no forms to change it
    assert page.status_code == 200 and "Op Mart" in page.content.decode()
    assert "Add a target" not in page.content.decode()
