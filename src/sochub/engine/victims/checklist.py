"""The vulnerability checklist as versioned YAML reference data, checked on load.

A checklist gives points for age bands, for money lost and for each indicator an officer ticks, names the
indicators that make a case high priority on their own, the priorities (highest first) with how soon to
visit and how often to review, and the protective measures with the partner who provides each. Errors
name the file and the key at fault.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_CHECKLIST = REFERENCE / "checklist.yaml"

GROUPS: dict[str, str] = {
    "person": "About the person",
    "contact": "Contact by scammers",
    "loss": "Money",
    "signs": "Signs seen at home",
}
"""Indicator group id: heading, in the order a form shows them."""

PRIORITY_IDS = ("high", "medium", "standard")
"""The priorities a checklist has, highest first (the web app keys on these ids)."""

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ChecklistError(ValueError):
    """A checklist that cannot be used; the message names the file and the key."""


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a usable id (lower-case letters, digits and '_')")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    id: str
    label: str = Field(min_length=1)
    hint: str = ""
    points: int = Field(ge=0, le=20)
    group: str

    valid_id = field_validator("id")(_check_id)

    @field_validator("group")
    @classmethod
    def _known_group(cls, value: str) -> str:
        if value not in GROUPS:
            raise ValueError(f"unknown group {value!r} (groups: {', '.join(GROUPS)})")
        return value


class AgeBand(_Strict):
    min_age: int = Field(ge=0, le=130)
    points: int = Field(ge=0, le=20)


class LossBand(_Strict):
    min_amount: int = Field(ge=0)  # pounds
    points: int = Field(ge=0, le=20)


class Priority(_Strict):
    id: str
    label: str = Field(min_length=1)
    min_points: int = Field(ge=0)
    visit_within_days: int = Field(ge=0, le=365)
    review_every_days: int = Field(ge=1, le=730)
    volunteer: bool  # offer a volunteer

    valid_id = field_validator("id")(_check_id)


class Measure(_Strict):
    id: str
    label: str = Field(min_length=1)
    partner: str = Field(min_length=1)
    hint: str = ""
    suggest_for: list[str] = []  # indicator ids that suggest this measure

    valid_id = field_validator("id")(_check_id)


class Checklist(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    indicators: list[Indicator] = Field(min_length=1)
    age_points: list[AgeBand]
    loss_points: list[LossBand]
    always_high: list[str]
    priorities: list[Priority]
    measures: list[Measure]

    _indicators: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _priorities: dict[str, Priority] = PrivateAttr(default_factory=dict)
    _measures: dict[str, Measure] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._indicators = {i.id: i for i in self.indicators}
        self._priorities = {p.id: p for p in self.priorities}
        self._measures = {m.id: m for m in self.measures}

    def __eq__(self, other: object) -> bool:
        # the content only: the private look-up tables are not part of a checklist
        return isinstance(other, Checklist) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def indicator(self, id: str) -> Indicator:
        found = self._indicators.get(id)
        if found is None:
            raise KeyError(f"no indicator {id!r} in {self.label}")
        return found

    def priority(self, id: str) -> Priority:
        found = self._priorities.get(id)
        if found is None:
            raise KeyError(f"no priority {id!r} in {self.label}")
        return found

    def measure(self, id: str) -> Measure:
        found = self._measures.get(id)
        if found is None:
            raise KeyError(f"no measure {id!r} in {self.label}")
        return found

    def grouped(self) -> dict[str, list[Indicator]]:
        """Indicators by group id, in the order of :data:`GROUPS` (empty groups left out)."""
        out: dict[str, list[Indicator]] = {}
        for group in GROUPS:
            items = [i for i in self.indicators if i.group == group]
            if items:
                out[group] = items
        return out


# --- validation -----------------------------------------------------------------------------------------


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for i in ids:
        if i in seen and i not in twice:
            twice.append(i)
        seen.add(i)
    return twice


def _problems(c: Checklist) -> list[str]:
    """Everything wrong beyond the shape of each entry, each problem starting with its key."""
    problems: list[str] = []
    for key, items in (("indicators", c.indicators), ("priorities", c.priorities), ("measures", c.measures)):
        for dup in _duplicates([item.id for item in items]):
            problems.append(f"{key}.{dup}: the id {dup!r} is used twice")
    for key, values in (
        ("age_points", [b.min_age for b in c.age_points]),
        ("loss_points", [b.min_amount for b in c.loss_points]),
    ):
        field = "min_age" if key == "age_points" else "min_amount"
        for n, (before, value) in enumerate(pairwise(values), start=1):
            if value <= before:
                problems.append(
                    f"{key}.[{n}].{field}: {value} is not above the band before ({before}); list bands ascending"
                )
    for key, bands in (("age_points", c.age_points), ("loss_points", c.loss_points)):
        points = [b.points for b in bands]
        for n, (before, value) in enumerate(pairwise(points), start=1):
            if value < before:
                problems.append(f"{key}.[{n}].points: {value} is fewer than the band before ({before})")
    ids = [p.id for p in c.priorities]
    if ids != list(PRIORITY_IDS):
        problems.append(
            f"priorities: expected {', '.join(PRIORITY_IDS)} in that order (highest first), "
            f"got {', '.join(ids) or 'none'}"
        )
    for higher, priority in pairwise(c.priorities):
        if priority.min_points >= higher.min_points:
            problems.append(
                f"priorities.{priority.id}.min_points: {priority.min_points} is not below {higher.id}'s "
                f"{higher.min_points}; list priorities highest first"
            )
        if priority.visit_within_days < higher.visit_within_days:
            problems.append(
                f"priorities.{priority.id}.visit_within_days: {priority.visit_within_days} is sooner than "
                f"{higher.id}'s {higher.visit_within_days}"
            )
    if c.priorities and c.priorities[-1].min_points != 0:
        last = c.priorities[-1]
        problems.append(
            f"priorities.{last.id}.min_points: the last priority must start at 0 points, not {last.min_points}"
        )
    known = {i.id for i in c.indicators}
    for dup in _duplicates(c.always_high):
        problems.append(f"always_high.{dup}: listed twice")
    for ident in c.always_high:
        if ident not in known:
            problems.append(f"always_high.{ident}: unknown indicator {ident!r}")
    for measure in c.measures:
        for ident in measure.suggest_for:
            if ident not in known:
                problems.append(f"measures.{measure.id}.suggest_for.{ident}: unknown indicator {ident!r}")
    return problems


# --- reading ---------------------------------------------------------------------------------------------


def parse_checklist(data: Any, source: str = "<data>") -> Checklist:
    """Validate a checklist given as plain data (a YAML document read already)."""
    return validate(Checklist, data, source, ChecklistError, "name, version, indicators, ...", check=_problems)


def load_checklist(path: str | Path | None = None) -> Checklist:
    """Read and validate a checklist file (``None``: SOC Hub's default)."""
    file = Path(path) if path is not None else DEFAULT_CHECKLIST
    return parse_checklist(read_yaml(file, ChecklistError), str(file))


def fingerprint(c: Checklist) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    return content_fingerprint(c)
