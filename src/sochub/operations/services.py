"""Every write to disruptions: record (checked by the engine) and validate (a second person), audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import disruptions as engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal

from . import policies, selectors
from .models import Disruption


def _audit(actor: Actor, disruption: Disruption, what: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="disruption",
        object_ids=[disruption.pk],
        purpose=actor.purpose or None,
        detail={
            "action": what,
            "ocg": disruption.ocg_id,
            "nominal": str(disruption.nominal_id) if disruption.nominal_id else None,
            **detail,
        },
    )


@transaction.atomic
def disruption_record(
    *,
    actor: Actor,
    ocg: OCG | None = None,
    nominal: Nominal | None = None,
    tactic: str,
    impact: str,
    rationale: str,
    on: date,
) -> Disruption:
    """Record a disruption against one OCG or one nominal the user can see; raises ValidationError with the
    engine's problems (unknown tactic, no rationale, an immigration tactic on someone not flagged, ...)."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record disruptions.")
    if (ocg is None) == (nominal is None):
        raise ValidationError("A disruption is recorded against one OCG or one nominal.")
    if ocg is not None and not intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists():
        raise PermissionDenied("You cannot see that OCG.")
    if nominal is not None and not intel_policies.can_view_nominal(user, nominal):
        raise PermissionDenied("You cannot see that nominal.")
    assert user.agency_id is not None  # intelligence write roles belong to an agency
    menu = selectors.menu()
    rationale = rationale.strip()
    flag = selectors.foreign_national(user=user, nominal=nominal) if nominal is not None else None
    problems = engine.check_disruption(
        menu,
        tactic=tactic,
        impact=impact,
        rationale=rationale,
        target_kind="ocg" if ocg is not None else "nominal",
        foreign_national=flag,
    )
    errors: dict[str, list[str]] = {}
    for p in problems:
        field = "rationale" if "rationale" in p else "impact" if "national scale" in p else "tactic"
        errors.setdefault(field, []).append(p)
    if len(rationale) > 2000:
        errors.setdefault("rationale", []).append("The rationale must be 2000 characters or fewer.")
    if on > timezone.localdate():
        errors.setdefault("date", []).append("The date must be today or in the past.")
    if errors:
        raise ValidationError(errors)
    t = menu.tactic(tactic)
    disruption = Disruption.objects.create(
        agency_id=user.agency_id,
        ocg=ocg,
        nominal=nominal,
        tactic=t.id,
        tactic_label=t.label,
        tactic_type=t.type,
        area=t.area,
        impact=impact,
        rationale=rationale,
        date=on,
        recorded_by=user,
        menu_name=menu.name,
        menu_version=menu.version,
        menu_fingerprint=engine.fingerprint(menu),
    )
    _audit(actor, disruption, "recorded", tactic=t.id, impact=impact, menu=menu.label)
    return disruption


@transaction.atomic
def disruption_validate(*, actor: Actor, disruption: Disruption) -> Disruption:
    """A second person (analyst or coordinator of the recording agency) validates the disruption."""
    user = actor.user
    disruption = Disruption.objects.select_for_update().get(pk=disruption.pk)
    if not policies.visible_disruptions(user, Disruption.objects.filter(pk=disruption.pk)).exists():
        raise PermissionDenied("You cannot see that disruption.")
    refusal = policies.validation_refusal(user, disruption)
    if refusal:
        raise PermissionDenied(refusal)
    problems = engine.validation_problems(
        recorded_by=disruption.recorded_by.get_username(), validated_by=user.get_username()
    )
    if problems:
        raise PermissionDenied(" ".join(problems))
    disruption.validated_by = user
    disruption.validated_at = timezone.now()
    disruption.save(update_fields=["validated_by", "validated_at"])
    _audit(actor, disruption, "validated")
    return disruption
