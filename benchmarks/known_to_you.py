"""'Is this person known to you?' at scale: latency and recall of ``sochub.exchange.known.score``.

Loads N synthetic UK-like people (``shared/bench/gen_persons.py``, with the generator's typos and
duplicates and a true person id per record) into a dedicated database as nominals owned by 3 agencies,
exactly as ``search.py`` does (its loading code is imported, not copied), trains the linkage model once
on a sample of the records as ``known`` sees them, then times ``score(query, exclude_agency=...)`` for
queries made from the asking agency's own records, beside a naive baseline that scores each query
against every other agency's record with the same model and no candidate pre-filter.

    .venv/bin/python benchmarks/known_to_you.py                          # 18,000 then 200,000 nominals
    .venv/bin/python benchmarks/known_to_you.py --sizes 18000 --queries 20
    .venv/bin/python benchmarks/known_to_you.py --sizes 200000 --keep    # reuse the loaded database

Only the database named by ``--database-url`` (its name must start with ``sochub_bench``, on 127.0.0.1)
is dropped and created. Every loop has a fixed count; every statement has a timeout. Progress goes to
stderr, results to stdout and ``benchmarks/out/known-N.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import search  # benchmarks/search.py: database, generator and loading code shared with the search benchmark

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sochub_bench_known"
# Connections the harness opens itself (drop/create, COPY, index rebuilds) stop by themselves too;
# Django's connections get search.STATEMENT_TIMEOUT_MS on top of this when they open.
ADMIN_TIMEOUT_MS = 900_000
ASKER = 0  # index of the asking agency in search.AGENCIES; its own records are the queries


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="18000,200000", help="comma-separated numbers of nominals")
    p.add_argument("--queries", type=int, default=50, help="measured queries per size")
    p.add_argument(
        "--no-match-share",
        type=float,
        default=0.2,
        help="share of queries about people no other agency holds (any hit for them is a false one)",
    )
    p.add_argument("--train-records", type=int, default=150_000, help="records in the training sample (at most N)")
    p.add_argument("--warmup", type=int, default=2, help="unmeasured queries first (imports, caches)")
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--keep", action="store_true", help="reuse the database if it already holds this size")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-baseline", action="store_true", help="skip the score-everything baseline")
    p.add_argument("--gen-python", default="", help="a Python with numpy, pandas, pyarrow and faker")
    args = p.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 300 or max(args.sizes) > 2_000_000:
        p.error("sizes must be between 300 and 2,000,000")
    if not 1 <= args.queries <= 2000:
        p.error("--queries must be 1..2000")
    if not 0 <= args.no_match_share < 1:
        p.error("--no-match-share must be in [0, 1)")
    if not 0 <= args.warmup <= 20 or args.train_records < 1000:
        p.error("--warmup must be 0..20 and --train-records at least 1000")
    url = urlsplit(args.database_url)
    dbname = url.path.lstrip("/")
    if url.scheme not in {"postgres", "postgresql"} or url.hostname not in {"127.0.0.1", "localhost", "::1"}:
        p.error("--database-url must be a PostgreSQL database on 127.0.0.1")
    if not dbname.startswith("sochub_bench"):
        p.error("the benchmark database's name must start with sochub_bench (it is dropped and recreated)")
    args.dbname = dbname
    args.admin_url = url._replace(path="/postgres").geturl()
    return args


# --------------------------------------------------------------------------------------------
# Queries: the asking agency's own records of people, with whatever typos the generator gave them


@dataclass
class Case:
    known: Any  # sochub.exchange.known.KnownQuery
    text: str
    entity: int
    targets: set[str]  # nominal ids of the same true person held by the other agencies
    identical: bool  # a target record has the same name, date of birth and postcode as the query


@dataclass
class Outcome:
    ms: float
    hits: int  # (nominal, agency) pairs scored at or above the weakest band
    found: bool | None  # a target among the hits (None: nobody else holds the person)
    found_probable: bool | None
    false_hits: int  # hits on other people
    best: float  # best probability of a target (0 when not scored above the weakest band)
    candidates: int = -1
    candidates_complete: bool | None = None  # a target among _candidates' pairs
    candidates_ms: float = math.nan
    frame_ms: float = math.nan
    frame_rows: int = -1
    rules: int = -1  # blocking passes predict used on this frame
    error: str = ""


@dataclass
class Measured:
    label: str
    outcomes: list[Outcome] = field(default_factory=list)


def _query_fields(p: search.Person) -> dict[str, str]:
    from sochub.engine import names

    data = {"given_name": p.first, "surname": p.surname}
    if p.dob:
        y, m, d = p.dob.split("-")
        data["date_of_birth"] = f"{d}/{m}/{y}"
    if p.postcode and names.postcode_key(p.postcode):
        data["postcode"] = p.postcode
    return data


def build_cases(
    people: list[search.Person], layout: search.Layout, count: int, no_match_share: float, rng: random.Random
) -> list[Case]:
    """`count` queries from the asker's records: most about people another agency also holds, some not."""
    from django.core.exceptions import ValidationError

    from sochub.exchange.known import parse_query

    by_entity: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        by_entity[p.entity].append(i)
    own = [i for i in range(len(people)) if layout.owner[i] == ASKER]
    held = [i for i in own if any(layout.owner[j] != ASKER for j in by_entity[people[i].entity])]
    alone = [i for i in own if all(layout.owner[j] == ASKER for j in by_entity[people[i].entity])]
    wanted_alone = round(count * no_match_share)
    cases: list[Case] = []
    for pool, wanted in ((held, count - wanted_alone), (alone, wanted_alone)):
        made = 0
        for _ in range(wanted * 50):
            if made == wanted or not pool:
                break
            i = pool[rng.randrange(len(pool))]
            p = people[i]
            data = _query_fields(p)
            try:
                q = parse_query(data)
            except ValidationError:  # e.g. no given name, or neither date of birth nor postcode
                continue
            others = [j for j in by_entity[p.entity] if layout.owner[j] != ASKER]
            same = [
                j
                for j in others
                if (people[j].first, people[j].surname, people[j].dob, people[j].postcode)
                == (p.first, p.surname, p.dob, p.postcode)
            ]
            text = " / ".join(data.values())
            cases.append(Case(q, text, p.entity, {layout.nominal_ids[j] for j in others}, bool(same)))
            made += 1
    rng.shuffle(cases)
    return cases


