"""API of information exchange: the same selectors, policies, services and audit as its web pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit.context import Actor
from sochub.exchange import known, policies, selectors, services
from sochub.exchange.models import ExchangeRequest
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Premises
from sochub.intel.services import NotFound
from sochub.partners.models import Agency

from .common import Page, actor_for, limits

router = Router(tags=["information exchange"])


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs)
    return " ".join(exc.messages)


def _call(fn: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into HTTP errors (404 never says whether a record exists)."""
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Forbidden") from exc
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc


class RequestItem(Schema):
    id: int
    reference: str
    status: str
    requesting_agency: str
    provider: str | None
    region: str | None
    urgency: str
    due_date: str | None
    overdue: bool


class RequestList(Schema):
    items: list[RequestItem]
    count: int


class ShareItem(Schema):
    id: int
    kind: str
    record_id: str
    expires_at: str | None


class RequestDetail(RequestItem):
    question: str
    purpose: str
    purpose_label: str
    legal_basis: str
    legal_basis_label: str
    handling_code: str
    handling_conditions: str
    subject_description: str
    nominals: list[str]
    ocgs: list[int]
    hidden_subjects: int
    requested_by: str
    approved_by: str | None
    answer: str
    refusal_reason: str
    shares: list[ShareItem]


def _item(r: ExchangeRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "status": r.status,
        "requesting_agency": r.requesting_agency.code,
        "provider": r.provider.code if r.provider_id and r.provider else None,
        "region": r.region.code if r.region_id and r.region else None,
        "urgency": r.urgency,
        "due_date": r.due_date.isoformat() if r.due_date else None,
        "overdue": r.is_overdue(),
    }


def _detail(actor: Actor, r: ExchangeRequest) -> dict[str, Any]:
    subjects = selectors.visible_subjects(user=actor.user, req=r)
    shares = list(r.shares.all()) if r.status == "answered" else []
    return _item(r) | {
        "question": r.question,
        "purpose": r.purpose,
        "purpose_label": r.purpose_label,
        "legal_basis": r.legal_basis,
        "legal_basis_label": r.legal_basis_label,
        "handling_code": r.handling_code,
        "handling_conditions": r.handling_conditions,
        "subject_description": r.subject_description,
        "nominals": [str(n.pk) for n, _ in subjects["nominals"]],
        "ocgs": [o.pk for o in subjects["ocgs"]],
        "hidden_subjects": subjects["hidden"],
        "requested_by": r.requested_by.get_username(),
        "approved_by": r.approved_by.get_username() if r.approved_by_id and r.approved_by else None,
        "answer": r.answer,
        "refusal_reason": r.refusal_reason,
        "shares": [
            {
                "id": s.pk,
                "kind": "nominal" if s.nominal_id else "ocg" if s.ocg_id else "intelligence",
                "record_id": str(s.nominal_id or s.ocg_id or s.intelligence_id),
                "expires_at": s.expires_at.isoformat() if s.expires_at else None,
            }
            for s in shares
        ],
    }


def _get(actor: Actor, request_id: int) -> ExchangeRequest:
    r = selectors.request_get(user=actor.user, request_id=request_id)
    if r is None:
        raise HttpError(404, "Not found")
    return r


@router.get("/requests", response=RequestList)
def request_list(request: HttpRequest, page: Query[Page], tab: str = "all") -> dict[str, Any]:
    actor = actor_for(request)
    limit, offset = limits(page)
    if tab not in selectors.TABS:
        raise HttpError(422, f"tab must be one of {', '.join(selectors.TABS)}")
    qs = selectors.requests(user=actor.user, tab=tab)
    return {"items": [_item(r) for r in qs[offset : offset + limit]], "count": qs.count()}


@router.get("/requests/{request_id}", response=RequestDetail)
def request_detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    r = _call(services.request_consult, actor=actor, request_id=request_id)
    return _detail(actor, r)


class RequestIn(Schema):
    question: str
    purpose: str
    legal_basis: str
    urgency: str = "routine"
    handling_code: str = "P"
    handling_conditions: str = ""
    provider: str | None = None
    via_coordinator: bool = False
    nominal_ids: list[str] = []
    ocg_ids: list[int] = []
    premises_ids: list[int] = []
    subject_description: str = ""
    known_hit_id: int | None = None
    submit: bool = True


