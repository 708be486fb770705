"""A person signs in, finds a nominal by a misspelt name, gives a purpose, opens the record and sees the audit row.

Runs in Debian's Chromium through Playwright (it cannot download its own browser here).
"""

from __future__ import annotations

from typing import Any

import pytest

from sochub.intel import services as intel
from sochub.partners.models import User
from tests.e2e.conftest import needs_chromium
from tests.helpers import PASSWORD, act

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_sign_in_search_open_and_see_audit(live_server: Any, browser_page: Any, analyst: User) -> None:
    smith = intel.nominal_create(
        actor=act(analyst),
        facts=[
            ("name", "Jonathan Blackwood"),
            ("birth_date", "14/03/1985"),
            ("address", "12 Acacia Road, Manchester, M14 5AB"),
        ],
    )
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/")
    assert "/sign-in/" in page.url
    page.fill("#username", analyst.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Greater Manchester Police" in page.inner_text(".moj-identity-bar")

    page.goto(f"{live_server.url}/nominals/")
    page.fill("#q", "Johnathan Blakwood")
    page.get_by_test_id("search-button").click()
    page.get_by_role("link", name="Jonathan Blackwood").click()

    page.wait_for_url("**/purpose/**")
    page.fill("#purpose", "Operation Juniper: checking links to the Acacia Road address")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/nominals/{smith.pk}/")
    assert page.get_by_test_id("nominal-name").inner_text() == "Jonathan Blackwood"

    page.get_by_role("tab", name="Audit").click()
    audit_table = page.get_by_test_id("audit-table")
    assert "Operation Juniper: checking links to the Acacia Road address" in audit_table.inner_text()
    assert "Consultation" in audit_table.inner_text()
    # GOV.UK Frontend's JavaScript ran (tabs became a tab list) and the page raised no CSP errors.
    assert page.locator(".govuk-tabs__list[role=tablist]").count() == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
