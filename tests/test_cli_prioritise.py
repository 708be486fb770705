"""``sochub prioritise`` in file mode, as a real subprocess: no database is created or needed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.engine.prioritise.graphs import bridge_edges, write_csv
from tests.test_cli import run


@pytest.fixture
def var(tmp_path: Path) -> Path:
    return tmp_path / "never-created"  # file mode must not touch a database


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    edges = [*bridge_edges(), ["007", "Smith, J", 2], ["Smith, J", "G1-1", 1], ["007", "007", 1]]
    return {
        "edges": write_csv(tmp_path / "edges.csv", ["source", "target", "weight"], edges),
        "nodes": write_csv(
            tmp_path / "nodes.csv",
            ["id", "markers", "role"],
            [["BROKER", "", "Victim"], ["007", "firearms", ""], ["G3-1", "", "child"], ["quiet", "", ""]],
        ),
        "offences": write_csv(
            tmp_path / "offences.csv",
            ["id", "date", "offence_type"],
            [
                ["Smith, J", "2024-04-01", "robbery"],
                ["G3-1", "2024-04-02", "homicide"],
                ["G2-2", "01/02/2023", "fraud"],
            ],
        ),
    }


def prioritise(var: Path, *args: str, check: bool = True) -> tuple[int, str, str]:
    out = run(["prioritise", *args], var, check=check)
    return out.returncode, out.stdout, out.stderr


def test_json_on_stdout_with_ids_as_given_and_protected_people_left_out(var: Path, files: dict[str, Path]) -> None:
    code, stdout, stderr = prioritise(
        var,
        *("--edges", str(files["edges"]), "--nodes", str(files["nodes"]), "--offences", str(files["offences"])),
        *("--top", "30", "--format", "json", "--seed", "7", "--draws", "200"),
    )
    rows = json.loads(stdout)
    ids = [row["id"] for row in rows]
    assert code == 0 and "007" in ids and "Smith, J" in ids
    assert "BROKER" not in ids and "G3-1" not in ids and "quiet" not in ids
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert {"id", "rank", "score", "components", "p_top", "rank_interval"} <= set(row)
        assert set(row["components"]) == {"network", "offending", "markers"}
        assert abs(sum(row["components"].values()) - row["score"]) < 1e-9
        assert 0 <= row["p_top"] <= 1 and len(row["rank_interval"]) == 2
    assert "self-loops ignored: 1" in stderr
    assert "protected people (victim, child, vulnerable) never ranked: 2" in stderr
    assert "people scoring 0, not listed (due a retention review): 1" in stderr
    assert not var.exists()


def test_edges_alone_rank_the_broker_first_and_the_seed_repeats(var: Path, tmp_path: Path) -> None:
    edges = write_csv(tmp_path / "e.csv", ["source", "target"], [[a, b] for a, b, _ in bridge_edges()])
    args = ("--edges", str(edges), "--top", "5", "--format", "json", "--draws", "100")
    _, first, _ = prioritise(var, *args, "--seed", "3")
    _, again, _ = prioritise(var, *args, "--seed", "3")
    _, other, stderr = prioritise(var, *args)
    assert first == again and json.loads(first)[0]["id"] == "BROKER"
    assert all(0 <= row["p_top"] <= 1 for row in json.loads(other))
    assert "seed " in stderr  # a random seed is shown so the run can be repeated


def test_table_csv_and_out_file(var: Path, files: dict[str, Path], tmp_path: Path) -> None:
    _, table, _ = prioritise(var, "--edges", str(files["edges"]), "--top", "3", "--seed", "1", "--draws", "20")
    assert table.splitlines()[0].split()[:4] == ["rank", "id", "score", "p_top"] and len(table.splitlines()) == 4
    out = tmp_path / "out" / "top.csv"
    _, stdout, stderr = prioritise(
        var, "--edges", str(files["edges"]), "--top", "3", "--format", "csv", "--out", str(out), "--seed", "1"
    )
    assert stdout == "" and f"Wrote {out}" in stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["rank"] for r in rows] == ["1", "2", "3"] and rows[0]["network"] == rows[0]["score"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("edges.csv", "", "edges.csv: the file is empty"),
        ("edges.csv", "from,to\na,b\n", "edges.csv, row 1: missing columns 'source', 'target'"),
        (
            "edges.csv",
            "source,target,weight\na,b,1\nb,c,two\n",
            "edges.csv, row 3, column 'weight': 'two' is not a number",
        ),
        ("nodes.csv", "id,role\na,\na,victim\n", "nodes.csv, row 3, column 'id'"),
        ("offences.csv", "id,date,offence_type\na,last week,robbery\n", "offences.csv, row 2, column 'date'"),
    ],
)
def test_bad_files_exit_2_naming_file_row_and_column(
    var: Path, files: dict[str, Path], tmp_path: Path, name: str, text: str, message: str
) -> None:
    bad = tmp_path / "bad" / name
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    chosen = {**files, name.removesuffix(".csv"): bad}
    code, stdout, stderr = prioritise(
        var,
        "--edges",
        str(chosen["edges"]),
        "--nodes",
        str(chosen["nodes"]),
        "--offences",
        str(chosen["offences"]),
        check=False,
    )
    assert code == 2 and stdout == "" and message in stderr, stderr


def test_bad_options_are_refused_before_any_database_is_touched(var: Path, files: dict[str, Path]) -> None:
    code, _, stderr = prioritise(var, "--top", "20", check=False)
    assert code == 2 and "database mode needs --as USER and --purpose" in stderr and "--edges" in stderr
    assert not var.exists()
    code, _, stderr = prioritise(var, "--edges", str(files["edges"]), "--top", "0", check=False)
    assert code == 2 and "must be 1 or more" in stderr
    code, _, stderr = prioritise(var, "--edges", str(files["edges"]), "--model", "/nonexistent.yaml", check=False)
    assert code == 2 and "cannot read the model" in stderr


# Database mode -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("var")
    run(["migrate"], path)
    run(["demo", "--nominals", "1500", "--seed", "5"], path)
    return path


def test_database_mode_ranks_what_the_user_may_see_and_stores_the_run(demo_var: Path, tmp_path: Path) -> None:
    why = ("--purpose", "Operation Liberal: monthly tasking meeting")
    code, stdout, stderr = prioritise(demo_var, "--as", "analyst", *why, "--format", "json", "--seed", "3")
    rows = json.loads(stdout)
    assert code == 0 and len(rows) == 20 and [r["rank"] for r in rows] == list(range(1, 21))
    assert all(r["name"] and r["explanation"] and 0 <= r["p_top"] <= 1 for r in rows)
    assert "never ranked" in stderr and "Run " in stderr
    # The same seed gives the same list; CSV names are escaped against formula injection.
    _, again, _ = prioritise(demo_var, "--as", "analyst", *why, "--format", "json", "--seed", "3")
    assert [r["id"] for r in json.loads(again)] == [r["id"] for r in rows]
    out = tmp_path / "top.csv"
    prioritise(demo_var, "--as", "analyst", *why, "--format", "csv", "--out", str(out), "--draws", "50")
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(table) == 20 and {"rank", "id", "name", "score", "p_top", "offending", "network"} <= set(table[0])


def test_database_mode_refuses_without_a_purpose_or_for_the_wrong_role(demo_var: Path) -> None:
    code, _, stderr = prioritise(demo_var, "--as", "analyst", check=False)
    assert code == 2 and "--purpose" in stderr
    code, _, stderr = prioritise(demo_var, "--as", "officer", "--purpose", "curious", check=False)
    assert code == 2 and "analysts and coordinators" in stderr
