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
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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
    ``nodes``: id, markers (lower-case names), role; ``offences``: id, date (datetime64), offence_type.

    From files, ids are pandas ``string[pyarrow]``, the repetitive text columns (role, offence type) are
    categorical and each person's markers are a tuple (people with the same markers text share one);
    ``prioritise`` takes any string columns and any sequence of markers.
    """

    edges: pd.DataFrame
    nodes: pd.DataFrame | None = None
    offences: pd.DataFrame | None = None
    has_markers: bool = False
    notes: dict[str, int] = field(default_factory=dict)


TEXT = pd.StringDtype("pyarrow")
_CODED = pa.dictionary(pa.int32(), pa.string())


def _header(path: Path) -> list[str] | None:
    """The header's cells, or None unless it is plainly simple (no quotes, no blank or repeated names, UTF-8):
    anything else is left to pandas, which reads it or words the problem."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    if not ends and len(head) == 1 << 16:
        return None
    line = head[: min(ends)] if ends else head
    if b'"' in line or b"\0" in line:
        return None
    try:
        cells = line.decode("utf-8-sig").split(",")
    except UnicodeDecodeError:
        return None
    if "" in cells or len(set(cells)) < len(cells):
        return None
    return cells


def _read_arrow(path: Path, coded: tuple[str, ...]) -> dict[str, pa.ChunkedArray] | None:
    """Every column as text, read by pyarrow's multithreaded parser (the ``coded`` ones dictionary-encoded as
    they are parsed), or None to leave the file to pandas: pyarrow refuses what pandas reads differently or
    refuses (ragged rows, bad UTF-8), and pandas then reads it or raises the error that names the problem."""
    names = _header(path)
    if names is None:
        return None
    types = {c: _CODED if c.strip().lower() in coded else pa.string() for c in names}
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    return {name: table.column(i) for i, name in enumerate(names)}


def _read_pandas(path: Path) -> dict[str, pa.ChunkedArray]:
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
    return {
        str(c): pa.chunked_array([pa.array(raw.iloc[:, i].fillna("").to_numpy(dtype=object), type=pa.string())])
        for i, c in enumerate(raw.columns)
    }


def _series(values: pa.ChunkedArray, coded: bool) -> pd.Series:
    if coded:
        if not pa.types.is_dictionary(values.type):
            values = values.dictionary_encode()
        return values.to_pandas()  # categorical
    return pd.Series(pd.arrays.ArrowStringArray(values), dtype=TEXT)


def _read(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], coded: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, int]:
    """The file's required and optional columns as text (header matched case-insensitively), indexed by row
    number in the file; blank rows out.

    ``coded`` columns (few distinct values, such as dates or offence types) come back categorical."""
    if not path.is_file():
        raise InputError(path, "no such file")
    raw = _read_arrow(path, coded)
    if raw is None:
        raw = _read_pandas(path)
    names = [c.strip().lower() for c in raw]
    for col in (*required, *optional):
        if names.count(col) > 1 or f"{col}.1" in names:
            raise InputError(path, f"the column {col!r} appears more than once in the header", row=1)
    missing = [c for c in required if c not in names]
    if missing:
        found = ", ".join(repr(c) for c in raw)
        label = "column" if len(missing) == 1 else "columns"
        raise InputError(path, f"missing {label} {', '.join(map(repr, missing))} (the header has {found})", row=1)
    keep = [c for c in (*required, *optional) if c in names]
    columns = {name: _series(values, name in coded) for name, values in zip(names, raw.values(), strict=True)}
    rows = len(next(iter(raw.values())))
    blank = np.ones(rows, dtype=bool)
    for name, values in zip(names, raw.values(), strict=True):
        if name in keep or pa.types.is_dictionary(values.type):
            blank &= (columns[name] == "").to_numpy(dtype=bool)
        else:
            blank &= pc.equal(values, "").to_numpy(zero_copy_only=False)
    # The index is the row number in the file (the header is row 1), for messages.
    table = pd.DataFrame({c: columns[c] for c in keep})
    table.index = pd.RangeIndex(2, rows + 2)
    if blank.any():
        table = table[~blank]
    if table.empty:
        raise InputError(path, "no data rows under the header")
    return table, int(blank.sum())


def _empty(table: pd.DataFrame, column: str) -> np.ndarray:
    return (table[column] == "").to_numpy(dtype=bool)


def _require(path: Path, table: pd.DataFrame, column: str) -> None:
    empty = _empty(table, column)
    if empty.any():
        row = int(table.index[int(empty.argmax())])
        raise InputError(path, "empty; every row needs a value here", row=row, column=column)


