"""The shipped questionnaire, its validation, and walking its routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.selfassess import (
    AnswerError,
    IncompleteError,
    Questionnaire,
    QuestionnaireError,
    dump_questionnaire,
    fingerprint,
    load_questionnaire,
    most_questions_left,
    next_step,
    parse_questionnaire,
    score,
)

from .conftest import node

AREAS = {
    "online_payment",
    "online_data_stolen",
    "online_tricked",
    "offline_payment",
    "offline_data_stolen",
    "offline_tricked",
}

CAREFUL = {
    "ot_online_use": "daily",
    "ot_links": "ignore_and_check",
    "ods_passwords": "no",
    "ods_2sv": "yes",
    "ft_cold_calls": "hang_up",
    "fp_doorstep": "send_away",
    "op_investment": "no",
}
OFFLINE_ALONE = [
    ("ot_online_use", "never"),
    ("ft_cold_calls", "talk"),
    ("ft_lives_alone", "yes"),
    ("ft_someone_to_ask", "no"),
    ("ft_call_blocker", "no"),
    ("fp_charity", "give_cash"),
    ("fp_cash_courier", "unsure"),
]


def test_the_shipped_questionnaire_is_soc_hubs_own_default(default: Questionnaire) -> None:
    assert default.official is False
    assert "SOC Hub" in default.name and "not the Home Office" in default.description
    assert len(default.questions) >= 30
    assert set(default.areas) == AREAS
    assert {q.area for q in default.questions} == AREAS
    assert [s.id for s in default.segments] == list("ABCDEFGH")
    assert default.segment("A").name == "Already protected"
    assert default.segment("H").name == "Unaware"
    assert not default.segment("A").vulnerable and default.segment("H").vulnerable
    for question in default.questions:
        assert 2 <= len(question.answers) <= 5
    for segment in default.segments:
        assert segment.meaning and segment.advice


def test_every_route_asks_five_to_eight_questions_never_twice(default: Questionnaire) -> None:
    paths = list(default.paths())
    assert len(paths) > 100
    ends = set()
    for path in paths:
        asked = [question for _, question, _ in path[:-1]]
        assert 5 <= len(asked) <= 8, path
        assert len(set(asked)) == len(asked), path
        ends.add(path[-1][2])
    assert ends == set("ABCDEFGH")
    assert {len(p) - 1 for p in paths} == {5, 6, 7, 8}
    assert {n.question for n in default.nodes if n.question} == {q.id for q in default.questions}


def test_different_answers_take_different_routes_to_different_segments(default: Questionnaire) -> None:
    careful = score(default, CAREFUL)
    alone = score(default, OFFLINE_ALONE)
    assert careful.segment.id == "A" and careful.segment.name == "Already protected"
    assert alone.segment.id == "H"
    assert careful.path != alone.path
    assert [q for q, _ in careful.path] == list(CAREFUL)
    assert len(alone.path) == 7
    # one answer changed early sends the person elsewhere
    other = score(default, {**CAREFUL, "ft_cold_calls": "talk", "ft_caller_check": "call_back"})
    assert other.segment.id == "C" and len(other.path) == 6


def test_every_result_gives_the_common_advice_and_where_to_report(default: Questionnaire) -> None:
    common = [
        "Never send money to anyone you don't know or trust.",
        "Check people are who they say they are.",
        "Don't share personal information",
        "Make decisions in your own time.",
        "If in doubt, phone a relative or friend",
    ]
    seen = set()
    for path in default.paths():
        answers = [(q, a) for _, q, a in path[:-1]]
        result = score(default, answers)
        seen.add(result.segment.id)
        for line in common:
            assert any(advice.startswith(line) for advice in result.advice), line
        assert result.advice[: len(result.segment.advice)] == result.segment.advice
        assert len(result.advice) == len(set(result.advice))
        text = " ".join(result.report)
        assert "Action Fraud" in text and "0300 123 2040" in text and "actionfraud.police.uk" in text
        assert "101" in text and "999" in text
    assert seen == set("ABCDEFGH")


def test_result_as_dict(default: Questionnaire) -> None:
    out = score(default, CAREFUL).as_dict()
    assert out["segment"]["id"] == "A" and out["official"] is False
    assert out["questionnaire"] == f"{default.name} {default.version}"
    assert out["fingerprint"] == fingerprint(default)
    assert out["path"][0] == {
        "question": "ot_online_use",
        "answer": "daily",
        "question_text": "How often do you use the internet?",
        "answer_text": "Every day or most days",
    }


def test_next_step_counts_questions_and_ignores_answers_off_the_route(default: Questionnaire) -> None:
    first = next_step(default, {})
    assert first.question is not None and first.question.id == "ot_online_use"
    assert first.number == 1 and first.up_to == 8 and first.path == []
    assert most_questions_left(default, default.start) == 8
    # an answer from another route (the person went back and changed their first answer) is ignored
    step = next_step(default, {"ot_online_use": "never", "ot_links": "click", "ft_cold_calls": "hang_up"})
    assert step.question is not None and step.question.id == "ft_caller_check"
    assert step.number == 3
    assert step.path == [("ot_online_use", "never"), ("ft_cold_calls", "hang_up")]
    assert 5 <= step.up_to <= 8
    # a list of pairs: the later answer to the same question wins
    again = next_step(default, [("ot_online_use", "daily"), ("ot_online_use", "never"), ("ft_cold_calls", "hang_up")])
    assert again.path == step.path
    done = next_step(default, CAREFUL)
    assert done.finished and done.segment is not None and done.segment.id == "A" and done.number == 7
    assert most_questions_left(default, done.node) == 0


def test_unknown_ids_and_incomplete_answers_are_refused(default: Questionnaire) -> None:
    with pytest.raises(AnswerError, match="ot_links") as bad_answer:
        next_step(default, {"ot_online_use": "daily", "ot_links": "maybe"})
    assert bad_answer.value.question_id == "ot_links"
    with pytest.raises(AnswerError, match="no question 'q_nope'"):
        next_step(default, {"q_nope": "yes"})
    with pytest.raises(IncompleteError, match="ods_passwords") as incomplete:
        score(default, {"ot_online_use": "daily", "ot_links": "ignore_and_check"})
    assert incomplete.value.question_id == "ods_passwords" and incomplete.value.number == 3


def test_dump_and_fingerprint_round_trip(default: Questionnaire, tmp_path: Path) -> None:
    file = tmp_path / "copy.yaml"
    file.write_text(dump_questionnaire(default, header="a copy"), encoding="utf-8")
    assert file.read_text(encoding="utf-8").startswith("# a copy\n")
    again = load_questionnaire(file)
    assert again == default and fingerprint(again) == fingerprint(default)


# --- hostile and invalid files ---------------------------------------------------------------------------


def refused(data: Any, tmp_path: Path) -> str:
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(file)
    message = str(exc.value)
    assert message.startswith(str(file))
    return message


def test_unknown_branch_target(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "n_pw")["branches"]["some"] = "n_nowhere"
    assert "nodes.n_pw.branches.some: unknown node 'n_nowhere'" in refused(raw, tmp_path)


def test_missing_answer_in_branches(raw: dict[str, Any], tmp_path: Path) -> None:
    del node(raw, "n_2sv")["branches"]["dont_know"]
    assert "nodes.n_2sv.branches: no branch for answer 'dont_know'" in refused(raw, tmp_path)


def test_branch_for_an_answer_the_question_does_not_have(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "n_pw")["branches"]["perhaps"] = "n_2sv"
    assert "nodes.n_pw.branches.perhaps: 'perhaps' is not an answer" in refused(raw, tmp_path)


def test_question_repeated_on_a_route(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "n_invest_a")["question"] = "ods_passwords"
    node(raw, "n_invest_a")["branches"] = {"no": "leaf_A", "some": "leaf_D", "most": "leaf_D"}
    message = refused(raw, tmp_path)
    assert (
        "nodes.n_pw: question 'ods_passwords' can be asked twice on one route (again at node 'n_invest_a')" in message
    )


def test_route_too_long(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["max_questions"] = 7
    message = refused(raw, tmp_path)
    assert "max_questions: a route asks 8 questions, more than 7 (n_use -> " in message


def test_route_too_short(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "n_2sv")["branches"]["yes"] = "leaf_A"
    assert "min_questions: a route asks only 4 questions, fewer than 5" in refused(raw, tmp_path)


def test_cycle(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "n_2sv")["branches"]["some"] = "n_link"
    message = refused(raw, tmp_path)
    assert "nodes.n_2sv.branches: the routing loops back (n_link -> n_pw -> n_2sv -> n_link)" in message


def test_unknown_segment_unreachable_node_and_unreached_segment(raw: dict[str, Any], tmp_path: Path) -> None:
    node(raw, "leaf_F")["segment"] = "Z"
    raw["nodes"].append({"id": "n_orphan", "question": "op_advance_fee", "branches": {"no": "leaf_A", "yes": "leaf_B"}})
    message = refused(raw, tmp_path)
    assert "nodes.leaf_F.segment: unknown segment 'Z'" in message
    node(raw, "leaf_F")["segment"] = "A"
    message = refused(raw, tmp_path)
    assert "nodes.n_orphan: no route from start ('n_use') reaches this node" in message
    assert "segments.F: no route from start ends in this segment" in message


def test_schema_errors_name_the_key(raw: dict[str, Any], tmp_path: Path) -> None:
    question = next(q for q in raw["questions"] if q["id"] == "op_deal")
    question["answers"] = question["answers"][:1]
    raw["segments"][0]["colour"] = "green"
    del raw["start"]
    message = refused(raw, tmp_path)
    assert "questions.op_deal.answers: List should have at least 2 items" in message
    assert "segments.A.colour: not a setting here" in message
    assert "start: this setting is missing" in message


def test_duplicate_ids_and_unknown_area(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["questions"].append(dict(raw["questions"][0]))
    raw["questions"][1]["area"] = "space"
    message = refused(raw, tmp_path)
    assert "questions.op_pay_method: the id 'op_pay_method' is used twice" in message
    assert "questions.op_deal.area: unknown area 'space'" in message


def test_not_yaml_a_key_twice_and_not_a_mapping(tmp_path: Path) -> None:
    file = tmp_path / "q.yaml"
    file.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"q.yaml: not valid YAML: line 2, column 1: the key 'name' appears"):
        load_questionnaire(file)
    file.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="expected a mapping"):
        load_questionnaire(file)
    file.write_text("!!python/object:os.system {}\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="not valid YAML"):
        load_questionnaire(file)
    with pytest.raises(QuestionnaireError, match="cannot read"):
        load_questionnaire(tmp_path / "missing.yaml")


def test_parse_questionnaire_names_its_source(raw: dict[str, Any]) -> None:
    raw["min_questions"] = 9
    with pytest.raises(QuestionnaireError, match=r"^partner file: min_questions: 9 is more than max_questions 8"):
        parse_questionnaire(raw, "partner file")
