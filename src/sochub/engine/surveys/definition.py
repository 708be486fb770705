"""A survey's definition (title and questions) and one respondent's answers, checked with plain messages.

The rules are the ones a respondent would trip over if they were not checked when the survey is saved: a choice
question with one option (or the same option twice), a scale from 5 to 1, a number whose lowest allowed value is
above its highest. Answers are checked against their question: an option that is not offered, a number out of
range, a scale point that does not exist. Required questions must be answered only when the response is
submitted, so that a draft can be saved half done.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("single", "multiple", "number", "text", "scale")
"""The kinds of question, in the order the designer offers them."""

KIND_LABELS = {
    "single": "Single choice (one answer)",
    "multiple": "Multiple choice (any number of answers)",
    "number": "Number",
    "text": "Free text",
    "scale": "Scale (for example 1 to 5)",
}

CHOICE_KINDS = frozenset({"single", "multiple"})
MAX_QUESTIONS = 60
MAX_OPTIONS = 20
MAX_TITLE = 200
MAX_INTRODUCTION = 4000
MAX_QUESTION_TEXT = 500
MAX_HINT = 500
MAX_OPTION = 200
MAX_TEXT_ANSWER = 4000
SCALE_LOWEST = 0
SCALE_HIGHEST = 10
NUMBER_LIMIT = Decimal("1e12")
"""Numbers at or beyond a trillion (either sign) are typing mistakes."""


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: ``field`` names the form field, ``question`` the question's position (from 1)."""

    field: str
    message: str
    question: int | None = None


@dataclass(frozen=True)
class Question:
    """One question as the engine sees it. ``key`` identifies it in the answers (the database id, as text)."""

    key: str
    text: str
    kind: str
    required: bool = False
    options: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    hint: str = ""
    position: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    """Words for the ends of a scale, e.g. {"1": "Not at all", "5": "Very much"} (optional)."""

    @property
    def scale_points(self) -> list[int]:
        if self.kind != "scale" or self.min_value is None or self.max_value is None:
            return []
        return list(range(self.min_value, self.max_value + 1))


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def check_question(question: Question, position: int) -> list[Problem]:
    """Problems with one question; ``position`` (from 1) names it in the messages."""
    problems: list[Problem] = []
    name = f"Question {position}"

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, f"{name}: {message}", position))

    text = _clean(question.text)
    if not text:
        add("text", "enter the question")
    elif len(text) > MAX_QUESTION_TEXT:
        add("text", f"the question must be {MAX_QUESTION_TEXT} characters or fewer")
    if len(question.hint) > MAX_HINT:
        add("hint", f"the hint must be {MAX_HINT} characters or fewer")
    if question.kind not in KINDS:
        add("kind", "choose the kind of question (single choice, multiple choice, number, free text or scale)")
        return problems
    options = [_clean(o) for o in question.options]
    if question.kind in CHOICE_KINDS:
        if any(not o for o in options):
            add("options", "an option is empty; remove blank lines")
        named = [o for o in options if o]
        if len(named) < 2:
            add("options", "a choice question needs at least 2 options, one a line")
        if len(named) > MAX_OPTIONS:
            add("options", f"a choice question can have at most {MAX_OPTIONS} options")
        seen: set[str] = set()
        for option in named:
            if option.casefold() in seen:
                add("options", f"the option {option!r} is given twice")
                break
            seen.add(option.casefold())
        if any(len(o) > MAX_OPTION for o in named):
            add("options", f"each option must be {MAX_OPTION} characters or fewer")
    elif options:
        add("options", "only choice questions have options; leave the options empty")
    if question.kind == "scale":
        low, high = question.min_value, question.max_value
        if low is None or high is None:
            add("scale", "give the lowest and highest points of the scale, for example 1 and 5")
        elif not (SCALE_LOWEST <= low <= SCALE_HIGHEST and SCALE_LOWEST <= high <= SCALE_HIGHEST):
            add("scale", f"the scale's points must be between {SCALE_LOWEST} and {SCALE_HIGHEST}")
        elif high - low < 1:
            add("scale", "the highest point of the scale must be above the lowest")
    elif question.kind == "number":
        low, high = question.min_value, question.max_value
        for value in (low, high):
            if value is not None and abs(value) >= NUMBER_LIMIT:
                add("range", "the lowest and highest allowed numbers must be less than a trillion")
                break
        else:
            if low is not None and high is not None and low > high:
                add("range", "the lowest allowed number must not be above the highest")
    elif question.min_value is not None or question.max_value is not None:
        add("range", "only number and scale questions have a lowest and highest value")
    return problems


