"""Input checks shared by the web forms, the API, the CLI and imports.

Each failure names the field, so an import can report file, row and field.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError

from sochub.engine import names

from .models import FactKind, WarningMarker

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
EARLIEST_BIRTH = date(1900, 1, 1)


def clean_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError({field: f"{field} is not valid UTF-8 text."}) from exc
    text = str(value).strip()
    if required and not text:
        raise ValidationError({field: f"Enter {field.replace('_', ' ')}."})
    if len(text) > max_length:
        raise ValidationError(
            {field: f"{field.replace('_', ' ').capitalize()} must be {max_length} characters or fewer."}
        )
    if _CONTROL.search(text):
        raise ValidationError(
            {field: f"{field.replace('_', ' ').capitalize()} contains characters that are not allowed."}
        )
    return text


def clean_date(value: object, *, field: str, not_after: date | None = None, not_before: date | None = None) -> date:
    if isinstance(value, date):
        parsed: date | None = value
    else:
        parsed = names.parse_date(clean_text(value, field=field, max_length=20))
    if parsed is None:
        raise ValidationError({field: f"{field.replace('_', ' ').capitalize()} must be a real date, like 31/01/1990."})
    if not_after and parsed > not_after:
        raise ValidationError({field: f"{field.replace('_', ' ').capitalize()} must be in the past."})
    if not_before and parsed < not_before:
        raise ValidationError({field: f"{field.replace('_', ' ').capitalize()} must be after {not_before:%d/%m/%Y}."})
    return parsed


def fact_value_and_key(kind: str, raw: object) -> tuple[str, str, dict[str, str]]:
    """Validate one fact; return (value shown, search key, structured data)."""
    field = kind
    if kind not in FactKind.values:
        raise ValidationError({"kind": f"Unknown kind of fact: {kind!r}."})
    text = clean_text(raw, field=field, max_length=300)
    if kind in (FactKind.NAME, FactKind.ALIAS):
        tokens = names.name_tokens(text)
        if not tokens:
            raise ValidationError({field: "A name must contain letters."})
        return text, " ".join(tokens), {}
    if kind == FactKind.BIRTH_DATE:
        born = clean_date(text, field="date_of_birth", not_after=date.today(), not_before=EARLIEST_BIRTH)
        return born.strftime("%d/%m/%Y"), born.isoformat(), {}
    if kind == FactKind.PNC_ID:
        pnc = names.normalise_pnc_id(text)
        if not pnc:
            raise ValidationError({field: "PNC ID must look like 98/1234567A."})
        return pnc, pnc, {}
    if kind == FactKind.NI_NUMBER:
        ni = names.normalise_ni_number(text)
        if not ni:
            raise ValidationError({field: "National Insurance number must look like QQ123456C."})
        return ni, ni, {}
    if kind == FactKind.PHONE:
        phone = names.normalise_phone(text)
        if not phone:
            raise ValidationError({field: "Phone number must have 9 to 13 digits."})
        return text, phone, {}
    if kind == FactKind.PASSPORT:
        compact = re.sub(r"\s", "", names.fold(text))
        if not re.fullmatch(r"[A-Z0-9]{6,12}", compact):
            raise ValidationError({field: "Passport number must be 6 to 12 letters or digits."})
        return compact, compact, {}
    if kind == FactKind.ADDRESS:
        postcode = names.postcode_key(text.rsplit(",", 1)[-1]) or ""
        return text, postcode, {"postcode": names.normalise_postcode(text.rsplit(",", 1)[-1]) or ""}
    if kind == FactKind.SEX:
        sex = text.upper()[:1]
        if sex not in {"M", "F", "X", "U"}:
            raise ValidationError({field: "Sex must be male, female, other or unknown."})
        return {"M": "Male", "F": "Female", "X": "Other", "U": "Unknown"}[sex], sex, {}
    if kind == FactKind.WARNING_MARKER:
        marker = text.lower().replace(" ", "_")
        if marker not in WarningMarker.values:
            raise ValidationError({field: f"Unknown warning marker {text!r}."})
        return WarningMarker(marker).label, marker, {}
    if kind == FactKind.FOREIGN_NATIONAL:
        flag = text.lower() in {"yes", "y", "true", "1"}
        return "Yes" if flag else "No", "Y" if flag else "N", {}
    return text, names.fold(text)[:200], {}
