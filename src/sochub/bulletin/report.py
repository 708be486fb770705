"""The edition as a PDF: the same contents as the web page, rendered with autoescaping by WeasyPrint offline
(``sochub.profiles.report.render_report_pdf``: no base URL, only ``data:`` URIs fetched). The edition's title reaches
the stylesheet only through ``css_string``, so no text can break out of it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from sochub.profiles.report import css_string, render_report_pdf

from . import selectors
from .models import Edition


def edition_pdf(edition: Edition) -> bytes:
    sections = selectors.edition_contents(edition)
    html = render_to_string(
        "bulletin/edition_pdf.html",
        {
            "edition": edition,
            "sections": sections,
            "header_css": css_string(f"Partnership bulletin {edition.title}"),
            "generated": timezone.localtime(),
        },
    )
    return render_report_pdf(html)


def edition_filename(edition: Edition) -> str:
    return f"partnership-bulletin-{edition.issue_number}-{edition.season.lower()}-{edition.year}.pdf"
