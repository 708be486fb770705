"""Pure checks of information exchange: due dates, overdue, match bands and the best 3x5x2 grading."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sochub.engine.recovery.clock import add_working_days

from .reference import Band, Reference

OPEN_STATUSES = ("awaiting_approval", "approved")
CLOSED_STATUSES = ("answered", "refused", "withdrawn")
SOURCE_ORDER = "123"
ASSESSMENT_ORDER = "ABCDE"


def due_date(reference: Reference, *, urgency: str, sent_on: date) -> date:
    """The working day by which an answer is due: ``working_days`` after the day the request was sent
    (weekends and the bank holidays of the reference data's nation do not count)."""
    u = reference.urgency(urgency)
    if u is None:
        raise ValueError(f"unknown urgency {urgency!r}")
    return add_working_days(sent_on, u.working_days, reference.nation)


def is_overdue(*, status: str, due: date | None, today: date) -> bool:
    """Past its due date and not answered, refused or withdrawn (drafts have no due date)."""
    return due is not None and status not in CLOSED_STATUSES and today > due


def band_for(reference: Reference, probability: float) -> Band | None:
    """The strongest band whose minimum the probability reaches, or None (not a match worth naming)."""
    return next((b for b in reference.match_bands if probability >= b.minimum), None)


def best_grading(gradings: Iterable[tuple[str, str, str]]) -> str | None:
    """The best of (source evaluation, intelligence assessment, handling code) triples as written, e.g. "1A P".

    Best means the most reliable source first, then the strongest assessment; a tie prefers handling P. Triples
    with values outside the 3x5x2 scales are ignored.
    """
    valid = [
        (s, a, h) for s, a, h in gradings if s in SOURCE_ORDER and a in ASSESSMENT_ORDER and h in ("P", "C") and s and a
    ]
    if not valid:
        return None
    s, a, h = min(valid, key=lambda t: (SOURCE_ORDER.index(t[0]), ASSESSMENT_ORDER.index(t[1]), t[2] != "P"))
    return f"{s}{a} {h}"


def request_problems(
    reference: Reference,
    *,
    purpose: str,
    legal_basis: str,
    urgency: str,
    question: str,
    handling_code: str,
    handling_conditions: str,
    has_subject: bool,
    has_destination: bool,
) -> dict[str, list[str]]:
    """What stops a request being made, per form field (empty when it may be made)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if reference.purpose(purpose) is None:
        add("purpose", "Choose the purpose of the request from the list.")
    if reference.gateway(legal_basis) is None:
        add("legal_basis", "Choose the legal basis (gateway) for the disclosure from the list.")
    if reference.urgency(urgency) is None:
        add("urgency", "Choose how urgent the request is.")
    if len(question.strip()) < 10:
        add("question", "Say what you want to know, in at least 10 characters.")
    elif len(question) > 5000:
        add("question", "The question must be 5000 characters or fewer.")
    if handling_code not in ("P", "C"):
        add("handling_code", "Choose handling code P or C.")
    elif handling_code == "C" and not handling_conditions.strip():
        add("handling_conditions", "Handling code C needs the conditions the provider must keep.")
    if len(handling_conditions) > 2000:
        add("handling_conditions", "The conditions must be 2000 characters or fewer.")
    if not has_subject:
        add("subjects", "Name at least one subject: a nominal, an OCG, premises, or describe the person.")
    if not has_destination:
        add("provider", "Choose the agency to ask, or send the request through your GAIN coordinator.")
    return errors
