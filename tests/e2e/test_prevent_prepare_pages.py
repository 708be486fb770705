"""The pages of issue 8 in Chromium, built from the demo builders, checked with axe-core for serious or critical
accessibility problems and for browser errors (a CSP refusal shows as one): Prevent programmes, intimidation
and surveys, suspicious activity reports, and the bulletin with its public sign-up page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from sochub.bulletin.demo import build_demo_bulletin
from sochub.bulletin.models import Edition
from sochub.intel import services as intel
from sochub.partners.models import Agency, AgencyKind, Region, Role, User
from sochub.prepare.demo import build_demo_prepare
from sochub.prepare.models import IntimidationCase, Survey
from sochub.prevent.demo import build_demo_prevent
from sochub.prevent.models import Programme, Session, YoungPerson
from sochub.suspicious_activity.demo import build_demo_suspicious_activity
from sochub.suspicious_activity.models import SuspiciousActivityReport
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_self_assessment import AXE, _serious, browser
from tests.helpers import PASSWORD, act

pytestmark = [pytest.mark.e2e, needs_chromium]
__all__ = ["browser"]
TODAY = date(2026, 11, 20)


def _world(make_user: Callable[..., User], settings: Any, tmp_path: Any) -> dict[str, User]:
    settings.VAR_DIR = tmp_path
    north_west = Region.objects.get(code="north-west")
    mcc = Agency.objects.create(
        code="manchester-cc", name="Manchester City Council", kind=AgencyKind.LOCAL, region=north_west
    )
    users = {
        "analyst": make_user("analyst", "gmp"),
        "officer": make_user("officer", "gmp", (Role.OFFICER,)),
        "supervisor": make_user("supervisor", "gmp"),
        "analyst2": make_user("analyst2", "mersey"),
        "admin": make_user("admin", "hmrc", (Role.SYSTEM_ADMIN,)),
        "partner": make_user("partner", "hmrc", (Role.PARTNER,)),
        "coordinator": make_user("coordinator", "gmp", (Role.COORDINATOR,)),
    }
    users["coordinator"].agency = Agency.objects.get(code="nwrocu")
    users["coordinator"].coordinator_region = north_west
    users["coordinator"].save()
    volunteer = User(username="volunteer", agency=mcc, roles=[Role.VOLUNTEER])
    volunteer.set_password(PASSWORD)
    volunteer.save()
    intel.ocg_create(actor=act(users["analyst"]), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    build_demo_prevent(seed=7, today=TODAY)
    build_demo_prepare(seed=7, today=TODAY)
    build_demo_suspicious_activity(seed=7, today=TODAY)
    build_demo_bulletin(seed=7, today=TODAY)
    return users


def _sign_in(browser: Any, live_server: Any, user: User, purpose: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(script=AXE.read_text(encoding="utf-8"))  # not subject to the page's CSP
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/purpose/?next=/")
    page.fill("#purpose", purpose)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page, errors


def _check(page: Any, live_server: Any, pages: dict[str, str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (name, path, response and response.status)
        problems[name] = _serious(page)
    return {name: found for name, found in problems.items() if found}


@pytest.mark.django_db(transaction=True)
def test_prevent_prepare_and_bulletin_pages_have_no_serious_accessibility_problems(
    live_server: Any, browser: Any, make_user: Callable[..., User], settings: Any, tmp_path: Any
) -> None:
    assert AXE.exists(), "npm install puts axe-core in node_modules"
    users = _world(make_user, settings, tmp_path)
    programme = Programme.objects.get()
    young = YoungPerson.objects.filter(programme=programme, status="active").first()
    session = Session.objects.filter(programme=programme).first()
    case = IntimidationCase.objects.filter(agency__code="gmp").first()
    survey = Survey.objects.get()
    report = SuspiciousActivityReport.objects.filter(created_by=users["analyst"]).first()
    edition = Edition.objects.get(status="published")
    assert young and session and case and report

    context, page, errors = _sign_in(browser, live_server, users["officer"], "Haggrid: weekly session planning")
    found = _check(
        page,
        live_server,
        {
            "programmes": reverse("web:prevent"),
            "programme": reverse("web:prevent_programme", args=[programme.pk]),
            "young person": reverse("web:prevent_young_person", args=[young.pk]),
            "session": reverse("web:prevent_session", args=[session.pk]),
            "referral form": reverse("web:prevent_referral_new", args=[programme.pk]),
            "programme report": reverse("web:prevent_report", args=[programme.pk]),
            "retention": reverse("web:prevent_retention"),
        },
    )
    context.close()

    context, page, more = _sign_in(browser, live_server, users["analyst"], "Operation Juniper: witness care review")
    errors += more
    found |= _check(
        page,
        live_server,
        {
            "intimidation": reverse("web:intimidation"),
            "intimidation case": reverse("web:intimidation_detail", args=[case.pk]),
            "intimidation reviews": reverse("web:intimidation_reviews"),
            "new intimidation": reverse("web:intimidation_new"),
            "surveys": reverse("web:surveys"),
            "survey answer": reverse("web:survey_answer", args=[survey.pk]),
            "suspicious activity": reverse("web:suspicious_activity"),
            "suspicious activity report": reverse("web:suspicious_activity_report", args=[report.pk]),
            "new suspicious activity report": reverse("web:suspicious_activity_new"),
            "suspicious activity deadlines": reverse("web:suspicious_activity_deadlines"),
            "suspicious activity counts": reverse("web:suspicious_activity_counts"),
            "bulletin": reverse("web:bulletin"),
            "bulletin edition": reverse("web:bulletin_edition", args=[edition.pk]),
            "submit an article": reverse("web:bulletin_submit"),
            "bulletin feedback": reverse("web:bulletin_feedback", args=[edition.pk]),
        },
    )
    context.close()

    context, page, more = _sign_in(browser, live_server, users["coordinator"], "GAIN North West: bulletin and survey")
    errors += more
    found |= _check(
        page,
        live_server,
        {
            "survey results": reverse("web:survey_results", args=[survey.pk]),
            "survey designer": reverse("web:survey_detail", args=[survey.pk]),
            "editorial queue": reverse("web:bulletin_queue"),
            "feedback results": reverse("web:bulletin_feedback_results", args=[edition.pk]),
        },
    )
    page.goto(f"{live_server.url}{reverse('web:bulletin_subscribe')}")
    found["public sign-up"] = _serious(page) or []
    context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
    assert errors == []
