"""Checking and normalising each row of an import, with every problem explained.

A row either becomes a :class:`ValidRow` (normalised values, a source key and a fingerprint)
or a :class:`RejectedRow` holding the original cells and one plain-English reason per field,
so that nothing is ever dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sochub.engine import names

from .cells import runs_code
from .mapping import FIELD_BY_NAME, FIELDS, FieldSpec, Mapping, MappingError, header_token

if TYPE_CHECKING:
    from .reading import Table

ROW_REASON = "row"  # reasons key for problems with the whole row rather than one field
EARLIEST_YEAR = 1900
KEY_MAX_LENGTH = 100
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_LIST_SPLIT = re.compile(r"[;|]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_DATE_SHAPE = re.compile(r"^(\d{1,2}[/.\- ]\d{1,2}[/.\- ]\d{4}|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{8})$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# No two-digit years: '01-JAN-05' could be 1905 or 2005, so such files need an explicit date_formats entry.
_EXTRA_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%Y/%m/%d", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_NAME_PUNCTUATION = set(" '’‘`-.")


@dataclass
class ValidRow:
    """A row that passed every check. ``values`` are normalised (see :func:`validate_row`)."""

    row_number: int
    source_key: str
    values: dict[str, Any]
    fingerprint: str
    raw: dict[str, str]


@dataclass
class RejectedRow:
    """A row that failed, with the original cells and one reason per field (or ``"row"``).

    ``columns`` maps each reason's key to the column header it came from, and ``source_key``
    is the row's record ID when it could be read (used to spot duplicates of a rejected row).
    """

    row_number: int
    raw: dict[str, str]
    reasons: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)
    source_key: str = ""

    def summary(self) -> str:
        """One line for the rejects file: 'DOB: ‘31/02/1990’ is not a real date; PNC ID: ...'."""
        parts = []
        for key, reason in self.reasons.items():
            header = self.columns.get(key, "")
            suffix = f" (column ‘{header}’)"
            if header and reason.endswith(suffix):
                reason = reason[: -len(suffix)]
            parts.append(f"{header or _label(key)}: {reason}")
        return "; ".join(parts)


class _Bad(Exception):
    """One field's problem, in words a person can act on."""


def _label(key: str) -> str:
    for specs in FIELD_BY_NAME.values():
        if key in specs:
            return specs[key].label
    return "Row" if key == ROW_REASON else key.replace("_", " ").capitalize()


