"""The disruptions API: record against an OCG or a nominal, list, read, validate by a second person, counts and
the tactics menu, with the web's rules (404 outside what the caller may see, 403 for the wrong role, 422 naming
the field) and the same audit rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import services as intel
from sochub.intel.models import OCG, Nominal
from sochub.operations.models import Disruption
from sochub.partners.models import Role, User
from sochub.partners.services import token_create
from tests.helpers import act

TOKEN_PURPOSE = "Operation Juniper: disruption returns"
HOSTILE = '<script>alert("x")</script> & "quotes" \u202e'

Call = Callable[..., Any]


@pytest.fixture
def bearer(client: Client) -> Callable[[User], Call]:
    """``bearer(user)(method, path, body=None, **params)`` calls the operations API with that user's token."""

    def for_user(user: User) -> Call:
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
def analyst_b(make_user: Callable[..., User]) -> User:
    """A second GMP analyst: the one who validates."""
    return make_user("analyst_b", "gmp")


@pytest.fixture
def ocg(analyst: User) -> OCG:
    return intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])


def nominal(user: User, name: str, foreign: str | None = None) -> Nominal:
    facts: list[tuple[str, Any]] = [("name", name)]
    if foreign is not None:
        facts.append(("foreign_national", foreign))
    return intel.nominal_create(actor=act(user), facts=facts)


def body(**kwargs: Any) -> dict[str, Any]:
    return {"tactic": "cash_seizure", "impact": "moderate", "rationale": "Cash float seized.", "date": "2025-03-14"} | (
        kwargs
    )


