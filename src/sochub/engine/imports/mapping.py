"""What each kind of import holds, and how a partner's columns map onto it.

A :class:`Mapping` is saved as YAML next to an agency's imports so the same file layout
imports the same way every time. Field codes mirror ``sochub.intel.models`` (the engine may
not import Django, so they are copied here; a test keeps the two in step).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

KINDS = ("nominals", "associations", "ocg-members", "intel")

FIELD_KINDS = (
    "text",
    "name",
    "date",
    "postcode",
    "pnc_id",
    "ni_number",
    "phone",
    "email",
    "vrm",
    "choice",
    "int",
    "list",
    "ref",
)

# Codes copied from sochub.intel.models (tests/engine/imports/test_fields.py checks they agree).
GENDERS = ("M", "F", "X", "U")
WARNING_MARKERS = (
    "firearms",
    "weapons",
    "violence",
    "drugs",
    "escaper",
    "self_harm",
    "mental_health",
    "contagion",
    "suicidal",
    "alleges",
)
ASSOCIATION_TYPES = ("family", "partner", "criminal", "social", "business", "co_accused", "communication")
MEMBER_ROLES = ("principal", "significant", "peripheral")
SOURCE_EVALUATIONS = ("1", "2", "3")
INTELLIGENCE_ASSESSMENTS = ("A", "B", "C", "D", "E")
HANDLING_CODES = ("P", "C")
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


@dataclass(frozen=True)
class FieldSpec:
    """One thing an import can hold: how to check it and how to explain it to a person.

    ``kind`` picks the check (see ``FIELD_KINDS``). ``item_kind`` is what each element of a
    ``list`` field is (``item_label`` names one in messages). ``synonyms`` are raw values
    (case-insensitive) accepted for a choice or int, e.g. ``("male", "M")``; common column
    headers for :func:`guess_mapping` are in ``headers``. ``identity`` fields make the hashed
    source key when a file has no record ID (so a changed role updates a membership).
    """

    name: str
    label: str
    required: bool
    kind: str
    hint: str = ""
    choices: tuple[str, ...] = ()
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    item_kind: str = "text"
    synonyms: tuple[tuple[str, str], ...] = ()
    headers: tuple[str, ...] = ()
    past_only: bool = False
    not_before_year: int | None = None
    identity: bool = False
    item_label: str = ""


_KEY = FieldSpec(
    "source_key",
    "Record ID",
    False,
    "text",
    "Your own reference for the row, e.g. the record number in your system. Re-importing a row with the same "
    "record ID updates it instead of adding a copy.",
    max_length=100,
    headers=("record id", "record ref", "record number", "reference", "ref", "id", "urn", "unique id", "source ref"),
)
_NOMINAL_REF_HINT = "The record ID of the person in your nominals import, or their PNC ID (e.g. 98/1234567A)."

FIELDS: dict[str, list[FieldSpec]] = {
    "nominals": [
        replace(_KEY, headers=(*_KEY.headers, "nominal id", "person id", "nominal ref", "subject id")),
        FieldSpec(
            "given_name",
            "Given name",
            False,
            "name",
            "First name, as written.",
            max_length=100,
            headers=("first name", "forename", "forenames", "given name", "given names", "firstname", "fname"),
        ),
        FieldSpec(
            "middle_names",
            "Middle names",
            False,
            "name",
            "Any middle names, separated by spaces.",
            max_length=100,
            headers=("middle name", "middle names", "other names", "second name"),
        ),
        FieldSpec(
            "surname",
            "Surname",
            True,
            "name",
            "Family name, as written.",
            max_length=100,
            headers=("surname", "last name", "family name", "lastname", "lname"),
        ),
        FieldSpec(
            "dob",
            "Date of birth",
            False,
            "date",
            "A real date after 1900, e.g. 31/01/1990 or 1990-01-31.",
            past_only=True,
            not_before_year=1900,
            max_length=40,
            headers=("dob", "date of birth", "birth date", "birthdate", "born", "d.o.b."),
        ),
        FieldSpec(
            "gender",
            "Gender",
            False,
            "choice",
            "M, F, X (other) or U (unknown); 'male', 'female' also work.",
            choices=GENDERS,
            max_length=20,
            synonyms=(
                ("male", "M"),
                ("man", "M"),
                ("female", "F"),
                ("woman", "F"),
                ("other", "X"),
                ("unknown", "U"),
                ("not known", "U"),
                ("n/k", "U"),
                ("nk", "U"),
            ),
            headers=("gender", "sex"),
        ),
        FieldSpec(
            "alias",
            "Aliases",
            False,
            "list",
            "Other names used, separated by ; or |.",
            item_kind="name",
            max_length=100,
            headers=("alias", "aliases", "aka", "also known as", "nickname", "nicknames"),
        ),
        FieldSpec(
            "postcode",
            "Postcode",
            False,
            "postcode",
            "A UK postcode, e.g. SW1A 1AA.",
            max_length=20,
            headers=("postcode", "post code", "postal code", "zip"),
        ),
        FieldSpec(
            "address",
            "Address",
            False,
            "text",
            "Address lines, without the postcode if it has its own column.",
            max_length=300,
            headers=("address", "home address", "addr", "address line", "full address"),
        ),
        FieldSpec(
            "pnc_id",
            "PNC ID",
            False,
            "pnc_id",
            "YY/NNNNNNNL, e.g. 98/1234567A.",
            max_length=20,
            headers=("pnc id", "pnc", "pnc number", "pnc no", "pncid"),
        ),
        FieldSpec(
            "ni_number",
            "National Insurance number",
            False,
            "ni_number",
            "e.g. AB123456C.",
            max_length=20,
            headers=("ni number", "nino", "national insurance number", "national insurance", "ni no", "ni"),
        ),
        FieldSpec(
            "phone",
            "Phone",
            False,
            "phone",
            "A phone number with 9 to 13 digits.",
            max_length=40,
            headers=("phone", "telephone", "tel", "mobile", "phone number", "mobile number", "telephone number"),
        ),
        FieldSpec(
            "email",
            "Email",
            False,
            "email",
            "An email address, e.g. name@example.com.",
            max_length=254,
            headers=("email", "e-mail", "email address"),
        ),
        FieldSpec(
            "vrm",
            "Vehicle registration",
            False,
            "vrm",
            "A vehicle registration mark, e.g. AB12 CDE.",
            max_length=20,
            headers=("vrm", "vehicle registration", "registration", "reg", "vehicle reg", "reg number"),
        ),
        FieldSpec(
            "warning_markers",
            "Warning markers",
            False,
            "list",
            "Separated by ; or |, from: " + ", ".join(WARNING_MARKERS) + ".",
            item_kind="choice",
            choices=WARNING_MARKERS,
            max_length=40,
            item_label="warning marker",
            headers=("warning markers", "warning marker", "warnings", "markers", "pnc warnings"),
        ),
        FieldSpec(
            "notes",
            "Notes",
            False,
            "text",
            "Free text.",
            max_length=5000,
            headers=("notes", "note", "comments", "remarks"),
        ),
    ],
    "associations": [
        _KEY,
        FieldSpec(
            "nominal_a",
            "First person",
            True,
            "ref",
            _NOMINAL_REF_HINT,
            max_length=100,
            identity=True,
            headers=("nominal a", "person a", "subject a", "nominal 1", "person 1", "from", "nominal a id"),
        ),
        FieldSpec(
            "nominal_b",
            "Second person",
            True,
            "ref",
            _NOMINAL_REF_HINT,
            max_length=100,
            identity=True,
            headers=("nominal b", "person b", "subject b", "nominal 2", "person 2", "to", "nominal b id"),
        ),
        FieldSpec(
            "type",
            "Type of association",
            True,
            "choice",
            "One of: " + ", ".join(ASSOCIATION_TYPES) + ".",
            choices=ASSOCIATION_TYPES,
            max_length=40,
            identity=True,
            synonyms=(("criminal associate", "criminal"), ("co-defendant", "co_accused"), ("comms", "communication")),
            headers=("type", "association type", "relationship", "link type", "relationship type"),
        ),
        FieldSpec(
            "strength",
            "Strength",
            False,
            "int",
            "1 (weak), 2 (moderate) or 3 (strong).",
            minimum=1,
            maximum=3,
            max_length=20,
            synonyms=(("weak", "1"), ("moderate", "2"), ("medium", "2"), ("strong", "3")),
            headers=("strength", "link strength", "confidence"),
        ),
        FieldSpec(
            "since",
            "Since",
            False,
            "date",
            "When the association began, e.g. 31/01/2020.",
            past_only=True,
            max_length=40,
            headers=("since", "date from", "start date", "from date", "date"),
        ),
        FieldSpec(
            "note",
            "Note",
            False,
            "text",
            "Where the link came from, briefly.",
            max_length=200,
            headers=("note", "notes", "source", "comment", "comments"),
        ),
    ],
    "ocg-members": [
        _KEY,
        FieldSpec(
            "ocg",
            "OCG",
            True,
            "text",
            "The OCG's URN or its name, as mapped in SOC Hub.",
            max_length=200,
            identity=True,
            headers=("ocg", "ocg urn", "ocg name", "group", "group name", "ocg ref", "ocg id"),
        ),
        FieldSpec(
            "nominal",
            "Person",
            True,
            "ref",
            _NOMINAL_REF_HINT,
            max_length=100,
            identity=True,
            headers=("nominal", "person", "member", "nominal id", "subject", "nominal ref"),
        ),
        FieldSpec(
            "role",
            "Role",
            True,
            "choice",
            "principal, significant or peripheral.",
            choices=MEMBER_ROLES,
            max_length=40,
            synonyms=(("principal nominal", "principal"), ("lead", "principal"), ("core", "significant")),
            headers=("role", "member role", "membership role", "status"),
        ),
        FieldSpec(
            "date_from",
            "Member from",
            False,
            "date",
            "When membership began.",
            past_only=True,
            max_length=40,
            headers=("date from", "from", "start date", "joined", "member from"),
        ),
        FieldSpec(
            "date_to",
            "Member until",
            False,
            "date",
            "When membership ended; not before the start.",
            max_length=40,
            headers=("date to", "to", "end date", "left", "member until", "member to"),
        ),
        FieldSpec(
            "activities",
            "Activities",
            False,
            "list",
            "What the person does for the group, separated by ; or |.",
            max_length=200,
            headers=("activities", "activity", "criminality", "roles"),
        ),
    ],
    "intel": [
        replace(_KEY, headers=(*_KEY.headers, "intel id", "report id", "intelligence id", "log number")),
        FieldSpec(
            "title",
            "Title",
            True,
            "text",
            "A short summary line.",
            max_length=200,
            headers=("title", "subject line", "summary", "heading"),
        ),
        FieldSpec(
            "text",
            "Intelligence text",
            True,
            "text",
            "The intelligence itself.",
            max_length=20_000,
            headers=("text", "intelligence", "intelligence text", "report", "body", "details", "content"),
        ),
        FieldSpec(
            "date_of_intelligence",
            "Date of intelligence",
            True,
            "date",
            "When the intelligence was obtained.",
            past_only=True,
            max_length=40,
            headers=("date of intelligence", "intelligence date", "date", "doi", "date obtained", "report date"),
        ),
        FieldSpec(
            "source_evaluation",
            "Source evaluation",
            True,
            "choice",
            "1 (reliable), 2 (untested), 3 (not reliable).",
            choices=SOURCE_EVALUATIONS,
            max_length=20,
            synonyms=(("reliable", "1"), ("untested", "2"), ("not reliable", "3")),
            headers=("source evaluation", "source eval", "evaluation", "source grading", "3x5x2 source"),
        ),
        FieldSpec(
            "intelligence_assessment",
            "Intelligence assessment",
            True,
            "choice",
            "A, B, C, D or E.",
            choices=INTELLIGENCE_ASSESSMENTS,
            max_length=20,
            headers=("intelligence assessment", "assessment", "intel assessment", "intelligence grading"),
        ),
        FieldSpec(
            "handling_code",
            "Handling code",
            True,
            "choice",
            "P (sharing permitted) or C (with conditions).",
            choices=HANDLING_CODES,
            max_length=20,
            headers=("handling code", "handling", "handling instructions"),
        ),
        FieldSpec(
            "handling_conditions",
            "Handling conditions",
            False,
            "text",
            "Required when the handling code is C.",
            max_length=2000,
            headers=("handling conditions", "conditions", "handling condition"),
        ),
        FieldSpec(
            "classification",
            "Classification",
            False,
            "choice",
            "OFFICIAL or OFFICIAL-SENSITIVE.",
            choices=CLASSIFICATIONS,
            max_length=40,
            synonyms=(("O", "OFFICIAL"), ("OS", "OFFICIAL-SENSITIVE")),
            headers=("classification", "gpms", "protective marking", "marking", "security classification"),
        ),
        FieldSpec(
            "subjects",
            "Subjects",
            False,
            "list",
            "People it is about: record IDs or PNC IDs, separated by ; or |.",
            item_kind="ref",
            max_length=100,
            headers=("subjects", "subject", "nominals", "people", "subject ids"),
        ),
    ],
}

FIELD_BY_NAME: dict[str, dict[str, FieldSpec]] = {kind: {f.name: f for f in specs} for kind, specs in FIELDS.items()}


class MappingError(ValueError):
    """A mapping that cannot be used, with a message a person can act on."""


def header_token(text: str) -> str:
    """Compare headers ignoring case, spaces, underscores and punctuation: 'Date_of Birth' -> 'dateofbirth'."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" Did you mean ‘{close[0]}’?" if close else ""


