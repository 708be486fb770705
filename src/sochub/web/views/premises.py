"""The problem premises register: the list, adding premises, a premises' page with its visits and actions, and the
monthly coordination list (printable, and as CSV).

Reads go through ``sochub.operations.selectors`` (premises the user's agency may not see answer 404; see
``sochub.operations.policies`` for the rule); writes through ``sochub.operations.services``. The owner's and
manager's names show only to users the intelligence rules let see them; a premises' page needs a purpose.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import Nominal, Premises, PremisesKind
from sochub.intel.services import NotFound
from sochub.operations import policies, report, selectors, services
from sochub.operations.models import (
    ActionKind,
    ActionStatus,
    LicenceStatus,
    PremisesAction,
    ProblemPremises,
    RiskLevel,
    VisitKind,
)
from sochub.partners.models import Region

from .common import (
    PURPOSE_SESSION_KEY,
    actor_for,
    current_user,
    error_list,
    form_date,
    intel_user,
    purpose_needed,
    render,
)

PAGE_SIZE = 25


def _get_or_404(request: HttpRequest, premises_id: int) -> ProblemPremises:
    pp = selectors.problem_premises_get(user=current_user(request), premises_id=premises_id)
    if pp is None:
        raise Http404
    return pp


def _filters(request: HttpRequest) -> tuple[Region | None, str, dict[str, str]]:
    code = request.GET.get("region", "").strip()[:40]
    region = Region.objects.filter(code=code).first() if code else None
    area = request.GET.get("area", "").strip()[:200]
    return region, area, {"region": region.code if region else "", "area": area}


@intel_user
def premises_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    region, area, params = _filters(request)
    risk = request.GET.get("risk", "")
    qs = selectors.problem_premises(user=user, region=region, area=area)
    if risk in RiskLevel.values:
        qs = qs.filter(risk_level=risk)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="problem_premises",
        object_ids=[pp.pk for pp in page.object_list],
        detail={"view": "premises_list", **params, "risk": risk if risk in RiskLevel.values else ""},
    )
    return render(
        request,
        "premises/list.html",
        {
            "page": page,
            "regions": Region.objects.order_by("name"),
            "filters": params,
            "risk": risk,
            "risk_levels": RiskLevel,
            "can_register": policies.can_register_premises(user),
            "qs": urlencode({**params, "risk": risk}) + "&",
        },
    )


def _nominal(user: Any, raw: str, field: str, errors: list[dict[str, str]]) -> Nominal | None:
    if not raw:
        return None
    found = intel_selectors.nominal_resolve(user=user, nominal_id=raw[:64])
    if found is None:
        errors.append({"text": "No nominal you can see has that id", "href": f"#{field}"})
    return found


@intel_user
@require_http_methods(["GET", "POST"])
def premises_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_register_premises(user):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    post = request.POST
    form = {
        key: post.get(key, "").strip()[:2000]
        for key in (
            "existing",
            "address",
            "postcode",
            "kind",
            "name",
            "area",
            "owner",
            "manager",
            "licence_status",
            "licensing_authority",
            "risk_level",
            "risk_reasons",
        )
    }
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        premises: Premises | None = None
        if form["existing"]:
            premises = Premises.objects.filter(pk=int(form["existing"])).first() if form["existing"].isdigit() else None
            if premises is None:
                errors.append({"text": "No premises you can see has that number", "href": "#existing"})
        owner = _nominal(user, form["owner"], "owner", errors)
        manager = _nominal(user, form["manager"], "manager", errors)
        if not errors:
            try:
                pp = services.problem_premises_register(
                    actor=actor_for(request),
                    premises=premises,
                    address=form["address"],
                    postcode=form["postcode"],
                    kind=form["kind"],
                    name=form["name"],
                    area=form["area"],
                    owner=owner,
                    manager=manager,
                    licence_status=form["licence_status"],
                    licensing_authority=form["licensing_authority"],
                    risk_level=form["risk_level"],
                    risk_reasons=form["risk_reasons"],
                )
            except NotFound:
                errors = [{"text": "No premises or nominal you can see has that reference", "href": "#existing"}]
            except ValidationError as exc:
                errors = error_list(exc)
            else:
                messages.success(request, "The premises are on the register.")
                return redirect("web:premises_detail", premises_id=pp.pk)
    return render(
        request,
        "premises/new.html",
        {
            "form": form,
            "errors": errors,
            "kinds": PremisesKind,
            "licences": LicenceStatus,
            "risk_levels": RiskLevel,
        },
        status=400 if errors else 200,
    )


def _detail(
    request: HttpRequest, pp: ProblemPremises, errors: list[dict[str, str]] | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    pp, people = services.problem_premises_consult(actor=actor_for(request), problem_premises=pp)
    actions = selectors.premises_actions(problem_premises=pp)
    operations = [
        t.operation
        for t in pp.operation_targets.select_related("operation")
        if policies.participates(user, t.operation)
    ]
    return render(
        request,
        "premises/detail.html",
        {
            "pp": pp,
            "people": people,
            "visits": selectors.premises_visits(problem_premises=pp),
            "actions": actions,
            "action_updatable": {a.pk for a in actions if policies.can_update_action(user, a)},
            "operations": [o for o in selectors.operations(user=user) if policies.participates(user, o)][:50],
            "targeted_by": operations,
            "can_add": policies.can_add_to_premises(user, pp),
            "can_change": policies.can_change_premises(user, pp),
            "visit_kinds": VisitKind,
            "action_kinds": ActionKind,
            "action_statuses": ActionStatus,
            "licences": LicenceStatus,
            "risk_levels": RiskLevel,
            "errors": errors or [],
            "form": request.POST if errors else {},
        },
        status=status,
    )


@intel_user
def premises_detail(request: HttpRequest, premises_id: int) -> HttpResponse:
    pp = _get_or_404(request, premises_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    return _detail(request, pp)


def _write(request: HttpRequest, premises_id: int, action: str, item_id: int | None = None) -> HttpResponse:
    pp = _get_or_404(request, premises_id)
    post, actor = request.POST, actor_for(request)
    try:
        if action == "visit":
            visited = form_date(post.get("visited_on", ""))
            if visited is None:
                raise ValidationError({"visited_on": "Enter the date of the visit."})
            operation = None
            if post.get("operation", "").strip():
                op_id = post.get("operation", "").strip()
                operation = (
                    selectors.operation_get(user=current_user(request), operation_id=int(op_id))
                    if op_id.isdigit() and len(op_id) < 10
                    else None
                )
                if operation is None:
                    raise ValidationError({"operation": "Choose an operation your agency is taking part in."})
            services.visit_record(
                actor=actor,
                problem_premises=pp,
                visited_on=visited,
                kind=post.get("kind", ""),
                findings=post.get("findings", "")[:4000],
                officers=post.get("officers", "")[:300],
                operation=operation,
            )
            done = "Visit recorded."
        elif action == "action":
            started = form_date(post.get("started_on", ""))
            if started is None:
                raise ValidationError({"started_on": "Enter the date the action started."})
            due = form_date(post.get("due_on", "")) if post.get("due_on", "").strip() else None
            services.action_record(
                actor=actor,
                problem_premises=pp,
                kind=post.get("kind", ""),
                started_on=started,
                due_on=due,
                detail=post.get("detail", "")[:1000],
            )
            done = "Action recorded."
        elif action == "action_status":
            found = PremisesAction.objects.filter(pk=item_id or 0, problem_premises=pp).first()
            if found is None:
                raise Http404
            closed = form_date(post.get("closed_on", "")) if post.get("closed_on", "").strip() else None
            services.action_update(actor=actor, action=found, status=post.get("status", ""), closed_on=closed)
            done = "Action updated."
        else:
            services.problem_premises_update(
                actor=actor,
                problem_premises=pp,
                risk_level=post.get("risk_level", ""),
                risk_reasons=post.get("risk_reasons", "")[:2000],
                licence_status=post.get("licence_status", ""),
                active=post.get("active", "yes") == "yes",
            )
            done = "Risk and licence position updated."
    except NotFound as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _detail(request, pp, error_list(exc), status=400)
    except PermissionDenied as exc:
        return _detail(request, pp, [{"text": str(exc), "href": "#"}], status=403)
    messages.success(request, done)
    return redirect("web:premises_detail", premises_id=pp.pk)


@intel_user
@require_POST
def premises_visit_add(request: HttpRequest, premises_id: int) -> HttpResponse:
    return _write(request, premises_id, "visit")


@intel_user
@require_POST
def premises_action_add(request: HttpRequest, premises_id: int) -> HttpResponse:
    return _write(request, premises_id, "action")


@intel_user
@require_POST
def premises_action_update(request: HttpRequest, premises_id: int, action_id: int) -> HttpResponse:
    return _write(request, premises_id, "action_status", action_id)


@intel_user
@require_POST
def premises_review(request: HttpRequest, premises_id: int) -> HttpResponse:
    return _write(request, premises_id, "review")


@intel_user
def premises_coordination(request: HttpRequest) -> HttpResponse:
    """This month's list of premises to target, ranked; printable (the page's print style sheet)."""
    region, area, params = _filters(request)
    entries = services.coordination_consult(actor=actor_for(request), region=region, area=area)
    today = timezone.localdate()
    return render(
        request,
        "premises/coordination.html",
        {
            "entries": entries,
            "regions": Region.objects.order_by("name"),
            "filters": params,
            "region": region,
            "month": f"{today:%B %Y}",
            "qs": urlencode(params),
        },
    )


@intel_user
def premises_coordination_csv(request: HttpRequest) -> HttpResponse:
    region, area, _ = _filters(request)
    if not request.session.get(PURPOSE_SESSION_KEY):
        return redirect(f"{reverse('web:purpose')}?{urlencode({'next': request.get_full_path()})}")
    entries = services.coordination_consult(actor=actor_for(request), region=region, area=area, export="csv")
    today = timezone.localdate()
    response = HttpResponse(
        report.coordination_csv(entries, month=f"{today:%B %Y}"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report.CSV_MARKING}-problem-premises-coordination-{today:%Y-%m}.csv"'
    )
    return response
