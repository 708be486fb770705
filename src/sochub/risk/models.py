"""Risk: assessments of themes, OCGs and nominals, and prioritisation runs with their explained lists.

Every stored score keeps the model it was made with (id, version, fingerprint and the model itself), so an
old score can be read and re-explained after the model changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.intel.models import OCG, Classification, Nominal, ThreatCategory
from sochub.jobs.models import Job
from sochub.partners.models import Agency


class Subject(models.TextChoices):
    THEME = "theme", "Threat theme (strategic)"
    OCG = "ocg", "OCG: harm-based (tactical)"
    OCG_ATTRIBUTES = "ocg_attributes", "OCG: attributes"
    NOMINAL = "nominal", "Nominal"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class Assessment(models.Model):
    """One assessment of one subject with one model. Draft -> submitted -> approved -> superseded (when a
    newer one for the same subject is approved); a submitted one can be returned to draft with a reason."""

    subject_type = models.CharField(max_length=15, choices=Subject.choices)
    theme = models.CharField(max_length=40, choices=ThreatCategory.choices, blank=True)
    area = models.CharField(max_length=200, blank=True, help_text="The area a theme is assessed for.")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments")
    nominal = models.ForeignKey(
        Nominal, null=True, blank=True, on_delete=models.CASCADE, related_name="risk_assessments"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    classification = models.CharField(max_length=20, choices=Classification.choices, default=Classification.OFFICIAL)

    model_id = models.CharField(max_length=100)
    model_version = models.CharField(max_length=40)
    model_fingerprint = models.CharField(max_length=64)
    model_label = models.CharField(max_length=200)
    model_official = models.BooleanField(default=False)
    model_data = models.JSONField(help_text="The whole model as validated, so the score can be re-read later.")

    ratings = models.JSONField(default=dict, blank=True, help_text="dimension -> level (or attribute -> answer)")
    rationales = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True, help_text="The scored result; empty while incomplete.")
    priority = models.CharField(max_length=40, blank=True, help_text="Risk band (or attribute band).")
    tier = models.CharField(max_length=10, blank=True, help_text="high, medium or low")
    risk_percent = models.FloatField(null=True, blank=True)
    risk_gap = models.BooleanField(default=False)

    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    returned_reason = models.TextField(blank=True, max_length=2000)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "status"])]
        constraints = [
            models.CheckConstraint(
                name="assessment_subject_matches_type",
                condition=(
                    models.Q(subject_type="theme", ocg__isnull=True, nominal__isnull=True)
                    | models.Q(subject_type__in=["ocg", "ocg_attributes"], ocg__isnull=False, nominal__isnull=True)
                    | models.Q(subject_type="nominal", ocg__isnull=True, nominal__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_type_display()} assessment {self.pk} ({self.get_status_display()})"

    @property
    def subject_label(self) -> str:
        if self.subject_type == Subject.THEME:
            label = ThreatCategory(self.theme).label if self.theme else "Theme"
            return f"{label}, {self.area}" if self.area else label
        if self.ocg_id:
            return str(self.ocg)
        return f"Nominal {str(self.nominal_id)[:8].upper()}"

    @property
    def review_overdue(self) -> bool:
        return (
            self.status == AssessmentStatus.APPROVED
            and self.review_due is not None
            and self.review_due < timezone.localdate()
        )


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PrioritisationRun(models.Model):
    """One ranking of the nominals one user could see, with the model it used and what it found."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(max_length=500)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.TextField(blank=True)

    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=40)
    model_fingerprint = models.CharField(max_length=64)
    model_data = models.JSONField()
    top = models.PositiveIntegerField(default=20)
    seed = models.PositiveIntegerField()
    draws = models.PositiveIntegerField()
    as_of = models.DateField()

    people = models.PositiveIntegerField(default=0, help_text="Nominals the run could see.")
    scored = models.PositiveIntegerField(default=0, help_text="Nominals scoring above 0.")
    protected = models.PositiveIntegerField(default=0, help_text="Victims, children and vulnerable people not ranked.")
    summary = models.JSONField(default=dict, blank=True)
    equality = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Prioritisation run {self.pk} ({self.get_status_display()})"

    @property
    def weights(self) -> dict[str, float]:
        """The component weights the run used, rescaled over the components it had data for."""
        used = self.summary.get("components used (weights rescaled)", {})
        return {str(k): float(v) for k, v in used.items()}


class PrioritisedNominal(models.Model):
    """A nominal scoring above 0 in a run. ``values`` (0..1 per component) let the what-if page reweight."""

    run = models.ForeignKey(PrioritisationRun, on_delete=models.CASCADE, related_name="entries")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    values = models.JSONField()
    contributions = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    explanation = models.JSONField(default=list, blank=True, help_text="Plain-English lines, for the top N.")
    p_top = models.FloatField(null=True, blank=True)
    rank_low = models.PositiveIntegerField(null=True, blank=True)
    rank_high = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "nominal"], name="one_entry_per_nominal_per_run")]
        indexes = [models.Index(fields=["run", "rank"])]

    def __str__(self) -> str:
        return f"#{self.rank} in run {self.run_id}"


class RetentionStatus(models.TextChoices):
    OPEN = "open", "Awaiting review"
    KEEP = "keep", "Keep: still necessary"
    REMOVE = "remove", "Remove from the intelligence picture"


class RetentionReview(models.Model):
    """A nominal who was on a priority list and now scores 0: review whether their data is still needed
    (MoPI review; the ICO's finding on the Gangs Matrix was that people stayed on it after the risk went)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(PrioritisationRun, on_delete=models.CASCADE, related_name="retention_reviews")
    previous_run = models.ForeignKey(PrioritisationRun, on_delete=models.CASCADE, related_name="+")
    previous_rank = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"Retention review of {self.nominal_id} ({self.get_status_display()})"
