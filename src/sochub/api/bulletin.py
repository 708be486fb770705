"""API of partnership bulletin: the same selectors, policies and audit as its web pages.

Published editions (list and contents), submitting an article, one's own submissions, and feedback results for
editors. Any active user of a member agency may call it with their bearer token (the bulletin holds no
intelligence); an edition in preparation answers 404 to anyone but an editor, and feedback results 404 likewise.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.bulletin import policies, selectors, services
from sochub.bulletin.models import Article, Edition
from sochub.intel.services import NotFound
from sochub.partners.models import ApiToken, User

from .common import Page, limits

router = Router(tags=["partnership bulletin"])


def _actor(request: HttpRequest) -> Actor:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not policies.can_read(token.user):
        raise HttpError(404, "Not found")
    return Actor(user=token.user, channel=Channel.API, purpose=token.purpose, client_ip=request.META.get("REMOTE_ADDR"))


def _user(actor: Actor) -> User:
    assert isinstance(actor.user, User)
    return actor.user


class EditionItem(Schema):
    id: int
    title: str
    season: str
    year: int
    issue_number: int
    status: str
    planned_publication: str
    published_at: str | None


class EditionList(Schema):
    items: list[EditionItem]
    count: int


class ArticleItem(Schema):
    id: int
    title: str
    section: str
    section_label: str
    agency: str
    summary: str
    body: str
    contact_name: str
    contact_email: str


class SectionItem(Schema):
    id: str
    label: str
    articles: list[ArticleItem]


class EditionDetail(EditionItem):
    foreword: str
    sections: list[SectionItem]


class ArticleIn(Schema):
    title: str
    section: str
    summary: str
    body: str
    contact_name: str
    contact_email: str
    consent: bool = False


class SubmissionItem(Schema):
    id: int
    title: str
    section: str
    status: str
    status_label: str
    agency: str
    submitted_at: str
    editor_comments: str
    edition: str | None


class SubmissionList(Schema):
    items: list[SubmissionItem]
    count: int


class ArticleCount(Schema):
    id: int
    title: str
    helpful: int


class FeedbackOut(Schema):
    edition: int
    responses: int
    helpful: list[ArticleCount]
    engaged: int
    engagement_quotes: list[str]
    wishes: list[str]
    ratings: dict[str, int]
    average_rating: float | None


def _edition_item(e: Edition) -> dict[str, Any]:
    return {
        "id": e.pk,
        "title": e.title,
        "season": e.season,
        "year": e.year,
        "issue_number": e.issue_number,
        "status": e.status,
        "planned_publication": e.planned_publication.isoformat(),
        "published_at": e.published_at.isoformat() if e.published_at else None,
    }


def _submission(a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "section": a.section,
        "status": a.status,
        "status_label": a.get_status_display(),
        "agency": a.agency.name,
        "submitted_at": a.submitted_at.isoformat(),
        "editor_comments": a.editor_comments,
        "edition": a.edition.title if a.edition else None,
    }


def _edition(actor: Actor, edition_id: int) -> Edition:
    try:
        return selectors.edition_get(user=_user(actor), edition_id=edition_id)
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc


@router.get("/editions", response=EditionList)
def edition_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Published editions, newest first."""
    actor = _actor(request)
    limit, offset = limits(page)
    qs = selectors.published_editions(user=_user(actor))
    return {"items": [_edition_item(e) for e in qs[offset : offset + limit]], "count": qs.count()}


@router.get("/editions/{edition_id}", response=EditionDetail)
def edition_detail(request: HttpRequest, edition_id: int) -> dict[str, Any]:
    """An edition's contents by section, in running order (an edition in preparation: editors only)."""
    actor = _actor(request)
    edition = _edition(actor, edition_id)
    sections = [
        {
            "id": s.id,
            "label": s.label,
            "articles": [
                {
                    "id": a.pk,
                    "title": a.title,
                    "section": a.section,
                    "section_label": a.section_label,
                    "agency": a.agency.name,
                    "summary": a.summary,
                    "body": a.body,
                    "contact_name": a.contact_name,
                    "contact_email": a.contact_email,
                }
                for a in s.articles
            ],
        }
        for s in selectors.edition_contents(edition)
    ]
    return {**_edition_item(edition), "foreword": edition.foreword, "sections": sections}


@router.post("/articles", response={201: SubmissionItem})
def article_submit(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    """Submit an article for the editors (the caller's agency; consent to publish is required)."""
    actor = _actor(request)
    try:
        article = services.article_submit(actor=actor, **payload.dict())
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, "; ".join(f"{f}: {m}" for f, ms in exc.message_dict.items() for m in ms)) from exc
    return Status(201, _submission(Article.objects.select_related("agency", "edition").get(pk=article.pk)))


@router.get("/articles/mine", response=SubmissionList)
def my_articles(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    actor = _actor(request)
    limit, offset = limits(page)
    qs = selectors.my_articles(user=_user(actor))
    return {"items": [_submission(a) for a in qs[offset : offset + limit]], "count": qs.count()}


@router.get("/editions/{edition_id}/feedback", response=FeedbackOut)
def feedback_results(request: HttpRequest, edition_id: int) -> dict[str, Any]:
    """Readers' answers as figures, for editors (404 to anyone else)."""
    actor = _actor(request)
    edition = _edition(actor, edition_id)
    try:
        r = selectors.feedback_results(user=_user(actor), edition=edition)
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    s = r.summary
    return {
        "edition": edition.pk,
        "responses": s.responses,
        "helpful": [{"id": a.pk, "title": a.title, "helpful": s.helpful[a.pk]} for a in r.articles],
        "engaged": s.engaged,
        "engagement_quotes": s.engagement_quotes,
        "wishes": s.wishes,
        "ratings": {str(k): v for k, v in s.ratings.items()},
        "average_rating": s.average_rating,
    }