class Mapping(BaseModel):
    """How one partner's file layout maps onto one kind of import.

    ``columns`` maps field -> column header. ``source_key`` lists the columns whose values
    identify a row (empty: the ``source_key`` field's column if mapped, else a hash; see
    :meth:`key_columns`). ``value_maps`` translate raw values per field (case-insensitive),
    ``defaults`` fill blank or unmapped fields.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    kind: str
    columns: dict[str, str] = {}
    source_key: list[str] = []
    date_formats: list[str] = []
    value_maps: dict[str, dict[str, str]] = {}
    defaults: dict[str, str] = {}
    sheet: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> str:
        text = str(value).strip().lower().replace("_", "-") if value is not None else ""
        if text not in KINDS:
            raise ValueError(f"kind ‘{value}’ is not a kind of import; use one of: {', '.join(KINDS)}")
        return text

    @field_validator("date_formats")
    @classmethod
    def _real_formats(cls, formats: list[str]) -> list[str]:
        for fmt in formats:
            if "%" not in fmt:
                raise ValueError(f"date format ‘{fmt}’ has no % codes; write e.g. %d/%m/%Y")
            try:
                datetime(2001, 2, 3).strftime(fmt)
            except ValueError as exc:
                raise ValueError(f"date format ‘{fmt}’ is not valid: {exc}") from exc
        return formats

    @model_validator(mode="after")
    def _fields_exist(self) -> Mapping:
        by_name = FIELD_BY_NAME[self.kind]
        known = list(by_name)
        problems: list[str] = []
        for section in ("columns", "value_maps", "defaults"):
            for field in getattr(self, section):
                if field not in by_name:
                    problems.append(
                        f"{section}: ‘{field}’ is not a field of a {self.kind} import.{_suggest(field, known)}"
                        f" Fields are: {', '.join(known)}"
                    )
        for field, column in self.columns.items():
            if not column.strip():
                problems.append(f"columns: field ‘{field}’ is mapped to an empty column name")
        for column in self.source_key:
            if not column.strip():
                problems.append("source_key: a column name is empty")
        for spec in unmapped_required(self):
            problems.append(f"the required field ‘{spec.name}’ ({spec.label}) has no column and no default")
        if problems:
            raise ValueError("; ".join(problems))
        from .rows import check_default  # the row checks live in rows.py; imported late to avoid a cycle

        for field, value in self.defaults.items():
            reason = check_default(self, by_name[field], value)
            if reason:
                problems.append(f"defaults: {field}: {reason}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def key_columns(self) -> list[str]:
        """The columns that identify a row: ``source_key``, else the ``source_key`` field's column, else none."""
        if self.source_key:
            return list(self.source_key)
        column = self.columns.get("source_key")
        return [column] if column else []

    def specs(self) -> list[FieldSpec]:
        return FIELDS[self.kind]


