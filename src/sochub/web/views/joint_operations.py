"""Joint operations (nights of action, coordinated raids): the list, planning one, its page with targets, tasks and
outcomes, and its report as a page and a PDF.

Reads go through ``sochub.operations.selectors`` (an operation the user's agency takes no part in answers 404, unless
they coordinate its region); writes through ``sochub.operations.services``, which check the policies and write the
audit rows. The operation's page shows its targets' names (personal data), so it needs a purpose and is logged.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal, Premises
from sochub.intel.services import NotFound
from sochub.operations import policies, report, selectors, services
from sochub.operations.models import (
    JointOperation,
    OperationOutcome,
    OperationStatus,
    OperationTarget,
    OperationTask,
    OutcomeKind,
    ProblemPremises,
    SeizureKind,
    TargetKind,
    TaskStatus,
)
from sochub.partners.models import Agency, AgencyStatus, Region

from .common import actor_for, current_user, error_list, form_date, intel_user, purpose_needed, render

PAGE_SIZE = 25


def _when(day: str, at: str) -> datetime | None:
    d = form_date(day)
    if d is None:
        return None
    try:
        t = time.fromisoformat(at.strip()[:5]) if at.strip() else time(0, 0)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(d, t))


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _get_or_404(request: HttpRequest, operation_id: int) -> JointOperation:
    operation = selectors.operation_get(user=current_user(request), operation_id=operation_id)
    if operation is None:
        raise Http404
    return operation


@intel_user
def operations_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.operations(user=user, status=status, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="joint_operation",
        object_ids=[o.pk for o in page.object_list],
        query=query,
        detail={"view": "operations_list", "status": status if status in OperationStatus.values else ""},
    )
    return render(
        request,
        "operations/list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "statuses": OperationStatus,
            "can_plan": policies.can_plan(user),
            "qs": urlencode({"status": status, "q": query}) + "&",
        },
    )


def _partner_choices(user_agency_id: int | None) -> list[Agency]:
    return list(Agency.objects.exclude(status=AgencyStatus.LEFT).exclude(pk=user_agency_id or 0).order_by("name"))


@intel_user
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_plan(user):
        raise Http404
    post = request.POST
    form: dict[str, Any] = {
        key: post.get(key, "").strip()[:4000]
        for key in ("name", "area", "region", "objective", "start_date", "start_time", "end_date", "end_time")
    }
    if request.method == "GET" and user.agency and user.agency.region_id:
        form["region"] = str(user.agency.region_id)
    agencies = _partner_choices(user.agency_id)
    chosen = {int(v) for v in post.getlist("partners") if v.isdigit()}
    form["partners"] = chosen
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        starts = _when(form["start_date"], form["start_time"])
        if starts is None:
            errors.append({"text": "Enter the date and time the operation starts", "href": "#start_date"})
        ends = None
        if form["end_date"]:
            ends = _when(form["end_date"], form["end_time"])
            if ends is None:
                errors.append({"text": "Enter a valid end date and time, or leave it empty", "href": "#end_date"})
        region = Region.objects.filter(pk=_int(form["region"]) or 0).first() if form["region"] else None
        partners = [a for a in agencies if a.pk in chosen]
        if not errors and starts is not None:
            try:
                operation = services.operation_create(
                    actor=actor_for(request),
                    name=form["name"],
                    starts_at=starts,
                    ends_at=ends,
                    area=form["area"],
                    objective=form["objective"],
                    region=region,
                    partners=partners,
                )
            except ValidationError as exc:
                errors = error_list(exc)
            else:
                messages.success(request, "The operation is planned. Add its targets and tasks.")
                return redirect("web:operation_detail", operation_id=operation.pk)
    return render(
        request,
        "operations/new.html",
        {"form": form, "errors": errors, "agencies": agencies, "regions": Region.objects.order_by("name")},
        status=400 if errors else 200,
    )


def _detail(
    request: HttpRequest, operation: JointOperation, errors: list[dict[str, str]] | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    r = services.operation_consult(actor=actor_for(request), operation=operation, view="operation_detail")
    participants = [operation.lead_agency, *r.partners]
    own_agency = user.agency_id
    return render(
        request,
        "operations/detail.html",
        {
            "r": r,
            "op": operation,
            "errors": errors or [],
            "form": request.POST if errors else {},
            "can_manage": policies.can_manage(user, operation)
            and operation.status not in (OperationStatus.COMPLETED, OperationStatus.CANCELLED),
            "can_record_outcome": policies.can_record_outcome(user, operation),
            "task_updatable": {t.pk for t in r.tasks if policies.can_update_task(user, t)},
            "participants": participants,
            "other_agencies": [
                a for a in _partner_choices(operation.lead_agency_id) if a.pk not in {p.pk for p in participants}
            ],
            "own_agency": own_agency,
            "next_statuses": [OperationStatus(s) for s in services.STATUS_MOVES[operation.status]],
            "target_kinds": TargetKind,
            "task_statuses": TaskStatus,
            "outcome_kinds": OutcomeKind,
            "seizure_kinds": SeizureKind,
            "today": timezone.localdate(),
        },
        status=status,
    )


@intel_user
def operation_detail(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _get_or_404(request, operation_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    return _detail(request, operation)


def _target_subject(request: HttpRequest, kind: str, ref: str) -> dict[str, Any]:
    """The target named in the form, as a keyword for ``target_add`` (NotFound when the user cannot see it)."""
    user = current_user(request)
    if kind == TargetKind.NOMINAL:
        nominal: Nominal | None = intel_selectors.nominal_resolve(user=user, nominal_id=ref[:64])
        if nominal is None:
            raise NotFound
        return {"nominal": nominal}
    pk = _int(ref)
    if pk is None:
        raise ValidationError({"ref": "Enter the number of the OCG, premises or problem premises."})
    if kind == TargetKind.OCG:
        ocg = OCG.objects.filter(pk=pk).first()
        if ocg is None:
            raise NotFound
        return {"ocg": ocg}
    if kind == TargetKind.PREMISES:
        premises = Premises.objects.filter(pk=pk).first()
        if premises is None:
            raise NotFound
        return {"premises": premises}
    if kind == TargetKind.PROBLEM_PREMISES:
        pp = ProblemPremises.objects.filter(pk=pk).first()
        if pp is None:
            raise NotFound
        return {"problem_premises": pp}
    raise ValidationError({"kind": "Choose what kind of target it is."})


def _write(request: HttpRequest, operation_id: int, action: str, item_id: int | None = None) -> HttpResponse:
    operation = _get_or_404(request, operation_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    post, actor = request.POST, actor_for(request)
    try:
        if action == "target":
            subject = _target_subject(request, post.get("kind", ""), post.get("ref", "").strip())
            services.target_add(actor=actor, operation=operation, note=post.get("note", "")[:500], **subject)
            done = "Target added."
        elif action == "partner":
            agency = Agency.objects.filter(pk=_int(post.get("agency", "")) or 0).first()
            if agency is None:
                raise ValidationError({"agency": "Choose the agency to add."})
            services.operation_partner_add(actor=actor, operation=operation, agency=agency)
            done = f"{agency.name} added as a partner."
        elif action == "task":
            agency = Agency.objects.filter(pk=_int(post.get("agency", "")) or 0).first()
            if agency is None:
                raise ValidationError({"task_agency": "Choose the agency the task is for."})
            due = form_date(post.get("due", "")) if post.get("due", "").strip() else None
            if post.get("due", "").strip() and due is None:
                raise ValidationError({"due": "Enter a valid due date, or leave it empty."})
            services.task_add(
                actor=actor,
                operation=operation,
                agency=agency,
                description=post.get("description", "")[:2000],
                assigned_to=post.get("assigned_to", "")[:200],
                due=due,
            )
            done = "Task added."
        elif action == "task_status":
            task = (
                OperationTask.objects.filter(pk=item_id or 0, operation=operation).select_related("operation").first()
            )
            if task is None:
                raise Http404
            services.task_update(actor=actor, task=task, status=post.get("status", ""))
            done = "Task updated."
        elif action == "outcome":
            done = _record_outcome(request, operation)
        elif action == "returned":
            outcome = OperationOutcome.objects.filter(pk=item_id or 0, operation=operation).first()
            if outcome is None:
                raise Http404
            returned = form_date(post.get("returned_on", ""))
            if returned is None:
                raise ValidationError({"returned_on": "Enter the date the property was returned."})
            services.outcome_returned(actor=actor, outcome=outcome, returned_on=returned)
            done = "Return to the owner recorded."
        else:
            services.operation_status_set(actor=actor, operation=operation, status=post.get("status", ""))
            done = "Status changed."
    except NotFound as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _detail(request, operation, error_list(exc), status=400)
    except PermissionDenied as exc:
        return _detail(request, operation, [{"text": str(exc), "href": "#"}], status=403)
    messages.success(request, done)
    return redirect("web:operation_detail", operation_id=operation.pk)


def _record_outcome(request: HttpRequest, operation: JointOperation) -> str:
    post = request.POST
    errors: dict[str, str] = {}
    occurred = form_date(post.get("occurred_on", ""))
    if occurred is None:
        errors["occurred_on"] = "Enter the date of the outcome."
    quantity = _int(post.get("quantity", "1") or "1")
    if quantity is None:
        errors["quantity"] = "Enter how many, as a whole number, like 2."
    value: Decimal | None = None
    raw_value = post.get("estimated_value", "").strip().replace(",", "").lstrip("£")
    if raw_value:
        try:
            value = Decimal(raw_value[:20])
        except InvalidOperation:
            errors["estimated_value"] = "Enter the estimated value in pounds, like 1500.00."
    returned = None
    if post.get("returned_on", "").strip():
        returned = form_date(post.get("returned_on", ""))
        if returned is None:
            errors["returned_on"] = "Enter a valid return date, or leave it empty."
    target: OperationTarget | None = None
    if post.get("target", "").strip():
        target = operation.targets.filter(pk=_int(post.get("target", "")) or 0).first()
        if target is None:
            errors["target"] = "Choose a target of this operation."
    if errors:
        raise ValidationError(errors)
    assert occurred is not None and quantity is not None
    services.outcome_record(
        actor=actor_for(request),
        operation=operation,
        kind=post.get("kind", ""),
        occurred_on=occurred,
        quantity=quantity,
        seizure_kind=post.get("seizure_kind", ""),
        description=post.get("description", "")[:500],
        estimated_value=value,
        target=target,
        owner_identified=post.get("owner_identified") == "yes",
        returned_on=returned,
    )
    return "Outcome recorded."


@intel_user
@require_POST
def operation_target_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    return _write(request, operation_id, "target")


@intel_user
@require_POST
def operation_partner_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    return _write(request, operation_id, "partner")


@intel_user
@require_POST
def operation_task_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    return _write(request, operation_id, "task")


@intel_user
@require_POST
def operation_task_update(request: HttpRequest, operation_id: int, task_id: int) -> HttpResponse:
    return _write(request, operation_id, "task_status", task_id)


@intel_user
@require_POST
def operation_outcome_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    return _write(request, operation_id, "outcome")


@intel_user
@require_POST
def operation_outcome_returned(request: HttpRequest, operation_id: int, outcome_id: int) -> HttpResponse:
    return _write(request, operation_id, "returned", outcome_id)


@intel_user
@require_POST
def operation_status(request: HttpRequest, operation_id: int) -> HttpResponse:
    return _write(request, operation_id, "status")


@intel_user
def operation_report(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _get_or_404(request, operation_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    r = services.operation_consult(actor=actor_for(request), operation=operation, view="operation_report")
    user = current_user(request)
    return render(
        request,
        "operations/report.html",
        report.report_context(r, prepared_by=user.get_full_name() or user.username),
    )


@intel_user
def operation_report_pdf(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = _get_or_404(request, operation_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    r = services.operation_export(actor=actor_for(request), operation=operation, fmt="pdf")
    user = current_user(request)
    response = HttpResponse(
        report.report_pdf(r, prepared_by=user.get_full_name() or user.username), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.report_filename(r)}"'
    return response
