"""In Chromium: an officer refers a fraud victim through the form and sees the priority and the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting
from sochub.protect.models import VictimCase
from tests.e2e.conftest import needs_chromium
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_an_officer_refers_a_victim_and_sees_the_priority_and_timeline(live_server: Any, browser_page: Any) -> None:
    gmp = Agency.objects.create(
        code="gmp", name="Greater Manchester Police", kind=AgencyKind.LAW_ENFORCEMENT,
        region=Region.objects.get(code="north-west"),
    )  # fmt: skip
    officer = User(username="pc_lead", agency=gmp, roles=[Role.OFFICER], vetting=Vetting.NPPV1)
    officer.set_password(PASSWORD)
    officer.save()
    today = timezone.localdate()
    birth = date(today.year - 83, 5, 17)
    page = browser_page
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", "pc_lead")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Protect").first.click()
    page.get_by_role("link", name="Refer a victim").first.click()
    page.get_by_label("Full name").fill("Margaret Thompson")
    page.locator("#birth_date-day").fill(str(birth.day))
    page.locator("#birth_date-month").fill(str(birth.month))
    page.locator("#birth_date-year").fill(str(birth.year))
    page.get_by_label("Address").fill("4 Elm Grove, Manchester")
    page.get_by_label("Postcode").fill("M14 5AB")
    page.get_by_label("Type of fraud").select_option("courier")
    fraud_day = today - timedelta(days=1)
    page.locator("#occurred_on-day").fill(str(fraud_day.day))
    page.locator("#occurred_on-month").fill(str(fraud_day.month))
    page.locator("#occurred_on-year").fill(str(fraud_day.year))
    page.get_by_label("Amount lost").fill("4500")
    page.get_by_label("How it was reported").select_option("999")
    page.get_by_label("Lives alone").check()
    page.get_by_label("Courier fraud, or someone pretending to be the police or the bank").check()
    page.get_by_label("Who referred the person").select_option("call_handler")
    page.get_by_role("button", name="Refer and open the case").click()
    page.wait_for_url("**/victims/*/")
    assert page.get_by_role("heading", name="Margaret Thompson").is_visible()
    assert page.get_by_test_id("priority").first.inner_text() == "High priority"
    timeline = page.get_by_test_id("timeline")
    assert timeline.is_visible() and "Referred: High priority" in timeline.inner_text()
    case = VictimCase.objects.get()
    assert case.priority == "high" and case.lead == officer
    # No inline styles or scripts were refused by the CSP on the way.
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
