"""OCG attribute assessment in the spirit of OCGM, and its comparison with the harm-based (MoRiLE-style) score.

OCGM's own weights and band thresholds are not public (domain.md §2.1), so, as with the harm model, the shipped
``reference/ocg-attributes.yaml`` is SOC Hub's open default: the sixteen high/medium/low criteria of the Ministry of
Justice GRIP prototype (anchors.md §1.9), equal points per level, and three bands. An agency replaces the file to
use its own criteria, points or thresholds.

Points: each attribute's answer earns the points of its level (an attribute may override the points); the total
places the group in the first band (listed highest first) whose ``min_points`` it reaches. Every attribute must be
answered, including "none known", so a skipped question can never quietly lower a band.

Harm-focused and attribute-focused methods agree only moderately, and least for groups posing high financial or
psychological harm (Mulholland & Cole 2020, domain.md §1.1), so the OCG page shows both and :func:`compare`
explains where they differ.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ._files import ScoringModelError, plain_errors, read_yaml
from ._files import fingerprint as _fingerprint
from .assess import AssessmentError, AssessmentResult
from .model import REFERENCE, TIERS, Tier, _Strict, _text

DEFAULT_ATTRIBUTES = REFERENCE / "ocg-attributes.yaml"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class AnswerLevel(_Strict):
    key: str
    label: str
    points: float = Field(ge=0)
    descriptor: str
    aliases: list[str] = Field(default_factory=list)
    """Other answers accepted for this level, e.g. Med for medium."""

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError(f"level key ‘{v}’ must be a lower-case word (e.g. high)")
        return v

    @field_validator("label", "descriptor")
    @classmethod
    def _not_blank(cls, v: str, info: Any) -> str:
        return str(_text(v, info.field_name))


class Attribute(_Strict):
    label: str
    group: str = ""
    """E.g. criminal_activity or capability; used to group the form and the breakdown."""
    question: str = ""
    points: dict[str, float] = Field(default_factory=dict)
    """Per-level points overriding the model's, e.g. {high: 5} for an attribute that matters more."""


class AttributeBand(_Strict):
    name: str
    tier: Tier
    min_points: float = Field(ge=0)
    description: str = ""


