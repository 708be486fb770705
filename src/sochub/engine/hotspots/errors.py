"""Errors and row-level accounting shared by the hotspot readers.

A reader never drops a row silently: a file it cannot use raises ``DataError`` naming the file, the row
(the header is row 1, as in a spreadsheet) and the column; rows it sets aside are counted per reason in a
``Accounting`` with the first few examples, so a report can say exactly what was left out and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class DataError(ValueError):
    """A file that cannot be used as it is; the message says where and why."""

    def __init__(self, file: str | Path, message: str, *, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = str(file), row, column
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class RowProblem:
    """One example of a row set aside: where it is and what was wrong with it."""

    file: str
    row: int
    reason: str
    detail: str = ""


@dataclass
class Accounting:
    """What happened to every row read: ``rows_read == rows_kept + sum(excluded.values())``.

    ``excluded`` counts rows left out per reason; ``notes`` counts rows kept but worth knowing about
    (anti-social behaviour rows, unrecognised crime types); ``examples`` holds the first few rows of each
    reason, with file and row number, so an analyst can look them up.
    """

    rows_read: int = 0
    rows_kept: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    examples: list[RowProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def exclude(self, reason: str, count: int, examples: list[RowProblem] | None = None) -> None:
        if count:
            self.excluded[reason] = self.excluded.get(reason, 0) + count
            self.examples.extend(examples or [])

    def note(self, what: str, count: int) -> None:
        if count:
            self.notes[what] = self.notes.get(what, 0) + count

    def check(self) -> None:
        """Raise if the books do not balance (a bug, never a data problem)."""
        if self.rows_read != self.rows_kept + sum(self.excluded.values()):
            raise AssertionError(f"row accounting does not balance: {self}")

    def summary(self) -> list[str]:
        """Plain-English lines for a run log or report."""
        lines = [f"{self.rows_read:,} rows read from {len(self.files)} file(s); {self.rows_kept:,} used"]
        lines += [f"{count:,} left out: {reason}" for reason, count in self.excluded.items()]
        lines += [
            f"{count:,} {what.replace('rows', 'row', 1) if count == 1 else what}" for what, count in self.notes.items()
        ]
        return lines + self.messages
