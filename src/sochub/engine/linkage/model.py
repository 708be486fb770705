"""The probabilistic (Fellegi-Sunter) person-matching model, trained and run with Splink.

Why this shape:
- Every comparison and blocking rule reads columns that `prepare` derived (nickname form, metaphone,
  date parts, postcode sector), so the SQL is plain equality/arithmetic plus Splink's own string-distance
  levels, and the same model means the same thing on DuckDB and on Spark.
- Training is unsupervised and runs on a random record sample: u by random pairs, m by EM over two
  blocking rules with capped pairs, the prior from a deterministic rule. A random record sample keeps
  the chance that two random records match unchanged, so the sample's prior holds for the full data.
- Prediction uses several cheap blocking passes chosen so that each kind of error seen in practice
  (typo in a name, date of birth off or missing, moved house, nickname) leaves at least one pass intact.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .prepare import CANONICAL, DERIVED

# Auto-link when the model is at least 90% sure. Below that, pairs in the 50-90% band are best shown to
# an analyst; on the benchmark data 0.9 gave the best pairwise F1 (few false merges of namesakes whose
# dates of birth are close, while typo'd and moved duplicates still clear it).
DEFAULT_THRESHOLD = 0.9
TRAIN_SAMPLE = 150_000
U_MAX_PAIRS = 1e6
EM_MAX_PAIRS = 5e5
PRIOR_RECALL = 0.6

log = logging.getLogger(__name__)

LABELS = {
    "given_name": "Given name",
    "middle_names": "Middle names",
    "surname": "Surname",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "address": "Address",
    "pnc_id": "PNC ID",
    "ni_number": "NI number",
    "other_id": "Other identifier",
    "phone": "Phone",
    "gender": "Gender",
}
# Columns each comparison reads (beyond the field itself); used to register only what is needed.
_FIELD_COLUMNS = {
    "given_name": ["given_name", "given_canon", "given_meta", "given_init", "surname"],
    "surname": ["surname", "surname_meta", "surname_init", "given_name"],
    "dob": ["dob", "dob_year", "dob_month", "dob_day", "dob_days"],
    "postcode": ["postcode", "pc_sector", "pc_district"],
}
# Blocking passes: each is a set of columns that must be equal. Together they keep true pairs that
# differ in any one or two of name spelling, date of birth, postcode.
BLOCKING_KEYS: list[tuple[str, ...]] = [
    ("dob", "given_init"),
    ("dob", "surname_init"),
    ("surname_meta", "given_meta", "dob_year"),
    ("given_canon", "surname_meta", "dob_year"),
    ("postcode",),
    ("dob", "pc_district"),
    ("given_name", "surname", "pc_district"),
    ("given_meta", "surname_meta", "dob_month", "dob_day"),
    ("pnc_id",),
    ("ni_number",),
    ("other_id",),
    ("phone",),
    ("address", "given_init"),
    ("address", "surname_init"),
]
_KEY_FIELD = {c: f for f, cols in _FIELD_COLUMNS.items() for c in cols}


@dataclass
class LinkageModel:
    """A trained model: Splink settings (with m/u and prior) plus what it was trained on."""

    settings: dict[str, Any]
    trained_on: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return list(self.stats.get("fields", []))

    def to_json(self) -> str:
        return json.dumps({"settings": self.settings, "trained_on": self.trained_on, "stats": self.stats})

    @classmethod
    def from_json(cls, text: str) -> LinkageModel:
        data = json.loads(text)
        return cls(settings=data["settings"], trained_on=int(data["trained_on"]), stats=data.get("stats", {}))


def _levels_for(fld: str) -> list[Any]:
    """Comparison levels for one canonical field, most specific first."""
    import splink.comparison_level_library as cll

    def exact(col: str, tf: bool = False) -> Any:
        lvl = cll.ExactMatchLevel(col)
        return (
            lvl.configure(tf_adjustment_column=col, label_for_charts="Exact match")
            if tf
            else lvl.configure(label_for_charts="Exact match")
        )

    null = cll.NullLevel(fld).configure(label_for_charts="Missing on one side")
    other = cll.ElseLevel().configure(label_for_charts="Different")
    if fld == "given_name":
        return [
            null,
            exact("given_name", tf=True),
            cll.CustomLevel("given_name_l = surname_r", "Swapped with surname"),
            cll.CustomLevel("given_canon_l = given_canon_r", "Nickname of the same name"),
            cll.DamerauLevenshteinLevel("given_name", 1).configure(label_for_charts="One typo"),
            cll.JaroWinklerLevel("given_name", 0.88).configure(label_for_charts="Similar spelling"),
            cll.CustomLevel("given_meta_l = given_meta_r", "Sounds alike"),
            cll.CustomLevel(
                "given_init_l = given_init_r and (length(given_name_l) = 1 or length(given_name_r) = 1)",
                "Initial only, matching",
            ),
            other,
        ]
    if fld == "surname":
        return [
            null,
            exact("surname", tf=True),
            cll.CustomLevel("surname_l = given_name_r", "Swapped with given name"),
            cll.DamerauLevenshteinLevel("surname", 1).configure(label_for_charts="One typo"),
            cll.JaroWinklerLevel("surname", 0.88).configure(label_for_charts="Similar spelling"),
            cll.CustomLevel("surname_meta_l = surname_meta_r", "Sounds alike"),
            other,
        ]
    if fld == "middle_names":
        return [null, exact(fld), cll.JaroWinklerLevel(fld, 0.88).configure(label_for_charts="Similar"), other]
    if fld == "dob":
        return [
            null,
            exact("dob"),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_day_r and dob_day_l = dob_month_r",
                "Day and month transposed",
            ),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="One digit different"),
            cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 45", "Within 45 days"),
            cll.CustomLevel("dob_year_l = dob_year_r", "Same year only"),
            other,
        ]
    if fld == "postcode":
        return [
            null,
            exact("postcode"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(label_for_charts="One typo"),
            cll.CustomLevel("pc_sector_l = pc_sector_r", "Same sector"),
            cll.CustomLevel("pc_district_l = pc_district_r", "Same district"),
            other,
        ]
    if fld == "address":
        return [
            null,
            exact("address"),
            cll.JaroWinklerLevel("address", 0.92).configure(label_for_charts="Very similar"),
            cll.JaroWinklerLevel("address", 0.8).configure(label_for_charts="Similar"),
            other,
        ]
    if fld == "gender":
        return [null, exact("gender"), other]
    # identifiers: a one-character slip in a long reference is still strong evidence
    return [null, exact(fld), cll.DamerauLevenshteinLevel(fld, 1).configure(label_for_charts="One typo"), other]


def _comparisons(fields: list[str]) -> list[Any]:
    from splink.comparison_library import CustomComparison

    return [
        CustomComparison(_levels_for(f), output_column_name=f, comparison_description=LABELS[f])
        for f in CANONICAL
        if f in fields
    ]


# Swapped given name and surname (a common clerical slip).
SWAPPED_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("l.given_name = r.surname and l.surname = r.given_name", ("given_name", "surname")),
]
# Swapped names plus a typo; not symmetric in l/r and as costly as a date-of-birth pass, so small data only.
SMALL_DATA_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("l.dob = r.dob and l.given_init = r.surname_init", ("dob", "given_init", "surname_init")),
    ("l.dob = r.dob and l.surname_init = r.given_init", ("dob", "given_init", "surname_init")),
]
SMALL_DATA = 200_000
# Wider passes, used only while they stay within a pair budget (small data sets can afford them).
WIDE_KEYS: list[tuple[str, ...]] = [
    ("surname_meta", "given_init", "dob_year"),
    ("given_init", "surname_init", "dob_year", "dob_month"),
    ("dob",),
    ("given_name", "surname"),
    ("surname_meta", "given_init"),
    ("given_meta", "surname_init"),
    ("surname_meta", "dob_year"),
]
WIDE_PAIR_BUDGET = 2_000_000


def _pairs_for(records: pd.DataFrame, keys: tuple[str, ...]) -> int:
    """Pairs a blocking key would generate (sum of n*(n-1)/2 over its groups)."""
    sizes = records.dropna(subset=list(keys)).groupby(list(keys), sort=False).size().to_numpy(dtype="int64")
    return int((sizes * (sizes - 1) // 2).sum())


def blocking_rules(fields: list[str], touching: str | None = None, records: pd.DataFrame | None = None) -> list[str]:
    """SQL blocking rules for the fields the model uses; `touching` keeps pairs with a new record only.

    With `records`, wider passes are added while their total pairs stay under WIDE_PAIR_BUDGET.
    """
    usable = {c for f in fields for c in _FIELD_COLUMNS.get(f, [f])}
    rules = [" and ".join(f"l.{k} = r.{k}" for k in keys) for keys in BLOCKING_KEYS if all(k in usable for k in keys)]
    rules += [sql for sql, cols in SWAPPED_RULES if all(c in usable for c in cols)]
    if records is not None and len(records) <= SMALL_DATA:
        rules += [sql for sql, cols in SMALL_DATA_RULES if all(c in usable for c in cols)]
    if records is not None:
        spent = 0
        for keys in WIDE_KEYS:
            if all(k in usable and k in records.columns for k in keys):
                cost = _pairs_for(records, keys)
                if spent + cost <= WIDE_PAIR_BUDGET:
                    spent += cost
                    rules.append(" and ".join(f"l.{k} = r.{k}" for k in keys))
    if touching:
        rules = [f"{sql} and (l.{touching} or r.{touching})" for sql in rules]
    return rules


def _settings_dict(fields: list[str], dialect: str, rules: list[str], *, explain: bool = False) -> dict[str, Any]:
    from splink import SettingsCreator

    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(fields),
        blocking_rules_to_generate_predictions=list[Any](rules),
        retain_matching_columns=explain,
        retain_intermediate_calculation_columns=explain,
        additional_columns_to_retain=[],
    )
    return creator.create_settings_dict(dialect)


def _graft(target: dict[str, Any], trained: dict[str, Any]) -> dict[str, Any]:
    """Copy trained parameters into settings built for another dialect/blocking (same comparisons)."""
    out = copy.deepcopy(target)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for ct, cs in zip(out["comparisons"], trained["comparisons"], strict=True):
        for lt, ls in zip(ct["comparison_levels"], cs["comparison_levels"], strict=True):
            for k in ("m_probability", "u_probability"):
                if k in ls:
                    lt[k] = ls[k]
    return out


def _columns_needed(fields: list[str], extra: list[str] | None = None) -> list[str]:
    cols = ["unique_id"]
    for f in fields:
        cols += _FIELD_COLUMNS.get(f, [f])
    return list(dict.fromkeys(cols + list(extra or [])))


def present_fields(records: pd.DataFrame, min_share: float = 0.005) -> list[str]:
    """Canonical fields with enough values to learn from (absent/empty fields are left out of the model)."""
    out = []
    for f in CANONICAL[2:]:
        if f in records.columns and records[f].notna().mean() >= min_share:
            out.append(f)
    return out


def db_api_for(engine: str, spark: Any = None) -> Any:
    """A Splink database API: DuckDB in memory (2 threads, capped memory) or Spark."""
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(config={"threads": 2, "memory_limit": "6GB", "preserve_insertion_order": False})
        return DuckDBAPI(connection=con)
    if engine == "spark":
        from splink.backends.spark import SparkAPI

        from .spark import local_spark_session

        return SparkAPI(spark_session=spark or local_spark_session(), break_lineage_method="persist")
    raise ValueError(f"unknown engine {engine!r} (use 'duckdb' or 'spark')")


def _dialect(engine: str) -> str:
    return "spark" if engine == "spark" else "duckdb"


def _to_backend(records: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Only the columns the model reads, with missing canonical/derived columns added as nulls."""
    out = pd.DataFrame(index=records.index)
    for c in cols:
        if c in records.columns:
            out[c] = records[c]
        elif c in DERIVED and c.startswith("dob_"):
            out[c] = pd.array([None] * len(records), dtype="Int32")
        else:
            out[c] = None
    if "unique_id" in out:
        out["unique_id"] = out["unique_id"].astype(str)
    return out.reset_index(drop=True)


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def train(
    records: pd.DataFrame,
    *,
    engine: str = "duckdb",
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
    spark: Any = None,
) -> LinkageModel:
    """Unsupervised training on (a sample of) prepared records; see module docstring for the method."""
    from splink import Linker

    _quiet_splink()
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    fields = present_fields(records)
    if not {"given_name", "surname"} & set(fields):
        raise ValueError("need at least a given name or surname to link people")
    sample = records.sample(n=TRAIN_SAMPLE, random_state=seed) if len(records) > TRAIN_SAMPLE else records
    dialect = _dialect(engine)
    db_api = db_api_for(engine, spark)
    settings = _settings_dict(fields, dialect, blocking_rules(fields))
    table = _to_backend(sample, _columns_needed(fields))
    linker = Linker(db_api.register(table), settings, log_level=None)
    timings: dict[str, float] = {}

    say(f"estimating the prior on {len(sample)} records")
    t = time.perf_counter()
    det_fields: list[str] = [f for f in ("given_name", "surname", "dob") if f in fields]
    if len(det_fields) < 3 and "postcode" in fields:
        det_fields.append("postcode")
    det: list[Any] = [" and ".join(f"l.{f} = r.{f}" for f in det_fields)]
    linker.training.estimate_probability_two_random_records_match(det, recall=PRIOR_RECALL)
    timings["prior"] = time.perf_counter() - t

    say("estimating u by random sampling")
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    timings["u"] = time.perf_counter() - t

    em_rules = []
    if "dob" in fields:
        em_rules.append("l.dob = r.dob")
    if {"given_name", "surname"} <= set(fields):
        em_rules.append("l.given_name = r.given_name and l.surname = r.surname")
    if len(em_rules) < 2 and "postcode" in fields:
        em_rules.append("l.postcode = r.postcode")
    # Looser rules to fall back on when one above cannot be estimated (small data).
    fallbacks = [
        r
        for r, need in (("l.surname = r.surname", "surname"), ("l.postcode = r.postcode", "postcode"))
        if need in fields
    ]
    t = time.perf_counter()
    for rule in em_rules:
        say(f"EM over pairs where {rule}")
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS, record_sample_proportion=1.0
            )
        except ValueError as exc:
            # Small data: a level no pair reaches drives m to 0 and Splink stops mid-session, leaving the
            # linker without the comparisons it set aside; carry on from the model as it was before.
            log.info("EM over %s skipped: %s", rule, exc)
            say(f"EM over pairs where {rule} skipped: too few pairs to estimate")
            linker = Linker(db_api.register(table), before, log_level=None)
            if fallbacks:
                em_rules.append(fallbacks.pop(0))
    timings["em"] = time.perf_counter() - t
    # Re-estimate the prior now that m is known: the deterministic rule's recall is the chance a true
    # pair agrees exactly on every field it uses (m of the exact level x share of pairs with both present).
    recall = _rule_recall(linker.misc.save_model_to_json(), sample, det_fields)
    if recall:
        linker.training.estimate_probability_two_random_records_match(det, recall=recall)
    trained = linker.misc.save_model_to_json()
    if dialect != "duckdb":
        trained = _graft(_settings_dict(fields, "duckdb", blocking_rules(fields)), trained)
    timings["total"] = time.perf_counter() - t0
    say(f"trained in {timings['total']:.1f}s")
    return LinkageModel(
        settings=trained,
        trained_on=len(sample),
        stats={"fields": fields, "records": len(records), "timings": timings, "engine": engine, "seed": seed},
    )


