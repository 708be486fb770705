"""Reference data for hotspots as versioned YAML, validated with pydantic on load.

- ``reference/harm.yaml``: a harm weight per police.uk crime category (SOC Hub's own approximation in the
  spirit of the ONS Crime Severity Score, not an ONS product);
- ``reference/soc.yaml``: which categories count as SOC-related for the overlay;
- ``reference/concern.yaml``: the weights of the explainable "areas of concern" score.

A partnership loads its own file with the same keys; errors name the file and the key at fault, and every
result should record the ``version`` (and :func:`fingerprint`) of the files it used.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_HARM = REFERENCE / "harm.yaml"
DEFAULT_SOC = REFERENCE / "soc.yaml"
DEFAULT_CONCERN = REFERENCE / "concern.yaml"

ASB = "Anti-social behaviour"
# The 14 categories of police.uk street-level files (since 2013), as written in the CSV files.
CATEGORIES: tuple[str, ...] = (
    ASB,
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Other crime",
)
# Other spellings seen in the wild: the police.uk API slugs (also used by ../shared/bench/gen_crime.py)
# and the pre-2013 name of the violence category. "Public disorder and weapons" (before May 2013) mixed two
# of today's categories, so it is deliberately not mapped: such rows are counted as unrecognised.
_ALIASES: dict[str, str] = {
    "anti social behaviour": ASB,
    "asb": ASB,
    "criminal damage arson": "Criminal damage and arson",
    "violent crime": "Violence and sexual offences",
    "violence": "Violence and sexual offences",
}


def normalise_label(text: str) -> str:
    """Lower case, hyphens and underscores as spaces, single spaces: 'Anti-social behaviour' matches
    'anti-social-behaviour'."""
    return " ".join(str(text).lower().replace("-", " ").replace("_", " ").split())


_LOOKUP: dict[str, str] = {normalise_label(c): c for c in CATEGORIES} | _ALIASES


def canonical_category(label: str) -> str | None:
    """The police.uk category a crime-type label names, or None when it is not one of the 14."""
    return _LOOKUP.get(normalise_label(label))


class ReferenceError(ValueError):
    """A reference file that cannot be used, with a message naming the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite_non_negative(value: float, what: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a number of 0 or more, not {value}")
    return float(value)


class HarmCategory(_Strict):
    weight: float
    verified: bool = False
    basis: str = ""

    @field_validator("weight")
    @classmethod
    def _weight(cls, value: float) -> float:
        return _finite_non_negative(value, "weight")


class HarmWeights(_Strict):
    """Harm weight per police.uk category; ``weight_of`` maps any spelling of a category to its weight."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    status: str = Field(min_length=1)
    index: str = Field(min_length=1)
    method: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    caution: str = ""
    unrecognised_weight: float = 0.0
    categories: dict[str, HarmCategory]

    @field_validator("unrecognised_weight")
    @classmethod
    def _unrecognised(cls, value: float) -> float:
        return _finite_non_negative(value, "unrecognised_weight")

    @field_validator("categories", mode="before")
    @classmethod
    def _all_fourteen(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        named: dict[str, Any] = {}
        for key, item in value.items():
            category = canonical_category(str(key))
            if category is None:
                raise ValueError(f"unknown police.uk category {key!r} (known: {', '.join(CATEGORIES)})")
            if category in named:
                raise ValueError(f"category {category!r} is listed twice (as {key!r})")
            named[category] = item
        missing = [c for c in CATEGORIES if c not in named]
        if missing:
            raise ValueError(f"missing categories {', '.join(repr(m) for m in missing)}")
        return {c: named[c] for c in CATEGORIES}

    def weight_of(self, label: str) -> float | None:
        """Weight for a crime-type label in any known spelling; None when it is not a police.uk category."""
        category = canonical_category(label)
        return None if category is None else self.categories[category].weight


class SocCategories(_Strict):
    """Which police.uk categories count as SOC-related in the overlay (canonical names after loading)."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    rationale: str = ""
    categories: list[str] = Field(min_length=1)

    @field_validator("categories")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for label in value:
            category = canonical_category(label)
            if category is None:
                raise ValueError(f"unknown police.uk category {label!r} (known: {', '.join(CATEGORIES)})")
            if category not in out:
                out.append(category)
        return out


CONCERN_COMPONENTS = ("soc_hotspot", "harm_hotspot", "deprivation", "vulnerability", "ocg")
HOT_CLASSES = ("hot 99", "hot 95", "hot 90")


class ConcernSettings(_Strict):
    """Weights of the areas-of-concern score: a weighted mean of components, each scored 0..1."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    weights: dict[str, float]
    class_scores: dict[str, float]
    most_deprived_deciles: int = Field(3, ge=1, le=10)
    vulnerability_full_at: float = Field(5, gt=0)
    ocg_full_at: float = Field(2, gt=0)
    ocg_layers: list[str] = []

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CONCERN_COMPONENTS))
        if unknown:
            raise ValueError(f"unknown component {', '.join(unknown)} (known: {', '.join(CONCERN_COMPONENTS)})")
        for key, w in value.items():
            _finite_non_negative(w, f"weight {key!r}")
        if not any(w > 0 for w in value.values()):
            raise ValueError("at least one component weight must be above 0")
        return {key: float(value.get(key, 0.0)) for key in CONCERN_COMPONENTS}

    @field_validator("class_scores")
    @classmethod
    def _classes(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(HOT_CLASSES))
        if unknown:
            raise ValueError(f"unknown class {', '.join(unknown)} (known: {', '.join(HOT_CLASSES)})")
        for key, w in value.items():
            if not 0 <= w <= 1:
                raise ValueError(f"class {key!r} must score between 0 and 1, not {w}")
        return {key: float(value.get(key, 0.0)) for key in HOT_CLASSES}

    @field_validator("ocg_layers")
    @classmethod
    def _layers(cls, value: list[str]) -> list[str]:
        return [normalise_label(v) for v in value]

    @model_validator(mode="after")
    def _ordered(self) -> ConcernSettings:
        s = self.class_scores
        if not s["hot 99"] >= s["hot 95"] >= s["hot 90"]:
            raise ValueError("class_scores must not rise as confidence falls (hot 99 >= hot 95 >= hot 90)")
        return self


_M = TypeVar("_M", bound=BaseModel)


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _parse(kind: type[_M], data: Any, source: str) -> _M:
    if not isinstance(data, dict):
        raise ReferenceError(f"{source}: expected a YAML mapping at the top level")
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ReferenceError(f"{source}: {problems}") from None


def _load(kind: type[_M], path: str | Path) -> _M:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceError(f"{file}: cannot read the file ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceError(f"{file}: not valid YAML ({exc})") from None
    return _parse(kind, data, str(file))


def parse_harm(data: Any, *, source: str = "harm weights") -> HarmWeights:
    return _parse(HarmWeights, data, source)


def parse_soc(data: Any, *, source: str = "SOC categories") -> SocCategories:
    return _parse(SocCategories, data, source)


def parse_concern(data: Any, *, source: str = "concern settings") -> ConcernSettings:
    return _parse(ConcernSettings, data, source)


def load_harm(path: str | Path | None = None, *, asb_weight: float | None = None) -> HarmWeights:
    """Read harm weights (``None``: SOC Hub's default). ``asb_weight`` overrides the ASB weight (a local choice)."""
    harm = _load(HarmWeights, path or DEFAULT_HARM)
    if asb_weight is None:
        return harm
    data = harm.model_dump()
    data["categories"][ASB] = {
        "weight": asb_weight,
        "verified": False,
        "basis": "local choice: set by the partnership, not from any index",
    }
    return parse_harm(data, source=f"{path or DEFAULT_HARM} (with asb_weight={asb_weight})")


def load_soc(path: str | Path | None = None) -> SocCategories:
    return _load(SocCategories, path or DEFAULT_SOC)


def load_concern(path: str | Path | None = None) -> ConcernSettings:
    return _load(ConcernSettings, path or DEFAULT_CONCERN)


def fingerprint(settings: BaseModel) -> str:
    """Hash of the content, stored with each run so an edit without a version bump still shows."""
    text = json.dumps(settings.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