# --------------------------------------------------------------------------------------------
# The model, trained once on a sample of the records as `known` builds them


def all_pairs(asker_id: int, exclude: bool) -> list[tuple[Any, int]]:
    """(nominal id, agency id) of every live nominal held by an agency other than the asker (or by any)."""
    from sochub.intel.models import NominalFact

    qs = NominalFact.objects.filter(nominal__merged_into__isnull=True)
    if exclude:
        qs = qs.exclude(agency_id=asker_id)
    return list(qs.values_list("nominal_id", "agency_id").distinct())


def records_without_query(pairs: list[tuple[Any, int]], any_query: Any) -> tuple[Any, dict[str, tuple[Any, int]]]:
    """The prepared frame `known` builds for these pairs, without its query row."""
    from sochub.exchange.known import QUERY_ID, _records_frame

    frame, owner = _records_frame(any_query, pairs)
    return frame[frame["unique_id"] != QUERY_ID].reset_index(drop=True), owner


def train_model(args: argparse.Namespace, asker_id: int, any_query: Any) -> tuple[Any, dict]:
    from sochub.engine.linkage import LinkageModel, train

    t = time.perf_counter()
    pairs = all_pairs(asker_id, exclude=False)
    pairs.sort(key=lambda p: (str(p[0]), p[1]))  # a reproducible sample
    sample = random.Random(args.seed).sample(pairs, min(len(pairs), args.train_records))
    frame, _ = records_without_query(sample, any_query)
    frame_s = time.perf_counter() - t
    t = time.perf_counter()
    model = train(frame, seed=args.seed, progress=lambda m: say(f"    train: {m}"))
    train_s = time.perf_counter() - t
    # As `known.latest_model` gets it: through the JSON a resolution run stores.
    model = LinkageModel.from_json(model.to_json())
    info = {"records": len(frame), "frame_s": frame_s, "train_s": train_s, "fields": model.fields}
    return model, info


# --------------------------------------------------------------------------------------------
# Measuring


def _judge(best: dict[tuple[Any, int], float], case: Case, probable: float) -> dict[str, Any]:
    on_target = [p for (nominal_id, _), p in best.items() if str(nominal_id) in case.targets]
    if not case.targets:
        found = found_probable = None
    else:
        found, found_probable = bool(on_target), any(p >= probable for p in on_target)
    return {
        "hits": len(best),
        "found": found,
        "found_probable": found_probable,
        "false_hits": len(best) - len(on_target),
        "best": max(on_target, default=0.0),
    }