def unmapped_required(mapping: Mapping) -> list[FieldSpec]:
    """Required fields with neither a column nor a default (what a guessed mapping still needs)."""
    return [
        spec
        for spec in FIELDS[mapping.kind]
        if spec.required and not mapping.columns.get(spec.name) and not mapping.defaults.get(spec.name, "").strip()
    ]


def _plain_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        loc = ".".join(str(p) for p in err.get("loc", ()))
        if err.get("type") == "extra_forbidden":
            msg = f"‘{loc}’ is not a mapping setting; settings are: {', '.join(Mapping.model_fields)}"
        elif err.get("type") == "missing":
            msg = f"the setting ‘{loc}’ is missing"
        elif loc and err.get("type") != "value_error":
            msg = f"{loc}: {msg}"
        parts.append(msg)
    return "; ".join(parts)


def parse_mapping(data: Any) -> Mapping:
    """Build a Mapping from plain data (e.g. JSON from a form); MappingError in plain English."""
    if not isinstance(data, dict):
        raise MappingError("A mapping must be a set of settings (kind, columns, ...), not a single value or list.")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"The mapping cannot be used: {_plain_errors(exc)}.") from exc


def load_mapping(source: str | Path) -> Mapping:
    """Read a mapping from YAML text or a YAML file."""
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"Cannot read the mapping file {source.name}: {exc}") from exc
    else:
        text = source
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise MappingError(f"The mapping is not valid YAML{where}: {problem}.") from exc
    if data is None:
        raise MappingError("The mapping is empty.")
    return parse_mapping(data)


