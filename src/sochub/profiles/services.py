"""Every write to SOC local profiles: profiles, layers, builds, findings, actions. Each is audited."""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine.hotspots import (
    Accounting,
    DataError,
    read_boundaries,
    read_crimes,
    read_imd,
    read_lsoa_lookup,
    read_points,
    read_population,
    read_stop_and_search,
)
from sochub.engine.hotspots import profile as engine
from sochub.engine.hotspots.crimes import OUTCOME_COLUMNS, find_sources
from sochub.engine.hotspots.reference import load_concern, normalise_label
from sochub.engine.hotspots.tables import read_text_csv, require
from sochub.jobs.models import JobStatus
from sochub.partners.models import Agency, User

from . import policies
from .models import (
    SINGLE_LAYERS,
    Action,
    ActionStatus,
    ActionUpdate,
    AreaKind,
    BuildStatus,
    DataLayer,
    Finding,
    LayerKind,
    Profile,
    ProfileBuild,
    Strand,
)

UPLOAD_SUFFIXES = {
    LayerKind.CRIMES: (".csv", ".zip"),
    LayerKind.OUTCOMES: (".csv", ".zip"),
    LayerKind.STOP_AND_SEARCH: (".csv", ".zip"),
    LayerKind.IMD: (".csv", ".gz"),
    LayerKind.LSOA_LOOKUP: (".csv", ".gz"),
    LayerKind.POPULATION: (".csv", ".gz"),
    LayerKind.BOUNDARIES: (".geojson", ".json"),
    LayerKind.POINTS: (".csv", ".gz"),
}


def profiles_dir() -> Path:
    return Path(settings.SOCHUB_PROFILES_DIR)


def _user(actor: Actor) -> User:
    user = actor.user
    assert isinstance(user, User)
    return user


def profile_create(
    *,
    actor: Actor,
    name: str,
    area_name: str,
    scope: str = "",
    partners: Sequence[Agency] = (),
    marking: str = "OFFICIAL-SENSITIVE",
    areas: str = AreaKind.H3,
    resolution: int = 8,
    refresh_every_days: int = 90,
    include_ocg_addresses: bool = True,
) -> Profile:
    user = _user(actor)
    if not policies.can_create(user):
        raise PermissionDenied("Only analysts and coordinators create local profiles.")
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "Enter a name for the profile"
    if not area_name.strip():
        problems["area_name"] = "Enter the area the profile covers"
    if not 5 <= resolution <= 10:
        problems["resolution"] = "Hexagon resolution must be 5 (about 250 km²) to 10 (about 0.015 km²)"
    elif include_ocg_addresses and resolution > 8:
        problems["resolution"] = "With OCG addresses, use a resolution of 8 or less (finer hexagons point at a house)"
    if not 7 <= refresh_every_days <= 730:
        problems["refresh_every_days"] = "Refresh every 7 to 730 days"
    if marking not in ("OFFICIAL", "OFFICIAL-SENSITIVE"):
        problems["marking"] = "Choose OFFICIAL or OFFICIAL-SENSITIVE"
    if include_ocg_addresses and marking != "OFFICIAL-SENSITIVE":
        problems["marking"] = "A profile with OCG addresses is OFFICIAL-SENSITIVE"
    if areas not in AreaKind.values:
        problems["areas"] = "Choose H3 hexagons or LSOAs"
    if problems:
        raise ValidationError(problems)
    assert user.agency is not None
    with transaction.atomic():
        profile = Profile.objects.create(
            agency=user.agency,
            name=name.strip(),
            area_name=area_name.strip(),
            scope=scope.strip(),
            marking=marking,
            areas=areas,
            resolution=resolution,
            refresh_every_days=refresh_every_days,
            include_ocg_addresses=include_ocg_addresses,
            created_by=user,
        )
        profile.partners.set([a for a in partners if a.pk != user.agency_id])
        audit.record(actor=actor, operation=Operation.COLLECTION, object_type="profile", object_ids=[profile.pk])
    return profile


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "file"


