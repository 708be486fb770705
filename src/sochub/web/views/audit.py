"""Audit search for administrators, and checking the chain in the background."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.audit.selectors import audit_events_visible_to, can_search_audit
from sochub.intel.validation import clean_date
from sochub.jobs import services as jobs
from sochub.jobs.tasks import verify_audit_chain

from .common import actor_for, current_user, render, signed_in


@signed_in
def audit_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_search_audit(user):
        raise Http404
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("username", "operation", "object_id", "from", "to")}
    errors = []
    dates = {}
    for key in ("from", "to"):
        if params[key]:
            try:
                dates[key] = clean_date(params[key], field=key)
            except ValidationError:
                errors.append({"text": f"Date {key} must be a real date, like 31/01/2026", "href": f"#{key}"})
    if params["operation"] not in Operation.values:
        params["operation"] = ""
    qs = audit_events_visible_to(
        user=user,
        username=params["username"],
        operation=params["operation"],
        object_id=params["object_id"],
        date_from=dates.get("from"),
        date_to=dates.get("to"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this search adds its own row
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="audit_log",
        query=" ".join(f"{k}={v}" for k, v in params.items() if v),
        purpose=actor_for(request).purpose or "self-monitoring of processing (s.62(4)(b))",
    )
    return render(
        request,
        "audit/search.html",
        {
            "page": page,
            "params": params,
            "operations": Operation,
            "errors": errors,
            "jobs": jobs.jobs_visible_to(user).filter(kind="audit_verify")[:5],
        },
    )


@signed_in
@require_POST
def audit_verify_start(request: HttpRequest) -> HttpResponse:
    if not can_search_audit(current_user(request)):
        raise Http404
    job = jobs.job_create(actor=actor_for(request), kind="audit_verify", title="Check the audit chain")
    verify_audit_chain.enqueue(job.pk)
    return redirect("web:job_detail", job_id=job.pk)


@signed_in
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(jobs.jobs_visible_to(current_user(request)), pk=job_id)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})