class AttributeModel(_Strict):
    """An attribute-focused OCG assessment model as read from YAML."""

    id: str
    name: str
    version: str
    official: bool
    owner: str
    notice: str
    sources: list[str] = Field(default_factory=list)
    effective_from: date | None = None
    review_days: int = Field(90, ge=1, le=3660)
    levels: list[AnswerLevel] = Field(min_length=2)
    attributes: dict[str, Attribute] = Field(min_length=1)
    bands: list[AttributeBand] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError('write the version as text in quotes, e.g. version: "1.0" (unquoted, 1.10 reads as 1.1)')
        return _text(v, "version")

    @field_validator("levels")
    @classmethod
    def _distinct(cls, levels: list[AnswerLevel]) -> list[AnswerLevel]:
        seen: set[str] = set()
        for lv in levels:
            for name in {lv.key, lv.label.casefold(), *(a.casefold() for a in lv.aliases)}:
                if name in seen:
                    raise ValueError(f"the level ‘{name}’ appears twice; each level needs its own key and label")
                seen.add(name)
        return levels

    @field_validator("bands")
    @classmethod
    def _ordered(cls, bands: list[AttributeBand]) -> list[AttributeBand]:
        mins = [b.min_points for b in bands]
        if any(a <= b for a, b in itertools.pairwise(mins)):
            raise ValueError("list the bands highest first, each with a lower min_points than the one before")
        if mins[-1] != 0:
            raise ValueError("the last band must have min_points: 0 so that every group falls in a band")
        if len({b.name for b in bands}) != len(bands):
            raise ValueError("each band needs its own name")
        return bands

    @model_validator(mode="after")
    def _attributes(self) -> AttributeModel:
        keys = {lv.key for lv in self.levels}
        for name, attr in self.attributes.items():
            if not _KEY.match(name):
                raise ValueError(f"attributes: key ‘{name}’ must be lower-case words joined by _")
            unknown = [k for k in attr.points if k not in keys]
            if unknown:
                raise ValueError(f"attributes.{name}.points: {unknown} are not levels; levels are {', '.join(keys)}")
        return self

    def points(self, attribute: str, level: str) -> float:
        attr = self.attributes[attribute]
        return attr.points.get(level, next(lv.points for lv in self.levels if lv.key == level))

    @cached_property
    def max_points(self) -> float:
        return sum(max(self.points(a, lv.key) for lv in self.levels) for a in self.attributes)

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the content, recorded with every result so an edit without a version bump still shows."""
        return _fingerprint(self)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


def load_attribute_model(source: str | Path = DEFAULT_ATTRIBUTES) -> AttributeModel:
    """Read and validate an attribute model; ScoringModelError naming the file and the bad key."""
    path = Path(source)
    try:
        return AttributeModel.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise ScoringModelError(path.name, plain_errors(exc, AttributeModel)) from exc


@dataclass(frozen=True)
class AttributeScore:
    key: str
    label: str
    group: str
    answer: str
    answer_label: str
    points: float
    max_points: float
    rationale: str


@dataclass(frozen=True)
class AttributeResult:
    model_id: str
    model_name: str
    model_version: str
    model_fingerprint: str
    model_official: bool
    subject: str
    band: str
    tier: str
    points: float
    max_points: float
    breakdown: tuple[AttributeScore, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def assess_ocg_attributes(
    model: AttributeModel,
    answers: Mapping[str, str],
    rationales: Mapping[str, str] | None = None,
    *,
    subject: str = "",
) -> AttributeResult:
    """Score an OCG's attribute answers (attribute key -> level key or label, any case) into points and a band.

    Every attribute must be answered; unknown attributes and answers are refused (AssessmentError, keyed by
    attribute). Rationales are optional here and kept in the breakdown.
    """
    rationales = rationales or {}
    problems: dict[str, list[str]] = {}
    by_name = {
        name: lv for lv in model.levels for name in (lv.key, lv.label.casefold(), *map(str.casefold, lv.aliases))
    }
    options = ", ".join(lv.label for lv in model.levels)
    for key in {**answers, **rationales}:
        if key not in model.attributes:
            problems.setdefault(key, []).append(
                f"‘{key}’ is not an attribute of {model.label}; its attributes are: {', '.join(model.attributes)}"
            )
    breakdown = []
    for key, attr in model.attributes.items():
        given = answers.get(key)
        if given is None or (isinstance(given, str) and not given.strip()):
            problems.setdefault(key, []).append(f"{attr.label} is not answered; answer one of: {options}")
            continue
        level = by_name.get(given.strip().casefold()) if isinstance(given, str) else None
        if level is None:
            problems.setdefault(key, []).append(f"{given!r} is not an answer for {attr.label}; use one of: {options}")
            continue
        breakdown.append(
            AttributeScore(
                key=key,
                label=attr.label,
                group=attr.group,
                answer=level.key,
                answer_label=level.label,
                points=model.points(key, level.key),
                max_points=max(model.points(key, lv.key) for lv in model.levels),
                rationale=(rationales.get(key) or "").strip(),
            )
        )
    if problems:
        raise AssessmentError(problems)
    total = sum(a.points for a in breakdown)
    band = next(b for b in model.bands if total >= b.min_points)
    return AttributeResult(
        model_id=model.id,
        model_name=model.name,
        model_version=model.version,
        model_fingerprint=model.fingerprint,
        model_official=model.official,
        subject=subject,
        band=band.name,
        tier=band.tier,
        points=total,
        max_points=model.max_points,
        breakdown=tuple(breakdown),
        notes=(model.notice,),
    )


@dataclass(frozen=True)
class Comparison:
    disagree: bool
    direction: Literal["agree", "harm_higher", "attributes_higher"]
    gap: int
    """How many tiers apart (0-2 on high/medium/low)."""
    harm_tier: str
    attribute_tier: str
    explanation: str
    harm_model: str
    """``id vversion`` of each model compared, so a stored comparison says what it compared."""
    attribute_model: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(harm_result: AssessmentResult, attribute_result: AttributeResult, *, min_gap: int = 1) -> Comparison:
    """Do the harm-based risk and the attribute band of one OCG agree?

    Both are placed on the common high/medium/low tiers their models' bands declare. They disagree when their
    tiers are at least ``min_gap`` apart; the explanation says which way, what drives each side, and what to
    check. When confidence in the harm assessment is below half its scale, the explanation says so (confidence
    never changes risk, but a low-confidence risk may move).
    """
    if harm_result.subject_type != "ocg":
        raise ValueError(f"compare needs an OCG harm assessment, not a {harm_result.subject_type} assessment")
    h, a = TIERS.index(harm_result.tier), TIERS.index(attribute_result.tier)  # 0 is high
    gap = abs(h - a)
    models = (
        f"{harm_result.model_id} v{harm_result.model_version}",
        f"{attribute_result.model_id} v{attribute_result.model_version}",
    )

    def harm_text(tier: bool) -> str:
        t = f"; {harm_result.tier} tier" if tier else ""
        return f"harm-based risk is {harm_result.priority} ({harm_result.risk_percent:g}% of the maximum{t})"

    def attr_text(tier: bool) -> str:
        r = attribute_result
        t = f"; {r.tier} tier" if tier else ""
        return f"attribute band is {r.band} ({r.points:g} of {r.max_points:g} points{t})"

    if gap < min_gap:
        if gap == 0:
            text = (
                f"Both assessments put this group in the {harm_result.tier} tier: "
                f"the {harm_text(False)} and the {attr_text(False)}."
            )
        else:
            text = f"The assessments are close: the {harm_text(True)} and the {attr_text(True)}."
        return Comparison(
            False, "agree", gap, harm_result.tier, attribute_result.tier, text + _confidence(harm_result), *models
        )

    if h < a:
        drivers = _harm_drivers(harm_result)
        text = (
            f"The {harm_text(True)} but the {attr_text(True)}. "
            f"The harm comes mostly from {drivers}. The attribute criteria count the group's activities and "
            "capability rather than the harm it does, and the two methods are known to agree least for groups "
            "posing high harm, particularly financial and psychological harm (Mulholland & Cole, 2020). Check "
            "whether the group's capability is understated or its harm overstated."
        )
        direction: Literal["harm_higher", "attributes_higher"] = "harm_higher"
    else:
        drivers = _attribute_drivers(attribute_result)
        text = (
            f"The {attr_text(True)} but the {harm_text(True)}. "
            f"The attribute points come mostly from {drivers}. A capable group with little assessed harm: check "
            "whether its harm is under-assessed or out of date, or whether the attribute answers describe past "
            "rather than current activity."
        )
        direction = "attributes_higher"
    return Comparison(
        True, direction, gap, harm_result.tier, attribute_result.tier, text + _confidence(harm_result), *models
    )


def _harm_drivers(result: AssessmentResult) -> str:
    # Stable sort: equal points keep the model's order.
    harm = sorted((d for d in result.dimensions if d.section == "harm"), key=lambda d: -d.points)
    top = [f"{d.label.lower()} ({d.level_label})" for d in harm[:3] if d.points > 0]
    return _join(top) or "no single dimension"


def _attribute_drivers(result: AttributeResult) -> str:
    scored = sorted(result.breakdown, key=lambda s: -s.points)
    top = [f"{s.label.lower()} ({s.answer_label})" for s in scored[:3] if s.points > 0]
    return _join(top) or "no single attribute"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _confidence(result: AssessmentResult) -> str:
    c = result.confidence
    if c is None or c.percent >= 50:
        return ""
    label = f" ({result.confidence_label})" if result.confidence_label else ""
    return f" Confidence in the harm assessment is low{label}, so its risk may move as intelligence improves."
