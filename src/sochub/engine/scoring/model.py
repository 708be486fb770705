"""Scoring models: versioned reference data in YAML, validated on load.

A model follows MoRiLE's published structure (domain.md §1): four sections, each a set of dimensions rated on a
scale with a plain-English descriptor per level.

- ``harm``: physical, psychological, financial, community and environment, geographic scope.
- ``likelihood``: frequency or volume, trend, victim vulnerability.
- ``confidence``: how sure the assessor is. Shown beside risk; never changes it.
- ``organisational_position``: capacity, capability, partnership opportunity. Kept apart from risk so that a
  high-risk subject the partnership is poorly placed to tackle stands out as a *risk gap*.

The arithmetic (the same for every model, named by ``risk.formula`` so a later formula can sit beside it):

- a section's score is the weighted sum of its dimensions' levels (MoRiLE's "Total Harm Score" and
  "Total Likelihood Score"); its percent is where that sum sits between the lowest and highest possible sums;
- ``risk = harm × likelihood``; ``risk_percent = risk / (highest harm × highest likelihood) × 100``;
- the priority band is the first of ``risk.bands`` (listed highest first) whose ``min_risk_percent`` the risk
  reaches;
- a risk gap is flagged when the priority band is at or above ``risk_gap.at_or_above_band`` and the
  organisational position (over ``risk_gap.dimensions``, by default all of that section) is at most
  ``risk_gap.max_position_percent``.

The shipped files under ``reference/`` are SOC Hub's own open default, not the official MoRiLE scales (which are
licensed by the MoRiLE programme and not public). An agency with a licence writes its scales in the same layout
and loads that file instead; no code changes.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._files import ScoringModelError, plain_errors, read_yaml
from ._files import fingerprint as _fingerprint

REFERENCE = Path(__file__).parent / "reference"
SUBJECTS = ("theme", "ocg", "nominal")
SECTIONS = ("harm", "likelihood", "confidence", "organisational_position")
TIERS = ("high", "medium", "low")
"""Common vocabulary both kinds of OCG assessment map their bands onto, so they can be compared."""

Subject = Literal["theme", "ocg", "nominal"]
Tier = Literal["high", "medium", "low"]
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(value: Any, what: str) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"the {what} is empty")
    return value


class Level(_Strict):
    """One point on a dimension's scale."""

    value: int = Field(strict=True)
    label: str
    descriptor: str
    """Plain English: what a subject at this level looks like."""

    @field_validator("label", "descriptor")
    @classmethod
    def _not_blank(cls, v: str, info: Any) -> str:
        return str(_text(v, info.field_name))


class Dimension(_Strict):
    label: str
    question: str = ""
    """The question the assessor answers, shown on the form."""
    weight: float = Field(default=1.0, gt=0)
    levels: list[Level] = Field(min_length=2)

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, levels: list[Level]) -> list[Level]:
        seen: set[int] = set()
        for lv in levels:
            if lv.value in seen:
                raise ValueError(f"level {lv.value} appears twice; each level must have one value")
            seen.add(lv.value)
        return sorted(levels, key=lambda lv: lv.value)

    @property
    def lowest(self) -> int:
        return self.levels[0].value

    @property
    def highest(self) -> int:
        return self.levels[-1].value

    def level(self, value: int) -> Level | None:
        return next((lv for lv in self.levels if lv.value == value), None)


class Section(_Strict):
    label: str
    description: str = ""
    dimensions: dict[str, Dimension] = Field(min_length=1)

    @field_validator("dimensions")
    @classmethod
    def _keys(cls, dims: dict[str, Dimension]) -> dict[str, Dimension]:
        bad = [k for k in dims if not _KEY.match(str(k))]
        if bad:
            raise ValueError(f"dimension keys must be lower-case words joined by _ (e.g. community_environment): {bad}")
        return dims

    @property
    def lowest(self) -> float:
        return sum(d.weight * d.lowest for d in self.dimensions.values())

    @property
    def highest(self) -> float:
        return sum(d.weight * d.highest for d in self.dimensions.values())


class Sections(_Strict):
    harm: Section
    likelihood: Section
    confidence: Section | None = None
    organisational_position: Section | None = None

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [k for k in data if k not in SECTIONS]
            if unknown:
                names = ", ".join(f"‘{k}’" for k in unknown)
                raise ValueError(f"{names} is not a section; sections are: {', '.join(SECTIONS)}")
        return data

    def present(self) -> dict[str, Section]:
        return {name: s for name in SECTIONS if (s := getattr(self, name)) is not None}


class Band(_Strict):
    name: str
    tier: Tier
    min_risk_percent: float = Field(ge=0, le=100)
    description: str = ""


