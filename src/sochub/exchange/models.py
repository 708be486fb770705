"""Information-exchange requests between GAIN partner agencies, and "Is this person known to you?" searches.

A request keeps its purpose and legal gateway by id and label, with the reference data's version and
fingerprint, so a later change of wording never alters what was asked. A known-to-you search keeps one hit per
holding agency; the matched nominal is stored here only, never shown to the searcher, so that a request raised
from the hit tells the provider which of its people is meant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.intel.models import OCG, HandlingCode, Nominal, Premises, Share
from sochub.partners.models import Agency, Region


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Sent"
    ANSWERED = "answered", "Answered"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    IMMEDIATE = "immediate", "Immediate"


class KnownSearch(models.Model):
    """One "Is this person known to you?" search. What was entered is in the audit row, not here."""

    searched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=500)
    summary = models.CharField(max_length=300, help_text="A short description for the searcher's own list.")
    model_run = models.IntegerField(null=True, blank=True, help_text="The resolution run whose model scored it.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Known-to-you search {self.pk}"


class KnownSearchHit(models.Model):
    """One holding agency's best match for a search. ``nominal`` is never shown to the searcher."""

    search = models.ForeignKey(KnownSearch, on_delete=models.CASCADE, related_name="hits")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    band = models.CharField(max_length=20)
    band_label = models.CharField(max_length=60)
    grading = models.CharField(max_length=10, blank=True, help_text="Best 3x5x2 grade, e.g. '1A P'; blank if none.")

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [models.UniqueConstraint(fields=["search", "agency"], name="one_hit_per_agency_per_search")]

    def __str__(self) -> str:
        return f"Hit {self.pk}: {self.agency_id} ({self.band})"


class ExchangeRequest(models.Model):
    """A request for information from one agency to another, direct or brokered by a GAIN coordinator."""

    reference = models.CharField(max_length=20, unique=True)
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brokered = models.BooleanField(default=False, help_text="Sent through the region's GAIN coordinator.")
    nominals = models.ManyToManyField(Nominal, blank=True, related_name="+")
    ocgs = models.ManyToManyField(OCG, blank=True, related_name="+")
    premises = models.ManyToManyField(Premises, blank=True, related_name="+")
    subject_description = models.TextField(blank=True, max_length=2000)
    known_hit = models.ForeignKey(KnownSearchHit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question = models.TextField(max_length=5000)
    purpose = models.CharField(max_length=40)
    purpose_label = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=40)
    legal_basis_label = models.CharField(max_length=200)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    brokered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brokered_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, max_length=10_000)
    refusal_reason = models.TextField(blank=True, max_length=2000)
    shares = models.ManyToManyField(Share, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reference_version = models.CharField(max_length=40)
    reference_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def sent(self) -> bool:
        return self.approved_at is not None

    @property
    def awaiting_broker(self) -> bool:
        return self.status == Status.APPROVED and self.provider_id is None

    def is_overdue(self, today: object = None) -> bool:
        from sochub.engine.exchange import is_overdue

        day = today if today is not None else timezone.localdate()
        return is_overdue(status=self.status, due=self.due_date, today=day)  # type: ignore[arg-type]
