"""The operations API: list and read joint operations, record an outcome, list problem premises and this month's
coordination list, with the web's access rules (404 outside the operation) and audit rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.operations import services
from sochub.operations.models import JointOperation, OperationOutcome
from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting
from sochub.partners.services import token_create
from tests.helpers import act

TOKEN_PURPOSE = "Operation Joined Up: outcome returns"
NIGHT = timezone.make_aware(datetime(2025, 3, 14, 20, 0))


@pytest.fixture
def bearer(client: Client) -> Callable[[User], Callable[..., Any]]:
    """``bearer(user)(method, path, body=None, **params)`` calls the API with that user's token."""

    def for_user(user: User) -> Callable[..., Any]:
        _, raw = token_create(actor=act(user), user=user, purpose=TOKEN_PURPOSE, expires_days=30)
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
            if method == "post":
                return client.post(
                    f"/api/v1/operations{path}", body or {}, content_type="application/json", headers=headers
                )
            return client.get(f"/api/v1/operations{path}", params, headers=headers)

        return call

    return for_user


@pytest.fixture
def setup(analyst: User, agencies: dict[str, Agency]) -> dict[str, Any]:
    nw = Region.objects.get(code="north-west")
    ts = Agency.objects.create(
        code="manchester-ts", name="Manchester Trading Standards", kind=AgencyKind.LOCAL, region=nw
    )
    met = Agency.objects.create(
        code="met-test",
        name="Test London Force",
        kind=AgencyKind.LAW_ENFORCEMENT,
        region=Region.objects.get(code="london"),
    )

    def user(agency: Agency, name: str) -> User:
        return User.objects.create(username=name, agency=agency, roles=[Role.OFFICER], vetting=Vetting.NPPV2)

    owner = intel.nominal_create(actor=act(analyst), facts=[("name", "Kamal Hussain")])
    pp = services.problem_premises_register(
        actor=act(analyst),
        address="212 Cheetham Hill Road",
        postcode="M8 8LN",
        kind="business",
        name="Mini Mart",
        owner=owner,
        licence_status="suspended",
        risk_level="high",
        risk_reasons="Illicit tobacco.",
    )
    op = services.operation_create(
        actor=act(analyst),
        name="Operation Joined Up – night of action",
        starts_at=NIGHT,
        area="Cheetham Hill",
        objective="Visit problem premises.",
        region=nw,
        partners=[ts],
    )
    services.target_add(actor=act(analyst), operation=op, problem_premises=pp)
    services.target_add(actor=act(analyst), operation=op, nominal=owner)
    return {"op": op, "pp": pp, "owner": owner, "ts_user": user(ts, "ts_officer"), "outsider": user(met, "met_officer")}


