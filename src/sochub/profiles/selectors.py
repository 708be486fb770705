"""Reads of SOC local profiles, with the access rules applied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sochub.partners.models import User

from . import policies
from .models import CLOSED_STATUSES, Action, BuildStatus, Finding, Profile, ProfileBuild

# Files a build writes that users may download (anything else in the folder is not served).
DOWNLOADS = {
    "report.html": "text/html; charset=utf-8",
    "report.pdf": "application/pdf",
    "hotspots.csv": "text/csv; charset=utf-8",
    "areas_of_concern.csv": "text/csv; charset=utf-8",
    "areas.csv": "text/csv; charset=utf-8",
    "trends.csv": "text/csv; charset=utf-8",
    "rows_left_out.csv": "text/csv; charset=utf-8",
    "areas.geojson": "application/geo+json",
    "points.geojson": "application/geo+json",
    "map-hotspots.png": "image/png",
    "map-harm.png": "image/png",
    "map-soc.png": "image/png",
    "map-deprivation.png": "image/png",
    "map-concern.png": "image/png",
    "chart-trends.png": "image/png",
    "chart-soc.png": "image/png",
    "chart-categories.png": "image/png",
}


def profile_list(*, user: User) -> QuerySet[Profile]:
    today = timezone.localdate()
    open_actions = Q(actions__due__lt=today) & ~Q(actions__status__in=CLOSED_STATUSES)
    return (
        policies.visible_profiles(user)
        .select_related("agency")
        .annotate(overdue_actions=Count("actions", filter=open_actions, distinct=True))
        .order_by("name", "pk")
    )


def profile_get(*, user: User, profile_id: int) -> Profile | None:
    return policies.visible_profiles(user, Profile.objects.select_related("agency")).filter(pk=profile_id).first()


def latest_build(profile: Profile) -> ProfileBuild | None:
    return profile.builds.filter(status=BuildStatus.DONE).order_by("-finished_at", "-pk").first()


def build_get(*, profile: Profile, build_id: int) -> ProfileBuild | None:
    return profile.builds.filter(pk=build_id, status=BuildStatus.DONE).first()


def build_in_progress(profile: Profile) -> ProfileBuild | None:
    return profile.builds.filter(status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING]).select_related("job").first()


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    current: bool  # found again by the latest build
    actions: int


def findings(profile: Profile) -> list[FindingRow]:
    latest = latest_build(profile)
    rows = profile.findings.annotate(n_actions=Count("actions")).order_by("kind", "rank", "key")
    return [FindingRow(f, latest is not None and f.last_seen_id == latest.pk, f.n_actions) for f in rows]  # type: ignore[attr-defined]


def actions(profile: Profile) -> QuerySet[Action]:
    return profile.actions.select_related("owner_agency").prefetch_related("findings", "updates__by")


def overdue_actions(profile: Profile) -> int:
    return profile.actions.filter(due__lt=timezone.localdate()).exclude(status__in=CLOSED_STATUSES).count()


def build_file(build: ProfileBuild, name: str) -> Path | None:
    """A downloadable file of a build, or None (unknown name, or the file is gone)."""
    if name not in DOWNLOADS or not build.output_dir:
        return None
    path = Path(build.output_dir) / name
    return path if path.is_file() else None
