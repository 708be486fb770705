"""Imports (upload, map, import, rejects) and record linkage (resolution runs, review, reversal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import yaml
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import imports as engine
from sochub.linkage import policies, resolution, selectors, services, tasks
from sochub.linkage.models import (
    CandidatePair,
    Decision,
    ImportBatch,
    ImportKind,
    ImportStatus,
    SourceRecord,
)
from sochub.partners.models import Agency

from .common import actor_for, current_user, error_list, intel_user, purpose_needed, render

PAGE_SIZE = 25
PREVIEW_ROWS = 10

# What the side-by-side table shows for each record, in order: (label, value key).
PAIR_FIELDS = (
    ("Date of birth", "dob"),
    ("Gender", "gender"),
    ("Postcode", "postcode"),
    ("Address", "address"),
    ("PNC ID", "pnc_id"),
    ("National Insurance number", "ni_number"),
    ("Phone", "phone"),
)


def _batch_or_404(request: HttpRequest, batch_id: int) -> ImportBatch:
    return get_object_or_404(selectors.batches_for(current_user(request)), pk=batch_id)


# Imports --------------------------------------------------------------------------------------


@intel_user
def import_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(selectors.batches_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/import_list.html",
        {"page": page, "can_import": policies.importable_agencies(user).exists()},
    )


@intel_user
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Importing personal data is a collection: the audit row needs its purpose."""
    user = current_user(request)
    agencies = list(policies.importable_agencies(user).order_by("name"))
    if not agencies:
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    source = request.POST if request.method == "POST" else request.GET
    form = {
        "kind": source.get("kind", "") if source.get("kind", "") in ImportKind.values else "",
        "agency": source.get("agency", "") or (user.agency.code if user.agency else ""),
        "sheet": source.get("sheet", "").strip()[:100],
    }
    context: dict[str, Any] = {"agencies": agencies, "kinds": ImportKind, "form": form}
    if request.method == "GET":
        return render(request, "linkage/import_new.html", context)

    errors: list[dict[str, str]] = []
    if not form["kind"]:
        errors.append({"text": "Choose what the file holds", "href": "#kind"})
    agency = Agency.objects.filter(code=form["agency"]).first() if form["agency"] else None
    if agency is None:
        errors.append({"text": "Choose which agency the file comes from", "href": "#agency"})
    upload = request.FILES.get("file")
    if upload is None:
        errors.append({"text": "Choose a CSV or Excel file to import", "href": "#file"})
    status = 400
    if not errors:
        assert agency is not None and upload is not None
        try:
            batch = services.import_upload(
                actor=actor_for(request),
                agency=agency,
                kind=form["kind"],
                file_name=upload.name or "upload",
                chunks=upload.chunks(),
                sheet=form["sheet"],
            )
        except ValidationError as exc:
            errors = error_list(exc)
        except PermissionDenied as exc:
            errors = [{"text": str(exc) or f"You may not import files for {agency.name}.", "href": "#agency"}]
            status = 403
        else:
            return redirect("web:import_mapping", batch_id=batch.pk)
    context["errors"] = errors
    return render(request, "linkage/import_new.html", context, status=status)


def _mapping_from_form(
    request: HttpRequest, batch: ImportBatch, headers: list[str], base: engine.Mapping | None
) -> tuple[str, list[dict[str, str]]]:
    """The YAML the form describes, and any fields the person still has to fill in."""
    errors: list[dict[str, str]] = []
    columns: dict[str, str] = {}
    defaults = dict(base.defaults) if base else {}
    for spec in engine.FIELDS[batch.kind]:
        column = request.POST.get(f"col-{spec.name}", "")
        if column:
            columns[spec.name] = column
        elif spec.required and not defaults.get(spec.name, "").strip():
            errors.append({"text": f"Choose the column that holds {spec.label.lower()}", "href": f"#col-{spec.name}"})
    source_key = [h for h in request.POST.getlist("source_key") if h]
    date_formats = [line.strip() for line in request.POST.get("date_formats", "").splitlines() if line.strip()]
    data: dict[str, Any] = {
        "name": request.POST.get("save_as", "").strip()[:100] or (base.name if base else ""),
        "kind": batch.kind,
        "source_key": source_key,
        "columns": columns,
        "date_formats": date_formats,
        "value_maps": dict(base.value_maps) if base else {},
        "defaults": defaults,
    }
    if batch.sheet:
        data["sheet"] = batch.sheet
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True), errors