def test_round_trip(analyst: User, setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]) -> None:
    op: JointOperation = setup["op"]
    call = bearer(setup["ts_user"])
    listed = call("get", "/joint")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [op.pk] and listed.json()["items"][0]["partners"] == [
        "manchester-ts"
    ]
    detail = call("get", f"/joint/{op.pk}").json()
    person = next(t for t in detail["targets"] if t["kind"] == "nominal")
    assert person == {
        **person,
        "visible": False,
        "nominal_id": None,
        "label": "A person (held by Greater Manchester Police)",
    }
    premises_target = next(t for t in detail["targets"] if t["kind"] == "problem_premises")
    created = call(
        "post",
        f"/joint/{op.pk}/outcomes",
        {
            "kind": "recovered_property",
            "occurred_on": "2025-03-14",
            "description": "Trek mountain bike",
            "estimated_value": "850.00",
            "owner_identified": True,
            "returned_on": "2025-03-20",
            "target": premises_target["id"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["agency"] == "manchester-ts"
        and body["returned_on"] == "2025-03-20"
        and body["estimated_value"] == "850.00"
    )
    again = call("get", f"/joint/{op.pk}").json()
    assert again["outcome_totals"]["recovered_property"] == 1 and len(again["outcomes"]) == 1
    # GMP sees the person by name.
    gmp_detail = bearer(analyst)("get", f"/joint/{op.pk}").json()
    assert any(t["label"] == "Kamal Hussain" and t["visible"] for t in gmp_detail["targets"])
    events = AuditEvent.objects.filter(object_type="joint_operation", channel="api")
    assert events.filter(operation="consultation").exists()
    recorded = events.get(operation="collection")
    assert recorded.detail["action"] == "outcome_recorded" and recorded.purpose == TOKEN_PURPOSE


def test_bad_outcomes_are_422(setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]) -> None:
    call = bearer(setup["ts_user"])
    op = setup["op"]
    for body in (
        {"kind": "arrest", "occurred_on": "2025-03-14", "quantity": 0},
        {"kind": "arrest", "occurred_on": "2025-03-14", "quantity": 99999999},
        {"kind": "seizure", "occurred_on": "2025-03-14", "description": "x"},
        {
            "kind": "seizure",
            "seizure_kind": "cash",
            "occurred_on": "2025-03-14",
            "description": "x",
            "estimated_value": "-1",
        },
        {"kind": "arrest", "occurred_on": "2025-03-14", "target": 999999},
    ):
        assert call("post", f"/joint/{op.pk}/outcomes", body).status_code == 422, body
    assert not OperationOutcome.objects.exists()


def test_outsider_gets_404(setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]) -> None:
    call = bearer(setup["outsider"])
    op = setup["op"]
    assert call("get", "/joint").json()["items"] == []
    assert call("get", f"/joint/{op.pk}").status_code == 404
    assert call("post", f"/joint/{op.pk}/outcomes", {"kind": "arrest", "occurred_on": "2025-03-14"}).status_code == 404
    assert call("get", "/premises").json()["count"] == 0
    assert call("get", "/premises/coordination").json() == []
    assert Client().get(f"/api/v1/operations/joint/{op.pk}").status_code == 401


def test_premises_and_coordination(
    analyst: User, setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]
) -> None:
    low = services.problem_premises_register(
        actor=act(analyst),
        address="3 Moss Lane",
        postcode="M14 4AA",
        kind="residential",
        licence_status="hmo",
        risk_level="low",
        risk_reasons="Overcrowding complaints.",
    )
    services.visit_record(
        actor=act(analyst),
        problem_premises=low,
        visited_on=date(2025, 1, 5),
        kind="fire_safety",
        findings="Blocked exits.",
    )
    call = bearer(setup["ts_user"])
    listed = call("get", "/premises", region="north-west")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    item = next(i for i in listed.json()["items"] if i["id"] == setup["pp"].pk)
    assert item["has_owner"] and "Kamal" not in str(item) and item["licence_status"] == "suspended"
    ranked = call("get", "/premises/coordination", region="north-west").json()
    assert [r["premises"]["id"] for r in ranked] == [setup["pp"].pk, low.pk]
    assert ranked[1]["last_visit"] == "2025-01-05" and ranked[0]["last_visit"] is None
    assert call("get", "/premises", region="atlantis").status_code == 422
    assert (
        AuditEvent.objects.filter(object_type="problem_premises", operation="consultation", channel="api").count() == 2
    )


HOSTILE = '<script>alert("x")</script> & "quotes"'