class RiskRule(_Strict):
    formula: Literal["harm_x_likelihood"]
    bands: list[Band] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _ordered(cls, bands: list[Band]) -> list[Band]:
        mins = [b.min_risk_percent for b in bands]
        if any(a <= b for a, b in itertools.pairwise(mins)):
            raise ValueError("list the bands highest first, each with a lower min_risk_percent than the one before")
        if mins[-1] != 0:
            raise ValueError("the last band must have min_risk_percent: 0 so that every risk falls in a band")
        names = [b.name for b in bands]
        if len(set(names)) != len(names):
            raise ValueError("each band needs its own name")
        return bands


class RiskGapRule(_Strict):
    at_or_above_band: str
    max_position_percent: float = Field(ge=0, le=100)
    dimensions: list[str] | None = None
    """Organisational-position dimensions that count; all of them when left out."""


class ScoringModel(_Strict):
    """A harm-based scoring model (theme, OCG or nominal) as read from YAML."""

    id: str
    name: str
    version: str
    subject: Subject
    official: bool
    """True only for a licensed official scale; SOC Hub's own default says false."""
    owner: str
    notice: str
    """Shown wherever the model's scores are shown, e.g. that these are not the official MoRiLE scales."""
    sources: list[str] = Field(default_factory=list)
    effective_from: date | None = None
    review_days: int = Field(180, ge=1, le=3660)
    """An approved assessment is due for review this many days after approval."""
    sections: Sections
    risk: RiskRule
    risk_gap: RiskGapRule | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError('write the version as text in quotes, e.g. version: "1.0" (unquoted, 1.10 reads as 1.1)')
        return _text(v, "version")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9._-]*$", v):
            raise ValueError("the id must be lower-case letters, digits, '.', '-' or '_' (e.g. sochub-theme)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ScoringModel:
        where: dict[str, str] = {}
        for section_name, section in self.sections.present().items():
            for key in section.dimensions:
                if key in where:
                    raise ValueError(
                        f"the dimension ‘{key}’ is in both {where[key]} and {section_name}; keys must be unique"
                    )
                where[key] = section_name
        for name in ("harm", "likelihood"):
            if getattr(self.sections, name).lowest < 0:
                raise ValueError(f"sections.{name}: levels below 0 would make harm × likelihood meaningless")
        gap = self.risk_gap
        if gap is not None:
            if self.sections.organisational_position is None:
                raise ValueError("risk_gap needs an organisational_position section to compare risk against")
            if gap.at_or_above_band not in {b.name for b in self.risk.bands}:
                raise ValueError(
                    f"risk_gap.at_or_above_band ‘{gap.at_or_above_band}’ is not one of the risk bands: "
                    + ", ".join(b.name for b in self.risk.bands)
                )
            org = self.sections.organisational_position.dimensions
            unknown = [d for d in gap.dimensions or [] if d not in org]
            if unknown:
                raise ValueError(
                    f"risk_gap.dimensions {unknown} are not organisational_position dimensions: {', '.join(org)}"
                )
        return self

    @cached_property
    def dimensions(self) -> dict[str, tuple[str, Dimension]]:
        """Every dimension key -> (section name, dimension), in section order."""
        return {k: (name, d) for name, s in self.sections.present().items() for k, d in s.dimensions.items()}

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the content, recorded with every result so an edit without a version bump still shows."""
        return _fingerprint(self)

    @property
    def label(self) -> str:
        """``name`` with its version, for tables and audit records."""
        return f"{self.name} v{self.version}"


def load_scoring_model(source: str | Path) -> ScoringModel:
    """Read and validate a scoring model.

    Args:
        source: a path to a YAML file, or the name of a shipped default (``theme``, ``ocg`` or ``nominal``).

    Raises:
        ScoringModelError: naming the file and each bad key, e.g.
            ``theme.yaml: sections.harm.dimensions.physical.levels[2].descriptor: this setting is missing``.
    """
    path = REFERENCE / f"{source}.yaml" if isinstance(source, str) and source in SUBJECTS else Path(source)
    return parse_scoring_model(read_yaml(path), file=path.name)


def parse_scoring_model(data: Any, *, file: str = "(scoring model)") -> ScoringModel:
    """Validate already-parsed YAML/JSON (e.g. stored with an assessment) as a scoring model."""
    try:
        return ScoringModel.model_validate(data)
    except ValidationError as exc:
        raise ScoringModelError(file, plain_errors(exc, ScoringModel)) from exc


def default_scoring_model(subject: Subject) -> ScoringModel:
    """SOC Hub's open default model for ``theme``, ``ocg`` or ``nominal``."""
    if subject not in SUBJECTS:
        raise ValueError(f"‘{subject}’ is not a subject; use one of: {', '.join(SUBJECTS)}")
    return load_scoring_model(subject)
