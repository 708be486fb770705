"""Suspicious activity reports (SARs to the UKFIU) relevant to the partnership: data.

A report is seen only by the people on its access list (the recorder, and those the recorder adds), never by
its agency as a whole, a coordinator or an administrator: anyone else gets 404 (tipping off is an offence,
POCA s333A). Nothing here is linked from a nominal's page, search or exports; the report points at its subjects,
never the other way. Every report is handled OFFICIAL-SENSITIVE. The DAML notice period and moratorium are
computed by ``sochub.engine.suspicious_activity`` when the report or decision is recorded and stored beside it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from sochub.engine.suspicious_activity import SECTOR_IDS
from sochub.intel.models import Classification, Nominal
from sochub.partners.models import Agency


class ReportType(models.TextChoices):
    INFORMATION = "information", "Information"
    DAML = "daml", "Defence against money laundering (DAML)"
    DATF = "datf", "Defence against terrorist financing (DATF)"


class Sector(models.TextChoices):
    """The controlled list of reporting sectors (the engine's ``SECTOR_IDS``, in its order)."""

    BANKS = "banks", "Banks"
    MONEY_SERVICE_BUSINESSES = "money_service_businesses", "Money service businesses"
    ACCOUNTANTS = "accountants", "Accountants"
    LEGAL_PROFESSIONALS = "legal_professionals", "Legal professionals"
    ESTATE_AGENTS = "estate_agents", "Estate agents"
    HIGH_VALUE_DEALERS = "high_value_dealers", "High value dealers"
    GAMBLING = "gambling", "Gambling"
    TRUST_COMPANY_SERVICE_PROVIDERS = "trust_company_service_providers", "Trust and company service providers"
    OTHER = "other", "Other"


assert tuple(Sector.values) == SECTOR_IDS, "the model's sectors must be the engine's controlled list"


class Decision(models.TextChoices):
    """What has been recorded about consent; "deemed" is computed (no refusal by the end of the notice period)."""

    PENDING = "pending", "No decision recorded"
    GRANTED = "granted", "Consent granted"
    REFUSED = "refused", "Consent refused"


class Nation(models.TextChoices):
    ENGLAND_WALES = "england-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class SuspiciousActivityReport(models.Model):
    """One suspicious activity report submitted to the UKFIU that matters to the partnership."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    ukfiu_reference = models.CharField(max_length=40)
    report_type = models.CharField(max_length=12, choices=ReportType.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    reporter_organisation = models.CharField(max_length=200)
    submitted_on = models.DateField()
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        default=Nation.ENGLAND_WALES,
        help_text="Where the reporter was: its bank holidays are left out of the notice period.",
    )
    glossary_codes = models.JSONField(default=list, blank=True)
    no_codes_apply = models.BooleanField(default=False)
    reference_version = models.CharField(max_length=100, help_text="The reference data the codes were checked with.")
    reason_for_suspicion = models.TextField(max_length=10000)
    property_description = models.TextField(max_length=4000, blank=True)
    property_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    prohibited_act = models.TextField(max_length=4000, blank=True, help_text="Required for a DAML or DATF.")
    handling = models.CharField(max_length=20, default=Classification.OFFICIAL_SENSITIVE, editable=False)
    notice_period_ends = models.DateField(null=True, blank=True, help_text="DAML: 7th working day (engine).")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)
    moratorium_ends = models.DateField(null=True, blank=True, help_text="After a refusal, with extensions (engine).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["agency", "submitted_on"]),
            models.Index(fields=["report_type", "decision"]),
        ]

    def __str__(self) -> str:
        return f"Suspicious activity report {self.ukfiu_reference}"

    @property
    def asks_for_defence(self) -> bool:
        return self.report_type in (ReportType.DAML, ReportType.DATF)


class SubjectKind(models.TextChoices):
    PERSON = "person", "Person"
    COMPANY = "company", "Company"


class ReportSubject(models.Model):
    """A subject of a report: a person linked to a nominal, or a company by name and number."""

    report = models.ForeignKey(SuspiciousActivityReport, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name_as_reported = models.CharField(max_length=200, blank=True, help_text="The name the reporter gave.")
    company_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Subject {self.pk} of report {self.report_id}"


class ReportAccess(models.Model):
    """One person on a report's access list: they, and only they (with the others listed), may see it.

    ``agency`` is the person's agency when added: the entry counts only while they are still there.
    """

    report = models.ForeignKey(SuspiciousActivityReport, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorder = models.BooleanField(default=False)
    financial_investigator = models.BooleanField(
        default=False, help_text="Added from another agency as its financial investigator."
    )
    reason = models.CharField(max_length=500)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_access_once_per_user")]

    def __str__(self) -> str:
        return f"Access of user {self.user_id} to report {self.report_id}"


class MoratoriumExtension(models.Model):
    """A court extension of the moratorium after a refusal (POCA s336A)."""

    report = models.ForeignKey(SuspiciousActivityReport, on_delete=models.CASCADE, related_name="extensions")
    granted_on = models.DateField()
    days = models.PositiveSmallIntegerField()
    court = models.CharField(max_length=200, blank=True)
    ends_on = models.DateField(help_text="The moratorium's last day with this extension (engine).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["granted_on", "id"]

    def __str__(self) -> str:
        return f"Extension {self.pk} of report {self.report_id}"
