"""Running a profile build: the same steps for the CLI (files in, folder out) and the web job."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine.hotspots import outputs
from sochub.engine.hotspots.profile import ProfileInputs, ProfileResult, Progress, build_profile
from sochub.intel.selectors import ocg_addresses
from sochub.partners.models import User

from . import report, services
from .models import LayerKind, Profile, ProfileBuild

OCG_LAYER = "ocg addresses"


def write_all(
    result: ProfileResult,
    out: Path,
    *,
    marking: str,
    partners: Sequence[str] = (),
    actions: Sequence[report.PlanAction] = (),
    prepared_by: str = "",
) -> dict[str, Path]:
    """Tables, figures, map data and the report (HTML and PDF) in ``out``; returns the files by name."""
    written = {p.name: p for p in outputs.write_tables(result, out)}
    figures = outputs.write_figures(result, out)
    written.update(figures)
    written.update({p.name: p for p in outputs.write_map_data(result, out)})
    html, pdf = report.write_report(
        result,
        out,
        figures=figures,
        marking=marking,
        partners=partners,
        actions=actions,
        prepared_by=prepared_by,
    )
    written.update({html.name: html, pdf.name: pdf})
    return written


def inputs_for(profile: Profile, *, user: User, actor: Actor) -> tuple[ProfileInputs, list[dict[str, str]]]:
    """The profile's active layers as engine inputs, plus the addresses of OCGs and their members that the
    profile's own agency recorded (partners see the profile, so nothing another agency shared with it goes
    in); reading them is audited as a combination with the build's purpose."""
    layers = list(profile.layers.filter(active=True).order_by("uploaded_at", "pk"))
    used = [
        {"kind": layer.kind, "name": layer.name, "file": layer.original_name, "sha256": layer.sha256}
        for layer in layers
    ]

    def one(kind: str) -> str | None:
        found = [layer.stored_path for layer in layers if layer.kind == kind]
        return found[-1] if found else None

    extra: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if profile.include_ocg_addresses:
        found = ocg_addresses(user=user, agency_only=True)
        extra[OCG_LAYER] = (np.array(found.latitude, dtype=np.float64), np.array(found.longitude, dtype=np.float64))
        audit.record(
            actor=actor,
            operation=Operation.COMBINATION,
            object_type="premises",
            object_ids=found.premises_ids,
            detail={
                "profile": profile.pk,
                "use": "OCG footprint of a local profile",
                "without_coordinates": found.without_coordinates,
            },
        )
        used.append(
            {
                "kind": "ocg addresses",
                "name": OCG_LAYER,
                "file": "SOC Hub intelligence picture",
                "sha256": f"{len(found.premises_ids)} premises placed, {found.without_coordinates} without coordinates",
            }
        )
    inputs = ProfileInputs(
        # outcomes files are found by name in their own folders, beside the street files
        crimes=[layer.stored_path for layer in layers if layer.kind == LayerKind.CRIMES]
        + [str(Path(layer.stored_path).parent) for layer in layers if layer.kind == LayerKind.OUTCOMES],
        outcomes=any(layer.kind == LayerKind.OUTCOMES for layer in layers),
        stop_and_search=[layer.stored_path for layer in layers if layer.kind == LayerKind.STOP_AND_SEARCH],
        imd=one(LayerKind.IMD),
        lsoa_lookup=one(LayerKind.LSOA_LOOKUP),
        population=one(LayerKind.POPULATION),
        boundaries=one(LayerKind.BOUNDARIES),
        points={layer.name: layer.stored_path for layer in layers if layer.kind == LayerKind.POINTS},
        extra_points=extra,
        area_name=profile.area_name,
        areas="lsoa" if profile.areas == "lsoa" else "h3",
        resolution=profile.resolution,
        permutations=profile.permutations,
    )
    return inputs, used


def plan_actions(profile: Profile) -> list[report.PlanAction]:
    return [
        report.PlanAction(
            strand=a.get_strand_display(),
            title=a.title,
            owner_agency=a.owner_agency.name,
            lead=a.lead,
            due=a.due,
            status=a.get_status_display(),
            finding="; ".join(f.title for f in a.findings.all()),
            overdue=a.overdue,
            progress=next((u.note for u in reversed(a.updates.all())), ""),
        )
        for a in profile.actions.select_related("owner_agency").prefetch_related("findings", "updates")
    ]


def run_build(*, build: ProfileBuild, actor: Actor, progress: Progress | None = None) -> dict[str, Any]:
    """Build the profile into its own folder and store the summary and findings."""
    profile = build.profile
    user = build.created_by
    inputs, used = inputs_for(profile, user=user, actor=actor)
    result = build_profile(inputs, progress=progress)
    out = services.profiles_dir() / str(profile.pk) / "builds" / str(build.pk)
    partners = [profile.agency.name, *profile.partners.order_by("name").values_list("name", flat=True)]
    write_all(
        result,
        out,
        marking=profile.marking,
        partners=partners,
        actions=plan_actions(profile),
        prepared_by=f"{user.get_full_name() or user.username}, {profile.agency.name}",
    )
    summary = outputs.summary(result)
    services.build_finish(build=build, summary=summary, layers=used, output_dir=out, findings=result.findings)
    return {"build": build.pk, "areas": result.grid.n, "findings": len(result.findings)}
