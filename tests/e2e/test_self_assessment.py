"""The public self-assessment in Chromium at a phone's size: completed without JavaScript, and checked with
axe-core (served from node_modules, injected by Playwright) for serious or critical accessibility problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from sochub.partners.models import User
from sochub.protect.demo import build_demo_self_assessments
from sochub.protect.flow import questionnaire
from sochub.protect.models import SelfAssessment
from tests.e2e.conftest import CHROMIUM, needs_chromium
from tests.helpers import PASSWORD
from tests.protect.conftest import route_to

pytestmark = [pytest.mark.e2e, needs_chromium]
PHONE = {"width": 375, "height": 740}
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_api = pytest.importorskip("playwright.sync_api")
    cache.clear()  # the public pages' rate limit counts in this process's cache
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        browser.close()


def _answer_all(page: Any, answers: dict[str, str]) -> None:
    q = questionnaire()
    for _ in range(20):
        if "/check/" in page.url:
            return
        qid = page.locator("input[name=question]").input_value()
        assert page.get_by_text("of up to").count() == 1
        page.get_by_label(q.question(qid).answer(answers[qid]).text, exact=True).check()
        page.get_by_role("button", name="Continue").click()
    raise AssertionError("the route did not end")


@pytest.mark.django_db(transaction=True)
def test_completing_the_self_assessment_on_a_phone_without_javascript(live_server: Any, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/self-assessment/")
    exit_control = page.get_by_role("button", name="Exit this page")  # a link without JavaScript
    assert exit_control.is_visible() and exit_control.get_attribute("href") == "https://www.bbc.co.uk/weather"
    page.get_by_label("Postcode district (optional)").fill("m14")
    page.get_by_role("button", name="Start now").click()
    answers = route_to(questionnaire(), "E")
    _answer_all(page, answers)
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    # Go back one question and come forward again: the answer is still ticked.
    page.get_by_role("link", name="Back").click()
    assert page.locator("input[name=answer]:checked").count() == 1
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See your result").click()
    assert page.get_by_text("Your segment:").is_visible()
    assert questionnaire().segment("E").name in page.content()
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    stored = SelfAssessment.objects.get()
    assert (stored.district, stored.segment) == ("M14", "E")
    context.close()


def _serious(page: Any) -> list[str]:
    found = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)


@pytest.mark.django_db(transaction=True)
def test_no_serious_accessibility_problems(live_server: Any, browser: Any, analyst: User) -> None:
    assert AXE.exists(), "npm install puts axe-core in node_modules"
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(script=AXE.read_text(encoding="utf-8"))  # not subject to the page's CSP
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    problems: dict[str, list[str]] = {}
    page.goto(f"{live_server.url}/self-assessment/")
    problems["start"] = _serious(page)
    page.get_by_role("button", name="Start now").click()
    problems["question"] = _serious(page)
    # An error on a question page.
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    problems["question with an error"] = _serious(page)
    _answer_all(page, route_to(questionnaire(), "A"))
    problems["check"] = _serious(page)
    page.get_by_role("button", name="See your result").click()
    page.get_by_text("Your segment:").wait_for()
    problems["result"] = _serious(page)
    page.get_by_role("button", name="Sign up for alerts").click()
    problems["result with errors"] = _serious(page)

    build_demo_self_assessments(seed=1, responses=200)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", analyst.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/protect/self-assessment/")
    page.get_by_text("Districts with the highest share").wait_for()
    problems["staff figures"] = _serious(page)
    assert {name: found for name, found in problems.items() if found} == {}
    # The forms answered with errors come back as 400; anything else (a CSP refusal, a script error) fails.
    assert [e for e in errors if "status of 400" not in e] == []
    context.close()
