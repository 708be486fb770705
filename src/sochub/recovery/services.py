"""Every write to asset recovery records: cash seizures with detention orders, account freezing orders,
forfeiture notices and their outcomes, confiscation orders with payments, extensions, default and compliance
orders; and the audited export of totals.

The engine (``sochub.engine.recovery``) decides what the law allows and computes each deadline; every
write is audited.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import recovery as engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal

from . import policies
from .models import (
    AccountFreezingOrder,
    CashSeizure,
    ComplianceOrder,
    ConfiscationOrder,
    ConfiscationPayment,
    ConfiscationStatus,
    DetentionOrder,
    FreezingOrderStatus,
    Nation,
    NoticeKind,
    NoticeOutcome,
    RecoveryNotice,
    SeizureStatus,
)
from .selectors import amount_paid, rules, totals_table

MAX_AMOUNT = Decimal("1e12")
"""Amounts at or above a trillion pounds are typing mistakes."""


def _audit(actor: Actor, object_type: str, ids: list[Any], operation: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=ids,
        purpose=actor.purpose or None,
        detail=detail,
    )


def _amount(value: Decimal | None, field: str, what: str, *, required: bool = True) -> Decimal | None:
    """A sum of money in pounds and pence, more than nothing and less than a trillion."""
    if value is None:
        if required:
            raise ValidationError({field: f"Enter the {what} in pounds."})
        return None
    if not value.is_finite() or not Decimal(0) < value < MAX_AMOUNT:
        raise ValidationError({field: f"Enter the {what} as an amount in pounds more than £0."})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: f"Enter the {what} in pounds and pence, like 2500.00."})
    return value


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"The {what} must not be in the future."})


def _subject(actor: Actor, nominal: Nominal | None, ocg: OCG | None) -> None:
    """Records may name only a person or group the user may see."""
    if nominal is not None and not intel_policies.can_view_nominal(actor.user, nominal):
        raise PermissionDenied("You cannot see that nominal.")
    if ocg is not None and not intel_policies.visible_ocgs(actor.user, OCG.objects.filter(pk=ocg.pk)).exists():
        raise PermissionDenied("You cannot see that OCG.")


def _writable(actor: Actor, seizure: CashSeizure) -> None:
    if not policies.can_write(actor.user, seizure):
        raise PermissionDenied("Only the seizing agency's officers, analysts and coordinators can change this.")
    if seizure.status != SeizureStatus.DETAINED:
        raise ValidationError(f"The cash is no longer detained ({seizure.get_status_display().lower()}).")


@transaction.atomic
def seizure_record(
    *,
    actor: Actor,
    amount: Decimal,
    seized_at: datetime,
    nation: str,
    place: str = "",
    officer: str = "",
    nominal: Nominal | None = None,
    ocg: OCG | None = None,
) -> CashSeizure:
    """Record a cash seizure; the engine refuses less than the minimum amount and sets initial detention's end."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record seizures.")
    if nation not in Nation.values:
        raise ValidationError({"nation": "Choose the nation the cash was seized in."})
    _subject(actor, nominal, ocg)
    local = timezone.localtime(seized_at) if timezone.is_aware(seized_at) else timezone.make_aware(seized_at)
    if local > timezone.localtime():
        raise ValidationError({"seized_at": "The date and time of seizure must not be in the future."})
    check = engine.cash_seizure(seized_at=local, amount_pounds=amount, nation=nation, rules=rules())
    if not check.ok:
        raise ValidationError({"amount": check.problems})
    assert user.agency_id is not None  # can_record
    seizure = CashSeizure.objects.create(
        agency_id=user.agency_id,
        nominal=nominal,
        ocg=ocg,
        amount=amount,
        seized_at=local,
        nation=nation,
        place=place.strip()[:200],
        officer=officer.strip()[:200],
        initial_detention_ends=check.initial_detention_ends,
        source_rule=check.source_rule[:200],
        created_by=user,
    )
    ids: list[Any] = [seizure.pk] + ([str(nominal.pk)] if nominal else [])
    _audit(
        actor,
        "cash_seizure",
        ids,
        Operation.COLLECTION,
        action="recorded",
        amount=str(amount),
        nation=nation,
        initial_detention_ends=check.initial_detention_ends.isoformat(),
    )
    return seizure


