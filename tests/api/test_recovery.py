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
from sochub.partners.models import User
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