def run_known(cases: list[Case], warmup: list[Case], asker_id: int, model: Any, probable: float) -> Measured:
    from sochub.engine.linkage import blocking_rules
    from sochub.exchange.known import _candidates, _records_frame, score

    for c in warmup:
        score(c.known, exclude_agency=asker_id, model=model)
    run = Measured("known.score (candidate pre-filter)")
    for k, c in enumerate(cases):
        t = time.perf_counter()
        try:
            best = score(c.known, exclude_agency=asker_id, model=model)
        except Exception as exc:  # a timed-out statement counts as an error, not a crash
            run.outcomes.append(Outcome((time.perf_counter() - t) * 1000, 0, None, None, 0, 0.0, error=repr(exc)))
            continue
        ms = (time.perf_counter() - t) * 1000
        out = Outcome(ms, **_judge(best, c, probable))
        # Where the time went, re-run outside the timing: the pre-filter SQL and the frame built from it.
        t = time.perf_counter()
        pairs = _candidates(c.known, asker_id)
        out.candidates_ms = (time.perf_counter() - t) * 1000
        out.candidates = len(pairs)
        out.candidates_complete = any(str(n) in c.targets for n, _ in pairs) if c.targets else None
        t = time.perf_counter()
        frame, _ = _records_frame(c.known, pairs)
        out.frame_ms = (time.perf_counter() - t) * 1000
        out.frame_rows = len(frame)
        out.rules = len(blocking_rules(model.fields, "is_new", frame))
        run.outcomes.append(out)
        say(f"    known {k + 1}/{len(cases)}: {ms:.0f} ms, {out.candidates} candidates, found {out.found}")
    return run


def run_baseline(
    cases: list[Case], warmup: list[Case], asker_id: int, model: Any, minimum: float, probable: float
) -> tuple[Measured, dict]:
    """Score each query against every other agency's record: the frame is built once and kept (generous)."""
    import pandas as pd

    from sochub.engine.linkage import blocking_rules, predict
    from sochub.exchange.known import QUERY_ID, _records_frame

    t = time.perf_counter()
    pairs = all_pairs(asker_id, exclude=True)
    others, owner = records_without_query(pairs, cases[0].known)
    build_s = time.perf_counter() - t
    info = {"pairs": len(pairs), "rows": len(others), "build_s": build_s}
    say(f"    baseline frame: {len(others):,} rows of {len(pairs):,} (nominal, agency) pairs in {build_s:.1f} s")

    def one(c: Case) -> dict[tuple[Any, int], float]:
        query_row, _ = _records_frame(c.known, [])  # the query alone, prepared as `known` prepares it
        frame = pd.concat([query_row, others], ignore_index=True)
        scored = predict(frame, model, threshold=minimum, touching="is_new")
        best: dict[tuple[Any, int], float] = {}
        for left, right, p in scored[["unique_id_l", "unique_id_r", "match_probability"]].itertuples(index=False):
            other = right if str(left) == QUERY_ID else left if str(right) == QUERY_ID else None
            if other is None or str(other) not in owner:
                continue
            key = owner[str(other)]
            best[key] = max(best.get(key, 0.0), float(p))
        return {k: p for k, p in best.items() if p >= minimum}

    for c in warmup[:1]:
        one(c)
    probe, _ = _records_frame(cases[0].known, [])
    info["rules"] = len(blocking_rules(model.fields, "is_new", pd.concat([probe, others], ignore_index=True)))
    run = Measured("baseline: every other-agency record")
    for k, c in enumerate(cases):
        t = time.perf_counter()
        try:
            best = one(c)
        except Exception as exc:
            run.outcomes.append(Outcome((time.perf_counter() - t) * 1000, 0, None, None, 0, 0.0, error=repr(exc)))
            continue
        ms = (time.perf_counter() - t) * 1000
        run.outcomes.append(Outcome(ms, **_judge(best, c, probable)))
        say(f"    baseline {k + 1}/{len(cases)}: {ms:.0f} ms")
    return run, info


