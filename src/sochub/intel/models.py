"""The intelligence picture: nominals built from agency-owned facts, OCGs, links and graded intelligence.

Names follow FollowTheMoney where it has one (Person, Address, Vehicle, ``birthDate``,
``idNumber``...). Every fact and record is owned by one agency; other agencies see it only
through an unexpired :class:`Share`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.partners.models import Agency


class Classification(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Nominal(models.Model):
    """One real person. The ``id`` is stable; a merged-away nominal points at its survivor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed")
    merged_at = models.DateTimeField(null=True, blank=True)
    # Test-only ground truth for demo data (never shown in the UI or API).
    demo_truth = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def short_id(self) -> str:
        return str(self.id)[:8].upper()

    def survivor(self) -> Nominal:
        """This nominal, or the one it was merged into (following a chain of merges)."""
        nominal = self
        while nominal.merged_into_id:
            nominal = Nominal.objects.get(pk=nominal.merged_into_id)
        return nominal


class FactKind(models.TextChoices):
    """What an agency knows about a person (FollowTheMoney Person property in brackets)."""

    NAME = "name", "Name"  # name
    ALIAS = "alias", "Alias"  # alias
    BIRTH_DATE = "birth_date", "Date of birth"  # birthDate
    SEX = "sex", "Sex"  # gender
    NATIONALITY = "nationality", "Nationality"  # nationality
    PNC_ID = "pnc_id", "PNC ID"  # idNumber
    NI_NUMBER = "ni_number", "National Insurance number"  # idNumber
    PASSPORT = "passport", "Passport number"  # passportNumber
    ADDRESS = "address", "Address"  # addressEntity
    PHONE = "phone", "Phone"  # phone
    WARNING_MARKER = "warning_marker", "Warning marker"
    FOREIGN_NATIONAL = "foreign_national", "Foreign national"
    # Safeguarding: a victim, a child at risk or a vulnerable adult. Never raises enforcement priority.
    VULNERABILITY = "vulnerability", "Victim or vulnerability"


class WarningMarker(models.TextChoices):
    FIREARMS = "firearms", "Firearms"
    WEAPONS = "weapons", "Weapons"
    VIOLENCE = "violence", "Violence"
    DRUGS = "drugs", "Drugs"
    ESCAPER = "escaper", "Escaper"
    SELF_HARM = "self_harm", "Self harm"
    MENTAL_HEALTH = "mental_health", "Mental health"
    CONTAGION = "contagion", "Contagion"
    SUICIDAL = "suicidal", "Suicidal"
    ALLEGES = "alleges", "Alleges"


class NominalFact(models.Model):
    """One thing one agency holds about one nominal.

    ``value`` is what people read; ``key`` is the normalised form searched on (upper case, no
    spaces: a postcode for an address, digits for a phone, ISO date for a date of birth).
    ``data`` keeps structured parts (given names and surname, address lines).
    """

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="facts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=FactKind.choices)
    value = models.CharField(max_length=500)
    key = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    source_ref = models.CharField(max_length=100, blank=True, db_index=True, help_text="The agency's own reference.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["kind", "key"]),
            models.Index(fields=["nominal", "agency"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class NameToken(models.Model):
    """Search keys for one word of a name fact: the word, and its Soundex and Metaphone codes.

    A misspelt query word finds a name through a shared phonetic key; the candidates are then
    ranked by string similarity (see ``sochub.engine.names``).
    """

    fact = models.ForeignKey(NominalFact, on_delete=models.CASCADE, related_name="tokens")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=60, db_index=True)
    soundex = models.CharField(max_length=8, db_index=True)
    metaphone = models.CharField(max_length=20, db_index=True)

    def __str__(self) -> str:
        return f"{self.token} ({self.soundex}/{self.metaphone})"


class ThreatCategory(models.TextChoices):
    """The serious and organised crime categories of the 2018 strategy."""

    CSA = "child_sexual_abuse", "Child sexual abuse"
    MSHT = "modern_slavery", "Modern slavery and human trafficking"
    OIC = "organised_immigration_crime", "Organised immigration crime"
    DRUGS = "illegal_drugs", "Illegal drugs"
    FIREARMS = "illegal_firearms", "Illegal firearms"
    OAC = "organised_acquisitive_crime", "Organised acquisitive crime"
    CYBER = "cyber_crime", "Cyber crime"
    FRAUD = "fraud", "Fraud"
    MONEY_LAUNDERING = "money_laundering", "Money laundering"
    BRIBERY = "bribery_corruption_sanctions", "Bribery, corruption and sanctions evasion"


class OCGStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    MAPPED = "mapped", "Mapped"
    ARCHIVED = "archived", "Archived"


class OCG(models.Model):
    """An organised crime group, owned by the agency that mapped it."""

    urn = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    threat_categories = models.JSONField(default=list)
    area = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=OCGStatus.choices, default=OCGStatus.PROPOSED)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ocgs")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_ocgs"
    )
    classification = models.CharField(max_length=20, choices=Classification.choices, default=Classification.OFFICIAL)
    description = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = "OCG"

    def __str__(self) -> str:
        return f"{self.urn} {self.name}"

    @property
    def threat_labels(self) -> list[str]:
        return [ThreatCategory(t).label for t in self.threat_categories if t in ThreatCategory.values]


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    SIGNIFICANT = "significant", "Significant"
    PERIPHERAL = "peripheral", "Peripheral"


class OCGMembership(models.Model):
    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="memberships")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=MemberRole.choices)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    activities = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ocg", "nominal"], name="one_membership_per_ocg")]

    def __str__(self) -> str:
        return f"{self.nominal_id} in {self.ocg_id} ({self.role})"


