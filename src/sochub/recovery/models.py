"""Asset recovery (POCA): cash seizures, their detention orders and forfeiture notices.

Also account freezing orders (s303Z1) with their account forfeiture notices (s303Z9), and confiscation
orders (Part 2) with their payments and compliance orders (s13A). Deadlines (the end of initial detention, an
order's last day, an objection deadline, the time to pay) are computed by ``sochub.engine.recovery`` when the
record is written and stored beside it. Only what identifies a frozen account is kept: the bank, the sort
code and the last four digits of the account number.
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


class FreezingOrderStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    LAPSED = "lapsed", "Lapsed"
    SET_ASIDE = "set_aside", "Set aside"
    FORFEITED = "forfeited", "Forfeited"


class AccountFreezingOrder(models.Model):
    """An account freezing order (POCA s303Z1) obtained by one agency, for up to 2 years from the day it is made."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(max_length=100, help_text="Bank or building society holding the account.")
    sort_code = models.CharField(max_length=6, blank=True, help_text="Six digits, no dashes.")
    account_ending = models.CharField(max_length=4, blank=True, help_text="Last four digits of the account number.")
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))], help_text="Amount frozen."
    )
    made_on = models.DateField()
    court = models.CharField(max_length=200, blank=True)
    months = models.PositiveSmallIntegerField()
    expires_on = models.DateField(help_text="The order's last day (engine).")
    source_rule = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=FreezingOrderStatus.choices, default=FreezingOrderStatus.IN_FORCE)
    ended_on = models.DateField(null=True, blank=True, help_text="When it lapsed, was set aside or forfeited.")
    forfeited_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Account freezing order {self.pk}"

    @property
    def account_label(self) -> str:
        """The account as lists show it: the bank and the last four digits only."""
        return f"{self.bank} ending {self.account_ending}" if self.account_ending else self.bank

    @property
    def sort_code_display(self) -> str:
        code = self.sort_code
        return f"{code[0:2]}-{code[2:4]}-{code[4:6]}" if len(code) == 6 else code


class RecoveryNotice(models.Model):
    """A forfeiture notice: an ACFN on a cash seizure, or an AFN on an account freezing order."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    seizure = models.ForeignKey(CashSeizure, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    freezing_order = models.ForeignKey(
        AccountFreezingOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=4, choices=NoticeKind.choices)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Amount proposed to be forfeited (AFN)."
    )
    given_on = models.DateField()
    objection_days = models.PositiveSmallIntegerField(default=30, help_text="The objection period the notice gives.")
    objection_deadline = models.DateField(help_text="Last day to object (engine).")
    outcome = models.CharField(max_length=10, choices=NoticeOutcome.choices, default=NoticeOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, max_length=2000)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="recovery_notice_subject_v2",
                condition=models.Q(kind="acfn", seizure__isnull=False, freezing_order__isnull=True)
                | models.Q(kind="afn", freezing_order__isnull=False, seizure__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ConfiscationStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    PAID = "paid", "Paid"
    DEFAULT = "default", "In default"


class ConfiscationOrder(models.Model):
    """A Crown Court confiscation order (POCA Part 2) against one person, with the time allowed to pay (s11)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="+")
    court = models.CharField(max_length=200)
    made_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    benefit = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    available_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    time_to_pay_months = models.PositiveSmallIntegerField(default=0)
    extended = models.BooleanField(default=False, help_text="Time to pay was extended by the court.")
    due_on = models.DateField(help_text="Last day to pay (engine).")
    source_rule = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=ConfiscationStatus.choices, default=ConfiscationStatus.OUTSTANDING)
    default_note = models.TextField(blank=True, max_length=2000, help_text="The default sentence, once in default.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Confiscation order {self.pk} (£{self.amount:,.2f})"


class ConfiscationPayment(models.Model):
    """A payment towards a confiscation order."""

    order = models.ForeignKey(ConfiscationOrder, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"Payment {self.pk} (£{self.amount:,.2f})"


class ComplianceOrder(models.Model):
    """A compliance order (s13A) making a confiscation order effective; ``kind`` is an id of the rules' kinds."""

    confiscation = models.ForeignKey(ConfiscationOrder, on_delete=models.CASCADE, related_name="compliance_orders")
    kind = models.CharField(max_length=40)
    made_on = models.DateField()
    terms = models.TextField(max_length=2000)
    review_on = models.DateField(null=True, blank=True, help_text="Next review; none once discharged.")
    discharged_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"Compliance order {self.pk}"