def text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a text column, in order of first appearance (as ``pd.factorize``), so that
    work can be done once per distinct value. A pyarrow string column is encoded in one piece: pandas
    encodes it block by block and merges the blocks' dictionaries, which costs more than the encoding."""
    array = getattr(values, "array", None)
    if isinstance(array, pd.arrays.ArrowStringArray) and len(values):
        chunks = pa.chunked_array(array.__arrow_array__())
        if chunks.null_count == 0:
            encoded = chunks.cast(pa.large_string()).combine_chunks().dictionary_encode()
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
            return codes, encoded.dictionary.to_numpy(zero_copy_only=False)
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def read_edges(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, EDGE_COLUMNS, ("weight",), coded=("weight",))
    for col in EDGE_COLUMNS:
        _require(file, table, col)
    notes = {"edge rows read": len(table), "blank edge rows ignored": blank}
    if "weight" in table.columns:
        codes, values = text_codes(table["weight"])  # weights repeat: parse each distinct text once
        text = pd.Series(values, dtype=object).str.strip()
        is_blank_value = (text == "").to_numpy(dtype=bool)
        parsed = pd.to_numeric(text.where(~is_blank_value, "1"), errors="coerce").to_numpy(dtype=float)
        weight = parsed[codes]
        bad = ~np.isfinite(weight) | (weight <= 0)
        if bad.any():
            i = int(bad.argmax())
            value = table["weight"].iloc[i]
            why = "is not a number" if math.isnan(weight[i]) else "must be above 0 (a contact strength)"
            raise InputError(file, f"{value!r} {why}", row=int(table.index[i]), column="weight")
        notes["blank weights taken as 1"] = int(is_blank_value[codes].sum())
    else:
        weight = np.ones(len(table))
    loops = (table["source"] == table["target"]).to_numpy(dtype=bool)
    notes["self-loops ignored"] = int(loops.sum())
    edges = pd.DataFrame({"source": table["source"].array, "target": table["target"].array, "weight": weight})
    if loops.any():
        edges = edges[~loops].reset_index(drop=True)
    return edges, notes


def _marker_names(text: str) -> tuple[str, ...]:
    return tuple(m for m in (" ".join(p.lower().split()) for p in text.split(";")) if m)


def read_nodes(path: str | Path) -> tuple[pd.DataFrame, bool, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, NODE_COLUMNS, ("markers", "role"), coded=("markers", "role"))
    _require(file, table, "id")
    codes, _ = text_codes(table["id"])
    dupes = np.bincount(codes)[codes] > 1
    if dupes.any():
        first = table[dupes].iloc[0]
        rows = table.index[(table["id"] == first["id"]).to_numpy(dtype=bool)].tolist()
        raise InputError(
            file,
            f"the id {first['id']!r} is on rows {', '.join(map(str, rows))}; give each person one row",
            row=int(rows[1]),
            column="id",
        )
    has_markers = "markers" in table.columns
    markers = np.empty(len(table), dtype=object)
    if has_markers:
        codes, values = text_codes(table["markers"])
        parsed = np.empty(len(values), dtype=object)
        for i, text in enumerate(values):
            parsed[i] = _marker_names(text)
        markers[:] = parsed[codes]
    else:
        markers.fill(())
    role = table["role"].array if "role" in table.columns else pd.Categorical([""] * len(table))
    nodes = pd.DataFrame({"id": table["id"].array, "markers": markers, "role": role})
    return nodes, has_markers, {"node rows read": len(table), "blank node rows ignored": blank}


def _dates(file: Path, table: pd.DataFrame) -> np.ndarray:
    codes, values = text_codes(table["date"])  # a few thousand distinct days, however many rows
    text = pd.Series(values, dtype=object).str.strip()
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    uk = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(uk)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    bad = parsed.isna().to_numpy()[codes]
    if bad.any():
        i = int(bad.argmax())
        value = table["date"].iloc[i]
        message = f"{value!r} is not a date ({DATE_HELP})" if value.strip() else f"empty; {DATE_HELP}"
        raise InputError(file, message, row=int(table.index[i]), column="date")
    return parsed.to_numpy(dtype="datetime64[ns]")[codes]


def read_offences(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    file = Path(path)
    table, blank = _read(file, OFFENCE_COLUMNS, (), coded=("date", "offence_type"))
    _require(file, table, "id")
    dates = _dates(file, table)
    _require(file, table, "offence_type")
    offences = pd.DataFrame({"id": table["id"].array, "date": dates, "offence_type": table["offence_type"].array})
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
