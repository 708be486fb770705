"""Every write to information-exchange requests: create, submit, approve (a second person), broker, answer
(sharing records through ``sochub.intel.services.share_create``), refuse and withdraw; each step audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import exchange as engine
from sochub.intel import policies as intel_policies
from sochub.intel import services as intel_services
from sochub.intel.models import OCG, IntelligenceRecord, Nominal, Premises, Share
from sochub.intel.validation import clean_text
from sochub.partners.models import Agency

from . import policies, selectors
from .models import ExchangeRequest, KnownSearchHit, Status


def _other_agencies(req: ExchangeRequest, actor: Actor) -> list[str]:
    """The agencies on the other side of this step, for the audit row's recipients."""
    codes = [req.requesting_agency.code] + ([req.provider.code] if req.provider_id and req.provider else [])
    return [c for c in codes if actor.user.agency is None or c != actor.user.agency.code]


def _audit(actor: Actor, req: ExchangeRequest, what: str, operation: str = Operation.ALTERATION, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type="exchange_request",
        object_ids=[req.pk],
        purpose=req.purpose_label,
        recipients=_other_agencies(req, actor) if what not in ("created", "submitted") else [],
        detail={"action": what, "reference": req.reference, "status": req.status, **detail},
    )


def _next_reference(year: int) -> str:
    prefix = f"GAIN-{year}-"
    last = (
        ExchangeRequest.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def request_create(
    *,
    actor: Actor,
    question: str,
    purpose: str,
    legal_basis: str,
    urgency: str,
    handling_code: str,
    handling_conditions: str = "",
    provider: Agency | None = None,
    via_coordinator: bool = False,
    nominals: list[Nominal] | None = None,
    ocgs: list[OCG] | None = None,
    premises: list[Premises] | None = None,
    subject_description: str = "",
    known_hit: KnownSearchHit | None = None,
    submit: bool = True,
) -> ExchangeRequest:
    """A request from the actor's agency, to a named provider or through the region's GAIN coordinator.

    Subjects must be records the actor can see; a known-to-you hit (of the actor's agency's searches) sets the
    provider and keeps the matched nominal server-side. ``submit`` sends it for approval at once.
    """
    user = actor.user
    if not policies.can_request(user):
        raise PermissionDenied("Your role does not allow you to make information requests.")
    agency = user.agency
    assert agency is not None
    nominals, ocgs, premises = list(nominals or []), list(ocgs or []), list(premises or [])
    for n in nominals:
        if not intel_policies.can_view_nominal(user, n):
            raise intel_services.NotFound
    if ocgs and intel_policies.visible_ocgs(user, OCG.objects.filter(pk__in=[o.pk for o in ocgs])).count() != len(
        {o.pk for o in ocgs}
    ):
        raise intel_services.NotFound
    if premises and intel_policies.visible_premises(
        user, Premises.objects.filter(pk__in=[p.pk for p in premises])
    ).count() != len({p.pk for p in premises}):
        raise intel_services.NotFound
    if known_hit is not None:
        if not policies.visible_hits_for_searcher(user, KnownSearchHit.objects.filter(pk=known_hit.pk)).exists():
            raise intel_services.NotFound
        provider, via_coordinator = known_hit.agency, False
    if via_coordinator:
        provider = None
    ref = selectors.reference()
    question = str(question or "")
    subject_description = str(subject_description or "").strip()
    handling_conditions = str(handling_conditions or "").strip()
    errors = engine.request_problems(
        ref,
        purpose=purpose,
        legal_basis=legal_basis,
        urgency=urgency,
        question=question,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
        has_subject=bool(nominals or ocgs or premises or subject_description or known_hit),
        has_destination=provider is not None or (via_coordinator and agency.region_id is not None),
    )
    if via_coordinator and agency.region_id is None:
        errors["provider"] = ["Your agency has no GAIN region: choose the agency to ask."]
    if provider is not None and provider.pk == agency.pk:
        errors.setdefault("provider", []).append("Choose another agency: you cannot ask your own.")
    if len(subject_description) > 2000:
        errors.setdefault("subject_description", []).append("The description must be 2000 characters or fewer.")
    if errors:
        raise ValidationError(errors)
    p, g = ref.purpose(purpose), ref.gateway(legal_basis)
    assert p is not None and g is not None
    now = timezone.now()
    for _ in range(5):
        try:
            with transaction.atomic():
                req = ExchangeRequest.objects.create(
                    reference=_next_reference(now.year),
                    requesting_agency=agency,
                    requested_by=user,
                    provider=provider,
                    region_id=agency.region_id,
                    brokered=provider is None,
                    subject_description=subject_description,
                    known_hit=known_hit,
                    question=question.strip(),
                    purpose=p.id,
                    purpose_label=p.label,
                    legal_basis=g.id,
                    legal_basis_label=g.label,
                    urgency=urgency,
                    handling_code=handling_code,
                    handling_conditions=handling_conditions,
                    status=Status.AWAITING_APPROVAL if submit else Status.DRAFT,
                    submitted_at=now if submit else None,
                    reference_version=ref.version,
                    reference_fingerprint=engine.fingerprint(ref),
                )
            break
        except IntegrityError:  # two requests took the same number at once: take the next
            continue
    else:
        raise ValidationError("Could not number the request; try again.")
    req.nominals.set(nominals)
    req.ocgs.set(ocgs)
    req.premises.set(premises)
    _audit(
        actor,
        req,
        "created",
        Operation.COLLECTION,
        provider=provider.code if provider else None,
        brokered=provider is None,
        nominals=[str(n.pk) for n in nominals],
        ocgs=[o.pk for o in ocgs],
        premises=[x.pk for x in premises],
        known_hit=known_hit.pk if known_hit else None,
    )
    return req


def _locked(req: ExchangeRequest) -> ExchangeRequest:
    return (
        ExchangeRequest.objects.select_for_update(of=("self",))
        .select_related("requesting_agency", "provider")
        .get(pk=req.pk)
    )


def _check_visible(actor: Actor, req: ExchangeRequest) -> None:
    if not policies.can_view(actor.user, req):
        raise intel_services.NotFound


@transaction.atomic
def request_submit(*, actor: Actor, request: ExchangeRequest) -> ExchangeRequest:
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.submit_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    req.status, req.submitted_at = Status.AWAITING_APPROVAL, timezone.now()
    req.save(update_fields=["status", "submitted_at"])
    _audit(actor, req, "submitted")
    return req


@transaction.atomic
def request_approve(*, actor: Actor, request: ExchangeRequest) -> ExchangeRequest:
    """A second person of the requesting agency approves: the request goes to the provider (or the region's
    coordinator to broker) and its answer clock starts."""
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.approval_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    now = timezone.now()
    req.status, req.approved_by, req.approved_at = Status.APPROVED, actor.user, now
    req.due_date = engine.due_date(selectors.reference(), urgency=req.urgency, sent_on=timezone.localdate(now))
    req.save(update_fields=["status", "approved_by", "approved_at", "due_date"])
    _audit(actor, req, "approved", due_date=req.due_date.isoformat(), to_coordinator=req.provider_id is None)
    return req


@transaction.atomic
def request_broker(*, actor: Actor, request: ExchangeRequest, provider: Agency) -> ExchangeRequest:
    """The region's GAIN coordinator chooses the agency to ask."""
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.broker_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    if provider.pk == req.requesting_agency_id:
        raise ValidationError({"provider": "Choose an agency other than the one asking."})
    req.provider, req.brokered_by, req.brokered_at = provider, actor.user, timezone.now()
    req.save(update_fields=["provider", "brokered_by", "brokered_at"])
    _audit(actor, req, "brokered", provider=provider.code)
    return req


@transaction.atomic
def request_answer(
    *,
    actor: Actor,
    request: ExchangeRequest,
    answer: str,
    nominals: list[Nominal] | None = None,
    ocgs: list[OCG] | None = None,
    intelligence: list[IntelligenceRecord] | None = None,
    expires_in_days: int | None = None,
) -> ExchangeRequest:
    """The provider answers with text and the records it chooses to share with the requesting agency.

    Each record becomes a Share (audited by ``share_create`` as a disclosure naming the recipient) with the
    request's purpose, legal basis and handling, for ``expires_in_days`` (the reference data's default if None).
    """
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.response_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    ref = selectors.reference()
    days = ref.share_days.default if expires_in_days is None else expires_in_days
    errors: dict[str, list[str]] = {}
    answer = str(answer or "").strip()
    if len(answer) < 2:
        errors["answer"] = ["Write the answer to the request."]
    elif len(answer) > 10_000:
        errors["answer"] = ["The answer must be 10000 characters or fewer."]
    if not isinstance(days, int) or not 1 <= days <= ref.share_days.maximum:
        errors["expires_in_days"] = [f"Shared records stay visible for 1 to {ref.share_days.maximum} days."]
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + timedelta(days=days)
    handling = req.get_handling_code_display() + (f": {req.handling_conditions}" if req.handling_conditions else "")
    recipient = req.requesting_agency
    shares: list[Share] = []
    targets: list[dict[str, Any]] = (
        [{"nominal": n} for n in dict.fromkeys(nominals or [])]
        + [{"ocg": o} for o in dict.fromkeys(ocgs or [])]
        + [{"intelligence": r} for r in dict.fromkeys(intelligence or [])]
    )
    for target in targets:
        shares.append(
            intel_services.share_create(
                actor=actor,
                recipient=recipient,
                purpose=f"{req.reference}: {req.purpose_label}",
                legal_basis=req.legal_basis_label,
                handling=handling[:500],
                expires_at=expires_at,
                **target,
            )
        )
    req.status, req.responded_by, req.responded_at, req.answer = Status.ANSWERED, actor.user, timezone.now(), answer
    req.save(update_fields=["status", "responded_by", "responded_at", "answer"])
    req.shares.add(*shares)
    _audit(actor, req, "answered", shares=[s.pk for s in shares], expires_at=expires_at.isoformat(), days=days)
    return req


@transaction.atomic
def request_refuse(*, actor: Actor, request: ExchangeRequest, reason: str) -> ExchangeRequest:
    """The provider (or, before brokering, the region's coordinator) refuses, with a reason."""
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.refuse_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    reason = clean_text(str(reason or ""), field="reason", max_length=2000, required=False)
    if len(reason) < 5:
        raise ValidationError({"reason": "Give the reason for refusing, so the requesting agency can act on it."})
    req.status, req.responded_by, req.responded_at, req.refusal_reason = (
        Status.REFUSED,
        actor.user,
        timezone.now(),
        reason,
    )
    req.save(update_fields=["status", "responded_by", "responded_at", "refusal_reason"])
    _audit(actor, req, "refused")
    return req


@transaction.atomic
def request_withdraw(*, actor: Actor, request: ExchangeRequest) -> ExchangeRequest:
    req = _locked(request)
    _check_visible(actor, req)
    if refusal := policies.withdraw_refusal(actor.user, req):
        raise PermissionDenied(refusal)
    req.status, req.withdrawn_at = Status.WITHDRAWN, timezone.now()
    req.save(update_fields=["status", "withdrawn_at"])
    _audit(actor, req, "withdrawn")
    return req


def request_consult(*, actor: Actor, request_id: int) -> ExchangeRequest:
    """Open a request: it names people and says why they are of interest, so the read is logged."""
    req = selectors.request_get(user=actor.user, request_id=request_id)
    if req is None:
        raise intel_services.NotFound
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="exchange_request",
        object_ids=[req.pk],
        purpose=actor.purpose or req.purpose_label,
        detail={"reference": req.reference, "nominals": [str(n) for n in req.nominals.values_list("pk", flat=True)]},
    )
    return req
