"""Partnership bulletin: data.

Partners submit articles; editors review, edit (every version is kept as a revision), and schedule them into a
quarterly edition that is published to signed-in users and e-mailed to the confirmed subscribers of the
distribution list (one delivery row per subscriber and edition, so a re-send never sends twice). Readers answer
a short feedback survey per edition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from markupsafe import Markup

from sochub.engine.bulletin import SEASONS, SECTIONS, render_text, section_label
from sochub.jobs.models import Job
from sochub.partners.models import Agency

SECTION_CHOICES = [(s.id, s.label) for s in SECTIONS]
SEASON_CHOICES = [(s, s) for s in SEASONS]


class BulletinEditor(models.Model):
    """A user named as a bulletin editor by a system administrator (coordinators and system administrators
    edit without being named; see ``sochub.bulletin.policies``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulletin_editor")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"Bulletin editor {self.user_id}"


class EditionStatus(models.TextChoices):
    PREPARING = "preparing", "In preparation"
    PUBLISHED = "published", "Published"


class Edition(models.Model):
    season = models.CharField(max_length=10, choices=SEASON_CHOICES)
    year = models.PositiveSmallIntegerField()
    issue_number = models.PositiveIntegerField(unique=True)
    planned_publication = models.DateField()
    foreword = models.TextField(blank=True, max_length=10_000)
    status = models.CharField(max_length=10, choices=EditionStatus.choices, default=EditionStatus.PREPARING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    send_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issue_number"]
        constraints = [models.UniqueConstraint(fields=["season", "year"], name="bulletin_edition_one_per_quarter")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.season} {self.year}"

    @property
    def published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED

    @property
    def foreword_html(self) -> Markup:
        """The foreword as HTML: every character escaped first (``sochub.engine.bulletin.render_text``)."""
        return Markup(render_text(self.foreword))  # noqa: S704 (escaped by render_text)


class ArticleStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for review"
    RETURNED = "returned", "Returned with comments"
    ACCEPTED = "accepted", "Accepted"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Declined"


class Article(models.Model):
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=150)
    section = models.CharField(max_length=30, choices=SECTION_CHOICES)
    summary = models.CharField(max_length=500)
    body = models.TextField(max_length=20_000)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField(max_length=254)
    consent_at = models.DateTimeField()
    consent_wording = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.SUBMITTED)
    editor_comments = models.TextField(blank=True, max_length=5000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    edition = models.ForeignKey(Edition, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    position = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["edition", "section", "position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def section_label(self) -> str:
        return section_label(self.section)

    @property
    def body_html(self) -> Markup:
        """The body as HTML: every character escaped first (``sochub.engine.bulletin.render_text``)."""
        return Markup(render_text(self.body))  # noqa: S704 (escaped by render_text)


class ArticleRevision(models.Model):
    """Every version of an article: number 1 is what the partner submitted; later ones say who edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=150)
    section = models.CharField(max_length=30, choices=SECTION_CHOICES)
    summary = models.CharField(max_length=500)
    body = models.TextField(max_length=20_000)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(default=timezone.now)
    by_editor = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="bulletin_revision_number")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class Subscriber(models.Model):
    """Someone on the distribution list. Nothing is sent until they confirm through the e-mailed link; on
    unsubscribing their name, address and organisation are erased (the row stays for the delivery history)."""

    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, db_index=True)
    organisation = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True)
    consent_wording = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_key"],
                condition=Q(unsubscribed_at__isnull=True),
                name="bulletin_subscriber_one_active_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"Subscriber #{self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DeliveryStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One edition e-mailed to one subscriber: sent (never again) or failed (tried again on a re-send)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=6, choices=DeliveryStatus.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "subscriber"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="bulletin_delivery_once_per_subscriber")
        ]

    def __str__(self) -> str:
        return f"Edition {self.edition_id} to subscriber {self.subscriber_id}: {self.status}"


class Feedback(models.Model):
    """One reader's answers about one edition: a subscriber (through their link) or a signed-in user.
    Answering again replaces the earlier answers."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="feedback")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful = models.ManyToManyField(Article, blank=True, related_name="+")
    engaged = models.BooleanField()
    engaged_detail = models.TextField(blank=True, max_length=2000)
    wishes = models.TextField(blank=True, max_length=2000)
    rating = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"],
                condition=Q(subscriber__isnull=False),
                name="bulletin_feedback_once_per_subscriber",
            ),
            models.UniqueConstraint(
                fields=["edition", "user"], condition=Q(user__isnull=False), name="bulletin_feedback_once_per_user"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="bulletin_feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on edition {self.edition_id}"
