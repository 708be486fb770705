"""Asset recovery through its services and pages: seizures checked by the POCA engine, detention orders,
notices, the deadlines dashboard with its alerts and totals, who sees what, audit and escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.partners.models import Role, User
from sochub.recovery import selectors, services
from sochub.recovery.models import CashSeizure, SeizureStatus
from tests.helpers import PASSWORD, act

THURSDAY = datetime(2026, 11, 19, 10, 0)  # 48 working hours later: Monday 23 November 10:00


def login(user: User, *, purpose: bool = False) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    if purpose:
        assert client.post("/purpose/", {"purpose": "Operation Test: recovery", "next": "/"}).status_code == 302
    return client


def seize(user: User, amount: str = "2500", at: datetime = THURSDAY, **kwargs: Any) -> CashSeizure:
    return services.seizure_record(
        actor=act(user),
        amount=Decimal(amount),
        seized_at=timezone.make_aware(at),
        nation=kwargs.pop("nation", "england-wales"),
        **kwargs,
    )


def test_a_thursday_seizure_shows_its_48_hour_deadline_skipping_the_weekend(analyst: User) -> None:
    client = login(analyst)
    response = client.post(
        "/recovery/seizures/new/",
        {"amount": "2,500.00", "seized_on": "2026-11-19", "seized_time": "10:00", "nation": "england-wales"},
    )
    assert response.status_code == 302
    seizure = CashSeizure.objects.get()
    assert response["Location"] == f"/recovery/seizures/{seizure.pk}/"
    assert seizure.amount == Decimal("2500.00") and seizure.agency_id == analyst.agency_id
    assert timezone.localtime(seizure.initial_detention_ends) == timezone.make_aware(datetime(2026, 11, 23, 10, 0))

    page = client.get("/recovery/").content.decode()
    assert "Monday 23 November 2026 at 10:00" in page
    assert "Initial detention of seized cash ends" in page
    assert "£2,500.00" in page
    assert "Totals for 2026" in page and "Greater Manchester Police" in page  # totals by agency this year


def test_below_the_minimum_is_refused_with_the_engines_message(analyst: User) -> None:
    with pytest.raises(ValidationError) as exc:
        seize(analyst, "999")
    assert "£999.00 is below the minimum amount of £1,000" in str(exc.value)
    assert not CashSeizure.objects.exists()
    response = login(analyst).post(
        "/recovery/seizures/new/",
        {"amount": "999", "seized_on": "2026-11-19", "seized_time": "10:00", "nation": "england-wales"},
    )
    assert response.status_code == 400
    assert "below the minimum amount of £1,000" in response.content.decode()
    assert not CashSeizure.objects.exists()


def test_a_six_month_order_is_accepted_and_a_seven_month_order_refused(analyst: User) -> None:
    seizure = seize(analyst)
    order = services.detention_order_add(
        actor=act(analyst), seizure=seizure, granted_on=date(2026, 11, 20), months=6, court="Manchester MC"
    )
    assert order.expires_on == date(2027, 5, 19)
    with pytest.raises(ValidationError) as exc:
        services.detention_order_add(actor=act(analyst), seizure=seizure, granted_on=date(2026, 11, 21), months=7)
    assert "7 months is more than the 6 months" in str(exc.value)
    assert seizure.orders.count() == 1

    client = login(analyst)
    response = client.post(f"/recovery/seizures/{seizure.pk}/orders/", {"granted_on": "2026-11-21", "months": "7"})
    assert response.status_code == 400 and "7 months is more than the 6 months" in response.content.decode()
    # With an order in place, initial detention no longer counts; the order's end does.
    kinds = [row.deadline.kind for row in selectors.deadlines(user=analyst)]
    assert "initial_detention" not in kinds and "detention_order" in kinds


def test_the_dashboard_tags_an_expired_initial_detention_overdue_and_a_fresh_one_due_soon(analyst: User) -> None:
    old = seize(analyst)
    now = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    fresh = seize(analyst, "4000", now)
    rows = {row.seizure.pk: row.level for row in selectors.deadlines(user=analyst) if row.seizure}
    assert rows == {old.pk: "overdue", fresh.pk: "due soon"}
    page = login(analyst).get("/recovery/").content.decode()
    assert "Overdue" in page and "Due soon" in page
    assert page.index("Monday 23 November 2026 at 10:00") < page.index("£4,000.00")  # sorted by due


def test_notices_and_closing_are_audited_and_stop_deadlines(analyst: User) -> None:
    seizure = seize(analyst)
    client = login(analyst)
    refused = client.post(f"/recovery/seizures/{seizure.pk}/notices/", {"given_on": "2026-11-20"})
    assert refused.status_code == 400 and "add the detention order first" in refused.content.decode()
    services.detention_order_add(actor=act(analyst), seizure=seizure, granted_on=date(2026, 11, 20), months=3)
    assert client.post(f"/recovery/seizures/{seizure.pk}/notices/", {"given_on": "2026-11-20"}).status_code == 302
    notice = seizure.notices.get()
    assert notice.objection_deadline > notice.given_on
    assert any(row.notice == notice for row in selectors.deadlines(user=analyst))
    assert client.post(f"/recovery/seizures/{seizure.pk}/close/", {"status": "forfeited"}).status_code == 302
    seizure.refresh_from_db()
    assert seizure.status == SeizureStatus.FORFEITED
    with pytest.raises(ValidationError):
        services.detention_order_add(actor=act(analyst), seizure=seizure, granted_on=date(2026, 11, 20), months=3)
    actions = [
        (e.object_type, e.detail.get("action"))
        for e in AuditEvent.objects.filter(object_type__in=["cash_seizure", "recovery_notice"]).order_by("pk")
    ]
    assert actions == [
        ("cash_seizure", "recorded"),
        ("cash_seizure", "detention_order"),
        ("recovery_notice", "notice_given"),
        ("cash_seizure", "closed"),
    ]
    recorded = AuditEvent.objects.filter(object_type="cash_seizure").order_by("pk").first()
    assert recorded is not None and recorded.user_id == analyst.pk and recorded.detail["amount"] == "2500"


def test_another_agency_gets_404_and_cannot_write(analyst: User, analyst2: User) -> None:
    seizure = seize(analyst)
    client = login(analyst2)
    assert client.get(f"/recovery/seizures/{seizure.pk}/").status_code == 404
    assert client.post(f"/recovery/seizures/{seizure.pk}/close/", {"status": "released"}).status_code == 404
    assert "Seizure " + str(seizure.pk) not in client.get("/recovery/").content.decode()
    with pytest.raises(PermissionDenied):
        services.seizure_close(actor=act(analyst2), seizure=seizure, status="released")
    assert login(analyst).get(f"/recovery/seizures/{seizure.pk}/").status_code == 200


def test_only_intel_write_roles_record(make_user: Callable[..., User], volunteer: User) -> None:
    viewer = make_user("viewer", "gmp", (Role.AGENCY_ADMIN,))
    for user in (viewer, volunteer):
        with pytest.raises(PermissionDenied):
            seize(user)
    assert login(volunteer).get("/recovery/").status_code == 404


def test_a_nominal_link_needs_a_purpose_and_is_a_consultation(analyst: User, picture: dict[str, Any]) -> None:
    smith = picture["smith"]
    seizure = seize(analyst, nominal=smith)
    assert login(analyst).get(f"/recovery/seizures/{seizure.pk}/").status_code == 302
    assert login(analyst, purpose=True).get(f"/recovery/seizures/{seizure.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_type="nominal", detail__view="cash_seizure").exists()
    with pytest.raises(PermissionDenied):  # Merseyside's nominal is not visible to GMP
        seize(analyst, nominal=picture["jones"])


def test_hostile_input_is_escaped(analyst: User) -> None:
    hostile = '<script>alert("x")</script>'
    seizure = seize(analyst, place=hostile, officer=hostile)
    client = login(analyst)
    page = client.get(f"/recovery/seizures/{seizure.pk}/").content.decode()
    assert hostile not in page and "&lt;script&gt;" in page
    response = client.post(f"/recovery/seizures/{seizure.pk}/orders/", {"granted_on": hostile, "months": "x"})
    assert response.status_code == 400 and hostile not in response.content.decode()
    response = client.post("/recovery/seizures/new/", {"amount": hostile, "nominal": hostile, "ocg": hostile})
    assert response.status_code == 400 and hostile not in response.content.decode()