def dump_mapping(mapping: Mapping) -> str:
    """YAML that :func:`load_mapping` reads back to an equal mapping."""
    data = mapping.model_dump()
    if data["sheet"] is None:
        del data["sheet"]
    ordered = {
        k: data[k]
        for k in ("name", "kind", "sheet", "source_key", "columns", "date_formats", "value_maps", "defaults")
        if k in data
    }
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, default_flow_style=False)


def guess_mapping(kind: str, headers: list[str], *, name: str = "") -> Mapping:
    """A first guess from common column names, for a person to check.

    The result is NOT validated: required fields it could not find are left unmapped (see
    :func:`unmapped_required`), so build the final mapping with :func:`parse_mapping`.
    """
    if kind not in KINDS:
        raise MappingError(f"‘{kind}’ is not a kind of import; use one of: {', '.join(KINDS)}")
    tokens: dict[str, str] = {}
    for header in headers:
        tokens.setdefault(header_token(header), header)
    columns: dict[str, str] = {}
    used: set[str] = set()
    # Two passes: the field's own name and label first, then its other common names.
    for pass_no in (0, 1):
        for spec in FIELDS[kind]:
            if spec.name in columns:
                continue
            candidates = (spec.name, spec.label) if pass_no == 0 else spec.headers
            for candidate in candidates:
                found = tokens.get(header_token(candidate))
                if found is not None and found not in used:
                    columns[spec.name] = found
                    used.add(found)
                    break
    source_key = [columns["source_key"]] if "source_key" in columns else []
    return Mapping.model_construct(
        name=name,
        kind=kind,
        columns=columns,
        source_key=source_key,
        date_formats=[],
        value_maps={},
        defaults={},
        sheet=None,
    )
