"""Intimidation of victims, witnesses and communities: the controlled lists and the review rules.

The kinds of intimidation, the risk levels (standard, level 2, level 1) with their review intervals, the
protective measures of a management plan and their statuses are versioned YAML reference data validated on load
(``official: false``: the wording and the intervals are SOC Hub's own). Everything here is plain Python.

- :func:`load_reference` / :func:`parse_reference` -> :class:`Reference`; :func:`fingerprint`
- :func:`next_review` -> the day the next review is due after a review (or the report) on a given day
- :func:`review_state` -> "overdue", "due soon" or "" for a due day seen on a given day
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_REFERENCE = REFERENCE / "intimidation.yaml"
RISK_LEVEL_IDS = ("standard", "level_2", "level_1")
"""The risk levels, lowest first; the file must define exactly these."""

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

    valid_id = field_validator("id")(_check_id)


class RiskLevel(_Strict):
    id: str
    label: str = Field(min_length=1)
    official: bool
    definition: str = Field(min_length=1)
    plan_required: bool
    review_interval_days: int = Field(ge=1, le=366)

    valid_id = field_validator("id")(_check_id)


class Reference(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    warn_days: int = Field(ge=0, le=60)
    subjects: list[Item] = Field(min_length=1)
    kinds: list[Item] = Field(min_length=1)
    risk_levels: list[RiskLevel]
    measures: list[Item] = Field(min_length=1)
    measure_statuses: list[Item] = Field(min_length=1)

    _levels: dict[str, RiskLevel] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._levels = {lv.id: lv for lv in self.risk_levels}

    def level(self, level_id: str) -> RiskLevel:
        return self._levels[level_id]

    def has_level(self, level_id: str) -> bool:
        return level_id in self._levels

    @staticmethod
    def _label(items: list[Item], item_id: str) -> str:
        return next((i.label for i in items if i.id == item_id), item_id)

    def kind_label(self, kind_id: str) -> str:
        return self._label(self.kinds, kind_id)

    def subject_label(self, subject_id: str) -> str:
        return self._label(self.subjects, subject_id)

    def measure_label(self, measure_id: str) -> str:
        return self._label(self.measures, measure_id)

    def status_label(self, status_id: str) -> str:
        return self._label(self.measure_statuses, status_id)

    def ids(self, what: str) -> set[str]:
        items: list[Any] = getattr(self, what)
        return {i.id for i in items}


def _problems(ref: Reference) -> list[str]:
    problems: list[str] = []
    for what in ("subjects", "kinds", "measures", "measure_statuses", "risk_levels"):
        items: list[Any] = getattr(ref, what)
        ids = [i.id for i in items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{what}.{dup}: the id appears twice")
    levels = tuple(lv.id for lv in ref.risk_levels)
    if levels != RISK_LEVEL_IDS:
        problems.append(f"risk_levels: must be {', '.join(RISK_LEVEL_IDS)} in that order (found {', '.join(levels)})")
    return problems


def parse_reference(data: Any, source: str = "intimidation reference") -> Reference:
    return validate(Reference, data, source, ReferenceError, "name, version, kinds, risk_levels ...", _problems)


@lru_cache(maxsize=4)
def load_reference(path: Path = DEFAULT_REFERENCE) -> Reference:
    """The reference data in ``path`` (the shipped file by default), validated; cached."""
    return parse_reference(read_yaml(path, ReferenceError), str(path))


def fingerprint(ref: Reference) -> str:
    return content_fingerprint(ref)


def next_review(ref: Reference, *, risk_level: str, after: date) -> date:
    """The day the next review is due: the risk level's interval after ``after`` (a review or the report)."""
    if not ref.has_level(risk_level):
        raise ReferenceError(f"unknown risk level {risk_level!r}")
    return after + timedelta(days=ref.level(risk_level).review_interval_days)


def review_state(ref: Reference, *, due: date | None, today: date) -> str:
    """ "overdue" once ``due`` has passed, "due soon" within the warning days, else ""."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=ref.warn_days):
        return "due soon"
    return ""


__all__ = [
    "DEFAULT_REFERENCE",
    "RISK_LEVEL_IDS",
    "Item",
    "Reference",
    "ReferenceError",
    "RiskLevel",
    "fingerprint",
    "load_reference",
    "next_review",
    "parse_reference",
    "review_state",
]
