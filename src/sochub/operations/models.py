"""Operations: disruptions recorded against OCGs and nominals, by any partner agency; joint operations (nights of
action, coordinated raids) with their targets, tasks and outcomes; and the problem premises register with its visits
and actions.

Each disruption keeps the tactic's label, type and area and the menu it was recorded with (name, version,
fingerprint), so a later change to the menu never alters what was recorded.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from sochub.engine.disruptions import IMPACT_LEVELS
from sochub.intel.models import OCG, Nominal, Premises
from sochub.partners.models import Agency, Region

IMPACT_CHOICES = [(level, level.capitalize()) for level in IMPACT_LEVELS]


class Disruption(models.Model):
    """One tactic used against one OCG or one nominal, with its impact on the national scale.

    Recorded by one person; it counts once another analyst or coordinator of the same agency validates it.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.CASCADE, related_name="disruptions")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.CASCADE, related_name="disruptions")
    tactic = models.CharField(max_length=100)
    tactic_label = models.CharField(max_length=300)
    tactic_type = models.CharField(max_length=60)
    area = models.CharField(max_length=60, help_text="The menu area the tactic sits in.")
    impact = models.CharField(max_length=10, choices=IMPACT_CHOICES)
    rationale = models.TextField(max_length=2000)
    date = models.DateField(help_text="When the tactic was used.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    menu_name = models.CharField(max_length=200)
    menu_version = models.CharField(max_length=40)
    menu_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(ocg__isnull=False, nominal__isnull=True))
                | (models.Q(ocg__isnull=True, nominal__isnull=False)),
                name="disruption_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Disruption {self.pk}: {self.tactic_label}"

    @property
    def validated(self) -> bool:
        return self.validated_by_id is not None


# Joint operations ---------------------------------------------------------------------------------------


class OperationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    LIVE = "live", "Live"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class JointOperation(models.Model):
    """A night of action or coordinated raid planned by a lead agency with partner agencies (Operation Joined Up,
    Safer Six): its targets, each agency's tasks and the outcomes every participant records."""

    name = models.CharField(max_length=200)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(Agency, blank=True, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    area = models.CharField(max_length=200, help_text="Where it takes place, in words.")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    objective = models.TextField(max_length=4000)
    status = models.CharField(max_length=10, choices=OperationStatus.choices, default=OperationStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="joint_operation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_region_id(self) -> int | None:
        """The operation's region, or the lead agency's when none was given."""
        return self.region_id or self.lead_agency.region_id


class TargetKind(models.TextChoices):
    NOMINAL = "nominal", "Person"
    OCG = "ocg", "Organised crime group"
    PREMISES = "premises", "Premises"
    PROBLEM_PREMISES = "problem_premises", "Problem premises"


class OperationTarget(models.Model):
    """One target of an operation: a nominal, an OCG, premises, or a problem premises of the register.

    ``agency`` is the agency that added it; people who cannot see the target itself are told it is held by that
    agency, nothing more."""

    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    premises = models.ForeignKey(Premises, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    problem_premises = models.ForeignKey(
        "ProblemPremises", null=True, blank=True, on_delete=models.PROTECT, related_name="operation_targets"
    )
    note = models.CharField(max_length=500, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="operation_target_one_subject",
                condition=(
                    models.Q(kind="nominal", nominal__isnull=False, ocg__isnull=True, premises__isnull=True)
                    & models.Q(problem_premises__isnull=True)
                )
                | (
                    models.Q(kind="ocg", nominal__isnull=True, ocg__isnull=False, premises__isnull=True)
                    & models.Q(problem_premises__isnull=True)
                )
                | (
                    models.Q(kind="premises", nominal__isnull=True, ocg__isnull=True, premises__isnull=False)
                    & models.Q(problem_premises__isnull=True)
                )
                | (
                    models.Q(kind="problem_premises", nominal__isnull=True, ocg__isnull=True, premises__isnull=True)
                    & models.Q(problem_premises__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Target {self.pk} ({self.kind}) of operation {self.operation_id}"


class TaskStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class OperationTask(models.Model):
    """Something one participating agency is to do for the operation."""

    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=2000)
    assigned_to = models.CharField(max_length=200, blank=True, help_text="The person or team, in words.")
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.TO_DO)
    due = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "due", "id"]

    def __str__(self) -> str:
        return f"Task {self.pk} for {self.agency_id}"


class OutcomeKind(models.TextChoices):
    """What an operation achieved: fixed legal and safeguarding categories, so a TextChoices."""

    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    SEIZURE = "seizure", "Seizure"
    LICENSING_ACTION = "licensing_action", "Licensing action"
    CLOSURE_ORDER = "closure_order", "Closure notice or order"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral"
    RECOVERED_PROPERTY = "recovered_property", "Recovered stolen property"


class SeizureKind(models.TextChoices):
    DRUGS = "drugs", "Drugs"
    CASH = "cash", "Cash"
    WEAPONS = "weapons", "Weapons"
    VEHICLES = "vehicles", "Vehicles"
    PROPERTY = "property", "Property"


class OperationOutcome(models.Model):
    """One result recorded by a participating agency: ``quantity`` people or items of one kind.

    A seizure names its kind; recovered property records whether its owner is identified and when it was
    returned (the "Aladdin's cave" of Safer Six)."""

    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="outcomes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=OutcomeKind.choices)
    seizure_kind = models.CharField(max_length=10, choices=SeizureKind.choices, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    description = models.CharField(max_length=500, blank=True)
    estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    target = models.ForeignKey(
        OperationTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    owner_identified = models.BooleanField(default=False)
    returned_on = models.DateField(null=True, blank=True)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="operation_outcome_seizure_kind",
                condition=models.Q(kind="seizure", seizure_kind__gt="")
                | (~models.Q(kind="seizure") & models.Q(seizure_kind="")),
            ),
            models.CheckConstraint(
                name="operation_outcome_return",
                condition=models.Q(returned_on__isnull=True) | models.Q(kind="recovered_property"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} x{self.quantity} (operation {self.operation_id})"


# Problem premises register -------------------------------------------------------------------------------


class LicenceStatus(models.TextChoices):
    """The controlled list of licence positions a problem premises can be in."""

    PREMISES_LICENCE = "premises_licence", "Premises licence (licensed premises)"
    LATE_NIGHT_REFRESHMENT = "late_night_refreshment", "Late-night refreshment licence"
    ALCOHOL = "alcohol", "Alcohol licence"
    HMO = "hmo", "House in multiple occupation licence"
    NONE = "none", "No licence"
    SUSPENDED = "suspended", "Licence suspended"
    REVOKED = "revoked", "Licence revoked"


class RiskLevel(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ProblemPremises(models.Model):
    """A premises partners agree is a problem (a shop selling illicit tobacco, a car wash using forced labour, a
    flat used for supply...): its licence position, owner and manager, risk with reasons, the visits made and the
    actions taken. Recorded by one agency; see ``policies.visible_problem_premises`` for who sees it."""

    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, blank=True, help_text="Trading name, if any.")
    area = models.CharField(max_length=200, blank=True, help_text="Neighbourhood or district, for filtering.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    licence_status = models.CharField(max_length=24, choices=LicenceStatus.choices)
    licensing_authority = models.CharField(max_length=200, blank=True)
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices)
    risk_reasons = models.TextField(max_length=2000)
    active = models.BooleanField(default=True, help_text="Off once partners agree it is no longer a problem.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "problem premises"
        indexes = [models.Index(fields=["agency", "active"])]

    def __str__(self) -> str:
        return self.name or f"Problem premises {self.pk}"


class VisitKind(models.TextChoices):
    LICENSING = "licensing", "Licensing inspection"
    TRADING_STANDARDS = "trading_standards", "Trading standards"
    IMMIGRATION = "immigration", "Immigration"
    HMRC = "hmrc", "HMRC"
    FIRE_SAFETY = "fire_safety", "Fire safety"
    POLICE = "police", "Police"


class PremisesVisit(models.Model):
    """A visit to a problem premises by one agency, optionally as part of a joint operation."""

    problem_premises = models.ForeignKey(ProblemPremises, on_delete=models.CASCADE, related_name="visits")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()
    officers = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=VisitKind.choices)
    findings = models.TextField(max_length=4000)
    operation = models.ForeignKey(
        JointOperation, null=True, blank=True, on_delete=models.SET_NULL, related_name="premises_visits"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} visit on {self.visited_on:%d/%m/%Y}"


class ActionKind(models.TextChoices):
    LICENCE_REVIEW = "licence_review", "Licence review"
    CLOSURE_NOTICE = "closure_notice", "Closure notice"
    CLOSURE_ORDER = "closure_order", "Closure order"
    PROSECUTION = "prosecution", "Prosecution"
    WARNING_LETTER = "warning_letter", "Warning letter"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PremisesAction(models.Model):
    """An enforcement action against a problem premises (licence review, closure, prosecution...)."""

    problem_premises = models.ForeignKey(ProblemPremises, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    detail = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    started_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
