"""The partnership pages of issue 7 in Chromium, checked with axe-core for serious or critical accessibility
problems and for browser errors (a CSP refusal of an inline style or script shows as one): the GAIN regional
dashboard, information requests and "is this person known to you?", a joint operation and its report, the
problem premises register and coordination list, disruptions and asset recovery."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sochub.exchange import services as exchange
from sochub.partners.models import User
from sochub.recovery import services as recovery
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_self_assessment import AXE, _serious, browser
from tests.helpers import PASSWORD, act
from tests.operations.test_joint_operations import full_night, world

pytestmark = [pytest.mark.e2e, needs_chromium]
__all__ = ["browser", "world"]


@pytest.mark.django_db(transaction=True)
def test_partnership_pages_have_no_serious_accessibility_problems(
    live_server: Any, browser: Any, world: dict[str, Any], analyst: User, coordinator: User
) -> None:
    assert AXE.exists(), "npm install puts axe-core in node_modules"
    night = full_night(analyst, world)
    request = exchange.request_create(
        actor=act(analyst),
        question="What do you hold on the owner of the Cheetham Hill Mini Mart?",
        purpose="prevent_detect_crime",
        legal_basis="cda1998_s115",
        urgency="urgent",
        handling_code="P",
        provider=world["ts"],
        nominals=[world["owner1"]],
    )
    seizure = recovery.seizure_record(
        actor=act(analyst),
        amount=Decimal("18450.00"),
        seized_at=timezone.now() - timedelta(hours=2),
        nation="england-wales",
        place="Cheetham Hill Mini Mart",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(script=AXE.read_text(encoding="utf-8"))  # not subject to the page's CSP
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", coordinator.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/purpose/?next=/gain/")
    page.fill("#purpose", "GAIN North West: monthly coordination meeting")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/gain/north-west/")
    assert page.get_by_role("heading", name="North West", exact=True).is_visible()
    problems = {"gain": _serious(page)}
    for name, path in {
        "requests": "/exchange/",
        "request": f"/exchange/{request.pk}/",
        "new request": "/exchange/new/",
        "known to you": "/exchange/known/",
        "operations": "/operations/",
        "operation": f"/operations/{night.pk}/",
        "operation report": f"/operations/{night.pk}/report/",
        "premises": "/premises/",
        "premises detail": f"/premises/{world['mart'].pk}/",
        "coordination list": "/premises/coordination/",
        "disruptions": "/disruptions/",
        "recovery": "/recovery/",
        "seizure": f"/recovery/seizures/{seizure.pk}/",
    }.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (name, path)
        problems[name] = _serious(page)
    assert {name: found for name, found in problems.items() if found} == {}
    assert errors == []
    context.close()
