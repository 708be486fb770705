"""The public self-assessment through Django's test client, one answer posted at a time, on the real
questionnaire: routing, Back and Change, the signed state, honeypot, rate limit, alerts and unsubscribing."""

from __future__ import annotations

import base64
import html as htmllib
import re
import zlib
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.engine.selfassess import Questionnaire, score
from sochub.protect.models import AlertContact, SelfAssessment
from sochub.protect.selectors import audience
from tests.protect.conftest import hidden, route_to, walk

pytestmark = pytest.mark.django_db


def _submit(client: Client, check_html: str, **extra: str) -> str:
    state = hidden(check_html, "s")
    response = client.post("/self-assessment/result/", {"s": state, **extra})
    assert response.status_code == 302
    result = client.get(response["Location"])
    assert result.status_code == 200
    return htmllib.unescape(result.content.decode())


def test_start_page_says_what_it_is(client: Client) -> None:
    html = client.get("/self-assessment/").content.decode()
    assert "anonymous" in html and "about 2 minutes" in html and "Start now" in html
    assert "Exit this page" in html and "https://www.bbc.co.uk/weather" in html
    assert 'name="district"' in html
    assert "Sign out" not in html  # no staff chrome


def test_a_whole_walk_ends_in_a_segment_and_is_stored_anonymously(client: Client, q: Questionnaire) -> None:
    answers = route_to(q, "A")
    check, captions = walk(client, answers, district="m14")
    html = check.content.decode()
    assert "Check your answers" in html
    assert captions[0] == f"Question 1 of up to {q.max_questions}"
    assert len(captions) == len(answers)
    for qid, aid in answers.items():
        assert q.question(qid).answer(aid).text in htmllib.unescape(html)
    result = _submit(client, html)
    expected = score(q, answers)
    assert "Your segment:" in result and expected.segment.name in result
    assert expected.segment.meaning in result
    for line in [*expected.advice, *expected.report]:
        assert line in result
    stored = SelfAssessment.objects.get()
    assert stored.district == "M14"
    assert stored.submitted_on == timezone.localdate()
    assert stored.segment == "A" and stored.vulnerable is False
    assert [tuple(p) for p in stored.answers] == list(expected.path)
    assert stored.questionnaire_version == q.version and len(stored.fingerprint) == 16
    assert not any(f.get_internal_type() == "DateTimeField" for f in SelfAssessment._meta.get_fields())


def test_different_answers_end_elsewhere(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "H"), district="")
    result = _submit(client, check.content.decode())
    assert q.segment("H").name in result and q.segment("A").name not in result
    stored = SelfAssessment.objects.get()
    assert stored.segment == "H" and stored.vulnerable and stored.district == ""


def test_refreshing_or_replaying_the_submission_stores_once(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "B"))
    state = hidden(check.content.decode(), "s")
    for _ in range(3):
        assert client.post("/self-assessment/result/", {"s": state}).status_code == 302
    assert SelfAssessment.objects.count() == 1


