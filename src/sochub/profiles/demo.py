"""A demo local profile for Greater Manchester, built through the real services from generated files.

The crime files are police.uk-shaped and synthetic: street-level crime around the force's towns, with drug,
weapon and robbery offences clustered near the demo OCGs' premises, so the OCG footprint, the hot spots and
the areas of concern line up as they would in a real profile. Six months are loaded and built; a seventh is
left in ``var/demo-files`` to practise a refresh. Nothing here is real data.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.engine.hotspots.crimes import STREET_COLUMNS
from sochub.engine.hotspots.reference import CATEGORIES
from sochub.intel.demo import TOWN_CENTRES
from sochub.intel.models import Premises
from sochub.partners.models import Agency, User

from . import building, services
from .models import LayerKind, Profile

TOWNS = ("Manchester", "Salford", "Bolton", "Bury", "Oldham", "Rochdale", "Stockport", "Wigan")
# Rows per month per category, roughly a large force's mix (ASB and violence commonest).
MIX = dict(zip(CATEGORIES, (900, 40, 160, 230, 70, 210, 30, 190, 35, 180, 55, 190, 1000, 60), strict=True))
SOC_NEAR_OCG = ("Drugs", "Possession of weapons", "Robbery")
FORCE = "Greater Manchester Police"


def _months(today: date, count: int) -> list[str]:
    """The ``count`` months before last month (police.uk publishes a month about four weeks after it ends)."""
    year, month = today.year, today.month - 1
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year}-{month:02d}")
    return out[::-1]


def write_month(folder: Path, month: str, ocg_places: np.ndarray, rng: np.random.Generator, growth: float) -> Path:
    """One month of synthetic GMP street-level crime as a police.uk CSV."""
    centres = np.array([TOWN_CENTRES[t] for t in TOWNS])
    rows = []
    for category, per_month in MIX.items():
        n = int(rng.poisson(per_month))
        near = category in SOC_NEAR_OCG and len(ocg_places)
        clustered = int(n * (0.6 if near else 0.0) * growth)
        anchors = ocg_places[rng.integers(0, len(ocg_places), clustered)] if clustered else np.empty((0, 2))
        towns = centres[rng.integers(0, len(centres), n)]
        places = np.vstack(
            [anchors + rng.normal(0, [0.002, 0.003], (clustered, 2)), towns + rng.normal(0, [0.02, 0.03], (n, 2))]
        )
        for lat, lon in places:
            crime_id = "" if category == CATEGORIES[0] else f"{rng.integers(0, 2**62):016x}"
            rows.append(
                (
                    crime_id,
                    month,
                    FORCE,
                    FORCE,
                    f"{lon:.6f}",
                    f"{lat:.6f}",
                    "On or near a demo street",
                    "",
                    "",
                    category,
                    "",
                    "",
                )
            )
    path = folder / month / f"{month}-greater-manchester-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(STREET_COLUMNS)
        writer.writerows(rows)
    return path


def build_demo_profile(*, seed: int, files: Path, today: date | None = None) -> dict[str, int]:
    """Create GMP's profile (partners: Manchester City Council, HMRC and the regional unit), load six months
    and build it as the demo analyst."""
    analyst = User.objects.get(username="analyst")
    actor = Actor(user=analyst, channel=Channel.CLI, purpose="Demo: Greater Manchester SOC local profile")
    gmp = analyst.agency
    assert gmp is not None
    partners = list(Agency.objects.filter(code__in=["manchester-cc", "hmrc", "nwrocu"]))
    profile: Profile = services.profile_create(
        actor=actor,
        name="Greater Manchester SOC local profile",
        area_name="Greater Manchester",
        scope="Serious and organised crime in the Greater Manchester towns, with partners' view of the places "
        "and people most at risk. Demo data: the crime files are synthetic.",
        partners=partners,
    )
    ocg_places = np.array(
        Premises.objects.filter(agency=gmp, ocgs__isnull=False, latitude__isnull=False)
        .values_list("latitude", "longitude")
        .distinct()[:60],
        dtype=np.float64,
    ).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    months = _months(today or date.today(), 7)
    folder = files / "policeuk-greater-manchester"
    for k, month in enumerate(months):
        path = write_month(folder, month, ocg_places, rng, growth=1.0 + 0.08 * k)
        if k < 6:  # the seventh month is left for a refresh
            services.layer_add(
                actor=actor, profile=profile, kind=LayerKind.CRIMES, filename=path.name, chunks=[path.read_bytes()]
            )
    build = services.build_create(actor=actor, profile=profile)
    building.run_build(build=build, actor=actor)
    _demo_actions(actor, profile, today or date.today())
    return {"local profile findings": profile.findings.count(), "4P actions": profile.actions.count()}


def _demo_actions(actor: Actor, profile: Profile, today: date) -> None:
    """Three actions answering the top area of concern and the first emerging hot spot; one is overdue."""
    concern = profile.findings.filter(kind="area of concern").order_by("rank").first()
    emerging = profile.findings.filter(kind="emerging hot spot").first() or concern
    if concern is None or emerging is None:
        return
    council = Agency.objects.filter(code="manchester-cc").first() or profile.agency
    plans = (
        (
            "pursue",
            "Drugs warrant and closure order plan for the top area of concern",
            profile.agency,
            "DI Ahmed, Serious Organised Crime Unit",
            45,
            [concern],
        ),
        (
            "prevent",
            "Youth outreach and diversion sessions near the emerging hot spot",
            council,
            "Community Safety Partnership manager",
            -7,
            [emerging],
        ),
        (
            "protect",
            "Licensing and safeguarding visits to businesses in the area of concern",
            council,
            "Licensing team leader",
            30,
            [concern],
        ),
    )
    for strand, title, owner, lead, days, findings in plans:
        services.action_create(
            actor=actor,
            profile=profile,
            strand=strand,
            title=title,
            owner_agency=owner,
            lead=lead,
            due=today + timedelta(days=days),
            findings=findings,
        )