def quote(text: str, limit: int = 40) -> str:
    """A value shown inside a reason: control characters made visible, long values cut short."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"‘{shown}’"


def canonical(values: dict[str, Any]) -> str:
    """The stable text form of values that fingerprints and hash keys are taken from."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def fingerprint(values: dict[str, Any]) -> str:
    """sha256 of the canonical values: equal for the same data on every run and machine."""
    return hashlib.sha256(canonical(values).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- single values


def _choice_token(text: str) -> str:
    return re.sub(r"[\s\-_]+", "_", text.strip().casefold())


@lru_cache(maxsize=128)
def _choice_lookup(spec: FieldSpec) -> dict[str, str]:
    lookup = {_choice_token(syn): value for syn, value in spec.synonyms}
    lookup.update({_choice_token(c): c for c in spec.choices})
    return lookup


def _clean_chars(text: str) -> None:
    if "\x00" in text:
        raise _Bad(f"{quote(text)} contains a NUL byte, which is not allowed (is the file damaged or not text?)")
    if "\ufffd" in text:
        raise _Bad(f"{quote(text)} contains characters that could not be read: save the file as UTF-8 and try again")
    if _CONTROL.search(text):
        raise _Bad(f"{quote(text)} contains control characters, which are not allowed")
    if runs_code(text):
        raise _Bad(f"{quote(text)} looks like a spreadsheet formula, which is not accepted: enter the value itself")


def parse_date_text(text: str, formats: list[str] | tuple[str, ...] = ()) -> date | None:
    """The mapping's own formats first, then the usual written forms; None if not a real date."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    iso = _ISO_DATETIME.match(text)
    if iso:
        text = iso.group(1)
    parsed = names.parse_date(text)
    if parsed is not None:
        return parsed
    for fmt in _EXTRA_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _check_date(spec: FieldSpec, text: str, formats: list[str], today: date) -> date:
    parsed = parse_date_text(text, formats)
    if parsed is None:
        if _DATE_SHAPE.match(text):
            raise _Bad(f"{quote(text)} is not a real date")
        raise _Bad(f"{quote(text)} is not a date we can read: write it like 31/01/1990 or 1990-01-31")
    if spec.past_only and parsed > today:
        raise _Bad(f"{quote(text)} is in the future: the {spec.label.lower()} must be today or earlier")
    if spec.not_before_year and parsed.year < spec.not_before_year:
        raise _Bad(f"{quote(text)} is before {spec.not_before_year}: check the year")
    return parsed


def _check_name(spec: FieldSpec, text: str) -> tuple[str, str]:
    text = _SPACES.sub(" ", text)
    odd = sorted({c for c in text if not (unicodedata.category(c)[0] in "LM" or c in _NAME_PUNCTUATION)})
    if odd:
        shown = " ".join(quote(c) for c in odd[:5])
        raise _Bad(f"{quote(text)} contains characters not used in names: {shown}")
    key = names.normalise_name(text)
    if not key:
        raise _Bad(f"{quote(text)} is not a name: it has no letters A to Z")
    return text, key


def _check_choice(spec: FieldSpec, text: str) -> str:
    found = _choice_lookup(spec).get(_choice_token(text))
    if found is None:
        noun = spec.item_label or spec.label.lower()
        raise _Bad(f"{quote(text)} is not an allowed {noun}: use one of {', '.join(spec.choices)}")
    return found


def _check_int(spec: FieldSpec, text: str) -> int:
    mapped = dict((_choice_token(k), v) for k, v in spec.synonyms).get(_choice_token(text), text)
    match = re.fullmatch(r"[+-]?\d+(\.0+)?", mapped)
    if not match:
        raise _Bad(f"{quote(text)} is not a whole number")
    number = int(mapped.split(".")[0])
    if (spec.minimum is not None and number < spec.minimum) or (spec.maximum is not None and number > spec.maximum):
        raise _Bad(f"{quote(text)} is out of range: use a whole number from {spec.minimum} to {spec.maximum}")
    return number


def _check_ref(text: str) -> tuple[str, str]:
    """A nominal reference: a PNC ID (normalised) if it is written like one, otherwise a record ID."""
    text = _SPACES.sub(" ", text)
    if "/" in text:
        pnc = names.normalise_pnc_id(text)
        if pnc:
            return pnc, "pnc_id"
    return text, "source_key"


def _check_phone(text: str) -> tuple[str, str]:
    candidate = text
    if re.fullmatch(r"[1-9]\d{9}", text):
        # A phone stored as a number in a spreadsheet loses its leading zero: 7700900123 -> 07700900123.
        candidate = "0" + text
    digits = names.normalise_phone(candidate)
    if digits is None:
        raise _Bad(f"{quote(text)} is not a phone number: expected 9 to 13 digits, e.g. 07700 900123")
    return _SPACES.sub(" ", candidate), digits


def _single(spec: FieldSpec, kind: str, text: str, formats: list[str], today: date) -> dict[str, Any]:
    """Check one non-blank value of one kind; return the values it contributes, keyed by suffix."""
    if kind == "text":
        return {"": text}
    if kind == "name":
        shown, key = _check_name(spec, text)
        return {"": shown, "_key": key}
    if kind == "date":
        return {"": _check_date(spec, text, formats, today)}
    if kind == "postcode":
        postcode = names.normalise_postcode(text)
        if not postcode:
            raise _Bad(f"{quote(text)} is not a UK postcode: expected e.g. SW1A 1AA")
        return {"": postcode, "_key": postcode.replace(" ", "")}
    if kind == "pnc_id":
        pnc = names.normalise_pnc_id(text)
        if not pnc:
            raise _Bad(f"{quote(text)} is not a PNC ID: expected YY/NNNNNNNL, e.g. 98/1234567A")
        return {"": pnc}
    if kind == "ni_number":
        ni = names.normalise_ni_number(text)
        if not ni:
            raise _Bad(f"{quote(text)} is not a National Insurance number: expected e.g. AB123456C")
        return {"": ni}
    if kind == "phone":
        shown, digits = _check_phone(text)
        return {"": shown, "_key": digits}
    if kind == "email":
        if len(text) > 254 or not _EMAIL.match(text):
            raise _Bad(f"{quote(text)} is not an email address: expected e.g. name@example.com")
        local, domain = text.rsplit("@", 1)
        return {"": f"{local}@{domain.lower()}"}
    if kind == "vrm":
        vrm = names.normalise_vrm(text)
        if not vrm:
            raise _Bad(f"{quote(text)} is not a vehicle registration: expected letters and digits, e.g. AB12 CDE")
        return {"": vrm}
    if kind == "choice":
        return {"": _check_choice(spec, text)}
    if kind == "int":
        return {"": _check_int(spec, text)}
    if kind == "ref":
        value, how = _check_ref(text)
        return {"": value, "_ref": how}
    raise AssertionError(f"unknown field kind {kind}")


_COMPANIONS = {"name": ("", "_key"), "postcode": ("", "_key"), "phone": ("", "_key"), "ref": ("", "_ref")}


@lru_cache(maxsize=256)
def _value_names(spec: FieldSpec) -> tuple[str, ...]:
    kind = spec.item_kind if spec.kind == "list" else spec.kind
    return tuple(spec.name + suffix for suffix in _COMPANIONS.get(kind, ("",)))


def _empty(spec: FieldSpec) -> dict[str, Any]:
    """The values of a blank field: same keys as a filled one so fingerprints compare like with like."""
    if spec.kind == "list":
        return {name: [] for name in _value_names(spec)}
    return dict.fromkeys(_value_names(spec))


def _check_field(spec: FieldSpec, text: str, formats: list[str], today: date) -> dict[str, Any]:
    """Check one non-blank cell (already stripped and value-mapped)."""
    if len(text) > spec.max_length and spec.kind != "list":
        raise _Bad(f"is {len(text):,} characters long; the most allowed is {spec.max_length:,}")
    if spec.kind == "list" and len(text) > spec.max_length * 50:
        raise _Bad(f"is {len(text):,} characters long; the most allowed is {spec.max_length * 50:,}")
    _clean_chars(text)
    if spec.kind != "list":
        return {spec.name + s: v for s, v in _single(spec, spec.kind, text, formats, today).items()}
    out: dict[str, list[Any]] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for item in (i.strip() for i in _LIST_SPLIT.split(text)):
        if not item:
            continue
        try:
            if len(item) > spec.max_length:
                raise _Bad(f"{quote(item)} is {len(item):,} characters long; the most allowed is {spec.max_length:,}")
            parts = _single(spec, spec.item_kind, item, formats, today)
        except _Bad as exc:
            problems.append(str(exc))
            continue
        if str(parts[""]) in seen:
            continue
        seen.add(str(parts[""]))
        for suffix, value in parts.items():
            out.setdefault(spec.name + suffix, []).append(value)
    if problems:
        raise _Bad("; ".join(problems))
    return {**_empty(spec), **out}


def check_default(mapping: Mapping, spec: FieldSpec, value: str) -> str | None:
    """Why a mapping's default value for a field would fail every row, or None if it is fine."""
    text = _apply_value_map(mapping, spec, value.strip())
    if not text:
        return None
    try:
        _check_field(spec, text, list(mapping.date_formats), date.today())
    except _Bad as exc:
        return str(exc)
    return None


def _apply_value_map(mapping: Mapping, spec: FieldSpec, text: str) -> str:
    table = mapping.value_maps.get(spec.name)
    if not table or not text:
        return text
    folded = {k.strip().casefold(): v for k, v in table.items()}
    whole = folded.get(text.casefold())
    if whole is not None:
        return whole.strip()
    if spec.kind == "list":
        items = [folded.get(i.strip().casefold(), i.strip()) for i in _LIST_SPLIT.split(text)]
        return ";".join(items)
    return text


# ---------------------------------------------------------------------------- rows


def _find_column(header: str, raw: dict[str, str]) -> str | None:
    """The row's own spelling of a header: exact, else ignoring case, spaces and punctuation."""
    if header in raw:
        return header
    token = header_token(header)
    return next((h for h in raw if header_token(h) == token), None)


def _where(header: str | None, *, used_default: bool = False) -> str:
    if used_default:
        return " (default value)"
    return f" (column ‘{header}’)" if header else " (no column is mapped for it)"


def _row_key(mapping: Mapping, raw: dict[str, str]) -> tuple[str, str | None, str]:
    """(key, problem, column text) from the key columns; ('', None, '') when the mapping names none."""
    columns = mapping.key_columns()
    if not columns:
        return "", None, ""
    parts: list[str] = []
    shown = " + ".join(f"‘{c}’" for c in columns)
    where = f" (column {shown})" if len(columns) == 1 else f" (columns {shown})"
    for column in columns:
        found = _find_column(column, raw)
        if found is None:
            return "", f"the record ID column is not in the file{where}", columns[0]
        parts.append(_SPACES.sub(" ", raw.get(found, "").strip()))
    key = " | ".join(parts)
    if not all(parts):
        return "", f"the record ID is empty: every row needs one so a re-import can find it{where}", columns[0]
    try:
        if len(key) > KEY_MAX_LENGTH:
            raise _Bad(f"is {len(key):,} characters long; the most allowed is {KEY_MAX_LENGTH}")
        _clean_chars(key)
    except _Bad as exc:
        return "", f"the record ID {exc}{where}", columns[0]
    return key, None, columns[0]


def _hash_key(mapping: Mapping, values: dict[str, Any]) -> str:
    """A key from the values when the file has no record ID: identity fields if the kind has them, else all."""
    identity = [s.name for s in FIELDS[mapping.kind] if s.identity]
    chosen = {k: v for k, v in values.items() if not identity or k in identity} if identity else values
    digest = hashlib.sha256(f"{mapping.kind}\n{canonical(chosen)}".encode()).hexdigest()
    return f"sha256:{digest}"


def _cross_checks(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """Rules that involve more than one field."""
    problems: dict[str, str] = {}
    start, end = values.get("date_from"), values.get("date_to")
    if kind == "ocg-members" and start and end and end < start:
        problems["date_to"] = f"{end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}"
    if kind == "intel" and values.get("handling_code") == "C" and not values.get("handling_conditions"):
        problems["handling_conditions"] = "handling code C needs the handling conditions: enter them"
    if kind == "associations" and values.get("nominal_a") and values.get("nominal_a") == values.get("nominal_b"):
        problems["nominal_b"] = f"{quote(str(values['nominal_b']))} is the same person as the first person"
    return problems


def validate_row(
    mapping: Mapping, row_number: int, raw: dict[str, str], *, today: date | None = None
) -> ValidRow | RejectedRow:
    """Check every mapped field of one row and report all its problems at once.

    ``values`` holds every field of the kind (blank ones as None, or [] for lists), with
    companions: ``<name>_key`` (names normalised for matching, postcode without space, phone
    digits) and ``<ref>_ref`` ("pnc_id" or "source_key") for references to nominals.
    Names keep the form as typed; identifiers are normalised; dates are ``datetime.date``.
    """
    today = today or date.today()
    values: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    columns: dict[str, str] = {}
    key, key_problem, key_column = _row_key(mapping, raw)
    if key_problem:
        reasons["source_key"] = key_problem
        columns["source_key"] = key_column
    formats = list(mapping.date_formats)
    for spec in FIELDS[mapping.kind]:
        if spec.name == "source_key":
            continue
        header = mapping.columns.get(spec.name)
        text = ""
        if header:
            found = _find_column(header, raw)
            if found is None:
                reasons[spec.name] = f"the column ‘{header}’ is not in the file"
                columns[spec.name] = header
                continue
            text = raw.get(found, "").strip()
        text = _apply_value_map(mapping, spec, text)
        used_default = False
        if not text and mapping.defaults.get(spec.name, "").strip():
            text = _apply_value_map(mapping, spec, mapping.defaults[spec.name].strip())
            used_default = True
        where = _where(header, used_default=used_default)
        if header:
            columns[spec.name] = header
        if not text:
            if spec.required:
                reasons[spec.name] = f"{spec.label} is required: the cell is empty{where}"
            values.update(_empty(spec))
            continue
        try:
            values.update(_check_field(spec, text, formats, today))
        except _Bad as exc:
            message = str(exc)
            if message.startswith("is "):
                message = f"{spec.label} {message}"
            reasons[spec.name] = message + where
    if not reasons:
        for name, message in _cross_checks(mapping.kind, values).items():
            reasons[name] = message + _where(mapping.columns.get(name))
            if mapping.columns.get(name):
                columns[name] = mapping.columns[name]
    if reasons:
        return RejectedRow(row_number, dict(raw), reasons, {k: v for k, v in columns.items() if k in reasons}, key)
    return ValidRow(row_number, key or _hash_key(mapping, values), values, fingerprint(values), dict(raw))


def mapping_problems(mapping: Mapping, headers: list[str]) -> list[str]:
    """Columns the mapping needs that the file does not have (checked before any row is read)."""
    raw = dict.fromkeys(headers, "")
    problems = []
    for field_name, header in mapping.columns.items():
        if _find_column(header, raw) is None:
            problems.append(f"the column ‘{header}’ for {field_name} is not in the file")
    for header in mapping.key_columns():
        if _find_column(header, raw) is None and header not in mapping.columns.values():
            problems.append(f"the record ID column ‘{header}’ is not in the file")
    return problems


def validate_table(mapping: Mapping, table: Table, *, today: date | None = None) -> Iterator[ValidRow | RejectedRow]:
    """Validate every row of a file, in order; also reject repeated source keys within the file.

    Raises MappingError first if the file lacks a column the mapping names. Problems the reader
    found with a row (e.g. more cells than headers) reject that row too.
    """
    problems = mapping_problems(mapping, table.headers)
    if problems:
        raise MappingError(f"The mapping does not fit {table.file_name}: {'; '.join(problems)}.")
    today = today or date.today()
    first_seen: dict[str, int] = {}
    key_columns = mapping.key_columns()
    for row_number, raw in table.rows():
        result = validate_row(mapping, row_number, raw, today=today)
        extra = table.row_problems.pop(row_number, None)
        key = result.source_key
        duplicate_of = first_seen.get(key) if key else None
        if key and duplicate_of is None:
            first_seen[key] = row_number
        if extra is None and duplicate_of is None:
            yield result
            continue
        if isinstance(result, ValidRow):
            result = RejectedRow(row_number, result.raw, {}, {}, result.source_key)
        if extra:
            result.reasons.update(extra)
        if duplicate_of is not None:
            if key_columns:
                result.reasons["source_key"] = (
                    f"the record ID {quote(key)} is already used by row {duplicate_of} of this file"
                    f"{_where(key_columns[0])}"
                )
                result.columns["source_key"] = key_columns[0]
            else:
                result.reasons[ROW_REASON] = f"this row repeats row {duplicate_of} of this file"
        yield result