def check_definition(title: str, introduction: str, questions: Sequence[Question]) -> list[Problem]:
    """Every problem with a survey's definition; an empty list means it can be saved as it is."""
    problems: list[Problem] = []
    clean_title = _clean(title)
    if not clean_title:
        problems.append(Problem("title", "Enter a title for the survey"))
    elif len(clean_title) > MAX_TITLE:
        problems.append(Problem("title", f"The title must be {MAX_TITLE} characters or fewer"))
    if len(introduction) > MAX_INTRODUCTION:
        problems.append(Problem("introduction", f"The introduction must be {MAX_INTRODUCTION} characters or fewer"))
    if len(questions) > MAX_QUESTIONS:
        problems.append(Problem("questions", f"A survey can have at most {MAX_QUESTIONS} questions"))
    texts: dict[str, int] = {}
    for position, question in enumerate(questions, start=1):
        problems.extend(check_question(question, position))
        key = _clean(question.text).casefold()
        if key and key in texts:
            problems.append(
                Problem("text", f"Question {position}: the same question is already question {texts[key]}", position)
            )
        texts.setdefault(key, position)
    return problems


def check_ready(questions: Sequence[Question]) -> list[Problem]:
    """What stops a survey opening for answers (beyond :func:`check_definition`): it must ask something."""
    if not questions:
        return [Problem("questions", "Add at least one question before opening the survey")]
    return []


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = str(value).strip().replace(",", "") if not isinstance(value, (int, float)) else repr(value)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not [v for v in value if not _blank(v)]
    return False


def _answer(question: Question, value: Any) -> tuple[Any, str | None]:
    """One answer cleaned to what is stored (str, list of str, int or float), or the message saying why not."""
    if question.kind == "single":
        if isinstance(value, (list, tuple)):
            value = value[0] if len(value) == 1 else None
        if not isinstance(value, str) or value not in question.options:
            return None, "choose one of the options given"
        return value, None
    if question.kind == "multiple":
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, (list, tuple)) or not all(isinstance(v, str) for v in chosen):
            return None, "choose from the options given"
        picked = [o for o in question.options if o in chosen]
        if len(picked) != len(set(chosen)):
            return None, "choose only from the options given"
        return picked, None
    if question.kind == "number":
        number = _number(value)
        if number is None or abs(number) >= NUMBER_LIMIT:
            return None, "enter a number, like 12 or 3.5"
        if question.min_value is not None and number < question.min_value:
            return None, f"enter a number of {question.min_value} or more"
        if question.max_value is not None and number > question.max_value:
            return None, f"enter a number of {question.max_value} or less"
        return (int(number) if number == number.to_integral_value() else float(number)), None
    if question.kind == "scale":
        number = _number(value)
        points = question.scale_points
        if number is None or number != number.to_integral_value() or int(number) not in points:
            low, high = (points[0], points[-1]) if points else (0, 0)
            return None, f"choose a point on the scale from {low} to {high}"
        return int(number), None
    if not isinstance(value, str):
        return None, "enter your answer as text"
    text = value.replace("\x00", "").strip()
    if len(text) > MAX_TEXT_ANSWER:
        return None, f"the answer must be {MAX_TEXT_ANSWER} characters or fewer"
    return text, None


def check_answers(
    questions: Sequence[Question], answers: Mapping[str, Any], *, final: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The answers kept (by question key) and the problems; ``final`` (submitting) also needs every required
    question answered. Answers to questions the survey does not ask are dropped."""
    kept: dict[str, Any] = {}
    problems: list[Problem] = []
    for position, question in enumerate(questions, start=1):
        value = answers.get(question.key)
        label = f"Question {position}"
        if _blank(value):
            if final and question.required:
                problems.append(Problem(question.key, f"{label}: answer this question, it is required", position))
            continue
        clean, message = _answer(question, value)
        if message is not None:
            problems.append(Problem(question.key, f"{label}: {message}", position))
        elif not _blank(clean):
            kept[question.key] = clean
        elif final and question.required:
            problems.append(Problem(question.key, f"{label}: answer this question, it is required", position))
    return kept, problems