@transaction.atomic
def detention_order_add(
    *, actor: Actor, seizure: CashSeizure, granted_on: date, months: int, court: str = ""
) -> DetentionOrder:
    """Add a detention order; the engine refuses more than 6 months or detention beyond 2 years in all."""
    _writable(actor, seizure)
    previous = [(o.granted_on, o.expires_on) for o in seizure.orders.all()]
    check = engine.detention_order(
        seizure=timezone.localtime(seizure.seized_at),
        previous_orders=previous,
        granted_on=granted_on,
        months=months,
        rules=rules(),
    )
    if not check.ok:
        raise ValidationError({"months": check.problems})
    order = DetentionOrder.objects.create(
        seizure=seizure,
        granted_on=granted_on,
        months=months,
        expires_on=check.ends_on,
        court=court.strip()[:200],
        created_by=actor.user,
    )
    _audit(
        actor,
        "cash_seizure",
        [seizure.pk],
        Operation.ALTERATION,
        action="detention_order",
        order=order.pk,
        months=months,
        expires_on=check.ends_on.isoformat(),
    )
    return order


@transaction.atomic
def seizure_close(*, actor: Actor, seizure: CashSeizure, status: str, reason: str = "") -> CashSeizure:
    """Close a seizure as released, forfeited or returned; its deadlines stop."""
    _writable(actor, seizure)
    if status not in SeizureStatus.values or status == SeizureStatus.DETAINED:
        raise ValidationError({"status": "Choose released, forfeited or returned."})
    seizure.status, seizure.closed_reason = status, reason.strip()[:2000]
    seizure.closed_at = timezone.now()
    seizure.save(update_fields=["status", "closed_reason", "closed_at"])
    _audit(actor, "cash_seizure", [seizure.pk], Operation.ALTERATION, action="closed", status=status)
    return seizure


# Forfeiture notices -----------------------------------------------------------------------------------


@transaction.atomic
def notice_give(
    *,
    actor: Actor,
    kind: str,
    given_on: date,
    seizure: CashSeizure | None = None,
    freezing_order: AccountFreezingOrder | None = None,
    amount: Decimal | None = None,
    objection_days: int | None = None,
) -> RecoveryNotice:
    """Record a forfeiture notice and its objection deadline: an ACFN (s297A) on cash detained under a detention
    order, or an AFN (s303Z9) on an account freezing order in force, stating the amount to be forfeited."""
    user = actor.user
    r = rules()
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": "Choose the kind of notice."})
    if kind == NoticeKind.ACFN:
        if seizure is None or freezing_order is not None:
            raise ValidationError({"kind": "A cash forfeiture notice is given on a cash seizure."})
        _writable(actor, seizure)
        if not seizure.orders.exists():
            raise ValidationError(
                {
                    "given_on": "A cash forfeiture notice may be given only while the cash is detained under a "
                    "detention order (POCA 2002 s297A): add the detention order first."
                }
            )
        if given_on < timezone.localtime(seizure.seized_at).date():
            raise ValidationError({"given_on": "The notice date is before the seizure."})
        subject: CashSeizure | AccountFreezingOrder = seizure
        amount = _amount(amount, "amount", "amount to be forfeited", required=False)
        if amount is not None and amount > seizure.amount:
            raise ValidationError({"amount": f"The notice cannot forfeit more than the £{seizure.amount:,.2f} seized."})
    else:
        if freezing_order is None or seizure is not None:
            raise ValidationError({"kind": "An account forfeiture notice is given on an account freezing order."})
        if not policies.can_write(user, freezing_order):
            raise PermissionDenied("Only the agency that obtained the freezing order can give notices on it.")
        if freezing_order.status != FreezingOrderStatus.IN_FORCE:
            raise ValidationError(
                f"The freezing order is no longer in force ({freezing_order.get_status_display().lower()})."
            )
        if not freezing_order.made_on <= given_on <= freezing_order.expires_on:
            raise ValidationError(
                {
                    "given_on": f"An account forfeiture notice may be given only while the freezing order has effect "
                    f"({engine.long_date(freezing_order.made_on)} to {engine.long_date(freezing_order.expires_on)})."
                }
            )
        amount = _amount(amount, "amount", "amount to be forfeited")
        assert amount is not None
        if amount > freezing_order.amount:
            raise ValidationError(
                {"amount": f"The notice cannot forfeit more than the £{freezing_order.amount:,.2f} frozen."}
            )
        subject = freezing_order
    _not_future(given_on, "given_on", "notice date")
    minimum = r.value(f"{kind}_objection_min_days")
    days = minimum if objection_days is None else objection_days
    if not minimum <= days <= 366:
        raise ValidationError(
            {
                "objection_days": f"The objection period must be at least {minimum} days "
                f"({r.rule(f'{kind}_objection_min_days').source}) and at most a year."
            }
        )
    deadline = engine.objection_deadline(kind, given_on, r, days)  # type: ignore[arg-type]
    assert user.agency_id is not None
    notice = RecoveryNotice.objects.create(
        agency_id=user.agency_id,
        seizure=seizure,
        freezing_order=freezing_order,
        kind=kind,
        amount=amount,
        given_on=given_on,
        objection_days=days,
        objection_deadline=deadline,
        created_by=user,
    )
    _audit(
        actor,
        "recovery_notice",
        [notice.pk, subject.pk],
        Operation.ALTERATION,
        action="notice_given",
        kind=kind,
        subject="cash_seizure" if seizure else "account_freezing_order",
        amount=str(amount) if amount is not None else None,
        objection_deadline=deadline.isoformat(),
    )
    return notice


