"""The rejects file: rejected rows as they came, plus why, ready to fix and import again.

Formula injection: every cell written (original cells, the reasons and the headers) goes
through :func:`~sochub.engine.imports.cells.escape_cell`, which prefixes a single quote only
to cells a spreadsheet would run as a formula (``=...``, ``@SUM(``, ``+cmd|``); ordinary
values such as ``+44 7700 900123`` or ``-5`` are written unchanged. The reader undoes exactly
that escape (:func:`~sochub.engine.imports.cells.unescape_cell`), so a fixed rejects file
re-imports with the same mapping and gives back the original cells. A formula cell in a
mapped field is still rejected on re-import until the person replaces it with the value.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .cells import escape_cell
from .rows import RejectedRow

REJECTED_ROW = "rejected_row"
REJECTION_REASONS = "rejection_reasons"
TRAILING_COLUMNS = (REJECTED_ROW, REJECTION_REASONS)


class RejectsWriter:
    """Write rejected rows to a UTF-8 CSV (with BOM, so spreadsheets open it correctly).

    ``headers`` are the original file's headers, kept in their order. If they already end with
    the trailing columns (a rejects file being re-imported), those are replaced, not repeated.
    """

    def __init__(self, path: Path, headers: list[str]) -> None:
        self.path = Path(path)
        self.headers = [h for h in headers if h not in TRAILING_COLUMNS]
        self.count = 0
        self._fh: IO[str] | None = None
        self._writer: Any = None  # csv.writer's type is private to the csv module

    def __enter__(self) -> RejectsWriter:
        self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow([escape_cell(h) for h in [*self.headers, *TRAILING_COLUMNS]])
        return self

    def write(self, rejected: RejectedRow) -> None:
        """Append one rejected row: its original cells, its row number and its reasons."""
        if self._writer is None:
            raise RuntimeError("RejectsWriter must be used as a context manager")
        cells = [rejected.raw.get(h, "") for h in self.headers]
        self._writer.writerow([escape_cell(c) for c in [*cells, str(rejected.row_number), rejected.summary()]])
        self.count += 1

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._writer = None
