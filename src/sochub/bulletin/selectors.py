"""Reads of the partnership bulletin, always through ``policies``: what the user may not see is NotFound (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sochub.engine import bulletin as engine
from sochub.intel.services import NotFound
from sochub.partners.models import User

from . import policies
from .models import Article, ArticleStatus, Delivery, DeliveryStatus, Edition, EditionStatus, Feedback, Subscriber


def published_editions(*, user: User) -> QuerySet[Edition]:
    """Published editions, newest first (any signed-in user)."""
    if not policies.can_read(user):
        return Edition.objects.none()
    return Edition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-issue_number")


def editions_in_preparation(*, user: User) -> QuerySet[Edition]:
    if not policies.is_editor(user):
        return Edition.objects.none()
    return Edition.objects.filter(status=EditionStatus.PREPARING).order_by("planned_publication", "issue_number")


def edition_get(*, user: User, edition_id: int) -> Edition:
    edition = policies.visible_editions(user).filter(pk=edition_id).first()
    if edition is None:
        raise NotFound(edition_id)
    return edition


def article_get(*, user: User, article_id: int) -> Article:
    article = (
        policies.visible_articles(user)
        .select_related("agency", "submitted_by", "reviewed_by", "edition")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound(article_id)
    return article


def my_articles(*, user: User) -> QuerySet[Article]:
    if not policies.can_read(user):
        return Article.objects.none()
    return Article.objects.filter(submitted_by=user).select_related("agency", "edition")


def editorial_queue(*, user: User) -> dict[str, list[Article]]:
    """Articles by stage for editors: waiting for review, returned, accepted and not yet scheduled, declined."""
    if not policies.is_editor(user):
        return {}
    qs = Article.objects.select_related("agency", "submitted_by", "edition").order_by("submitted_at", "pk")
    return {
        "submitted": list(qs.filter(status=ArticleStatus.SUBMITTED)),
        "accepted": list(qs.filter(status=ArticleStatus.ACCEPTED)),
        "scheduled": list(qs.filter(status=ArticleStatus.SCHEDULED)),
        "returned": list(qs.filter(status=ArticleStatus.RETURNED)),
        "declined": list(qs.filter(status=ArticleStatus.DECLINED).order_by("-reviewed_at")[:20]),
    }


@dataclass
class Section:
    id: str
    label: str
    articles: list[Article]


def edition_contents(edition: Edition) -> list[Section]:
    """The edition's articles by section in the bulletin's order, each section in its running order."""
    statuses = (ArticleStatus.PUBLISHED,) if edition.published else (ArticleStatus.SCHEDULED,)
    articles = {a.pk: a for a in edition.articles.filter(status__in=statuses).select_related("agency", "submitted_by")}
    refs = [engine.ArticleRef(a.pk, a.section, a.position, a.title) for a in articles.values()]
    return [Section(s.id, s.label, [articles[r.id] for r in s.articles]) for s in engine.contents(refs)]


def edition_articles(edition: Edition) -> list[Article]:
    return [a for s in edition_contents(edition) for a in s.articles]


def revisions(article: Article) -> list[Any]:
    return list(article.revisions.select_related("edited_by").order_by("number"))


def subscriber_reader(*, token: str, edition_id: int) -> tuple[Subscriber, Edition] | None:
    """A confirmed, subscribed reader's token and a published edition, else None (404)."""
    if not token or len(token) > 64:
        return None
    subscriber = Subscriber.objects.filter(
        token=token, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).first()
    edition = Edition.objects.filter(pk=edition_id, status=EditionStatus.PUBLISHED).first()
    if subscriber is None or edition is None:
        return None
    return subscriber, edition


def audience() -> QuerySet[Subscriber]:
    """Who receives editions: confirmed and still subscribed (unconfirmed and unsubscribed never)."""
    return Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).exclude(email="")


def delivery_counts(edition: Edition) -> dict[str, int]:
    sent = Delivery.objects.filter(edition=edition, status=DeliveryStatus.SENT).count()
    failed = Delivery.objects.filter(edition=edition, status=DeliveryStatus.FAILED).count()
    waiting = audience().exclude(deliveries__edition=edition, deliveries__status=DeliveryStatus.SENT).count()
    return {"sent": sent, "failed": failed, "waiting": waiting, "subscribers": audience().count()}


@dataclass
class FeedbackResults:
    edition: Edition
    articles: list[Article]
    summary: engine.FeedbackSummary
    helpful_chart: engine.BarChart
    ratings_chart: engine.BarChart


def feedback_results(*, user: User, edition: Edition) -> FeedbackResults:
    """The editors' view of readers' answers: counts per article, engagement and quotes, ratings."""
    if not policies.is_editor(user):
        raise NotFound(edition.pk)
    articles = edition_articles(edition)
    responses = [
        engine.Response(
            helpful=frozenset(a.pk for a in f.helpful.all()),
            engaged=f.engaged,
            engaged_detail=f.engaged_detail,
            wishes=f.wishes,
            rating=f.rating,
        )
        for f in Feedback.objects.filter(edition=edition).prefetch_related("helpful")
    ]
    summary = engine.summarise([a.pk for a in articles], responses)
    helpful_chart = engine.bar_chart(
        "helpful-chart",
        "Readers who found each article helpful",
        [(a.title, summary.helpful[a.pk]) for a in articles],
    )
    ratings_chart = engine.bar_chart(
        "ratings-chart",
        "Ratings of the edition, 1 (poor) to 5 (excellent)",
        [(f"{k} out of 5", v) for k, v in summary.ratings.items()],
        label_width=120,
    )
    return FeedbackResults(edition, articles, summary, helpful_chart, ratings_chart)
