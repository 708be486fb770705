"""Scoring one assessment against a model, and ranking themes for the control-strategy table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .model import ScoringModel, Section

_NDIGITS = 4


class AssessmentError(ValueError):
    """Ratings or rationales that cannot be scored.

    ``problems`` maps each dimension key to what is wrong with it (key ``""`` for problems not about one
    dimension), so a form can show each message beside its field.
    """

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        lines = [f"{k}: {m}" if k else m for k, msgs in problems.items() for m in msgs]
        super().__init__("The assessment cannot be scored: " + "; ".join(lines) + ".")


@dataclass(frozen=True)
class DimensionScore:
    key: str
    section: str
    label: str
    level: int
    level_label: str
    descriptor: str
    weight: float
    points: float
    """weight × level: this dimension's share of its section score."""
    rationale: str


@dataclass(frozen=True)
class SectionScore:
    key: str
    label: str
    score: float
    lowest: float
    highest: float
    percent: float
    """Where ``score`` sits between the lowest and highest possible, 0-100."""


@dataclass(frozen=True)
class AssessmentResult:
    """A scored assessment: plain data, safe to store as JSON with :meth:`to_dict`.

    ``risk`` comes from harm and likelihood only. ``confidence`` is shown beside it and never changes it;
    ``organisational_position`` is kept apart and only feeds ``risk_gap``.
    """

    model_id: str
    model_name: str
    model_version: str
    model_fingerprint: str
    model_official: bool
    subject_type: str
    subject: str
    dimensions: tuple[DimensionScore, ...]
    sections: dict[str, SectionScore]
    harm: float
    likelihood: float
    risk: float
    risk_max: float
    risk_percent: float
    priority: str
    """Name of the risk band, e.g. High."""
    tier: str
    """The band's place in the common high/medium/low vocabulary."""
    confidence: SectionScore | None
    confidence_label: str | None
    """The level's label when confidence is one dimension (e.g. "Good"); otherwise None."""
    organisational_position: SectionScore | None
    risk_gap: bool
    risk_gap_reason: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def dimension(self, key: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.key == key)


def score_assessment(
    model: ScoringModel,
    ratings: Mapping[str, int],
    rationales: Mapping[str, str],
    *,
    subject: str = "",
) -> AssessmentResult:
    """Score ratings (dimension key -> level) against ``model``.

    Every dimension in the model must be rated, on a level its scale has, with a non-empty rationale; a
    rating or rationale for a dimension the model does not have is refused. All problems are reported at
    once in :class:`AssessmentError`.

    Args:
        model: the scoring model (its id and version are recorded in the result).
        ratings: dimension key -> level value.
        rationales: dimension key -> why that level was chosen.
        subject: what is assessed, e.g. the theme's name; used by :func:`rank_themes`.
    """
    problems: dict[str, list[str]] = {}

    def problem(key: str, msg: str) -> None:
        problems.setdefault(key, []).append(msg)

    dims = model.dimensions
    for key in ratings:
        if key not in dims:
            problem(key, f"‘{key}’ is not a dimension of {model.label}; its dimensions are: {', '.join(dims)}")
    for key in rationales:
        if key not in dims and key not in ratings:
            problem(key, f"a rationale was given for ‘{key}’, which is not a dimension of {model.label}")
    for key, (_, dim) in dims.items():
        if key not in ratings:
            problem(key, f"{dim.label} is not rated")
            continue
        value = ratings[key]
        if not isinstance(value, int) or isinstance(value, bool) or dim.level(value) is None:
            scale = ", ".join(f"{lv.value} ({lv.label})" for lv in dim.levels)
            problem(key, f"{value!r} is not a level of {dim.label}; levels are {scale}")
        text = rationales.get(key)
        if not isinstance(text, str) or not text.strip():
            problem(key, f"{dim.label} needs a rationale: say why this level was chosen")
    if problems:
        raise AssessmentError(problems)

    scored = []
    for key, (section_name, dim) in dims.items():
        lv = dim.level(ratings[key])
        assert lv is not None
        scored.append(
            DimensionScore(
                key=key,
                section=section_name,
                label=dim.label,
                level=lv.value,
                level_label=lv.label,
                descriptor=lv.descriptor,
                weight=dim.weight,
                points=round(dim.weight * lv.value, _NDIGITS),
                rationale=rationales[key].strip(),
            )
        )
    sections = {
        name: _section_score(name, s, [d for d in scored if d.section == name])
        for name, s in model.sections.present().items()
    }
    harm, likelihood = sections["harm"], sections["likelihood"]
    risk = round(harm.score * likelihood.score, _NDIGITS)
    risk_max = round(harm.highest * likelihood.highest, _NDIGITS)
    risk_percent = round(100 * risk / risk_max, 1) if risk_max else 0.0
    band = next(b for b in model.risk.bands if risk_percent >= b.min_risk_percent)

    confidence = sections.get("confidence")
    confidence_label = None
    if confidence is not None:
        conf_dims = [d for d in scored if d.section == "confidence"]
        if len(conf_dims) == 1:
            confidence_label = conf_dims[0].level_label
    position = sections.get("organisational_position")
    gap, reason = _risk_gap(model, band.name, risk_percent, scored)

    return AssessmentResult(
        model_id=model.id,
        model_name=model.name,
        model_version=model.version,
        model_fingerprint=model.fingerprint,
        model_official=model.official,
        subject_type=model.subject,
        subject=subject,
        dimensions=tuple(scored),
        sections=sections,
        harm=harm.score,
        likelihood=likelihood.score,
        risk=risk,
        risk_max=risk_max,
        risk_percent=risk_percent,
        priority=band.name,
        tier=band.tier,
        confidence=confidence,
        confidence_label=confidence_label,
        organisational_position=position,
        risk_gap=gap,
        risk_gap_reason=reason,
        notes=(model.notice,),
    )


