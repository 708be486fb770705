"""The menu of disruption tactics and the national impact scale, as versioned YAML reference data.

Each tactic sits in one of the Home Office menu's six areas, has a type (immigration, Proceeds of Crime Act,
licensing, ...) and names the agencies that usually use it; some apply only to foreign nationals. The impact
levels are the national scale, in its order. Errors name the file and the key at fault.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_MENU = REFERENCE / "disruptions.yaml"

AREA_IDS = ("lifestyle", "behaviour", "vehicles", "travel", "business", "crime")
"""The Home Office menu's six lifestyle areas, in its order."""

IMPACT_LEVELS = ("major", "moderate", "minor", "none", "negative")
"""The national disruption scale, in its order."""

IMMIGRATION = "immigration"
"""The tactic type surfaced first for a nominal flagged as a foreign national."""

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class MenuError(ValueError):
    """A menu that cannot be used; the message names the file and the key."""


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a usable id (lower-case letters, digits and '_')")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)

    valid_id = field_validator("id")(_check_id)


class Agency(_Strict):
    id: str
    label: str = Field(min_length=1)

    valid_id = field_validator("id")(_check_id)


class Area(_Strict):
    id: str
    label: str = Field(min_length=1)
    description: str = ""

    valid_id = field_validator("id")(_check_id)


class TacticType(_Strict):
    id: str
    label: str = Field(min_length=1)

    valid_id = field_validator("id")(_check_id)


class Tactic(_Strict):
    id: str
    label: str = Field(min_length=1)
    area: str
    type: str
    agencies: list[str] = Field(min_length=1)
    foreign_national_only: bool = False
    hint: str = ""

    valid_id = field_validator("id")(_check_id)


class ImpactLevel(_Strict):
    id: str
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    official: bool  # the wording is published (True) or SOC Hub's own (False)
    source: str
    rationale_required: bool


class Menu(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    sources: list[Source]
    agencies: list[Agency] = Field(min_length=1)
    areas: list[Area]
    types: list[TacticType] = Field(min_length=1)
    tactics: list[Tactic] = Field(min_length=1)
    impact_levels: list[ImpactLevel]

    _tactics: dict[str, Tactic] = PrivateAttr(default_factory=dict)
    _levels: dict[str, ImpactLevel] = PrivateAttr(default_factory=dict)
    _agencies: dict[str, Agency] = PrivateAttr(default_factory=dict)
    _areas: dict[str, Area] = PrivateAttr(default_factory=dict)
    _types: dict[str, TacticType] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._tactics = {t.id: t for t in self.tactics}
        self._levels = {lv.id: lv for lv in self.impact_levels}
        self._agencies = {a.id: a for a in self.agencies}
        self._areas = {a.id: a for a in self.areas}
        self._types = {t.id: t for t in self.types}

    def __eq__(self, other: object) -> bool:
        # the content only: the private look-up tables are not part of a menu
        return isinstance(other, Menu) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def _get(self, table: dict[str, Any], what: str, id: str) -> Any:
        found = table.get(id)
        if found is None:
            raise KeyError(f"no {what} {id!r} in {self.label}")
        return found

    def tactic(self, id: str) -> Tactic:
        found: Tactic = self._get(self._tactics, "tactic", id)
        return found

    def level(self, id: str) -> ImpactLevel:
        found: ImpactLevel = self._get(self._levels, "impact level", id)
        return found

    def agency(self, id: str) -> Agency:
        found: Agency = self._get(self._agencies, "agency", id)
        return found

    def area(self, id: str) -> Area:
        found: Area = self._get(self._areas, "area", id)
        return found

    def tactic_type(self, id: str) -> TacticType:
        found: TacticType = self._get(self._types, "tactic type", id)
        return found

    def has_tactic(self, id: str) -> bool:
        return id in self._tactics

    def has_level(self, id: str) -> bool:
        return id in self._levels

    def has_agency(self, id: str) -> bool:
        return id in self._agencies

    def by_area(self) -> dict[str, list[Tactic]]:
        """Tactics by area id, in the menu's area order (every area, even one with no tactic)."""
        return {a.id: [t for t in self.tactics if t.area == a.id] for a in self.areas}

    def by_type(self) -> dict[str, list[Tactic]]:
        """Tactics by type id, in the order of the types (every type, even one with no tactic)."""
        return {ty.id: [t for t in self.tactics if t.type == ty.id] for ty in self.types}


# --- validation -----------------------------------------------------------------------------------------


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for i in ids:
        if i in seen and i not in twice:
            twice.append(i)
        seen.add(i)
    return twice


def _problems(m: Menu) -> list[str]:
    """Everything wrong beyond the shape of each entry, each problem starting with its key."""
    problems: list[str] = []
    lists: tuple[tuple[str, list[Any]], ...] = (
        ("sources", m.sources),
        ("agencies", m.agencies),
        ("areas", m.areas),
        ("types", m.types),
        ("tactics", m.tactics),
        ("impact_levels", m.impact_levels),
    )
    for key, items in lists:
        for dup in _duplicates([item.id for item in items]):
            problems.append(f"{key}.{dup}: the id {dup!r} is used twice")
    areas = [a.id for a in m.areas]
    if areas != list(AREA_IDS):
        problems.append(
            f"areas: expected the Home Office menu's {', '.join(AREA_IDS)} in that order, "
            f"got {', '.join(areas) or 'none'}"
        )
    levels = [lv.id for lv in m.impact_levels]
    if levels != list(IMPACT_LEVELS):
        problems.append(
            f"impact_levels: expected the national scale {', '.join(IMPACT_LEVELS)} in that order, "
            f"got {', '.join(levels) or 'none'}"
        )
    sources = {s.id for s in m.sources}
    for lv in m.impact_levels:
        if lv.source not in sources:
            problems.append(f"impact_levels.{lv.id}.source: unknown source {lv.source!r}")
    agencies = {a.id for a in m.agencies}
    types = {t.id for t in m.types}
    for t in m.tactics:
        if t.area not in AREA_IDS:
            problems.append(f"tactics.{t.id}.area: unknown area {t.area!r} (areas: {', '.join(AREA_IDS)})")
        if t.type not in types:
            problems.append(f"tactics.{t.id}.type: unknown type {t.type!r} (types: {', '.join(sorted(types))})")
        for dup in _duplicates(t.agencies):
            problems.append(f"tactics.{t.id}.agencies.{dup}: listed twice")
        for agency in t.agencies:
            if agency not in agencies:
                problems.append(f"tactics.{t.id}.agencies.{agency}: unknown agency {agency!r}")
        if t.foreign_national_only and t.type != IMMIGRATION:
            problems.append(
                f"tactics.{t.id}.foreign_national_only: only {IMMIGRATION} tactics can apply to foreign nationals only"
            )
    return problems


# --- reading ---------------------------------------------------------------------------------------------


def parse_menu(data: Any, source: str = "<data>") -> Menu:
    """Validate a menu given as plain data (a YAML document read already)."""
    return validate(Menu, data, source, MenuError, "name, version, areas, tactics, impact_levels, ...", check=_problems)


def load_menu(path: str | Path | None = None) -> Menu:
    """Read and validate a menu file (``None``: SOC Hub's default)."""
    file = Path(path) if path is not None else DEFAULT_MENU
    return parse_menu(read_yaml(file, MenuError), str(file))


def fingerprint(m: Menu) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    return content_fingerprint(m)
