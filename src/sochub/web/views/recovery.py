"""Asset recovery: the deadlines dashboard, cash seizures with detention orders and cash forfeiture notices,
account freezing orders with account forfeiture notices, notice outcomes, confiscation orders with payments,
time to pay and compliance orders, and totals by agency, region and period with a CSV export.

Reads go through ``sochub.recovery.selectors`` (a record of another agency answers 404); writes through
``sochub.recovery.services``, which apply the POCA engine and write the audit rows. A record naming a
nominal is personal data: opening it needs a purpose and is logged as a consultation of that nominal.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import recovery as engine
from sochub.engine.imports import escape_cell
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal
from sochub.recovery import policies, selectors, services
from sochub.recovery.models import (
    AccountFreezingOrder,
    CashSeizure,
    ConfiscationOrder,
    ConfiscationStatus,
    FreezingOrderStatus,
    Nation,
    NoticeKind,
    NoticeOutcome,
    SeizureStatus,
)

from .common import (
    actor_for,
    current_user,
    error_list,
    form_date,
    intel_user,
    purpose_needed,
    render,
    required_form_date,
)


def long_datetime(moment: datetime) -> str:
    """A moment as people read it: "Monday 23 November 2026 at 10:00" (local time)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{engine.long_date(local)} at {local:%H:%M}"


DATES = {"long_date": engine.long_date, "long_datetime": long_datetime}
"""Date formatters every recovery page uses."""


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**DATES, **context}, status=status)


def _months(post: Any, field: str, what: str = "the number of months") -> int:
    raw = post.get(field, "").strip()
    if not raw.isdigit() or len(raw) > 3:
        raise ValidationError({field: f"Enter {what} as a whole number."})
    return int(raw)


def _money(post: Any, field: str, what: str, *, required: bool = True) -> Decimal | None:
    raw = post.get(field, "").strip()[:30].replace(",", "").lstrip("£")
    if not raw:
        if required:
            raise ValidationError({field: f"Enter the {what} in pounds, like 2500.00."})
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError({field: f"Enter the {what} in pounds, like 2500.00."}) from None
    if not value.is_finite():
        raise ValidationError({field: f"Enter the {what} in pounds, like 2500.00."})
    return value


def _errors(exc: ValidationError | PermissionDenied) -> list[dict[str, str]]:
    if isinstance(exc, PermissionDenied):
        return [{"text": str(exc), "href": "#"}]
    return error_list(exc)


def _subjects(request: HttpRequest, form: dict[str, str]) -> tuple[Nominal | None, OCG | None, list[dict[str, str]]]:
    """The nominal and OCG a form names by id, if the user may see them."""
    user = current_user(request)
    errors: list[dict[str, str]] = []
    nominal: Nominal | None = None
    if form.get("nominal"):
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=form["nominal"][:64])
        if nominal is None:
            errors.append({"text": "No nominal you can see has that id", "href": "#nominal"})
    ocg: OCG | None = None
    if form.get("ocg"):
        raw = form["ocg"]
        ocg = intel_selectors.ocg_get(user=user, ocg_id=int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if ocg is None:
            errors.append({"text": "No OCG you can see has that id", "href": "#ocg"})
    return nominal, ocg, errors


def _consult_nominal(request: HttpRequest, nominal_id: Any, view: str, record_id: int) -> None:
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=[str(nominal_id)],
        detail={"view": view, "record": record_id},
    )


def _form(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: request.POST.get(key, "").strip()[:200] for key in keys}


# Dashboard --------------------------------------------------------------------------------------------


@intel_user
def recovery_dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year = timezone.localdate().year
    return _page(
        request,
        "recovery/dashboard.html",
        {
            "deadlines": selectors.deadlines(user=user),
            "totals": selectors.totals_table(
                user=user, period="year", group="agency", start=date(year, 1, 1), end=date(year, 12, 31)
            ),
            "measures": selectors.MEASURES,
            "year": year,
            "can_record": policies.can_record(user),
            "freezing_orders": list(selectors.freezing_orders(user=user)[:20]),
            "confiscations": list(selectors.confiscations(user=user)[:20]),
            "seizures": list(selectors.seizures(user=user)[:20]),
        },
    )


