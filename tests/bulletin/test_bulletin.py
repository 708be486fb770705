"""The partnership bulletin end to end: three partners submit, the editor reviews, edits, schedules and publishes;
confirmed subscribers (only they) receive it once; the page, the PDF and readers' feedback; access and hostile input.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from pypdf import PdfReader

from sochub.audit.models import AuditEvent
from sochub.bulletin import mail as bulletin_mail
from sochub.bulletin import policies, selectors, services
from sochub.bulletin.models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    BulletinEditor,
    Delivery,
    DeliveryStatus,
    Edition,
    Feedback,
    Subscriber,
)
from sochub.partners.models import Agency, AgencyStatus, Role, User
from tests.helpers import act

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


@pytest.fixture
def people(make_user: Callable[..., User], coordinator: User) -> dict[str, User]:
    return {
        "gmp": make_user("p_gmp", "gmp"),
        "mersey": make_user("p_mersey", "mersey"),
        "hmrc": make_user("p_hmrc", "hmrc", (Role.PARTNER,)),
        "editor": coordinator,
    }


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(client: Client, **over: Any) -> Any:
    data = {
        "title": "A night of action in Cheetham Hill",
        "section": "spotlight",
        "summary": "Licensing, trading standards and GMP visited six premises.",
        "body": "First paragraph.\n\nSecond paragraph with **bold**.",
        "contact_name": "Sam Taylor",
        "contact_email": "sam.taylor@example.gov.uk",
        "consent": "yes",
    }
    data.update(over)
    return client.post("/bulletin/submit/", data)


def sign_up(client: Client, email: str, name: str = "Alex Reader") -> Any:
    return client.post(
        "/bulletin/subscribe/", {"name": name, "email": email, "organisation": "Council", "consent": "yes"}
    )


def confirm_link(message: Any) -> str:
    found = re.search(r"http://testserver(/bulletin/subscribe/confirm/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def subscribe_confirmed(email: str) -> Subscriber:
    mail.outbox.clear()
    client = Client()
    assert sign_up(client, email).status_code == 302
    assert len(mail.outbox) == 1
    assert client.post(confirm_link(mail.outbox[0])).status_code == 200
    return Subscriber.objects.get(email_key=email.lower(), unsubscribed_at__isnull=True)


def test_done_when_three_articles_published_sent_once_read_and_fed_back(people: dict[str, User]) -> None:
    editor = web(people["editor"])
    # Three partners submit; one title is hostile.
    r1 = submit(web(people["gmp"]), title=f"{HOSTILE} Night of action", body=f"Body {HOSTILE}\n\nMore.")
    r2 = submit(web(people["mersey"]), title="Sharing through GAIN", section="information_sharing")
    r3 = submit(web(people["hmrc"]), title="A checklist for cash-based businesses", section="practical_tools")
    assert {r1.status_code, r2.status_code, r3.status_code} == {302}
    a1, a2, a3 = (Article.objects.get(submitted_by=people[k]) for k in ("gmp", "mersey", "hmrc"))
    assert a3.agency.code == "hmrc" and a1.status == ArticleStatus.SUBMITTED

    # The submitter sees their own submission and its status; another partner does not see it (404).
    mine = web(people["gmp"]).get("/bulletin/my-articles/")
    assert "Waiting for review" in mine.content.decode() and "Sharing through GAIN" not in mine.content.decode()
    assert web(people["mersey"]).get(f"/bulletin/articles/{a1.pk}/").status_code == 404

    # Review: accept two, return one with comments; the partner revises and resubmits; then accepted.
    assert editor.post(f"/bulletin/articles/{a1.pk}/review/", {"decision": "accept"}).status_code == 302
    assert editor.post(f"/bulletin/articles/{a2.pk}/review/", {"decision": "return"}).status_code == 400
    editor.post(
        f"/bulletin/articles/{a2.pk}/review/", {"decision": "return", "comments": "Say what GAIN made possible"}
    )
    a2.refresh_from_db()
    assert a2.status == ArticleStatus.RETURNED
    partner = web(people["mersey"])
    assert "Say what GAIN made possible" in partner.get(f"/bulletin/articles/{a2.pk}/").content.decode()
    resp = partner.post(
        f"/bulletin/articles/{a2.pk}/edit/",
        {"title": a2.title, "section": a2.section, "summary": a2.summary, "body": a2.body + "\n\nIt led to a closure."},
    )
    assert resp.status_code == 302
    a2.refresh_from_db()
    assert a2.status == ArticleStatus.SUBMITTED
    editor.post(f"/bulletin/articles/{a2.pk}/review/", {"decision": "accept"})
    editor.post(f"/bulletin/articles/{a3.pk}/review/", {"decision": "accept"})

    # The editor edits one: the original is kept, the edit names the editor.
    original_summary = a3.summary
    editor.post(
        f"/bulletin/articles/{a3.pk}/edit/",
        {
            "title": a3.title,
            "section": a3.section,
            "summary": "A one-page checklist.",
            "body": a3.body,
            "note": "Shorter",
        },
    )
    revs = list(ArticleRevision.objects.filter(article=a3).order_by("number"))
    assert [r.summary for r in revs] == [original_summary, "A one-page checklist."]
    assert revs[1].edited_by == people["editor"] and revs[1].by_editor and not revs[0].by_editor

    # An edition, all three scheduled, reordered, a foreword.
    resp = editor.post(
        "/bulletin/editions/new/",
        {"season": "Winter", "year": "2027", "planned-day": "15", "planned-month": "1", "planned-year": "2027"},
    )
    assert resp.status_code == 302
    edition = Edition.objects.get(season="Winter", year=2027)
    for a in (a1, a2, a3):
        editor.post(f"/bulletin/articles/{a.pk}/schedule/", {"action": "schedule", "edition": edition.pk})
    assert set(edition.articles.values_list("status", flat=True)) == {ArticleStatus.SCHEDULED}
    editor.post(
        f"/bulletin/editions/{edition.pk}/build/",
        {"planned-day": "15", "planned-month": "1", "planned-year": "2027", "foreword": "Welcome to Winter."},
    )

    # Subscribers: two confirmed, one unconfirmed, one unsubscribed.
    s1 = subscribe_confirmed("one@example.org")
    subscribe_confirmed("two@example.org")
    sign_up(Client(), "unconfirmed@example.org")
    gone = subscribe_confirmed("gone@example.org")
    assert Client().post(f"/bulletin/unsubscribe/{gone.token}/").status_code == 200
    gone.refresh_from_db()
    assert gone.email == "" and gone.name == "" and gone.unsubscribed_at is not None

    # A non-editor cannot publish.
    assert web(people["gmp"]).post(f"/bulletin/editions/{edition.pk}/publish/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.edition_publish(actor=act(people["gmp"]), edition=edition)

    mail.outbox.clear()
    with override_settings(TASKS=IMMEDIATE_TASKS):
        assert editor.post(f"/bulletin/editions/{edition.pk}/publish/").status_code == 302
    edition.refresh_from_db()
    assert edition.published and edition.send_job is not None and edition.send_job.status == "done"
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    for message, sub in ((m, Subscriber.objects.get(email=m.to[0])) for m in mail.outbox):
        html = message.alternatives[0][0]
        for text in (message.body, html):
            assert f"/bulletin/read/{sub.token}/{edition.pk}/" in text
            assert f"/bulletin/unsubscribe/{sub.token}/" in text
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert message.extra_headers["List-Unsubscribe"].endswith(f"/bulletin/unsubscribe/{sub.token}/>")
    assert Delivery.objects.filter(edition=edition, status=DeliveryStatus.SENT).count() == 2

    # A re-send sends nothing twice.
    with override_settings(TASKS=IMMEDIATE_TASKS):
        editor.post(f"/bulletin/editions/{edition.pk}/send/")
    assert len(mail.outbox) == 2
    assert Delivery.objects.get(edition=edition, subscriber=s1).attempts == 1
    send_rows = AuditEvent.objects.filter(object_type="bulletin_edition", operation="disclosure", detail__sent=2)
    assert send_rows.count() == 1 and "one@example.org" not in str(send_rows.first().detail)

    # The page: a contents list with three entries (the foreword aside), escaped title; readable by any user.
    page = web(people["hmrc"]).get(f"/bulletin/editions/{edition.pk}/").content.decode()
    contents = re.search(r'data-testid="contents">(.*?)</ol>', page, re.S)
    assert contents
    assert len(re.findall(r'href="#article-\d+"', contents.group(1))) == 3
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Night of action" in page
    assert page.index("Spotlight") < page.index("Practical tools") < page.index("Information sharing")

    # The PDF, with contents and the titles, hostile text shown as text.
    pdf = web(people["gmp"]).get(f"/bulletin/editions/{edition.pk}/edition.pdf")
    assert pdf.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for title in ("Sharing through GAIN", "A checklist for cash-based businesses", "Night of action", "Contents"):
        assert title in text
    assert '<script>alert("x")</script>' in text

    # Readers answer: a subscriber through their link, a partner signed in.
    reader = Client()
    assert reader.get(f"/bulletin/read/{s1.token}/{edition.pk}/").status_code == 200
    assert reader.get(f"/bulletin/read/{gone.token}/{edition.pk}/").status_code == 404
    resp = reader.post(
        f"/bulletin/read/{s1.token}/{edition.pk}/feedback/",
        {"helpful": [a1.pk, a3.pk], "engaged": "yes", "engaged_detail": f"Met HMRC {HOSTILE}", "rating": "5"},
    )
    assert resp.status_code == 200 and Feedback.objects.count() == 1
    resp = web(people["mersey"]).post(
        f"/bulletin/editions/{edition.pk}/feedback/",
        {"helpful": [a3.pk], "engaged": "no", "wishes": "County lines", "rating": "4"},
    )
    assert resp.status_code == 200
    bad = web(people["mersey"]).post(f"/bulletin/editions/{edition.pk}/feedback/", {"helpful": [999999], "rating": "9"})
    assert bad.status_code == 400

    results = editor.get(f"/bulletin/editions/{edition.pk}/feedback/results/")
    body = results.content.decode()
    assert results.status_code == 200 and 'data-testid="helpful-chart"' in body
    r = selectors.feedback_results(user=people["editor"], edition=edition)
    assert r.summary.helpful == {a1.pk: 1, a3.pk: 2, a2.pk: 0}
    assert r.summary.engaged == 1 and r.summary.ratings[5] == 1 and r.summary.ratings[4] == 1
    assert "Met HMRC &lt;script&gt;" in body and "<script>alert" not in body
    assert web(people["gmp"]).get(f"/bulletin/editions/{edition.pk}/feedback/results/").status_code == 404
    csv_resp = editor.get(f"/bulletin/editions/{edition.pk}/feedback/results.csv")
    assert "County lines" in csv_resp.content.decode()
    assert AuditEvent.objects.filter(object_type="bulletin_feedback", detail__format="csv").exists()
    assert AuditEvent.objects.filter(object_type="bulletin_article", operation="collection").count() == 3


def test_unpublished_edition_is_hidden_from_non_editors(people: dict[str, User]) -> None:
    edition = services.edition_create(
        actor=act(people["editor"]), season="Spring", year=2027, planned_publication=date(2027, 4, 1)
    )
    assert web(people["gmp"]).get(f"/bulletin/editions/{edition.pk}/").status_code == 404
    assert web(people["gmp"]).get(f"/bulletin/editions/{edition.pk}/edition.pdf").status_code == 404
    assert web(people["editor"]).get(f"/bulletin/editions/{edition.pk}/").status_code == 200
    with pytest.raises(ValidationError):  # nothing scheduled
        services.edition_publish(actor=act(people["editor"]), edition=edition)
    with pytest.raises(ValidationError):
        services.edition_create(
            actor=act(people["editor"]), season="Spring", year=2027, planned_publication=date(2027, 4, 1)
        )


def test_editor_rule(people: dict[str, User], make_user: Callable[..., User], sysadmin: User) -> None:
    agency_admin = make_user("gmpadmin", "gmp", (Role.AGENCY_ADMIN,))
    named = make_user("named", "mersey")
    assert policies.is_editor(people["editor"]) and policies.is_editor(sysadmin)
    assert not policies.is_editor(agency_admin) and not policies.is_editor(named)
    with pytest.raises(PermissionDenied):
        services.editor_add(actor=act(people["editor"]), user=named)
    services.editor_add(actor=act(sysadmin), user=named)
    assert policies.is_editor(named) and BulletinEditor.objects.filter(user=named).exists()
    services.editor_remove(actor=act(sysadmin), user=named)
    assert not policies.is_editor(named)


def test_submission_needs_consent_member_agency_and_valid_fields(
    people: dict[str, User], make_user: Callable[..., User]
) -> None:
    resp = submit(web(people["gmp"]), consent="", contact_email="not-an-address", section="gossip", title="")
    assert resp.status_code == 400
    page = resp.content.decode()
    for text in ("Tick the box", "e-mail address in the right format", "Choose the section", "Enter a title"):
        assert text in page
    assert not Article.objects.exists()
    leaver = Agency.objects.create(code="gone", name="Former Partner", kind="other", status=AgencyStatus.LEFT)
    user = make_user("x_left", "gmp")
    user.agency = leaver
    user.save()
    assert web(user).get("/bulletin/submit/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.article_submit(
            actor=act(user),
            title="t",
            section="spotlight",
            summary="s",
            body="b",
            contact_name="n",
            contact_email="a@b.org",
            consent=True,
        )


def test_sign_up_reveals_nothing_and_double_opt_in(people: dict[str, User]) -> None:
    existing = subscribe_confirmed("known@example.org")
    mail.outbox.clear()
    first = sign_up(Client(), "known@example.org")
    second = sign_up(Client(), "new@example.org")
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert [m.to for m in mail.outbox] == [["new@example.org"]]  # nothing new to the confirmed address
    pages = [re.sub(r'nonce="[^"]*"', "", Client().get(r["Location"]).content.decode()) for r in (first, second)]
    assert pages[0] == pages[1]
    new = Subscriber.objects.get(email_key="new@example.org")
    assert new.confirmed_at is None and existing.confirmed_at is not None
    # GET of the confirmation link does not confirm (mail scanners follow links); POST does.
    link = confirm_link(mail.outbox[0])
    Client().get(link)
    new.refresh_from_db()
    assert new.confirmed_at is None
    Client().post(link)
    new.refresh_from_db()
    assert new.confirmed_at is not None
    ops = set(AuditEvent.objects.filter(object_type="bulletin_subscriber").values_list("operation", flat=True))
    assert ops == {"collection", "alteration"}
    # Unsubscribe is an erasure; the old link then reads nothing.
    Client().post(f"/bulletin/unsubscribe/{new.token}/")
    assert AuditEvent.objects.filter(object_type="bulletin_subscriber", operation="erasure").count() == 1
    assert Client().get("/bulletin/unsubscribe/not-a-token/").status_code == 404
    # Signing up again after unsubscribing starts over with a new confirmation.
    mail.outbox.clear()
    sign_up(Client(), "new@example.org")
    assert len(mail.outbox) == 1


def test_sign_up_is_rate_limited_per_address(monkeypatch: pytest.MonkeyPatch, db: Any) -> None:
    from sochub.web.views import bulletin as views

    monkeypatch.setattr(views, "SIGNUP_LIMIT", 2)
    client = Client()
    codes = [sign_up(client, f"r{i}@example.org").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert sign_up(other, "r9@example.org").status_code == 302
    assert Subscriber.objects.count() == 3


def test_failed_delivery_is_retried_and_sent_one_is_not(people: dict[str, User]) -> None:
    editor = act(people["editor"])
    article = services.article_submit(
        actor=act(people["gmp"]),
        title="Tools",
        section="practical_tools",
        summary="s",
        body="b",
        contact_name="n",
        contact_email="n@example.gov.uk",
        consent=True,
    )
    services.article_review(actor=editor, article=article, decision="accept")
    edition = services.edition_create(actor=editor, season="Summer", year=2027, planned_publication=date(2027, 7, 1))
    services.article_schedule(actor=editor, article=article, edition=edition)
    edition = services.edition_publish(actor=editor, edition=edition)
    ok = subscribe_confirmed("ok@example.org")
    bad = subscribe_confirmed("bad@example.org")
    mail.outbox.clear()

    class Flaky:
        """A mail connection that refuses one address, as a real server might."""

        def send_messages(self, messages: list[Any]) -> int:
            if messages[0].to == ["bad@example.org"]:
                raise OSError("550 mailbox unavailable")
            mail.outbox.extend(messages)
            return len(messages)

    first = bulletin_mail.edition_send(actor=editor, edition=edition, base_url="https://hub", connection=Flaky())  # type: ignore[arg-type]
    assert first["sent"] == 1 and first["failed"] == 1
    failed = Delivery.objects.get(edition=edition, subscriber=bad)
    assert failed.status == DeliveryStatus.FAILED and "550" in failed.error
    again = bulletin_mail.edition_send(actor=editor, edition=edition, base_url="https://hub")
    assert again == {"sent": 1, "failed": 0, "skipped_already_sent": 1}
    assert [m.to for m in mail.outbox] == [["ok@example.org"], ["bad@example.org"]]
    assert Delivery.objects.get(edition=edition, subscriber=ok).attempts == 1


def test_markdown_subset_and_reordering(people: dict[str, User]) -> None:
    editor = act(people["editor"])
    edition = services.edition_create(actor=editor, season="Autumn", year=2027, planned_publication=date(2027, 10, 1))
    made = []
    for title in ("First", "Second"):
        a = services.article_submit(
            actor=act(people["hmrc"]),
            title=title,
            section="spotlight",
            summary="s",
            body="- one\n- [link](https://www.gov.uk)\n\n[bad](javascript:alert(1))",
            contact_name="n",
            contact_email="n@example.gov.uk",
            consent=True,
        )
        services.article_review(actor=editor, article=a, decision="accept")
        services.article_schedule(actor=editor, article=a, edition=edition)
        made.append(a)
    services.article_move(actor=editor, article=Article.objects.get(pk=made[1].pk), step=-1)
    assert [a.title for a in selectors.edition_articles(edition)] == ["Second", "First"]
    page = web(people["editor"]).get(f"/bulletin/editions/{edition.pk}/").content.decode()
    assert '<a class="govuk-link" href="https://www.gov.uk"' in page and 'href="javascript' not in page
    assert "Preview" in page


def test_every_page_renders_for_its_users(people: dict[str, User], sysadmin: User) -> None:
    editor = act(people["editor"])
    article = services.article_submit(
        actor=act(people["gmp"]),
        title="Pages",
        section="guidance",
        summary="s",
        body="b",
        contact_name="n",
        contact_email="n@example.gov.uk",
        consent=True,
    )
    edition = services.edition_create(actor=editor, season="Spring", year=2029, planned_publication=date(2029, 4, 1))
    ed, partner, admin = web(people["editor"]), web(people["gmp"]), web(sysadmin)
    for path in (
        "/bulletin/",
        "/bulletin/editorial/",
        "/bulletin/my-articles/",
        "/bulletin/submit/",
        "/bulletin/editions/new/",
        f"/bulletin/editions/{edition.pk}/build/",
        f"/bulletin/articles/{article.pk}/",
        f"/bulletin/articles/{article.pk}/edit/",
    ):
        assert ed.get(path).status_code == 200, path
    assert "Editorial queue" in ed.get("/bulletin/").content.decode()
    assert "Editorial queue" not in partner.get("/bulletin/").content.decode()
    for path in ("/bulletin/editorial/", "/bulletin/editions/new/", f"/bulletin/editions/{edition.pk}/build/"):
        assert partner.get(path).status_code == 404, path
    assert partner.get("/bulletin/editors/").status_code == 404
    assert ed.get("/bulletin/editors/").status_code == 404
    assert admin.get("/bulletin/editors/").status_code in (200, 302)  # 302: administrators set up two-factor first
    public = Client()
    assert public.get("/bulletin/subscribe/").status_code == 200
    assert public.get("/bulletin/").status_code == 302  # signed-in pages ask for sign-in
    assert public.get("/bulletin/subscribe/confirm/nope/").status_code == 404
