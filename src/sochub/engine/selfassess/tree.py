"""Learning a questionnaire's routing from a survey with a decision tree (a "typing tool").

scikit-learn's tree splits on one-hot features ("question q was answered a"). Each binary split becomes a
question node with a branch per answer: answer a follows the "yes" side, every other answer the "no" side, and
below it question q is known, so later splits on q follow the known answer instead of asking again. Identical
sub-routes are shared. The tree's depth is capped so no route asks more than ``max_questions`` questions; routes
shorter than ``min_questions`` are padded with questions that do not change the segment.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import Node, Questionnaire, parse_questionnaire
from .routing import next_step
from .survey import Survey


class TreeError(ValueError):
    """The survey or the settings cannot give a questionnaire."""


@dataclass(frozen=True)
class TreeBuild:
    questionnaire: Questionnaire
    accuracy: float  # share of held-out respondents the learned routing places in their own segment
    baseline_accuracy: float  # the same for "everyone is in the commonest training segment"
    train: int
    test: int
    leaves: int  # leaves of the scikit-learn tree
    nodes: int = 0  # routing nodes of the questionnaire (shared sub-routes counted once)
    path_lengths: dict[int, int] = field(default_factory=dict)  # questions asked -> number of routes
    mean_questions: float = 0.0  # questions the held-out respondents were asked, on average
    recall: dict[str, float] = field(default_factory=dict)  # segment -> share of its held-out respondents placed right
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lengths = ", ".join(f"{n}: {c:,}" for n, c in sorted(self.path_lengths.items()))
        lines = [
            f"Held-out accuracy {self.accuracy:.3f} (majority baseline {self.baseline_accuracy:.3f}) on "
            f"{self.test:,} respondents; trained on {self.train:,}.",
            f"{self.nodes:,} routing nodes from a tree of {self.leaves:,} leaves; routes by questions asked: "
            f"{lengths}; held-out respondents answered {self.mean_questions:.1f} questions on average.",
            "Recall by segment: " + ", ".join(f"{s} {r:.2f}" for s, r in sorted(self.recall.items())),
        ]
        return lines + self.notes


def _split(y: list[str], test_share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    counts = Counter(y)
    n_test = int(np.ceil(len(y) * test_share))
    stratify = y if min(counts.values()) >= 2 and n_test >= len(counts) and len(y) - n_test >= len(counts) else None
    train, test = train_test_split(index, test_size=test_share, random_state=seed, stratify=stratify)
    return np.asarray(train), np.asarray(test)


class _Builder:
    """Turns a fitted tree into hash-consed routing nodes."""

    def __init__(
        self, base: Questionnaire, features: list[tuple[str, str]], fitted: Any, classes: list[str], most: int
    ) -> None:
        self.base = base
        self.most = most
        self.features = features
        t = fitted.tree_
        self.left, self.right = t.children_left, t.children_right
        self.feature, self.value = t.feature, t.value
        self.classes = classes
        self.keys: dict[tuple[Any, ...], str] = {}
        self.nodes: dict[str, Node] = {}
        self.memo: dict[tuple[int, frozenset[tuple[str, str]], int], str] = {}
        self.tested: dict[int, frozenset[str]] = {}
        self._tested(0)

    def _tested(self, n: int) -> frozenset[str]:
        if self.left[n] == -1:
            out: frozenset[str] = frozenset()
        else:
            out = self._tested(self.left[n]) | self._tested(self.right[n]) | {self.features[self.feature[n]][0]}
        self.tested[n] = out
        return out

    def intern(self, key: tuple[Any, ...], make: Any) -> str:
        if key not in self.keys:
            node_id = f"t{len(self.keys) + 1}"
            self.keys[key] = node_id
            self.nodes[node_id] = make(node_id)
        return self.keys[key]

    def leaf(self, segment: str) -> str:
        return self.intern(("leaf", segment), lambda i: Node(id=i, segment=segment))

    def question(self, question: str, branches: dict[str, str], *, keep: bool = False) -> str:
        if not keep and len(set(branches.values())) == 1:
            return next(iter(branches.values()))
        key = ("question", question, tuple(branches.items()))
        return self.intern(key, lambda i: Node(id=i, question=question, branches=dict(branches)))

    def convert(self, n: int, known: dict[str, str]) -> str:
        relevant = frozenset((q, a) for q, a in known.items() if q in self.tested[n])
        memo_key = (n, relevant, len(known))
        if memo_key in self.memo:
            return self.memo[memo_key]
        q, a = self.features[self.feature[n]] if self.left[n] != -1 else ("", "")
        if self.left[n] == -1 or (q not in known and len(known) >= self.most):
            # a leaf, or a split that would ask one question too many: the node's commonest segment
            out = self.leaf(self.classes[int(np.argmax(self.value[n][0]))])
        else:
            if q in known:
                out = self.convert(self.right[n] if known[q] == a else self.left[n], known)
            else:
                branches = {
                    x: self.convert(self.right[n] if x == a else self.left[n], {**known, q: x})
                    for x in self.base.question(q).answer_ids
                }
                out = self.question(q, branches)
        self.memo[memo_key] = out
        return out

    def pad(self, node_id: str, asked: frozenset[str], minimum: int, ranking: list[str], memo: dict[Any, str]) -> str:
        """Make every route from ``node_id`` (reached after ``asked``) ask at least ``minimum`` questions."""
        if len(asked) >= minimum:
            return node_id
        key = (node_id, asked)
        if key in memo:
            return memo[key]
        node = self.nodes[node_id]
        if node.question is None:
            below: set[str] = set()
            chain = [q for q in ranking if q not in asked][: minimum - len(asked)]
            out = node_id
            for q in reversed(chain):
                out = self.question(q, dict.fromkeys(self.base.question(q).answer_ids, out), keep=True)
                below.add(q)
        else:
            branches = {
                a: self.pad(t, asked | {node.question}, minimum, ranking, memo) for a, t in node.branches.items()
            }
            out = self.question(node.question, branches, keep=True)
        memo[key] = out
        return out


def _route_lengths(q: Questionnaire) -> dict[int, int]:
    counts: dict[str, Counter[int]] = {}

    def walk(node_id: str) -> Counter[int]:
        if node_id not in counts:
            node = q.node(node_id)
            out: Counter[int] = Counter()
            if node.question is None:
                out[0] = 1
            else:
                for target in dict.fromkeys(node.branches.values()):
                    for length, n in walk(target).items():
                        out[length + 1] += n
            counts[node_id] = out
        return counts[node_id]

    return dict(sorted(walk(q.start).items()))


def _renumber(nodes: dict[str, Node], start: str) -> tuple[list[Node], str]:
    """Nodes in the order a reader meets them from ``start``: questions q1, q2, ...; leaves leaf_<segment>."""
    order: list[str] = []
    todo = [start]
    seen: set[str] = set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        todo.extend(nodes[current].branches.values())
    names: dict[str, str] = {}
    count = 0
    for old in order:
        node = nodes[old]
        if node.question is None:
            names[old] = f"leaf_{node.segment}"
        else:
            count += 1
            names[old] = f"n{count}"
    leaves = [o for o in order if nodes[o].question is None]
    out = [
        Node(id=names[o], question=nodes[o].question, branches={a: names[t] for a, t in nodes[o].branches.items()})
        for o in order
        if nodes[o].question is not None
    ]
    out += [Node(id=names[o], segment=nodes[o].segment) for o in sorted(leaves, key=lambda o: names[o])]
    return out, names[start]


def build_tree(
    survey: Survey,
    base: Questionnaire,
    *,
    max_questions: int = 8,
    min_questions: int = 1,
    test_share: float = 0.25,
    seed: int = 0,
    min_leaf: int = 5,
    depth: int | None = None,
) -> TreeBuild:
    """Learn the routing from ``survey`` and check it on held-out respondents; questions, segments and advice
    come from ``base``."""
    from sklearn.tree import DecisionTreeClassifier

    if max_questions < 1:
        raise TreeError(f"max_questions must be 1 or more, not {max_questions}")
    if not 1 <= min_questions <= max_questions:
        raise TreeError(f"min_questions must be between 1 and max_questions ({max_questions}), not {min_questions}")
    if not 0 < test_share < 1:
        raise TreeError(f"test_share must be between 0 and 1, not {test_share}")
    if len(survey.questions) < min_questions:
        raise TreeError(
            f"{survey.source}: {len(survey.questions)} question columns cannot fill routes of {min_questions} questions"
        )
    notes: list[str] = []
    features = [(q, a) for q in survey.questions for a in base.question(q).answer_ids]
    position = {f: i for i, f in enumerate(features)}
    x = np.zeros((len(survey), len(features)), dtype=np.uint8)
    for row, given in enumerate(survey.answers):
        for q, a in given.items():
            x[row, position[(q, a)]] = 1
    y = list(survey.segments)
    if len(set(y)) < 2:
        raise TreeError(f"{survey.source}: every respondent is in segment {y[0]!r}; a tree needs two segments or more")
    train, test = _split(y, test_share, seed)
    if len(train) < 2 or len(test) < 1:
        raise TreeError(f"{survey.source}: {len(y)} respondents are too few to hold {test_share:.0%} out")
    y_train = [y[i] for i in train]
    # Splits on answers of a question already asked cost nothing, so the tree may be deeper than max_questions;
    # the conversion stops each route once it has asked max_questions questions.
    fitted = DecisionTreeClassifier(max_depth=depth or 2 * max_questions, min_samples_leaf=min_leaf, random_state=seed)
    fitted.fit(x[train], y_train)
    classes = [str(c) for c in fitted.classes_]

    builder = _Builder(base, features, fitted, classes, max_questions)
    start = builder.convert(0, {})
    importance: dict[str, float] = dict.fromkeys(survey.questions, 0.0)
    for (q, _), weight in zip(features, fitted.feature_importances_, strict=True):
        importance[q] += float(weight)
    ranking = sorted(survey.questions, key=lambda q: (-importance[q], survey.questions.index(q)))
    start = builder.pad(start, frozenset(), min_questions, ranking, {})
    nodes, start = _renumber(builder.nodes, start)

    reached = {n.segment for n in nodes if n.segment is not None}
    dropped = [s.id for s in base.segments if s.id not in reached]
    if dropped:
        notes.append(
            f"No route ends in segment {', '.join(dropped)}: the tree never predicts it, so the learned "
            "questionnaire leaves it out."
        )
    digest = hashlib.sha256(
        "\n".join(
            f"{r}|{s}|" + ",".join(f"{q}={a}" for q, a in sorted(g.items()))
            for r, s, g in zip(survey.respondents, survey.segments, survey.answers, strict=True)
        ).encode()
    ).hexdigest()[:8]
    lengths_probe = parse_questionnaire(
        {
            **base.model_dump(mode="json"),
            "segments": [s.model_dump(mode="json") for s in base.segments if s.id in reached],
            "nodes": [n.model_dump(mode="json") for n in nodes],
            "start": start,
            "min_questions": 1,
            "max_questions": max_questions,
        },
        "learned tree",
    )
    lengths = _route_lengths(lengths_probe)
    data = lengths_probe.model_dump(mode="json")
    data.update(
        name=f"{base.name}, routing learned from a survey",
        version=f"{base.version}+tree-{digest}",
        official=False,
        description=(
            f"Questions, segments and advice from {base.label}; routing learned with a decision tree from "
            f"{len(y):,} survey respondents ({len(train):,} to train, {len(test):,} held out; seed {seed}). "
            "Not an official questionnaire."
        ),
        min_questions=min(lengths),
    )
    learned = parse_questionnaire(data, "learned tree")

    predicted_tree = fitted.predict(x[test])
    correct = 0
    asked = 0
    incomplete = 0
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for i, row in enumerate(test):
        step = next_step(learned, survey.answers[row])
        if step.segment is not None:
            guess = step.segment.id
        else:
            guess = str(predicted_tree[i])
            incomplete += 1
        asked += len(step.path) + (0 if step.segment is not None else 1)
        totals[y[row]] += 1
        if guess == y[row]:
            correct += 1
            hits[y[row]] += 1
    if incomplete:
        notes.append(
            f"{incomplete:,} held-out respondents left a question on their route blank; the tree's own "
            "prediction was used for them."
        )
    majority = Counter(y_train).most_common(1)[0][0]
    baseline = sum(1 for row in test if y[row] == majority) / len(test)
    return TreeBuild(
        questionnaire=learned,
        accuracy=correct / len(test),
        baseline_accuracy=baseline,
        train=len(train),
        test=len(test),
        leaves=int(fitted.get_n_leaves()),
        nodes=len(learned.nodes),
        path_lengths=lengths,
        mean_questions=asked / len(test),
        recall={s: hits[s] / totals[s] for s in sorted(totals)},
        notes=notes,
    )
