"""Reading partner files (CSV or XLSX) as rows of text cells, however they were saved.

The format is told from the file's first bytes, not its name (uploads are often stored under
another name). CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; the
delimiter (comma, semicolon, tab or pipe) is read from the header line. XLSX: the first
sheet unless one is named; formulas are read as written (``=...``), never run, so a mapped
formula cell is rejected rather than silently replaced by a cached result.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from .cells import unescape_cell
from .mapping import header_token

MAX_HEADER_LENGTH = 200
MAX_CELL_CHARS = 4 * 1024 * 1024  # the CSV reader refuses larger cells: such a file is not a table
_DELIMITERS = (",", ";", "\t", "|")
_QUOTED = re.compile(r'"[^"]*"')  # quoted headers may contain delimiters: ignore them when counting
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class TableError(ValueError):
    """A file that cannot be read as a table at all (as opposed to a bad row)."""


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA: how a spreadsheet names a column."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def render_cell(value: Any) -> str:
    """A spreadsheet value as the text a person would type: dates as YYYY-MM-DD, 42.0 as 42."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


class Table:
    """One sheet or CSV file: its headers and a way to stream its rows.

    ``rows()`` can be called more than once. While it runs it records ``blank_rows`` (blank
    rows between data rows: skipped, but reported) and ``row_problems`` (row number ->
    {"row": reason}) for rows the reader itself found wrong.
    """

    def __init__(self, path: Path, *, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.file_name = self.path.name
        self.sheet = sheet
        self.sheets: list[str] = []
        self.format = "csv"
        self.encoding = "utf-8"
        self.delimiter = ","
        self.blank_rows: list[int] = []
        self.row_problems: dict[int, dict[str, str]] = {}
        self.header_row = 1
        self.headers: list[str] = []
        self._width = 0
        self._open()

    # -- format-specific record streams: (row number, cells) for every row, blank or not

    def _open(self) -> None:
        try:
            with self.path.open("rb") as fh:
                head = fh.read(65536)
        except OSError as exc:
            raise TableError(f"Cannot open {self.file_name}: {exc.strerror or exc}") from exc
        if head.startswith(_OLE_MAGIC):
            raise TableError(f"{self.file_name} is an old Excel (.xls) file: save it as .xlsx or CSV and try again.")
        if head.startswith(_ZIP_MAGIC):
            self.format = "xlsx"
            self._open_xlsx()
        else:
            # A CSV is one table: a sheet name (e.g. from a mapping made for the XLSX version) is ignored.
            self.sheet = None
            self._open_csv(head)
        self._read_headers()

    def _open_csv(self, head: bytes) -> None:
        if not head.strip():
            raise TableError(f"{self.file_name} is empty.")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding = "utf-16"
        elif self._decodes_as("utf-8-sig"):
            self.encoding = "utf-8-sig"
        else:
            self.encoding = "cp1252"
        first_line = ""
        with self._text_stream() as fh:
            for _ in range(20):  # the header is the first non-blank line
                first_line = _QUOTED.sub("", fh.readline(65536))
                if first_line.strip(" \t,;|\r\n"):
                    break
        counts = {d: first_line.count(d) for d in _DELIMITERS}
        best = max(_DELIMITERS, key=lambda d: counts[d])
        self.delimiter = best if counts[best] else ","

    def _decodes_as(self, encoding: str) -> bool:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _text_stream(self) -> IO[str]:
        # cp1252 leaves five bytes undefined: they become U+FFFD, which validation rejects visibly.
        return io.open(self.path, encoding=self.encoding, errors="replace", newline="")  # noqa: UP020

    def _csv_records(self) -> Iterator[tuple[int, list[str]]]:
        if csv.field_size_limit() < MAX_CELL_CHARS:
            csv.field_size_limit(MAX_CELL_CHARS)
        number = 0
        with self._text_stream() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            try:
                for cells in reader:
                    number += 1
                    yield number, cells
            except csv.Error as exc:
                raise TableError(f"{self.file_name} cannot be read after row {number}: {exc}.") from exc

    @contextmanager
    def _workbook(self) -> Iterator[Any]:
        """The workbook, read-only and streaming; opened from a file object so any file name works."""
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        with self.path.open("rb") as fh:
            try:
                wb = load_workbook(fh, read_only=True, data_only=False)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
                raise TableError(f"{self.file_name} is not a readable Excel (.xlsx) file: {exc}") from exc
            try:
                yield wb
            finally:
                wb.close()

    def _open_xlsx(self) -> None:
        with self._workbook() as wb:
            self.sheets = [ws.title for ws in wb.worksheets]
        if not self.sheets:
            raise TableError(f"{self.file_name} has no sheets.")
        if self.sheet is None:
            self.sheet = self.sheets[0]
        elif self.sheet not in self.sheets:
            raise TableError(
                f"{self.file_name} has no sheet called ‘{self.sheet}’; its sheets are: "
                + ", ".join(f"‘{s}’" for s in self.sheets)
            )

    def _xlsx_records(self) -> Iterator[tuple[int, list[str]]]:
        with self._workbook() as wb:
            ws = wb[self.sheet or self.sheets[0]]
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, [render_cell(v) for v in values]

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        records = self._xlsx_records() if self.format == "xlsx" else self._csv_records()
        for number, cells in records:
            yield number, [unescape_cell(c) for c in cells]

    # -- shared logic

    def _read_headers(self) -> None:
        for number, cells in self._records():
            if _is_blank(cells):
                continue
            self.header_row = number
            self.headers = self._check_headers(cells)
            return
        raise TableError(f"{self.file_name} has no header row: it is empty.")

    def _check_headers(self, cells: list[str]) -> list[str]:
        headers = [c.strip() for c in cells]
        while headers and not headers[-1]:
            headers.pop()
        seen: dict[str, int] = {}
        for index, header in enumerate(headers, start=1):
            where = f"{self.file_name}: column {column_letter(index)} of the header row (row {self.header_row})"
            if not header:
                raise TableError(f"{where} has no header: give every column with data a name.")
            if "\x00" in header or "\ufffd" in header:
                raise TableError(f"{where} contains unreadable characters: is this really a CSV or Excel file?")
            if len(header) > MAX_HEADER_LENGTH:
                raise TableError(f"{where} is {len(header):,} characters long: is the first row really the headers?")
            token = header_token(header) or header
            if token in seen:
                other = headers[seen[token] - 1]
                raise TableError(
                    f"{self.file_name}: columns {column_letter(seen[token])} (‘{other}’) and {column_letter(index)}"
                    f" (‘{header}’) have the same header: rename one so the mapping knows which to use."
                )
            seen[token] = index
        self._width = len(headers)
        return headers

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as the user sees it, header -> cell text) for each non-blank data row."""
        self.blank_rows = []
        self.row_problems = {}
        pending_blank: list[int] = []
        for number, cells in self._records():
            if number <= self.header_row:
                continue
            if _is_blank(cells):
                pending_blank.append(number)
                continue
            # Blank rows only count when data follows: trailing empty rows are not rows at all.
            self.blank_rows.extend(pending_blank)
            pending_blank = []
            extra = [c for c in cells[self._width :] if c.strip()]
            if extra:
                shown = ", ".join(f"‘{c[:30]}’" for c in extra[:3])
                self.row_problems[number] = {
                    "row": f"this row has {len(extra)} more filled cell(s) than there are headers ({shown}):"
                    " is a value containing the delimiter missing its quotes?"
                }
            padded = cells[: self._width] + [""] * (self._width - len(cells))
            yield number, dict(zip(self.headers, padded, strict=True))

    def total_rows(self) -> int:
        """Data rows after the header, for progress bars (XLSX: from the sheet's size, so it may overcount)."""
        if self.format == "xlsx":
            with self._workbook() as wb:
                max_row = wb[self.sheet or self.sheets[0]].max_row
            if max_row is not None:
                return max(0, max_row - self.header_row)
        return sum(1 for number, cells in self._records() if number > self.header_row and not _is_blank(cells))


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX file and read its header row; TableError (naming the file) if it cannot be used."""
    return Table(path, sheet=sheet)


def preview(path: Path, *, sheet: str | None = None, rows: int = 10) -> tuple[list[str], list[dict[str, str]]]:
    """The headers and first few data rows, for choosing a mapping."""
    table = read_table(path, sheet=sheet)
    first: list[dict[str, str]] = []
    for _number, raw in table.rows():
        if len(first) >= rows:
            break
        first.append(raw)
    return table.headers, first
