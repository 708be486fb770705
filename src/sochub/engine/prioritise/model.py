"""The prioritisation model: versioned YAML reference data, validated with pydantic on load.

The default (``reference/default.yaml``) is SOC Hub's own open model, not official MoRiLE; an agency
loads its own with ``load_model(path)``. Validation errors name the file and the key at fault.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_MODEL = Path(__file__).parent / "reference" / "default.yaml"
COMPONENTS = ("offending", "intelligence", "network", "ocg", "markers")
NETWORK_MEASURES = ("degree", "betweenness", "pagerank", "brokerage")


class ModelError(ValueError):
    """A model file that cannot be used, with a message naming the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _weights(value: dict[str, float], allowed: tuple[str, ...], what: str) -> dict[str, float]:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)} (known: {', '.join(allowed)})")
    for key, w in value.items():
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"{what} {key!r} must be a number of 0 or more, not {w}")
    if not any(w > 0 for w in value.values()):
        raise ValueError(f"at least one {what} must be above 0")
    return {key: float(value.get(key, 0.0)) for key in allowed}


class NetworkSettings(_Strict):
    measures: dict[str, float]
    pagerank_damping: float = Field(0.85, gt=0, lt=1)
    exact_betweenness_max_nodes: int = Field(5000, ge=0)
    betweenness_sources: int = Field(64, ge=1)
    keep_protected_in_graph: bool = True

    @field_validator("measures")
    @classmethod
    def _measures(cls, value: dict[str, float]) -> dict[str, float]:
        return _weights(value, NETWORK_MEASURES, "network measure")


class OffendingSettings(_Strict):
    half_life_days: float = Field(730, gt=0)
    gravity: float = Field(0.7, ge=0)
    frequency: float = Field(0.3, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> OffendingSettings:
        if self.gravity + self.frequency <= 0:
            raise ValueError("gravity and frequency cannot both be 0")
        return self


class MonteCarloSettings(_Strict):
    draws: int = Field(1000, ge=0)
    chunk: int = Field(32, ge=1)
    concentration: float = Field(50, gt=0)
    input_noise: float = Field(0.0, ge=0)
    track_min: int = Field(1000, ge=1)


class HarmOffence(_Strict):
    weight: float = Field(gt=0)
    verified: bool = False
    aliases: list[str] = []


class HarmIndex(_Strict):
    name: str = Field(min_length=1)
    source: str = Field(min_length=1)
    url: str = ""
    caution: str = ""
    default_weight: float = Field(gt=0)
    offences: dict[str, HarmOffence]

    def lookup(self) -> dict[str, float]:
        """Offence type (normalised: lower case, single spaces) -> weight, aliases included."""
        table: dict[str, float] = {}
        for name, offence in self.offences.items():
            for key in (name, *offence.aliases):
                norm = normalise_label(key)
                if norm in table and table[norm] != offence.weight:
                    raise ValueError(f"offence type {key!r} is listed twice with different weights")
                table[norm] = offence.weight
        return table


class IntelligenceSettings(_Strict):
    """Database mode: each report about a person counts source x assessment weight x recency decay."""

    half_life_days: float = Field(365, gt=0)
    source_evaluation: dict[str, float] = {"1": 1.0, "2": 0.6, "3": 0.2}
    intelligence_assessment: dict[str, float] = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.3, "E": 0.0}

    @field_validator("source_evaluation", "intelligence_assessment")
    @classmethod
    def _unit(cls, value: dict[str, float]) -> dict[str, float]:
        for key, w in value.items():
            if not 0 <= w <= 1:
                raise ValueError(f"grade {key!r} must weigh between 0 and 1, not {w}")
        return {k.upper(): float(w) for k, w in value.items()}


class OcgMembershipSettings(_Strict):
    """Database mode: membership value = role weight x the group's assessed risk; several groups combine
    as 1 - prod(1 - value)."""

    roles: dict[str, float] = {"principal": 1.0, "significant": 0.6, "peripheral": 0.3}
    risk_tiers: dict[str, float] = {"high": 1.0, "medium": 0.6, "low": 0.3}
    unassessed: float = Field(0.5, ge=0, le=1)

    @field_validator("roles", "risk_tiers")
    @classmethod
    def _unit(cls, value: dict[str, float]) -> dict[str, float]:
        for key, w in value.items():
            if not 0 <= w <= 1:
                raise ValueError(f"{key!r} must weigh between 0 and 1, not {w}")
        return {normalise_label(k): float(w) for k, w in value.items()}


class PrioritisationModel(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    owner: str = ""
    official: bool = False
    description: str = ""
    components: dict[str, float]
    network: NetworkSettings
    offending: OffendingSettings
    markers: dict[str, float]
    protected_roles: list[str] = Field(min_length=1)
    monte_carlo: MonteCarloSettings
    harm_index: HarmIndex
    intelligence: IntelligenceSettings = Field(default_factory=lambda: IntelligenceSettings.model_validate({}))
    ocg_membership: OcgMembershipSettings = Field(default_factory=lambda: OcgMembershipSettings.model_validate({}))

    @field_validator("components")
    @classmethod
    def _components(cls, value: dict[str, float]) -> dict[str, float]:
        return _weights(value, COMPONENTS, "component")

    @field_validator("markers")
    @classmethod
    def _markers(cls, value: dict[str, float]) -> dict[str, float]:
        for key, w in value.items():
            if not 0 <= w <= 1:
                raise ValueError(f"marker {key!r} must be between 0 and 1, not {w}")
        return {normalise_label(k): float(w) for k, w in value.items()}

    @model_validator(mode="after")
    def _harm_table(self) -> PrioritisationModel:
        self.harm_index.lookup()  # raises on clashing aliases
        return self

    def protected_pattern(self) -> re.Pattern[str]:
        words = "|".join(re.escape(normalise_label(w)).replace(r"\ ", r"[\s_-]+") for w in self.protected_roles)
        return re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])", re.IGNORECASE)


def model_fingerprint(model: PrioritisationModel) -> str:
    """Hash of the model's content, stored with each run so an edit without a version bump still shows."""
    text = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_label(text: str) -> str:
    return " ".join(str(text).lower().replace("_", " ").split())


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def parse_model(data: Any, *, source: str = "model") -> PrioritisationModel:
    if not isinstance(data, dict):
        raise ModelError(f"{source}: expected a YAML mapping of settings at the top level")
    try:
        return PrioritisationModel.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ModelError(f"{source}: {problems}") from None


def load_model(path: str | Path | None = None) -> PrioritisationModel:
    """Read and validate a model file; ``None`` gives SOC Hub's open default."""
    file = Path(path) if path is not None else DEFAULT_MODEL
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{file}: cannot read the model ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelError(f"{file}: not valid YAML ({exc})") from None
    return parse_model(data, source=str(file))
