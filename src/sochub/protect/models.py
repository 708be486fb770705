"""Anonymous self-assessment responses, the people who asked for local alerts, and the alerts sent to them.

A response keeps no time, address or contact detail: only the postcode district (if given), the date, the
answers and the segment they led to, and which questionnaire asked them. A contact is kept apart from any
response: an e-mail address or a phone number, the district and the segment (to send fitting advice), and
when they agreed. Nothing links a contact to their answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SelfAssessment(models.Model):
    district = models.CharField(max_length=4, blank=True, db_index=True)  # "M14", "" when not given
    submitted_on = models.DateField(db_index=True)
    segment = models.CharField(max_length=2, db_index=True)
    vulnerable = models.BooleanField()  # as the questionnaire rated the segment when answered
    answers = models.JSONField(default=list)  # [[question id, answer id], ...] in the order asked
    questionnaire = models.CharField(max_length=100)
    questionnaire_version = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    # A hash of the one-off number each run through the questions carries: a refreshed or replayed
    # submission is stored once. Random, so it says nothing about who answered.
    submission = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.submitted_on} {self.district or '-'} {self.segment}"


class ContactKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone (text message)"


class AlertContact(models.Model):
    kind = models.CharField(max_length=5, choices=ContactKind.choices)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    district = models.CharField(max_length=4, db_index=True)
    segment = models.CharField(max_length=2, db_index=True)
    consented_at = models.DateTimeField(default=timezone.now)
    consent_wording = models.CharField(max_length=500)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Alert contact #{self.pk} ({self.kind}, {self.district})"

    @property
    def subscribed(self) -> bool:
        return self.unsubscribed_at is None


class AlertMessage(models.Model):
    """One send to contacts: who sent it, to which filter, how many it reached and through what."""

    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    segments = models.JSONField(default=list, blank=True)  # [] = every segment
    districts = models.JSONField(default=list, blank=True)  # [] = every district
    subject = models.CharField(max_length=150)
    body = models.TextField()
    emailed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    sms_skipped = models.PositiveIntegerField(default=0)
    backend = models.CharField(max_length=200)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"