def summarise(run: Measured, cases: list[Case]) -> dict[str, Any]:
    ok = [(o, c) for o, c in zip(run.outcomes, cases, strict=True) if not o.error]
    ms = [o.ms for o, _ in ok]
    matched = [(o, c) for o, c in ok if c.targets]
    harder = [(o, c) for o, c in matched if not c.identical]
    lonely = [o for o, c in ok if not c.targets]

    def share(rows: list, attr: str) -> float:
        return 100 * sum(bool(getattr(o, attr)) for o, _ in rows) / len(rows) if rows else math.nan

    out: dict[str, Any] = {
        "queries": len(run.outcomes),
        "errors": len(run.outcomes) - len(ok),
        "p50_ms": search.pct(ms, 50),
        "p95_ms": search.pct(ms, 95),
        "max_ms": max(ms) if ms else math.nan,
        "mean_ms": sum(ms) / len(ms) if ms else math.nan,
        "with_true_match": len(matched),
        "recall": share(matched, "found"),
        "recall_probable": share(matched, "found_probable"),
        "not_identical": len(harder),
        "recall_not_identical": share(harder, "found"),
        "mean_hits": sum(o.hits for o, _ in ok) / len(ok) if ok else math.nan,
        "mean_false_hits": sum(o.false_hits for o, _ in ok) / len(ok) if ok else math.nan,
        "no_match_queries": len(lonely),
        "no_match_with_hit": sum(1 for o in lonely if o.hits),
    }
    if ok and ok[0][0].candidates >= 0:
        from sochub.exchange.known import MAX_CANDIDATES

        cands = [o.candidates for o, _ in ok]
        out |= {
            "candidates_p50": search.pct(cands, 50),
            "candidates_p95": search.pct(cands, 95),
            "candidates_max": max(cands),
            "candidates_capped": sum(1 for x in cands if x >= MAX_CANDIDATES),
            "candidates_complete": share(matched, "candidates_complete"),
            "candidates_ms_p50": search.pct([o.candidates_ms for o, _ in ok], 50),
            "frame_ms_p50": search.pct([o.frame_ms for o, _ in ok], 50),
            "frame_rows_p50": search.pct([o.frame_rows for o, _ in ok], 50),
            "rules_p50": search.pct([o.rules for o, _ in ok], 50),
        }
    return out


def print_summary(label: str, s: dict[str, Any]) -> None:
    print(f"\n  {label}: {s['queries']} queries, {s['errors']} errors")
    print(
        f"    latency ms: p50 {s['p50_ms']:.0f}, p95 {s['p95_ms']:.0f}, max {s['max_ms']:.0f}, mean {s['mean_ms']:.0f}"
    )
    print(
        f"    recall (true person in probable or possible band): {s['recall']:.0f}% of {s['with_true_match']}"
        f" (probable band only {s['recall_probable']:.0f}%; where no other agency's record is an exact copy"
        f" of the query: {s['recall_not_identical']:.0f}% of {s['not_identical']})"
    )
    print(
        f"    hits per query {s['mean_hits']:.2f}, of them other people {s['mean_false_hits']:.2f};"
        f" queries about people no one else holds with a hit: {s['no_match_with_hit']} of {s['no_match_queries']}"
    )
    if "candidates_p50" in s:
        from sochub.exchange.known import MAX_CANDIDATES

        print(
            f"    _candidates: p50 {s['candidates_p50']:,}, p95 {s['candidates_p95']:,}, max {s['candidates_max']:,}"
            f" pairs (at the {MAX_CANDIDATES:,} cap: {s['candidates_capped']} queries;"
            f" {s['candidates_ms_p50']:.0f} ms p50); true person among them for"
            f" {s['candidates_complete']:.0f}% of queries; frame {s['frame_rows_p50']:,} rows"
            f" ({s['frame_ms_p50']:.0f} ms p50), {s['rules_p50']} blocking passes"
        )


# --------------------------------------------------------------------------------------------


