"""GAIN information exchange: the requests page, making, approving, brokering, answering and refusing a request,
the regional summary, and "Is this person known to you?".

Reads go through ``sochub.exchange.selectors`` (a request the user may not see answers 404); writes through
``sochub.exchange.services`` and ``sochub.exchange.known``, which check the policies and write the audit rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.exchange import known, policies, selectors, services
from sochub.exchange.models import ExchangeRequest, Status
from sochub.intel import policies as intel_policies
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, HandlingCode, IntelligenceRecord, Nominal, Premises
from sochub.intel.services import NotFound
from sochub.partners.models import Agency

from .common import View, actor_for, current_user, error_list, render, signed_in

PAGE_SIZE = 25


def exchange_user(view: View) -> View:
    """Staff who work with intelligence, and agency administrators; anyone else gets 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_use_exchange(current_user(request)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _get_or_404(request: HttpRequest, request_id: int) -> ExchangeRequest:
    req = selectors.request_get(user=current_user(request), request_id=request_id)
    if req is None:
        raise Http404
    return req


@exchange_user
def exchange_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    tab = request.GET.get("tab", "all")
    tab = tab if tab in selectors.TABS else "all"
    counts = selectors.tab_counts(user=user)
    page = Paginator(selectors.requests(user=user, tab=tab), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "exchange/list.html",
        {
            "page": page,
            "tab": tab,
            "tab_label": selectors.TAB_LABELS[tab],
            "tabs": [(t, selectors.TAB_LABELS[t], counts[t]) for t in selectors.TABS if t != "to_broker" or counts[t]],
            "today": today,
            "summaries": [
                (r, selectors.region_request_summary(user=user, region=r)) for r in selectors.regions_for(user)
            ],
            "can_request": policies.can_request(user),
            "can_search": policies.can_search_known(user),
            "qs": f"tab={tab}&",
        },
    )


@exchange_user
def exchange_regions(request: HttpRequest) -> HttpResponse:
    """Per-region counts and lists for GAIN coordinators (others see their own agency's region)."""
    user = current_user(request)
    return render(
        request,
        "exchange/regions.html",
        {
            "summaries": [
                (r, selectors.region_request_summary(user=user, region=r)) for r in selectors.regions_for(user)
            ],
            "today": timezone.localdate(),
        },
    )


def _ids(values: list[str]) -> list[int]:
    out = []
    for v in values[:50]:
        try:
            out.append(int(v))
        except ValueError as exc:
            raise Http404 from exc
    return out


def _subjects(request: HttpRequest, source: Any) -> tuple[list[Nominal], list[OCG], list[Premises]]:
    """The nominals, OCGs and premises named in the form, each one the user may see (else 404)."""
    user = current_user(request)
    nominals = []
    for raw in source.getlist("nominal")[:20]:
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=str(raw)[:64])
        if nominal is None:
            raise Http404
        nominals.append(nominal)
    ocg_ids, premises_ids = _ids(source.getlist("ocg")), _ids(source.getlist("premises"))
    ocgs = list(OCG.objects.filter(pk__in=ocg_ids))
    premises = list(Premises.objects.filter(pk__in=premises_ids))
    if len(ocgs) != len(set(ocg_ids)) or len(premises) != len(set(premises_ids)):
        raise Http404
    return nominals, ocgs, premises