def test_plan_and_run_an_operation_through_the_api(
    analyst: User, analyst2: User, setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]
) -> None:
    lead = bearer(analyst)
    created = lead(
        "post",
        "/joint",
        {
            "name": f"Operation Safer Six {HOSTILE}",
            "starts_at": "2025-03-14T20:00:00",
            "ends_at": "2025-03-15T04:00:00",
            "area": "Cheetham Hill",
            "objective": HOSTILE,
            "region": "north-west",
            "partners": ["manchester-ts"],
        },
    )
    assert created.status_code == 201, created.content
    op = created.json()
    assert op["name"] == f"Operation Safer Six {HOSTILE}" and op["objective"] == HOSTILE
    assert op["lead_agency"] == "gmp" and op["partners"] == ["manchester-ts"] and op["region"] == "north-west"
    path = f"/joint/{op['id']}"

    added = lead("post", f"{path}/partners", {"agency": "merseyside"})
    assert added.status_code == 200 and added.json()["partners"] == ["manchester-ts", "merseyside"]
    again = lead("post", f"{path}/partners", {"agency": "merseyside"})
    assert again.status_code == 422 and "agency:" in again.json()["detail"]

    target = lead("post", f"{path}/targets", {"nominal_id": str(setup["owner"].pk), "note": "Shop owner"})
    assert target.status_code == 201, target.content
    assert target.json()["label"] == "Kamal Hussain" and target.json()["visible"] is True
    twice = lead("post", f"{path}/targets", {"nominal_id": str(setup["owner"].pk)})
    assert twice.status_code == 422 and "target:" in twice.json()["detail"]
    assert lead("post", f"{path}/targets", {"problem_premises_id": setup["pp"].pk}).status_code == 201

    task = lead("post", f"{path}/tasks", {"agency": "manchester-ts", "description": HOSTILE, "due": "2025-03-14"})
    assert task.status_code == 201, task.content
    assert task.json()["description"] == HOSTILE and task.json()["status"] == "to_do"

    ts = bearer(setup["ts_user"])
    done = ts("post", f"{path}/tasks/{task.json()['id']}", {"status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    # A partner agency may not change the operation itself.
    assert ts("post", f"{path}/status", {"status": "live"}).status_code == 403
    assert ts("post", f"{path}/targets", {"problem_premises_id": setup["pp"].pk}).status_code == 403
    assert ts("post", f"{path}/tasks", {"agency": "manchester-ts", "description": "x"}).status_code == 403

    live = lead("post", f"{path}/status", {"status": "live"})
    assert live.status_code == 200 and live.json()["status"] == "live"
    back = lead("post", f"{path}/status", {"status": "planned"})
    assert back.status_code == 422 and "status:" in back.json()["detail"]

    outcome = ts(
        "post",
        f"{path}/outcomes",
        {"kind": "recovered_property", "occurred_on": "2025-03-14", "description": "Bike", "owner_identified": True},
    ).json()
    returned = ts("post", f"{path}/outcomes/{outcome['id']}/returned", {"returned_on": "2025-03-20"})
    assert returned.status_code == 200 and returned.json()["returned_on"] == "2025-03-20"
    twice_returned = ts("post", f"{path}/outcomes/{outcome['id']}/returned", {"returned_on": "2025-03-21"})
    assert twice_returned.status_code == 422 and "returned_on:" in twice_returned.json()["detail"]
    # Only the agency that recorded the property records its return.
    assert lead("post", f"{path}/outcomes/{outcome['id']}/returned", {"returned_on": "2025-03-20"}).status_code == 403

    detail = lead("get", path).json()
    assert [t["status"] for t in detail["tasks"]] == ["done"] and len(detail["targets"]) == 2
    events = [
        e
        for e in AuditEvent.objects.filter(object_type="joint_operation", channel="api")
        if op["id"] in e.object_ids or str(op["id"]) in e.object_ids
    ]
    actions = {e.detail.get("action") for e in events}
    assert {"planned", "partner_added", "target_added", "task_added", "task_status", "status", "property_returned"} <= (
        actions
    ), actions
    assert all(e.purpose == TOKEN_PURPOSE for e in events)

    # Merseyside now takes part; a force that does not still gets 404 for every write.
    outsider = bearer(setup["outsider"])
    for sub, payload in (
        ("/status", {"status": "completed"}),
        ("/partners", {"agency": "met-test"}),
        ("/targets", {"problem_premises_id": setup["pp"].pk}),
        ("/tasks", {"agency": "met-test", "description": "x"}),
        (f"/tasks/{task.json()['id']}", {"status": "cancelled"}),
        (f"/outcomes/{outcome['id']}/returned", {"returned_on": "2025-03-20"}),
    ):
        assert outsider("post", f"{path}{sub}", payload).status_code == 404, sub
    assert JointOperation.objects.get(pk=op["id"]).status == "live"
    # A target the lead cannot see answers 404, as if it did not exist.
    theirs = intel.nominal_create(actor=act(analyst2), facts=[("name", "Mary Jones")])
    assert lead("post", f"{path}/targets", {"nominal_id": str(theirs.pk)}).status_code == 404
    assert lead("post", f"{path}/targets", {"ocg_id": 999999}).status_code == 404


def test_planning_refuses_bad_values_and_roles(
    analyst: User, make_user: Callable[..., User], setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]
) -> None:
    lead = bearer(analyst)
    good = {"name": "Op", "starts_at": "2025-03-14T20:00:00", "area": "Salford", "objective": "Visits."}
    cases = [
        ({**good, "ends_at": "2025-03-13T20:00:00"}, "ends_at:"),
        ({**good, "ends_at": "2026-06-13T20:00:00"}, "ends_at:"),
        ({**good, "name": "   "}, "name:"),
        ({**good, "partners": ["atlantis-police"]}, "partners:"),
        ({**good, "region": "atlantis"}, "region"),
    ]
    for payload, field in cases:
        response = lead("post", "/joint", payload)
        assert response.status_code == 422 and field in str(response.json()["detail"]), (payload, response.json())
    malformed = lead("post", "/joint", {**good, "starts_at": "tonight"})
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][-1] == "starts_at"
    op = setup["op"]
    bad_task = lead("post", f"/joint/{op.pk}/tasks", {"agency": "met-test", "description": "x"})
    assert bad_task.status_code == 422 and "agency:" in bad_task.json()["detail"]
    bad_status = lead("post", f"/joint/{op.pk}/status", {"status": "<b>done</b>"})
    assert bad_status.status_code == 422 and "status:" in bad_status.json()["detail"]
    partner = make_user("partner_staff", "gmp", (Role.PARTNER,))
    assert bearer(partner)("post", "/joint", good).status_code == 403
    assert JointOperation.objects.count() == 1


