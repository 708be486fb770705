"""The linkage issue's "done when", in a real browser: a GAIN coordinator imports two agencies'
files with deliberate errors, downloads the rejects, fixes and re-imports them, runs resolution,
works through the review queue and finds one nominal built from both agencies' records."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from sochub.intel.models import Nominal
from sochub.linkage.demo_files import write_partner_files
from sochub.linkage.models import SourceRecord
from sochub.partners.models import Region, Role
from tests.e2e.conftest import needs_chromium
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, needs_chromium]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def import_file(page: Any, base: str, path: Path, agency: str) -> str:
    page.goto(f"{base}/imports/new/")
    page.get_by_label("Nominals (people)").check()
    page.select_option("#agency", label=agency)
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_url("**/mapping/")
    assert page.get_by_test_id("preview").is_visible()
    page.get_by_role("button", name="Import rows").click()
    page.get_by_test_id("batch-counts").wait_for()
    return page.get_by_test_id("batch-counts").inner_text()


@pytest.mark.django_db(transaction=True)
def test_two_agencies_files_become_one_nominal(
    live_server: Any,
    browser_page: Any,
    make_user: Any,
    tmp_path: Path,
) -> None:
    coordinator = make_user("coordinator", "gmp", (Role.COORDINATOR, Role.ANALYST))
    coordinator.coordinator_region = Region.objects.get(code="north-west")
    coordinator.save()
    files = write_partner_files(tmp_path, people=120, shared=50)
    page, base = browser_page, live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/sign-in/")
    page.fill("#username", coordinator.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/purpose/?next=/imports/")
    page.fill("#purpose", "Operation Kestrel: resolving North West partner records")
    page.get_by_role("button", name="Continue").click()

    with override_settings(TASKS=IMMEDIATE_TASKS):
        counts = import_file(page, base, files.gmp, "Greater Manchester Police")
        assert "Rejected" in counts and "3" in counts
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the rejected rows").click()
        rejects = tmp_path / "rejects.csv"
        download.value.save_as(rejects)
        with rejects.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert {r["Record ID"] for r in rows} == set(files.bad_gmp_refs)
        assert all(r["rejection_reasons"] for r in rows)
        for r in rows:  # the analyst fixes each row
            r["Date of birth"] = "1980-06-15" if r["Date of birth"].endswith("-31") else r["Date of birth"]
            r["PNC ID"] = "" if len(r["PNC ID"]) < 9 else r["PNC ID"]
            r["Surname"] = r["Surname"] or "Okafor"
        fixed = tmp_path / "gmp-fixed.csv"
        with fixed.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        counts = import_file(page, base, fixed, "Greater Manchester Police")
        assert "New" in counts or "Landed" in counts
        assert SourceRecord.objects.filter(agency__code="gmp").count() == sum(1 for k in files.truth if k[:4] == "gmp:")
        import_file(page, base, files.mersey, "Merseyside Police")

        page.goto(f"{base}/resolution/")
        page.get_by_role("button", name="Run resolution").click()
        page.wait_for_url("**/jobs/**")
        page.get_by_text("Done").first.wait_for()

    page.goto(f"{base}/resolution/review/")
    if page.get_by_test_id("review-queue").count():
        page.get_by_test_id("review-queue").get_by_role("link").first.click()
        assert page.get_by_test_id("waterfall").first.is_visible()
        page.get_by_label("Same person").check()
        page.get_by_role("button", name="Save and go to the next pair").click()
        page.get_by_text("Success").first.wait_for()

    both = Counter(n for n, _ in set(SourceRecord.objects.values_list("nominal_id", "agency__code")))
    nominal = Nominal.objects.get(pk=next(n for n, c in both.items() if c == 2))
    page.goto(f"{base}/nominals/{nominal.pk}/")
    sources = page.get_by_test_id("nominal-sources")
    text = sources.inner_text()
    assert "Greater Manchester Police" in text and "Merseyside Police" in text
    assert "linked by the model" in text.lower() or "Linked by" in text
    assert sources.get_by_test_id("waterfall-table").count() >= 1
    assert not errors, errors
