"""The risk assessment pages through Django's test client: who sees what, the form, four eyes, escaping, CSRF,
the OCG page's two assessments, the nominal page's summary, the control strategy and the review-due list."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone
from markupsafe import escape

from sochub.audit.models import AuditEvent
from sochub.partners.models import User
from sochub.risk import reference
from sochub.risk.models import Assessment, AssessmentStatus, Subject
from tests.helpers import PASSWORD
from tests.risk.test_assessments import approved, harm_answers, make_ocg, submitted

PURPOSE = "Operation Juniper: assessing the risk this person poses"
RISK_NAV = re.compile(r'href="/risk/"[^>]*>\s*(<strong[^>]*>)?\s*Risk\s*<')


@pytest.fixture
def analyst_b(make_user: Callable[..., User]) -> User:
    return make_user("analyst_b", "gmp")


def login(user: User, *, purpose: bool = False) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    if purpose:
        assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/nominals/"}).status_code == 302
    return client


def form_data(ratings: dict[str, Any], rationales: dict[str, str], action: str) -> dict[str, str]:
    data = {f"rating-{k}": str(v) for k, v in ratings.items()}
    data.update({f"rationale-{k}": v for k, v in rationales.items()})
    data["action"] = action
    return data


def theme_draft(client: Client) -> Assessment:
    response = client.post(
        "/risk/assessments/new/", {"theme": "fraud", "area": "Salford", "classification": "OFFICIAL"}
    )
    assert response.status_code == 302, response.content[:2000]
    a = Assessment.objects.latest("id")
    assert response["Location"] == f"/risk/assessments/{a.pk}/edit/"
    return a


# Pages for the right people ------------------------------------------------------------------


def test_every_page_renders_for_an_analyst(analyst: User, analyst_b: User) -> None:
    a = approved(analyst, analyst_b, theme="fraud", area="Salford")
    draft = submitted(analyst, theme="cyber_crime")
    client = login(analyst)
    for path in [
        "/risk/assessments/",
        "/risk/assessments/?subject=theme&status=approved",
        "/risk/assessments/new/",
        f"/risk/assessments/{a.pk}/",
        f"/risk/assessments/{draft.pk}/",
        "/risk/control-strategy/",
        "/risk/assessments/review-due/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert RISK_NAV.search(response.content.decode()), path  # the Risk item in the navigation
    body = client.get("/risk/assessments/").content.decode()
    assert "Fraud, Salford" in body and "SOC Hub default theme model (strategic) v1.0" in body


def test_the_list_filters_by_subject_and_status(analyst: User, analyst_b: User) -> None:
    approved(analyst, analyst_b, theme="fraud", area="Salford")
    services_draft = submitted(analyst, Subject.OCG, ocg=make_ocg(analyst))
    client = login(analyst)
    body = client.get("/risk/assessments/?status=approved").content.decode()
    assert "Fraud, Salford" in body and services_draft.subject_label not in body
    body = client.get("/risk/assessments/?subject=ocg").content.decode()
    assert "Fraud, Salford" not in body and services_draft.subject_label in body
    # Unknown filter values are ignored, not an error.
    assert client.get("/risk/assessments/?subject=<b>&status=nope").status_code == 200


def test_another_agency_gets_404(analyst: User, analyst2: User) -> None:
    a = submitted(analyst, theme="fraud")
    client = login(analyst2)
    for path in [f"/risk/assessments/{a.pk}/", f"/risk/assessments/{a.pk}/edit/"]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/risk/assessments/{a.pk}/approve/").status_code == 404
    assert client.post(f"/risk/assessments/{a.pk}/return/", {"reason": "no"}).status_code == 404
    assert "Fraud" not in client.get("/risk/assessments/").content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    assert client.get("/risk/assessments/999999/").status_code == 404


def test_a_volunteer_gets_404_everywhere(analyst: User, volunteer: User) -> None:
    a = submitted(analyst, theme="fraud")
    client = login(volunteer)
    for path in [
        "/risk/assessments/",
        "/risk/assessments/new/",
        f"/risk/assessments/{a.pk}/",
        f"/risk/assessments/{a.pk}/edit/",
        "/risk/control-strategy/",
        "/risk/assessments/review-due/",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/risk/assessments/{a.pk}/approve/").status_code == 404
    assert not RISK_NAV.search(client.get("/").content.decode())


def test_officer_cannot_open_an_official_sensitive_assessment(analyst: User, officer: User) -> None:
    client = login(analyst)
    response = client.post(
        "/risk/assessments/new/", {"theme": "fraud", "area": "", "classification": "OFFICIAL-SENSITIVE"}
    )
    assert response.status_code == 302
    a = Assessment.objects.latest("id")
    assert a.classification == "OFFICIAL-SENSITIVE"
    assert login(officer).get(f"/risk/assessments/{a.pk}/").status_code == 404
    # And the officer is not offered the marking it cannot see.
    body = login(officer).get("/risk/assessments/new/").content.decode()
    assert "OFFICIAL-SENSITIVE" not in body


# The form ------------------------------------------------------------------------------------


def test_form_shows_questions_descriptors_and_the_models_notice(analyst: User) -> None:
    client = login(analyst)
    a = theme_draft(client)
    body = client.get(f"/risk/assessments/{a.pk}/edit/").content.decode()
    model = reference.harm_model(Subject.THEME)
    assert str(escape(model.notice)) in body
    for key, (_, dim) in model.dimensions.items():
        assert f'name="rating-{key}"' in body and f'name="rationale-{key}"' in body
        assert str(escape(dim.question)) in body
    assert "Injuries needing medical treatment, or threats of violence that are credible." in body
    for section in model.sections.present().values():
        assert section.description in body
    assert "There is a problem" not in body
    assert "&lt;span" not in body and "&lt;p class" not in body and "&lt;strong" not in body  # markup not escaped twice


def test_save_draft_keeps_partial_answers_without_errors_and_submit_lists_them(analyst: User) -> None:
    client = login(analyst)
    a = theme_draft(client)
    url = f"/risk/assessments/{a.pk}/edit/"
    model = reference.harm_model(Subject.THEME)
    ratings, rationales = harm_answers(model, 3)
    partial = {"physical": ratings["physical"]}
    response = client.post(url, form_data(partial, {"physical": "Stabbings linked to supply"}, "save"))
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "There is a problem" not in page
    left = len(model.dimensions) - 1
    assert f"Your draft is saved. {left} questions need an answer before you submit it." in page
    assert re.search(r'name="rating-physical"[^>]*value="3"[^>]*checked|value="3"[^>]*checked[^>]*', page)
    assert "Stabbings linked to supply" in page
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and a.ratings == {"physical": 3}

    # Submitting now shows every missing dimension in the error summary, linked to its field.
    response = client.post(url, form_data(partial, {"physical": "Stabbings linked to supply"}, "submit"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    for key, (_, dim) in model.dimensions.items():
        if key != "physical":
            assert f'href="#rating-{key}"' in body
            assert f"{dim.label} is not rated" in body
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT

    # A rating without its rationale points at the rationale box.
    rationales["trend"] = ""
    response = client.post(url, form_data(ratings, rationales, "submit"))
    assert response.status_code == 400
    assert 'href="#rationale-trend"' in response.content.decode()
    assert "Trend needs a rationale" in response.content.decode()


def test_a_level_that_is_not_on_the_scale_counts_as_unanswered(analyst: User) -> None:
    client = login(analyst)
    a = theme_draft(client)
    ratings, rationales = harm_answers(reference.harm_model(Subject.THEME), 2)
    ratings["physical"] = "99"  # type: ignore[assignment]
    data = form_data(ratings, rationales, "submit")
    data["rating-financial"] = "two"
    data["rating-not_a_dimension"] = "4"
    response = client.post(f"/risk/assessments/{a.pk}/edit/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#rating-physical"' in body and 'href="#rating-financial"' in body
    a.refresh_from_db()
    assert "physical" not in a.ratings and "not_a_dimension" not in a.ratings


def test_full_flow_through_the_pages(analyst: User, analyst_b: User) -> None:
    client = login(analyst)
    a = theme_draft(client)
    ratings, rationales = harm_answers(reference.harm_model(Subject.THEME), 4, organisational_position=1)
    response = client.post(f"/risk/assessments/{a.pk}/edit/", form_data(ratings, rationales, "submit"))
    assert response.status_code == 302 and response["Location"] == f"/risk/assessments/{a.pk}/"
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and a.priority == "High" and a.risk_gap

    body = client.get(f"/risk/assessments/{a.pk}/").content.decode()
    assert 'data-testid="risk-gap"' in body and "Risk gap" in body
    assert "Someone other than the assessor must approve it." in body
    assert 'data-testid="approve"' not in body
    # The author's own approval is refused, and nothing changes.
    response = client.post(f"/risk/assessments/{a.pk}/approve/")
    assert response.status_code == 403
    assert "Someone other than the assessor must approve it." in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    # Editing a submitted assessment is not possible.
    assert client.get(f"/risk/assessments/{a.pk}/edit/").status_code == 302

    approver = login(analyst_b)
    assert 'data-testid="approve"' in approver.get(f"/risk/assessments/{a.pk}/").content.decode()
    response = approver.post(f"/risk/assessments/{a.pk}/return/", {"reason": " "})
    assert response.status_code == 400 and "Say what the assessor should change." in response.content.decode()
    response = approver.post(f"/risk/assessments/{a.pk}/approve/")
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPROVED and a.approved_by == analyst_b
    body = approver.get(f"/risk/assessments/{a.pk}/").content.decode()
    assert a.model_fingerprint in body and "sochub-theme" in body
    assert (timezone.localdate() + timedelta(days=365)).strftime("%d %b %Y") in body
    history = body.split('data-testid="history"')[1].split("</ul>")[0]
    assert "Created by analyst" in history and "Submitted by analyst" in history
    assert "Approved by analyst_b" in history


def test_return_with_reason_shows_on_the_draft(analyst: User, analyst_b: User) -> None:
    a = submitted(analyst, theme="fraud")
    response = login(analyst_b).post(f"/risk/assessments/{a.pk}/return/", {"reason": "Trend needs recent data"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT
    client = login(analyst)
    assert "Trend needs recent data" in client.get(f"/risk/assessments/{a.pk}/").content.decode()
    assert "Trend needs recent data" in client.get(f"/risk/assessments/{a.pk}/edit/").content.decode()


def test_hostile_rationale_is_escaped(analyst: User) -> None:
    client = login(analyst)
    a = theme_draft(client)
    ratings, rationales = harm_answers(reference.harm_model(Subject.THEME), 2)
    rationales["physical"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(f"/risk/assessments/{a.pk}/edit/", form_data(ratings, rationales, "save"))
    for path in (f"/risk/assessments/{a.pk}/", f"/risk/assessments/{a.pk}/edit/"):
        body = client.get(path).content.decode()
        assert '<script>alert("x")' not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;alert(" in body, path


def test_posts_need_the_csrf_token(analyst: User, analyst_b: User) -> None:
    a = submitted(analyst, theme="fraud")
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst_b, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/risk/assessments/{a.pk}/approve/").status_code == 403
    assert client.post("/risk/assessments/new/", {"theme": "fraud", "classification": "OFFICIAL"}).status_code == 403
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    # With the token from the page the same posts work, so the 403 was the missing token.
    body = client.get(f"/risk/assessments/{a.pk}/").content.decode()
    token = client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in body
    response = client.post(f"/risk/assessments/{a.pk}/approve/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPROVED
    response = client.post(
        "/risk/assessments/new/", {"theme": "fraud", "classification": "OFFICIAL", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# OCGs and nominals ---------------------------------------------------------------------------


def test_ocg_page_shows_both_assessments_and_the_disagreement(analyst: User, analyst_b: User, analyst2: User) -> None:
    ocg = make_ocg(analyst)
    client = login(analyst)
    body = client.get(f"/ocgs/{ocg.pk}/").content.decode()
    assert "No approved harm-based assessment." in body and "No approved attribute assessment." in body
    assert f"/risk/assessments/new/?ocg={ocg.pk}&amp;kind=ocg" in body
    assert 'data-testid="chart-links"' in body  # the other panel on the page is untouched

    # Starting from the OCG page.
    response = client.get(f"/risk/assessments/new/?ocg={ocg.pk}&kind=ocg_attributes")
    assert response.status_code == 200 and "Acacia Road Crew" in response.content.decode()
    response = client.post(
        "/risk/assessments/new/", {"ocg": ocg.pk, "kind": "ocg_attributes", "classification": "OFFICIAL"}
    )
    assert response.status_code == 302
    started = Assessment.objects.latest("id")
    assert started.subject_type == Subject.OCG_ATTRIBUTES and started.ocg == ocg
    form = client.get(f"/risk/assessments/{started.pk}/edit/").content.decode()
    assert "None known" in form and "Not known to apply to this group." in form
    assert "Criminal activity" in form and "Capability and sophistication" in form
    assert "How far does the group use or threaten violence, including with weapons?" in form

    harm = approved(analyst, analyst_b, Subject.OCG, ocg=ocg, default=4)
    attrs = approved(analyst, analyst_b, Subject.OCG_ATTRIBUTES, ocg=ocg, default="none")
    body = client.get(f"/ocgs/{ocg.pk}/").content.decode()
    assert f"/risk/assessments/{harm.pk}/" in body and f"/risk/assessments/{attrs.pk}/" in body
    assert "Band 3" in body and ">High<" in body
    assert 'data-testid="ocg-risk-disagree"' in body and "The two assessments disagree." in body
    assert 'data-testid="ocg-risk-drafts"' in body and f"/risk/assessments/{started.pk}/" in body
    # Another agency cannot see the OCG, its assessments or start one.
    other = login(analyst2)
    assert other.get(f"/ocgs/{ocg.pk}/").status_code == 404
    assert other.get(f"/risk/assessments/new/?ocg={ocg.pk}&kind=ocg").status_code == 404
    assert other.get(f"/risk/assessments/{harm.pk}/").status_code == 404


def test_ocg_page_says_when_the_assessments_agree(analyst: User, analyst_b: User) -> None:
    ocg = make_ocg(analyst)
    approved(analyst, analyst_b, Subject.OCG, ocg=ocg, default=4)
    approved(analyst, analyst_b, Subject.OCG_ATTRIBUTES, ocg=ocg, default="high")
    body = login(analyst).get(f"/ocgs/{ocg.pk}/").content.decode()
    assert 'data-testid="ocg-risk-agree"' in body and 'data-testid="ocg-risk-disagree"' not in body


def test_nominal_assessment_needs_a_purpose_and_is_a_consultation(
    analyst: User, analyst_b: User, analyst2: User, picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    client = login(analyst)
    start = f"/risk/assessments/new/?nominal={smith.pk}"
    response = client.get(start)
    assert response.status_code == 302 and response["Location"].startswith("/purpose/")
    # Saying why brings the person back to this nominal's start page, not an empty one.
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": unquote(response["Location"].split("next=")[1])})
    assert response.status_code == 302 and response["Location"] == start
    assert f'name="nominal" value="{smith.pk}"' in client.get(start).content.decode()
    client = login(analyst, purpose=True)
    assert client.get(start).status_code == 200
    response = client.post("/risk/assessments/new/", {"nominal": str(smith.pk), "classification": "OFFICIAL"})
    assert response.status_code == 302
    a = Assessment.objects.latest("id")
    assert a.subject_type == Subject.NOMINAL and a.nominal_id == smith.pk

    before = AuditEvent.objects.count()
    assert client.get(f"/risk/assessments/{a.pk}/").status_code == 200
    rows = list(AuditEvent.objects.filter(pk__gt=0).order_by("-id")[: AuditEvent.objects.count() - before])
    consults = [e for e in rows if e.operation == "consultation" and e.object_type == "nominal"]
    assert len(consults) == 1
    assert consults[0].object_ids == [str(smith.pk)] and consults[0].purpose == PURPOSE
    assert consults[0].detail["risk_assessments"] == [a.pk]

    # Without a purpose the assessment stays closed, as the record does.
    fresh = login(analyst)
    assert fresh.get(f"/risk/assessments/{a.pk}/")["Location"].startswith("/purpose/")
    # Another agency cannot start one or see this one.
    other = login(analyst2, purpose=True)
    assert other.get(start).status_code == 404
    assert other.get(f"/risk/assessments/{a.pk}/").status_code == 404


def test_nominal_page_shows_the_risk_summary(analyst: User, analyst_b: User, picture: dict[str, Any]) -> None:
    smith = picture["smith"]
    client = login(analyst, purpose=True)
    body = client.get(f"/nominals/{smith.pk}/").content.decode()
    assert 'data-testid="nominal-risk"' in body and "No approved risk assessment." in body
    assert f"/risk/assessments/new/?nominal={smith.pk}" in body
    a = approved(analyst, analyst_b, Subject.NOMINAL, nominal=smith, default=4)
    body = client.get(f"/nominals/{smith.pk}/").content.decode()
    assert f"/risk/assessments/{a.pk}/" in body and ">High<" in body


# Control strategy and review -----------------------------------------------------------------


def test_control_strategy_page_ranks_the_themes(analyst: User, analyst_b: User) -> None:
    approved(analyst, analyst_b, theme="cyber_crime", area="Bolton", default=1)
    approved(analyst, analyst_b, theme="modern_slavery", area="Bolton", default=4)
    approved(analyst, analyst_b, theme="fraud", area="Bolton", default=2)
    body = login(analyst).get("/risk/control-strategy/").content.decode()
    table = body.split('data-testid="control-strategy"')[1]
    order = [table.index(t) for t in ("Modern slavery and human trafficking", "Fraud", "Cyber crime")]
    assert order == sorted(order)
    assert "Bolton" in table and "Risk gap" in table
    assert "highest risk (harm × likelihood) comes first" in body


def test_review_due_lists_overdue_first(analyst: User, analyst_b: User) -> None:
    later = approved(analyst, analyst_b, theme="fraud", area="Wigan")
    overdue = approved(analyst, analyst_b, theme="illegal_drugs", area="Wigan")
    Assessment.objects.filter(pk=overdue.pk).update(review_due=timezone.localdate() - timedelta(days=3))
    submitted(analyst, theme="cyber_crime")  # not approved: not listed
    body = login(analyst).get("/risk/assessments/review-due/").content.decode()
    table = body.split('data-testid="review-due"')[1]
    assert table.index("Illegal drugs, Wigan") < table.index("Fraud, Wigan")
    assert "Overdue" in table and "1 overdue" in body and "Cyber crime" not in table
    assert later.subject_label in table
    list_body = login(analyst).get("/risk/assessments/").content.decode()
    assert "Overdue" in list_body