def _crime_description(accounting: Accounting, path: Path, label: str) -> str:
    """Rows read and set aside, with the first example of each reason (row number in the file)."""
    text = f"{accounting.rows_read:,} rows, {accounting.rows_kept:,} usable"
    for reason, count in accounting.excluded.items():
        example = next((p for p in accounting.examples if p.reason == reason), None)
        where = f" (first: row {example.row}, {example.detail})" if example else ""
        text += f"; {count:,} set aside: {reason}{where}"
    return text.replace(str(path), label)


def _check_layer(kind: str, path: Path, label: str, name: str) -> tuple[str, list[str]]:
    """Read the file as a build would, so a bad file is refused at upload with its row and column.
    Returns what was read, in words, and (crime files) the months the file holds."""
    try:
        if kind == LayerKind.CRIMES:
            data = read_crimes([path])
            if not data.accounting.rows_kept:
                raise DataError(label, "no usable rows: " + "; ".join(data.accounting.summary()[1:3]))
            described = _crime_description(data.accounting, path, label) + f"; {engine.period_of(data.months)}"
            return described, [f"{m:%Y-%m}" for m in data.months]
        if kind == LayerKind.OUTCOMES:
            sources = find_sources([path.parent], "-outcomes.csv")
            if not sources:
                raise DataError(label, "expected a police.uk outcomes file (named like 2021-01-force-outcomes.csv)")
            for source in sources:
                require(read_text_csv(source), source.label, OUTCOME_COLUMNS)
            return f"{len(sources)} outcomes file(s)", []
        if kind == LayerKind.IMD:
            imd = read_imd(path)
            return f"{imd.frame.height:,} LSOAs ({imd.label}, LSOA {imd.code_year} codes)", []
        if kind == LayerKind.LSOA_LOOKUP:
            return f"{read_lsoa_lookup(path).height:,} rows", []
        if kind == LayerKind.POPULATION:
            return f"{read_population(path).height:,} LSOAs", []
        if kind == LayerKind.BOUNDARIES:
            return f"{len(read_boundaries(path).codes):,} areas", []
        if kind == LayerKind.STOP_AND_SEARCH:
            searches = read_stop_and_search([path])
            return f"{searches.accounting.rows_read:,} searches, {searches.accounting.rows_kept:,} with a location", []
        if kind == LayerKind.POINTS:
            layer = read_points(path, name)
            left = layer.accounting.rows_read - layer.accounting.rows_kept
            return f"{layer.accounting.rows_kept:,} points" + (f" ({left:,} rows left out)" if left else ""), []
        raise ValueError(f"unknown layer kind {kind!r}")
    except DataError as exc:
        raise ValidationError({"file": str(exc).replace(str(path), label)}) from None


def layer_add(
    *, actor: Actor, profile: Profile, kind: str, filename: str, chunks: Iterable[bytes], name: str = ""
) -> DataLayer:
    """Store an uploaded file after reading it as a build would. Single layers (IMD, population...)
    replace the one before; crime and point files add up."""
    user = _user(actor)
    if not policies.can_manage(user, profile):
        raise PermissionDenied("Only the owning agency's analysts and coordinators change a profile's layers.")
    if kind not in LayerKind.values:
        raise ValidationError({"kind": "Choose what the file holds"})
    name = name.strip().lower()
    if kind == LayerKind.POINTS and not re.fullmatch(r"[a-z0-9][a-z0-9 _-]{0,59}", name):
        raise ValidationError({"name": "Name the points (letters, numbers, spaces), for example 'schools'"})
    if kind == LayerKind.POINTS and normalise_label(name) in load_concern().ocg_layers:
        raise ValidationError({"name": "OCG addresses come from the intelligence picture: choose another name"})
    safe = _safe_name(filename)
    if not safe.lower().endswith(UPLOAD_SUFFIXES[LayerKind(kind)]):
        allowed = " or ".join(UPLOAD_SUFFIXES[LayerKind(kind)])
        raise ValidationError({"file": f"{filename}: expected a {allowed} file"})
    folder = profiles_dir() / str(profile.pk) / "layers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex[:12] / safe  # a folder per file keeps its own name for messages
    path.parent.mkdir()
    try:
        size, sha256 = _store(chunks, path, filename)
        described, months = _check_layer(kind, path, filename, name)
        with transaction.atomic():
            _refuse_repeats(profile, kind, sha256, months, filename)
            if kind in SINGLE_LAYERS:
                profile.layers.filter(kind=kind, active=True).update(active=False)
            if kind == LayerKind.POINTS:
                profile.layers.filter(kind=kind, name=name, active=True).update(active=False)
            layer = DataLayer.objects.create(
                profile=profile,
                kind=kind,
                name=name if kind == LayerKind.POINTS else "",
                original_name=filename[:255],
                stored_path=str(path),
                size=size,
                sha256=sha256,
                description=described[:500],
                months=months,
                uploaded_by=user,
            )
            audit.record(
                actor=actor,
                operation=Operation.COLLECTION,
                object_type="profile layer",
                object_ids=[layer.pk],
                detail={"profile": profile.pk, "kind": kind, "file": filename[:255], "read": described},
            )
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    return layer


