from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml

from sochub.engine.prioritise import DEFAULT_MODEL, Inputs, log_scale, parse_model, prioritise, read_inputs, scoring

from .graphs import bridge_edges, write_bridge, write_csv


def model_with(**changes: Any) -> Any:
    data = yaml.safe_load(DEFAULT_MODEL.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *path, key = dotted.split("__")
        target = data
        for part in path:
            target = target[part]
        target[key] = value
    return parse_model(data)


def ranked_ids(result: Any) -> list[str]:
    return [row["id"] for row in result.rows]


def test_log_scale_keeps_zero_and_caps_at_one() -> None:
    x = np.array([0.0, 1.0, 2.0, 100.0, 500.0])
    ref = np.array([True, True, True, True, False])  # 500 is outside the reference set
    out = log_scale(x, ref)
    assert out[0] == 0 and out[3] == 1 and out[4] == 1 and 0 < out[1] < out[2] < 1
    assert log_scale(np.zeros(3), np.ones(3, dtype=bool)).tolist() == [0, 0, 0]


def test_with_edges_alone_the_broker_ranks_first(tmp_path: Path) -> None:
    result = prioritise(read_inputs(write_bridge(tmp_path)), top=5, seed=1, draws=200)
    assert result.rows[0]["id"] == "BROKER"
    assert list(result.rows[0]["components"]) == ["network"]
    assert result.summary["components used (weights rescaled)"] == {"network": 1.0}
    assert result.rows[0]["p_top"] == 1.0 and result.rows[0]["rank_interval"] == [1, 1]
    assert result.rows[0]["details"]["brokerage"] >= 2  # touches all three groups


def test_weights_change_the_order(tmp_path: Path) -> None:
    edges = write_bridge(tmp_path)
    nodes = write_csv(tmp_path / "nodes.csv", ["id", "markers"], [["G2-3", "firearms;violence"]])
    inputs = read_inputs(edges, nodes)
    network_heavy = prioritise(inputs, model=model_with(components__markers=0.05), top=3, seed=1, draws=0)
    marker_heavy = prioritise(inputs, model=model_with(components__markers=0.9), top=3, seed=1, draws=0)
    assert ranked_ids(network_heavy)[0] == "BROKER"
    assert ranked_ids(marker_heavy)[0] == "G2-3"
    # A very strong tie inside group 1: by weighted degree its two ends lead; by betweenness the broker does.
    strong = write_csv(tmp_path / "strong.csv", ["source", "target", "weight"], [*bridge_edges(), ["G1-3", "G1-4", 40]])
    only = {"degree": 0, "betweenness": 0, "pagerank": 0, "brokerage": 0}
    by_degree = prioritise(read_inputs(strong), model=model_with(network__measures={**only, "degree": 1}), draws=0)
    by_paths = prioritise(read_inputs(strong), model=model_with(network__measures={**only, "betweenness": 1}), draws=0)
    assert ranked_ids(by_degree)[:2] == ["G1-3", "G1-4"]
    assert ranked_ids(by_paths)[0] == "BROKER"


@pytest.mark.parametrize("role", ["victim", "Child", "vulnerable adult", "juvenile; witness", "Victim of exploitation"])
def test_protected_people_never_appear_even_when_central(tmp_path: Path, role: str) -> None:
    edges = write_bridge(tmp_path)
    nodes = write_csv(tmp_path / "nodes.csv", ["id", "markers", "role"], [["BROKER", "firearms", role]])
    offences = write_csv(tmp_path / "off.csv", ["id", "date", "offence_type"], [["BROKER", "2024-01-01", "homicide"]])
    result = prioritise(read_inputs(edges, nodes, offences), top=50, seed=2, draws=50)
    assert "BROKER" not in ranked_ids(result)
    assert "BROKER" not in result.zero_score_ids
    assert result.summary["protected people (victim, child, vulnerable) never ranked"] == 1
    assert result.summary["offences of protected people ignored"] == 1


def test_a_protected_persons_own_data_raises_nobody(tmp_path: Path) -> None:
    edges = write_bridge(tmp_path)
    offences = [["G1-1", "2024-01-01", "robbery"], ["G3-2", "2023-06-01", "fraud"]]
    nodes_plain = write_csv(tmp_path / "n1.csv", ["id", "markers", "role"], [["G2-1", "", "victim"]])
    nodes_loaded = write_csv(tmp_path / "n2.csv", ["id", "markers", "role"], [["G2-1", "firearms", "victim"]])
    off_plain = write_csv(tmp_path / "o1.csv", ["id", "date", "offence_type"], offences)
    off_loaded = write_csv(
        tmp_path / "o2.csv", ["id", "date", "offence_type"], [*offences, ["G2-1", "2024-01-02", "homicide"]] * 3
    )
    a = prioritise(read_inputs(edges, nodes_plain, off_plain), top=50, seed=3, as_of=None, draws=20)
    b = prioritise(read_inputs(edges, nodes_loaded, off_loaded), top=50, seed=3, draws=20)
    # (o2 repeats the others' offences three times, so compare with a file holding them three times too)
    off_triple = write_csv(tmp_path / "o3.csv", ["id", "date", "offence_type"], offences * 3)
    c = prioritise(read_inputs(edges, nodes_plain, off_triple), top=50, seed=3, draws=20)
    assert "G2-1" not in ranked_ids(a) + ranked_ids(b)
    assert [(r["id"], r["score"]) for r in b.rows] == [(r["id"], r["score"]) for r in c.rows]
    assert len(a.rows) == len(b.rows)


def test_a_zero_score_leaves_the_list_and_is_named_for_review(tmp_path: Path) -> None:
    edges = write_csv(tmp_path / "e.csv", ["source", "target"], [["a", "b"]])
    nodes = write_csv(tmp_path / "n.csv", ["id", "markers"], [["lonely", ""], ["armed", "firearms"], ["odd", "tattoo"]])
    result = prioritise(read_inputs(edges, nodes), top=10, seed=1, draws=10)
    assert sorted(ranked_ids(result)) == ["a", "armed", "b"]
    assert sorted(result.zero_score_ids) == ["lonely", "odd"]
    assert result.summary["markers not in the model (scored 0)"] == {"tattoo": 1}
    assert result.summary["people scoring 0, not listed (due a retention review)"] == 2


def test_components_sum_to_the_score_and_details_explain_them(tmp_path: Path) -> None:
    edges = write_bridge(tmp_path)
    nodes = write_csv(tmp_path / "n.csv", ["id", "markers"], [["G1-2", "weapons"], ["G3-4", "firearms;drugs"]])
    offences = write_csv(
        tmp_path / "o.csv",
        ["id", "date", "offence_type"],
        [["G1-2", "2022-05-01", "Robbery"], ["G1-2", "2024-05-01", "murder"], ["G3-3", "2024-01-01", "unusual"]],
    )
    result = prioritise(read_inputs(edges, nodes, offences), top=20, seed=5, draws=100)
    assert len(result.rows) == 13
    for row in result.rows:
        assert set(row["components"]) == {"network", "offending", "markers"}
        assert abs(sum(row["components"].values()) - row["score"]) < 1e-9
        assert 0 < row["score"] <= 1
    scores = [row["score"] for row in result.rows]
    assert scores == sorted(scores, reverse=True) and [r["rank"] for r in result.rows] == list(range(1, 14))
    g12 = next(r for r in result.rows if r["id"] == "G1-2")
    assert g12["details"]["offences"] == 2 and g12["details"]["marker_list"] == ["weapons"]
    assert result.summary["offence types not in the harm index (default weight used)"] == {"unusual": 1}
    assert result.summary["recency measured back from"] == "2024-05-01"


def test_recency_halves_an_offence_every_half_life(tmp_path: Path) -> None:
    edges = write_csv(tmp_path / "e.csv", ["source", "target"], [["x", "y"]])
    offences = write_csv(
        tmp_path / "o.csv",
        ["id", "date", "offence_type"],
        [["old", "2020-01-01", "robbery"], ["new", "2022-01-01", "robbery"]],
    )
    result = prioritise(read_inputs(edges, None, offences), top=5, seed=1, draws=0, as_of=None)
    harm = {r["id"]: r["details"]["harm"] for r in result.rows}
    assert harm["new"] == pytest.approx(800) and harm["old"] == pytest.approx(800 * 0.5 ** (731 / 730))


def test_same_seed_same_output_and_p_top_is_a_probability(tmp_path: Path) -> None:
    edges = write_csv(
        tmp_path / "e.csv",
        ["source", "target", "weight"],
        [*bridge_edges(), ["G1-1", "G2-1", 3], ["G2-4", "G3-4", 2], ["X", "G1-3", 1]],
    )
    nodes = write_csv(tmp_path / "n.csv", ["id", "markers"], [["G2-2", "violence"], ["X", "weapons"]])
    inputs = read_inputs(edges, nodes)
    one = prioritise(inputs, top=3, seed=11, draws=300)
    two = prioritise(inputs, top=3, seed=11, draws=300)
    other = prioritise(inputs, top=3, seed=12, draws=300)
    assert one.rows == two.rows
    for result in (one, other):
        for row in result.rows:
            assert 0 <= row["p_top"] <= 1
            low, high = row["rank_interval"]
            assert 1 <= low <= high
    assert any(row["p_top"] < 1 for row in one.rows)  # the weights matter here: some places are not safe


def test_input_noise_and_capped_rank_tracking(tmp_path: Path) -> None:
    inputs: Inputs = read_inputs(write_bridge(tmp_path))
    model = model_with(monte_carlo__input_noise=0.5, monte_carlo__track_min=1, monte_carlo__chunk=7)
    result = prioritise(inputs, model=model, top=1, seed=9, draws=40)
    row = result.rows[0]
    assert 0 <= row["p_top"] <= 1 and 1 <= row["rank_interval"][0] <= row["rank_interval"][1] <= 11


def test_nothing_to_rank_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    inputs = read_inputs(write_bridge(tmp_path))
    with pytest.raises(ValueError, match="top must be 1 or more"):
        prioritise(inputs, top=0)
    zero_network = model_with(components={"offending": 1, "network": 0})
    with pytest.raises(ValueError, match="gives weight 0 to every component the input has"):
        prioritise(inputs, model=zero_network)


def test_protected_people_can_be_dropped_from_the_graph(tmp_path: Path) -> None:
    edges = write_bridge(tmp_path)
    nodes = write_csv(tmp_path / "n.csv", ["id", "role"], [["BROKER", "victim"]])
    kept = prioritise(read_inputs(edges, nodes), top=20, seed=1, draws=0)
    dropped = prioritise(
        read_inputs(edges, nodes), model=model_with(network__keep_protected_in_graph=False), top=20, seed=1, draws=0
    )
    assert dropped.summary["edges to protected people dropped"] == 6
    assert kept.rows != dropped.rows and "BROKER" not in ranked_ids(kept) + ranked_ids(dropped)


def test_people_are_numbered_in_order_of_first_appearance_however_the_work_is_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    pool = np.array(["007", "Smith, J", "", "ü-1", "a" * 40, *(f"N{i}" for i in range(300))], dtype=object)
    # pyarrow-backed text in several chunks, as read from files
    halves = [(rng.choice(pool, k // 2), rng.choice(pool, k - k // 2)) for k in (500, 500, 80, 1200)]
    parts = [pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(list(h)))) for h in halves]
    expected_codes, expected_ids = pd.factorize(pd.concat([p.astype(object) for p in parts], ignore_index=True))
    for run_min, cores in ((1_000_000, 1), (100, 2), (100, 3)):
        monkeypatch.setattr(scoring, "ID_RUN_MIN", run_min)
        monkeypatch.setattr(scoring, "cpus", lambda cores=cores: cores)
        codes, ids = scoring._node_codes(parts)
        assert codes.tolist() == expected_codes.tolist() and ids.tolist() == list(expected_ids)
    codes, ids = scoring._node_codes([p.astype(object) for p in parts])  # plain object columns (database mode)
    assert codes.tolist() == expected_codes.tolist() and ids.tolist() == list(expected_ids)


def test_the_best_are_found_without_sorting_everyone() -> None:
    rng = np.random.default_rng(2)
    score = rng.integers(0, 6, 400) / 5.0  # many ties
    ids = np.array([f"id{rng.integers(0, 10**6):06d}" for _ in range(400)], dtype=object)
    candidates = np.flatnonzero(score > 0)
    full = pd.DataFrame({"s": -score[candidates], "id": ids[candidates].astype(str)}).sort_values(["s", "id"])
    for top in (1, 7, 20, len(candidates), len(candidates) + 5):
        assert scoring._best(score, ids, candidates, top).tolist() == candidates[full.index.to_numpy()][:top].tolist()


def test_monte_carlo_ranks_only_contenders_and_gets_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(8)
    features = (rng.random((5000, 4)) ** 3).astype(np.float32)
    features[100:140] = features[99]  # exact ties near the top
    columns = [scoring._Column("network", "degree", 0.5), scoring._Column("network", "pagerank", 0.5)]
    columns += [scoring._Column("offending", "gravity", 0.7), scoring._Column("offending", "frequency", 0.3)]
    comp_w = {"network": 0.5, "offending": 0.5}
    model = model_with(monte_carlo__track_min=200, monte_carlo__chunk=16)
    listed = np.argsort(-(features @ np.array([0.25, 0.25, 0.35, 0.15], dtype=np.float32)))[:20]

    def run() -> tuple[Any, Any]:
        return scoring._monte_carlo(
            features,
            columns,
            comp_w,
            ["network", "offending"],
            listed=listed,
            top=20,
            draws=100,
            model=model,
            seed=4,
            say=lambda *_: None,
        )

    calls: list[int] = []
    real = scoring._contenders
    monkeypatch.setattr(scoring, "_contenders", lambda scores, track: calls.append(1) or real(scores, track))
    pruned = run()
    monkeypatch.setattr(scoring, "_contenders", lambda scores, track: np.arange(scores.shape[1]))
    everyone = run()
    assert calls and len(real(features.T[:2].copy(), 200)) < 5000
    assert pruned[0].tolist() == everyone[0].tolist()
    assert pruned[1][0].tolist() == everyone[1][0].tolist() and pruned[1][1].tolist() == everyone[1][1].tolist()