@transaction.atomic
def notice_outcome_record(
    *, actor: Actor, notice: RecoveryNotice, outcome: str, decided_on: date, note: str = ""
) -> RecoveryNotice:
    """Record what became of a notice. The rules decide when each outcome may be recorded (an objection within
    the objection period, forfeiture without objection only after it). Forfeiture forfeits the seized cash or
    the frozen money (the amount of the notice) and ends the seizure or freezing order."""
    notice = RecoveryNotice.objects.select_for_update().get(pk=notice.pk)
    if not policies.can_write(actor.user, notice):
        raise PermissionDenied("Only the agency that gave the notice can record its outcome.")
    if notice.outcome != NoticeOutcome.PENDING:
        raise ValidationError(f"The outcome is already recorded ({notice.get_outcome_display().lower()}).")
    if outcome not in NoticeOutcome.values or outcome == NoticeOutcome.PENDING:
        raise ValidationError({"outcome": "Choose what happened to the notice."})
    _not_future(decided_on, "decided_on", "date of the outcome")
    problems = engine.notice_outcome(
        outcome=outcome,
        given_on=notice.given_on,
        objection_deadline=notice.objection_deadline,
        decided_on=decided_on,
        rules=rules(),
    )
    if problems:
        raise ValidationError({"decided_on": [p[0].upper() + p[1:] + "." for p in problems]})
    seizure, order = notice.seizure, notice.freezing_order
    if seizure is not None and seizure.status != SeizureStatus.DETAINED and outcome == NoticeOutcome.FORFEITED:
        raise ValidationError(f"The cash is no longer detained ({seizure.get_status_display().lower()}).")
    if order is not None and order.status != FreezingOrderStatus.IN_FORCE and outcome == NoticeOutcome.FORFEITED:
        raise ValidationError(f"The freezing order is no longer in force ({order.get_status_display().lower()}).")
    notice.outcome, notice.outcome_on, notice.outcome_by = outcome, decided_on, actor.user
    notice.outcome_note = note.strip()[:2000]
    notice.save(update_fields=["outcome", "outcome_on", "outcome_by", "outcome_note"])
    if outcome == NoticeOutcome.FORFEITED and seizure is not None:
        seizure.status = SeizureStatus.FORFEITED
        seizure.closed_reason = f"Forfeited without objection to cash forfeiture notice {notice.pk}."
        seizure.closed_at = timezone.make_aware(datetime.combine(decided_on, time(12)))
        seizure.save(update_fields=["status", "closed_reason", "closed_at"])
    if outcome == NoticeOutcome.FORFEITED and order is not None:
        order.status, order.ended_on = FreezingOrderStatus.FORFEITED, decided_on
        order.forfeited_amount = notice.amount if notice.amount is not None else order.amount
        order.save(update_fields=["status", "ended_on", "forfeited_amount"])
    _audit(
        actor,
        "recovery_notice",
        [notice.pk, seizure.pk if seizure is not None else order.pk if order is not None else ""],
        Operation.ALTERATION,
        action="outcome",
        kind=notice.kind,
        outcome=outcome,
        decided_on=decided_on.isoformat(),
    )
    return notice