def _rule_recall(settings: dict[str, Any], sample: pd.DataFrame, det_fields: list[str]) -> float | None:
    """Estimated share of true pairs that agree exactly on all of det_fields (fields taken as independent)."""
    recall = 1.0
    for comp in settings["comparisons"]:
        name = comp["output_column_name"]
        if name not in det_fields:
            continue
        exact = next((lv for lv in comp["comparison_levels"] if lv.get("label_for_charts") == "Exact match"), None)
        m = exact.get("m_probability") if exact else None
        if not m:
            return None
        present = float(sample[name].notna().mean())
        recall *= float(m) * present * present
    return min(max(recall, 0.05), 1.0)


def predict(
    records: pd.DataFrame,
    model: LinkageModel,
    *,
    engine: str = "duckdb",
    threshold: float = 0.5,
    touching: str | None = None,
    explain: bool = False,
    term_frequencies: bool = True,
    spark: Any = None,
) -> pd.DataFrame:
    """Scored candidate pairs at or above `threshold`.

    `touching="is_new"` scores only pairs with at least one new record (incremental resolution);
    `explain=True` keeps per-comparison columns (gamma_*, bf_*, values) for `contributions`.
    `term_frequencies=False` scores an exact name match at its average weight: Splink counts how common a
    name is within the records it is given, so records pre-selected for sharing a surname would make that
    surname look universal and its match worthless (the known-to-you search passes False).
    """
    from splink import Linker

    _quiet_splink()
    fields = model.fields
    if touching and touching not in records.columns:
        raise ValueError(f"touching={touching!r} but the records have no such column")
    rules = blocking_rules(fields, touching, records)
    settings = _graft(_settings_dict(fields, _dialect(engine), rules, explain=explain), model.settings)
    if not term_frequencies:
        for comparison in settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                level.pop("tf_adjustment_column", None)
                level.pop("tf_adjustment_weight", None)
    db_api = db_api_for(engine, spark)
    extra = [touching] if touching else []
    table = _to_backend(records, _columns_needed(fields, extra))
    if touching:
        table[touching] = table[touching].fillna(False).astype(bool)
    linker = Linker(db_api.register(table), settings, log_level=None)
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    if explain:
        out = scored.as_pandas_dataframe()
    else:
        cols = "unique_id_l, unique_id_r, match_probability, match_weight"
        sql = f"select {cols} from {scored.physical_name}"  # noqa: S608 - Splink's own table name
        out = linker.misc.query_sql(sql, output_type="pandas")
    if engine == "spark":
        out = out.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)
    return family_guard(out, records)