def _store(chunks: Iterable[bytes], path: Path, filename: str) -> tuple[int, str]:
    """Write the upload, refusing it past ``SOCHUB_PROFILE_MAX_BYTES``; its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    limit = settings.SOCHUB_PROFILE_MAX_BYTES
    with path.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise ValidationError({"file": f"{filename} is larger than {limit:,} bytes"})
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _refuse_repeats(profile: Profile, kind: str, sha256: str, months: list[str], filename: str) -> None:
    """The same file twice, or a month already loaded, would count its crimes twice."""
    active = profile.layers.filter(kind=kind, active=True)
    same = active.filter(sha256=sha256).first()
    if same is not None:
        raise ValidationError({"file": f"{filename} is already loaded (as {same.original_name})"})
    if kind == LayerKind.CRIMES:
        for other in active.exclude(months=[]):
            overlap = sorted(set(months) & set(other.months))
            if overlap:
                raise ValidationError(
                    {
                        "file": f"{filename} holds {', '.join(overlap)}, already loaded from {other.original_name}: "
                        "remove that file first to replace it"
                    }
                )


def layer_remove(*, actor: Actor, layer: DataLayer) -> None:
    """Take a file out of future builds (past builds keep their record of it)."""
    if not policies.can_manage(_user(actor), layer.profile):
        raise PermissionDenied("Only the owning agency's analysts and coordinators change a profile's layers.")
    DataLayer.objects.filter(pk=layer.pk).update(active=False)
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="profile layer",
        object_ids=[layer.pk],
        detail={"profile": layer.profile_id, "removed": True},
    )


def build_create(*, actor: Actor, profile: Profile) -> ProfileBuild:
    user = _user(actor)
    if not policies.can_manage(user, profile):
        raise PermissionDenied("Only the owning agency's analysts and coordinators build a profile.")
    if not profile.layers.filter(kind=LayerKind.CRIMES, active=True).exists():
        raise ValidationError("Add at least one police.uk street-level crime file first.")
    if profile.areas == AreaKind.LSOA and not profile.layers.filter(kind=LayerKind.BOUNDARIES, active=True).exists():
        raise ValidationError("LSOA areas need an LSOA boundaries file.")
    with transaction.atomic():
        Profile.objects.select_for_update().filter(pk=profile.pk).first()  # one build at a time
        for running in profile.builds.filter(status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]):
            if not _stale(running):
                raise ValidationError("This profile is already being built.")
            build_fail(build=running, error="The build stopped without finishing (its job failed or timed out).")
        return ProfileBuild.objects.create(profile=profile, created_by=user)


STALE_AFTER = timedelta(hours=2)


def _stale(build: ProfileBuild) -> bool:
    """A build whose job failed, or that has waited or run far longer than any build takes."""
    job = build.job
    return (job is not None and job.status == JobStatus.FAILED) or build.created_at < timezone.now() - STALE_AFTER


def build_finish(
    *,
    build: ProfileBuild,
    summary: dict[str, object],
    layers: list[dict[str, str]],
    output_dir: Path,
    findings: Sequence[engine.Finding],
) -> ProfileBuild:
    """Store a finished build and bring the profile's findings up to date (same key: same finding)."""
    with transaction.atomic():
        build.status = BuildStatus.DONE
        build.finished_at = timezone.now()
        build.summary = summary
        build.layers = layers
        build.output_dir = str(output_dir)
        build.save(update_fields=["status", "finished_at", "summary", "layers", "output_dir"])
        for found in findings:
            fields = {
                "kind": found.kind,
                "title": found.title[:300],
                "detail": found.detail,
                "strand": found.strand,
                "area_id": found.area_id,
                "rank": found.rank,
                "last_seen": build,
            }
            Finding.objects.update_or_create(
                profile=build.profile,
                key=found.key[:120],
                defaults=fields,
                create_defaults={**fields, "first_seen": build},
            )
    return build


