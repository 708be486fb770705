"""Read CSV files as text, tolerant of encodings, with loose header keys.

Shared by the crime, deprivation, population and point readers: every cell arrives as text (no type
guessing), so each reader casts and checks its own columns and can name the row and column of a bad value.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .errors import DataError


def column_key(name: str) -> str:
    """Loose header matching: 'Crime ID', 'crime_id', ' CRIME-ID ' all give 'crime_id'."""
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


@dataclass(frozen=True)
class Source:
    """A CSV on disk, or a member of a zip file (``member``); ``label`` names it in messages."""

    label: str
    path: Path
    member: str | None = None

    def read_bytes(self) -> bytes:
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        data = self.path.read_bytes()
        if self.path.suffix.lower() == ".gz":
            try:
                return gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise DataError(self.label, f"not a readable gzip file ({exc})") from None
        return data


class _NotUtf8(Exception):
    pass


def _parse(data: bytes, label: str) -> pl.DataFrame:
    try:
        return pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8", raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise DataError(label, "the file is empty") from None
    except pl.exceptions.ComputeError as exc:
        text = str(exc).lower()
        if "utf-8" in text or "utf8" in text:
            raise _NotUtf8 from None
        raise DataError(label, f"not readable as CSV: {str(exc).splitlines()[0]}") from None


def read_text_csv(source: Source | str | Path, messages: list[str] | None = None) -> pl.DataFrame:
    """All columns as text, headers as :func:`column_key` keys. A file that is not UTF-8 is read as
    Windows-1252 (the usual spreadsheet export) and a message says so; a repeated column is an error."""
    if not isinstance(source, Source):
        source = Source(str(source), Path(source))
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise DataError(source.label, "no such file") from None
    except OSError as exc:
        raise DataError(source.label, f"cannot read the file ({exc.strerror or exc})") from None
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataError(source.label, "the file is empty")
    try:
        frame = _parse(data, source.label)
    except _NotUtf8:
        if messages is not None:
            messages.append(f"{source.label}: not UTF-8; read as Windows-1252")
        frame = _parse(data.decode("cp1252", errors="replace").encode("utf-8"), source.label)
    # polars renames a repeated header ("Month_duplicated_0"), so check the header line as written.
    first_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    written = next(csv.reader([first_line]), [])
    names = written if len(written) == len(frame.columns) else frame.columns
    keys = [column_key(c) for c in names]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DataError(source.label, f"the column {repeated[0]!r} appears more than once", row=1)
    return frame.rename(dict(zip(frame.columns, keys, strict=True)))


def require(frame: pl.DataFrame, label: str, required: tuple[str, ...] | list[str]) -> None:
    """Raise naming the missing columns (row 1 is the header)."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        plural = "s" if len(missing) > 1 else ""
        raise DataError(label, f"missing column{plural} {names} (the header has {', '.join(frame.columns)})", row=1)


def find_column(frame: pl.DataFrame, *patterns: str) -> str | None:
    """First column key matching one of the regular expressions, tried in order."""
    for pattern in patterns:
        for column in frame.columns:
            if re.fullmatch(pattern, column):
                return column
    return None


def whole_numbers(frame: pl.DataFrame, column: str, label: str, *, allow_null: bool = False) -> pl.Series:
    """A text column of counts or ranks ("29,199" allowed) as Int64; the first bad cell raises with its row."""
    text = frame[column].str.strip_chars().str.replace_all(",", "").replace("", None)
    values = text.cast(pl.Int64, strict=False)
    bad = values.is_null() & (text.is_not_null() | (not allow_null))
    if bad.any():
        first = int(bad.arg_true()[0])
        raise DataError(label, f"{frame[column][first]!r} is not a whole number", row=first + 2, column=column)
    return values
