"""Survey files for learning a questionnaire's routing, and synthetic surveys for tests and the demo.

A survey is a CSV file with one row per respondent: ``respondent_id``, one column per question id holding the
answer id (blank when the question was not asked), and ``segment`` (the segment the respondent belongs to).
Every value is checked against a questionnaire; a problem names the file, the row and the column.
"""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .model import Questionnaire

RESPONDENT = "respondent_id"
SEGMENT = "segment"

# How common each segment is in synthetic surveys: A is 13% as in the Home Office pen portrait; the rest are
# SOC Hub's own guesses, for tests and the demo only.
SYNTHETIC_SHARES = {"A": 0.13, "B": 0.14, "C": 0.13, "D": 0.11, "E": 0.13, "F": 0.09, "G": 0.11, "H": 0.16}


class SurveyError(ValueError):
    """A survey that cannot be used; the message names the file, the row and the column."""


@dataclass(frozen=True)
class Survey:
    """Respondents' answers (question id -> answer id, blanks left out) and their segments, checked."""

    source: str
    questions: list[str]
    respondents: list[str]
    answers: list[dict[str, str]]
    segments: list[str]

    def __len__(self) -> int:
        return len(self.respondents)


def _cells(row: Mapping[str, object]) -> Callable[[str], str]:
    def cell(column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value).strip()

    return cell


def survey_from_rows(
    rows: Iterable[Mapping[str, object]],
    questionnaire: Questionnaire,
    *,
    source: str = "<rows>",
    columns: list[str] | None = None,
    first_row: int = 2,
) -> Survey:
    """Check rows (dicts keyed by column) against ``questionnaire``; rows are numbered from ``first_row``
    (2 for a CSV file, whose header is row 1)."""
    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    for required in (RESPONDENT, SEGMENT):
        if required not in columns:
            raise SurveyError(f"{source}: row 1, column {required!r}: the column is missing")
    questions: list[str] = []
    for column in columns:
        if column in (RESPONDENT, SEGMENT):
            continue
        if not column:
            raise SurveyError(f"{source}: row 1: a column has no name")
        try:
            questionnaire.question(column)
        except KeyError:
            raise SurveyError(
                f"{source}: row 1, column {column!r}: unknown question id (not in {questionnaire.label})"
            ) from None
        questions.append(column)
    if not questions:
        raise SurveyError(f"{source}: row 1: no question columns")
    segment_ids = [s.id for s in questionnaire.segments]
    seen: dict[str, int] = {}
    respondents: list[str] = []
    answers: list[dict[str, str]] = []
    segments: list[str] = []
    for number, row in enumerate(rows, start=first_row):
        cell = _cells(row)
        if all(not cell(c) for c in columns):
            continue  # a blank line
        respondent = cell(RESPONDENT)
        if not respondent:
            raise SurveyError(f"{source}: row {number}, column {RESPONDENT!r}: the respondent_id is missing")
        if respondent in seen:
            raise SurveyError(
                f"{source}: row {number}, column {RESPONDENT!r}: respondent {respondent!r} is already on row "
                f"{seen[respondent]}"
            )
        seen[respondent] = number
        segment = cell(SEGMENT)
        if segment not in segment_ids:
            what = "the segment is missing" if not segment else f"unknown segment {segment!r}"
            raise SurveyError(
                f"{source}: row {number}, column {SEGMENT!r}: {what} (segments: {', '.join(segment_ids)})"
            )
        given: dict[str, str] = {}
        for question_id in questions:
            value = cell(question_id)
            if not value:
                continue
            allowed = questionnaire.question(question_id).answer_ids
            if value not in allowed:
                raise SurveyError(
                    f"{source}: row {number}, column {question_id!r}: unknown answer id {value!r} "
                    f"(answers: {', '.join(allowed)})"
                )
            given[question_id] = value
        respondents.append(respondent)
        answers.append(given)
        segments.append(segment)
    if not respondents:
        raise SurveyError(f"{source}: no respondents")
    return Survey(source=source, questions=questions, respondents=respondents, answers=answers, segments=segments)


def read_survey(path: str | Path, questionnaire: Questionnaire | None = None) -> Survey:
    """Read a survey CSV file and check it against ``questionnaire`` (default: SOC Hub's shipped one)."""
    from .model import load_questionnaire

    file = Path(path)
    q = questionnaire or load_questionnaire()
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise SurveyError(f"{file}: the file is empty")
            header = [h.strip() for h in header]
            twice = [h for h, n in Counter(header).items() if n > 1]
            if twice:
                raise SurveyError(f"{file}: row 1, column {twice[0]!r}: the column appears twice")
            rows: list[dict[str, str]] = []
            for number, values in enumerate(reader, start=2):
                if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                    raise SurveyError(f"{file}: row {number}: more values ({len(values)}) than columns ({len(header)})")
                rows.append(dict(zip(header, values, strict=False)))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SurveyError(f"{file}: cannot read the file ({exc})") from None
    return survey_from_rows(rows, q, source=str(file), columns=header)


def write_survey(rows: list[dict[str, str]], path: str | Path) -> Path:
    """Write survey rows (as :func:`synthetic_survey` makes them) to a CSV file."""
    file = Path(path)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return file


def synthetic_survey(
    base: Questionnaire, respondents: int, *, seed: int = 0, noise: float = 0.15
) -> list[dict[str, str]]:
    """Synthetic respondents, each with a latent segment, answering every question of ``base``.

    A respondent's segment is drawn from :data:`SYNTHETIC_SHARES` (evenly for other segment ids); their answers
    follow one of the routes of ``base`` that ends in that segment, and questions off that route are answered as
    people on the segment's routes answer them (evenly when no route of the segment asks them). Each answer is
    then replaced by a random one with probability ``noise``, so the routing does not fit the data exactly.
    """
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must be between 0 and 1, not {noise}")
    rng = random.Random(seed)
    routes: dict[str, list[list[tuple[str, str]]]] = defaultdict(list)
    seen: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for path in base.paths():
        segment = path[-1][2]
        pairs = [(question, answer) for _, question, answer in path[:-1]]
        routes[segment].append(pairs)
        seen[segment].update(pairs)
    segment_ids = [s.id for s in base.segments if routes.get(s.id)]
    weights = [SYNTHETIC_SHARES.get(s, 1 / max(len(segment_ids), 1)) for s in segment_ids]
    rows: list[dict[str, str]] = []
    width = len(str(respondents))
    for n in range(1, respondents + 1):
        segment = rng.choices(segment_ids, weights)[0]
        on_route = dict(rng.choice(routes[segment]))
        row = {RESPONDENT: f"R{n:0{width}d}"}
        for question in base.questions:
            answers = question.answer_ids
            if question.id in on_route:
                answer = on_route[question.id]
            else:
                counts = [seen[segment][(question.id, a)] + 1 for a in answers]
                answer = rng.choices(answers, counts)[0]
            if rng.random() < noise:
                answer = rng.choice(answers)
            row[question.id] = answer
        row[SEGMENT] = segment
        rows.append(row)
    return rows