def build_fail(*, build: ProfileBuild, error: str) -> None:
    ProfileBuild.objects.filter(pk=build.pk).update(status=BuildStatus.FAILED, error=error, finished_at=timezone.now())


def _action_problems(*, title: str, lead: str, strand: str, due: date | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Enter what will be done"
    if not lead.strip():
        problems["lead"] = "Enter the lead (a named person or role)"
    if strand not in Strand.values:
        problems["strand"] = "Choose Pursue, Prevent, Protect or Prepare"
    if due is None:
        problems["due"] = "Enter a real due date, for example 27 3 2027"
    return problems


def action_create(
    *,
    actor: Actor,
    profile: Profile,
    strand: str,
    title: str,
    owner_agency: Agency,
    lead: str,
    due: date | None,
    findings: Sequence[Finding],
    description: str = "",
) -> Action:
    user = _user(actor)
    if not policies.can_plan(user, profile):
        raise PermissionDenied("You cannot add actions to this profile.")
    problems = _action_problems(title=title, lead=lead, strand=strand, due=due)
    if not findings:
        problems["findings"] = "Choose the finding or findings this action answers"
    elif any(f.profile_id != profile.pk for f in findings):
        problems["findings"] = "Choose findings of this profile"
    allowed = {profile.agency_id, *profile.partners.values_list("pk", flat=True)}
    if owner_agency.pk not in allowed:
        problems["owner_agency"] = "The owner must be the profile's agency or one of its partners"
    if problems:
        raise ValidationError(problems)
    assert due is not None
    with transaction.atomic():
        action = Action.objects.create(
            profile=profile,
            strand=strand,
            title=title.strip()[:300],
            description=description.strip(),
            owner_agency=owner_agency,
            lead=lead.strip()[:150],
            due=due,
            created_by=user,
        )
        action.findings.set(findings)
        audit.record(
            actor=actor,
            operation=Operation.COLLECTION,
            object_type="profile action",
            object_ids=[action.pk],
            detail={"profile": profile.pk, "findings": [f.pk for f in findings]},
        )
    return action


def action_update(*, actor: Actor, action: Action, status: str, note: str, due: date | None = None) -> ActionUpdate:
    """Record progress: a note is required; the status (and due date, when moved) change with it."""
    user = _user(actor)
    if not policies.can_update_action(user, action):
        raise PermissionDenied("Only the owning agency or the action's agency update its progress.")
    problems: dict[str, str] = {}
    if status not in ActionStatus.values:
        problems["status"] = "Choose a status"
    if not note.strip():
        problems["note"] = "Say what has happened"
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        update = ActionUpdate.objects.create(action=action, status=status, note=note.strip(), by=user)
        action.status = status
        if due is not None:
            action.due = due
        action.updated_at = timezone.now()
        action.save(update_fields=["status", "due", "updated_at"])
        audit.record(
            actor=actor,
            operation=Operation.ALTERATION,
            object_type="profile action",
            object_ids=[action.pk],
            detail={"status": status, "due": str(action.due)},
        )
    return update