# Cash seizures ----------------------------------------------------------------------------------------


def _get_or_404(request: HttpRequest, seizure_id: int) -> CashSeizure:
    seizure = selectors.seizure_get(user=current_user(request), seizure_id=seizure_id)
    if seizure is None:
        raise Http404
    return seizure


@intel_user
@require_http_methods(["GET", "POST"])
def seizure_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    form = _form(request, ("amount", "seized_on", "seized_time", "nation", "place", "officer", "nominal", "ocg"))
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
        day = form_date(form["seized_on"])
        if day is None:
            errors.append({"text": "Enter the date of seizure", "href": "#seized_on"})
        try:
            at = time.fromisoformat(form["seized_time"])
        except ValueError:
            at = None
            errors.append({"text": "Enter the time of seizure, like 14:30", "href": "#seized_time"})
        nominal, ocg, found = _subjects(request, form)
        errors += found
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
            except (ValidationError, PermissionDenied) as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Seizure recorded.")
                return redirect("web:recovery_seizure", seizure.pk)
    return _page(
        request,
        "recovery/seizure_new.html",
        {"form": form, "errors": errors, "nations": Nation},
        status=400 if errors else 200,
    )


def _detail(request: HttpRequest, seizure: CashSeizure, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    user = current_user(request)
    show_nominal = policies.shows_nominal(user, seizure.nominal)
    if show_nominal:
        _consult_nominal(request, seizure.nominal_id, "cash_seizure", seizure.pk)
    return _page(
        request,
        "recovery/seizure_detail.html",
        {
            "s": seizure,
            "show_nominal": show_nominal,
            "show_ocg": policies.shows_ocg(user, seizure.ocg),
            "orders": list(seizure.orders.all()),
            "notices": list(seizure.notices.all()),
            "can_write": policies.can_write(user, seizure) and seizure.status == SeizureStatus.DETAINED,
            "errors": errors or [],
            "form": request.POST,
            "statuses": [s for s in SeizureStatus if s != SeizureStatus.DETAINED],
            "minimum_days": selectors.rules().value("acfn_objection_min_days"),
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
            granted = form_date(post.get("granted_on", ""))
            months = post.get("months", "").strip()
            if granted is None or not months.isdigit() or len(months) > 3:
                raise ValidationError({"granted_on": "Enter the date the order was granted and its months."})
            services.detention_order_add(
                actor=actor, seizure=seizure, granted_on=granted, months=int(months), court=post.get("court", "")
            )
            done = "Detention order added."
        elif action == "notice":
            given = required_form_date(post, "given_on", "the date the notice was given")
            days = (
                _months(post, "objection_days", "the objection period in days") if post.get("objection_days") else None
            )
            services.notice_give(
                actor=actor,
                kind=NoticeKind.ACFN,
                given_on=given,
                seizure=seizure,
                amount=_money(post, "amount", "amount to be forfeited", required=False),
                objection_days=days,
            )
            done = "Notice recorded."
        else:
            services.seizure_close(
                actor=actor, seizure=seizure, status=post.get("status", ""), reason=post.get("reason", "")
            )
            done = "Seizure closed."
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, seizure, _errors(exc))
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


# Account freezing orders ------------------------------------------------------------------------------


def _afo_or_404(request: HttpRequest, order_id: int) -> AccountFreezingOrder:
    order = selectors.freezing_order_get(user=current_user(request), order_id=order_id)
    if order is None:
        raise Http404
    return order


@intel_user
@require_http_methods(["GET", "POST"])
def afo_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    form = _form(
        request, ("bank", "sort_code", "account_ending", "amount", "made_on", "months", "court", "nominal", "ocg")
    )
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        nominal, ocg, errors = _subjects(request, form)
        if not errors:
            try:
                order = services.freezing_order_record(
                    actor=actor_for(request),
                    bank=form["bank"],
                    sort_code=form["sort_code"],
                    account_ending=form["account_ending"],
                    amount=_money(request.POST, "amount", "amount frozen"),
                    made_on=required_form_date(request.POST, "made_on", "the date the order was made"),
                    months=_months(request.POST, "months"),
                    court=form["court"],
                    nominal=nominal,
                    ocg=ocg,
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Account freezing order recorded.")
                return redirect("web:recovery_afo", order.pk)
    return _page(
        request,
        "recovery/afo_new.html",
        {"form": form, "errors": errors, "max_months": selectors.rules().value("afo_max_months")},
        status=400 if errors else 200,
    )


def _afo_page(
    request: HttpRequest, order: AccountFreezingOrder, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    user = current_user(request)
    show_nominal = policies.shows_nominal(user, order.nominal)
    if show_nominal:
        _consult_nominal(request, order.nominal_id, "account_freezing_order", order.pk)
    return _page(
        request,
        "recovery/afo_detail.html",
        {
            "o": order,
            "show_nominal": show_nominal,
            "show_ocg": policies.shows_ocg(user, order.ocg),
            "notices": list(order.notices.all()),
            "can_write": policies.can_write(user, order) and order.status == FreezingOrderStatus.IN_FORCE,
            "errors": errors or [],
            "form": request.POST,
            "statuses": [s for s in FreezingOrderStatus if s != FreezingOrderStatus.IN_FORCE],
            "minimum_days": selectors.rules().value("afn_objection_min_days"),
        },
        status=400 if errors else 200,
    )


@intel_user
def afo_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _afo_or_404(request, order_id)
    if order.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    return _afo_page(request, order)


def _afo_write(request: HttpRequest, order_id: int, action: Callable[[AccountFreezingOrder], str]) -> HttpResponse:
    order = _afo_or_404(request, order_id)
    if not policies.can_write(current_user(request), order):
        raise Http404
    try:
        done = action(order)
    except (ValidationError, PermissionDenied) as exc:
        return _afo_page(request, order, _errors(exc))
    messages.success(request, done)
    return redirect("web:recovery_afo", order.pk)


@intel_user
@require_POST
def afo_notice(request: HttpRequest, order_id: int) -> HttpResponse:
    post = request.POST

    def give(order: AccountFreezingOrder) -> str:
        days = _months(post, "objection_days", "the objection period in days") if post.get("objection_days") else None
        services.notice_give(
            actor=actor_for(request),
            kind=NoticeKind.AFN,
            given_on=required_form_date(post, "given_on", "the date the notice was given"),
            freezing_order=order,
            amount=_money(post, "amount", "amount to be forfeited"),
            objection_days=days,
        )
        return "Account forfeiture notice recorded."

    return _afo_write(request, order_id, give)


@intel_user
@require_POST
def afo_end(request: HttpRequest, order_id: int) -> HttpResponse:
    post = request.POST

    def end(order: AccountFreezingOrder) -> str:
        services.freezing_order_end(
            actor=actor_for(request),
            order=order,
            status=post.get("status", ""),
            ended_on=required_form_date(post, "ended_on", "the date"),
            reason=post.get("reason", ""),
        )
        return "Freezing order updated."

    return _afo_write(request, order_id, end)


# Notice outcomes --------------------------------------------------------------------------------------


@intel_user
@require_http_methods(["GET", "POST"])
def notice_outcome(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = current_user(request)
    notice = selectors.notice_get(user=user, notice_id=notice_id)
    if notice is None or not policies.can_write(user, notice):
        raise Http404
    back = (
        ("web:recovery_seizure", notice.seizure_id)
        if notice.seizure_id
        else ("web:recovery_afo", notice.freezing_order_id)
    )
    form = _form(request, ("outcome", "decided_on", "note"))
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            services.notice_outcome_record(
                actor=actor_for(request),
                notice=notice,
                outcome=form["outcome"],
                decided_on=required_form_date(request.POST, "decided_on", "the date of the outcome"),
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect(*back)
    r = selectors.rules()
    return _page(
        request,
        "recovery/notice_outcome.html",
        {
            "n": notice,
            "back": back,
            "form": form,
            "errors": errors,
            "pending": notice.outcome == NoticeOutcome.PENDING,
            "outcomes": r.notice_outcomes,
        },
        status=400 if errors else 200,
    )


# Confiscation orders ----------------------------------------------------------------------------------


def _confiscation_or_404(request: HttpRequest, order_id: int) -> ConfiscationOrder:
    order = selectors.confiscation_get(user=current_user(request), order_id=order_id)
    if order is None:
        raise Http404
    return order


@intel_user
@require_http_methods(["GET", "POST"])
def confiscation_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    form = _form(request, ("nominal", "court", "made_on", "amount", "benefit", "available_amount", "time_to_pay"))
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        nominal, _, errors = _subjects(request, form)
        if not form["nominal"]:
            errors.append({"text": "Enter the id of the nominal the order was made against", "href": "#nominal"})
        if not errors and nominal is not None:
            post = request.POST
            try:
                order = services.confiscation_record(
                    actor=actor_for(request),
                    nominal=nominal,
                    court=form["court"],
                    made_on=required_form_date(post, "made_on", "the date the order was made"),
                    amount=_money(post, "amount", "amount ordered"),
                    time_to_pay_months=_months(post, "time_to_pay", "the time to pay in months")
                    if form["time_to_pay"]
                    else 0,
                    benefit=_money(post, "benefit", "benefit figure", required=False),
                    available_amount=_money(post, "available_amount", "available amount", required=False),
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = _errors(exc)
            else:
                messages.success(request, "Confiscation order recorded.")
                return redirect("web:recovery_confiscation", order.pk)
    r = selectors.rules()
    return _page(
        request,
        "recovery/confiscation_new.html",
        {
            "form": form,
            "errors": errors,
            "initial_max": r.value("time_to_pay_initial_max_months"),
            "total_max": r.value("time_to_pay_total_max_months"),
        },
        status=400 if errors else 200,
    )


def _confiscation_page(
    request: HttpRequest, order: ConfiscationOrder, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    user = current_user(request)
    show_nominal = policies.shows_nominal(user, order.nominal)
    if show_nominal:
        _consult_nominal(request, order.nominal_id, "confiscation_order", order.pk)
    r = selectors.rules()
    paid = selectors.amount_paid(order)
    compliance = list(order.compliance_orders.all())
    return _page(
        request,
        "recovery/confiscation_detail.html",
        {
            "o": order,
            "show_nominal": show_nominal,
            "paid": paid,
            "owed": order.amount - paid,
            "payments": list(order.payments.all()),
            "compliance": [(c, r.compliance_order.kind_label(c.kind) or c.kind) for c in compliance],
            "kinds": r.compliance_order.kinds,
            "must_consider": r.compliance_order.must_consider,
            "compliance_source": r.compliance_order.source,
            "can_write": policies.can_write(user, order),
            "outstanding": order.status == ConfiscationStatus.OUTSTANDING,
            "overdue": order.status == ConfiscationStatus.OUTSTANDING and timezone.localdate() > order.due_on,
            "total_max": r.value("time_to_pay_total_max_months"),
            "errors": errors or [],
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


@intel_user
def confiscation_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _confiscation_or_404(request, order_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    return _confiscation_page(request, order)


def _confiscation_write(
    request: HttpRequest, order_id: int, action: Callable[[ConfiscationOrder], str]
) -> HttpResponse:
    order = _confiscation_or_404(request, order_id)
    if not policies.can_write(current_user(request), order):
        raise Http404
    try:
        done = action(order)
    except (ValidationError, PermissionDenied) as exc:
        order.refresh_from_db()
        return _confiscation_page(request, order, _errors(exc))
    messages.success(request, done)
    return redirect("web:recovery_confiscation", order.pk)


@intel_user
@require_POST
def confiscation_payment(request: HttpRequest, order_id: int) -> HttpResponse:
    post = request.POST

    def pay(order: ConfiscationOrder) -> str:
        services.confiscation_payment_add(
            actor=actor_for(request),
            order=order,
            amount=_money(post, "amount", "amount paid"),
            paid_on=required_form_date(post, "paid_on", "the date of payment"),
            note=post.get("note", ""),
        )
        return "Payment recorded."

    return _confiscation_write(request, order_id, pay)


@intel_user
@require_POST
def confiscation_extend(request: HttpRequest, order_id: int) -> HttpResponse:
    def extend(order: ConfiscationOrder) -> str:
        services.confiscation_extend(
            actor=actor_for(request), order=order, months=_months(request.POST, "months", "the time to pay in months")
        )
        return "Time to pay extended."

    return _confiscation_write(request, order_id, extend)


@intel_user
@require_POST
def confiscation_default(request: HttpRequest, order_id: int) -> HttpResponse:
    def default(order: ConfiscationOrder) -> str:
        services.confiscation_default(actor=actor_for(request), order=order, note=request.POST.get("default_note", ""))
        return "Order marked in default."

    return _confiscation_write(request, order_id, default)


@intel_user
@require_POST
def compliance_add(request: HttpRequest, order_id: int) -> HttpResponse:
    post = request.POST

    def add(order: ConfiscationOrder) -> str:
        services.compliance_order_add(
            actor=actor_for(request),
            confiscation=order,
            kind=post.get("kind", "")[:40],
            made_on=required_form_date(post, "made_on", "the date the compliance order was made"),
            terms=post.get("terms", ""),
            review_on=required_form_date(post, "review_on", "the date the order is to be reviewed"),
        )
        return "Compliance order recorded."

    return _confiscation_write(request, order_id, add)


@intel_user
@require_POST
def compliance_review(request: HttpRequest, order_id: int, compliance_id: int) -> HttpResponse:
    post = request.POST

    def review(order: ConfiscationOrder) -> str:
        found = order.compliance_orders.filter(pk=compliance_id).first()
        if found is None:
            raise Http404
        discharged = post.get("discharged") == "yes"
        services.compliance_order_review(
            actor=actor_for(request),
            order=found,
            next_review_on=None if discharged else form_date(post.get("next_review_on", "")),
            discharged_on=required_form_date(post, "discharged_on", "the date of discharge") if discharged else None,
        )
        return "Compliance order discharged." if discharged else "Next review date recorded."

    return _confiscation_write(request, order_id, review)


# Totals -----------------------------------------------------------------------------------------------


def _totals_query(request: HttpRequest) -> dict[str, Any]:
    period = request.GET.get("period", "month")
    group = request.GET.get("group", "agency")
    return {
        "period": period if period in selectors.PERIODS else "month",
        "group": group if group in selectors.GROUPS else "agency",
        "start": form_date(request.GET.get("from", "")),
        "end": form_date(request.GET.get("to", "")),
    }


@intel_user
def totals(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    q = _totals_query(request)
    rows = selectors.totals_table(user=user, **q)
    grand = {m: sum((r[m] for r in rows), Decimal(0)) for m in selectors.MEASURES}
    return _page(
        request,
        "recovery/totals.html",
        {
            "rows": rows,
            "grand": grand,
            "measures": selectors.MEASURES,
            "periods": selectors.PERIODS,
            "groups": selectors.GROUPS,
            "q": q,
            "start": q["start"].isoformat() if q["start"] else "",
            "end": q["end"].isoformat() if q["end"] else "",
            "coordinator": user.coordinator_region_id is not None,
            "query": urlencode(
                {
                    "period": q["period"],
                    "group": q["group"],
                    "from": q["start"].isoformat() if q["start"] else "",
                    "to": q["end"].isoformat() if q["end"] else "",
                }
            ),
        },
    )


@intel_user
def totals_csv(request: HttpRequest) -> HttpResponse:
    """The totals as CSV, marked OFFICIAL at top and bottom as exports must be; the export is audited."""
    q = _totals_query(request)
    rows = services.totals_export(actor=actor_for(request), **q)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="OFFICIAL-asset-recovery-totals.csv"'
    writer = csv.writer(response)
    columns = ["region", "agency", q["period"]] if q["group"] == "agency" else ["region", q["period"]]
    writer.writerow(["OFFICIAL"])
    writer.writerow(columns + [f"{m}_pounds" for m in selectors.MEASURES] + [f"{m}_count" for m in selectors.MEASURES])
    for r in rows:
        writer.writerow(
            [escape_cell(str(r[c])) for c in columns]
            + [f"{r[m]:.2f}" for m in selectors.MEASURES]
            + [r[f"{m}_count"] for m in selectors.MEASURES]
        )
    writer.writerow(["OFFICIAL"])
    return response
