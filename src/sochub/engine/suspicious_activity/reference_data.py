"""The reference data of suspicious activity reports: reporting sectors, glossary codes, DAML periods and
campaigns, as versioned YAML validated on load (``official: false``: the NCA's current glossary booklet is not
reproduced; every code says to verify it against that booklet).

Errors name the file and the key at fault, so an analyst editing the file can find the mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_REFERENCE = REFERENCE / "suspicious_activity.yaml"

SECTOR_IDS = (
    "banks",
    "money_service_businesses",
    "accountants",
    "legal_professionals",
    "estate_agents",
    "high_value_dealers",
    "gambling",
    "trust_company_service_providers",
    "other",
)
"""The controlled list of reporting sectors, in its order (counts and campaigns name sectors by these ids)."""

SOC_HUB_SOURCE = "soc_hub"
"""The source of a setting that is SOC Hub's own choice rather than published."""

_CODE = re.compile(r"^XX[A-Z0-9]{1,8}XX$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ReferenceDataError(ValueError):
    """Reference data that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a usable id (lower-case letters, digits and '_')")
    return value


class Source(_Strict):
    id: str
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)

    valid_id = field_validator("id")(_check_id)


class Sector(_Strict):
    id: str
    label: str = Field(min_length=1)


class GlossaryCode(_Strict):
    code: str
    label: str = Field(min_length=1)
    group: str = Field(min_length=1)
    source: str
    consent_request_only: bool = False

    @field_validator("code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"{value!r} is not a glossary code (XX, then capitals or digits, then XX)")
        return value


class Setting(_Strict):
    value: int = Field(ge=0, le=10_000)
    source: str
    note: str = ""


class Daml(_Strict):
    notice_working_days: Setting
    moratorium_days: Setting
    extension_max_days: Setting
    extensions_total_max_days: Setting
    warn_within_days: Setting
    datf_has_statutory_periods: bool


class Campaign(_Strict):
    id: str
    label: str = Field(min_length=1)
    description: str = ""
    sectors: list[str] = Field(min_length=1)
    target_change_pct: float = Field(gt=-100, le=10_000)
    official: bool
    note: str = ""

    valid_id = field_validator("id")(_check_id)


class Reference(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    sources: list[Source] = Field(min_length=1)
    sectors: list[Sector]
    glossary_codes: list[GlossaryCode] = Field(min_length=1)
    daml: Daml
    campaigns: list[Campaign] = []

    _codes: dict[str, GlossaryCode] = PrivateAttr(default_factory=dict)
    _sectors: dict[str, Sector] = PrivateAttr(default_factory=dict)
    _campaigns: dict[str, Campaign] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._codes = {c.code: c for c in self.glossary_codes}
        self._sectors = {s.id: s for s in self.sectors}
        self._campaigns = {c.id: c for c in self.campaigns}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def code(self, code: str) -> GlossaryCode:
        found = self._codes.get(code)
        if found is None:
            raise KeyError(f"no glossary code {code!r} in {self.label}")
        return found

    def has_code(self, code: str) -> bool:
        return code in self._codes

    def sector_label(self, sector: str) -> str:
        found = self._sectors.get(sector)
        return found.label if found is not None else sector

    def campaign(self, id: str) -> Campaign:
        found = self._campaigns.get(id)
        if found is None:
            raise KeyError(f"no campaign {id!r} in {self.label}")
        return found

    def codes_by_group(self) -> dict[str, list[GlossaryCode]]:
        """Codes by group, groups in the order they first appear."""
        out: dict[str, list[GlossaryCode]] = {}
        for c in self.glossary_codes:
            out.setdefault(c.group, []).append(c)
        return out


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for i in ids:
        if i in seen and i not in twice:
            twice.append(i)
        seen.add(i)
    return twice


def _problems(r: Reference) -> list[str]:
    problems: list[str] = []
    for key, ids in (
        ("sources", [s.id for s in r.sources]),
        ("sectors", [s.id for s in r.sectors]),
        ("glossary_codes", [c.code for c in r.glossary_codes]),
        ("campaigns", [c.id for c in r.campaigns]),
    ):
        for dup in _duplicates(ids):
            problems.append(f"{key}.{dup}: {dup!r} is listed twice")
    sectors = [s.id for s in r.sectors]
    if sectors != list(SECTOR_IDS):
        problems.append(
            f"sectors: expected the controlled list {', '.join(SECTOR_IDS)} in that order, "
            f"got {', '.join(sectors) or 'none'}"
        )
    sources = {s.id for s in r.sources} | {SOC_HUB_SOURCE}
    for c in r.glossary_codes:
        if c.source not in sources:
            problems.append(f"glossary_codes.{c.code}.source: unknown source {c.source!r}")
    for name in ("notice_working_days", "moratorium_days", "extension_max_days", "extensions_total_max_days"):
        setting: Setting = getattr(r.daml, name)
        if setting.source not in sources:
            problems.append(f"daml.{name}.source: unknown source {setting.source!r}")
        if setting.value < 1:
            problems.append(f"daml.{name}.value: must be at least 1")
    if r.daml.warn_within_days.source not in sources:
        problems.append(f"daml.warn_within_days.source: unknown source {r.daml.warn_within_days.source!r}")
    if r.daml.extension_max_days.value > r.daml.extensions_total_max_days.value:
        problems.append("daml.extension_max_days: one extension cannot be longer than all extensions together")
    for campaign in r.campaigns:
        for sector in campaign.sectors:
            if sector not in SECTOR_IDS:
                problems.append(f"campaigns.{campaign.id}.sectors: unknown sector {sector!r}")
        for dup in _duplicates(campaign.sectors):
            problems.append(f"campaigns.{campaign.id}.sectors.{dup}: listed twice")
    return problems


def parse_reference(data: Any, source: str = "<data>") -> Reference:
    """Validate reference data given as plain data (a YAML document read already)."""
    return validate(
        Reference,
        data,
        source,
        ReferenceDataError,
        "name, version, sectors, glossary_codes, daml, campaigns",
        check=_problems,
    )


def load_reference(path: str | Path | None = None) -> Reference:
    """Read and validate a reference file (``None``: SOC Hub's default)."""
    file = Path(path) if path is not None else DEFAULT_REFERENCE
    return parse_reference(read_yaml(file, ReferenceDataError), str(file))


def fingerprint(r: Reference) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    return content_fingerprint(r)


def normalise_code(raw: str) -> str:
    """A code as reporters type it ("xxprfxx ", "XX PRF XX") in the glossary's form."""
    return re.sub(r"\s+", "", raw).upper()


def code_problems(r: Reference, codes: Iterable[str], *, no_codes_apply: bool, consent_request: bool) -> list[str]:
    """Why a report's glossary codes cannot be recorded (empty when they can).

    Several codes may apply; "no codes apply" is an answer too, but not together with codes, and one of the two
    must be given. A code that marks a request for a defence is refused on an information report.
    """
    given = [normalise_code(c) for c in codes if c and c.strip()]
    problems: list[str] = []
    if not given and not no_codes_apply:
        problems.append('Choose the glossary codes the reporter used, or "No codes apply".')
    if given and no_codes_apply:
        problems.append('Choose either glossary codes or "No codes apply", not both.')
    for dup in _duplicates(given):
        problems.append(f"{dup} is chosen twice.")
    for code in dict.fromkeys(given):
        if not r.has_code(code):
            problems.append(f"{code[:20]} is not a glossary code in {r.label}.")
        elif r.code(code).consent_request_only and not consent_request:
            problems.append(
                f"{code} marks a request for a defence (DAML or DATF); choose that report type or remove the code."
            )
    return problems