@exchange_user
@require_http_methods(["GET", "POST"])
def exchange_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_request(user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    hit = None
    if source.get("hit"):
        hit = selectors.hit_for_request(user=user, hit_id=_ids([source["hit"]])[0])
        if hit is None:
            raise Http404
    nominals, ocgs, premises = _subjects(request, source)
    if any(not intel_policies.can_view_nominal(user, n) for n in nominals):
        raise Http404
    if ocgs and intel_policies.visible_ocgs(user, OCG.objects.filter(pk__in=[o.pk for o in ocgs])).count() != len(ocgs):
        raise Http404
    if premises and intel_policies.visible_premises(
        user, Premises.objects.filter(pk__in=[p.pk for p in premises])
    ).count() != len(premises):
        raise Http404
    ref = selectors.reference()
    form = {
        "provider": source.get("provider", ""),
        "route": source.get("route", "direct"),
        "question": source.get("question", "")[:5000],
        "purpose": source.get("purpose", ""),
        "legal_basis": source.get("legal_basis", ""),
        "urgency": source.get("urgency", "routine"),
        "handling_code": source.get("handling_code", HandlingCode.P),
        "handling_conditions": source.get("handling_conditions", "")[:2000],
        "subject_description": source.get("subject_description", hit.search.summary if hit else "")[:2000],
    }
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        provider = None
        if hit is None and form["route"] != "coordinator" and form["provider"]:
            provider = selectors.providers_for(user).filter(code=form["provider"][:40]).first()
            if provider is None:
                errors.append({"text": "Choose an agency from the list", "href": "#provider"})
        if not errors:
            try:
                req = services.request_create(
                    actor=actor_for(request),
                    question=form["question"],
                    purpose=form["purpose"],
                    legal_basis=form["legal_basis"],
                    urgency=form["urgency"],
                    handling_code=form["handling_code"],
                    handling_conditions=form["handling_conditions"],
                    provider=provider,
                    via_coordinator=hit is None and form["route"] == "coordinator",
                    nominals=nominals,
                    ocgs=ocgs,
                    premises=premises,
                    subject_description=form["subject_description"],
                    known_hit=hit,
                    submit=request.POST.get("action") != "draft",
                )
            except ValidationError as exc:
                errors = error_list(exc)
            except (PermissionDenied, NotFound) as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    f"Request {req.reference} is saved as a draft."
                    if req.status == Status.DRAFT
                    else f"Request {req.reference} is waiting for approval by a second person in your agency.",
                )
                return redirect("web:exchange_request", request_id=req.pk)
        status = 400
    kind = user.agency.kind if user.agency else ""
    return render(
        request,
        "exchange/form.html",
        {
            "form": form,
            "errors": errors,
            "hit": known.hit_view(hit) if hit else None,
            "hit_id": hit.pk if hit else None,
            "nominals": [(n, selectors.name_of(user=user, nominal=n)) for n in nominals],
            "ocgs": ocgs,
            "premises": premises,
            "providers": selectors.providers_for(user),
            "ref": ref,
            "gateways": ref.gateways_for(kind),
            "agency_kind": kind,
            "has_region": bool(user.agency and user.agency.region_id),
        },
        status=status,
    )


@exchange_user
def exchange_request(request: HttpRequest, request_id: int) -> HttpResponse:
    user = current_user(request)
    try:
        req = services.request_consult(actor=actor_for(request), request_id=request_id)
    except NotFound as exc:
        raise Http404 from exc
    options = selectors.answer_options(user=user, req=req) if policies.response_refusal(user, req) is None else None
    return render(
        request,
        "exchange/detail.html",
        {
            "r": req,
            "today": timezone.localdate(),
            "subjects": selectors.visible_subjects(user=user, req=req),
            "meant": options.meant if options else None,
            "meant_name": selectors.name_of(user=user, nominal=options.meant) if options and options.meant else "",
            "options": options,
            "share_days": selectors.reference().share_days,
            "can_submit": policies.submit_refusal(user, req) is None,
            "can_approve": policies.approval_refusal(user, req) is None,
            "approval_refusal": policies.approval_refusal(user, req)
            if req.status == Status.AWAITING_APPROVAL and req.requesting_agency_id == user.agency_id
            else None,
            "can_broker": policies.broker_refusal(user, req) is None,
            "can_answer": options is not None,
            "can_refuse": policies.refuse_refusal(user, req) is None,
            "can_withdraw": policies.withdraw_refusal(user, req) is None,
            "providers": Agency.objects.filter(status="member").exclude(pk=req.requesting_agency_id).order_by("name"),
            "shares": list(req.shares.select_related("nominal", "ocg", "intelligence"))
            if req.status == Status.ANSWERED
            else [],
            "errors": [],
        },
    )


def _act(request: HttpRequest, request_id: int, step: Callable[[ExchangeRequest], Any], done: str) -> HttpResponse:
    req = _get_or_404(request, request_id)
    try:
        step(req)
    except ValidationError as exc:
        for item in error_list(exc):
            messages.error(request, item["text"])
    except NotFound as exc:
        raise Http404 from exc
    else:
        messages.success(request, done)
    return redirect("web:exchange_request", request_id=req.pk)


@exchange_user
@require_POST
def exchange_submit(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda r: services.request_submit(actor=actor_for(request), request=r),
        "The request is waiting for approval by a second person in your agency.",
    )


@exchange_user
@require_POST
def exchange_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda r: services.request_approve(actor=actor_for(request), request=r),
        "The request is approved and sent.",
    )


