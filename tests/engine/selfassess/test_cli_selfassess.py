"""``sochub selfassess`` score and build-tree, called in process (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sochub.cli import main
from sochub.engine.selfassess import load_questionnaire, synthetic_survey, write_survey


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def answers_file(tmp_path: Path, data: object) -> Path:
    file = tmp_path / "answers.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


CAREFUL = {
    "op_investment": "no",
    "ot_online_use": "daily",
    "ot_links": "ignore_and_check",
    "ods_passwords": "no",
    "ods_2sv": "yes",
    "ft_cold_calls": "hang_up",
    "fp_doorstep": "send_away",
    "ft_lives_alone": "yes",  # off the route: ignored
}


def test_score_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["selfassess", "score", str(answers_file(tmp_path, {"answers": CAREFUL}))], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["segment"]["id"] == "A" and result["segment"]["name"] == "Already protected"
    assert len(result["path"]) == 7 and result["official"] is False
    assert "Never send money to anyone you don't know or trust." in result["advice"]
    assert any("0300 123 2040" in line for line in result["report"])
    pairs = [
        ["ot_online_use", "never"],
        ["ft_cold_calls", "talk"],
        ["ft_lives_alone", "no"],
        ["ft_pressure", "pressured"],
        ["fp_lottery_letter", "pay"],
    ]
    code, out, _ = run(["selfassess", "score", str(answers_file(tmp_path, pairs))], capsys)
    assert code == 0 and json.loads(out)["segment"]["id"] == "D"


def test_score_refuses_incomplete_and_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = answers_file(tmp_path, {"answers": {"ot_online_use": "daily"}})
    code, out, err = run(["selfassess", "score", str(file)], capsys)
    assert code == 2 and out == ""
    assert "question 2 ('ot_links'" in err and "needed next" in err
    code, _, err = run(
        ["selfassess", "score", str(answers_file(tmp_path, {"answers": {"ot_online_use": "hourly"}}))], capsys
    )
    assert code == 2 and "'hourly' is not an answer to question 'ot_online_use'" in err
    code, _, err = run(["selfassess", "score", str(answers_file(tmp_path, {"answers": {"q_x": "yes"}}))], capsys)
    assert code == 2 and "no question 'q_x'" in err
    code, _, err = run(["selfassess", "score", str(answers_file(tmp_path, {"answers": 3}))], capsys)
    assert code == 2 and "expected" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    code, _, err = run(["selfassess", "score", str(bad)], capsys)
    assert code == 2 and "bad.json: not a JSON file" in err


def test_score_with_another_questionnaire(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "q.yaml"
    broken.write_text("name: x\n", encoding="utf-8")
    code, _, err = run(
        ["selfassess", "score", str(answers_file(tmp_path, {"answers": {}})), "--questionnaire", str(broken)], capsys
    )
    assert code == 2 and "q.yaml: " in err and "version: this setting is missing" in err


def test_build_tree_writes_a_questionnaire_that_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = synthetic_survey(load_questionnaire(), 1200, seed=4, noise=0.1)
    survey = write_survey(rows, tmp_path / "survey.csv")
    out = tmp_path / "learned.yaml"
    code, stdout, err = run(
        [
            "selfassess",
            "build-tree",
            str(survey),
            "--max-questions",
            "6",
            "--min-questions",
            "2",
            "--out",
            str(out),
            "--seed",
            "3",
            "--test-share",
            "0.3",
        ],
        capsys,
    )
    assert code == 0, err
    assert "Held-out accuracy" in stdout and "majority baseline" in stdout and "on 360 respondents" in stdout
    learned = load_questionnaire(out)
    assert learned.max_questions == 6 and learned.min_questions >= 2 and not learned.official
    assert out.read_text(encoding="utf-8").startswith("# Learned by sochub selfassess build-tree")
    answers = {k: v for k, v in rows[0].items() if k not in {"respondent_id", "segment"}}
    code, stdout, _ = run(
        ["selfassess", "score", str(answers_file(tmp_path, {"answers": answers})), "--questionnaire", str(out)], capsys
    )
    assert code == 0 and json.loads(stdout)["questionnaire"] == f"{learned.name} {learned.version}"


def test_build_tree_refuses_a_bad_survey(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "respondent_id,ot_online_use,ot_links,segment\nr1,daily,click,A\nr2,daily,maybe,B\n", encoding="utf-8"
    )
    out = tmp_path / "learned.yaml"
    code, _, err = run(["selfassess", "build-tree", str(survey), "--out", str(out)], capsys)
    assert code == 2 and not out.exists()
    assert f"{survey}: row 3, column 'ot_links': unknown answer id 'maybe'" in err
    survey.write_text("ot_online_use,segment\ndaily,A\n", encoding="utf-8")
    code, _, err = run(["selfassess", "build-tree", str(survey), "--out", str(out)], capsys)
    assert code == 2 and "column 'respondent_id': the column is missing" in err
