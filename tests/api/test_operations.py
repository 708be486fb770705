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