def test_problem_premises_through_the_api(
    analyst: User, make_user: Callable[..., User], setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]
) -> None:
    gmp = bearer(analyst)
    created = gmp(
        "post",
        "/premises",
        {
            "address": "14 Bury New Road",
            "postcode": "m8 8fr",
            "kind": "business",
            "name": HOSTILE,
            "owner_id": str(setup["owner"].pk),
            "licence_status": "alcohol",
            "risk_level": "medium",
            "risk_reasons": HOSTILE,
        },
    )
    assert created.status_code == 201, created.content
    pp = created.json()
    assert pp["name"] == HOSTILE and pp["risk_reasons"] == HOSTILE and pp["postcode"] == "M8 8FR"
    assert pp["owner"] == {"nominal_id": str(setup["owner"].pk), "name": "Kamal Hussain"} and pp["manager"] is None
    path = f"/premises/{pp['id']}"

    # Trading Standards (same region) sees the premises but not the owner, who is GMP's.
    ts = bearer(setup["ts_user"])
    seen = ts("get", path)
    assert seen.status_code == 200 and seen.json()["has_owner"] is True and seen.json()["owner"] is None
    assert "Kamal" not in seen.content.decode()
    consulted = [
        e.object_ids
        for e in AuditEvent.objects.filter(
            object_type="problem_premises", operation="consultation", channel="api"
        ).order_by("pk")
        if str(pp["id"]) in map(str, e.object_ids)
    ]
    # GMP's read back of what it registered (naming the owner), then Trading Standards' read (not naming them)
    assert len(consulted) == 2
    assert str(setup["owner"].pk) in consulted[0] and str(setup["owner"].pk) not in consulted[1]

    op = setup["op"]
    visit = ts(
        "post",
        f"{path}/visits",
        {"visited_on": "2025-03-14", "kind": "trading_standards", "findings": HOSTILE, "operation": op.pk},
    )
    assert visit.status_code == 201, visit.content
    assert visit.json()["findings"] == HOSTILE and visit.json()["operation"] == op.pk
    action = ts("post", f"{path}/actions", {"kind": "warning_letter", "started_on": "2025-03-15"})
    assert action.status_code == 201 and action.json()["status"] == "open"
    action_path = f"{path}/actions/{action.json()['id']}"
    # Only the agency that took the action updates it.
    assert gmp("post", action_path, {"status": "completed"}).status_code == 403
    closed = ts("post", action_path, {"status": "completed", "closed_on": "2025-03-20"})
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2025-03-20"
    # Only the recording agency reviews the risk.
    review = {"risk_level": "low", "risk_reasons": "Warning heeded.", "licence_status": "alcohol"}
    assert ts("post", f"{path}/review", review).status_code == 403
    reviewed = gmp("post", f"{path}/review", {**review, "active": False})
    assert reviewed.status_code == 200 and reviewed.json()["risk_level"] == "low" and not reviewed.json()["active"]

    detail = gmp("get", path).json()
    assert [v["findings"] for v in detail["visits"]] == [HOSTILE] and detail["visits"][0]["operation"] == op.pk
    assert [(a["kind"], a["status"]) for a in detail["actions"]] == [("warning_letter", "completed")]
    actions = set(
        AuditEvent.objects.filter(object_type="problem_premises", channel="api").values_list(
            "detail__action", flat=True
        )
    )
    assert {"registered", "visit", "action", "action_status", "reviewed"} <= actions

    outsider = bearer(setup["outsider"])
    assert outsider("get", path).status_code == 404
    assert (
        outsider("post", f"{path}/visits", {"visited_on": "2025-03-14", "kind": "police", "findings": "x"}).status_code
        == 404
    )
    assert outsider("post", f"{path}/review", review).status_code == 404
    partner = make_user("partner_staff", "gmp", (Role.PARTNER,))
    assert bearer(partner)("post", f"{path}/actions", {"kind": "other", "started_on": "2025-03-15"}).status_code == 403