def _section_score(name: str, section: Section, scored: list[DimensionScore]) -> SectionScore:
    score = round(sum(d.points for d in scored), _NDIGITS)
    lo, hi = section.lowest, section.highest
    return SectionScore(
        key=name,
        label=section.label,
        score=score,
        lowest=round(lo, _NDIGITS),
        highest=round(hi, _NDIGITS),
        percent=round(100 * (score - lo) / (hi - lo), 1) if hi > lo else 0.0,
    )


def _risk_gap(model: ScoringModel, band: str, risk_percent: float, scored: list[DimensionScore]) -> tuple[bool, str]:
    rule, org = model.risk_gap, model.sections.organisational_position
    if rule is None or org is None:
        return False, ""
    keys = rule.dimensions or list(org.dimensions)
    counted = [d for d in scored if d.key in keys]
    lo = sum(org.dimensions[d.key].weight * org.dimensions[d.key].lowest for d in counted)
    hi = sum(org.dimensions[d.key].weight * org.dimensions[d.key].highest for d in counted)
    percent = round(100 * (sum(d.points for d in counted) - lo) / (hi - lo), 1) if hi > lo else 0.0
    names = [b.name for b in model.risk.bands]
    high_enough = names.index(band) <= names.index(rule.at_or_above_band)
    if not (high_enough and percent <= rule.max_position_percent):
        return False, ""
    levels = ", ".join(f"{d.label.lower()} {d.level_label}" for d in counted)
    return True, (
        f"Risk is {band} ({risk_percent:g}% of the maximum) but the organisational position is "
        f"{percent:g}% ({levels}), at or below {rule.max_position_percent:g}%: a risk gap."
    )


@dataclass(frozen=True)
class ThemeRow:
    """One row of the control-strategy table."""

    rank: int
    joint: bool
    """True when this row ties with another on every ordering key except the name (shown as "=3")."""
    subject: str
    risk: float
    risk_percent: float
    priority: str
    harm: float
    likelihood: float
    confidence: str | None
    organisational_position_percent: float | None
    risk_gap: bool
    risk_gap_reason: str
    model_id: str
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _order_key(r: AssessmentResult) -> tuple[float, float, float]:
    position = r.organisational_position.percent if r.organisational_position is not None else 0.0
    return (-r.risk, -r.harm, position)


def rank_themes(results: Iterable[AssessmentResult]) -> list[ThemeRow]:
    """Order scored themes for the control-strategy table.

    Order: risk descending; ties broken by (1) harm descending, since of two equal risks the more harmful
    comes first; (2) organisational position ascending, since the partnership is less able to tackle it; then
    (3) the subject's name alphabetically, for a stable order. Rows equal on (1)-(2) and risk share a rank and
    are marked ``joint``. Confidence is shown but never used to order (it does not change risk).

    All results must come from the same model (id, version and content; risks on different scales do not compare), and
    subjects must be distinct and named.
    """
    results = list(results)
    if not results:
        return []
    models = {(r.model_id, r.model_version, r.model_fingerprint) for r in results}
    if len(models) > 1:
        listed = ", ".join(f"{m} v{v} ({f})" for m, v, f in sorted(models))
        raise ValueError(f"themes scored with different models cannot be ranked together: {listed}")
    names = [r.subject for r in results]
    if any(not n.strip() for n in names):
        raise ValueError("every theme to rank needs a subject name")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"each theme can be ranked once; repeated: {', '.join(dupes)}")

    ordered = sorted(results, key=lambda r: (*_order_key(r), r.subject.casefold(), r.subject))
    keys = [_order_key(r) for r in ordered]
    rows = []
    rank = 0
    for i, r in enumerate(ordered):
        if i == 0 or keys[i] != keys[i - 1]:
            rank = i + 1
        joint = (i > 0 and keys[i] == keys[i - 1]) or (i + 1 < len(keys) and keys[i] == keys[i + 1])
        rows.append(
            ThemeRow(
                rank=rank,
                joint=joint,
                subject=r.subject,
                risk=r.risk,
                risk_percent=r.risk_percent,
                priority=r.priority,
                harm=r.harm,
                likelihood=r.likelihood,
                confidence=r.confidence_label,
                organisational_position_percent=(
                    r.organisational_position.percent if r.organisational_position is not None else None
                ),
                risk_gap=r.risk_gap,
                risk_gap_reason=r.risk_gap_reason,
                model_id=r.model_id,
                model_version=r.model_version,
            )
        )
    return rows