def bench_size(args: argparse.Namespace, n: int) -> dict:
    print(f"\n{'=' * 100}\nN = {n:,} nominals  (database {args.dbname}, seed {args.seed})", flush=True)
    result: dict[str, Any] = {"nominals": n, "queries": args.queries, "seed": args.seed}
    t = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        people = search.generate_people(args, n)
    gen_s = time.perf_counter() - t
    layout = search.layout_for(n, args.seed)
    if args.keep and search.loaded_marker(args) == search.marker_for(n, args.seed):
        say("  --keep: reusing the loaded database")
        agency_ids, _ = search.ensure_agencies_and_users(0)
        result["load"] = "reused"
    else:
        from django.core.management import call_command

        say("  loading ...")
        t = time.perf_counter()
        search.recreate_database(args)
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - t
        agency_ids, _ = search.ensure_agencies_and_users(0)
        loaded = search.load(args, n, people, layout, agency_ids)
        times = {"records": gen_s, "create database + migrate": migrate_s, **loaded["times"]}
        print(f"  load: {sum(times.values()):.1f} s (" + "; ".join(f"{k} {v:.1f} s" for k, v in times.items()) + ")")
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in loaded["rows"].items()))
        result["load"] = {"total_s": sum(times.values()), **times, "rows": loaded["rows"]}
    asker_id = agency_ids[ASKER]
    cases = build_cases(people, layout, args.queries, args.no_match_share, random.Random(args.seed + n))
    warmup = build_cases(people, layout, max(args.warmup, 1), 0.0, random.Random(args.seed + n + 1))
    del people, layout
    gc.collect()
    print(
        f"  asking agency {search.AGENCIES[ASKER][0]}: {len(cases)} queries from its own records"
        f" ({sum(1 for c in cases if c.targets)} about people another agency holds, e.g. {cases[0].text!r})"
    )

    say("  training the linkage model ...")
    model, info = train_model(args, asker_id, cases[0].known)
    print(
        f"  model: trained on {info['records']:,} records in {info['train_s']:.1f} s (frame {info['frame_s']:.1f} s),"
        f" fields {', '.join(info['fields'])}"
    )
    result["model"] = info

    from sochub.exchange import selectors

    bands = selectors.reference().match_bands
    minimum, probable = min(b.minimum for b in bands), max(b.minimum for b in bands)

    say("  known.score ...")
    known_run = run_known(cases, warmup[: args.warmup], asker_id, model, probable)
    result["known"] = summarise(known_run, cases)
    print_summary(known_run.label, result["known"])
    if not args.no_baseline:
        say("  baseline ...")
        base_run, base_info = run_baseline(cases, warmup, asker_id, model, minimum, probable)
        result["baseline"] = summarise(base_run, cases) | {"frame": base_info}
        print_summary(base_run.label, result["baseline"])
        print(
            f"    frame of {base_info['rows']:,} rows built once in {base_info['build_s']:.1f} s and kept"
            f" (not in the latencies above); {base_info['rules']} blocking passes on it"
        )
        k, b = result["known"], result["baseline"]
        rebuild_p50 = b["p50_ms"] + 1000 * base_info["build_s"]
        ratios = {
            "p50": b["p50_ms"] / k["p50_ms"],
            "p95": b["p95_ms"] / k["p95_ms"],
            "p50_rebuild": rebuild_p50 / k["p50_ms"],
        }
        result["ratio_baseline_over_known"] = ratios
        print(
            f"\n  ratio baseline / known.score: p50 {ratios['p50']:.1f}x, p95 {ratios['p95']:.1f}x"
            f" (p50 {ratios['p50_rebuild']:.1f}x if the baseline rebuilt its frame per query);"
            f" recall known {k['recall']:.0f}% vs baseline {b['recall']:.0f}%"
        )
        missed = [
            c.text
            for c, ko, bo in zip(cases, known_run.outcomes, base_run.outcomes, strict=True)
            if c.targets and bo.found and not ko.found
        ]
        result["found_by_baseline_only"] = missed
        if missed:
            print(f"  found by the baseline, not by known.score ({len(missed)}): " + "; ".join(missed[:5]))
    result["cases"] = [
        {"query": c.text, "targets": len(c.targets), "identical": c.identical, "known": vars(o)}
        for c, o in zip(cases, known_run.outcomes, strict=True)
    ]
    search.OUT.mkdir(parents=True, exist_ok=True)
    path = search.OUT / f"known-{n}.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    print(f"  summary: {path.relative_to(search.ROOT)}", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    search.setup_django(args.database_url, f"-c statement_timeout={ADMIN_TIMEOUT_MS}")
    print(
        f"SOC Hub 'Is this person known to you?' benchmark: sizes {args.sizes}, {args.queries} queries,"
        f" {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    for n in args.sizes:
        bench_size(args, n)
    from django.db import connections

    connections.close_all()


if __name__ == "__main__":
    main()
