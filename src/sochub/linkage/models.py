"""Imports, the source records they keep, and resolution of source records into nominals.

A source record is one row of one agency's file, kept as it arrived. Nominals are built from
source records (each record's facts carry its ``fact_ref`` as their ``source_ref``) and resolution only ever
moves records between nominals, so every merge or split can be explained and reversed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from sochub.intel.models import Nominal
from sochub.jobs.models import Job
from sochub.partners.models import Agency


class ImportKind(models.TextChoices):
    NOMINALS = "nominals", "Nominals (people)"
    ASSOCIATIONS = "associations", "Associations between nominals"
    OCG_MEMBERS = "ocg-members", "OCG members"
    INTEL = "intel", "Intelligence records"


class ImportMapping(models.Model):
    """A saved column mapping (YAML), reused for the next file in the same layout."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    name = models.CharField(max_length=100)
    yaml = models.TextField(max_length=20_000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "name"], name="one_mapping_name_per_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class ImportStatus(models.TextChoices):
    DRAFT = "draft", "Waiting for a mapping"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One file imported once. Counts say what happened to every row read."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    sheet = models.CharField(max_length=100, blank=True)
    mapping_yaml = models.TextField(blank=True, max_length=20_000)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    read = models.PositiveIntegerField(default=0)
    landed = models.PositiveIntegerField(default=0, help_text="New rows.")
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0, help_text="Empty rows, counted and skipped.")
    rejects_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()}, {self.agency.code})"


def new_fact_ref() -> str:
    return f"src:{uuid.uuid4().hex}"


class SourceRecord(models.Model):
    """One row of one agency's file, as it arrived and as validated. Never overwritten silently:
    when a re-import changes a row, the previous values move into ``history``."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="source_records")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    source_key = models.CharField(max_length=200)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="records")
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    history = models.JSONField(default=list, blank=True)
    nominal = models.ForeignKey(
        Nominal, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    object_id = models.CharField(max_length=64, blank=True, help_text="What a non-person row created.")
    fact_ref = models.CharField(
        max_length=100, unique=True, default=new_fact_ref, help_text="The source_ref of the facts built from it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="Last scored by resolution.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "source_key"], name="one_record_per_source_key")
        ]
        indexes = [models.Index(fields=["kind", "nominal"]), models.Index(fields=["kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.source_key}"

    @property
    def origin(self) -> str:
        """Where the record came from, as people say it: 'gmp.csv, row 12' (no row for facts recorded by hand)."""
        return f"{self.file_name}, row {self.row_number}" if self.row_number else self.file_name

    @property
    def display_name(self) -> str:
        v = self.values
        return " ".join(str(v[k]) for k in ("given_name", "middle_names", "surname") if v.get(k)) or self.source_key


class ResolutionRun(models.Model):
    """One resolution: the trained model it used, the thresholds, and what it changed."""

    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    engine = models.CharField(max_length=10, default="duckdb")
    model = models.JSONField(default=dict, help_text="Splink settings with the trained parameters.")
    retrained = models.BooleanField(default=False)
    incremental = models.BooleanField(default=False)
    link_threshold = models.FloatField()
    review_threshold = models.FloatField()
    stats = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Resolution {self.pk} ({self.created_at:%d %b %Y %H:%M})"


class PairStatus(models.TextChoices):
    LINKED = "linked", "Linked by the model"
    REVIEW = "review", "Waiting for review"
    JUDGED = "judged", "Judged by an analyst"


class CandidatePair(models.Model):
    """Two source records the model scored as a possible match (``record_l.id < record_r.id``)."""

    record_l = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(ResolutionRun, on_delete=models.CASCADE, related_name="pairs")
    probability = models.FloatField()
    match_weight = models.FloatField()
    contributions = models.JSONField(default=list)
    guard = models.CharField(max_length=10, blank=True, help_text="Why the family guard held it back, if it did.")
    status = models.CharField(max_length=10, choices=PairStatus.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_l", "record_r"], name="one_candidate_per_pair")]
        indexes = [models.Index(fields=["status", "probability"])]

    def __str__(self) -> str:
        return f"{self.record_l_id}~{self.record_r_id} ({self.probability:.3f})"


class Decision(models.TextChoices):
    SAME = "same", "Same person"
    DIFFERENT = "different", "Different people"
    UNSURE = "unsure", "Not sure"


class MatchJudgement(models.Model):
    """An analyst's decision on a pair. The latest one per pair overrides the model in every
    later run; earlier ones are kept as the history of labels."""

    record_l = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_r = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["record_l", "record_r"])]

    def __str__(self) -> str:
        return f"{self.record_l_id}~{self.record_r_id}: {self.decision}"


class ChangeKind(models.TextChoices):
    CREATE = "create", "New nominal"
    MERGE = "merge", "Merged"
    SPLIT = "split", "Split off"
    REVERSAL = "reversal", "Reversed"


class ClusterChange(models.Model):
    """Source records moved from one nominal to another, by a run or a reversal."""

    run = models.ForeignKey(ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    records = models.JSONField(default=list, help_text="Source record ids moved.")
    from_nominal = models.ForeignKey(Nominal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="+")
    absorbed = models.BooleanField(default=False, help_text="The old nominal was left empty and now redirects.")
    reason = models.CharField(max_length=1000, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    reversed_by_change = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverses"
    )

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {len(self.records)} record(s) -> {self.to_nominal_id}"
