"""Read and check the files of file mode: EDGES, NODES and OFFENCES (CSV with a header row).

Ids are kept exactly as written (no trimming, no number parsing: "007" and "Smith, J" survive).
Every problem raises ``InputError`` naming the file, the row (the header is row 1, as in a
spreadsheet) and the column. Nothing is dropped silently: rows that are ignored on purpose
(blank rows, self-loops) are counted in ``Inputs.notes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

EDGE_COLUMNS = ("source", "target")
NODE_COLUMNS = ("id",)
OFFENCE_COLUMNS = ("id", "date", "offence_type")
DATE_HELP = "use YYYY-MM-DD or DD/MM/YYYY"


class InputError(ValueError):
    """A file that cannot be used as it is; the message says where and why."""

    def __init__(self, file: str | Path, message: str, *, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = str(file), row, column
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class Inputs:
    """Checked input tables. ``edges``: source, target, weight (float, self-loops removed, repeats kept);
    ``nodes``: id, markers (list of lower-case names), role; ``offences``: id, date (datetime64), offence_type."""

    edges: pd.DataFrame
    nodes: pd.DataFrame | None = None
    offences: pd.DataFrame | None = None
    has_markers: bool = False
    notes: dict[str, int] = field(default_factory=dict)


def _read(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """The file's required and optional columns as text (header matched case-insensitively); blank rows out."""
    if not path.is_file():
        raise InputError(path, "no such file")
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        raise InputError(path, "the file is empty (expected a header row, then one row per record)") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "")
        raise InputError(path, f"not readable as CSV: {detail}") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text; save the file as CSV UTF-8") from None
    names = [str(c).strip().lower() for c in raw.columns]
    for col in (*required, *optional):
        if names.count(col) > 1 or f"{col}.1" in names:
            raise InputError(path, f"the column {col!r} appears more than once in the header", row=1)
    missing = [c for c in required if c not in names]
    if missing:
        found = ", ".join(repr(str(c)) for c in raw.columns)
        label = "column" if len(missing) == 1 else "columns"
        raise InputError(path, f"missing {label} {', '.join(map(repr, missing))} (the header has {found})", row=1)
    raw.columns = pd.Index(names)
    keep = [c for c in (*required, *optional) if c in names]
    table = raw[keep].fillna("")
    blank = (table == "").all(axis=1) & (raw.fillna("") == "").all(axis=1)
    table = table.assign(_row=np.arange(len(table)) + 2)[~blank.to_numpy()].reset_index(drop=True)
    if table.empty:
        raise InputError(path, "no data rows under the header")
    return table, int(blank.sum())


def _require(path: Path, table: pd.DataFrame, column: str) -> None:
    empty = (table[column] == "").to_numpy()
    if empty.any():
        row = int(table["_row"].to_numpy()[empty.argmax()])
        raise InputError(path, "empty; every row needs a value here", row=row, column=column)


def read_edges(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, EDGE_COLUMNS, ("weight",))
    for col in EDGE_COLUMNS:
        _require(file, table, col)
    notes = {"edge rows read": len(table), "blank edge rows ignored": blank}
    if "weight" in table.columns:
        text = table["weight"].str.strip()
        is_blank = (text == "").to_numpy()
        weight = pd.to_numeric(text.where(~is_blank, "1"), errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(weight) | (weight <= 0)
        if bad.any():
            i = int(bad.argmax())
            value = table["weight"].iloc[i]
            why = "is not a number" if math.isnan(weight[i]) else "must be above 0 (a contact strength)"
            raise InputError(file, f"{value!r} {why}", row=int(table["_row"].iloc[i]), column="weight")
        notes["blank weights taken as 1"] = int(is_blank.sum())
    else:
        weight = np.ones(len(table))
    loops = (table["source"] == table["target"]).to_numpy()
    notes["self-loops ignored"] = int(loops.sum())
    edges = pd.DataFrame({"source": table["source"], "target": table["target"], "weight": weight})[~loops]
    return edges.reset_index(drop=True), notes


def read_nodes(path: str | Path) -> tuple[pd.DataFrame, bool, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, NODE_COLUMNS, ("markers", "role"))
    _require(file, table, "id")
    dupes = table["id"].duplicated(keep=False).to_numpy()
    if dupes.any():
        first = table[dupes].iloc[0]
        rows = table.loc[table["id"] == first["id"], "_row"].tolist()
        raise InputError(
            file,
            f"the id {first['id']!r} is on rows {', '.join(map(str, rows))}; give each person one row",
            row=int(rows[1]),
            column="id",
        )
    has_markers = "markers" in table.columns
    markers = (
        table["markers"].map(lambda s: [m for m in (" ".join(p.lower().split()) for p in s.split(";")) if m])
        if has_markers
        else pd.Series([[] for _ in range(len(table))], dtype=object)
    )
    nodes = pd.DataFrame(
        {
            "id": table["id"],
            "markers": markers.to_numpy(),
            "role": table["role"] if "role" in table.columns else "",
        }
    )
    return nodes, has_markers, {"node rows read": len(table), "blank node rows ignored": blank}


def _dates(file: Path, table: pd.DataFrame) -> np.ndarray:
    text = table["date"].str.strip()
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    uk = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    dates = iso.fillna(uk)
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(bad.argmax())
        value = table["date"].iloc[i]
        message = f"{value!r} is not a date ({DATE_HELP})" if value.strip() else f"empty; {DATE_HELP}"
        raise InputError(file, message, row=int(table["_row"].iloc[i]), column="date")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy(dtype="datetime64[ns]")


def read_offences(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, OFFENCE_COLUMNS, ())
    _require(file, table, "id")
    dates = _dates(file, table)
    _require(file, table, "offence_type")
    offences = pd.DataFrame({"id": table["id"], "date": dates, "offence_type": table["offence_type"]})
    return offences, {"offence rows read": len(table), "blank offence rows ignored": blank}


def read_inputs(edges: str | Path, nodes: str | Path | None = None, offences: str | Path | None = None) -> Inputs:
    edge_table, notes = read_edges(edges)
    result = Inputs(edges=edge_table, notes=notes)
    if nodes is not None:
        result.nodes, result.has_markers, more = read_nodes(nodes)
        notes.update(more)
    if offences is not None:
        result.offences, more = read_offences(offences)
        notes.update(more)
    return result
