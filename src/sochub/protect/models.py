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
    # Alerts go only to contacts who confirmed through the link sent to them (nobody can sign up someone else).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the self-assessment's one-off number: one sign-up per result.
    signup_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

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


# Vulnerable fraud-victim support (Operation Signature) -------------------------------------------------
#
# A case is opened by a referral at first contact: the person, the fraud, the vulnerability checklist and
# the priority it gave (stored with the checklist's version, so a later change of thresholds does not
# rewrite history). Every fraud about the person is a FraudReport on the case (the first is the referral's);
# everything that happens is a CaseEvent, the case's timeline.


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class FraudType(models.TextChoices):
    COURIER = "courier", "Courier fraud"
    ROMANCE = "romance", "Romance fraud"
    INVESTMENT = "investment", "Investment fraud"
    IMPERSONATION = "impersonation", "Impersonation (bank, police, HMRC...)"
    DOORSTEP = "doorstep", "Doorstep crime"
    ONLINE_SHOPPING = "online_shopping", "Online shopping or auction fraud"
    OTHER = "other", "Other"


class ReportedVia(models.TextChoices):
    CALL_999 = "999", "999 call"
    CALL_101 = "101", "101 call"
    ACTION_FRAUD = "action_fraud", "Action Fraud (NFIB)"
    BANKING_PROTOCOL = "banking_protocol", "Banking Protocol (bank or Post Office)"
    IN_PERSON = "in_person", "In person to an officer"
    ONLINE = "online", "Online report"
    FAMILY = "family", "Family, friend or carer"
    PARTNER = "partner", "Partner agency"
    OTHER = "other", "Other"


class ReferralSource(models.TextChoices):
    CALL_HANDLER = "call_handler", "Call handler"
    OFFICER = "officer", "Officer at first contact"
    BANK = "bank", "Bank or Post Office (Banking Protocol)"
    PARTNER = "partner", "Partner agency"
    FAMILY = "family", "Family, friend or carer"
    OTHER = "other", "Other"


class VictimCase(models.Model):
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=6, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    # The person
    name = models.CharField(max_length=200)
    birth_date = models.DateField()
    address = models.TextField(max_length=500, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    district = models.CharField(max_length=4, blank=True, db_index=True)  # "M14": the area in reports
    phone = models.CharField(max_length=20, blank=True)
    # The referral and its assessment
    referred_on = models.DateField(db_index=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referral_source = models.CharField(max_length=12, choices=ReferralSource.choices)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    age_at_referral = models.PositiveSmallIntegerField()
    indicators = models.JSONField(default=list, blank=True)  # checklist indicator ids ticked
    points = models.IntegerField()
    priority = models.CharField(max_length=10, db_index=True)  # the checklist's priority id
    priority_label = models.CharField(max_length=60)
    reasons = models.JSONField(default=list, blank=True)
    assessment = models.JSONField(default=dict, blank=True)  # Assessment.as_dict()
    checklist_name = models.CharField(max_length=100)
    checklist_version = models.CharField(max_length=40)
    checklist_fingerprint = models.CharField(max_length=64)
    # The visit by a uniformed neighbourhood officer
    visit_due = models.DateField()
    visit_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(null=True, blank=True)
    visit_notes = models.TextField(blank=True)
    # Long-term support and review
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_due = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"Victim case {self.pk}"

    @property
    def reference(self) -> str:
        return f"VC-{self.pk:05d}"

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else ""

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def visit_overdue(self) -> bool:
        return self.visited_on is None and self.is_open and self.visit_due < timezone.localdate()

    @property
    def review_overdue(self) -> bool:
        due = self.next_review_due
        return self.is_open and due is not None and due < timezone.localdate()


class FraudReport(models.Model):
    """One fraud against the person, as reported: the referral's, or a later one that matched the case."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="reports")
    fraud_type = models.CharField(max_length=16, choices=FraudType.choices)
    occurred_on = models.DateField()
    loss = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    crime_reference = models.CharField(max_length=40, blank=True)  # Action Fraud / NFIB reference
    reported_via = models.CharField(max_length=16, choices=ReportedVia.choices)
    description = models.TextField(max_length=2000, blank=True)
    # The person as this report named them (a repeat report may spell them differently)
    name = models.CharField(max_length=200)
    birth_date = models.DateField()
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    repeat = models.BooleanField(default=False)  # matched an existing case
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return f"Fraud report {self.pk} on case {self.case_id}"


class MeasureOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PLACE = "in_place", "In place"
    DECLINED = "declined", "Declined"
    NOT_SUITABLE = "not_suitable", "Not suitable"


class ProtectiveMeasure(models.Model):
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="measures")
    measure = models.CharField(max_length=40)  # the checklist's measure id
    label = models.CharField(max_length=150)
    partner = models.CharField(max_length=150)
    requested_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=MeasureOutcome.choices, default=MeasureOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.outcome})"


class CaseReview(models.Model):
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    notes = models.TextField(max_length=4000)
    next_due = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"Review of case {self.case_id} on {self.reviewed_on}"


class EventKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    VISIT_ASSIGNED = "visit_assigned", "Visit assigned"
    VISIT = "visit", "Visit"
    MEASURE = "measure", "Protective measure"
    VOLUNTEER = "volunteer", "Volunteer"
    REVIEW = "review", "Review"
    SUPPORT_NOTE = "support_note", "Support note"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    REPEAT_REPORT = "repeat_report", "Repeat report"


class CaseEvent(models.Model):
    """One line of a case's timeline."""

    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.title}"


class CaseAlert(models.Model):
    """Tells a case lead that something needs them: a repeat report about their victim."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(VictimCase, on_delete=models.CASCADE, related_name="alerts")
    report = models.ForeignKey(FraudReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message
