"""Prevent programmes' reference data (YAML validated by pydantic): default phases, controlled lists and periods.

Every value is SOC Hub's own (``official: false``): the lists a referral chooses from, the attendance that
completes a phase, when reoffending is checked and when a young person's record is due for a retention review.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_REFERENCE = REFERENCE / "prevent.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ReferenceError(ValueError):
    """Reference data that cannot be used; the message names the file and the key."""


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a usable id (lower-case letters, digits and '_')")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    id: str
    label: str = Field(min_length=1)
    description: str = ""

    valid_id = field_validator("id")(_check_id)


class OutcomeKind(_Strict):
    id: str
    label: str = Field(min_length=1)
    needs_level: bool = False

    valid_id = field_validator("id")(_check_id)


class AgeRange(_Strict):
    min: int = Field(ge=5, le=25)
    max: int = Field(ge=5, le=25)


class Consent(_Strict):
    own_consent_age: int = Field(ge=10, le=18)
    official: bool


class Completion(_Strict):
    attendance_threshold: float = Field(gt=0, le=1)
    official: bool


class Reoffending(_Strict):
    months: list[int] = Field(min_length=1)
    official: bool

    @field_validator("months")
    @classmethod
    def _sorted_positive(cls, value: list[int]) -> list[int]:
        if any(m <= 0 or m > 60 for m in value) or sorted(set(value)) != value:
            raise ValueError("months must be distinct, increasing, and between 1 and 60")
        return value


class Retention(_Strict):
    official: bool
    referral_pending_months: int = Field(ge=1, le=60)
    declined_months: int = Field(ge=1, le=60)
    after_leaving_months: int = Field(ge=1, le=60)
    age_backstop_years: int = Field(ge=16, le=25)
    max_retain_months: int = Field(ge=1, le=60)


class PreventReference(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    default_phases: list[Item] = Field(min_length=1)
    default_age_range: AgeRange
    risk_factors: list[Item] = Field(min_length=1)
    safeguarding_flags: list[Item] = Field(min_length=1)
    outcome_kinds: list[OutcomeKind] = Field(min_length=1)
    consent: Consent
    completion: Completion
    reoffending_checks: Reoffending
    retention: Retention

    _risk: dict[str, Item] = PrivateAttr(default_factory=dict)
    _flags: dict[str, Item] = PrivateAttr(default_factory=dict)
    _outcomes: dict[str, OutcomeKind] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._risk = {i.id: i for i in self.risk_factors}
        self._flags = {i.id: i for i in self.safeguarding_flags}
        self._outcomes = {i.id: i for i in self.outcome_kinds}

    def risk_label(self, ident: str) -> str:
        return self._risk[ident].label if ident in self._risk else ident

    def flag_label(self, ident: str) -> str:
        return self._flags[ident].label if ident in self._flags else ident

    def outcome_kind(self, ident: str) -> OutcomeKind | None:
        return self._outcomes.get(ident)

    def is_risk_factor(self, ident: str) -> bool:
        return ident in self._risk

    def is_flag(self, ident: str) -> bool:
        return ident in self._flags


def _problems(ref: PreventReference) -> list[str]:
    problems: list[str] = []
    for name, items in (
        ("default_phases", ref.default_phases),
        ("risk_factors", ref.risk_factors),
        ("safeguarding_flags", ref.safeguarding_flags),
        ("outcome_kinds", ref.outcome_kinds),
    ):
        ids = [i.id for i in items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"{name}: the id {dupes[0]!r} appears twice")
    if ref.default_age_range.min > ref.default_age_range.max:
        problems.append("default_age_range: min is above max")
    return problems


def parse_reference(data: Any, source: str = "(data)") -> PreventReference:
    return validate(PreventReference, data, source, ReferenceError, "prevent reference data", _problems)


def load_reference(path: str | Path | None = None) -> PreventReference:
    file = Path(path) if path is not None else DEFAULT_REFERENCE
    return parse_reference(read_yaml(file, ReferenceError), str(file))


@lru_cache(maxsize=1)
def default_reference() -> PreventReference:
    """The shipped reference data, read once."""
    return load_reference()


def fingerprint(ref: PreventReference) -> str:
    return content_fingerprint(ref)