@router.post("/requests", response={201: RequestDetail})
def request_create(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    user = actor.user
    if len(payload.nominal_ids) + len(payload.ocg_ids) + len(payload.premises_ids) > 50:
        raise HttpError(422, "Name at most 50 subjects.")
    nominals = []
    for raw in payload.nominal_ids:
        n = intel_selectors.nominal_resolve(user=user, nominal_id=str(raw)[:64])
        if n is None:
            raise HttpError(404, "Not found")
        nominals.append(n)
    ocgs = list(OCG.objects.filter(pk__in=payload.ocg_ids))
    premises = list(Premises.objects.filter(pk__in=payload.premises_ids))
    if len(ocgs) != len(set(payload.ocg_ids)) or len(premises) != len(set(payload.premises_ids)):
        raise HttpError(404, "Not found")
    provider = None
    if payload.provider:
        provider = Agency.objects.filter(code=payload.provider[:40]).first()
        if provider is None:
            raise HttpError(422, "provider: no agency has that code.")
    hit = None
    if payload.known_hit_id is not None:
        hit = selectors.hit_for_request(user=user, hit_id=payload.known_hit_id)
        if hit is None:
            raise HttpError(404, "Not found")
    r = _call(
        services.request_create,
        actor=actor,
        question=payload.question,
        purpose=payload.purpose,
        legal_basis=payload.legal_basis,
        urgency=payload.urgency,
        handling_code=payload.handling_code,
        handling_conditions=payload.handling_conditions,
        provider=provider,
        via_coordinator=payload.via_coordinator,
        nominals=nominals,
        ocgs=ocgs,
        premises=premises,
        subject_description=payload.subject_description,
        known_hit=hit,
        submit=payload.submit,
    )
    return Status(201, _detail(actor, r))


@router.post("/requests/{request_id}/approve", response=RequestDetail)
def request_approve(request: HttpRequest, request_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    r = _call(services.request_approve, actor=actor, request=_get(actor, request_id))
    return _detail(actor, r)


class BrokerIn(Schema):
    provider: str


@router.post("/requests/{request_id}/broker", response=RequestDetail)
def request_broker(request: HttpRequest, request_id: int, payload: BrokerIn) -> dict[str, Any]:
    actor = actor_for(request)
    provider = Agency.objects.filter(code=payload.provider[:40]).first()
    if provider is None:
        raise HttpError(422, "provider: no agency has that code.")
    r = _call(services.request_broker, actor=actor, request=_get(actor, request_id), provider=provider)
    return _detail(actor, r)


class AnswerIn(Schema):
    answer: str
    nominal_ids: list[str] = []
    ocg_ids: list[int] = []
    intelligence_ids: list[int] = []
    expires_in_days: int | None = None


@router.post("/requests/{request_id}/answer", response=RequestDetail)
def request_answer(request: HttpRequest, request_id: int, payload: AnswerIn) -> dict[str, Any]:
    """Answer with text and records the provider holds on the request's subjects (see GET for them)."""
    actor = actor_for(request)
    r = _get(actor, request_id)
    if refusal := policies.response_refusal(actor.user, r):
        raise HttpError(403, refusal)
    options = selectors.answer_options(user=actor.user, req=r)
    by_nominal = {str(n.pk): n for n in options.nominals}
    by_ocg = {o.pk: o for o in options.ocgs}
    by_intel = {i.pk: i for i in options.intelligence}
    unknown = [x for x in payload.nominal_ids if x not in by_nominal]
    unknown += [str(x) for x in payload.ocg_ids if x not in by_ocg]
    unknown += [str(x) for x in payload.intelligence_ids if x not in by_intel]
    if unknown:
        raise HttpError(422, "Not records your agency holds on this request's subjects: " + ", ".join(unknown[:10]))
    r = _call(
        services.request_answer,
        actor=actor,
        request=r,
        answer=payload.answer,
        nominals=[by_nominal[x] for x in payload.nominal_ids],
        ocgs=[by_ocg[x] for x in payload.ocg_ids],
        intelligence=[by_intel[x] for x in payload.intelligence_ids],
        expires_in_days=payload.expires_in_days,
    )
    return _detail(actor, r)


class RefuseIn(Schema):
    reason: str


@router.post("/requests/{request_id}/refuse", response=RequestDetail)
def request_refuse(request: HttpRequest, request_id: int, payload: RefuseIn) -> dict[str, Any]:
    actor = actor_for(request)
    r = _call(services.request_refuse, actor=actor, request=_get(actor, request_id), reason=payload.reason[:2000])
    return _detail(actor, r)


class KnownIn(Schema):
    given_name: str = ""
    surname: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    pnc_id: str = ""
    ni_number: str = ""
    phone: str = ""
    passport: str = ""
    purpose: str
    purpose_detail: str = ""


class KnownHitOut(Schema):
    hit_id: int
    agency: str
    agency_name: str
    contact: str
    match: str
    grading: str | None


class KnownOut(Schema):
    search_id: int
    hits: list[KnownHitOut]


@router.post("/known", response=KnownOut)
def known_search(request: HttpRequest, payload: KnownIn) -> dict[str, Any]:
    """'Is this person known to you?': agencies holding a likely match, their contact, match band and best
    grading; never a record. Raise a request from a hit with ``known_hit_id``."""
    actor = actor_for(request)
    if not policies.can_search_known(actor.user):
        raise HttpError(403, "Your role does not allow this search.")
    purpose = selectors.reference().purpose(payload.purpose)
    if purpose is None:
        raise HttpError(422, "purpose: choose one of " + ", ".join(p.id for p in selectors.reference().purposes))
    data = payload.dict()
    query = _call(
        known.parse_query, data={k: str(data[k])[:100] for k in data if k not in ("purpose", "purpose_detail")}
    )
    detail = payload.purpose_detail.strip()[:300]
    try:
        result = _call(
            known.known_search,
            actor=actor,
            query=query,
            purpose=f"{purpose.label}: {detail}" if detail else purpose.label,
        )
    except known.MatchingUnavailable as exc:
        raise HttpError(503, str(exc)) from exc
    return {
        "search_id": result.search_id,
        "hits": [
            {
                "hit_id": h.hit_id,
                "agency": h.agency_code,
                "agency_name": h.agency_name,
                "contact": h.contact,
                "match": h.band,
                "grading": h.grading or None,
            }
            for h in result.hits
        ],
    }
