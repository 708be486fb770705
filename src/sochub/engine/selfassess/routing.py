"""Walking a questionnaire: the next question to ask, and the segment and advice at the end of a route.

The web pages and ``sochub selfassess score`` use these same functions, so a person gets the same result
whichever way they answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Question, Questionnaire, Segment


class AnswerError(ValueError):
    """An answer that does not belong to the questionnaire (unknown question or answer id)."""

    def __init__(self, message: str, question_id: str) -> None:
        super().__init__(message)
        self.question_id = question_id


class IncompleteError(ValueError):
    """The answers stop before the route reaches a segment; ``question_id`` is the question needed next."""

    def __init__(self, message: str, question_id: str, number: int) -> None:
        super().__init__(message)
        self.question_id = question_id
        self.number = number


@dataclass(frozen=True)
class Step:
    """Where a person is on their route.

    ``question`` is the next question to ask (``None`` when the route has ended in ``segment``); ``number``
    is its 1-based position on the route (when finished: how many questions were asked). ``path`` holds the
    (question id, answer id) pairs the route used. ``up_to`` is the most questions the route can take in all
    ("Question 3 of up to 7"); ``node`` is the routing node reached.
    """

    question: Question | None
    number: int
    segment: Segment | None
    path: list[tuple[str, str]]
    node: str = ""
    up_to: int = 0

    @property
    def finished(self) -> bool:
        return self.question is None


@dataclass(frozen=True)
class Result:
    segment: Segment
    advice: list[str]
    report: list[str]
    path: list[tuple[str, str]]
    questionnaire: str
    fingerprint: str = ""
    official: bool = False
    questions: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire,
            "official": self.official,
            "fingerprint": self.fingerprint,
            "segment": {
                "id": self.segment.id,
                "name": self.segment.name,
                "meaning": self.segment.meaning,
                "vulnerable": self.segment.vulnerable,
            },
            "advice": list(self.advice),
            "report": list(self.report),
            "path": self.questions or [{"question": qid, "answer": aid} for qid, aid in self.path],
        }


def _as_mapping(q: Questionnaire, answers: Sequence[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Answers by question id (a later pair for the same question wins), every id checked."""
    pairs: list[tuple[Any, Any]]
    if isinstance(answers, Mapping):
        pairs = list(answers.items())
    else:
        pairs = []
        for item in answers:
            if isinstance(item, str | bytes) or len(item) != 2:
                raise AnswerError(f"expected (question id, answer id) pairs, not {item!r}", str(item))
            pairs.append((item[0], item[1]))
    out: dict[str, str] = {}
    for question_id, answer_id in pairs:
        try:
            question = q.question(str(question_id))
        except KeyError:
            raise AnswerError(f"there is no question {question_id!r} in {q.label}", str(question_id)) from None
        if answer_id not in question.answer_ids:
            raise AnswerError(
                f"{answer_id!r} is not an answer to question {question.id!r} "
                f"(answers: {', '.join(question.answer_ids)})",
                question.id,
            )
        out[question.id] = str(answer_id)
    return out


def most_questions_left(q: Questionnaire, node_id: str) -> int:
    """The most questions a route from this node can still ask, its own question included (0 at a leaf)."""
    return q.longest_from(node_id)


def next_step(q: Questionnaire, answers: Sequence[tuple[str, str]] | Mapping[str, str]) -> Step:
    """Walk from ``start`` with the given answers (order does not matter; answers off the route are ignored)."""
    given = _as_mapping(q, answers)
    path: list[tuple[str, str]] = []
    node = q.node(q.start)
    while node.question is not None:
        answer_id = given.get(node.question)
        if answer_id is None:
            number = len(path) + 1
            return Step(
                question=q.question(node.question),
                number=number,
                segment=None,
                path=path,
                node=node.id,
                up_to=len(path) + most_questions_left(q, node.id),
            )
        path.append((node.question, answer_id))
        node = q.node(node.branches[answer_id])
    assert node.segment is not None
    return Step(
        question=None, number=len(path), segment=q.segment(node.segment), path=path, node=node.id, up_to=len(path)
    )


def combined_advice(q: Questionnaire, segment: Segment) -> list[str]:
    """The segment's advice, then the advice every result includes, without repeats."""
    return list(dict.fromkeys([*segment.advice, *q.common_advice]))


def score(q: Questionnaire, answers: Sequence[tuple[str, str]] | Mapping[str, str]) -> Result:
    """The segment and advice at the end of the route; IncompleteError when the answers stop short."""
    from .model import fingerprint

    step = next_step(q, answers)
    if step.question is not None:
        raise IncompleteError(
            f"the answers stop before the route ends: question {step.number} ({step.question.id!r}: "
            f"{step.question.text}) is needed next",
            step.question.id,
            step.number,
        )
    assert step.segment is not None
    detail = []
    for question_id, answer_id in step.path:
        question = q.question(question_id)
        detail.append(
            {
                "question": question_id,
                "answer": answer_id,
                "question_text": question.text,
                "answer_text": question.answer(answer_id).text,
            }
        )
    return Result(
        segment=step.segment,
        advice=combined_advice(q, step.segment),
        report=list(q.report),
        path=step.path,
        questionnaire=q.label,
        fingerprint=fingerprint(q),
        official=q.official,
        questions=detail,
    )