def test_premises_bad_values_are_422_naming_the_field(
    analyst: User, setup: dict[str, Any], bearer: Callable[[User], Callable[..., Any]]
) -> None:
    gmp = bearer(analyst)
    pp = setup["pp"]
    good = {"address": "1 High St", "postcode": "M1 1AE", "kind": "business", "licence_status": "none"}
    for payload, field in (
        ({**good, "postcode": "<script>", "risk_level": "high", "risk_reasons": "x"}, "postcode:"),
        ({**good, "risk_level": "extreme", "risk_reasons": "x"}, "risk_level:"),
        ({**good, "risk_level": "high", "risk_reasons": ""}, "risk_reasons:"),
    ):
        response = gmp("post", "/premises", payload)
        assert response.status_code == 422 and field in response.json()["detail"], response.json()
    for sub, payload, field in (
        ("/visits", {"visited_on": "2999-01-01", "kind": "police", "findings": "x"}, "visited_on:"),
        ("/visits", {"visited_on": "2025-01-01", "kind": "party", "findings": "x"}, "kind:"),
        ("/visits", {"visited_on": "2025-01-01", "kind": "police", "findings": "x", "operation": 999999}, "operation:"),
        ("/actions", {"kind": "other", "started_on": "2025-01-01"}, "detail:"),
        ("/actions", {"kind": "prosecution", "started_on": "2025-02-01", "due_on": "2025-01-01"}, "due_on:"),
    ):
        response = gmp("post", f"/premises/{pp.pk}{sub}", payload)
        assert response.status_code == 422 and field in response.json()["detail"], (sub, response.json())
    missing = gmp("post", f"/premises/{pp.pk}/visits", {"kind": "police", "findings": "x"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"][-1] == "visited_on"
    assert gmp("post", f"/premises/{pp.pk}/actions/999999", {"status": "completed"}).status_code == 404
    assert not pp.visits.exists() and not pp.actions.exists()
