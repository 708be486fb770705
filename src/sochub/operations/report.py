"""Files made from operations: the joint operation report as a PDF, and the monthly coordination list as CSV.

The PDF is rendered from the same report body as the web page, with autoescaping on, by WeasyPrint offline
(``sochub.profiles.report.render_report_pdf``: no base URL, only ``data:`` URIs fetched). The protective
marking goes in every page's margins through ``css_string`` so no user text can break out of the stylesheet.
CSV cells that look like formulas are escaped (``escape_cell``) so a spreadsheet never runs them.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from sochub.engine.imports.cells import escape_cell
from sochub.profiles.report import css_string, render_report_pdf

from .selectors import CoordinationEntry, OperationReport

MARKING = "OFFICIAL-SENSITIVE"
CSV_MARKING = "OFFICIAL-SENSITIVE"


def report_context(
    report: OperationReport, *, prepared_by: str, generated: datetime | None = None
) -> dict[str, object]:
    generated = timezone.localtime(generated or timezone.now())
    return {
        "r": report,
        "op": report.operation,
        "marking": MARKING,
        "marking_css": css_string(MARKING),
        "header_css": css_string(report.operation.name[:80]),
        "prepared_by": prepared_by,
        "generated": generated,
    }


def report_pdf(report: OperationReport, *, prepared_by: str, generated: datetime | None = None) -> bytes:
    html = render_to_string(
        "operations/report_pdf.html", report_context(report, prepared_by=prepared_by, generated=generated)
    )
    return render_report_pdf(html)


def report_filename(report: OperationReport) -> str:
    op = report.operation
    return f"{MARKING}-operation-{op.pk}-report-{timezone.localtime(op.starts_at):%Y%m%d}.pdf"


COORDINATION_COLUMNS = (
    "rank",
    "premises",
    "address",
    "postcode",
    "area",
    "recording_agency",
    "risk_level",
    "risk_reasons",
    "licence_status",
    "licensing_authority",
    "last_visit",
    "days_since_visit",
    "open_actions",
)


def coordination_csv(entries: list[CoordinationEntry], *, month: str) -> str:
    """The list as CSV, marked at top and bottom; no owner or manager names (they stay behind the intel rules)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([CSV_MARKING])
    writer.writerow([f"Problem premises coordination list, {month}"])
    writer.writerow(COORDINATION_COLUMNS)
    for e in entries:
        pp = e.premises
        writer.writerow(
            [
                e.rank,
                escape_cell(pp.name),
                escape_cell(pp.premises.address),
                escape_cell(pp.premises.postcode),
                escape_cell(pp.area),
                escape_cell(pp.agency.name),
                pp.get_risk_level_display(),
                escape_cell(pp.risk_reasons),
                pp.get_licence_status_display(),
                escape_cell(pp.licensing_authority),
                e.last_visit.isoformat() if e.last_visit else "",
                "" if e.days_since_visit is None else e.days_since_visit,
                e.open_actions,
            ]
        )
    writer.writerow([CSV_MARKING])
    return out.getvalue()
