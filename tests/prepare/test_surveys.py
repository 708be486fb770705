"""Partner surveys: designed by a coordinator, answered once by each agency in the audience (draft, then submitted
and locked), refused outside the audience or once closed, charted with the counts right, and exported as an
audited CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import services as intel
from sochub.partners.models import AgencyKind, Region, Role, User
from sochub.prepare import demo, policies, selectors, services
from sochub.prepare.models import ResponseStatus, Survey, SurveyResponse, SurveyStatus
from tests.helpers import PASSWORD, act

HOSTILE = '<script>alert("x")</script>'


def login(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def hmrc_analyst(make_user: Callable[..., User]) -> User:
    """A national agency outside a North West police survey's audience."""
    return make_user("hmrc_analyst", "hmrc")


def make_survey(designer: User, *, open_it: bool = True) -> tuple[Survey, list[str]]:
    today = timezone.localdate()
    survey = services.survey_create(
        actor=act(designer),
        title="Intimidation of victims and witnesses: force data 2026",
        introduction="Answer for your force as a whole.",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        audience_kinds=[AgencyKind.LAW_ENFORCEMENT],
        audience_regions=list(Region.objects.filter(code="north-west")),
    )
    made = [
        services.question_add(
            actor=act(designer),
            survey=survey,
            kind="single",
            text="Policy for level 2 witnesses?",
            options="Yes\nIn draft\nNo",
            required=True,
        ),
        services.question_add(
            actor=act(designer), survey=survey, kind="number", text="How many in 2025?", min_value=0, required=True
        ),
        services.question_add(
            actor=act(designer), survey=survey, kind="multiple", text="Measures?", options=["Panic alarm", "CCTV"]
        ),
        services.question_add(
            actor=act(designer), survey=survey, kind="scale", text="Understanding?", min_value=1, max_value=5
        ),
        services.question_add(actor=act(designer), survey=survey, kind="text", text="What would help?"),
    ]
    if open_it:
        services.survey_open(actor=act(designer), survey=survey)
    return survey, [str(q.pk) for q in made]


def test_definition_validation_gives_clear_messages(coordinator: User, analyst: User) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=act(analyst), title="x", introduction="", opens_on=today, closes_on=today)
    with pytest.raises(ValidationError) as exc:
        services.survey_create(
            actor=act(coordinator), title=" ", introduction="", opens_on=today, closes_on=today - timedelta(days=1)
        )
    assert exc.value.message_dict == {
        "title": ["Enter a title for the survey"],
        "audience_kinds": ["Choose who is asked: agency kinds, regions or named agencies."],
        "closes_on": ["The closing date must be on or after the opening date."],
    }
    survey = services.survey_create(
        actor=act(coordinator),
        title="Test",
        introduction="",
        opens_on=today,
        closes_on=today,
        audience_kinds=[AgencyKind.LAW_ENFORCEMENT],
    )
    with pytest.raises(ValidationError) as empty:
        services.survey_open(actor=act(coordinator), survey=survey)
    assert empty.value.messages == ["Add at least one question before opening the survey"]
    with pytest.raises(ValidationError) as bad:
        services.question_add(
            actor=act(coordinator), survey=survey, kind="scale", text="Rate", min_value=3, max_value=3
        )
    assert bad.value.message_dict == {
        "min_value": ["Question 1: the highest point of the scale must be above the lowest"]
    }
    client = login(coordinator)
    page = client.post(f"/surveys/{survey.pk}/questions/", {"kind": "single", "text": "Pick", "options": "Only one"})
    assert page.status_code == 400
    assert b"Question 1: a choice question needs at least 2 options, one a line" in page.content


