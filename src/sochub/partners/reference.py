"""Loads the GAIN reference data (regions, national and regional partners) from YAML."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .models import Agency, AgencyKind, Region

REFERENCE_FILE = Path(__file__).parent / "reference" / "gain.yaml"


class _RegionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str


class _AgencySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    kind: AgencyKind
    aliases: list[str] = Field(default_factory=list)
    region: str | None = None


class GainReference(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    regions: list[_RegionSpec]
    national_partners: list[_AgencySpec]
    regional_partners: list[_AgencySpec]


def load_gain_reference(path: Path = REFERENCE_FILE) -> GainReference:
    """Read and validate the YAML; a bad file fails loudly with the field that is wrong."""
    with path.open(encoding="utf-8") as fh:
        return GainReference.model_validate(yaml.safe_load(fh))


def install_gain_reference(path: Path = REFERENCE_FILE) -> tuple[int, int]:
    """Upsert regions and core partners by code; never deletes. Returns (regions, agencies)."""
    ref = load_gain_reference(path)
    regions = {}
    for r in ref.regions:
        regions[r.code], _ = Region.objects.update_or_create(code=r.code, defaults={"name": r.name})
    count = 0
    for spec, national in [(a, True) for a in ref.national_partners] + [(a, False) for a in ref.regional_partners]:
        Agency.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "aliases": spec.aliases,
                "national": national,
                "region": regions[spec.region] if spec.region else None,
            },
        )
        count += 1
    return len(regions), count
