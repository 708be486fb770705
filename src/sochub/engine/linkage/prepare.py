"""Turn whatever columns a partner sends into the canonical, normalised table the linkage model reads.

Normalisation runs once per distinct value (names, dates and postcodes repeat a lot), so a million rows
take seconds rather than minutes. Values that cannot be read become null; the record is always kept and
the count of unreadable values per field is left in `df.attrs["unreadable"]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sochub.engine.names import (
    POSTCODE_RE,
    fold,
    normalise_name,
    normalise_ni_number,
    normalise_phone,
    normalise_pnc_id,
    parse_date,
)

from .nicknames import nickname_map

CANONICAL = [
    "unique_id",
    "source_dataset",
    "given_name",
    "middle_names",
    "surname",
    "dob",
    "postcode",
    "address",
    "pnc_id",
    "ni_number",
    "other_id",
    "phone",
    "gender",
]

# Derived columns used by blocking rules and comparison levels (all computed here, so the SQL that
# Splink runs is plain equality/arithmetic and means the same thing on DuckDB and on Spark).
DERIVED = [
    "given_canon",
    "given_meta",
    "given_init",
    "surname_meta",
    "surname_init",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_days",
    "pc_sector",
    "pc_district",
]
PASS_THROUGH = ["is_new"]

ALIASES: dict[str, list[str]] = {
    "unique_id": ["unique_id", "record_id", "id", "rec_id", "recid"],
    "source_dataset": ["source_dataset", "source", "dataset"],
    "given_name": ["given_name", "first_name", "forename", "firstname", "given_names", "forenames", "first"],
    "middle_names": ["middle_names", "middle_name", "middlename", "middle"],
    "surname": ["surname", "last_name", "family_name", "lastname", "familyname"],
    "dob": ["dob", "date_of_birth", "birth_date", "birthdate", "dateofbirth"],
    "postcode": ["postcode", "post_code", "postal_code", "postalcode", "zip"],
    "address": ["address", "address_1", "address_line_1", "address1", "addressline1", "street"],
    "pnc_id": ["pnc_id", "pnc", "pnc_number", "pncid"],
    "ni_number": ["ni_number", "ni", "nino", "national_insurance_number", "ni_no"],
    # Any other identifier unique to a person (passport, social security, driver number).
    "other_id": ["other_id", "passport", "passport_number", "soc_sec_id", "ssn", "driver_number", "licence_number"],
    "phone": ["phone", "telephone", "mobile", "phone_number", "tel", "telephone_number"],
    "gender": ["gender", "sex"],
}
# Extra address parts joined after the first line, in this order (a house number goes in front).
_ADDRESS_PREFIX = ["street_number", "house_number", "building_number"]
_ADDRESS_MORE = [
    "address_2", "address_line_2", "address2", "address_3", "address_line_3", "address3",
    "address_4", "address_line_4", "suburb", "locality", "town", "city",
]  # fmt: skip

_SECTOR_RE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])"
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_ADDR_JUNK = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")


def _key(name: Hashable) -> str:
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower())


def resolve_columns(columns: list[Hashable], mapping: dict[str, str] | None = None) -> dict[str, Any]:
    """{canonical field: source column} by common names, with `mapping` overriding; why: no config needed."""
    by_key = {_key(c): c for c in columns}
    found: dict[str, Any] = {}
    for field, names in ALIASES.items():
        for n in names:
            if n in by_key:
                found[field] = by_key[n]
                break
    for field, col in (mapping or {}).items():
        if field not in CANONICAL:
            raise ValueError(f"unknown canonical field {field!r} in mapping")
        if col not in columns:
            raise ValueError(f"mapping names column {col!r} which is not in the data")
        found[field] = col
    return found


class _Distinct:
    """A column factorised once: per-value work runs on the distinct values, then is broadcast back."""

    def __init__(self, values: pd.Series) -> None:
        self.codes, uniques = pd.factorize(values, use_na_sentinel=True)
        self.raw = list(uniques)
        self.text = [(u if isinstance(u, str) else str(u)).strip() for u in uniques]

    def take(self, per_distinct: list[Any] | np.ndarray) -> np.ndarray:
        """Broadcast one value per distinct entry back to rows (null rows get None)."""
        arr = np.empty(len(per_distinct) + 1, dtype=object)
        arr[:-1] = per_distinct
        arr[-1] = None
        return arr[self.codes]

    def map(self, fn: Callable[[str], Any]) -> tuple[np.ndarray, int]:
        """(fn per row via distinct values, count of non-empty rows fn could not read)."""
        mapped = [fn(t) if t else None for t in self.text]
        return self.take(mapped), self.count_bad(mapped)

    def count_bad(self, mapped: list[Any]) -> int:
        """Rows whose non-empty value mapped to None (unreadable)."""
        bad = np.array([bool(t) and m is None for t, m in zip(self.text, mapped, strict=True)], dtype=bool)
        if not bad.any():
            return 0
        counts = np.bincount(self.codes[self.codes >= 0], minlength=len(self.text))
        return int(counts[bad].sum())


def _map_distinct(values: pd.Series, fn: Callable[[str], Any]) -> np.ndarray:
    return _Distinct(values).map(fn)[0]


def _clean_name(s: str) -> str | None:
    return normalise_name(s) or None


def _name_keys(name: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(name, canonical first token, metaphone, initial) of one raw name; why: all derived once per value."""
    clean = normalise_name(name)
    if not clean:
        return None, None, None, None
    first = clean.split(" ", 1)[0]
    nick = nickname_map()
    return clean, nick.get(first, first), jellyfish.metaphone(first)[:12] or None, clean[0]


