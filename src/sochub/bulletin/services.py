"""Every write to the partnership bulletin: submissions, review and edits (every version kept), editions and
their running order, publication, the distribution list (double opt-in, erasure on unsubscribing), deliveries
and readers' feedback. Each checks ``policies`` and writes an audit row.

Subscribers are personal data: a sign-up is audited as a collection, a confirmation as an alteration and an
unsubscription as an erasure (their name, address and organisation are wiped). Sends are audited as one
disclosure per edition with counts, never the list of addresses.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import bulletin as engine
from sochub.engine.imports.cells import escape_cell
from sochub.partners.models import User

from . import policies
from .models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    BulletinEditor,
    Edition,
    EditionStatus,
    Feedback,
    Subscriber,
)

ARTICLES, EDITIONS, SUBSCRIBERS, FEEDBACK, EDITORS = (
    "bulletin_article",
    "bulletin_edition",
    "bulletin_subscriber",
    "bulletin_feedback",
    "bulletin_editor",
)
CONSENT_WORDING = (
    "I agree that this article, my agency's name and the contact name and e-mail address given may be published "
    "in the partnership bulletin and sent to its distribution list."
)
SUBSCRIBE_WORDING = (
    "Send me each edition of the partnership bulletin by e-mail. I can unsubscribe at any time through the link "
    "in every message."
)
LIMITS = {"title": 150, "summary": 500, "body": 20_000, "contact_name": 150, "comments": 5000, "foreword": 10_000}


def _user(actor: Actor) -> User:
    user = actor.user
    assert isinstance(user, User)
    return user


def _audit(
    actor: Actor | None, operation: str, object_type: str, ids: Iterable[Any], purpose: str = "", **detail: Any
) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=list(ids),
        purpose=purpose or (actor.purpose if actor else "") or "Partnership bulletin",
        detail=detail,
    )


def _one_line(value: str, field: str, what: str, limit: int, problems: dict[str, str]) -> str:
    value = (value or "").strip()
    if not value:
        problems[field] = f"Enter {what}"
    elif len(value) > limit:
        problems[field] = f"Enter {what} of {limit} characters or fewer"
    elif "\n" in value or "\r" in value:
        problems[field] = f"Enter {what} on one line"
    return value


def _text(value: str, field: str, what: str, limit: int, problems: dict[str, str], required: bool = True) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        problems[field] = f"Enter {what}"
    elif len(value) > limit:
        problems[field] = f"Enter {what} of {limit:,} characters or fewer"
    return value


def _email(value: str, field: str, problems: dict[str, str]) -> str:
    value = (value or "").strip()
    try:
        if not value:
            raise ValidationError("empty")
        if len(value) > 254:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        problems[field] = "Enter an e-mail address in the right format, like name@example.gov.uk"
    return value


def _content(title: str, section: str, summary: str, body: str, problems: dict[str, str]) -> dict[str, str]:
    content = {
        "title": _one_line(title, "title", "a title", LIMITS["title"], problems),
        "summary": _text(summary, "summary", "a summary", LIMITS["summary"], problems),
        "body": _text(body, "body", "the article", LIMITS["body"], problems),
        "section": section,
    }
    if section not in engine.SECTION_IDS:
        problems["section"] = "Choose the section the article belongs in"
    return content


def _revision(article: Article, user: User, *, by_editor: bool, note: str = "") -> ArticleRevision:
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        title=article.title,
        section=article.section,
        summary=article.summary,
        body=article.body,
        edited_by=user,
        by_editor=by_editor,
        note=note[:500],
    )


# Articles ------------------------------------------------------------------------------------------------------


@transaction.atomic
def article_submit(
    *,
    actor: Actor,
    title: str,
    section: str,
    summary: str,
    body: str,
    contact_name: str,
    contact_email: str,
    consent: bool,
) -> Article:
    """A partner submits an article for the editors to review; the first revision keeps exactly what they wrote."""
    user = _user(actor)
    if not policies.can_submit(user):
        raise PermissionDenied("Only staff of a member agency can submit articles.")
    problems: dict[str, str] = {}
    content = _content(title, section, summary, body, problems)
    name = _one_line(contact_name, "contact_name", "the contact's name", LIMITS["contact_name"], problems)
    email = _email(contact_email, "contact_email", problems)
    if not consent:
        problems["consent"] = "Tick the box to agree to the article being published"
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    assert user.agency_id is not None
    article = Article.objects.create(
        submitted_by=user,
        agency_id=user.agency_id,
        contact_name=name,
        contact_email=email,
        consent_at=now,
        consent_wording=CONSENT_WORDING,
        submitted_at=now,
        updated_at=now,
        **content,
    )
    _revision(article, user, by_editor=False, note="Submitted")
    _audit(actor, Operation.COLLECTION, ARTICLES, [article.pk], section=article.section, consent=True)
    return article


@transaction.atomic
def article_edit(
    *, actor: Actor, article: Article, title: str, section: str, summary: str, body: str, note: str = ""
) -> Article:
    """An editor's edit (a new revision naming them; the original stays), or the submitter's revision of an
    article returned to them, which goes back for review."""
    user = _user(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not policies.can_edit_article(user, article):
        raise PermissionDenied("You cannot edit this article.")
    problems: dict[str, str] = {}
    content = _content(title, section, summary, body, problems)
    if problems:
        raise ValidationError(problems)
    changed = [k for k, v in content.items() if getattr(article, k) != v]
    own_returned = article.status == ArticleStatus.RETURNED and article.submitted_by_id == user.pk
    editor = policies.is_editor(user) and not own_returned
    resubmitted = not editor
    if not changed and not resubmitted:
        return article
    for key, value in content.items():
        setattr(article, key, value)
    if article.edition_id is not None and "section" in changed:
        article.position = _next_position(article.edition_id, article.section)
    article.updated_at = timezone.now()
    if resubmitted:
        article.status = ArticleStatus.SUBMITTED
    article.save()
    _revision(article, user, by_editor=editor, note=note or ("Edited" if editor else "Revised and resubmitted"))
    _audit(actor, Operation.ALTERATION, ARTICLES, [article.pk], changed=changed, by_editor=editor)
    return article


DECISIONS = {"accept": ArticleStatus.ACCEPTED, "return": ArticleStatus.RETURNED, "decline": ArticleStatus.DECLINED}


@transaction.atomic
def article_review(*, actor: Actor, article: Article, decision: str, comments: str = "") -> Article:
    """Accept, return with comments (the partner revises and resubmits) or decline a submission."""
    user = _user(actor)
    if not policies.is_editor(user):
        raise PermissionDenied("Only bulletin editors review articles.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose accept, return or decline"})
    if article.status != ArticleStatus.SUBMITTED:
        raise ValidationError(f"This article is {article.get_status_display().lower()}, not waiting for review.")
    problems: dict[str, str] = {}
    comments = _text(comments, "comments", "comments", LIMITS["comments"], problems, required=decision == "return")
    if decision == "return" and not comments:
        problems["comments"] = "Say what the partner should change"
    if problems:
        raise ValidationError(problems)
    article.status = DECISIONS[decision]
    article.editor_comments = comments
    article.reviewed_by = user
    article.reviewed_at = article.updated_at = timezone.now()
    article.save()
    _audit(actor, Operation.ALTERATION, ARTICLES, [article.pk], decision=decision)
    return article


# Editions ------------------------------------------------------------------------------------------------------


def _editor(actor: Actor) -> User:
    user = _user(actor)
    if not policies.is_editor(user):
        raise PermissionDenied("Only bulletin editors can do this.")
    return user


@transaction.atomic
def edition_create(*, actor: Actor, season: str, year: int, planned_publication: date, foreword: str = "") -> Edition:
    """A new quarterly edition ("Winter 2026"), numbered after the last issue."""
    user = _editor(actor)
    problems: dict[str, str] = {}
    if season not in engine.SEASONS:
        problems["season"] = "Choose the season"
    if not 2000 <= year <= 2100:
        problems["year"] = "Enter a year between 2000 and 2100"
    foreword = _text(foreword, "foreword", "the foreword", LIMITS["foreword"], problems, required=False)
    if not problems and Edition.objects.filter(season=season, year=year).exists():
        problems["season"] = f"There is already a {season} {year} edition"
    if problems:
        raise ValidationError(problems)
    number = (Edition.objects.aggregate(n=Max("issue_number"))["n"] or 0) + 1
    edition = Edition.objects.create(
        season=season,
        year=year,
        issue_number=number,
        planned_publication=planned_publication,
        foreword=foreword,
        created_by=user,
    )
    _audit(actor, Operation.COLLECTION, EDITIONS, [edition.pk], title=edition.title, issue=number)
    return edition


def _preparing(edition: Edition) -> None:
    if edition.status != EditionStatus.PREPARING:
        raise ValidationError("This edition is published and can no longer change.")


@transaction.atomic
def edition_update(*, actor: Actor, edition: Edition, planned_publication: date, foreword: str) -> Edition:
    _editor(actor)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _preparing(edition)
    problems: dict[str, str] = {}
    foreword = _text(foreword, "foreword", "the foreword", LIMITS["foreword"], problems, required=False)
    if problems:
        raise ValidationError(problems)
    edition.planned_publication = planned_publication
    edition.foreword = foreword
    edition.save(update_fields=["planned_publication", "foreword"])
    _audit(actor, Operation.ALTERATION, EDITIONS, [edition.pk], changed=["planned_publication", "foreword"])
    return edition


def _next_position(edition_id: int, section: str) -> int:
    last = Article.objects.filter(edition_id=edition_id, section=section).aggregate(n=Max("position"))["n"]
    return 0 if last is None else last + 1


@transaction.atomic
def article_schedule(*, actor: Actor, article: Article, edition: Edition) -> Article:
    """Put an accepted article into an edition in preparation, last in its section."""
    _editor(actor)
    article = Article.objects.select_for_update().get(pk=article.pk)
    _preparing(edition)
    if article.status not in (ArticleStatus.ACCEPTED, ArticleStatus.SCHEDULED):
        raise ValidationError("Only accepted articles can be scheduled.")
    if article.edition_id == edition.pk:
        return article
    article.edition = edition
    article.position = _next_position(edition.pk, article.section)
    article.status = ArticleStatus.SCHEDULED
    article.updated_at = timezone.now()
    article.save()
    _audit(actor, Operation.ALTERATION, ARTICLES, [article.pk], scheduled_in=edition.pk)
    return article


@transaction.atomic
def article_unschedule(*, actor: Actor, article: Article) -> Article:
    _editor(actor)
    article = Article.objects.select_for_update(of=("self",)).select_related("edition").get(pk=article.pk)
    if article.status != ArticleStatus.SCHEDULED or article.edition is None:
        raise ValidationError("This article is not scheduled.")
    _preparing(article.edition)
    was = article.edition_id
    article.edition = None
    article.status = ArticleStatus.ACCEPTED
    article.position = 0
    article.updated_at = timezone.now()
    article.save()
    _audit(actor, Operation.ALTERATION, ARTICLES, [article.pk], unscheduled_from=was)
    return article


@transaction.atomic
def article_move(*, actor: Actor, article: Article, step: int) -> Article:
    """Move an article up (step -1) or down (+1) within its section of the edition."""
    _editor(actor)
    edition = article.edition
    if edition is None:
        raise ValidationError("This article is not scheduled.")
    _preparing(edition)
    siblings = list(
        Article.objects.select_for_update()
        .filter(edition_id=edition.pk, section=article.section)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    order = engine.move(siblings, article.pk, max(-1, min(1, step)))
    for position, pk in enumerate(order):
        Article.objects.filter(pk=pk).update(position=position)
    _audit(actor, Operation.ALTERATION, EDITIONS, [edition.pk], order=order, section=article.section)
    article.refresh_from_db()
    return article


@transaction.atomic
def edition_publish(*, actor: Actor, edition: Edition) -> Edition:
    """Publish: every signed-in user may read it, and its articles are published. Sending to the distribution
    list is a background job started by ``sochub.bulletin.tasks.send_start``."""
    user = _editor(actor)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _preparing(edition)
    ids = list(edition.articles.filter(status=ArticleStatus.SCHEDULED).values_list("pk", flat=True))
    if not ids:
        raise ValidationError("Schedule at least one article before publishing.")
    now = timezone.now()
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = now
    edition.published_by = user
    edition.save(update_fields=["status", "published_at", "published_by"])
    Article.objects.filter(pk__in=ids).update(status=ArticleStatus.PUBLISHED, updated_at=now)
    _audit(actor, Operation.DISCLOSURE, EDITIONS, [edition.pk], title=edition.title, articles=ids)
    return edition


# Editors -------------------------------------------------------------------------------------------------------


@transaction.atomic
def editor_add(*, actor: Actor, user: User) -> BulletinEditor:
    admin = _user(actor)
    if not policies.can_manage_editors(admin):
        raise PermissionDenied("Only system administrators name bulletin editors.")
    if not user.is_active:
        raise ValidationError({"username": "That account is not active"})
    editor, _ = BulletinEditor.objects.get_or_create(user=user, defaults={"added_by": admin})
    _audit(actor, Operation.ALTERATION, EDITORS, [user.pk], added=True)
    return editor


@transaction.atomic
def editor_remove(*, actor: Actor, user: User) -> None:
    if not policies.can_manage_editors(_user(actor)):
        raise PermissionDenied("Only system administrators name bulletin editors.")
    if BulletinEditor.objects.filter(user=user).delete()[0]:
        _audit(actor, Operation.ALTERATION, EDITORS, [user.pk], removed=True)


# The distribution list -----------------------------------------------------------------------------------------


def _token() -> str:
    return secrets.token_urlsafe(32)


def subscriber_by_token(token: str) -> Subscriber | None:
    if not token or len(token) > 64:
        return None
    return Subscriber.objects.filter(token=token).first()


def subscribe(*, name: str, email: str, organisation: str, consent: bool, confirm_url: Callable[[str], str]) -> None:
    """Someone asks to join the distribution list. The answer is the same whatever happens, so nobody learns
    whether an address is on the list: a new address gets a confirmation link; an address waiting for
    confirmation gets the link again; a confirmed address gets nothing new. Raises ValidationError for bad input.
    """
    problems: dict[str, str] = {}
    name = _one_line(name, "name", "your name", 150, problems)
    email = _email(email, "email", problems)
    organisation = _one_line(organisation, "organisation", "your organisation", 200, problems)
    if not consent:
        problems["consent"] = "Tick the box to say you want the bulletin"
    if problems:
        raise ValidationError(problems)
    key = email.lower()
    existing = Subscriber.objects.filter(email_key=key, unsubscribed_at__isnull=True).first()
    if existing is not None:
        if existing.confirmed_at is None:
            _confirmation_mail(existing, confirm_url)
        return
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                name=name,
                email=email,
                email_key=key,
                organisation=organisation,
                token=_token(),
                consent_wording=SUBSCRIBE_WORDING,
            )
            _audit(
                None,
                Operation.COLLECTION,
                SUBSCRIBERS,
                [subscriber.pk],
                purpose="Partnership bulletin distribution list, at the person's request",
                confirmed=False,
            )
    except IntegrityError:  # the same address signed up at the same moment
        return
    _confirmation_mail(subscriber, confirm_url)


def _confirmation_mail(subscriber: Subscriber, confirm_url: Callable[[str], str]) -> None:
    link = confirm_url(subscriber.token)
    EmailMessage(
        subject="Confirm you want the partnership bulletin",
        body=(
            "Someone, probably you, asked to receive the serious and organised crime partnership bulletin at this "
            f"address.\n\nTo confirm, open this link: {link}\n\nIf it was not you, ignore this e-mail: nothing will "
            "be sent.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
    ).send(fail_silently=True)


def subscriber_confirm(*, token: str) -> Subscriber | None:
    """The person followed the confirmation link; editions will be sent to them. Harmless twice."""
    subscriber = subscriber_by_token(token)
    if subscriber is None or subscriber.confirmed_at is not None or subscriber.unsubscribed_at is not None:
        return subscriber
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now())
        _audit(
            None,
            Operation.ALTERATION,
            SUBSCRIBERS,
            [subscriber.pk],
            purpose="Partnership bulletin distribution list, at the person's request",
            confirmed=True,
        )
    subscriber.refresh_from_db()
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Stop sending and erase the person's name, address and organisation. Harmless twice; None: no such link."""
    subscriber = subscriber_by_token(token)
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return subscriber
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(
            unsubscribed_at=timezone.now(), name="", email="", email_key="", organisation=""
        )
        _audit(
            None,
            Operation.ERASURE,
            SUBSCRIBERS,
            [subscriber.pk],
            purpose="The person unsubscribed from the partnership bulletin",
            erased=["name", "email", "organisation"],
        )
    subscriber.refresh_from_db()
    return subscriber


