from __future__ import annotations

import pandas as pd
import pytest

from sochub.engine.linkage import (
    DEFAULT_THRESHOLD,
    FAMILY_CAP,
    LinkageModel,
    cluster,
    contributions,
    evaluate,
    predict,
    prepare,
)


def _score(people: pd.DataFrame, model: LinkageModel, extra: list[dict[str, str]]) -> pd.DataFrame:
    """Score planted records alongside the background people (realistic term frequencies)."""
    frame = pd.concat([people.drop(columns="entity_id"), pd.DataFrame(extra)], ignore_index=True)
    return predict(prepare(frame), model, threshold=0.0)


def _prob(pairs: pd.DataFrame, a: str, b: str) -> float:
    forward = (pairs.unique_id_l == a) & (pairs.unique_id_r == b)
    hit = pairs[forward | ((pairs.unique_id_l == b) & (pairs.unique_id_r == a))]
    assert len(hit) == 1, f"pair {a}-{b} was not compared"
    return float(hit["match_probability"].iloc[0])


def test_finds_planted_duplicates(people: pd.DataFrame, records: pd.DataFrame, model: LinkageModel) -> None:
    pairs = predict(records, model, threshold=0.5)
    assert set(pairs.columns) >= {"unique_id_l", "unique_id_r", "match_probability", "match_weight"}
    clusters = cluster(records["unique_id"], pairs, threshold=DEFAULT_THRESHOLD)
    assert len(clusters) == len(records) and clusters["unique_id"].is_unique
    result = evaluate(clusters, people[["unique_id", "entity_id"]])
    assert result.precision > 0.95
    assert result.recall > 0.85
    assert result.f1 > 0.9


def test_model_round_trips_through_json(model: LinkageModel) -> None:
    again = LinkageModel.from_json(model.to_json())
    assert again.settings == model.settings and again.trained_on == model.trained_on
    assert 0 < again.settings["probability_two_random_records_match"] < 1


def test_nickname_scores_above_a_different_person(people: pd.DataFrame, model: LinkageModel) -> None:
    base = {"surname": "PENWORTHY", "dob": "1971-06-09", "postcode": "LS6 2AB", "gender": "M"}
    pairs = _score(
        people,
        model,
        [
            {"unique_id": "x1", "first_name": "William", **base},
            {"unique_id": "x2", "first_name": "Bill", **base, "postcode": "M1 1AA"},
            {"unique_id": "x3", "first_name": "Gordon", **base, "postcode": "M1 1AA"},
        ],
    )
    assert _prob(pairs, "x1", "x2") > _prob(pairs, "x1", "x3")


def test_transposed_day_and_month_beats_a_different_date(people: pd.DataFrame, model: LinkageModel) -> None:
    base = {"first_name": "Hermione", "surname": "Quenby", "gender": "F"}
    pairs = _score(
        people,
        model,
        [
            {"unique_id": "y1", **base, "dob": "1984-03-11", "postcode": "OX1 2JD"},
            {"unique_id": "y2", **base, "dob": "1984-11-03", "postcode": "S1 4PQ"},
            {"unique_id": "y3", **base, "dob": "1961-07-25", "postcode": "S1 4PQ"},
        ],
    )
    assert _prob(pairs, "y1", "y2") > _prob(pairs, "y1", "y3")


def test_contributions_sum_to_the_match_weight(records: pd.DataFrame, model: LinkageModel) -> None:
    pairs = predict(records, model, threshold=0.3, explain=True)
    for row in pairs.head(20).to_dict("records"):
        parts = contributions(model, row)
        assert parts[0]["comparison"] == "Prior"
        assert {p["comparison"] for p in parts} >= {"Given name", "Surname", "Date of birth"}
        assert sum(p["match_weight"] for p in parts) == pytest.approx(row["match_weight"], abs=1e-6)
        assert all(isinstance(p["level"], str) for p in parts)


def test_touching_scores_only_pairs_with_a_new_record(records: pd.DataFrame, model: LinkageModel) -> None:
    frame = records.copy()
    new_ids = set(frame["unique_id"].iloc[:300])
    frame["is_new"] = frame["unique_id"].isin(new_ids)
    pairs = predict(frame, model, threshold=0.0, touching="is_new")
    assert len(pairs) > 0
    assert (pairs["unique_id_l"].isin(new_ids) | pairs["unique_id_r"].isin(new_ids)).all()
    full = predict(records, model, threshold=0.0)
    involving = full[full["unique_id_l"].isin(new_ids) | full["unique_id_r"].isin(new_ids)]
    assert len(pairs) == len(involving)


def test_relatives_at_one_address_are_left_for_an_analyst(people: pd.DataFrame, model: LinkageModel) -> None:
    """Brothers, and a father and son of the same name, share a rare surname and a postcode."""
    home = {"surname": "Wojciechowski", "postcode": "BD5 1GY", "gender": "M"}
    frame = pd.concat(
        [
            people.drop(columns="entity_id"),
            pd.DataFrame(
                [
                    {"unique_id": "b1", "first_name": "Piotr", "dob": "1980-08-08", **home},
                    {"unique_id": "b2", "first_name": "Tomasz", "dob": "1982-09-16", **home},
                    {"unique_id": "f1", "first_name": "Marek", "dob": "1955-01-30", **home},
                    {"unique_id": "f2", "first_name": "Marek", "dob": "1988-04-02", **home},
                    {"unique_id": "d1", "first_name": "Piotr", "dob": "1980-08-08", **home, "postcode": "BD5 1GZ"},
                    {"unique_id": "p1", "first_name": "Marek", "dob": "1955-01-30", **home, "pnc_id": "74/123456K"},
                    {"unique_id": "p2", "first_name": "Marek", "dob": "1985-01-30", **home, "pnc_id": "74/123456K"},
                ]
            ),
        ],
        ignore_index=True,
    )
    pairs = predict(prepare(frame), model, threshold=0.0, explain=True)
    assert _prob(pairs, "b1", "b2") <= FAMILY_CAP < DEFAULT_THRESHOLD
    assert _prob(pairs, "f1", "f2") <= FAMILY_CAP
    assert _prob(pairs, "b1", "d1") > DEFAULT_THRESHOLD  # the same man, one postcode letter apart
    assert _prob(pairs, "p1", "p2") > DEFAULT_THRESHOLD  # one PNC ID: a mistyped year, not a son
    planted = pairs[pairs.unique_id_l.isin(["b1", "b2", "f1", "f2"]) & pairs.unique_id_r.isin(["b1", "b2", "f1", "f2"])]
    row = planted[planted.guard != ""].iloc[0]
    steps = contributions(model, row.to_dict())
    assert steps[-1]["comparison"] == "Family guard" and steps[-1]["match_weight"] < 0
    assert abs(sum(s["match_weight"] for s in steps) - row["match_weight"]) < 1e-6