def test_record_validate_and_count_round_trip(
    analyst: User, analyst_b: User, ocg: OCG, bearer: Callable[[User], Call]
) -> None:
    call = bearer(analyst)
    created = call("post", "/disruptions", body(ocg_id=ocg.pk))
    assert created.status_code == 201, created.content
    d = created.json()
    assert (d["ocg_id"], d["nominal_id"], d["tactic_type"], d["area"]) == (ocg.pk, None, "poca", "lifestyle")
    assert d["recorded_by"] == "analyst" and d["validated"] is False and d["agency"] == "gmp"
    # The recorder may not validate their own disruption, through the API either.
    assert d["can_validate"] is False and "second person" in d["validation_refusal"]
    own = call("post", f"/disruptions/{d['id']}/validate")
    assert own.status_code == 403 and "second person" in own.json()["detail"]
    assert Disruption.objects.get().validated_by is None
    # Unvalidated disruptions do not count.
    assert call("get", "/disruptions/counts", by="ocg").json() == []

    other = bearer(analyst_b)
    assert other("get", f"/disruptions/{d['id']}").json()["can_validate"] is True
    validated = other("post", f"/disruptions/{d['id']}/validate")
    assert validated.status_code == 200, validated.content
    assert validated.json()["validated"] is True and validated.json()["validated_by"] == "analyst_b"
    assert other("post", f"/disruptions/{d['id']}/validate").status_code == 403  # already validated

    listed = call("get", "/disruptions", **{"from": "2025-03-01", "to": "2025-03-31"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == d["id"]
    assert call("get", "/disruptions", **{"from": "2025-04-01"}).json()["count"] == 0
    assert call("get", "/disruptions", validated_only=True).json()["count"] == 1
    by_ocg = call("get", "/disruptions/counts", by="ocg").json()
    assert by_ocg == [{**by_ocg[0], "ocg": "Acacia Road Crew", "total": 1, "moderate": 1}]
    by_quarter = call("get", "/disruptions/counts", by="period", period="quarter").json()
    assert [(r["period"], r["total"]) for r in by_quarter] == [("2025-Q1", 1)]

    events = AuditEvent.objects.filter(object_type="disruption", channel="api").order_by("pk")
    assert [e.detail["action"] for e in events] == ["recorded", "validated"]
    assert all(e.purpose == TOKEN_PURPOSE and e.operation == Operation.ALTERATION for e in events)


def test_against_a_nominal_hostile_text_is_data_and_reads_are_audited(
    analyst: User, analyst_b: User, bearer: Callable[[User], Call]
) -> None:
    person = nominal(analyst, "Ivan Petrov", foreign="yes")
    call = bearer(analyst)
    created = call(
        "post", "/disruptions", body(nominal_id=str(person.pk), tactic="deportation", impact="major", rationale=HOSTILE)
    )
    assert created.status_code == 201, created.content
    assert created["Content-Type"].startswith("application/json")
    d = created.json()
    assert d["rationale"] == HOSTILE and d["nominal_id"] == str(person.pk) and d["tactic_type"] == "immigration"
    assert Disruption.objects.get().rationale == HOSTILE
    assert bearer(analyst_b)("get", f"/disruptions/{d['id']}").json()["rationale"] == HOSTILE
    consulted = AuditEvent.objects.filter(
        object_type="nominal", operation=Operation.CONSULTATION, channel="api", detail__view="api_disruption_detail"
    )
    assert consulted.count() == 1 and consulted.get().object_ids == [str(person.pk)]
    call("get", "/disruptions")
    assert AuditEvent.objects.filter(object_type="nominal", detail__view="api_disruptions").count() == 1


def test_bad_values_are_422_naming_the_field(analyst: User, ocg: OCG, bearer: Callable[[User], Call]) -> None:
    call = bearer(analyst)
    british = nominal(analyst, "Jane Brown", foreign="no")
    cases = [
        (body(ocg_id=ocg.pk, impact="catastrophic"), "impact:"),
        (body(ocg_id=ocg.pk, tactic="<script>"), "tactic:"),
        (body(ocg_id=ocg.pk, rationale="   "), "rationale:"),
        (body(ocg_id=ocg.pk, rationale="x" * 2001), "rationale:"),
        (body(ocg_id=ocg.pk, date="2999-01-01"), "date:"),
        (body(nominal_id=str(british.pk), tactic="deportation"), "tactic:"),
        (body(ocg_id=ocg.pk, tactic="deportation"), "tactic:"),
    ]
    for payload, field in cases:
        response = call("post", "/disruptions", payload)
        assert response.status_code == 422, payload
        assert field in response.json()["detail"], (payload, response.json())
    both = call("post", "/disruptions", body(ocg_id=ocg.pk, nominal_id=str(british.pk)))
    assert both.status_code == 422
    malformed = call("post", "/disruptions", body(ocg_id=ocg.pk, date="14/03/2025"))
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][-1] == "date"
    assert call("get", "/disruptions/counts", by="colour").status_code == 422
    assert call("get", "/disruptions/counts", period="decade").status_code == 422
    assert call("get", "/disruptions", **{"from": "yesterday"}).status_code == 422
    assert not Disruption.objects.exists()


def test_another_agency_gets_404_and_the_wrong_role_403(
    analyst: User,
    analyst2: User,
    officer: User,
    make_user: Callable[..., User],
    ocg: OCG,
    bearer: Callable[[User], Call],
) -> None:
    d = bearer(analyst)("post", "/disruptions", body(ocg_id=ocg.pk)).json()
    outsider = bearer(analyst2)
    assert outsider("get", f"/disruptions/{d['id']}").status_code == 404
    assert outsider("post", f"/disruptions/{d['id']}/validate").status_code == 404
    assert outsider("post", "/disruptions", body(ocg_id=ocg.pk)).status_code == 404
    assert outsider("get", "/disruptions").json() == {"items": [], "count": 0}
    # An officer records but may not validate: only analysts and coordinators do.
    refused = bearer(officer)("post", f"/disruptions/{d['id']}/validate")
    assert refused.status_code == 403, refused.content
    # Partner staff read but may not record.
    partner = make_user("partner_staff", "gmp", (Role.PARTNER,))
    denied = bearer(partner)("post", "/disruptions", body(ocg_id=ocg.pk))
    assert denied.status_code == 403 and "does not allow" in denied.json()["detail"], denied.content
    assert Disruption.objects.count() == 1 and Disruption.objects.get().validated_by is None
    assert Client().get("/api/v1/operations/disruptions").status_code == 401


def test_menu_offers_immigration_only_for_a_visible_foreign_national_flag(
    analyst: User, analyst2: User, bearer: Callable[[User], Call]
) -> None:
    call = bearer(analyst)
    plain = call("get", "/disruptions/menu").json()
    ids = [t["id"] for t in plain["tactics"]]
    assert plain["foreign_national"] is None and "deportation" not in ids and "cash_seizure" in ids
    assert [a["id"] for a in plain["areas"]] == ["lifestyle", "behaviour", "vehicles", "travel", "business", "crime"]
    assert [lv["id"] for lv in plain["impact_levels"]] == ["major", "moderate", "minor", "none", "negative"]

    foreign = nominal(analyst, "Ivan Petrov", foreign="yes")
    menu = call("get", "/disruptions/menu", nominal_id=str(foreign.pk)).json()
    types = [t["type"] for t in menu["tactics"]]
    assert menu["foreign_national"] is True and "deportation" in [t["id"] for t in menu["tactics"]]
    first_other = next(i for i, t in enumerate(types) if t != "immigration")
    assert set(types[:first_other]) == {"immigration"} and "immigration" not in types[first_other:]
    assert AuditEvent.objects.filter(
        object_type="nominal", detail__view="api_disruption_menu", object_ids=[str(foreign.pk)]
    ).exists()

    # A flag held by another agency is not seen, so its immigration options are not offered.
    hidden = nominal(analyst, "Oleg Ivanov")
    assert analyst2.agency is not None
    intel.build_fact(nominal=hidden, agency=analyst2.agency, kind="foreign_national", value="yes").save()
    unflagged = call("get", "/disruptions/menu", nominal_id=str(hidden.pk)).json()
    assert unflagged["foreign_national"] is None and "deportation" not in [t["id"] for t in unflagged["tactics"]]
    assert bearer(analyst2)("get", "/disruptions/menu", nominal_id=str(foreign.pk)).status_code == 404
