"""Asset recovery: the deadlines dashboard with totals, recording a cash seizure, and a seizure's page with
its detention orders and forfeiture notices.

Reads go through ``sochub.recovery.selectors`` (a seizure of another agency answers 404); writes through
``sochub.recovery.services``, which apply the POCA engine and write the audit rows. A seizure linked to a
nominal is personal data: opening it needs a purpose and is logged as a consultation of that nominal.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal
from sochub.recovery import policies, selectors, services
from sochub.recovery.models import CashSeizure, Nation, NoticeKind, SeizureStatus

from .common import actor_for, current_user, error_list, intel_user, purpose_needed, render


def _get_or_404(request: HttpRequest, seizure_id: int) -> CashSeizure:
    seizure = selectors.seizure_get(user=current_user(request), seizure_id=seizure_id)
    if seizure is None:
        raise Http404
    return seizure


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@intel_user
def recovery_dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "recovery/dashboard.html",
        {
            "deadlines": selectors.deadlines(user=user),
            "totals": selectors.totals(user=user),
            "can_record": policies.can_record(user),
        },
    )


@intel_user
@require_http_methods(["GET", "POST"])
def seizure_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    post = request.POST
    form = {
        key: post.get(key, "").strip()[:200]
        for key in ("amount", "seized_on", "seized_time", "nation", "place", "officer", "nominal", "ocg")
    }
    form["nation"] = form["nation"] or Nation.ENGLAND_WALES
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        amount: Decimal | None = None
        try:
            parsed = Decimal(form["amount"].replace(",", "").lstrip("£"))
            if parsed.is_finite() and 0 < parsed < Decimal("1e12"):
                amount = parsed
        except InvalidOperation:
            pass
        if amount is None:
            errors.append({"text": "Enter the amount seized in pounds, like 2500.00", "href": "#amount"})
        day = _date(form["seized_on"])
        if day is None:
            errors.append({"text": "Enter the date of seizure", "href": "#seized_on"})
        try:
            at = time.fromisoformat(form["seized_time"])
        except ValueError:
            at = None
            errors.append({"text": "Enter the time of seizure, like 14:30", "href": "#seized_time"})
        nominal: Nominal | None = None
        if form["nominal"]:
            nominal = intel_selectors.nominal_resolve(user=user, nominal_id=form["nominal"][:64])
            if nominal is None:
                errors.append({"text": "No nominal you can see has that id", "href": "#nominal"})
        ocg: OCG | None = None
        if form["ocg"]:
            found = intel_selectors.ocg_get(user=user, ocg_id=int(form["ocg"])) if form["ocg"].isdigit() else None
            if found is None:
                errors.append({"text": "No OCG you can see has that id", "href": "#ocg"})
            ocg = found
        if not errors and amount is not None and day is not None and at is not None:
            try:
                seizure = services.seizure_record(
                    actor=actor_for(request),
                    amount=amount,
                    seized_at=timezone.make_aware(datetime.combine(day, at)),
                    nation=form["nation"],
                    place=form["place"],
                    officer=form["officer"],
                    nominal=nominal,
                    ocg=ocg,
                )
            except ValidationError as exc:
                errors = error_list(exc)
            except PermissionDenied as exc:
                errors = [{"text": str(exc), "href": "#"}]
            else:
                messages.success(request, "Seizure recorded.")
                return redirect("web:recovery_seizure", seizure.pk)
    return render(
        request,
        "recovery/seizure_new.html",
        {"form": form, "errors": errors, "nations": Nation},
        status=400 if errors else 200,
    )


def _detail(request: HttpRequest, seizure: CashSeizure, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    user = current_user(request)
    if seizure.nominal_id:
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="nominal",
            object_ids=[str(seizure.nominal_id)],
            detail={"view": "cash_seizure", "seizure": seizure.pk},
        )
    return render(
        request,
        "recovery/seizure_detail.html",
        {
            "s": seizure,
            "orders": list(seizure.orders.all()),
            "notices": list(seizure.notices.all()),
            "can_write": policies.can_write(user, seizure) and seizure.status == SeizureStatus.DETAINED,
            "errors": errors or [],
            "form": request.POST,
            "statuses": [s for s in SeizureStatus if s != SeizureStatus.DETAINED],
            "kinds": NoticeKind,
        },
        status=400 if errors else 200,
    )


@intel_user
def seizure_detail(request: HttpRequest, seizure_id: int) -> HttpResponse:
    seizure = _get_or_404(request, seizure_id)
    if seizure.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    return _detail(request, seizure)


def _write(request: HttpRequest, seizure_id: int, action: str) -> HttpResponse:
    seizure = _get_or_404(request, seizure_id)
    if not policies.can_write(current_user(request), seizure):
        raise Http404
    post, actor = request.POST, actor_for(request)
    try:
        if action == "order":
            granted = _date(post.get("granted_on", ""))
            months = post.get("months", "").strip()
            if granted is None or not months.isdigit():
                raise ValidationError({"granted_on": "Enter the date the order was granted and its months."})
            services.detention_order_add(
                actor=actor, seizure=seizure, granted_on=granted, months=int(months), court=post.get("court", "")
            )
            done = "Detention order added."
        elif action == "notice":
            given = _date(post.get("given_on", ""))
            if given is None:
                raise ValidationError({"given_on": "Enter the date the notice was given."})
            services.notice_give(actor=actor, kind=NoticeKind.ACFN, given_on=given, seizure=seizure)
            done = "Notice recorded."
        else:
            services.seizure_close(
                actor=actor, seizure=seizure, status=post.get("status", ""), reason=post.get("reason", "")
            )
            done = "Seizure closed."
    except ValidationError as exc:
        return _detail(request, seizure, error_list(exc))
    except PermissionDenied as exc:
        return _detail(request, seizure, [{"text": str(exc), "href": "#"}])
    messages.success(request, done)
    return redirect("web:recovery_seizure", seizure.pk)


@intel_user
@require_POST
def seizure_order(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _write(request, seizure_id, "order")


@intel_user
@require_POST
def seizure_notice(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _write(request, seizure_id, "notice")


@intel_user
@require_POST
def seizure_close(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _write(request, seizure_id, "close")
