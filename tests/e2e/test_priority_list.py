"""An analyst opens the top 20, reads why someone is there, moves a weight slider and sees the list move.

Runs in Debian's Chromium through Playwright; the what-if table is swapped in by htmx with no page load.
"""

from __future__ import annotations

from typing import Any

import pytest

from sochub.intel.demo import build_demo
from sochub.partners.models import User
from sochub.risk import prioritisation
from tests.e2e.conftest import needs_chromium
from tests.helpers import act

pytestmark = [pytest.mark.e2e, needs_chromium]
PASSWORD = "e2e-priority-list-password-42"


@pytest.mark.django_db(transaction=True)
def test_open_the_top_20_read_why_and_move_a_weight(live_server: Any, browser_page: Any) -> None:
    build_demo(seed=11, nominals=1500, password=PASSWORD)
    analyst = User.objects.get(username="analyst")
    actor = act(analyst, purpose="Operation Liberal: tasking")
    run = prioritisation.run_execute(actor=actor, run=prioritisation.run_create(actor=actor, seed=4, draws=100))

    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", "analyst")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/risk/")
    page.fill("#purpose", "Operation Liberal: tasking")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/risk/runs/{run.pk}/")
    rows = page.locator('[data-testid="top-list"] > tbody > tr')
    assert rows.count() == 20
    first_name = rows.first.locator("td").nth(1).locator("a").inner_text()

    rows.first.get_by_text("Why").click()
    assert "Offending" in rows.first.inner_text()

    # Only network position counts: the list re-orders in place and says who moved.
    for component in run.weights:
        page.locator(f"#w-{component}").fill("100" if component == "network" else "0")
    page.get_by_test_id("whatif-weights").wait_for()
    assert "Network position 100%" in page.get_by_test_id("whatif-weights").inner_text()
    assert page.get_by_test_id("moved").count() == 20
    best = max(e.values.get("network", 0) for e in run.entries.all())
    href = rows.first.locator("td").nth(1).locator("a").get_attribute("href") or ""
    shown_first = run.entries.get(nominal_id=href.strip("/").split("/")[-1])
    assert shown_first.values.get("network", 0) == best > 0 and "/what-if/" in page.url
    assert first_name  # the run's own first is still a click away
    assert not errors, errors