def test_back_returns_to_the_previous_answer_and_change_reroutes(client: Client, q: Questionnaire) -> None:
    a_route, h_route = route_to(q, "A"), route_to(q, "H")
    order = list(a_route)
    fork = next(i for i, qid in enumerate(order) if h_route.get(qid) != a_route[qid])
    first = q.question(order[fork])
    check, _ = walk(client, a_route)
    html = check.content.decode()
    # Back from the check page goes to the last question, with its answer ticked.
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link"', html)
    assert back
    page = client.get(back.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(r'value="[^"]+" checked', page)
    # Change the first answer to the H route's: the route is re-walked from there.
    changes = re.findall(r'href="(/self-assessment/question/\?[^"]+change=1)"', html)
    assert len(changes) == len(a_route)
    response = client.get(changes[fork].replace("&amp;", "&"))
    page = response.content.decode()
    assert first.text in page
    state = hidden(page, "s")
    for _ in range(20):
        qid = hidden(page, "question")
        response = client.post(
            "/self-assessment/question/", {"s": state, "question": qid, "answer": h_route[qid], "change": "1"}
        )
        assert response.status_code == 302
        if "/check/" in response["Location"]:
            break
        page = client.get(response["Location"]).content.decode()
        state = hidden(page, "s")
    check = client.get(response["Location"]).content.decode()
    result = _submit(client, check)
    assert q.segment("H").name in result


def test_a_tampered_or_expired_state_is_refused_kindly(client: Client, settings: object, q: Questionnaire) -> None:
    response = client.post("/self-assessment/", {"district": ""})
    page = client.get(response["Location"]).content.decode()
    state = hidden(page, "s")
    qid = hidden(page, "question")
    aid = q.question(qid).answers[0].id
    tampered = state[:-3] + ("AAA" if not state.endswith("AAA") else "BBB")
    for bad in (tampered, "not-a-state", ""):
        response = client.post("/self-assessment/question/", {"s": bad, "question": qid, "answer": aid})
        assert response.status_code == 400
        assert "Start the self-assessment again" in response.content.decode()
    assert client.get("/self-assessment/check/", {"s": tampered}).status_code == 400
    assert client.post("/self-assessment/result/", {"s": tampered}).status_code == 400
    settings.SOCHUB_SELFASSESS_STATE_MAX_AGE = -1  # type: ignore[attr-defined]
    response = client.post("/self-assessment/question/", {"s": state, "question": qid, "answer": aid})
    assert response.status_code == 400 and "for a while" in response.content.decode()


def test_an_unknown_answer_is_an_error_message_not_a_crash(client: Client) -> None:
    response = client.post("/self-assessment/", {"district": "L8"})
    page = client.get(response["Location"]).content.decode()
    state, qid = hidden(page, "s"), hidden(page, "question")
    response = client.post("/self-assessment/question/", {"s": state, "question": qid, "answer": "no-such-answer"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Select one of the answers shown" in html
    response = client.post("/self-assessment/question/", {"s": state, "question": qid})
    assert response.status_code == 400 and "Select an answer" in response.content.decode()
    response = client.post("/self-assessment/question/", {"s": state, "question": "no-such-question", "answer": "x"})
    assert response.status_code == 400
    # Submitting before the end goes back to the questions rather than scoring.
    response = client.post("/self-assessment/result/", {"s": state})
    assert response.status_code == 302 and "/question/" in response["Location"]
    assert SelfAssessment.objects.count() == 0


def test_the_honeypot_shows_the_result_but_stores_nothing(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "E"))
    html = check.content.decode()
    assert "Leave this blank" in html
    result = _submit(client, html, website="http://spam.example")
    assert "Your segment:" in result
    assert SelfAssessment.objects.count() == 0
    response = client.post(
        "/self-assessment/alerts/",
        {"s": hidden(result, "s"), "consent": "yes", "email": "bot@example.org", "district": "M1", "website": "x"},
    )
    assert response.status_code == 302
    assert AlertContact.objects.count() == 0


def test_rate_limit_lets_a_person_through_and_stops_a_flood(client: Client) -> None:
    for _ in range(60):
        assert client.get("/self-assessment/").status_code == 200
    statuses = [client.get("/self-assessment/").status_code for _ in range(300)]
    assert 429 in statuses
    response = client.get("/self-assessment/")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "too many requests" in response.content.decode()
    # Another address is not affected.
    assert client.get("/self-assessment/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_signing_up_for_alerts_keeps_only_the_contact_and_district(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "G"))
    result = _submit(client, check.content.decode())
    state = hidden(result, "s")
    assert "M14" in result  # the district is offered
    response = client.post("/self-assessment/alerts/", {"s": state, "email": "pat@example.org", "district": "M14"})
    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    response = client.post(
        "/self-assessment/alerts/",
        {"s": state, "consent": "yes", "email": "pat@example.org", "phone": "07700 900123", "district": "M14"},
    )
    assert response.status_code == 400 and "not both" in response.content.decode()
    response = client.post(
        "/self-assessment/alerts/", {"s": state, "consent": "yes", "email": "Pat@Example.org", "district": "m14 5ab"}
    )
    assert response.status_code == 302
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    contact = AlertContact.objects.get()
    assert (contact.kind, contact.email, contact.phone, contact.district, contact.segment) == (
        "email",
        "Pat@Example.org",
        "",
        "M14",
        "G",
    )
    assert contact.subscribed and contact.consent_wording.startswith("Yes, send me alerts")
    # Nothing is sent until the person confirms through the link e-mailed to them.
    assert contact.confirmed_at is None and not audience(segments=[], districts=["M14"]).exists()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["Pat@Example.org"]
    link = re.search(r"https?://\S+/self-assessment/alerts/confirm/(\S+)/", confirmation.body)
    assert link is not None
    page = client.get(f"/self-assessment/alerts/confirm/{link.group(1)}/").content.decode()
    assert "Start my alerts" in page and AlertContact.objects.get().confirmed_at is None  # a GET changes nothing
    client.post(f"/self-assessment/alerts/confirm/{link.group(1)}/")
    assert audience(segments=[], districts=["M14"]).get() == contact
    # Nothing ties the contact to the answers.
    assert {f.name for f in AlertContact._meta.get_fields()} == {
        "id",
        "kind",
        "email",
        "phone",
        "district",
        "segment",
        "consented_at",
        "consent_wording",
        "unsubscribe_token",
        "unsubscribed_at",
        "confirmed_at",
        "signup_key",
    }
    assert contact.signup_key not in set(SelfAssessment.objects.values_list("submission", flat=True))
    assert AuditEvent.objects.filter(object_type="alert contacts", operation="collection").count() == 1
    # One sign-up per result: the same result cannot sign up more addresses.
    client.post("/self-assessment/alerts/", {"s": state, "consent": "yes", "email": "x@example.org", "district": "M15"})
    assert AlertContact.objects.count() == 1
    # Another result with an address already signed up leaves it as it is (and the page says the same).
    check, _ = walk(client, route_to(q, "H"))
    other = hidden(_submit(client, check.content.decode()), "s")
    response = client.post(
        "/self-assessment/alerts/", {"s": other, "consent": "yes", "email": "pat@example.org", "district": "M15"}
    )
    assert response.status_code == 302 and AlertContact.objects.get().district == "M14"
    assert len(mail.outbox) == 1


def test_unsubscribe_takes_one_click_and_a_second_is_harmless(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "D"))
    result = _submit(client, check.content.decode())
    client.post(
        "/self-assessment/alerts/",
        {"s": hidden(result, "s"), "consent": "yes", "email": "a@example.org", "district": "L8"},
    )
    contact = AlertContact.objects.get()
    url = f"/self-assessment/unsubscribe/{contact.unsubscribe_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    contact.refresh_from_db()
    assert contact.subscribed  # a GET (a mail scanner following the link) changes nothing
    response = client.post(url)
    assert response.status_code == 200 and "You have unsubscribed" in response.content.decode()
    contact.refresh_from_db()
    stopped = contact.unsubscribed_at
    assert stopped is not None
    assert "already unsubscribed" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and "already stopped" in response.content.decode()
    contact.refresh_from_db()
    assert contact.unsubscribed_at == stopped
    assert client.get("/self-assessment/unsubscribe/not-a-token/").status_code == 404


@pytest.mark.parametrize(
    "district", ["<script>alert(1)</script>", "M14" * 40, "12345", "M14'; DROP TABLE x;--", "ZZ ZZZ"]
)
def test_hostile_postcode_districts_are_refused_and_escaped(client: Client, district: str) -> None:
    response = client.post("/self-assessment/", {"district": district})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "There is a problem" in html
    assert SelfAssessment.objects.count() == 0


def test_hostile_contact_details_are_refused(client: Client, q: Questionnaire) -> None:
    check, _ = walk(client, route_to(q, "F"))
    state = hidden(_submit(client, check.content.decode()), "s")
    for values in (
        {"email": "<script>alert(1)</script>@example.org", "district": "M1"},
        {"email": "a" * 400 + "@example.org", "district": "M1"},
        {"phone": "<script>", "district": "M1"},
        {"email": "ok@example.org", "district": "<script>alert(1)</script>"},
    ):
        response = client.post("/self-assessment/alerts/", {"s": state, "consent": "yes", **values})
        assert response.status_code == 400
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert AlertContact.objects.count() == 0


def test_every_form_needs_its_csrf_token(q: Questionnaire) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/self-assessment/", {"district": "M14"}).status_code == 403
    assert strict.post("/self-assessment/result/", {"s": "x"}).status_code == 403


def test_a_response_keeps_only_todays_date(client: Client, q: Questionnaire) -> None:
    """Responses keep a date, not a time, and the date is today's."""
    check, _ = walk(client, route_to(q, "C"))
    _submit(client, check.content.decode())
    stored = SelfAssessment.objects.get()
    assert timezone.localdate() - stored.submitted_on < timedelta(days=1)


def test_the_state_in_links_and_history_reveals_nothing(client: Client, q: Questionnaire) -> None:
    response = client.post("/self-assessment/", {"district": "M14"})
    page = client.get(response["Location"]).content.decode()
    state, qid = hidden(page, "s"), hidden(page, "question")
    answer = q.question(qid).answers[0].id
    response = client.post("/self-assessment/question/", {"s": state, "question": qid, "answer": answer})
    token = unquote(response["Location"].split("s=", 1)[1])  # the next page's address, kept in history
    readable = []
    for part in token.replace(".", ":").split(":"):  # a signed (not encrypted) token decodes and inflates
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            readable.append(zlib.decompress(raw))
        except (ValueError, zlib.error):
            readable.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) if part else b"")
    assert not any(b"M14" in text or qid.encode() in text for text in readable)
