"""Account freezing orders with account forfeiture notices, notice outcomes, confiscation orders with time to pay,
payments and compliance orders, the deadlines they add to the dashboard and the GAIN region, and totals by
agency, region and period: through the services and the pages, for the right and the wrong users."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Region, Role, User
from sochub.recovery import selectors, services
from sochub.recovery.models import (
    AccountFreezingOrder,
    CashSeizure,
    ConfiscationOrder,
    ConfiscationStatus,
    FreezingOrderStatus,
    NoticeOutcome,
    RecoveryNotice,
    SeizureStatus,
)
from tests.helpers import PASSWORD, act

HOSTILE = '<script>alert("x")</script>'


def login(user: User, *, purpose: bool = False) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    if purpose:
        assert client.post("/purpose/", {"purpose": "Operation Test: recovery", "next": "/"}).status_code == 302
    return client


def freeze(user: User, amount: str = "12000", made_on: date = date(2026, 3, 2), months: int = 12, **kw: Any) -> Any:
    return services.freezing_order_record(
        actor=act(user),
        bank=kw.pop("bank", "Barclays"),
        sort_code=kw.pop("sort_code", "20-00-00"),
        account_ending=kw.pop("account_ending", "1234"),
        amount=Decimal(amount),
        made_on=made_on,
        months=months,
        court=kw.pop("court", "Manchester Magistrates' Court"),
        **kw,
    )


def confiscate(user: User, nominal: Any, months: int = 3, made_on: date = date(2026, 5, 1)) -> ConfiscationOrder:
    return services.confiscation_record(
        actor=act(user),
        nominal=nominal,
        court="Manchester Crown Court",
        made_on=made_on,
        amount=Decimal("50000"),
        time_to_pay_months=months,
        benefit=Decimal("180000"),
    )


def seize(user: User, at: datetime, amount: str = "2500", nation: str = "england-wales") -> CashSeizure:
    return services.seizure_record(
        actor=act(user), amount=Decimal(amount), seized_at=timezone.make_aware(at), nation=nation
    )


# Account freezing orders and account forfeiture notices ------------------------------------------------


def test_an_afn_gives_30_calendar_days_to_object_even_across_easter(analyst: User) -> None:
    order = freeze(analyst)
    assert order.expires_on == date(2027, 3, 1)  # 12 months beginning with 2 March 2026
    assert (order.sort_code, order.account_ending) == ("200000", "1234")
    # Given on Friday 20 March 2026: the period runs over Good Friday (3 April) and Easter Monday (6 April),
    # which do not stop it: it ends on Sunday 19 April.
    notice = services.notice_give(
        actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("8000")
    )
    assert notice.objection_deadline == date(2026, 4, 19) and notice.objection_days == 30
    longer = services.notice_give(
        actor=act(analyst),
        kind="afn",
        given_on=date(2026, 3, 20),
        freezing_order=order,
        amount=Decimal("100"),
        objection_days=45,
    )
    assert longer.objection_deadline == date(2026, 5, 4)
    with pytest.raises(ValidationError, match="at least 30 days"):
        services.notice_give(
            actor=act(analyst),
            kind="afn",
            given_on=date(2026, 3, 20),
            freezing_order=order,
            amount=Decimal("100"),
            objection_days=29,
        )
    with pytest.raises(ValidationError, match=r"more than the £12,000\.00 frozen"):
        services.notice_give(
            actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("12001")
        )
    with pytest.raises(ValidationError, match="only while the freezing order has effect"):
        services.notice_give(
            actor=act(analyst), kind="afn", given_on=date(2026, 3, 1), freezing_order=order, amount=Decimal("100")
        )

    client = login(analyst)
    page = client.get(f"/recovery/freezing-orders/{order.pk}/").content.decode()
    assert "Sunday 19 April 2026" in page and "Monday 2 March 2026" in page and "20-00-00" in page
    board = client.get("/recovery/").content.decode()
    assert "Barclays ending 1234" in board and "200000" not in board and "20-00-00" not in board
    kinds = {(row.deadline.kind, row.due_day) for row in selectors.deadlines(user=analyst)}
    assert ("afn_objection", date(2026, 4, 19)) in kinds and ("afo", date(2027, 3, 1)) in kinds
    assert "End of Sunday 19 April 2026" in board and "Overdue" in board


def test_a_freezing_order_is_refused_beyond_two_years_or_below_the_minimum(analyst: User) -> None:
    with pytest.raises(ValidationError, match="25 months is more than the 24 months"):
        freeze(analyst, months=25)
    with pytest.raises(ValidationError, match="below the minimum amount of £1,000"):
        freeze(analyst, amount="999.99")
    for field, kw in (("sort_code", {"sort_code": "12-34"}), ("account_ending", {"account_ending": "12345678"})):
        with pytest.raises(ValidationError) as exc:
            freeze(analyst, **kw)
        assert field in exc.value.message_dict
    assert not AccountFreezingOrder.objects.exists()
    response = login(analyst).post(
        "/recovery/freezing-orders/new/",
        {"bank": "HSBC", "sort_code": "40-11-22", "account_ending": "9876", "amount": "5000", "made_on": "2026-02-01"},
    )
    assert response.status_code == 400 and "Enter the number of months" in response.content.decode()
    response = login(analyst).post(
        "/recovery/freezing-orders/new/",
        {
            "bank": "HSBC",
            "sort_code": "40-11-22",
            "account_ending": "9876",
            "amount": "5000",
            "made_on": "2026-02-01",
            "months": "24",
        },
    )
    order = AccountFreezingOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/recovery/freezing-orders/{order.pk}/"
    assert order.expires_on == date(2028, 1, 31) and order.agency_id == analyst.agency_id


# Notice outcomes ---------------------------------------------------------------------------------------


def test_forfeiture_without_objection_only_after_the_objection_period(analyst: User) -> None:
    order = freeze(analyst)
    notice = services.notice_give(
        actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("8000")
    )
    with pytest.raises(ValidationError, match="only after the objection period ends at the end of Sunday 19 April"):
        services.notice_outcome_record(
            actor=act(analyst), notice=notice, outcome="forfeited", decided_on=date(2026, 4, 19)
        )
    with pytest.raises(ValidationError, match="An objection must be made by the end of Sunday 19 April 2026"):
        services.notice_outcome_record(
            actor=act(analyst), notice=notice, outcome="objected", decided_on=date(2026, 4, 20)
        )
    with pytest.raises(ValidationError, match="before the notice was given"):
        services.notice_outcome_record(
            actor=act(analyst), notice=notice, outcome="withdrawn", decided_on=date(2026, 3, 1)
        )
    with pytest.raises(ValidationError, match="Choose what happened"):
        services.notice_outcome_record(
            actor=act(analyst), notice=notice, outcome="pending", decided_on=date(2026, 4, 20)
        )

    client = login(analyst)
    early = client.post(f"/recovery/notices/{notice.pk}/outcome/", {"outcome": "forfeited", "decided_on": "2026-04-10"})
    assert early.status_code == 400 and "can be recorded only after the objection period" in early.content.decode()
    done = client.post(f"/recovery/notices/{notice.pk}/outcome/", {"outcome": "forfeited", "decided_on": "2026-04-20"})
    assert done.status_code == 302 and done["Location"] == f"/recovery/freezing-orders/{order.pk}/"
    notice.refresh_from_db()
    order.refresh_from_db()
    assert notice.outcome == NoticeOutcome.FORFEITED and notice.outcome_on == date(2026, 4, 20)
    assert order.status == FreezingOrderStatus.FORFEITED and order.forfeited_amount == Decimal("8000")
    assert not [r for r in selectors.deadlines(user=analyst) if r.freezing_order == order]
    with pytest.raises(ValidationError, match="already recorded"):
        services.notice_outcome_record(
            actor=act(analyst), notice=notice, outcome="withdrawn", decided_on=date(2026, 4, 21)
        )
    events = AuditEvent.objects.filter(object_type="recovery_notice", detail__action="outcome")
    assert [(e.user_id, e.detail["outcome"], e.operation) for e in events] == [
        (analyst.pk, "forfeited", Operation.ALTERATION)
    ]


def test_a_cash_notice_objected_goes_to_court_and_one_forfeited_closes_the_seizure(analyst: User) -> None:
    first = seize(analyst, datetime(2026, 1, 12, 11))
    second = seize(analyst, datetime(2026, 1, 13, 11), "6000")
    notices: list[RecoveryNotice] = []
    for seizure in (first, second):
        services.detention_order_add(actor=act(analyst), seizure=seizure, granted_on=date(2026, 1, 14), months=6)
        notices.append(
            services.notice_give(actor=act(analyst), kind="acfn", given_on=date(2026, 2, 2), seizure=seizure)
        )
    assert notices[0].objection_deadline == date(2026, 3, 4)
    services.notice_outcome_record(
        actor=act(analyst), notice=notices[0], outcome="objected", decided_on=date(2026, 2, 20)
    )
    services.notice_outcome_record(
        actor=act(analyst), notice=notices[1], outcome="forfeited", decided_on=date(2026, 3, 5)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SeizureStatus.DETAINED  # to court: the cash stays detained under its order
    assert second.status == SeizureStatus.FORFEITED and timezone.localtime(second.closed_at).date() == date(2026, 3, 5)
    totals = selectors.totals_table(user=analyst, period="month")
    march = next(t for t in totals if t["month"] == "2026-03")
    assert march["forfeited"] == Decimal("6000") and march["forfeited_count"] == 1


# Confiscation, time to pay and compliance orders -------------------------------------------------------


def test_time_to_pay_three_months_extended_to_six_and_no_further(analyst: User, picture: dict[str, Any]) -> None:
    order = confiscate(analyst, picture["smith"])
    assert order.due_on == date(2026, 7, 31)
    with pytest.raises(ValidationError, match="4 months is more than the 3 months' time to pay allowed without"):
        confiscate(analyst, picture["smith"], months=4)
    services.confiscation_extend(actor=act(analyst), order=order, months=6)
    assert order.due_on == date(2026, 10, 31) and order.extended
    with pytest.raises(ValidationError, match="7 months is more than the 6 months' time to pay allowed in all"):
        services.confiscation_extend(actor=act(analyst), order=order, months=7)
    order.refresh_from_db()
    assert order.due_on == date(2026, 10, 31) and order.time_to_pay_months == 6

    client = login(analyst, purpose=True)
    refused = client.post(f"/recovery/confiscation/{order.pk}/extend/", {"months": "9"})
    assert refused.status_code == 400 and "9 months is more than the 6 months" in refused.content.decode()
    page = client.get(f"/recovery/confiscation/{order.pk}/").content.decode()
    assert "End of Saturday 31 October 2026" in page and "Friday 1 May 2026" in page
    assert AuditEvent.objects.filter(object_type="nominal", detail__view="confiscation_order").exists()

    services.confiscation_payment_add(
        actor=act(analyst), order=order, amount=Decimal("20000"), paid_on=date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match=r"more than the £30,000\.00 still owed"):
        services.confiscation_payment_add(
            actor=act(analyst), order=order, amount=Decimal("30000.01"), paid_on=date(2026, 6, 2)
        )
    with pytest.raises(ValidationError, match="Describe the default sentence"):
        services.confiscation_default(actor=act(analyst), order=order, note="")
    fresh = confiscate(analyst, picture["smith"], made_on=timezone.localdate())
    with pytest.raises(ValidationError, match="cannot be in default before then"):
        services.confiscation_default(actor=act(analyst), order=fresh, note="12 months")
    services.confiscation_default(actor=act(analyst), order=order, note="18 months in default, activated")
    order.refresh_from_db()
    assert order.status == ConfiscationStatus.DEFAULT
    assert (
        client.post(
            f"/recovery/confiscation/{order.pk}/payments/", {"amount": "30000", "paid_on": "2026-11-02"}
        ).status_code
        == 302
    )
    order.refresh_from_db()
    assert order.status == ConfiscationStatus.PAID and selectors.amount_paid(order) == Decimal("50000")
    actions = list(
        AuditEvent.objects.filter(object_type="confiscation_order")
        .order_by("pk")
        .values_list("detail__action", flat=True)
    )
    assert actions == ["recorded", "time_to_pay_extended", "payment", "recorded", "default", "payment"]


def test_a_travel_restriction_compliance_order_is_reviewed_from_the_dashboard(
    analyst: User, picture: dict[str, Any]
) -> None:
    order = confiscate(analyst, picture["smith"])
    with pytest.raises(ValidationError, match="Choose the kind"):
        services.compliance_order_add(
            actor=act(analyst), confiscation=order, kind="curfew", made_on=date(2026, 5, 1), terms="x", review_on=None
        )
    with pytest.raises(ValidationError, match="cannot be made before the confiscation order"):
        services.compliance_order_add(
            actor=act(analyst),
            confiscation=order,
            kind="travel_restriction",
            made_on=date(2026, 4, 30),
            terms="No travel",
            review_on=date(2026, 8, 1),
        )
    client = login(analyst, purpose=True)
    response = client.post(
        f"/recovery/confiscation/{order.pk}/compliance/",
        {
            "kind": "travel_restriction",
            "made_on": "2026-05-01",
            "terms": "Not to leave the UK",
            "review_on": "2026-06-15",
        },
    )
    assert response.status_code == 302
    compliance = order.compliance_orders.get()
    assert compliance.kind == "travel_restriction" and compliance.review_on == date(2026, 6, 15)
    page = client.get(f"/recovery/confiscation/{order.pk}/").content.decode()
    assert "Travel restriction or prohibition on leaving the United Kingdom" in page and "Monday 15 June 2026" in page
    row = next(r for r in selectors.deadlines(user=analyst) if r.deadline.kind == "compliance_review")
    assert row.due_day == date(2026, 6, 15) and row.level == "overdue" and row.confiscation == order
    assert "Compliance order to be reviewed: Travel restriction" in client.get("/recovery/").content.decode()
    response = client.post(
        f"/recovery/confiscation/{order.pk}/compliance/{compliance.pk}/review/",
        {"discharged": "yes", "discharged_on": "2026-07-01"},
    )
    assert response.status_code == 302
    assert not [r for r in selectors.deadlines(user=analyst) if r.deadline.kind == "compliance_review"]


# Deadlines on the dashboard and in the GAIN region ------------------------------------------------------


def test_a_friday_evening_seizure_before_the_spring_bank_holiday(
    analyst: User, analyst2: User, coordinator: User
) -> None:
    # Friday 22 May 2026 18:00: 6 hours on Friday; the weekend and the bank holiday Monday (25 May) do not
    # count; 24 on Tuesday and the last 18 on Wednesday.
    seizure = seize(analyst, datetime(2026, 5, 22, 18, 0))
    expected = timezone.make_aware(datetime(2026, 5, 27, 18, 0))
    assert seizure.initial_detention_ends == expected
    page = login(analyst).get("/recovery/").content.decode()
    assert "Wednesday 27 May 2026 at 18:00" in page
    north_west = Region.objects.get(code="north-west")
    summary = selectors.region_recovery_summary(user=coordinator, region=north_west)
    row = next(r for r in summary.deadlines if r.seizure == seizure)
    assert row.due == expected and row.deadline.kind == "initial_detention" and row.level == "overdue"
    assert row.agency is not None and row.agency.code == "gmp"
    assert summary.coordinator and summary.cash_detained == Decimal("2500")
    # Merseyside's analyst is not the coordinator: only Merseyside's own deadlines, none of GMP's.
    theirs = selectors.region_recovery_summary(user=analyst2, region=north_west)
    assert not theirs.coordinator and theirs.deadlines == [] and theirs.cash_detained == Decimal(0)


def test_the_region_summary_lists_deadlines_soonest_first_with_totals_by_agency(
    analyst: User, analyst2: User, coordinator: User, picture: dict[str, Any]
) -> None:
    now = timezone.make_aware(datetime(2026, 6, 10, 9, 0))
    gmp = seize(analyst, datetime(2026, 6, 9, 10, 0), "3000")  # ends Thursday 11 June 10:00: due soon
    mersey = seize(analyst2, datetime(2026, 6, 1, 10, 0), "7000")  # ended Wednesday 3 June 10:00: overdue
    freeze(analyst2, amount="20000", made_on=date(2026, 2, 1), months=24)
    confiscate(analyst, picture["smith"])
    north_west = Region.objects.get(code="north-west")
    summary = selectors.region_recovery_summary(user=coordinator, region=north_west, now=now)
    dues = [r.due for r in summary.deadlines]
    assert dues == sorted(dues)
    levels = {(r.seizure.pk if r.seizure else None): r.level for r in summary.deadlines if r.seizure}
    assert levels == {mersey.pk: "overdue", gmp.pk: "due soon"}
    kinds = {r.deadline.kind for r in summary.deadlines}
    assert {"initial_detention", "afo", "time_to_pay"} <= kinds
    merseyside_rows = [r for r in summary.deadlines if r.agency and r.agency.code == "merseyside"]
    assert merseyside_rows and not any(r.own for r in merseyside_rows)  # the coordinator cannot open them
    by_agency = {t["agency"]: t for t in summary.totals}
    assert by_agency["Greater Manchester Police"]["seized"] == Decimal("3000")
    assert by_agency["Greater Manchester Police"]["confiscation_ordered"] == Decimal("50000")
    assert by_agency["Merseyside Police"]["frozen"] == Decimal("20000")
    assert summary.cash_detained == Decimal("10000")
    own = selectors.region_recovery_summary(user=analyst, region=north_west, now=now)
    assert {r.agency.code for r in own.deadlines if r.agency} == {"gmp"}
    assert [t["agency"] for t in own.totals] == ["Greater Manchester Police"]


# Totals by agency, region and period -----------------------------------------------------------------


def test_totals_by_region_and_quarter_for_a_coordinator_and_an_agency(
    analyst: User, analyst2: User, coordinator: User
) -> None:
    seize(analyst, datetime(2026, 1, 12, 11), "2000")
    seize(analyst2, datetime(2026, 2, 3, 11), "3000.50")
    seize(analyst2, datetime(2026, 4, 6, 11), "1500")
    freeze(analyst2, amount="10000", made_on=date(2026, 3, 2))
    by_region = selectors.totals_table(user=coordinator, period="quarter", group="region")
    assert [(r["region"], r["quarter"], r["seized"], r["frozen"]) for r in by_region] == [
        ("North West", "2026-Q1", Decimal("5000.50"), Decimal("10000")),
        ("North West", "2026-Q2", Decimal("1500"), Decimal(0)),
    ]
    mine = selectors.totals_table(user=analyst, period="year", group="agency")
    assert [(r["agency"], r["year"], r["seized"]) for r in mine] == [
        ("Greater Manchester Police", "2026", Decimal("2000"))
    ]

    client = login(coordinator)
    page = client.get("/recovery/totals/?period=quarter&group=region").content.decode()
    assert "2026-Q1" in page and "£5,000.50" in page and "North West" in page
    response = client.get("/recovery/totals.csv?period=month&group=agency&from=2026-02-01&to=2026-12-31")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["OFFICIAL"] and rows[-1] == ["OFFICIAL"]
    assert rows[1][:5] == ["region", "agency", "month", "seized_pounds", "forfeited_pounds"]
    assert [r[:4] for r in rows[2:-1]] == [
        ["North West", "Merseyside Police", "2026-02", "3000.50"],
        ["North West", "Merseyside Police", "2026-03", "0.00"],
        ["North West", "Merseyside Police", "2026-04", "1500.00"],
    ]
    event = AuditEvent.objects.get(object_type="recovery_totals")
    assert event.operation == Operation.DISCLOSURE and event.user_id == coordinator.pk
    assert event.detail["period"] == "month" and event.detail["rows"] == 3
    # a hostile period or group falls back to the defaults
    assert client.get(f"/recovery/totals/?period={HOSTILE}&group={HOSTILE}").status_code == 200


# Access and hostile input ----------------------------------------------------------------------------


def test_another_agency_gets_404_on_every_record_and_cannot_write(
    analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    order = freeze(analyst)
    notice = services.notice_give(
        actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("100")
    )
    conf = confiscate(analyst, picture["smith"])
    client = login(analyst2, purpose=True)
    for path in (
        f"/recovery/freezing-orders/{order.pk}/",
        f"/recovery/notices/{notice.pk}/outcome/",
        f"/recovery/confiscation/{conf.pk}/",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"/recovery/freezing-orders/{order.pk}/end/", {"status": "lapsed"}).status_code == 404
    assert client.post(f"/recovery/confiscation/{conf.pk}/payments/", {"amount": "1"}).status_code == 404
    assert (
        client.post(f"/recovery/notices/{notice.pk}/outcome/", {"outcome": "withdrawn", "decided_on": "2026-04-01"})
    ).status_code == 404
    with pytest.raises(PermissionDenied):
        services.notice_outcome_record(
            actor=act(analyst2), notice=notice, outcome="withdrawn", decided_on=date(2026, 4, 1)
        )
    with pytest.raises(PermissionDenied):
        services.confiscation_extend(actor=act(analyst2), order=conf, months=6)
    with pytest.raises(PermissionDenied):  # Merseyside cannot name GMP's nominal
        confiscate(analyst2, picture["smith"])
    board = client.get("/recovery/").content.decode()
    assert "Barclays" not in board and f"Confiscation order {conf.pk}" not in board
    assert selectors.totals_table(user=analyst2) == []


def test_only_intel_write_roles_record_orders(make_user: Callable[..., User], picture: dict[str, Any]) -> None:
    partner = make_user("partner", "gmp", (Role.PARTNER,))
    with pytest.raises(PermissionDenied):
        freeze(partner)
    with pytest.raises(PermissionDenied):
        confiscate(partner, picture["smith"])
    client = login(partner)
    assert client.get("/recovery/freezing-orders/new/").status_code == 404
    assert client.get("/recovery/confiscation/new/").status_code == 404
    assert client.get("/recovery/").status_code == 200  # partners see their agency's dashboard


def test_hostile_input_is_escaped_or_refused(analyst: User, picture: dict[str, Any]) -> None:
    order = freeze(analyst, bank=HOSTILE, court=HOSTILE)
    conf = confiscate(analyst, picture["smith"])
    client = login(analyst, purpose=True)
    page = client.get(f"/recovery/freezing-orders/{order.pk}/").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert HOSTILE not in client.get("/recovery/").content.decode()
    for amount in ("1e999", "NaN", "-5", "0", HOSTILE, "12.345"):
        response = client.post(
            "/recovery/freezing-orders/new/",
            {
                "bank": "HSBC",
                "sort_code": "400000",
                "account_ending": "1111",
                "amount": amount,
                "made_on": "2026-01-05",
                "months": "3",
            },
        )
        assert response.status_code == 400, amount
        assert HOSTILE not in response.content.decode()
    response = client.post(
        f"/recovery/confiscation/{conf.pk}/compliance/",
        {"kind": HOSTILE, "made_on": HOSTILE, "terms": HOSTILE, "review_on": "2026-06-01"},
    )
    assert response.status_code == 400 and HOSTILE not in response.content.decode()
    response = client.post(f"/recovery/confiscation/{conf.pk}/extend/", {"months": "99999999999"})
    assert response.status_code == 400
    response = client.post(
        f"/recovery/confiscation/{conf.pk}/compliance/",
        {"kind": "other", "made_on": "2026-05-02", "terms": HOSTILE, "review_on": "2026-09-01"},
    )
    assert response.status_code == 302
    page = client.get(f"/recovery/confiscation/{conf.pk}/").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    response = client.post("/recovery/confiscation/new/", {"nominal": HOSTILE, "court": HOSTILE, "amount": "5"})
    assert response.status_code == 400 and HOSTILE not in response.content.decode()
    assert ConfiscationOrder.objects.count() == 1


def test_every_page_opens_from_the_dashboard(analyst: User, picture: dict[str, Any]) -> None:
    order = freeze(analyst, nominal=picture["smith"])
    notice = services.notice_give(
        actor=act(analyst), kind="afn", given_on=date(2026, 3, 20), freezing_order=order, amount=Decimal("100")
    )
    conf = confiscate(analyst, picture["smith"])
    client = login(analyst, purpose=True)
    board = client.get("/recovery/").content.decode()
    for path in (
        "/recovery/seizures/new/",
        "/recovery/freezing-orders/new/",
        "/recovery/confiscation/new/",
        "/recovery/totals/",
        f"/recovery/freezing-orders/{order.pk}/",
        f"/recovery/confiscation/{conf.pk}/",
        f"/recovery/notices/{notice.pk}/outcome/",
    ):
        if "outcome" not in path:
            assert f'href="{path}"' in board, path
        response = client.get(path)
        assert response.status_code == 200, path
        assert "style=" not in response.content.decode(), path
    detail = client.get(f"/recovery/freezing-orders/{order.pk}/").content.decode()
    assert f'href="/recovery/notices/{notice.pk}/outcome/"' in detail
    assert "Sunday 19 April 2026" in client.get(f"/recovery/notices/{notice.pk}/outcome/").content.decode()
    assert AuditEvent.objects.filter(object_type="nominal", detail__view="account_freezing_order").exists()
    assert login(analyst).get(f"/recovery/freezing-orders/{order.pk}/").status_code == 302  # purpose first