# Account freezing orders ------------------------------------------------------------------------------


def _digits(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isdigit())


@transaction.atomic
def freezing_order_record(
    *,
    actor: Actor,
    bank: str,
    sort_code: str,
    account_ending: str,
    amount: Decimal | None,
    made_on: date,
    months: int,
    court: str = "",
    nominal: Nominal | None = None,
    ocg: OCG | None = None,
) -> AccountFreezingOrder:
    """Record an account freezing order (s303Z1); the engine refuses a period beyond 2 years or less than the
    minimum amount, and sets its last day. Only the last four digits of the account number are kept."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record freezing orders.")
    _subject(actor, nominal, ocg)
    errors: dict[str, str] = {}
    bank = bank.strip()[:100]
    if not bank:
        errors["bank"] = "Enter the bank or building society."
    code = _digits(sort_code)
    if len(code) != 6 or len(sort_code.strip()) > 8:
        errors["sort_code"] = "Enter the sort code as 6 digits, like 20-00-00."
    ending = account_ending.strip()
    if not (ending.isdigit() and len(ending) == 4):
        errors["account_ending"] = "Enter the last 4 digits of the account number."
    if errors:
        raise ValidationError(errors)
    amount = _amount(amount, "amount", "amount frozen")
    assert amount is not None
    _not_future(made_on, "made_on", "date the order was made")
    check = engine.account_freezing_order(made_on=made_on, months=months, rules=rules(), amount_pounds=amount)
    if not check.ok:
        raise ValidationError({"months": check.problems})
    assert user.agency_id is not None
    order = AccountFreezingOrder.objects.create(
        agency_id=user.agency_id,
        nominal=nominal,
        ocg=ocg,
        bank=bank,
        sort_code=code,
        account_ending=ending,
        amount=amount,
        made_on=made_on,
        court=court.strip()[:200],
        months=months,
        expires_on=check.ends_on,
        source_rule=check.source_rule[:200],
        created_by=user,
    )
    ids: list[Any] = [order.pk] + ([str(nominal.pk)] if nominal else [])
    _audit(
        actor,
        "account_freezing_order",
        ids,
        Operation.COLLECTION,
        action="recorded",
        amount=str(amount),
        months=months,
        expires_on=check.ends_on.isoformat(),
    )
    return order


@transaction.atomic
def freezing_order_end(
    *, actor: Actor, order: AccountFreezingOrder, status: str, ended_on: date, reason: str = ""
) -> AccountFreezingOrder:
    """End a freezing order: lapsed, set aside, or forfeited by the court (s303Z14) in full."""
    if not policies.can_write(actor.user, order):
        raise PermissionDenied("Only the agency that obtained the order can change it.")
    if order.status != FreezingOrderStatus.IN_FORCE:
        raise ValidationError(f"The order is no longer in force ({order.get_status_display().lower()}).")
    if status not in FreezingOrderStatus.values or status == FreezingOrderStatus.IN_FORCE:
        raise ValidationError({"status": "Choose lapsed, set aside or forfeited."})
    _not_future(ended_on, "ended_on", "date")
    if ended_on < order.made_on:
        raise ValidationError({"ended_on": "The date is before the order was made."})
    order.status, order.ended_on = status, ended_on
    if status == FreezingOrderStatus.FORFEITED:
        order.forfeited_amount = order.amount
    if reason.strip():
        order.notes = (order.notes + "\n" if order.notes else "") + reason.strip()[:1000]
    order.save(update_fields=["status", "ended_on", "forfeited_amount", "notes"])
    _audit(actor, "account_freezing_order", [order.pk], Operation.ALTERATION, action="ended", status=status)
    return order


# Confiscation orders ----------------------------------------------------------------------------------


def _confiscation_writable(actor: Actor, order: ConfiscationOrder) -> None:
    if not policies.can_write(actor.user, order):
        raise PermissionDenied("Only the agency that recorded the confiscation order can change it.")


@transaction.atomic
def confiscation_record(
    *,
    actor: Actor,
    nominal: Nominal,
    court: str,
    made_on: date,
    amount: Decimal | None,
    time_to_pay_months: int = 0,
    benefit: Decimal | None = None,
    available_amount: Decimal | None = None,
) -> ConfiscationOrder:
    """Record a confiscation order against a person the user may see, with the time the court allowed to pay
    (payable on the day, or up to the initial maximum; the engine refuses more and sets the due date)."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record confiscation orders.")
    _subject(actor, nominal, None)
    court = court.strip()[:200]
    if not court:
        raise ValidationError({"court": "Enter the court that made the order."})
    amount = _amount(amount, "amount", "amount ordered")
    benefit = _amount(benefit, "benefit", "benefit figure", required=False)
    available_amount = _amount(available_amount, "available_amount", "available amount", required=False)
    _not_future(made_on, "made_on", "date the order was made")
    check = engine.time_to_pay(made_on=made_on, months=time_to_pay_months, rules=rules())
    if not check.ok:
        raise ValidationError({"time_to_pay_months": check.problems})
    assert user.agency_id is not None and amount is not None
    order = ConfiscationOrder.objects.create(
        agency_id=user.agency_id,
        nominal=nominal,
        court=court,
        made_on=made_on,
        amount=amount,
        benefit=benefit,
        available_amount=available_amount,
        time_to_pay_months=time_to_pay_months,
        due_on=check.ends_on,
        source_rule=check.source_rule[:200],
        created_by=user,
    )
    _audit(
        actor,
        "confiscation_order",
        [order.pk, str(nominal.pk)],
        Operation.COLLECTION,
        action="recorded",
        amount=str(amount),
        time_to_pay_months=time_to_pay_months,
        due_on=check.ends_on.isoformat(),
    )
    return order


