"""The survey engine: definitions checked with clear messages, answers checked per kind, results and CSV."""

from __future__ import annotations

from sochub.engine import surveys as engine
from sochub.engine.surveys import Question


def q(key: str, kind: str, text: str = "How many?", **kw: object) -> Question:
    return Question(key=key, text=text, kind=kind, **kw)  # type: ignore[arg-type]


def messages(problems: list[engine.Problem]) -> list[str]:
    return [p.message for p in problems]


def test_a_sound_definition_has_no_problems() -> None:
    questions = [
        q("1", "single", "Policy?", options=("Yes", "No"), required=True),
        q("2", "number", "How many?", min_value=0),
        q("3", "scale", "How well?", min_value=1, max_value=5),
        q("4", "multiple", "Which?", options=("A", "B", "C")),
        q("5", "text", "Anything else?"),
    ]
    assert engine.check_definition("Force data 2026", "", questions) == []


def test_definition_errors_name_the_question_and_say_what_to_do() -> None:
    problems = engine.check_definition(
        "  ",
        "",
        [
            q("1", "single", "Policy?", options=("Yes",)),
            q("2", "multiple", "Which?", options=("A", "a")),
            q("3", "scale", "How well?", min_value=5, max_value=1),
            q("4", "number", "How many?", min_value=10, max_value=2),
            q("5", "text", "", options=("x", "y")),
            q("6", "colour", "Favourite?"),
            q("7", "single", "Policy?", options=("Yes", "No")),
            q("8", "scale", "Out of 100?", min_value=0, max_value=100),
        ],
    )
    text = messages(problems)
    assert "Enter a title for the survey" in text
    assert "Question 1: a choice question needs at least 2 options, one a line" in text
    assert "Question 2: the option 'a' is given twice" in text
    assert "Question 3: the highest point of the scale must be above the lowest" in text
    assert "Question 4: the lowest allowed number must not be above the highest" in text
    assert "Question 5: enter the question" in text
    assert "Question 5: only choice questions have options; leave the options empty" in text
    assert any(m.startswith("Question 6: choose the kind of question") for m in text)
    assert "Question 7: the same question is already question 1" in text
    assert "Question 8: the scale's points must be between 0 and 10" in text
    assert {p.question for p in problems if p.question} == {1, 2, 3, 4, 5, 6, 7, 8}
    assert engine.check_ready([]) and not engine.check_ready([q("1", "text")])


def test_answers_are_checked_against_their_question() -> None:
    questions = [
        q("1", "single", "Policy?", options=("Yes", "No"), required=True),
        q("2", "number", "How many?", min_value=0, max_value=1000, required=True),
        q("3", "scale", "How well?", min_value=1, max_value=5),
        q("4", "multiple", "Which?", options=("A", "B", "C")),
        q("5", "text", "Anything else?"),
    ]
    kept, problems = engine.check_answers(
        questions, {"1": "Yes", "2": "12", "3": "4", "4": ["C", "A"], "5": " <b>x</b> ", "99": "ignored"}, final=True
    )
    assert problems == []
    assert kept == {"1": "Yes", "2": 12, "3": 4, "4": ["A", "C"], "5": "<b>x</b>"}
    _, bad = engine.check_answers(
        questions, {"1": "Maybe", "2": "-1", "3": "9", "4": ["D"], "5": "x" * 5000}, final=False
    )
    assert messages(bad) == [
        "Question 1: choose one of the options given",
        "Question 2: enter a number of 0 or more",
        "Question 3: choose a point on the scale from 1 to 5",
        "Question 4: choose only from the options given",
        "Question 5: the answer must be 4000 characters or fewer",
    ]
    for hostile in ("NaN", "inf", "1e400", True, "12abc"):
        _, nope = engine.check_answers(questions, {"2": hostile}, final=False)
        assert [p.field for p in nope] == ["2"], hostile
    # A draft may leave required questions empty; submitting may not
    assert engine.check_answers(questions, {}, final=False) == ({}, [])
    _, missing = engine.check_answers(questions, {"3": ""}, final=True)
    assert [p.field for p in missing] == ["1", "2"]


def test_results_count_every_option_and_figure_numbers() -> None:
    questions = [
        q("1", "single", "Policy?", options=("Yes", "In draft", "No")),
        q("2", "number", "How many?"),
        q("3", "multiple", "Which?", options=("A", "B")),
        q("4", "scale", "How well?", min_value=1, max_value=3),
        q("5", "text", "Else?"),
    ]
    results = engine.aggregate(
        questions,
        [
            ("GMP", {"1": "Yes", "2": 150, "3": ["A", "B"], "4": 3, "5": "More funding"}),
            ("Merseyside", {"1": "In draft", "2": 70, "3": ["A"], "4": 3}),
        ],
    )
    assert results[0].counts == [("Yes", 1), ("In draft", 1), ("No", 0)]
    assert results[1].figures["total"] == 220 and results[1].figures["mean"] == 110
    assert results[2].counts == [("A", 2), ("B", 1)]
    assert results[3].counts == [("1", 0), ("2", 0), ("3", 2)]
    assert results[4].texts == [("GMP", "More funding")] and results[4].answered == 1
    chart = engine.bar_chart("c1", "Which?", results[2].counts)
    assert [r.count for r in chart.rows] == [2, 1]
    assert chart.rows[0].width == 2 * chart.rows[1].width > 0
    assert chart.desc == "A: 2; B: 1"


def test_csv_escapes_formulas_and_joins_choices() -> None:
    questions = [q("1", "text", "=Else?"), q("2", "multiple", "Which?", options=("A", "B"))]
    header, rows = engine.csv_table(questions, [({"Agency": "=HYPERLINK()"}, {"1": "@SUM(A1)", "2": ["A", "B"]})])
    assert header == ["Agency", "Q1. =Else?", "Q2. Which?"]
    assert rows == [["'=HYPERLINK()", "'@SUM(A1)", "A; B"]]


def test_response_rate_by_group() -> None:
    rows, overall = engine.response_rate([("Police", True), ("Police", False), ("Council", True)])
    assert [(r.group, r.invited, r.responded, r.percent) for r in rows] == [
        ("Council", 1, 1, 100.0),
        ("Police", 2, 1, 50.0),
    ]
    assert (overall.invited, overall.responded) == (3, 2)
