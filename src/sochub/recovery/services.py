"""Every write to asset recovery records: record a seizure, add a detention order, give a notice, close.

The engine (``sochub.engine.recovery``) decides what the law allows and computes each deadline; every
write is audited.
"""

from __future__ import annotations

from datetime import date, datetime
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
    CashSeizure,
    DetentionOrder,
    Nation,
    NoticeKind,
    RecoveryNotice,
    SeizureStatus,
)
from .selectors import rules


def _audit(actor: Actor, object_type: str, ids: list[Any], operation: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=ids,
        purpose=actor.purpose or None,
        detail=detail,
    )


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
    if nominal is not None and not intel_policies.can_view_nominal(user, nominal):
        raise PermissionDenied("You cannot see that nominal.")
    if ocg is not None and not intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists():
        raise PermissionDenied("You cannot see that OCG.")
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
def notice_give(
    *, actor: Actor, kind: str, given_on: date, seizure: CashSeizure | None = None, account: str = ""
) -> RecoveryNotice:
    """Record a forfeiture notice (an ACFN on detained cash, or an AFN on a named account) and its deadline."""
    user = actor.user
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": "Choose the kind of notice."})
    if kind == NoticeKind.ACFN:
        if seizure is None:
            raise ValidationError({"kind": "A cash forfeiture notice is given on a cash seizure."})
        _writable(actor, seizure)
    elif not policies.can_record(user) or (seizure is not None and not policies.can_write(user, seizure)):
        raise PermissionDenied("Your role does not allow you to give notices.")
    elif not account.strip():
        raise ValidationError({"account": "Name the frozen account the notice is about."})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "The notice date must not be in the future."})
    deadline = engine.objection_deadline(kind, given_on, rules())  # type: ignore[arg-type]
    assert user.agency_id is not None
    notice = RecoveryNotice.objects.create(
        agency_id=user.agency_id,
        seizure=seizure,
        account=account.strip()[:200],
        kind=kind,
        given_on=given_on,
        objection_deadline=deadline,
        created_by=user,
    )
    _audit(
        actor,
        "recovery_notice",
        [notice.pk] + ([seizure.pk] if seizure else []),
        Operation.ALTERATION,
        action="notice_given",
        kind=kind,
        objection_deadline=deadline.isoformat(),
    )
    return notice


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
