"""The intimidation and surveys API: list and read cases, record a review and read back the next review date;
list surveys, read a definition, submit a response as the caller's agency, and read the results; with the same
agency rules and audit as the web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import services as intel
from sochub.partners.models import User
from sochub.partners.services import token_create
from sochub.prepare import services
from tests.helpers import act
from tests.prepare.test_surveys import make_survey

Call = Callable[..., Any]


@pytest.fixture
def api(client: Client) -> Callable[[User], Call]:
    def for_user(user: User) -> Call:
        _, raw = token_create(actor=act(user), user=user, purpose="Prepare: intimidation review", expires_days=30)
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
            if method == "post":
                return client.post(f"/api/v1/prepare{path}", body, content_type="application/json", headers=headers)
            return client.get(f"/api/v1/prepare{path}", params, headers=headers)

        return call

    return for_user


def test_case_review_round_trip(api: Callable[[User], Call], analyst: User, analyst2: User, officer: User) -> None:
    today = timezone.localdate()
    ocg = intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    case = services.case_record(
        actor=act(analyst),
        subject_kind="witness",
        person_name="<b>Daniel</b>",
        ocg=ocg,
        occurred_on=today - timedelta(days=21),
        reported_on=today - timedelta(days=20),
        kind="threats_in_person",
        description="Threatened.",
        risk_level="level_2",
    )
    call = api(analyst)
    listed = call("get", "/intimidation").json()
    assert listed["count"] == 1 and listed["items"][0]["review"] == "overdue"
    detail = call("get", f"/intimidation/{case.pk}").json()
    assert detail["person_name"] == "<b>Daniel</b>" and detail["ocg"] == ocg.pk and detail["reviews"] == []
    assert AuditEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="intimidation_case", detail__view="api_case"
    ).exists()

    bad = call(
        "post", f"/intimidation/{case.pk}/reviews", {"reviewed_on": today.isoformat(), "notes": "", "risk_after": "x"}
    )
    assert bad.status_code == 422 and "notes: Say what the review found." in bad.json()["detail"]
    done = call(
        "post",
        f"/intimidation/{case.pk}/reviews",
        {"reviewed_on": today.isoformat(), "notes": "Alarm fitted.", "risk_after": "level_2"},
    )
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["next_review_on"] == (today + timedelta(days=14)).isoformat() and body["review"] == ""
    assert body["reviews"][0]["late"] is True

    other = api(analyst2)
    assert other("get", f"/intimidation/{case.pk}").status_code == 404
    assert other("get", "/intimidation").json()["count"] == 0
    denied = other(
        "post",
        f"/intimidation/{case.pk}/reviews",
        {"reviewed_on": today.isoformat(), "notes": "x", "risk_after": "standard"},
    )
    assert denied.status_code == 404


def test_survey_round_trip(
    api: Callable[[User], Call], coordinator: User, analyst: User, analyst2: User, make_user: Callable[..., User]
) -> None:
    survey, ids = make_survey(coordinator)
    gmp = api(analyst)
    listed = gmp("get", "/surveys").json()
    assert [(s["id"], s["answer"], s["response_status"]) for s in listed] == [(survey.pk, True, None)]
    definition = gmp("get", f"/surveys/{survey.pk}").json()
    assert [q["kind"] for q in definition["questions"]] == ["single", "number", "multiple", "scale", "text"]

    wrong = gmp("post", f"/surveys/{survey.pk}/response", {"answers": {ids[0]: "Perhaps", ids[1]: -5}})
    assert wrong.status_code == 422
    assert "Question 1: choose one of the options given" in wrong.json()["detail"]
    answers = {ids[0]: "Yes", ids[1]: 150, ids[2]: ["CCTV"], ids[3]: 5, ids[4]: "More funding"}
    ok = gmp("post", f"/surveys/{survey.pk}/response", {"answers": answers})
    assert ok.status_code == 201 and ok.json()["status"] == "submitted" and ok.json()["agency"] == "gmp"
    assert gmp("post", f"/surveys/{survey.pk}/response", {"answers": answers}).status_code == 422
    mersey = api(analyst2)
    assert mersey("post", f"/surveys/{survey.pk}/response", {"answers": {ids[0]: "No", ids[1]: 3}}).status_code == 201

    outsider = api(make_user("hmrc_analyst", "hmrc"))
    assert outsider("get", f"/surveys/{survey.pk}").status_code == 404
    assert outsider("post", f"/surveys/{survey.pk}/response", {"answers": {ids[0]: "Yes"}}).status_code == 404
    assert gmp("get", f"/surveys/{survey.pk}/results").status_code == 404

    results = api(coordinator)("get", f"/surveys/{survey.pk}/results").json()
    assert results["overall"]["responded"] == 2
    first = results["questions"][0]
    assert first["counts"] == [
        {"label": "Yes", "count": 1},
        {"label": "In draft", "count": 0},
        {"label": "No", "count": 1},
    ]
    assert results["questions"][1]["figures"]["total"] == 153