@intel_user
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = current_user(request)
    batch = _batch_or_404(request, batch_id)
    if not policies.can_import_for(user, batch.agency):
        raise Http404
    if batch.status != ImportStatus.DRAFT:
        return redirect("web:import_detail", batch_id=batch.pk)
    try:
        headers, rows = engine.preview(Path(batch.stored_path), sheet=batch.sheet or None, rows=PREVIEW_ROWS)
    except engine.TableError as exc:
        return render(
            request,
            "linkage/import_mapping.html",
            {"batch": batch, "unreadable": str(exc), "errors": [{"text": str(exc), "href": "#"}]},
            status=400,
        )
    audit.record(  # the preview shows personal data as the agency sent it
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="import",
        object_ids=[batch.pk],
        detail={"preview_rows": len(rows), "file": batch.file_name},
    )
    headers = [str(h) for h in headers]
    saved = list(selectors.mappings_for(user, batch.kind))
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((m for m in saved if str(m.pk) == source.get("saved", "")), None)
    errors: list[dict[str, str]] = []
    mapping: Any = None
    if chosen is not None:
        try:
            mapping = engine.load_mapping(chosen.yaml)
        except engine.MappingError as exc:
            errors.append({"text": f"The saved mapping ‘{chosen.name}’ cannot be used: {exc}", "href": "#saved"})
    if mapping is None:
        mapping = engine.guess_mapping(batch.kind, headers)
    advanced = request.POST.get("mapping_yaml", "").strip() if request.method == "POST" else ""
    save_as = request.POST.get("save_as", "").strip() if request.method == "POST" else ""

    if request.method == "POST" and not errors:
        form_errors: list[dict[str, str]] = []
        if advanced:
            mapping_yaml = advanced
        else:
            mapping_yaml, form_errors = _mapping_from_form(request, batch, headers, mapping if chosen else None)
        errors = form_errors
        if not errors:
            actor = actor_for(request)
            try:
                with transaction.atomic():
                    services.import_set_mapping(actor=actor, batch=batch, mapping_yaml=mapping_yaml)
                    if save_as:
                        services.mapping_save(
                            actor=actor, agency=batch.agency, kind=batch.kind, name=save_as, mapping_yaml=mapping_yaml
                        )
                tasks.import_start(actor=actor, batch=batch)
            except ValidationError as exc:
                errors = error_list(exc)
                if advanced:  # the YAML box is what the person has to fix
                    errors = [{**e, "href": "#mapping_yaml" if e["href"] == "#mapping" else e["href"]} for e in errors]
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                return redirect("web:import_detail", batch_id=batch.pk)
        # Show the person what they chose, not the starting point.
        if not advanced:
            try:
                mapping = engine.load_mapping(mapping_yaml)
            except engine.MappingError:
                mapping = _posted_choices(request, batch, mapping)

    try:
        generated = engine.dump_mapping(mapping)
    except Exception:
        generated = ""
    specs = engine.FIELDS[batch.kind]
    return render(
        request,
        "linkage/import_mapping.html",
        {
            "batch": batch,
            "headers": headers,
            "rows": [_row_cells(r, headers) for r in rows],
            "specs": specs,
            "mapping": mapping,
            "key_columns": _key_columns(mapping),
            "saved": saved,
            "chosen": chosen,
            "generated": generated,
            "advanced": advanced,
            "save_as": save_as[:100],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _key_columns(mapping: Any) -> list[str]:
    if mapping.source_key:
        return list(mapping.source_key)
    column = mapping.columns.get("source_key")
    return [column] if column else []


def _posted_choices(request: HttpRequest, batch: ImportBatch, base: Any) -> Any:
    """The form's choices as an unchecked mapping, so a refused form keeps what was chosen."""
    columns = {
        spec.name: request.POST[f"col-{spec.name}"]
        for spec in engine.FIELDS[batch.kind]
        if request.POST.get(f"col-{spec.name}")
    }
    return base.model_copy(
        update={
            "columns": columns,
            "source_key": [h for h in request.POST.getlist("source_key") if h],
            "date_formats": [x.strip() for x in request.POST.get("date_formats", "").splitlines() if x.strip()],
        }
    )


def _row_cells(row: Any, headers: list[str]) -> list[str]:
    if isinstance(row, dict):
        return ["" if row.get(h) is None else str(row.get(h)) for h in headers]
    return ["" if v is None else str(v) for v in row]


@intel_user
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    template = "linkage/_batch_status.html" if request.headers.get("HX-Request") else "linkage/import_detail.html"
    can_import = policies.can_import_for(current_user(request), batch.agency)
    return render(
        request,
        template,
        {"batch": batch, "job": batch.job, "mapping_yaml": batch.mapping_yaml, "can_import": can_import},
    )


@intel_user
def import_rejects(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The rows that did not import, each with the reason, as CSV. A disclosure: needs a purpose."""
    batch = _batch_or_404(request, batch_id)
    if not batch.rejects_path:
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        path = services.rejects_download(actor=actor_for(request), batch=batch)
    except PermissionDenied as exc:
        raise Http404 from exc
    if not path.is_file():
        raise Http404
    stem = Path(batch.file_name).stem or "import"
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"rejects-{stem}.csv", content_type="text/csv; charset=utf-8"
    )
    return cast(HttpResponse, response)  # streamed; the decorators only pass it through


# Resolution -----------------------------------------------------------------------------------


@intel_user
def resolution_overview(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    can_resolve = policies.can_resolve(user)
    changes = list(selectors.changes_for(user).select_related("from_nominal", "to_nominal")[:25])
    return render(
        request,
        "linkage/resolution.html",
        {
            "runs": list(selectors.runs()[:20]),
            "can_resolve": can_resolve,
            "waiting": selectors.review_queue(user).count() if can_resolve else 0,
            "elsewhere": selectors.review_waiting_elsewhere(user),
            "changes": [(c, can_resolve and resolution.reversible(c)) for c in changes],
        },
    )


@intel_user
@require_POST
def resolution_start(request: HttpRequest) -> HttpResponse:
    try:
        job = tasks.resolution_start(actor=actor_for(request), retrain=bool(request.POST.get("retrain")))
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("web:resolution")
    return redirect("web:job_detail", job_id=job.pk)


@intel_user
def review_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_resolve(user):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    queue = selectors.review_queue(user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if page.object_list:  # the queue names people from both records: a consultation
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="source_record",
            object_ids=[i for p in page.object_list for i in (p.record_l_id, p.record_r_id)],
            detail={"view": "review_queue"},
        )
    return render(
        request,
        "linkage/review_queue.html",
        {"page": page, "total": page.paginator.count, "elsewhere": selectors.review_waiting_elsewhere(user)},
    )


def _record_rows(left: SourceRecord, right: SourceRecord) -> list[dict[str, Any]]:
    def value(record: SourceRecord, key: str) -> str:
        v = record.values.get(key)
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        return "" if v is None else str(v)

    rows: list[dict[str, Any]] = [{"label": "Name", "l": left.display_name, "r": right.display_name}]
    rows += [{"label": label, "l": value(left, key), "r": value(right, key)} for label, key in PAIR_FIELDS]
    rows.append({"label": "Agency", "l": left.agency.name, "r": right.agency.name})
    rows.append(
        {
            "label": "File and row",
            "l": left.origin,
            "r": right.origin,
        }
    )
    for row in rows[1 : 1 + len(PAIR_FIELDS)]:
        row["differs"] = bool(row["l"] and row["r"] and row["l"].casefold() != row["r"].casefold())
    return rows


@intel_user
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = current_user(request)
    if not policies.can_resolve(user):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    actor = actor_for(request)
    try:
        pair = selectors.pair_consult(actor=actor, pair_id=pair_id)
    except CandidatePair.DoesNotExist as exc:
        raise Http404 from exc
    errors: list[dict[str, str]] = []
    decision = request.POST.get("decision", "") if request.method == "POST" else ""
    reason = request.POST.get("reason", "")[:1000] if request.method == "POST" else ""
    if request.method == "POST":
        if decision not in Decision.values:
            errors.append({"text": "Choose same person, different people or not sure", "href": "#decision"})
        elif decision != Decision.SAME and not reason.strip():
            errors.append({"text": "Say why you think so: the reason is kept with your decision", "href": "#reason"})
        if not errors:
            try:
                resolution.judgement_record(actor=actor, pair=pair, decision=decision, reason=reason)
            except ValidationError as exc:
                errors = [
                    {**e, "href": "#decision" if e["href"] == "#decision" else "#reason"} for e in error_list(exc)
                ]
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    f"Your decision is saved: {Decision(decision).label.lower()} "
                    f"({pair.record_l.display_name} and {pair.record_r.display_name}).",
                )
                following = selectors.review_queue(user).exclude(pk=pair.pk).first()
                if following is not None:
                    return redirect("web:review_pair", pair_id=following.pk)
                return redirect("web:review_queue")
    return render(
        request,
        "linkage/review_pair.html",
        {
            "pair": pair,
            "rows": _record_rows(pair.record_l, pair.record_r),
            "judgements": list(selectors.judgements_for(pair)),
            "decisions": Decision,
            "decision": decision,
            "reason": reason,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@intel_user
@require_http_methods(["GET", "POST"])
def change_reverse(request: HttpRequest, change_id: int) -> HttpResponse:
    user = current_user(request)
    if not policies.can_resolve(user):
        raise Http404
    change = get_object_or_404(selectors.changes_for(user).select_related("from_nominal", "to_nominal"), pk=change_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    errors: list[dict[str, str]] = []
    status = 200
    reason = request.POST.get("reason", "")[:1000] if request.method == "POST" else ""
    if request.method == "POST":
        try:
            resolution.change_reverse(actor=actor_for(request), change=change, reason=reason)
        except ValidationError as exc:
            errors = [{**e, "href": "#reason"} for e in error_list(exc)]
            status = 400
        except PermissionDenied as exc:
            errors = [{"text": str(exc) or "You cannot reverse this change.", "href": "#reason"}]
            status = 403
        else:
            messages.success(request, "The change is reversed: the records are back where they were.")
            return redirect("web:resolution")
    return render(
        request,
        "linkage/change_reverse.html",
        {"change": change, "reversible": resolution.reversible(change), "reason": reason, "errors": errors},
        status=status,
    )