# Feedback ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who is answering: a signed-in user or a subscriber through their link."""

    user: User | None = None
    subscriber: Subscriber | None = None


@transaction.atomic
def feedback_submit(
    *,
    reader: Reader,
    edition: Edition,
    helpful: Iterable[int],
    engaged: bool | None,
    engaged_detail: str,
    wishes: str,
    rating: int | None,
) -> Feedback:
    """A reader's answers about a published edition; answering again replaces their earlier answers."""
    if not edition.published:
        raise PermissionDenied("Feedback is for published editions.")
    if reader.user is None and (reader.subscriber is None or not reader.subscriber.active):
        raise PermissionDenied("Open the link in your e-mail, or sign in, to give feedback.")
    problems: dict[str, str] = {}
    ids = set(edition.articles.values_list("pk", flat=True))
    chosen = set(helpful)
    if not chosen <= ids:
        problems["helpful"] = "Choose articles from this edition"
    if engaged is None:
        problems["engaged"] = "Say whether you engaged a partner as a result"
    detail = _text(engaged_detail, "engaged_detail", "what you did", 2000, problems, required=False)
    wishes = _text(wishes, "wishes", "what you would like to read about", 2000, problems, required=False)
    if rating not in engine.feedback.RATINGS:
        problems["rating"] = "Choose a rating from 1 to 5"
    if problems:
        raise ValidationError(problems)
    assert rating is not None and engaged is not None
    who: dict[str, Any] = {"user": reader.user} if reader.user is not None else {"subscriber": reader.subscriber}
    Feedback.objects.filter(edition=edition, **who).delete()
    feedback = Feedback.objects.create(
        edition=edition, engaged=engaged, engaged_detail=detail if engaged else "", wishes=wishes, rating=rating, **who
    )
    feedback.helpful.set(sorted(chosen))
    return feedback


FEEDBACK_COLUMNS = ("response", "submitted_at", "reader", "rating", "engaged", "engaged_detail", "wishes", "helpful")


def feedback_export(*, actor: Actor, edition: Edition) -> str:
    """Every answer as CSV for the editors, without the readers' names or addresses (audited)."""
    _editor(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Partnership bulletin feedback: {edition.title} (issue {edition.issue_number})"])
    writer.writerow(FEEDBACK_COLUMNS)
    rows = edition.feedback.prefetch_related("helpful").order_by("submitted_at", "pk")
    count = 0
    for i, f in enumerate(rows, start=1):
        count += 1
        writer.writerow(
            [
                i,
                timezone.localtime(f.submitted_at).strftime("%Y-%m-%d %H:%M"),
                "signed-in partner" if f.user_id else "subscriber",
                f.rating,
                "yes" if f.engaged else "no",
                escape_cell(f.engaged_detail),
                escape_cell(f.wishes),
                escape_cell("; ".join(a.title for a in f.helpful.all())),
            ]
        )
    _audit(actor, Operation.DISCLOSURE, FEEDBACK, [edition.pk], format="csv", responses=count)
    return out.getvalue()
