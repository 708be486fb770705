"""A SOC local profile: its layers (files), its builds (each a complete analysis), the findings they made
and the 4P actions that answer them."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.jobs.models import Job
from sochub.partners.models import Agency

MARKINGS = (("OFFICIAL", "OFFICIAL"), ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"))


class AreaKind(models.TextChoices):
    H3 = "h3", "H3 hexagons"
    LSOA = "lsoa", "LSOAs (needs boundaries)"


class Profile(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(Agency, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    area_name = models.CharField(max_length=200)
    scope = models.TextField(blank=True)
    marking = models.CharField(max_length=20, choices=MARKINGS, default="OFFICIAL-SENSITIVE")
    areas = models.CharField(max_length=4, choices=AreaKind.choices, default=AreaKind.H3)
    resolution = models.PositiveSmallIntegerField(default=8)
    permutations = models.PositiveIntegerField(default=999)
    include_ocg_addresses = models.BooleanField(default=True)
    refresh_every_days = models.PositiveIntegerField(default=90)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_build(self) -> ProfileBuild | None:
        return self.builds.filter(status=BuildStatus.DONE).order_by("-finished_at").first()

    @property
    def refresh_due(self) -> date | None:
        build = self.latest_build
        if build is None or build.finished_at is None:
            return None
        return timezone.localdate(build.finished_at) + timedelta(days=self.refresh_every_days)

    @property
    def refresh_overdue(self) -> bool:
        due = self.refresh_due
        return due is not None and due < timezone.localdate()


class LayerKind(models.TextChoices):
    CRIMES = "crimes", "police.uk street-level crimes (CSV or zip)"
    OUTCOMES = "outcomes", "police.uk outcomes (CSV or zip)"
    STOP_AND_SEARCH = "stop_search", "police.uk stop and search (CSV or zip)"
    IMD = "imd", "Indices of Deprivation by LSOA"
    LSOA_LOOKUP = "lsoa_lookup", "ONS LSOA 2011 to 2021 lookup"
    POPULATION = "population", "Population by LSOA"
    BOUNDARIES = "boundaries", "LSOA boundaries (GeoJSON)"
    POINTS = "points", "Points (CSV with latitude/longitude or easting/northing)"


SINGLE_LAYERS = (LayerKind.IMD, LayerKind.LSOA_LOOKUP, LayerKind.POPULATION, LayerKind.BOUNDARIES)


class DataLayer(models.Model):
    """One uploaded file. A new file of a single kind (IMD, population...) replaces the old one; crime
    files add up, so a refresh is one new month's file and one click."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="layers")
    kind = models.CharField(max_length=12, choices=LayerKind.choices)
    name = models.CharField(max_length=60, blank=True)  # point layers: "schools", "care homes"...
    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=500, blank=True)  # what was read: rows, rows set aside, period
    months = models.JSONField(default=list, blank=True)  # crime files: the months they hold ("2021-01")
    active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ProfileBuild(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="builds")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    layers = models.JSONField(default=list, blank=True)  # the files used: kind, name, file, sha256
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Build {self.pk} of {self.profile_id} ({self.status})"


class Strand(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class Finding(models.Model):
    """Something a build found. The key (area or category) stays the same when a refresh finds it again,
    so actions stay tied to it; ``last_seen`` tells whether the latest build still finds it."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="findings")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    strand = models.CharField(max_length=8, choices=Strand.choices)
    area_id = models.CharField(max_length=40, blank=True)
    rank = models.PositiveIntegerField(default=0)
    first_seen = models.ForeignKey(ProfileBuild, on_delete=models.CASCADE, related_name="+")
    last_seen = models.ForeignKey(ProfileBuild, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["kind", "rank", "key"]
        constraints = [models.UniqueConstraint(fields=["profile", "key"], name="profile_finding_key")]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


class Action(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="actions")
    strand = models.CharField(max_length=8, choices=Strand.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    lead = models.CharField(max_length=150)
    due = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    findings = models.ManyToManyField(Finding, related_name="actions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status not in CLOSED_STATUSES and self.due < timezone.localdate()


class ActionUpdate(models.Model):
    """A progress note, and the status it set."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.status} at {self.at:%Y-%m-%d}"
