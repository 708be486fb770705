"""The import engine: map a partner's CSV or XLSX columns, check every row, keep the rejects.

Pure Python (no Django): the web side reads a file with :func:`read_table`, validates it with
:func:`validate_table` against a :class:`Mapping`, stores each :class:`ValidRow` by its
``source_key`` (same key and same ``fingerprint``: unchanged) and writes each
:class:`RejectedRow` with a :class:`RejectsWriter`.
"""

from __future__ import annotations

from .cells import escape_cell, looks_like_formula, runs_code, unescape_cell
from .mapping import (
    FIELD_BY_NAME,
    FIELD_KINDS,
    FIELDS,
    KINDS,
    FieldSpec,
    Mapping,
    MappingError,
    dump_mapping,
    guess_mapping,
    load_mapping,
    parse_mapping,
    unmapped_required,
)
from .reading import Table, TableError, preview, read_table
from .rejects import REJECTED_ROW, REJECTION_REASONS, RejectsWriter
from .rows import RejectedRow, ValidRow, fingerprint, mapping_problems, parse_date_text, validate_row, validate_table

__all__ = [
    "FIELDS",
    "FIELD_BY_NAME",
    "FIELD_KINDS",
    "KINDS",
    "REJECTED_ROW",
    "REJECTION_REASONS",
    "FieldSpec",
    "Mapping",
    "MappingError",
    "RejectedRow",
    "RejectsWriter",
    "Table",
    "TableError",
    "ValidRow",
    "dump_mapping",
    "escape_cell",
    "fingerprint",
    "guess_mapping",
    "load_mapping",
    "looks_like_formula",
    "mapping_problems",
    "parse_date_text",
    "parse_mapping",
    "preview",
    "read_table",
    "runs_code",
    "unescape_cell",
    "unmapped_required",
    "validate_row",
    "validate_table",
]
