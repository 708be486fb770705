"""GAIN information exchange between partner agencies: reference data and pure checks (no Django).

- :func:`load_reference` -> :class:`Reference`: purposes, legal gateways, urgencies (working days to answer),
  how long shared records stay visible, and the match bands of "Is this person known to you?"
- :func:`due_date`, :func:`is_overdue`: the answer clock in working days
- :func:`band_for`: a match probability as a band ("probable", "possible")
- :func:`best_grading`: the best 3x5x2 grade of a set of intelligence records, e.g. "1A P"
- :func:`request_problems`: what stops a request being made, per field
"""

from .checks import CLOSED_STATUSES, OPEN_STATUSES, band_for, best_grading, due_date, is_overdue, request_problems
from .reference import (
    DEFAULT_FILE,
    URGENCY_IDS,
    Band,
    Gateway,
    Purpose,
    Reference,
    ReferenceError,
    Urgency,
    fingerprint,
    load_reference,
    parse_reference,
)

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_FILE",
    "OPEN_STATUSES",
    "URGENCY_IDS",
    "Band",
    "Gateway",
    "Purpose",
    "Reference",
    "ReferenceError",
    "Urgency",
    "band_for",
    "best_grading",
    "due_date",
    "fingerprint",
    "is_overdue",
    "load_reference",
    "parse_reference",
    "request_problems",
]
