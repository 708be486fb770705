"""GAIN information-exchange reference data (purposes, gateways, urgencies, bands) as validated YAML.

The file names its purposes and legal gateways by ``id``; requests keep the id, the label and the file's version
and fingerprint, so a later change of wording never alters what a request said. Errors name the file and the key.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_FILE = REFERENCE / "gain.yaml"
URGENCY_IDS = ("routine", "urgent", "immediate")
AGENCY_KINDS = ("government", "law_enforcement", "public_body", "other", "local")
NATIONS = ("england-wales", "scotland", "northern-ireland")


class ReferenceError(ValueError):
    """Reference data that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Purpose(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, max_length=200)


class Gateway(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    suits: list[str] = Field(min_length=1)
    official: bool = False


class Urgency(_Strict):
    id: str
    label: str = Field(min_length=1)
    working_days: int = Field(ge=1, le=60)
    assumed: bool = False


class ShareDays(_Strict):
    default: int = Field(ge=1)
    maximum: int = Field(ge=1)
    assumed: bool = False


class Band(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    minimum: float = Field(gt=0, le=1)
    assumed: bool = False


class Reference(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    nation: str
    purposes: list[Purpose] = Field(min_length=1)
    gateways: list[Gateway] = Field(min_length=1)
    urgencies: list[Urgency]
    share_days: ShareDays
    match_bands: list[Band] = Field(min_length=1)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def purpose(self, id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == id), None)

    def gateway(self, id: str) -> Gateway | None:
        return next((g for g in self.gateways if g.id == id), None)

    def urgency(self, id: str) -> Urgency | None:
        return next((u for u in self.urgencies if u.id == id), None)

    def gateways_for(self, kind: str) -> list[Gateway]:
        """Gateways that suit an agency kind first, then the rest (all stay choosable)."""
        return sorted(self.gateways, key=lambda g: kind not in g.suits)

    @property
    def assumed(self) -> list[str]:
        out = [f"urgencies.{u.id}" for u in self.urgencies if u.assumed]
        out += ["share_days"] if self.share_days.assumed else []
        out += [f"match_bands.{b.id}" for b in self.match_bands if b.assumed]
        return out


def _problems(r: Reference) -> list[str]:
    problems: list[str] = []
    for section, ids in (("purposes", [p.id for p in r.purposes]), ("gateways", [g.id for g in r.gateways])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"{section}: ids written twice: {', '.join(dupes)}")
    if sorted(u.id for u in r.urgencies) != sorted(URGENCY_IDS):
        problems.append(f"urgencies: must be exactly {', '.join(URGENCY_IDS)}")
    for g in r.gateways:
        unknown = [k for k in g.suits if k not in AGENCY_KINDS]
        if unknown:
            problems.append(
                f"{g.id}.suits: unknown agency kind {', '.join(unknown)} (kinds: {', '.join(AGENCY_KINDS)})"
            )
    if r.share_days.default > r.share_days.maximum:
        problems.append("share_days.default: more than share_days.maximum")
    minimums = [b.minimum for b in r.match_bands]
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
        problems.append("match_bands: list the bands strongest first, each with a lower minimum than the last")
    if r.nation not in NATIONS:
        problems.append(f"nation: must be one of {', '.join(NATIONS)}")
    if r.official and (r.assumed or any(not g.official for g in r.gateways)):
        problems.append("official: true, but some values are assumed or some gateways are not official")
    return problems


def parse_reference(data: object, source: str = "(reference)") -> Reference:
    """``data`` (as read from YAML) as :class:`Reference`, or :class:`ReferenceError` naming the key."""
    return validate(
        Reference,
        data,
        source,
        ReferenceError,
        "name, version, official, description, nation, purposes, gateways, urgencies, share_days, match_bands",
        check=_problems,
    )


def load_reference(path: Path | str | None = None) -> Reference:
    """The reference data in ``path`` (SOC Hub's shipped ``gain.yaml`` by default), validated."""
    file = Path(path) if path is not None else DEFAULT_FILE
    return parse_reference(read_yaml(file, ReferenceError), str(file))


def fingerprint(reference: Reference) -> str:
    return content_fingerprint(reference)