@transaction.atomic
def confiscation_extend(*, actor: Actor, order: ConfiscationOrder, months: int) -> ConfiscationOrder:
    """Extend the time to pay to ``months`` from the order in all; the engine refuses beyond the maximum."""
    _confiscation_writable(actor, order)
    if order.status != ConfiscationStatus.OUTSTANDING:
        raise ValidationError(f"The order is {order.get_status_display().lower()}: time to pay cannot be extended.")
    if months <= order.time_to_pay_months:
        raise ValidationError(
            {"months": f"An extension must give more than the {order.time_to_pay_months} months already allowed."}
        )
    check = engine.time_to_pay(made_on=order.made_on, months=months, rules=rules(), extended=True)
    if not check.ok:
        raise ValidationError({"months": check.problems})
    before = order.due_on
    order.time_to_pay_months, order.extended, order.due_on = months, True, check.ends_on
    order.source_rule = check.source_rule[:200]
    order.save(update_fields=["time_to_pay_months", "extended", "due_on", "source_rule"])
    _audit(
        actor,
        "confiscation_order",
        [order.pk],
        Operation.ALTERATION,
        action="time_to_pay_extended",
        months=months,
        due_on_before=before.isoformat(),
        due_on=check.ends_on.isoformat(),
    )
    return order


@transaction.atomic
def confiscation_payment_add(
    *, actor: Actor, order: ConfiscationOrder, amount: Decimal | None, paid_on: date, note: str = ""
) -> ConfiscationPayment:
    """Record a payment; once the whole amount is paid the order is paid."""
    _confiscation_writable(actor, order)
    order = ConfiscationOrder.objects.select_for_update().get(pk=order.pk)
    if order.status == ConfiscationStatus.PAID:
        raise ValidationError("The order is already paid in full.")
    amount = _amount(amount, "amount", "amount paid")
    assert amount is not None
    _not_future(paid_on, "paid_on", "date of payment")
    if paid_on < order.made_on:
        raise ValidationError({"paid_on": "The payment date is before the order was made."})
    owed = order.amount - amount_paid(order)
    if amount > owed:
        raise ValidationError({"amount": f"The payment is more than the £{owed:,.2f} still owed."})
    payment = ConfiscationPayment.objects.create(
        order=order, amount=amount, paid_on=paid_on, note=note.strip()[:200], created_by=actor.user
    )
    if amount == owed:
        order.status = ConfiscationStatus.PAID
        order.save(update_fields=["status"])
    _audit(
        actor,
        "confiscation_order",
        [order.pk],
        Operation.ALTERATION,
        action="payment",
        payment=payment.pk,
        amount=str(amount),
        paid_in_full=order.status == ConfiscationStatus.PAID,
    )
    return payment


