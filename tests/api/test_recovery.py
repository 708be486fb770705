"""The asset recovery API: record a seizure and read back its 48-hour deadline, list, detail, deadlines and
totals, with the same agency rules and audit as the web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Role, User
from sochub.partners.services import token_create
from sochub.recovery import services
from sochub.recovery.models import CashSeizure
from tests.helpers import act

Call = Callable[..., Any]


@pytest.fixture
def api(client: Client) -> Callable[[User], Call]:
    """``api(user)(method, path, body=None, **params)`` sends that user's bearer token."""

    def for_user(user: User) -> Call:
        _, raw = token_create(actor=act(user), user=user, purpose="Operation Kestrel: cash review", expires_days=30)
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
            if method == "post":
                return client.post(f"/api/v1/recovery{path}", body, content_type="application/json", headers=headers)
            return client.get(f"/api/v1/recovery{path}", params, headers=headers)

        return call

    return for_user


def test_a_seizure_recorded_through_the_api_comes_back_with_its_deadline(
    api: Callable[[User], Call], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    call = api(analyst)
    # Friday 22 May 2026 18:00, before the spring bank holiday: initial detention ends Wednesday 27 May 18:00
    response = call(
        "post",
        "/seizures",
        {
            "amount": "2500.00",
            "seized_at": "2026-05-22T18:00:00",
            "nation": "england-wales",
            "place": "<b>M60</b>",
            "nominal": str(picture["smith"].pk),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    seizure = CashSeizure.objects.get()
    assert body["id"] == seizure.pk and Decimal(body["amount"]) == Decimal("2500.00")
    assert datetime.fromisoformat(body["initial_detention_ends"]) == timezone.make_aware(datetime(2026, 5, 27, 18, 0))
    assert body["nominal"] == str(picture["smith"].pk) and body["place"] == "<b>M60</b>"

    listed = call("get", "/seizures").json()
    assert listed["count"] == 1 and [i["id"] for i in listed["items"]] == [seizure.pk]
    assert call("get", f"/seizures/{seizure.pk}").json()["orders"] == []
    deadlines = call("get", "/deadlines").json()
    assert [(d["kind"], d["record_type"], d["record_id"], d["level"]) for d in deadlines] == [
        ("initial_detention", "seizure", seizure.pk, "overdue")
    ]
    totals = call("get", "/totals", period="quarter", group="region").json()
    assert totals == [
        {
            "region": "North West",
            "quarter": "2026-Q2",
            "seized": "2500.00",
            "forfeited": "0",
            "frozen": "0",
            "confiscation_ordered": "0",
            "confiscation_paid": "0",
            "seized_count": 1,
            "forfeited_count": 0,
            "frozen_count": 0,
            "confiscation_ordered_count": 0,
            "confiscation_paid_count": 0,
        }
    ]
    assert call("get", "/totals", period="decade").status_code == 422

    audited = AuditEvent.objects.filter(channel="api", object_type="cash_seizure").order_by("pk")
    # recorded, then read back by the answer to the POST, the list and the detail
    assert [e.operation for e in audited] == [Operation.COLLECTION] + [Operation.CONSULTATION] * 3
    assert str(picture["smith"].pk) in audited[0].object_ids
    assert all(e.purpose == "Operation Kestrel: cash review" for e in audited)
    assert AuditEvent.objects.filter(channel="api", object_type="recovery_totals").count() == 1

    other = api(analyst2)
    assert other("get", f"/seizures/{seizure.pk}").status_code == 404
    assert other("get", "/seizures").json() == {"items": [], "count": 0}
    assert other("get", "/deadlines").json() == []


def test_the_api_refuses_what_the_rules_refuse(
    api: Callable[[User], Call], analyst: User, volunteer: User, picture: dict[str, Any]
) -> None:
    call = api(analyst)
    below = call("post", "/seizures", {"amount": "999", "seized_at": "2026-05-22T18:00:00"})
    assert below.status_code == 422 and "below the minimum amount of £1,000" in below.json()["detail"]
    future = call("post", "/seizures", {"amount": "5000", "seized_at": "2099-01-01T10:00:00"})
    assert future.status_code == 422 and "must not be in the future" in future.json()["detail"]
    wales = call("post", "/seizures", {"amount": "5000", "seized_at": "2026-05-22T18:00:00", "nation": "wales"})
    assert wales.status_code == 422
    theirs = call(
        "post", "/seizures", {"amount": "5000", "seized_at": "2026-05-22T18:00:00", "nominal": str(picture["jones"].pk)}
    )
    assert theirs.status_code == 422 and "No nominal you can see" in theirs.json()["detail"]
    assert call("post", "/seizures", {"amount": "<script>", "seized_at": "x"}).status_code == 422
    assert not CashSeizure.objects.exists()
    assert api(volunteer)("get", "/seizures").status_code == 404
    assert call("get", "/seizures", limit=500).status_code == 422


def test_deadlines_include_freezing_orders_and_confiscation(
    api: Callable[[User], Call], analyst: User, picture: dict[str, Any]
) -> None:
    order = services.freezing_order_record(
        actor=act(analyst),
        bank="Lloyds",
        sort_code="309999",
        account_ending="4321",
        amount=Decimal("15000"),
        made_on=date(2026, 3, 2),
        months=6,
    )
    services.notice_give(
        actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("15000")
    )
    services.confiscation_record(
        actor=act(analyst),
        nominal=picture["smith"],
        court="Manchester Crown Court",
        made_on=date(2026, 5, 1),
        amount=Decimal("40000"),
        time_to_pay_months=3,
    )
    rows = api(analyst)("get", "/deadlines").json()
    found = {(d["kind"], d["due_day"], d["all_day"]) for d in rows}
    assert found == {
        ("afn_objection", "2026-04-19", True),
        ("afo", "2026-09-01", True),
        ("time_to_pay", "2026-07-31", True),
    }
    afn = next(d for d in rows if d["kind"] == "afn_objection")
    assert afn["record_type"] == "freezing_order" and afn["record_id"] == order.pk and afn["notice_id"] is not None


HOSTILE = '<script>alert("x")</script> & "quotes"'


def test_a_seizure_runs_its_course_through_the_api(
    api: Callable[[User], Call], analyst: User, analyst2: User, make_user: Callable[..., User]
) -> None:
    call = api(analyst)
    seizure = call("post", "/seizures", {"amount": "12000.00", "seized_at": "2026-05-22T18:00:00"}).json()
    path = f"/seizures/{seizure['id']}"
    early = call("post", f"{path}/notices", {"given_on": "2026-05-26"})
    assert early.status_code == 422 and "given_on:" in early.json()["detail"]
    too_long = call("post", f"{path}/orders", {"granted_on": "2026-05-26", "months": 7})
    assert too_long.status_code == 422 and "months:" in too_long.json()["detail"]
    ordered = call("post", f"{path}/orders", {"granted_on": "2026-05-26", "months": 3, "court": HOSTILE})
    assert ordered.status_code == 201, ordered.content
    assert ordered.json()["orders"] == [
        {
            "granted_on": "2026-05-26",
            "months": 3,
            "expires_on": ordered.json()["orders"][0]["expires_on"],
            "court": HOSTILE,
        }
    ]
    assert ordered.json()["orders"][0]["expires_on"] > "2026-08-01"
    notice = call("post", f"{path}/notices", {"given_on": "2026-06-01"})
    assert notice.status_code == 201, notice.content
    n = notice.json()
    assert n["kind"] == "acfn" and n["outcome"] == "pending" and n["objection_deadline"] > "2026-06-29"
    assert n["seizure"] == seizure["id"]
    # Forfeiture without objection may be recorded only once the objection period has passed.
    soon = call("post", f"/notices/{n['id']}/outcome", {"outcome": "forfeited", "decided_on": "2026-06-05"})
    assert soon.status_code == 422 and "decided_on:" in soon.json()["detail"]
    # Another agency does not know the notice or the seizure exist; a role that may not write is refused.
    other = api(analyst2)
    assert (
        other("post", f"/notices/{n['id']}/outcome", {"outcome": "withdrawn", "decided_on": "2026-08-01"}).status_code
        == 404
    )
    assert other("post", f"{path}/orders", {"granted_on": "2026-05-26", "months": 3}).status_code == 404
    assert other("post", f"{path}/close", {"status": "released"}).status_code == 404
    partner = api(make_user("partner_staff", "gmp", (Role.PARTNER,)))
    assert partner("get", path).status_code == 200
    assert partner("post", f"{path}/close", {"status": "released"}).status_code == 403
    assert (
        partner("post", f"/notices/{n['id']}/outcome", {"outcome": "withdrawn", "decided_on": "2026-08-01"}).status_code
        == 403
    )

    done = call(
        "post", f"/notices/{n['id']}/outcome", {"outcome": "forfeited", "decided_on": "2026-08-01", "note": HOSTILE}
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "forfeited" and done.json()["outcome_note"] == HOSTILE
    after = call("get", path).json()
    assert after["status"] == "forfeited" and after["notices"][0]["outcome"] == "forfeited"
    closed = call("post", f"{path}/close", {"status": "released"})
    assert closed.status_code == 422 and "no longer detained" in closed.json()["detail"]

    second = call("post", "/seizures", {"amount": "3000.00", "seized_at": "2026-06-02T09:30:00"}).json()
    bad = call("post", f"/seizures/{second['id']}/close", {"status": "detained"})
    assert bad.status_code == 422 and "status:" in bad.json()["detail"]
    released = call("post", f"/seizures/{second['id']}/close", {"status": "released", "reason": HOSTILE})
    assert released.status_code == 200 and released.json()["closed_reason"] == HOSTILE
    actions = [
        e.detail.get("action")
        for e in AuditEvent.objects.filter(
            channel="api", operation=Operation.ALTERATION, object_type__in=["cash_seizure", "recovery_notice"]
        ).order_by("pk")
    ]
    assert actions == ["detention_order", "notice_given", "outcome", "closed"]


def test_account_freezing_orders_show_only_the_bank_and_last_four_digits(
    api: Callable[[User], Call], analyst: User, analyst2: User, make_user: Callable[..., User], picture: dict[str, Any]
) -> None:
    call = api(analyst)
    good = {
        "bank": HOSTILE,
        "sort_code": "30-99-99",
        "account_ending": "4321",
        "amount": "15000.00",
        "made_on": "2026-03-02",
        "months": 6,
        "nominal": str(picture["smith"].pk),
    }
    for payload, field in (
        ({**good, "account_ending": "12345678"}, "account_ending:"),
        ({**good, "sort_code": "<script>"}, "sort_code:"),
        ({**good, "months": 30}, "months:"),
        ({**good, "amount": "-5"}, "amount:"),
        ({**good, "made_on": "2999-01-01"}, "made_on:"),
        ({**good, "nominal": str(picture["jones"].pk)}, "nominal:"),
    ):
        response = call("post", "/freezing-orders", payload)
        assert response.status_code == 422 and field in response.json()["detail"], (payload, response.json())
    assert call("post", "/freezing-orders", {**good, "amount": "lots"}).json()["detail"][0]["loc"][-1] == "amount"
    created = call("post", "/freezing-orders", good)
    assert created.status_code == 201, created.content
    order = created.json()
    assert (
        order["bank"] == HOSTILE
        and order["account"] == f"{HOSTILE} ending 4321"
        and order["expires_on"] == "2026-09-01"
    )
    assert order["nominal"] == str(picture["smith"].pk)
    for text in (created.content.decode(), call("get", "/freezing-orders").content.decode()):
        assert "309999" not in text and "30-99-99" not in text and "sort_code" not in text
    path = f"/freezing-orders/{order['id']}"
    assert call("get", "/freezing-orders").json()["count"] == 1

    too_much = call("post", f"{path}/notices", {"given_on": "2026-03-20", "amount": "20000"})
    assert too_much.status_code == 422 and "amount:" in too_much.json()["detail"]
    notice = call("post", f"{path}/notices", {"given_on": "2026-03-20", "amount": "15000.00"})
    assert (
        notice.status_code == 201
        and notice.json()["kind"] == "afn"
        and notice.json()["objection_deadline"] == "2026-04-19"
    )
    ended = call("post", f"{path}/end", {"status": "set_aside", "ended_on": "2026-04-01", "reason": HOSTILE})
    assert ended.status_code == 200 and ended.json()["status"] == "set_aside" and HOSTILE in ended.json()["notes"]
    assert call("post", f"{path}/end", {"status": "lapsed", "ended_on": "2026-04-02"}).status_code == 422

    other = api(analyst2)
    assert other("get", path).status_code == 404 and other("get", "/freezing-orders").json()["count"] == 0
    assert other("post", f"{path}/notices", {"given_on": "2026-03-20", "amount": "1.00"}).status_code == 404
    partner = api(make_user("partner_staff", "gmp", (Role.PARTNER,)))
    assert partner("post", "/freezing-orders", {**good, "nominal": None}).status_code == 403
    consulted = AuditEvent.objects.filter(
        channel="api", object_type="account_freezing_order", operation=Operation.CONSULTATION
    ).order_by("pk")
    assert str(picture["smith"].pk) in consulted.first().object_ids  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(
        channel="api", object_type="account_freezing_order", detail__action="recorded"
    ).exists()


def test_confiscation_orders_with_payments_time_to_pay_default_and_compliance(
    api: Callable[[User], Call], analyst: User, analyst2: User, make_user: Callable[..., User], picture: dict[str, Any]
) -> None:
    call = api(analyst)
    smith = str(picture["smith"].pk)
    good = {"nominal": smith, "court": "Manchester Crown Court", "made_on": "2026-05-01", "amount": "40000.00"}
    assert call("post", "/confiscations", {**good, "nominal": ""}).status_code == 422
    long_time = call("post", "/confiscations", {**good, "time_to_pay_months": 12})
    assert long_time.status_code == 422 and "time_to_pay_months:" in long_time.json()["detail"]
    created = call("post", "/confiscations", {**good, "time_to_pay_months": 3})
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["due_on"] == "2026-07-31" and order["nominal"] == smith and order["owed"] == "40000.00"
    path = f"/confiscations/{order['id']}"

    paid = call("post", f"{path}/payments", {"amount": "10000.00", "paid_on": "2026-05-10", "note": HOSTILE})
    assert paid.status_code == 201 and paid.json()["paid"] == "10000.00" and paid.json()["owed"] == "30000.00"
    assert paid.json()["payments"][0]["note"] == HOSTILE
    over = call("post", f"{path}/payments", {"amount": "30000.01", "paid_on": "2026-05-11"})
    assert over.status_code == 422 and "amount:" in over.json()["detail"]
    assert call("get", "/confiscations").json()["items"][0]["paid"] == "10000.00"

    shorter = call("post", f"{path}/extend", {"months": 2})
    assert shorter.status_code == 422 and "months:" in shorter.json()["detail"]
    extended = call("post", f"{path}/extend", {"months": 6})
    assert extended.status_code == 200 and extended.json()["extended"] and extended.json()["due_on"] == "2026-10-31"

    compliance = call(
        "post",
        f"{path}/compliance-orders",
        {"kind": "travel_restriction", "made_on": "2026-05-02", "terms": HOSTILE, "review_on": "2026-08-01"},
    )
    assert compliance.status_code == 201, compliance.content
    c = compliance.json()
    assert c["terms"] == HOSTILE and c["kind_label"].startswith("Travel restriction")
    bad_kind = call(
        "post",
        f"{path}/compliance-orders",
        {"kind": "<b>", "made_on": "2026-05-02", "terms": "x", "review_on": "2026-08-01"},
    )
    assert bad_kind.status_code == 422 and "kind:" in bad_kind.json()["detail"]
    review_path = f"{path}/compliance-orders/{c['id']}/review"
    past = call("post", review_path, {"next_review_on": "2020-01-01"})
    assert past.status_code == 422 and "next_review_on:" in past.json()["detail"]
    reviewed = call("post", review_path, {"next_review_on": "2099-01-05"})
    assert reviewed.status_code == 200 and reviewed.json()["review_on"] == "2099-01-05"
    discharged = call("post", review_path, {"discharged_on": "2026-06-01"})
    assert discharged.status_code == 200 and discharged.json()["discharged_on"] == "2026-06-01"
    assert discharged.json()["review_on"] is None
    assert call("post", f"{path}/compliance-orders/999999/review", {"next_review_on": "2099-01-05"}).status_code == 404

    no_note = call("post", f"{path}/default", {"default_note": "  "})
    assert no_note.status_code == 422 and "default_note:" in no_note.json()["detail"]
    old = services.confiscation_record(
        actor=act(analyst),
        nominal=picture["smith"],
        court="Bolton Crown Court",
        made_on=date(2025, 1, 6),
        amount=Decimal("5000"),
    )
    defaulted = call("post", f"/confiscations/{old.pk}/default", {"default_note": HOSTILE})
    assert defaulted.status_code == 200 and defaulted.json()["status"] == "default"
    assert defaulted.json()["default_note"] == HOSTILE

    other = api(analyst2)
    assert other("get", path).status_code == 404 and other("get", "/confiscations").json()["count"] == 0
    assert other("post", f"{path}/payments", {"amount": "1.00", "paid_on": "2026-05-10"}).status_code == 404
    assert other("post", "/confiscations", good).status_code == 422  # Smith is not theirs to see
    partner = api(make_user("partner_staff", "gmp", (Role.PARTNER,)))
    assert partner("post", f"{path}/payments", {"amount": "1.00", "paid_on": "2026-05-10"}).status_code == 403
    assert partner("post", f"{path}/extend", {"months": 9}).status_code == 403

    events = AuditEvent.objects.filter(channel="api", object_type="confiscation_order")
    assert {"recorded", "payment", "time_to_pay_extended", "compliance_order", "compliance_review", "default"} <= set(
        events.values_list("detail__action", flat=True)
    )
    reads = events.filter(operation=Operation.CONSULTATION)
    assert reads.exists() and all(
        smith in e.object_ids for e in reads if e.detail.get("view") == "api_confiscation_order"
    )
