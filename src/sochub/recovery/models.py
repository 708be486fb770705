"""Asset recovery (POCA): cash seizures, their detention orders and forfeiture notices.

Deadlines (the end of initial detention, an order's last day, an objection deadline) are computed by
``sochub.engine.recovery`` when the record is written and stored beside it. Account freezing orders,
confiscation and compliance orders are not modelled here yet.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from sochub.intel.models import OCG, Nominal
from sochub.partners.models import Agency


class Nation(models.TextChoices):
    ENGLAND_WALES = "england-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class SeizureStatus(models.TextChoices):
    DETAINED = "detained", "Detained"
    RELEASED = "released", "Released"
    FORFEITED = "forfeited", "Forfeited"
    RETURNED = "returned", "Returned"


class NoticeKind(models.TextChoices):
    ACFN = "acfn", "Administrative cash forfeiture notice"
    AFN = "afn", "Account forfeiture notice"


class NoticeOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    OBJECTED = "objected", "Objected to"
    FORFEITED = "forfeited", "Forfeited without objection"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CashSeizure(models.Model):
    """Cash seized under POCA s294 by one agency; held while detained, closed when released, forfeited or returned."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    seized_at = models.DateTimeField()
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND_WALES)
    place = models.CharField(max_length=200, blank=True)
    officer = models.CharField(max_length=200, blank=True, help_text="The seizing officer.")
    initial_detention_ends = models.DateTimeField(help_text="48 working hours after seizure (engine).")
    source_rule = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=SeizureStatus.choices, default=SeizureStatus.DETAINED)
    closed_reason = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seized_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Cash seizure {self.pk} (£{self.amount:,.2f})"

    @property
    def seized_local(self) -> datetime:
        return timezone.localtime(self.seized_at)

    @property
    def detention_local(self) -> datetime:
        return timezone.localtime(self.initial_detention_ends)


class DetentionOrder(models.Model):
    """A court order (s295(2)) extending detention of seized cash by up to 6 months, within 2 years in all."""

    seizure = models.ForeignKey(CashSeizure, on_delete=models.CASCADE, related_name="orders")
    granted_on = models.DateField()
    months = models.PositiveSmallIntegerField()
    expires_on = models.DateField(help_text="The order's last day (engine).")
    court = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["granted_on", "id"]

    def __str__(self) -> str:
        return f"Detention order {self.pk} ({self.granted_on} to {self.expires_on})"


class RecoveryNotice(models.Model):
    """A forfeiture notice: an ACFN on a cash seizure, or an AFN on a frozen account (named by reference)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    seizure = models.ForeignKey(CashSeizure, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    account = models.CharField(max_length=200, blank=True, help_text="The frozen account an AFN is about.")
    kind = models.CharField(max_length=4, choices=NoticeKind.choices)
    given_on = models.DateField()
    objection_deadline = models.DateField(help_text="Last day to object (engine).")
    outcome = models.CharField(max_length=10, choices=NoticeOutcome.choices, default=NoticeOutcome.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="recovery_notice_subject",
                condition=models.Q(kind="acfn", seizure__isnull=False) | models.Q(kind="afn"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
