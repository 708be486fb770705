from __future__ import annotations

from pathlib import Path

import pandas as pd

from sochub.engine.linkage import evaluate, link_files

from .people import make_people


def test_link_two_files_end_to_end(tmp_path: Path) -> None:
    people = make_people(1600, seed=3)
    people = people.rename(columns={"unique_id": "record_id", "first_name": "Forename", "dob": "date_of_birth"})
    half = len(people) // 2
    a, b = people.iloc[:half].copy(), people.iloc[half:].copy()
    b["record_id"] = [f"{i}" for i in range(len(b))]  # ids only unique within a file
    a.drop(columns="entity_id").to_csv(tmp_path / "police.csv", index=False)
    b.drop(columns="entity_id").to_csv(tmp_path / "council.csv", index=False)
    progress: list[str] = []
    summary = link_files(
        [tmp_path / "police.csv", tmp_path / "council.csv"],
        out=tmp_path / "out.csv",
        progress=lambda stage, done, total: progress.append(stage),
    )
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns) == ["record_id", "source", "cluster_id", "match_probability"]
    assert len(out) == len(people) and summary["records"] == len(people)
    assert set(out["source"]) == {"police", "council"}
    assert summary["clusters"] < len(people) and progress
    truth = pd.DataFrame(
        {
            "record_id": people["record_id"],
            "source": ["police"] * half + ["council"] * (len(b)),
            "entity_id": people["entity_id"].astype(str),
        }
    )
    assert evaluate(out, truth).f1 > 0.9


def test_link_one_file_dedupes(tmp_path: Path) -> None:
    people = make_people(800, seed=4).rename(columns={"unique_id": "record_id"})
    people.drop(columns="entity_id").to_parquet(tmp_path / "one.parquet")
    summary = link_files([tmp_path / "one.parquet"], out=tmp_path / "o.csv")
    out = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert list(out.columns) == ["record_id", "cluster_id", "match_probability"]
    assert summary["records"] == len(people) and (out["match_probability"] == "").any()
