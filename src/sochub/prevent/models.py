"""Prevent programmes: data.

A programme (after Durham's Haggrid project) takes referrals of young people at risk of becoming involved in
serious and organised crime and moves them through its own phases, with sessions, attendance and outcomes.

Children's data gets the strictest defaults. A young person is **not** a nominal: ``YoungPerson`` is a model of
its own with no link to ``sochub.intel`` (no foreign key, no shared identifier), so nobody can find a young
person through nominal search, linkage, risk prioritisation or exports of the intelligence picture. Only the
minimum is kept (names, date of birth, optional sex, school, postcode district, never a full address); when a
retention review decides to erase a record its personal fields are emptied and an anonymous stub (status and
dates) keeps the programme's figures right.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sochub.partners.models import Agency, Region


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open to referrals"
    CLOSED = "closed", "Closed"


class Programme(models.Model):
    """A prevent programme run by one or more lead agencies for young people of an age range in an area."""

    name = models.CharField(max_length=200)
    lead_agencies = models.ManyToManyField(Agency, related_name="+")
    sponsor = models.CharField(max_length=200, blank=True, help_text="Who funds or sponsors the programme.")
    area = models.CharField(max_length=200, help_text="Where it runs, for example Manchester.")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    capacity_per_year = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    age_min = models.PositiveSmallIntegerField()
    age_max = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN)
    reference_version = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="prevent_programme_age_range", condition=models.Q(age_min__lte=models.F("age_max"))
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """One phase of a programme, in order (Haggrid: social education, community projects, reward activities)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["programme_id", "order"]
        constraints = [models.UniqueConstraint(fields=["programme", "order"], name="prevent_phase_order")]

    def __str__(self) -> str:
        return self.label


class MemberRole(models.TextChoices):
    LEAD = "lead", "Lead"
    PRACTITIONER = "practitioner", "Practitioner"
    VIEWER = "viewer", "Viewer"


class ProgrammeMember(models.Model):
    """A user assigned to a programme: only members see its young people."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=MemberRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme_id", "role", "user_id"]
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="prevent_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role})"


class YoungPersonStatus(models.TextChoices):
    REFERRED = "referred", "Referred, waiting for a decision"
    WAITING = "waiting", "On the waiting list"
    DECLINED = "declined", "Declined"
    ACTIVE = "active", "Taking part"
    COMPLETED = "completed", "Completed the programme"
    LEFT = "left", "Left before completing"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_SAID = "", "Not given"


class YoungPerson(models.Model):
    """A young person referred to one programme: the referral, its consent and decision, and their progress.

    Never linked to a nominal. Personal fields are emptied on erasure (``erased_at`` set)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="young_people")
    # Personal data (minimised): emptied on erasure.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    school = models.CharField(max_length=200, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True, help_text="The first part of the postcode only.")
    # The referral.
    referred_on = models.DateField()
    referrer_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referrer_contact = models.CharField(max_length=200, blank=True, help_text="The referrer's name and role.")
    risk_factors = models.JSONField(default=list, blank=True)
    reasons = models.TextField(blank=True, max_length=2000)
    safeguarding_flags = models.JSONField(default=list, blank=True)
    # Consent: the young person's (from the consent age) and a parent's or guardian's.
    young_person_consent = models.BooleanField(default=False)
    young_person_consent_how = models.CharField(max_length=200, blank=True)
    young_person_consent_on = models.DateField(null=True, blank=True)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=100, blank=True)
    guardian_consent_how = models.CharField(max_length=200, blank=True)
    guardian_consent_on = models.DateField(null=True, blank=True)
    # Decision and progress.
    status = models.CharField(max_length=10, choices=YoungPersonStatus.choices, default=YoungPersonStatus.REFERRED)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    current_phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.TextField(blank=True, max_length=2000)
    # Retention.
    retention_review_on = models.DateField()
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["retention_review_on"]),
        ]

    def __str__(self) -> str:
        return f"Young person {self.pk}"

    @property
    def name(self) -> str:
        return "Erased record" if self.erased_at else f"{self.first_name} {self.last_name}".strip()

    @property
    def decided(self) -> bool:
        return self.status not in (YoungPersonStatus.REFERRED, YoungPersonStatus.WAITING)


class ParticipantPhase(models.Model):
    """A participant's time in one phase: started, and completed once attendance reached the threshold."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="phase_history")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    attendance_rate = models.FloatField(null=True, blank=True, help_text="Attendance when it was completed.")

    class Meta:
        ordering = ["young_person_id", "phase__order"]
        constraints = [models.UniqueConstraint(fields=["young_person", "phase"], name="prevent_phase_once")]

    def __str__(self) -> str:
        return f"{self.young_person_id} in {self.phase_id}"


class Session(models.Model):
    """A session of one phase of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True)
    facilitator = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class Mark(models.TextChoices):
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="attendance")
    mark = models.CharField(max_length=10, choices=Mark.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session_id", "young_person_id"]
        constraints = [models.UniqueConstraint(fields=["session", "young_person"], name="prevent_attendance_once")]

    def __str__(self) -> str:
        return f"{self.young_person_id}: {self.mark}"


class Outcome(models.Model):
    """A qualification, placement, peer mentoring role or award; ``kind`` is an id of the reference's kinds."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=40, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    achieved_on = models.DateField()
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["achieved_on", "id"]

    def __str__(self) -> str:
        return self.title


class ReoffendingResult(models.TextChoices):
    NONE = "none", "No offending recorded"
    OFFENDING = "offending", "Offending recorded"
    UNKNOWN = "unknown", "Unknown"


class ReoffendingCheck(models.Model):
    """A check for recorded offending 6 or 12 months after leaving (periods in the reference data)."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="reoffending_checks")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    result = models.CharField(max_length=10, choices=ReoffendingResult.choices, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["young_person", "months"], name="prevent_check_once")]

    def __str__(self) -> str:
        return f"{self.months}-month check of {self.young_person_id}"


class RetentionDecision(models.TextChoices):
    RETAIN = "retain", "Retain"
    ERASE = "erase", "Erase"


class RetentionReview(models.Model):
    """A programme lead's decision on a record due for review: retain (with a reason and the next review) or
    erase."""

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="retention_reviews")
    decision = models.CharField(max_length=6, choices=RetentionDecision.choices)
    reason = models.TextField(blank=True, max_length=2000)
    next_review_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} {self.young_person_id}"
