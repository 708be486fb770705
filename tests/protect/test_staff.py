"""Staff pages: the anonymous figures (charts and tables), who may see them, and alerts to contacts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Role, User
from sochub.protect.demo import build_demo_self_assessments
from sochub.protect.models import AlertContact, AlertMessage, SelfAssessment
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _response(district: str, segment: str, days_ago: int = 0, n: int = 1) -> None:
    today = timezone.localdate()
    start = SelfAssessment.objects.count()
    SelfAssessment.objects.bulk_create(
        SelfAssessment(
            district=district,
            submitted_on=today - timedelta(days=days_ago),
            segment=segment,
            vulnerable=segment in "DEFGH",
            answers=[["q", "a"]],
            questionnaire="test",
            questionnaire_version="1",
            fingerprint="f" * 16,
            submission=f"s{start + i}",
        )
        for i in range(n)
    )


def _contact(email: str = "", phone: str = "", district: str = "M14", segment: str = "H", **kw: object) -> AlertContact:
    return AlertContact.objects.create(
        kind="phone" if phone else "email",
        email=email,
        phone=phone,
        district=district,
        segment=segment,
        consent_wording="yes",
        unsubscribe_token=f"tok-{AlertContact.objects.count()}-{district}-{segment}",
        **{"confirmed_at": timezone.now(), **kw},
    )


@pytest.fixture
def people(make_user: Callable[..., User], agencies: object) -> dict[str, User]:
    nobody = User(username="noagency", roles=[Role.OFFICER])
    nobody.set_password(PASSWORD)
    nobody.save()
    return {
        "analyst": make_user("an", "gmp", (Role.ANALYST,)),
        "officer": make_user("of", "gmp", (Role.OFFICER,)),
        "coordinator": make_user("co", "mersey", (Role.COORDINATOR,)),
        "partner": make_user("pa", "hmrc", (Role.PARTNER,)),
        "volunteer": make_user("vo", "gmp", (Role.VOLUNTEER,)),
        "admin": make_user("ad", "gmp", (Role.AGENCY_ADMIN,)),
        "noagency": nobody,
    }


def test_who_may_see_figures_and_send(people: dict[str, User], settings: object) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False  # type: ignore[attr-defined]
    expected = {
        "analyst": (200, 404),
        "officer": (200, 200),
        "coordinator": (200, 200),
        "partner": (200, 200),
        "volunteer": (404, 404),
        "admin": (404, 404),
        "noagency": (404, 404),
    }
    for name, (stats, send) in expected.items():
        client = _client(people[name])
        assert client.get("/protect/self-assessment/").status_code == stats, name
        assert client.get("/protect/self-assessment/messages/").status_code == send, name
        if send == 404:
            assert client.post("/protect/self-assessment/messages/", {"action": "send"}).status_code == 404, name
    assert Client().get("/protect/self-assessment/").status_code == 302  # sign in first


def test_charts_and_tables_show_counts_and_hide_small_districts(people: dict[str, User]) -> None:
    _response("M14", "A", n=8)
    _response("M14", "H", n=4)  # M14: 12 responses, 4 vulnerable
    _response("M15", "G", n=10, days_ago=40)  # M15: 10 responses, all vulnerable
    _response("L8", "H", n=9)  # under the minimum
    _response("", "B", n=2)
    html = _client(people["officer"]).get("/protect/self-assessment/").content.decode()
    assert re.search(r'data-testid="response-count">\s*33<', html)
    assert html.count("<svg") >= 3 and "<title id=" in html and "<desc id=" in html
    vulnerable = html.split('data-testid="table-vulnerable"')[1].split("</table>")[0]
    assert "M15" in vulnerable and "100%" in vulnerable
    assert "M14" in vulnerable and "33%" in vulnerable
    assert vulnerable.index("M15") < vulnerable.index("M14")
    assert not re.search(r">\s*L8\s*<", html)  # 9 responses: only counted in "Other districts"
    districts = html.split('data-testid="table-districts"')[1].split("</table>")[0]
    assert "Other districts" in districts and "Not given" in districts
    row = re.search(r"M14</th>(.*?)</tr>", districts, re.S)
    assert row and re.findall(r">(\d+)<", row.group(1)) == ["8", "0", "0", "0", "0", "0", "0", "4", "12"]
    months = html.split('data-testid="table-months"')[1].split("</table>")[0]
    this_month = re.search(timezone.localdate().strftime("%b %Y") + r"</th>(.*?)</tr>", months, re.S)
    assert this_month and re.findall(r">(\d+)<", this_month.group(1))[-1] == "23"  # M14, L8 and not given


def test_a_message_goes_only_to_matching_consenting_subscribed_contacts(people: dict[str, User]) -> None:
    match1 = _contact("one@example.org", district="M14", segment="H")
    match2 = _contact("two@example.org", district="M15", segment="G")
    _contact("gone@example.org", district="M14", segment="H", unsubscribed_at=timezone.now())
    _contact("elsewhere@example.org", district="L8", segment="H")
    _contact("safe@example.org", district="M14", segment="A")
    _contact(phone="+447700900123", district="M14", segment="H")
    client = _client(people["coordinator"])
    form = {
        "segments": ["G", "H"],
        "districts": "m14, M15",
        "subject": "Courier fraud in your area",
        "body": "Hang up.",
    }
    page = client.post("/protect/self-assessment/messages/", {**form, "action": "check"})
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r"go to <strong>2</strong> people by e-mail", html)
    assert "text messages are not set up" in html
    assert "@example.org" not in html and "+447700900123" not in html
    assert len(mail.outbox) == 0  # nothing sent before the confirmation
    response = client.post("/protect/self-assessment/messages/", {**form, "action": "send"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    for message in mail.outbox:
        contact = match1 if message.to == ["one@example.org"] else match2
        link = f"http://testserver/self-assessment/unsubscribe/{contact.unsubscribe_token}/"
        assert message.subject == "Courier fraud in your area"
        assert "Hang up." in message.body and link in message.body
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    log = AlertMessage.objects.get()
    assert (log.emailed, log.sms_skipped, log.segments, log.districts) == (2, 1, ["G", "H"], ["M14", "M15"])
    assert log.sent_by == people["coordinator"] and log.backend.endswith("locmem.EmailBackend")
    event = AuditEvent.objects.get(object_type="alert contacts", operation=Operation.DISCLOSURE)
    assert event.username == "co" and sorted(event.object_ids) == sorted([str(match1.pk), str(match2.pk)])
    assert event.detail["emailed"] == 2 and event.detail["subject"] == "Courier fraud in your area"
    listing = client.get("/protect/self-assessment/messages/").content.decode()
    assert "Courier fraud in your area" in listing and "Message sent: 2 e-mails" in listing
    assert "@example.org" not in listing


def test_hostile_message_input_is_refused_or_escaped(people: dict[str, User]) -> None:
    _contact("one@example.org")
    client = _client(people["officer"])
    bad = client.post(
        "/protect/self-assessment/messages/",
        {"action": "check", "districts": "<script>alert(1)</script>", "subject": "a\nBcc: x@example.org", "body": ""},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Enter postcode districts" in html and "one line" in html and "Enter the message" in html
    assert (
        client.post(
            "/protect/self-assessment/messages/", {"action": "check", "segments": ["Z"], "subject": "s", "body": "b"}
        ).status_code
        == 400
    )
    ok = client.post(
        "/protect/self-assessment/messages/",
        {"action": "check", "districts": "M14", "subject": "<b>Hi</b>", "body": "<script>alert(1)</script>" + "x" * 10},
    )
    assert ok.status_code == 200
    assert "<script>alert(1)</script>" not in ok.content.decode() and "&lt;script&gt;" in ok.content.decode()
    assert (
        client.post(
            "/protect/self-assessment/messages/", {"action": "send", "subject": "s", "body": "b" * 6000}
        ).status_code
        == 400
    )
    assert len(mail.outbox) == 0


def test_demo_builds_responses_and_contacts(people: dict[str, User]) -> None:
    made = build_demo_self_assessments(seed=3, responses=300)
    assert made == {"responses": 300, "contacts": 100}
    assert SelfAssessment.objects.count() == 300
    assert AlertContact.objects.filter(email__endswith="@example.org").count() == 90
    oldest = SelfAssessment.objects.order_by("submitted_on").first()
    assert oldest and oldest.submitted_on >= timezone.localdate() - timedelta(days=366)
    assert SelfAssessment.objects.values("segment").distinct().count() >= 6
    html = _client(people["analyst"]).get("/protect/self-assessment/").content.decode()
    assert "300" in html and not re.search(r">\s*M99\s*<", html)  # a district with 3 responses is not shown


def test_the_segment_map_places_named_districts_only(people: dict[str, User], settings: Any, tmp_path: Path) -> None:
    _response("M14", "A", n=8)
    _response("M14", "H", n=4)  # 12 responses, a third vulnerable
    _response("M15", "G", n=10)  # all vulnerable
    _response("L8", "H", n=9)  # under the minimum: never placed
    _response("M20", "A", n=10)  # named, but no centre in the file
    client = _client(people["officer"])
    assert 'data-testid="segment-map-off"' in client.get("/protect/self-assessment/").content.decode()
    centres = tmp_path / "districts.csv"
    centres.write_text("district,latitude,longitude\nM14,53.447,-2.225\nM15,53.465,-2.255\nL8,53.39,-2.965\n")
    settings.SOCHUB_POSTCODE_DISTRICTS = str(centres)
    assert 'data-testid="segment-map"' in client.get("/protect/self-assessment/").content.decode()
    data = client.get("/protect/self-assessment/districts.geojson").json()
    placed = {f["properties"]["district"]: f["properties"] for f in data["features"]}
    assert set(placed) == {"M14", "M15"} and data["unplaced"] == ["M20"]
    assert placed["M15"]["vulnerable_share"] == 1.0 and placed["M14"]["vulnerable_share"] == 0.333
    assert placed["M15"]["colour"] != placed["M14"]["colour"]
    centres.write_text("district,latitude,longitude\nM14,53.4,-2.2\nnot a district,1,2\n")
    page = client.get("/protect/self-assessment/").content.decode()
    assert "cannot be used" in page and "row 3" in page
    assert _client(people["volunteer"]).get("/protect/self-assessment/districts.geojson").status_code == 404