def test_survey_answered_by_two_agencies_and_charted(
    coordinator: User, analyst: User, analyst2: User, hmrc_analyst: User
) -> None:
    survey, ids = make_survey(coordinator)
    audience = {a.code for a in policies.audience(survey)}
    assert {"gmp", "merseyside"} <= audience and "hmrc" not in audience

    gmp = login(analyst)
    # A draft first: the required number left empty is fine in a draft, not on submission
    draft = gmp.post(f"/surveys/{survey.pk}/answer/", {f"q{ids[0]}": "Yes", "action": "draft"})
    assert draft.status_code == 302
    assert SurveyResponse.objects.get().status == ResponseStatus.DRAFT
    refused = gmp.post(f"/surveys/{survey.pk}/answer/", {f"q{ids[0]}": "Yes", "action": "submit"})
    assert refused.status_code == 400 and b"Question 2: answer this question, it is required" in refused.content
    submitted = gmp.post(
        f"/surveys/{survey.pk}/answer/",
        {
            f"q{ids[0]}": "Yes",
            f"q{ids[1]}": "150",
            f"q{ids[2]}": ["Panic alarm", "CCTV"],
            f"q{ids[3]}": "4",
            f"q{ids[4]}": HOSTILE,
            "action": "submit",
        },
    )
    assert submitted.status_code == 302
    # Locked after submission
    again = gmp.post(f"/surveys/{survey.pk}/answer/", {f"q{ids[0]}": "No", f"q{ids[1]}": "1", "action": "submit"})
    assert again.status_code == 400 and b"already submitted" in again.content
    services.response_save(
        actor=act(analyst2),
        survey=survey,
        answers={ids[0]: "In draft", ids[1]: 70, ids[2]: ["Panic alarm"], ids[3]: 4},
        submit=True,
    )

    # A third agency outside the audience cannot see or answer it
    hmrc = login(hmrc_analyst)
    assert hmrc.get(f"/surveys/{survey.pk}/answer/").status_code == 404
    assert hmrc.post(f"/surveys/{survey.pk}/answer/", {f"q{ids[0]}": "Yes", "action": "submit"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.response_save(actor=act(hmrc_analyst), survey=survey, answers={ids[0]: "Yes", ids[1]: 1}, submit=True)
    # Respondents do not see the results
    assert gmp.get(f"/surveys/{survey.pk}/results/").status_code == 404

    results = {r.question.key: r for r in selectors.results(survey)}
    assert results[ids[0]].counts == [("Yes", 1), ("In draft", 1), ("No", 0)]
    assert results[ids[1]].figures["total"] == 220
    assert results[ids[2]].counts == [("Panic alarm", 2), ("CCTV", 1)]
    assert dict(results[ids[3]].counts)["4"] == 2

    page = login(coordinator).get(f"/surveys/{survey.pk}/results/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Greater Manchester Police" in body and "Merseyside Police" in body
    assert body.count("<svg") >= 3 and 'data-testid="chart-q' in body
    assert "Panic alarm: 2" in body  # the chart's description and tooltips say the counts
    assert HOSTILE not in body and "&lt;script&gt;" in body
    assert "style=" not in body
    rates = selectors.response_rates(survey)
    assert rates.overall.responded == 2


def test_closed_survey_refuses_answers(coordinator: User, analyst: User) -> None:
    survey, ids = make_survey(coordinator)
    services.survey_close(actor=act(coordinator), survey=survey)
    assert survey.status == SurveyStatus.CLOSED
    with pytest.raises(ValidationError) as exc:
        services.response_save(actor=act(analyst), survey=survey, answers={ids[0]: "Yes", ids[1]: 3}, submit=True)
    assert "closed" in exc.value.messages[0]
    page = login(analyst).post(f"/surveys/{survey.pk}/answer/", {f"q{ids[0]}": "Yes", "action": "submit"})
    assert page.status_code == 400 and b"This survey is closed" in page.content
    assert not SurveyResponse.objects.exists()
    # A draft survey is not shown to the audience at all
    draft, _ = make_survey(coordinator, open_it=False)
    assert login(analyst).get(f"/surveys/{draft.pk}/answer/").status_code == 404


def test_csv_export_is_audited_and_escaped(coordinator: User, analyst: User, analyst2: User) -> None:
    survey, ids = make_survey(coordinator)
    services.response_save(
        actor=act(analyst), survey=survey, answers={ids[0]: "Yes", ids[1]: 12, ids[4]: "=HYPERLINK(1)"}, submit=True
    )
    assert login(analyst2).get(f"/surveys/{survey.pk}/responses.csv").status_code == 404
    response = login(coordinator).get(f"/surveys/{survey.pk}/responses.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Agency", "Agency code", "Submitted"]
    assert rows[1][0] == "Greater Manchester Police" and rows[1][3] == "Yes" and rows[1][4] == "12"
    assert rows[1][-1] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="survey_response").get()
    assert event.username == "coordinator" and event.detail["rows"] == 1


def test_agency_admin_designs_and_another_agency_admin_cannot_manage(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    gmp_admin = make_user("gmpadmin", "gmp", (Role.AGENCY_ADMIN,))
    mersey_admin = make_user("merseyadmin", "mersey", (Role.AGENCY_ADMIN,))
    client = login(gmp_admin)
    today = timezone.localdate()
    response = client.post(
        "/surveys/new/",
        {
            "title": HOSTILE,
            "introduction": "Hello",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).isoformat(),
            "audience_kinds": ["law_enforcement"],
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200 and HOSTILE.encode() not in page.content
    assert login(mersey_admin).get(f"/surveys/{survey.pk}/").status_code == 404


def test_demo_builds_cases_and_a_charted_survey(
    analyst: User, analyst2: User, officer: User, coordinator: User
) -> None:
    intel.ocg_create(actor=act(analyst), name="Cheetham Hill Firm", threat_categories=["illegal_drugs"])
    made = demo.build_demo_prepare(seed=7)
    assert made == {"intimidation cases": 3, "surveys": 1}
    due = selectors.reviews_due(user=analyst)
    assert {selectors.review_level(c) for c in due} == {"overdue", "due soon"}
    survey = Survey.objects.get(title=demo.SURVEY_TITLE)
    assert {r.agency.code for r in selectors.submitted_responses(survey)} == {"gmp", "merseyside"}
