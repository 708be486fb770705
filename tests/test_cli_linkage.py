"""``sochub import``, ``resolve``, ``link`` and ``link-evaluate`` as real subprocesses."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from sochub.engine.linkage.spark import java_available
from sochub.linkage.demo_files import GMP_MAPPING, MERSEY_MAPPING, PartnerFiles, write_partner_files
from tests.test_cli import run

WHY = ["--purpose", "Operation Kestrel: North West partner records"]
COLUMNS = (("First name", "Forename"), ("Surname", "Family name"), ("Date of birth", "DOB"), ("Postcode", "Post Code"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> PartnerFiles:
    return write_partner_files(tmp_path_factory.mktemp("files"), people=160, shared=60)


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("var")
    run(["migrate"], path)
    run(["createuser", "boss", "--agency", "nca", "--role", "system_admin", "--vetting", "SC"], path)
    run(
        [
            "createuser",
            "nwcoord",
            "--agency",
            "nwrocu",
            "--role",
            "coordinator",
            "--role",
            "analyst",
            "--region",
            "north-west",
            "--vetting",
            "NPPV3",
            "--as",
            "boss",
        ],
        path,
    )
    return path


def import_nominals(var: Path, path: Path, mapping: Path, *, agency: str = "nwrocu", user: str = "nwcoord") -> Any:
    args = ["import", "nominals", str(path), "--agency", agency, "--mapping", str(mapping), "--as", user, *WHY]
    return run(args, var)


def test_import_then_resolve(var: Path, files: PartnerFiles, tmp_path: Path) -> None:
    gmp_map, mersey_map = tmp_path / "gmp.yaml", tmp_path / "mersey.yaml"
    gmp_map.write_text(GMP_MAPPING)
    mersey_map.write_text(MERSEY_MAPPING)
    out = import_nominals(var, files.gmp, gmp_map)
    assert "3 rejected" in out.stdout and "Rejected rows, with the reason for each" in out.stdout
    rejects = Path(out.stdout.split("reason for each: ")[1].splitlines()[0])
    assert rejects.exists() and "rejection_reasons" in rejects.read_text()
    again = import_nominals(var, files.gmp, gmp_map)
    assert " 0 landed" in again.stdout and "0 changed" in again.stdout
    import_nominals(var, files.mersey, mersey_map)
    resolved = run(["resolve", "--as", "nwcoord", *WHY], var)
    assert "merges:" in resolved.stdout
    merges = int(resolved.stdout.split("merges:")[1].split()[0].replace(",", ""))
    assert merges >= 40


def test_import_refuses_with_a_clear_reason(var: Path, files: PartnerFiles) -> None:
    wrong = run(["import", "nominals", str(files.gmp), "--agency", "hmrc", "--as", "nwcoord", *WHY], var, check=False)
    assert wrong.returncode == 2 and "may not import" in wrong.stderr
    missing = run(
        ["import", "nominals", "/nonexistent.csv", "--agency", "nwrocu", "--as", "nwcoord", *WHY], var, check=False
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_link_and_evaluate_files_without_a_database(files: PartnerFiles, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    inputs = []
    for path, source, enc, delim in ((files.gmp, "gmp", "utf-8", ","), (files.mersey, "merseyside", "cp1252", ";")):
        with path.open(encoding=enc, newline="") as f:
            rows = list(csv.DictReader(f, delimiter=delim))
        target = tmp_path / f"{source}.csv"
        key = "Record ID" if source == "gmp" else "Ref"
        with target.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["record_id", "first_name", "surname", "dob", "postcode"])
            for r in rows:
                w.writerow([r[key], *(r.get(a, r.get(b)) for a, b in COLUMNS)])
        inputs.append(str(target))
    with truth.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["record_id", "entity_id"])
        for k, person in files.truth.items():
            w.writerow([k.split(":", 1)[1], person])
    clusters = tmp_path / "clusters.csv"
    out = run(["link", *inputs, "--out", str(clusters)], tmp_path / "novar")
    assert "Wrote" in out.stdout and not (tmp_path / "novar").exists()
    with clusters.open() as f:
        rows = list(csv.DictReader(f))
    assert {"record_id", "cluster_id", "match_probability"} <= set(rows[0])
    assert len(rows) == len(files.truth)
    evaluated = run(
        ["link-evaluate", "--clusters", str(clusters), "--truth", str(truth), "--out-dir", str(tmp_path)],
        tmp_path / "novar",
    )
    f1 = float(evaluated.stdout.split("F1 ")[1].split()[0])
    assert f1 >= 0.85
    assert (tmp_path / "false_negatives.csv").exists()
    if not java_available():
        pytest.skip("no Java runtime: the Spark engine cannot start")
    on_spark = tmp_path / "spark.csv"
    run(["link", *inputs, "--out", str(on_spark), "--engine", "spark"], tmp_path / "novar")
    assert _clusters_of(on_spark) == _clusters_of(clusters)


def _clusters_of(path: Path) -> set[frozenset[tuple[str, str]]]:
    """The clusters as sets of (source, record id), whatever their ids."""
    groups: dict[str, set[tuple[str, str]]] = {}
    with path.open() as f:
        for r in csv.DictReader(f):
            groups.setdefault(r["cluster_id"], set()).add((r["source"], r["record_id"]))
    return {frozenset(g) for g in groups.values()}


def test_link_help_states_the_engine_default_threshold() -> None:
    from sochub.cli import LINK_DEFAULT_THRESHOLD
    from sochub.engine.linkage import DEFAULT_THRESHOLD

    assert LINK_DEFAULT_THRESHOLD == DEFAULT_THRESHOLD
    out = run(["link", "--help"], Path("/nonexistent"))
    assert f"default: {DEFAULT_THRESHOLD}" in out.stdout.replace("\n", " ").replace("  ", " ")


def test_demo_resolves_its_world_and_leaves_files_to_practise_on(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    run(["migrate"], var)
    out = run(["demo", "--nominals", "1000"], var)
    assert "source records for resolution" in out.stdout and "pairs waiting for review" in out.stdout
    merged = int(out.stdout.split("nominals merged by resolution:")[1].split()[0].replace(",", ""))
    assert merged > 0
    # The partnership month: DWP's question answered by GMP and GMP's to HMRC, two nights of action.
    for line in (
        "information requests: 2",
        "problem premises: 2",
        "joint operations: 2",
        "disruptions: 1",
        "referrals: 40",
        "intimidation cases: 3",
        "bulletin editions: 2",
    ):
        assert line in out.stdout, out.stdout
    for user in ("investigator_dwp", "supervisor_dwp", "licensing", "trading_standards"):
        assert f"  {user} " in out.stdout
    practice = var / "demo-files"
    imported = import_nominals(
        var, practice / "gmp-nominals.csv", practice / "gmp-mapping.yaml", agency="gmp", user="analyst"
    )
    assert "3 rejected" in imported.stdout