@transaction.atomic
def confiscation_default(*, actor: Actor, order: ConfiscationOrder, note: str) -> ConfiscationOrder:
    """Mark an order in default once its time to pay has run out unpaid, noting the default sentence."""
    _confiscation_writable(actor, order)
    if order.status != ConfiscationStatus.OUTSTANDING:
        raise ValidationError(f"The order is {order.get_status_display().lower()}.")
    if timezone.localdate() <= order.due_on:
        raise ValidationError(
            {
                "default_note": f"The time to pay runs until the end of {engine.long_date(order.due_on)}: the order "
                f"cannot be in default before then."
            }
        )
    note = note.strip()[:2000]
    if not note:
        raise ValidationError({"default_note": "Describe the default sentence (for example its length and court)."})
    order.status, order.default_note = ConfiscationStatus.DEFAULT, note
    order.save(update_fields=["status", "default_note"])
    _audit(actor, "confiscation_order", [order.pk], Operation.ALTERATION, action="default")
    return order


@transaction.atomic
def compliance_order_add(
    *,
    actor: Actor,
    confiscation: ConfiscationOrder,
    kind: str,
    made_on: date,
    terms: str,
    review_on: date | None,
) -> ComplianceOrder:
    """Record a compliance order (s13A) of a kind the rules list, with the date it is next reviewed."""
    _confiscation_writable(actor, confiscation)
    r = rules()
    if r.compliance_order.kind_label(kind) is None:
        raise ValidationError({"kind": "Choose the kind of compliance order."})
    terms = terms.strip()[:2000]
    if not terms:
        raise ValidationError({"terms": "Enter the terms of the order."})
    _not_future(made_on, "made_on", "date the order was made")
    if made_on < confiscation.made_on:
        raise ValidationError({"made_on": "A compliance order cannot be made before the confiscation order."})
    if review_on is None:
        raise ValidationError({"review_on": "Enter the date the order is to be reviewed."})
    if review_on <= made_on:
        raise ValidationError({"review_on": "The review date must be after the order was made."})
    order = ComplianceOrder.objects.create(
        confiscation=confiscation, kind=kind, made_on=made_on, terms=terms, review_on=review_on, created_by=actor.user
    )
    _audit(
        actor,
        "confiscation_order",
        [confiscation.pk],
        Operation.ALTERATION,
        action="compliance_order",
        compliance_order=order.pk,
        kind=kind,
        review_on=review_on.isoformat(),
    )
    return order


@transaction.atomic
def compliance_order_review(
    *, actor: Actor, order: ComplianceOrder, next_review_on: date | None, discharged_on: date | None = None
) -> ComplianceOrder:
    """After a review: the next review date, or the day the court discharged the order."""
    _confiscation_writable(actor, order.confiscation)
    if order.discharged_on is not None:
        raise ValidationError("The compliance order has been discharged.")
    today = timezone.localdate()
    if discharged_on is not None:
        _not_future(discharged_on, "discharged_on", "date of discharge")
        if discharged_on < order.made_on:
            raise ValidationError({"discharged_on": "The order cannot be discharged before it was made."})
        order.discharged_on, order.review_on = discharged_on, None
    elif next_review_on is None or next_review_on <= today:
        raise ValidationError({"next_review_on": "Enter the next review date, after today."})
    else:
        order.review_on = next_review_on
    order.save(update_fields=["discharged_on", "review_on"])
    _audit(
        actor,
        "confiscation_order",
        [order.confiscation_id],
        Operation.ALTERATION,
        action="compliance_review",
        compliance_order=order.pk,
        review_on=order.review_on.isoformat() if order.review_on else None,
        discharged_on=discharged_on.isoformat() if discharged_on else None,
    )
    return order


# Totals -----------------------------------------------------------------------------------------------


def totals_export(
    *, actor: Actor, period: str, group: str, start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    """The totals the user may see, for a CSV file; the export is logged as a disclosure."""
    rows = totals_table(user=actor.user, period=period, group=group, start=start, end=end)
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type="recovery_totals",
        object_ids=sorted({str(r.get("agency") or r.get("region")) for r in rows}),
        purpose=actor.purpose or None,
        detail={
            "period": period,
            "group": group,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
            "rows": len(rows),
        },
    )
    return rows
