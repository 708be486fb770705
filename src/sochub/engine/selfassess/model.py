"""The questionnaire as versioned YAML reference data: questions, segments, advice and routing, checked on load.

A questionnaire is a routing graph. Each question node asks one question and sends every answer to another
node; a leaf node names the segment the person is placed in. Validation makes sure every route from ``start``
is well formed: it ends in a segment, never asks a question twice, and asks between ``min_questions`` and
``max_questions`` questions. Errors name the file and the key at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_QUESTIONNAIRE = REFERENCE / "questionnaire.yaml"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class QuestionnaireError(ValueError):
    """A questionnaire that cannot be used; the message names the file and the key."""


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not a usable id (letters, digits, '_', '-' and '.', starting with a letter or digit)"
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Strict):
    id: str
    text: str = Field(min_length=1)

    valid_id = field_validator("id")(_check_id)


class Question(_Strict):
    id: str
    text: str = Field(min_length=1)
    hint: str = ""
    area: str
    answers: list[Answer] = Field(min_length=2, max_length=5)

    valid_id = field_validator("id")(_check_id)

    def answer(self, answer_id: str) -> Answer:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer
        raise KeyError(answer_id)

    @property
    def answer_ids(self) -> list[str]:
        return [a.id for a in self.answers]


class Segment(_Strict):
    id: str
    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    advice: list[str]
    vulnerable: bool

    valid_id = field_validator("id")(_check_id)


class Node(_Strict):
    id: str
    question: str | None = None
    branches: dict[str, str] = {}
    segment: str | None = None

    valid_id = field_validator("id")(_check_id)

    @property
    def is_leaf(self) -> bool:
        return self.question is None


class Questionnaire(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    areas: dict[str, str] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    segments: list[Segment] = Field(min_length=1)
    common_advice: list[str]
    report: list[str]
    start: str
    nodes: list[Node] = Field(min_length=1)
    min_questions: int = Field(5, ge=1)
    max_questions: int = Field(8, ge=1)

    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)
    _segments: dict[str, Segment] = PrivateAttr(default_factory=dict)
    _nodes: dict[str, Node] = PrivateAttr(default_factory=dict)
    _longest: dict[str, int] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._questions = _index(self.questions)
        self._segments = _index(self.segments)
        self._nodes = _index(self.nodes)

    def __eq__(self, other: object) -> bool:
        # the content only: the private look-up tables and caches are not part of a questionnaire
        return isinstance(other, Questionnaire) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def question(self, id: str) -> Question:
        found = self._questions.get(id)
        if found is None:
            raise KeyError(f"no question {id!r} in {self.label}")
        return found

    def segment(self, id: str) -> Segment:
        found = self._segments.get(id)
        if found is None:
            raise KeyError(f"no segment {id!r} in {self.label}")
        return found

    def node(self, id: str) -> Node:
        found = self._nodes.get(id)
        if found is None:
            raise KeyError(f"no node {id!r} in {self.label}")
        return found

    def longest_from(self, node_id: str) -> int:
        """The most questions a route from this node can ask, its own question included (0 at a leaf)."""
        if node_id not in self._longest:
            node = self.node(node_id)
            targets = set(node.branches.values())
            self._longest[node_id] = 1 + max(self.longest_from(t) for t in targets) if node.question else 0
        return self._longest[node_id]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def paths(self) -> Iterator[list[tuple[str, str, str]]]:
        """Every route from ``start``: lists of (node id, question id, answer id), the last step a leaf
        (``(leaf id, "", segment id)``). Answers that share a branch are listed separately."""
        yield from _paths(self, self.start, [])


def _index(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _paths(q: Questionnaire, node_id: str, prefix: list[tuple[str, str, str]]) -> Iterator[list[tuple[str, str, str]]]:
    node = q.node(node_id)
    if node.question is None:
        yield [*prefix, (node.id, "", node.segment or "")]
        return
    for answer_id, target in node.branches.items():
        yield from _paths(q, target, [*prefix, (node.id, node.question, answer_id)])


# --- validation -----------------------------------------------------------------------------------------


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for i in ids:
        if i in seen and i not in twice:
            twice.append(i)
        seen.add(i)
    return twice


def _structure_problems(q: Questionnaire) -> list[str]:
    """Everything wrong with the routing, each problem starting with its key."""
    problems: list[str] = []
    for key, items in (("questions", q.questions), ("segments", q.segments), ("nodes", q.nodes)):
        for dup in _duplicates([item.id for item in items]):
            problems.append(f"{key}.{dup}: the id {dup!r} is used twice")
    for question in q.questions:
        for dup in _duplicates(question.answer_ids):
            problems.append(f"questions.{question.id}.answers.{dup}: the answer id {dup!r} is used twice")
        if question.area not in q.areas:
            problems.append(
                f"questions.{question.id}.area: unknown area {question.area!r} (areas: {', '.join(q.areas)})"
            )
    for segment in q.segments:
        if not segment.advice:
            problems.append(f"segments.{segment.id}.advice: give at least one line of advice")
    if not q.common_advice:
        problems.append("common_advice: give the advice every result includes")
    if not q.report:
        problems.append("report: say where to report fraud and cyber crime")
    if q.min_questions > q.max_questions:
        problems.append(f"min_questions: {q.min_questions} is more than max_questions {q.max_questions}")
    if problems:
        return problems

    questions = _index(q.questions)
    segments = _index(q.segments)
    nodes = _index(q.nodes)
    for node in q.nodes:
        where = f"nodes.{node.id}"
        if node.question is None:
            if node.segment is None:
                problems.append(f"{where}: a node needs a question (with branches) or a segment")
            elif node.segment not in segments:
                problems.append(f"{where}.segment: unknown segment {node.segment!r}")
            if node.branches:
                problems.append(f"{where}.branches: a leaf node (with a segment) has no branches")
            continue
        if node.segment is not None:
            problems.append(f"{where}.segment: a question node has branches, not a segment")
        question_def = questions.get(node.question)
        if question_def is None:
            problems.append(f"{where}.question: unknown question {node.question!r}")
            continue
        answers = question_def.answer_ids
        for answer_id, target in node.branches.items():
            if answer_id not in answers:
                problems.append(
                    f"{where}.branches.{answer_id}: {answer_id!r} is not an answer of question {question_def.id!r} "
                    f"(answers: {', '.join(answers)})"
                )
            if target not in nodes:
                problems.append(f"{where}.branches.{answer_id}: unknown node {target!r}")
        missing = [a for a in answers if a not in node.branches]
        if missing:
            problems.append(
                f"{where}.branches: no branch for answer {', '.join(repr(m) for m in missing)} "
                f"of question {question_def.id!r}"
            )
    if q.start not in nodes:
        problems.append(f"start: unknown node {q.start!r}")
    if problems:
        return problems

    # cycles (iterative depth-first search, colouring nodes)
    state: dict[str, int] = {}
    order: list[str] = []  # post-order: children before parents
    for root in [q.start, *nodes]:
        if root in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(nodes[root].branches.values()))]
        state[root] = 1
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[current] = 2
                order.append(current)
            elif state.get(child) == 1:
                cycle = [name for name, _ in stack]
                cycle = [*cycle[cycle.index(child) :], child]
                return [f"nodes.{current}.branches: the routing loops back ({' -> '.join(cycle)})"]
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(nodes[child].branches.values())))

    reachable: set[str] = set()
    todo = [q.start]
    while todo:
        current = todo.pop()
        if current not in reachable:
            reachable.add(current)
            todo.extend(nodes[current].branches.values())
    for node in q.nodes:
        if node.id not in reachable:
            problems.append(f"nodes.{node.id}: no route from start ({q.start!r}) reaches this node")
    reached_segments = {nodes[n].segment for n in reachable if nodes[n].question is None}
    for segment in q.segments:
        if segment.id not in reached_segments:
            problems.append(f"segments.{segment.id}: no route from start ends in this segment")

    # questions asked below each node, and the shortest and longest routes from it (children come first)
    below: dict[str, set[str]] = {}
    shortest: dict[str, int] = {}
    longest: dict[str, int] = {}
    for current in order:
        node = nodes[current]
        if node.question is None:
            below[current], shortest[current], longest[current] = set(), 0, 0
            continue
        targets = list(dict.fromkeys(node.branches.values()))
        asked: set[str] = set()
        for target in targets:
            asked |= below[target]
        if node.question in asked and current in reachable:
            again = next(t for t in _walk_down(nodes, current) if nodes[t].question == node.question and t != current)
            problems.append(
                f"nodes.{current}: question {node.question!r} can be asked twice on one route (again at node {again!r})"
            )
        below[current] = asked | {node.question}
        shortest[current] = 1 + min(shortest[t] for t in targets)
        longest[current] = 1 + max(longest[t] for t in targets)
    if problems:
        return problems
    if longest[q.start] > q.max_questions:
        route = _extreme_route(nodes, q.start, longest, max)
        problems.append(
            f"max_questions: a route asks {longest[q.start]} questions, more than {q.max_questions} "
            f"({' -> '.join(route)})"
        )
    if shortest[q.start] < q.min_questions:
        route = _extreme_route(nodes, q.start, shortest, min)
        problems.append(
            f"min_questions: a route asks only {shortest[q.start]} questions, fewer than {q.min_questions} "
            f"({' -> '.join(route)})"
        )
    return problems


def _walk_down(nodes: dict[str, Node], start: str) -> Iterator[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        yield current
        todo.extend(nodes[current].branches.values())


def _extreme_route(nodes: dict[str, Node], start: str, depth: dict[str, int], pick: Any) -> list[str]:
    route = [start]
    current = start
    while nodes[current].question is not None:
        targets = list(nodes[current].branches.values())
        current = pick(targets, key=lambda t: depth[t])
        route.append(current)
    return route


# --- reading and writing ---------------------------------------------------------------------------------


def parse_questionnaire(data: Any, source: str = "<data>") -> Questionnaire:
    """Validate a questionnaire given as plain data (a YAML document read already)."""
    return validate(
        Questionnaire, data, source, QuestionnaireError, "name, version, questions, ...", check=_structure_problems
    )


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and validate a questionnaire file (``None``: SOC Hub's default)."""
    file = Path(path) if path is not None else DEFAULT_QUESTIONNAIRE
    return parse_questionnaire(read_yaml(file, QuestionnaireError), str(file))


def fingerprint(q: Questionnaire) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    return content_fingerprint(q)


def dump_questionnaire(q: Questionnaire, *, header: str = "") -> str:
    """The questionnaire as YAML text that :func:`load_questionnaire` reads back unchanged."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    body = yaml.safe_dump(q.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=110)
    return "\n".join([*lines, body]) if lines else body