def _surname_keys(name: str) -> tuple[str | None, str | None, str | None, str | None]:
    clean = normalise_name(name)
    if not clean:
        return None, None, None, None
    return clean, None, jellyfish.metaphone(clean.replace(" ", ""))[:12] or None, clean[0]


def _parse_date_value(raw: Any, text: str) -> date | None:
    """One date from a string, date, datetime, Timestamp or numpy datetime; None if unreadable."""
    if isinstance(raw, datetime | pd.Timestamp):
        return None if pd.isna(raw) else raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, np.datetime64):
        return None if np.isnat(raw) else pd.Timestamp(raw).date()
    return parse_date(text) if text else None


def _other_id(s: str) -> str | None:
    return _NON_ALNUM.sub("", fold(s)) or None


def _postcode(s: str) -> str | None:
    compact = _NON_ALNUM.sub("", fold(s))
    if not compact:
        return None
    if len(compact) >= 5:
        cand = f"{compact[:-3]} {compact[-3:]}"
        if POSTCODE_RE.match(cand):
            return cand
    return compact


def _postcodes(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(postcode, sector, district): UK postcodes as 'SW1A 1AA'; other non-empty codes kept compact.

    Vectorised with Arrow because postcodes are nearly unique per person (no gain from distinct values).
    """
    raw = values.astype(object).to_numpy(dtype=object)
    raw[pd.isna(raw)] = None
    arr = pa.array(raw, type=pa.string(), from_pandas=True)
    up = pc.utf8_upper(pc.utf8_trim_whitespace(arr))
    ascii_ok = pc.fill_null(pc.string_is_ascii(up), True)
    if not pc.all(ascii_ok).as_py():  # rare accented input: fold in Python
        fixed = [fold(v) if v is not None else None for v in up.to_pylist()]
        up = pa.array(fixed, type=pa.string())
    compact = pc.replace_substring_regex(up, "[^A-Z0-9]+", "")
    cand = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(compact, 0, -3), pc.utf8_slice_codeunits(compact, -3), " "
    )
    valid = pc.fill_null(
        pc.and_(pc.greater_equal(pc.utf8_length(compact), 5), pc.match_substring_regex(cand, POSTCODE_RE.pattern)),
        False,
    )
    full = pc.if_else(valid, cand, compact)
    full = pc.if_else(pc.equal(pc.utf8_length(full), 0), pa.scalar(None, pa.string()), full)
    parts = pc.extract_regex(
        pc.if_else(valid, cand, pa.scalar(None, pa.string())),
        r"^(?P<district>[A-Z]{1,2}[0-9][A-Z0-9]?) (?P<digit>[0-9])",
    )
    district = pc.struct_field(parts, "district")
    sector = pc.binary_join_element_wise(district, pc.struct_field(parts, "digit"), " ")
    return (
        full.to_numpy(zero_copy_only=False).astype(object),
        _nullify(district.to_numpy(zero_copy_only=False)),
        _nullify(sector.to_numpy(zero_copy_only=False)),
    )


def _nullify(arr: np.ndarray) -> np.ndarray:
    out = np.asarray(arr, dtype=object).copy()
    out[pd.isna(out)] = None
    return out


def _address(df: pd.DataFrame, first_col: Any) -> np.ndarray:
    keys = {_key(c): c for c in df.columns}
    parts = [keys[k] for k in _ADDRESS_PREFIX if k in keys]
    parts.append(first_col)
    parts += [keys[k] for k in _ADDRESS_MORE if k in keys and keys[k] != first_col]
    joined = None
    for c in parts:
        col = df[c].astype("string").str.strip().mask(lambda x: x == "")
        joined = col if joined is None else joined.str.cat(col, sep=" ", na_rep="").str.strip()
    assert joined is not None

    def clean(s: str) -> str | None:
        return _SPACES.sub(" ", _ADDR_JUNK.sub(" ", fold(s))).strip() or None

    return _map_distinct(joined.mask(joined == "").astype(object), clean)


def _gender(s: str) -> str | None:
    u = s.strip().upper()[:1]
    return u if u in ("M", "F") else None


def prepare(
    df: pd.DataFrame, *, source_dataset: str | None = None, mapping: dict[str, str] | None = None
) -> pd.DataFrame:
    """Canonical linkage table: CANONICAL columns (normalised) + DERIVED blocking/comparison keys.

    Columns are found by common names (see ALIASES) unless `mapping` ({canonical: column}) says otherwise;
    other columns are ignored except a boolean `is_new` (incremental resolution). Missing ids become row
    numbers. Nothing is dropped: an unreadable value becomes null and is counted in attrs["unreadable"].
    """
    cols = resolve_columns(list(df.columns), mapping)
    n = len(df)
    res = pd.DataFrame(index=pd.RangeIndex(n))
    unreadable: dict[str, int] = {}
    empty = np.full(n, None, dtype=object)

    def src(field: str) -> pd.Series | None:
        return df[cols[field]].reset_index(drop=True) if field in cols else None

    uid = src("unique_id")
    ids = uid.astype("string").str.strip().to_numpy(dtype=object) if uid is not None else np.arange(n).astype(str)
    if pd.isna(ids).any() or (ids == "").any():
        raise ValueError("unique_id has empty values")
    res["unique_id"] = ids.astype(object)
    sd = src("source_dataset")
    if sd is not None:
        sdv = sd.astype("string").str.strip().mask(lambda x: x == "")
        if source_dataset is not None:
            sdv = sdv.fillna(source_dataset)
        res["source_dataset"] = _nullify(sdv.to_numpy(dtype=object))
    else:
        res["source_dataset"] = np.full(n, source_dataset, dtype=object)

    derived: dict[str, np.ndarray] = {}
    for field, keys_fn, prefix in (("given_name", _name_keys, "given"), ("surname", _surname_keys, "surname")):
        raw = src(field)
        if raw is None:
            res[field] = empty
            for suffix in ("canon", "meta", "init"):
                derived[f"{prefix}_{suffix}"] = empty
            continue
        d = _Distinct(raw)
        keys = [keys_fn(t) if t else (None, None, None, None) for t in d.text]
        cleaned = [k[0] for k in keys]
        res[field], bad = d.take(cleaned), d.count_bad(cleaned)
        if bad:
            unreadable[field] = bad
        for i, suffix in ((1, "canon"), (2, "meta"), (3, "init")):
            derived[f"{prefix}_{suffix}"] = d.take([k[i] for k in keys])
    raw = src("middle_names")
    res["middle_names"] = _map_distinct(raw, _clean_name) if raw is not None else empty

    raw = src("dob")
    dob_cols: dict[str, Any] = {}
    if raw is not None:
        d = _Distinct(raw)
        dates = [_parse_date_value(r, t) for r, t in zip(d.raw, d.text, strict=True)]
        bad = d.count_bad(dates)
        if bad:
            unreadable["dob"] = bad
        res["dob"] = d.take([v.isoformat() if v else None for v in dates])
        epoch = date(1970, 1, 1)
        for name, fn in (
            ("dob_year", lambda v: v.year),
            ("dob_month", lambda v: v.month),
            ("dob_day", lambda v: v.day),
            ("dob_days", lambda v: (v - epoch).days),
        ):
            dob_cols[name] = pd.array(d.take([fn(v) if v else None for v in dates]), dtype="Int32")
    else:
        res["dob"] = empty
        for name in ("dob_year", "dob_month", "dob_day", "dob_days"):
            dob_cols[name] = pd.array([None] * n, dtype="Int32")

    raw = src("postcode")
    if raw is not None:
        res["postcode"], district, sector = _postcodes(raw)
    else:
        res["postcode"], district, sector = empty, empty, empty

    res["address"] = _address(df.reset_index(drop=True), cols["address"]) if "address" in cols else empty
    for field, fn in (
        ("pnc_id", normalise_pnc_id),
        ("ni_number", normalise_ni_number),
        ("other_id", _other_id),
        ("phone", normalise_phone),
    ):
        raw = src(field)
        if raw is None:
            res[field] = empty
            continue
        res[field], bad = _Distinct(raw).map(fn)
        if bad:
            unreadable[field] = bad
    raw = src("gender")
    res["gender"] = _map_distinct(raw, _gender) if raw is not None else empty

    res = res[CANONICAL]
    for c in ("given_canon", "given_meta", "given_init", "surname_meta", "surname_init"):
        res[c] = derived[c]
    for c, v in dob_cols.items():
        res[c] = v
    res["pc_sector"] = sector
    res["pc_district"] = district
    if "is_new" in df.columns:
        res["is_new"] = df["is_new"].fillna(False).astype(bool).to_numpy()
    res.attrs["unreadable"] = unreadable
    res.attrs["columns_used"] = {k: str(v) for k, v in cols.items()}
    return res
