"""Risk prioritisation pages: the top-N dashboard, what-if weights, runs and retention reviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.risk import policies, selectors, services, tasks
from sochub.risk.models import PrioritisationRun, RetentionReview, RetentionStatus

from .common import actor_for, current_user, intel_user, purpose_needed, render

COMPONENT_LABELS = {
    "offending": "Offending",
    "intelligence": "Intelligence",
    "network": "Network position",
    "ocg": "OCG membership",
    "markers": "Warning markers",
}


def _consulted(request: HttpRequest, rows: list[selectors.ListedNominal], view: str, run: PrioritisationRun) -> None:
    if rows:  # the list names people: showing it is a consultation
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="nominal",
            object_ids=[r.entry.nominal_id for r in rows],
            detail={"view": view, "prioritisation_run": run.pk},
        )


def _run_context(user: Any, run: PrioritisationRun, rows: list[selectors.ListedNominal]) -> dict[str, Any]:
    components = list(run.weights)
    top_score = max((r.entry.score for r in rows), default=0.0) or 1.0
    return {
        "run": run,
        "rows": rows,
        "components": components,
        "labels": COMPONENT_LABELS,
        "top_score": top_score,
        "can_run": policies.can_run(user),
        "retention_open": selectors.retention_reviews(user=user).count(),
    }


@intel_user
def dashboard(request: HttpRequest) -> HttpResponse:
    """The latest top N of the user's agency, each person's breakdown and stability."""
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    run = selectors.latest_run(user=user)
    if run is None:
        return render(
            request,
            "risk/dashboard.html",
            {"run": None, "can_run": policies.can_run(user), "runs": selectors.runs(user=user)[:5]},
        )
    return redirect("web:risk_run", run_id=run.pk)


@intel_user
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    run = selectors.run_get(user=user, run_id=run_id)
    if run is None:
        raise Http404
    rows = selectors.top_list(user=user, run=run) if run.status == "done" else []
    _consulted(request, rows, "prioritisation", run)
    context = _run_context(user, run, rows)
    context["runs"] = selectors.runs(user=user)[:10]
    context["sliders"] = {c: round(100 * w) for c, w in run.weights.items()}
    return render(request, "risk/dashboard.html", context)


def _weights_from(request: HttpRequest, run: PrioritisationRun) -> tuple[dict[str, float], list[str]]:
    weights, problems = {}, []
    for component, default in run.weights.items():
        raw = request.GET.get(component, "")
        try:
            value = float(raw) if raw != "" else 100 * default
        except ValueError:
            problems.append(f"{COMPONENT_LABELS.get(component, component)}: enter a number from 0 to 100.")
            value = 100 * default
        if not 0 <= value <= 100:
            problems.append(f"{COMPONENT_LABELS.get(component, component)}: enter a number from 0 to 100.")
            value = min(max(value, 0), 100)
        weights[component] = value
    if not any(weights.values()):
        problems.append("At least one weight must be above 0.")
    return weights, problems


@intel_user
def what_if(request: HttpRequest, run_id: int) -> HttpResponse:
    """Re-rank the run's people under other weights. Nothing is stored; the run's own list is unchanged."""
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    run = selectors.run_get(user=user, run_id=run_id)
    if run is None or run.status != "done":
        raise Http404
    weights, problems = _weights_from(request, run)
    rows = [] if problems else selectors.what_if(user=user, run=run, weights=weights, top=run.top)
    _consulted(request, rows, "prioritisation what-if", run)
    total = sum(weights.values()) or 1.0
    context = _run_context(user, run, rows)
    context.update(
        {
            "sliders": {c: round(v) for c, v in weights.items()},
            "shares": {c: v / total for c, v in weights.items()},
            "problems": problems,
            "what_if": True,
        }
    )
    template = "risk/_top_table.html" if request.headers.get("HX-Request") else "risk/dashboard.html"
    context["runs"] = selectors.runs(user=user)[:10]
    return render(request, template, context)


@intel_user
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_run(user):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        run = tasks.prioritise_start(actor=actor_for(request), top=int(request.POST.get("top", "20")))
    except ValueError:
        messages.warning(request, "Enter how many people to list, from 1 to 500.")
        return redirect("web:risk_dashboard")
    assert run.job is not None
    return redirect("web:job_detail", job_id=run.job.pk)


@intel_user
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """Nominals who left the list and score 0: keep (with a reason) or mark for removal."""
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    errors: dict[str, str] = {}
    if request.method == "POST":
        review = selectors.retention_reviews(user=user).filter(pk=request.POST.get("review", "")).first()
        if review is None or not policies.can_run(user):
            raise Http404
        try:
            services.retention_decide(
                actor=actor_for(request),
                review=review,
                keep=request.POST.get("decision") == "keep",
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            errors = {f"reason-{review.pk}": " ".join(exc.messages)}
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "Decision recorded.")
            return redirect("web:risk_retention")
    open_reviews: list[RetentionReview] = list(selectors.retention_reviews(user=user)[:200])
    decided = list(selectors.retention_reviews(user=user, status=RetentionStatus.KEEP)[:20]) + list(
        selectors.retention_reviews(user=user, status=RetentionStatus.REMOVE)[:20]
    )
    names = selectors.names_for(user=user, ids=[r.nominal_id for r in open_reviews + decided])
    if names:
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="nominal",
            object_ids=list(names),
            detail={"view": "retention reviews"},
        )
    return render(
        request,
        "risk/retention.html",
        {
            "open_reviews": open_reviews,
            "decided": decided,
            "names": names,
            "can_decide": policies.can_run(user),
            "errors": errors,
            "error_list": [{"text": m, "href": f"#{k}"} for k, m in errors.items()],
        },
    )