class AssociationType(models.TextChoices):
    FAMILY = "family", "Family"
    PARTNER = "partner", "Partner"
    CRIMINAL = "criminal", "Criminal associate"
    SOCIAL = "social", "Social"
    BUSINESS = "business", "Business"
    CO_ACCUSED = "co_accused", "Co-accused"
    COMMUNICATION = "communication", "Communication"


class Association(models.Model):
    """A link between two nominals, as one agency recorded it."""

    nominal_a = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="associations_a")
    nominal_b = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="associations_b")
    type = models.CharField(max_length=15, choices=AssociationType.choices)
    strength = models.PositiveSmallIntegerField(default=2, help_text="1 weak, 2 moderate, 3 strong")
    source = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.nominal_a_id} – {self.nominal_b_id} ({self.type})"


class OffenceOutcome(models.TextChoices):
    CONVICTED = "convicted", "Convicted"
    CHARGED = "charged", "Charged or summonsed"
    CAUTIONED = "cautioned", "Cautioned or out-of-court disposal"
    SUSPECTED = "suspected", "Named suspect"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Offence(models.Model):
    """An offence one agency links to a nominal (PNC, crime system). ``offence_type`` is the agency's
    own wording; prioritisation maps it to the harm index by name and alias.

    Offences ending in no further action are kept for the record but never count towards priority.
    """

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="offences")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField()
    offence_type = models.CharField(max_length=120)
    outcome = models.CharField(max_length=10, choices=OffenceOutcome.choices, default=OffenceOutcome.SUSPECTED)
    source_ref = models.CharField(max_length=100, blank=True, help_text="The agency's own crime or PNC reference.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-offence_date", "-id"]
        indexes = [models.Index(fields=["nominal", "agency"])]

    def __str__(self) -> str:
        return f"{self.offence_type} on {self.offence_date:%d/%m/%Y} ({self.get_outcome_display()})"


class PremisesKind(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    BUSINESS = "business", "Business"
    STORAGE = "storage", "Storage or lock-up"
    CANNABIS_FACTORY = "cannabis_factory", "Cannabis factory"
    CAR_WASH = "car_wash", "Hand car wash"
    NAIL_BAR = "nail_bar", "Nail bar"
    OTHER = "other", "Other"


class Premises(models.Model):
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, db_index=True)
    kind = models.CharField(max_length=20, choices=PremisesKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominals = models.ManyToManyField(Nominal, blank=True, related_name="premises")
    ocgs = models.ManyToManyField(OCG, blank=True, related_name="premises")
    # WGS84, when geocoded (maps and local profiles use them; premises without them are counted, not placed)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "premises"

    def __str__(self) -> str:
        return f"{self.address}, {self.postcode}"


class Vehicle(models.Model):
    vrm = models.CharField("registration", max_length=10, db_index=True)
    make = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=20, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    nominals = models.ManyToManyField(Nominal, blank=True, related_name="vehicles")
    ocgs = models.ManyToManyField(OCG, blank=True, related_name="vehicles")

    def __str__(self) -> str:
        return f"{self.vrm} {self.make} {self.model}".strip()


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1 – Reliable"
    UNTESTED = "2", "2 – Untested"
    NOT_RELIABLE = "3", "3 – Not reliable"


class IntelligenceAssessment(models.TextChoices):
    A = "A", "A – Known directly to the source"
    B = "B", "B – Known indirectly to the source but corroborated"
    C = "C", "C – Known indirectly to the source"
    D = "D", "D – Not known"
    E = "E", "E – Suspected to be false or malicious"


class HandlingCode(models.TextChoices):
    P = "P", "P – Lawful sharing permitted"
    C = "C", "C – Lawful sharing permitted with conditions"


class IntelligenceRecord(models.Model):
    """An intelligence report graded 3x5x2. Handling C carries the originator's conditions."""

    urn = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="intelligence")
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=20_000)
    date_of_intelligence = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True, max_length=2000)
    classification = models.CharField(max_length=20, choices=Classification.choices, default=Classification.OFFICIAL)
    subjects = models.ManyToManyField(Nominal, blank=True, related_name="intelligence")
    ocgs = models.ManyToManyField(OCG, blank=True, related_name="intelligence")

    class Meta:
        ordering = ["-date_of_intelligence", "-id"]

    def __str__(self) -> str:
        return f"{self.urn} {self.title}"

    @property
    def grading(self) -> str:
        """The 3x5x2 grade as written on a report, e.g. ``2B C``."""
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"


class Share(models.Model):
    """An owning agency lets another agency see one record, for a purpose and a time.

    Exactly one of ``nominal`` (meaning: the owner's facts about that nominal), ``ocg`` or
    ``intelligence`` is set.
    """

    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_given")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_received")
    nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    ocg = models.ForeignKey(OCG, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    intelligence = models.ForeignKey(
        IntelligenceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    purpose = models.CharField(max_length=500)
    legal_basis = models.CharField(max_length=300)
    handling = models.CharField(max_length=500, blank=True, help_text="Conditions the recipient must keep.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="share_has_exactly_one_target",
                condition=(
                    models.Q(nominal__isnull=False, ocg__isnull=True, intelligence__isnull=True)
                    | models.Q(nominal__isnull=True, ocg__isnull=False, intelligence__isnull=True)
                    | models.Q(nominal__isnull=True, ocg__isnull=True, intelligence__isnull=False)
                ),
            )
        ]
        indexes = [models.Index(fields=["recipient", "owner"])]

    def __str__(self) -> str:
        return f"share {self.pk}: {self.owner_id} to {self.recipient_id}"