@exchange_user
@require_POST
def exchange_broker(request: HttpRequest, request_id: int) -> HttpResponse:
    provider = Agency.objects.filter(code=request.POST.get("provider", "")[:40]).first()

    def step(r: ExchangeRequest) -> Any:
        if provider is None:
            raise ValidationError({"provider": "Choose the agency to ask."})
        return services.request_broker(actor=actor_for(request), request=r, provider=provider)

    return _act(request, request_id, step, "The request is sent to the agency you chose.")


@exchange_user
@require_POST
def exchange_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda r: services.request_refuse(
            actor=actor_for(request), request=r, reason=request.POST.get("reason", "")[:2000]
        ),
        "The request is refused; the requesting agency can see your reason.",
    )


@exchange_user
@require_POST
def exchange_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda r: services.request_withdraw(actor=actor_for(request), request=r),
        "The request is withdrawn.",
    )


@exchange_user
@require_POST
def exchange_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    user = current_user(request)
    req = _get_or_404(request, request_id)
    if policies.response_refusal(user, req) is not None:
        raise PermissionDenied(policies.response_refusal(user, req))
    options = selectors.answer_options(user=user, req=req)
    chosen = set(request.POST.getlist("record")[:200])
    nominals = [n for n in options.nominals if f"nominal:{n.pk}" in chosen]
    intelligence: list[IntelligenceRecord] = [r for r in options.intelligence if f"intelligence:{r.pk}" in chosen]
    ocgs = [o for o in options.ocgs if f"ocg:{o.pk}" in chosen]
    try:
        days = int(request.POST.get("expires_in_days", "") or selectors.reference().share_days.default)
    except ValueError:
        days = -1
    try:
        services.request_answer(
            actor=actor_for(request),
            request=req,
            answer=request.POST.get("answer", "")[:10_000],
            nominals=nominals,
            ocgs=ocgs,
            intelligence=intelligence,
            expires_in_days=days,
        )
    except ValidationError as exc:
        for item in error_list(exc):
            messages.error(request, item["text"])
    except NotFound as exc:
        raise Http404 from exc
    else:
        messages.success(
            request, f"The request is answered; {len(nominals) + len(ocgs) + len(intelligence)} record(s) shared."
        )
    return redirect("web:exchange_request", request_id=req.pk)


KNOWN_FIELDS = ("given_name", "surname", "date_of_birth", "postcode", "pnc_id", "ni_number", "phone", "passport")


@exchange_user
@require_http_methods(["GET", "POST"])
def exchange_known(request: HttpRequest) -> HttpResponse:
    """'Is this person known to you?': which other agencies hold a possible match, and how to reach them."""
    user = current_user(request)
    if not policies.can_search_known(user):
        raise Http404
    ref = selectors.reference()
    form = {k: request.POST.get(k, "")[:100] for k in (*KNOWN_FIELDS, "purpose", "purpose_detail")}
    errors: list[dict[str, str]] = []
    result = None
    status = 200
    if request.method == "POST":
        purpose = ref.purpose(form["purpose"])
        if purpose is None:
            errors.append({"text": "Choose the purpose of the search", "href": "#purpose"})
        try:
            query = known.parse_query({k: form[k] for k in KNOWN_FIELDS})
        except ValidationError as exc:
            errors += error_list(exc)
        if not errors and purpose is not None:
            detail = form["purpose_detail"].strip()
            try:
                result = known.known_search(
                    actor=actor_for(request),
                    query=query,
                    purpose=f"{purpose.label}: {detail}" if detail else purpose.label,
                )
            except ValidationError as exc:
                errors = error_list(exc)
            except known.MatchingUnavailable as exc:
                errors = [{"text": str(exc), "href": "#"}]
        if errors:
            status = 400
    return render(
        request,
        "exchange/known.html",
        {"form": form, "errors": errors, "result": result, "ref": ref, "can_request": policies.can_request(user)},
        status=status,
    )


@exchange_user
def exchange_known_hits(request: HttpRequest) -> HttpResponse:
    """Searches by other agencies that matched people your agency holds (the holder side of the audit)."""
    user = current_user(request)
    qs = selectors.holder_hits(user=user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="known_to_you_hit",
        object_ids=[str(h.nominal_id) for h in page.object_list],
        detail={"view": "known_hits", "hits": [h.pk for h in page.object_list]},
    )
    return render(request, "exchange/known_hits.html", {"page": page, "qs": ""})
