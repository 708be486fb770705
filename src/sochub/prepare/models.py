"""Intimidation and surveys: data.

An intimidation case records intimidation of a victim, a witness or a community connected to an OCG and/or a
nominal, by the agency that recorded it, with a risk level, a management plan of protective measures (for a
level 2 or level 1 person) and reviews whose next date follows the risk level (``sochub.engine.intimidation``).
Only what is needed of the person is kept: a name, one way to make contact, or just the case's witness
reference. A case may be shared with named agencies.

A survey is designed by an administrator or coordinator, asks questions of an audience of agencies (by kind,
region or name) between two dates, and takes one response per agency: a draft, then submitted and locked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.intel.models import OCG, Nominal
from sochub.partners.models import Agency, Region


class SubjectKind(models.TextChoices):
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    COMMUNITY = "community", "Community"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    LEVEL_2 = "level_2", "Level 2"
    LEVEL_1 = "level_1", "Level 1"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class IntimidationCase(models.Model):
    """Intimidation of one victim, witness or community, recorded by one agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    person_name = models.CharField(max_length=200, blank=True, help_text="The intimidated person's name.")
    person_contact = models.CharField(max_length=200, blank=True, help_text="One safe way to make contact.")
    witness_reference = models.CharField(
        max_length=100, blank=True, help_text="The case's witness reference, instead of a name."
    )
    community = models.CharField(max_length=200, blank=True, help_text="The community or area intimidated.")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(help_text="When the intimidation happened.")
    reported_on = models.DateField(help_text="When it was reported; the first review is due from this day.")
    kind = models.CharField(max_length=60)
    description = models.TextField(max_length=4000)
    case_reference = models.CharField(max_length=100, blank=True, help_text="Linked crime or court case reference.")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    next_review_on = models.DateField(null=True, blank=True, help_text="From the risk level's interval (engine).")
    reference_version = models.CharField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["status", "next_review_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ocg__isnull=False) | models.Q(nominal__isnull=False),
                name="intimidation_case_linked",
            )
        ]

    def __str__(self) -> str:
        return f"Intimidation case {self.pk}"

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:05d}"


class ManagementPlan(models.Model):
    """The plan for a level 2 (or level 1) intimidated person: its owner officer and protective measures."""

    case = models.OneToOneField(IntimidationCase, on_delete=models.CASCADE, related_name="plan")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Management plan of case {self.case_id}"


class ProtectiveMeasure(models.Model):
    """One measure of a plan (from the reference list) with where it stands and since when."""

    plan = models.ForeignKey(ManagementPlan, on_delete=models.CASCADE, related_name="measures")
    measure = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    status_on = models.DateField()
    notes = models.TextField(max_length=2000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "measure"], name="protective_measure_once")]

    def __str__(self) -> str:
        return self.label


class IntimidationReview(models.Model):
    """A review of a case: who reviewed it when, the risk level after it and the next review date (engine)."""

    case = models.ForeignKey(IntimidationCase, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(max_length=4000)
    risk_before = models.CharField(max_length=10, choices=RiskLevel.choices)
    risk_after = models.CharField(max_length=10, choices=RiskLevel.choices)
    was_due_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review {self.pk} of case {self.case_id}"

    @property
    def late(self) -> bool:
        return self.was_due_on is not None and self.reviewed_on > self.was_due_on


class CaseShare(models.Model):
    """The recording agency shares a case with another agency, whose intelligence users may then read it."""

    case = models.ForeignKey(IntimidationCase, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shared_at", "id"]

    def __str__(self) -> str:
        return f"Case {self.case_id} shared with {self.agency_id}"


# Surveys ----------------------------------------------------------------------------------------------


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    """A survey of partner agencies; its audience is the named agencies plus those of the chosen kinds and
    regions (both must match when both are chosen)."""

    title = models.CharField(max_length=200)
    introduction = models.TextField(max_length=4000, blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opens_on = models.DateField()
    closes_on = models.DateField()
    audience_kinds = models.JSONField(default=list, blank=True)
    audience_regions = models.ManyToManyField(Region, blank=True, related_name="+")
    audience_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_dates")
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    NUMBER = "number", "Number"
    TEXT = "text", "Free text"
    SCALE = "scale", "Scale"


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class SurveyResponse(models.Model):
    """One agency's answers; locked once submitted. ``answers`` maps question ids (as text) to answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["survey", "agency"], name="survey_response_one_per_agency")]

    def __str__(self) -> str:
        return f"Response of {self.agency_id} to survey {self.survey_id}"
