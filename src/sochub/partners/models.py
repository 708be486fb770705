"""The GAIN network: regions, partner agencies, their users and roles."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Region(models.Model):
    """One of the ten GAIN regions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PUBLIC_BODY = "public_body", "Public body"
    OTHER = "other", "Other"
    LOCAL = "local", "Local partner"


class AgencyStatus(models.TextChoices):
    APPLYING = "applying", "Applying"
    MEMBER = "member", "Member"
    LEFT = "left", "Left"


class Agency(models.Model):
    """A partner agency. ``aliases`` keeps former names (NHS Protect, GLA, BIS) searchable."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    status = models.CharField(max_length=10, choices=AgencyStatus.choices, default=AgencyStatus.MEMBER)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")
    national = models.BooleanField(default=False, help_text="A national core partner of the GAIN network.")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, max_length=500)
    notes = models.TextField(blank=True, max_length=2000)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ANALYST = "analyst", "Intelligence analyst"
    COORDINATOR = "coordinator", "GAIN coordinator"
    OFFICER = "officer", "Officer"
    PARTNER = "partner", "Partner staff"
    VOLUNTEER = "volunteer", "Volunteer"
    AGENCY_ADMIN = "agency_admin", "Agency administrator"
    SYSTEM_ADMIN = "system_admin", "System administrator"


# Roles whose holders work with personal data (nominals, OCGs, intelligence).
INTEL_ROLES = frozenset({Role.ANALYST, Role.COORDINATOR, Role.OFFICER, Role.PARTNER})
# Roles that may record intelligence and personal data.
INTEL_WRITE_ROLES = frozenset({Role.ANALYST, Role.COORDINATOR, Role.OFFICER})
ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})


class Vetting(models.TextChoices):
    NONE = "NONE", "None"
    NPPV1 = "NPPV1", "NPPV level 1"
    NPPV2 = "NPPV2", "NPPV level 2"
    NPPV3 = "NPPV3", "NPPV level 3"
    SC = "SC", "Security check"
    DV = "DV", "Developed vetting"


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one agency; holds one or more roles."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)
    roles = models.JSONField(default=list, blank=True)
    coordinator_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="coordinators"
    )
    vetting = models.CharField(max_length=6, choices=Vetting.choices, default=Vetting.NONE)
    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["username"]

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def works_with_intel(self) -> bool:
        return self.is_active and self.agency_id is not None and self.has_role(*INTEL_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.has_role(*ADMIN_ROLES)

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; API reads are audited with its purpose."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (raw token, prefix, hash)."""
        raw = "soc_" + secrets.token_urlsafe(32)
        return raw, raw[:10], _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
