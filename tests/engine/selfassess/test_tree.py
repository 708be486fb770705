"""Learning the routing from a survey (synthetic respondents), and reading survey files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sochub.engine.selfassess import (
    Questionnaire,
    SurveyError,
    TreeError,
    build_tree,
    dump_questionnaire,
    load_questionnaire,
    next_step,
    read_survey,
    score,
    survey_from_rows,
    synthetic_survey,
    write_survey,
)


def answers_of(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if k not in {"respondent_id", "segment"}}


@pytest.fixture(scope="module")
def rows(default: Questionnaire) -> list[dict[str, str]]:
    return synthetic_survey(default, 3000, seed=0, noise=0.1)


def test_synthetic_survey_follows_the_default_routing_with_noise(default: Questionnaire) -> None:
    clean = synthetic_survey(default, 400, seed=3, noise=0.0)
    assert all(score(default, answers_of(r)).segment.id == r["segment"] for r in clean)
    noisy = synthetic_survey(default, 400, seed=3, noise=0.3)
    agree = sum(score(default, answers_of(r)).segment.id == r["segment"] for r in noisy) / len(noisy)
    assert 0.3 < agree < 0.9
    assert set(Counter(r["segment"] for r in clean)) == set("ABCDEFGH")
    assert synthetic_survey(default, 5, seed=3) == synthetic_survey(default, 5, seed=3)


def test_build_tree_beats_the_baseline_and_reloads_unchanged(
    default: Questionnaire, rows: list[dict[str, str]], tmp_path: Path
) -> None:
    survey = survey_from_rows(rows, default)
    built = build_tree(survey, default, max_questions=8, seed=0)
    assert built.train == 2250 and built.test == 750
    assert built.baseline_accuracy < 0.25
    assert built.accuracy > 0.7
    # the routing written by hand into the default gets about 0.8 on these respondents: the noise's ceiling
    learned = built.questionnaire
    assert learned.official is False and learned.max_questions == 8
    assert learned.min_questions == min(built.path_lengths) and max(built.path_lengths) <= 8
    assert set(built.recall) == set("ABCDEFGH")
    for path in learned.paths():
        asked = [q for _, q, _ in path[:-1]]
        assert 1 <= len(asked) <= 8 and len(set(asked)) == len(asked)

    file = tmp_path / "learned.yaml"
    file.write_text(dump_questionnaire(learned), encoding="utf-8")
    again = load_questionnaire(file)
    assert again == learned
    held_out = rows[-750:]  # any respondents: both must agree on every one
    for row in held_out:
        assert score(again, answers_of(row)).segment == score(learned, answers_of(row)).segment
    # advice and where to report come from the base questionnaire
    result = score(again, answers_of(rows[0]))
    assert result.report == default.report and set(default.common_advice) <= set(result.advice)


def test_build_tree_respects_the_question_limits(default: Questionnaire, rows: list[dict[str, str]]) -> None:
    survey = survey_from_rows(rows[:1500], default)
    short = build_tree(survey, default, max_questions=3, seed=1)
    assert max(short.path_lengths) <= 3 and short.accuracy > short.baseline_accuracy
    padded = build_tree(survey, default, max_questions=8, min_questions=6, seed=1)
    assert min(padded.path_lengths) >= 6 and padded.questionnaire.min_questions >= 6
    assert max(padded.path_lengths) <= 8
    first = next_step(padded.questionnaire, {})
    assert first.number == 1 and first.up_to <= 8
    with pytest.raises(TreeError, match="min_questions must be between 1 and max_questions"):
        build_tree(survey, default, max_questions=3, min_questions=4)
    with pytest.raises(TreeError, match="test_share"):
        build_tree(survey, default, test_share=1.5)


def test_a_survey_with_blanks_and_few_segments(default: Questionnaire, rows: list[dict[str, str]]) -> None:
    kept = [dict(r) for r in rows if r["segment"] in {"A", "H"}][:600]
    for i, row in enumerate(kept):
        if i % 3 == 0:
            row["ods_backup"] = ""
    built = build_tree(survey_from_rows(kept, default), default, seed=2)
    assert {s.id for s in built.questionnaire.segments} == {"A", "H"}
    assert any("leaves it out" in note for note in built.notes)
    with pytest.raises(TreeError, match="two segments or more"):
        build_tree(survey_from_rows([r for r in kept if r["segment"] == "A"], default), default)


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "survey.csv"
    file.write_text(text, encoding="utf-8")
    return file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "respondent_id,ot_online_use,segment\nr1,daily,A\n,daily,B\n",
            "row 3, column 'respondent_id': the respondent_id is missing",
        ),
        ("respondent_id,ot_online_use,q_what,segment\nr1,daily,x,A\n", "row 1, column 'q_what': unknown question id"),
        (
            "respondent_id,ot_online_use,segment\nr1,daily,A\nr2,hourly,A\n",
            "row 3, column 'ot_online_use': unknown answer id 'hourly'",
        ),
        (
            "respondent_id,ot_online_use,segment\nr1,daily,A\nr2,never,Z\n",
            "row 3, column 'segment': unknown segment 'Z'",
        ),
        ("respondent_id,ot_online_use,segment\nr1,daily,\n", "row 2, column 'segment': the segment is missing"),
        ("ot_online_use,segment\ndaily,A\n", "row 1, column 'respondent_id': the column is missing"),
        ("respondent_id,ot_online_use\nr1,daily\n", "row 1, column 'segment': the column is missing"),
        (
            "respondent_id,ot_online_use,segment\nr1,daily,A\nr1,never,B\n",
            "row 3, column 'respondent_id': respondent 'r1' is already on row 2",
        ),
        ("respondent_id,segment,segment\nr1,A,A\n", "row 1, column 'segment': the column appears twice"),
        ("", "the file is empty"),
    ],
)
def test_bad_survey_files_name_the_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    file = write(tmp_path, text)
    with pytest.raises(SurveyError) as exc:
        read_survey(file)
    assert str(exc.value).startswith(f"{file}: ")
    assert message in str(exc.value)


def test_read_survey_round_trip(default: Questionnaire, rows: list[dict[str, str]], tmp_path: Path) -> None:
    file = write_survey(rows[:50], tmp_path / "s.csv")
    survey = read_survey(file, default)
    assert len(survey) == 50 and survey.respondents[0] == rows[0]["respondent_id"]
    assert survey.answers[0] == answers_of(rows[0]) and survey.segments[0] == rows[0]["segment"]
    assert survey.questions == [q.id for q in default.questions]