# Relatives share a surname and an address, which Fellegi-Sunter's independence assumption counts
# twice: brothers at one postcode with a rare surname score as near-certain matches, and so do a
# father and son of the same name. A real duplicate seldom has a clearly different given name, or a
# date of birth over a year out that is not a typo (day and month swapped, one year digit), so such
# pairs are never linked by the model alone: their probability is capped inside the review band for an
# analyst to decide, and clustering keeps them apart.
FAMILY_CAP = 0.6
FAMILY_YEARS = 1
FAMILY_LEVELS = {
    "names": "Given names clearly differ (relatives?): left for an analyst",
    "dates": "Dates of birth over a year apart, not a slip of the pen (relatives?): left for an analyst",
}


def family_guard(pairs: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Cap the probability of likely relatives; record why in `guard`/`guard_weight`."""
    pairs = pairs.copy()
    pairs["guard_weight"] = 0.0
    pairs["guard"] = ""
    if pairs.empty or not {"given_canon", "given_init", "dob_days"} <= set(records.columns):
        return pairs
    cap_weight = math.log2(FAMILY_CAP / (1 - FAMILY_CAP))
    high = pairs.index[pairs["match_weight"] > cap_weight]
    if high.empty:
        return pairs
    cols = ["given_name", "given_canon", "given_init", "dob_days", "dob_year", "dob_month", "dob_day"]
    cols += [c for c in ("middle_names", "pnc_id", "ni_number", "other_id") if c in records.columns]
    side = records.set_index(records["unique_id"].astype(str))[cols]
    left = side.reindex(pairs.loc[high, "unique_id_l"].astype(str)).reset_index(drop=True)
    right = side.reindex(pairs.loc[high, "unique_id_r"].astype(str)).reset_index(drop=True)
    from rapidfuzz.distance import OSA, JaroWinkler
    from rapidfuzz.process import cpdist

    given_l = left["given_name"].fillna("").astype(str)
    given_r = right["given_name"].fillna("").astype(str)
    similarity = cpdist(given_l.tolist(), given_r.tolist(), scorer=JaroWinkler.normalized_similarity, workers=1)
    upper_l, upper_r = given_l.str.upper(), given_r.str.upper()
    edits = cpdist(upper_l.tolist(), upper_r.tolist(), scorer=OSA.distance, workers=1)
    longest = pd.concat([upper_l.str.len(), upper_r.str.len()], axis=1).max(axis=1).to_numpy()
    typos = (edits <= 1) | ((edits <= 2) & (longest >= 4))  # a slip on each side still reads as the same name
    initial_only = (given_l.str.len() <= 1) | (given_r.str.len() <= 1)
    if "middle_names" in left:
        middle_l = left["middle_names"].fillna("").astype(str)
        middle_r = right["middle_names"].fillna("").astype(str)
        in_middle = pd.Series(
            [
                bool(a) and (a in mr.split() or b in ml.split())
                for a, b, ml, mr in zip(given_l, given_r, middle_l, middle_r, strict=True)
            ]
        )
    else:
        in_middle = pd.Series(False, index=left.index)
    names_differ = (
        left["given_canon"].notna()
        & right["given_canon"].notna()
        & (left["given_canon"] != right["given_canon"])
        & ~(initial_only & (left["given_init"] == right["given_init"]))
        & ~in_middle
        & (similarity < 0.8)
        & ~typos
    )
    transposed = (left["dob_day"] == right["dob_month"]) & (left["dob_month"] == right["dob_day"])
    year_typo = (left["dob_month"] == right["dob_month"]) & (left["dob_day"] == right["dob_day"])
    days_apart = (left["dob_days"] - right["dob_days"]).abs()
    dates_apart = days_apart.notna() & (days_apart > 365.25 * FAMILY_YEARS) & ~transposed & ~year_typo
    # Relatives never share a PNC ID, NI number or passport: such a pair is one person whatever else differs.
    same_id = pd.Series(False, index=left.index)
    for col in ("pnc_id", "ni_number", "other_id"):
        if col in left:
            same_id |= left[col].notna() & (left[col] == right[col])
    reason = pd.Series("", index=left.index).mask(dates_apart, "dates").mask(names_differ, "names").mask(same_id, "")
    hit = (reason != "").to_numpy()
    guarded = high[hit]
    if guarded.empty:
        return pairs
    pairs.loc[guarded, "guard"] = reason[hit].to_numpy()
    pairs.loc[guarded, "guard_weight"] = cap_weight - pairs.loc[guarded, "match_weight"]
    pairs.loc[guarded, "match_weight"] = cap_weight
    pairs.loc[guarded, "match_probability"] = FAMILY_CAP
    return pairs


def contributions(model: LinkageModel, pair: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Waterfall of one scored pair (from predict(explain=True)): the prior, then each comparison.

    Weights are log2 Bayes factors including term-frequency adjustments, so they sum to match_weight.
    """
    lam = float(model.settings["probability_two_random_records_match"])
    rows: list[dict[str, Any]] = [
        {
            "comparison": "Prior",
            "level": "Chance two random records are the same person",
            "match_weight": math.log2(lam / (1 - lam)),
            "value_l": None,
            "value_r": None,
        }
    ]
    for comp in model.settings["comparisons"]:
        name = comp["output_column_name"]
        gamma = pair.get(f"gamma_{name}")
        if gamma is None or (isinstance(gamma, float) and math.isnan(gamma)):
            raise ValueError("pair lacks comparison columns: call predict(..., explain=True)")
        level = _level_by_gamma(comp, int(gamma))
        weight = _num(pair.get(f"mw_{name}"))
        if weight is None:
            bf = _num(pair.get(f"bf_{name}"))
            if bf is None:
                m, u = level.get("m_probability"), level.get("u_probability")
                bf = 1.0 if level.get("is_null_level") or not m or not u else float(m) / float(u)
            weight = math.log2(bf)
        tf = _num(pair.get(f"mw_tf_adj_{name}"))
        if tf is None:
            tf_bf = _num(pair.get(f"bf_tf_adj_{name}"))
            tf = math.log2(tf_bf) if tf_bf else 0.0
        weight += tf
        rows.append(
            {
                "comparison": LABELS.get(name, name),
                "level": level.get("label_for_charts", ""),
                "match_weight": weight,
                "value_l": _plain(pair.get(f"{name}_l")),
                "value_r": _plain(pair.get(f"{name}_r")),
            }
        )
    guard = _num(pair.get("guard_weight"))
    if guard:
        why = FAMILY_LEVELS.get(str(pair.get("guard")), FAMILY_LEVELS["names"])
        rows.append(
            {"comparison": "Family guard", "level": why, "match_weight": guard, "value_l": None, "value_r": None}
        )
    return rows


def _level_by_gamma(comp: dict[str, Any], gamma: int) -> dict[str, Any]:
    """Splink numbers non-null levels from the bottom: Else is 0, the most specific is highest; null is -1."""
    levels = comp["comparison_levels"]
    if gamma == -1:
        return next(lv for lv in levels if lv.get("is_null_level"))
    non_null = [lv for lv in levels if not lv.get("is_null_level")]
    return non_null[len(non_null) - 1 - gamma]


def _num(v: Any) -> float | None:
    """A float, or None for missing/NaN."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v
