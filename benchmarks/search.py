"""Nominal search at national scale: latency of ``sochub.intel.selectors.nominal_search`` on PostgreSQL.

Loads N synthetic UK-like people (``shared/bench/gen_persons.py``: names, dates of birth and
postcodes, with typos and duplicates) into a dedicated database as nominals with name, date of
birth and address facts, name tokens and shares, then times the search the web UI and the API
call, with one user and with many at once, beside a plain Django ``icontains`` baseline.

    .venv/bin/python benchmarks/search.py                      # 18,000 then 1,000,000 nominals
    .venv/bin/python benchmarks/search.py --sizes 18000 --queries 100
    .venv/bin/python benchmarks/search.py --sizes 1000000 --keep   # reuse the loaded database

Only the database named by ``--database-url`` (its name must start with ``sochub_bench``, on
127.0.0.1) is dropped and created. Every loop has a fixed count; every statement has a timeout.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
GEN_PERSONS = Path(os.environ.get("SOCHUB_SHARED", ROOT.parent / "shared")) / "bench" / "gen_persons.py"
GEN_VENV = OUT / "genvenv"
GEN_PACKAGES = ["numpy", "pandas", "pyarrow", "faker"]
TARGET_MS = 200.0
STATEMENT_TIMEOUT_MS = 120_000
QUERY_TYPES = ["misspelt full name", "surname only", "exact full name", "date of birth", "postcode"]
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Park Avenue",
    "Queens Road",
    "New Road",
    "Mill Lane",
    "Kings Road",
    "Grange Road",
    "North Street",
    "School Lane",
    "The Crescent",
    "London Road",
    "York Road",
    "Albert Street",
)
EPOCH = "2026-01-01 09:00:00+00"


# --------------------------------------------------------------------------------------------
# Arguments and the dedicated database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="18000,1000000", help="comma-separated numbers of nominals")
    p.add_argument("--users", type=int, default=50, help="concurrent users (threads) in the concurrent run")
    p.add_argument("--queries", type=int, default=400, help="measured queries per run (split over 5 types)")
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sochub_bench")
    p.add_argument("--keep", action="store_true", help="reuse the database if it already holds this size")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-baseline", action="store_true", help="skip the icontains baseline")
    p.add_argument(
        "--pg-options",
        default="",
        help='server settings for every connection, as in PGOPTIONS, e.g. "-c jit=off" to try a setting',
    )
    p.add_argument(
        "--explain",
        type=int,
        default=1,
        help="EXPLAIN ANALYZE the slowest SQL of the N slowest searches per type (0: none); written to benchmarks/out/",
    )
    p.add_argument(
        "--gen-python",
        default="",
        help="a Python with numpy, pandas, pyarrow and faker for "
        "gen_persons.py (default: this one if it has them, else benchmarks/out/genvenv)",
    )
    args = p.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 100 or max(args.sizes) > 5_000_000:
        p.error("sizes must be between 100 and 5,000,000")
    if not 1 <= args.users <= 80:
        p.error("--users must be 1..80 (PostgreSQL allows 100 connections here)")
    if not 5 <= args.queries <= 20_000:
        p.error("--queries must be 5..20000")
    url = urlsplit(args.database_url)
    dbname = url.path.lstrip("/")
    if url.scheme not in {"postgres", "postgresql"} or url.hostname not in {"127.0.0.1", "localhost", "::1"}:
        p.error("--database-url must be a PostgreSQL database on 127.0.0.1")
    if not dbname.startswith("sochub_bench"):
        p.error("the benchmark database's name must start with sochub_bench (it is dropped and recreated)")
    args.dbname = dbname
    args.admin_url = url._replace(path="/postgres").geturl()
    return args


def setup_django(database_url: str, pg_options: str = "") -> None:
    os.environ["DATABASE_URL"] = database_url
    if pg_options:
        os.environ["PGOPTIONS"] = pg_options  # read by libpq for every connection
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sochub.settings")
    # The production profile (DEBUG off: Django does not log every query), with a throwaway key.
    os.environ.setdefault("SOCHUB_SECRET_KEY", "benchmark-only-" + "k" * 50)
    os.environ.setdefault("SOCHUB_TASKS_IMMEDIATE", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db.backends.signals import connection_created

    def bound_statements(sender, connection, **kwargs):  # every statement stops by itself
        with connection.cursor() as cur:
            cur.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")

    connection_created.connect(bound_statements, weak=False)


def admin_exec(args: argparse.Namespace, *statements: str) -> list[tuple]:
    import psycopg

    rows: list[tuple] = []
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        for sql in statements:
            cur = conn.execute(sql)
            if cur.description:
                rows.extend(cur.fetchall())
    return rows


def loaded_marker(args: argparse.Namespace) -> str:
    rows = admin_exec(
        args,
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{args.dbname}'",
    )
    return (rows[0][0] or "") if rows else ""


def marker_for(n: int, seed: int) -> str:
    return f"sochub search benchmark: nominals={n} seed={seed}"


def recreate_database(args: argparse.Namespace) -> None:
    from django.db import connections

    connections.close_all()
    admin_exec(args, f'DROP DATABASE IF EXISTS "{args.dbname}" WITH (FORCE)', f'CREATE DATABASE "{args.dbname}"')


# --------------------------------------------------------------------------------------------
# Person records from gen_persons.py


@dataclass
class Person:
    uid: int
    entity: int
    first: str
    surname: str
    dob: str  # YYYY-MM-DD or ""
    postcode: str


def generator_python(args: argparse.Namespace) -> str:
    if args.gen_python:
        return args.gen_python
    probe = "import numpy, pandas, pyarrow, faker"
    if subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=120).returncode == 0:
        return sys.executable
    py = GEN_VENV / "bin" / "python"
    if not py.exists() or subprocess.run([str(py), "-c", probe], capture_output=True, timeout=120).returncode:
        print(f"Installing {', '.join(GEN_PACKAGES)} for gen_persons.py into {GEN_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(GEN_VENV)], check=True, timeout=300)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *GEN_PACKAGES], check=True, timeout=900)
    return str(py)


def generate_people(args: argparse.Namespace, n: int) -> list[Person]:
    """Exactly n records from gen_persons.py (it makes n +-2%, so ask for a little more)."""
    OUT.mkdir(parents=True, exist_ok=True)
    parquet, table = OUT / f"persons-{n}-{args.seed}.parquet", OUT / f"persons-{n}-{args.seed}.csv"
    if not table.exists():
        py = generator_python(args)
        want = str(int(n * 1.03) + 10)
        done = subprocess.run(
            [py, str(GEN_PERSONS), want, str(parquet), str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
            timeout=900,
        )
        print("  gen_persons.py: " + done.stdout.splitlines()[0], flush=True)
        convert = "import sys, pandas as pd; pd.read_parquet(sys.argv[1]).to_csv(sys.argv[2], index=False)"
        subprocess.run([py, "-c", convert, str(parquet), str(table)], check=True, timeout=900)
        parquet.unlink()
    people: list[Person] = []
    with table.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if len(people) == n:
                break
            people.append(
                Person(
                    int(row["unique_id"]),
                    int(row["entity_id"]),
                    row["first_name"].strip(),
                    row["surname"].strip(),
                    row["dob"].strip(),
                    row["postcode"].strip(),
                )
            )
    if len(people) < n:
        raise SystemExit(f"gen_persons.py gave {len(people)} records, fewer than {n}")
    return people


# --------------------------------------------------------------------------------------------
# Who owns what: deterministic from the seed, so --keep can rebuild it without reading the database


@dataclass
class Layout:
    nominal_ids: list[str]
    owner: list[int]  # index into agencies: 0 is the analysts' agency
    shared: list[bool]  # a live share of the owner's facts with agency 0
    revoked: list[bool]  # a share with agency 0 that was revoked (must not count)

    def visible(self, i: int) -> bool:
        return self.owner[i] == 0 or self.shared[i]


def layout_for(n: int, seed: int) -> Layout:
    rng = random.Random(seed * 1_000_003 + n)
    ids, owner, shared, revoked = [], [], [], []
    for i in range(n):
        ids.append(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        own = i % 3
        live = own != 0 and rng.random() < 0.5
        owner.append(own)
        shared.append(live)
        revoked.append(own != 0 and not live and rng.random() < 0.1)
    return Layout(ids, owner, shared, revoked)


AGENCIES = [
    ("bench-police", "Benchmark Constabulary", "law_enforcement"),
    ("bench-hmrc", "Benchmark Revenue", "government"),
    ("bench-council", "Benchmark Borough Council", "local"),
]


def ensure_agencies_and_users(n_users: int) -> tuple[list[int], list]:
    from sochub.partners.models import Agency, User

    agencies = [Agency.objects.get_or_create(code=c, defaults={"name": nm, "kind": k})[0] for c, nm, k in AGENCIES]
    users = []
    for i in range(n_users):
        user, created = User.objects.get_or_create(
            username=f"bench-analyst-{i:02d}",
            defaults={"agency": agencies[0], "roles": ["analyst"], "vetting": "NPPV2", "email": ""},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return [a.pk for a in agencies], users


# --------------------------------------------------------------------------------------------
# Loading with COPY


def _esc(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class Chunked:
    """Lines of a COPY text stream, joined every 50,000 lines to keep memory small."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lines: list[str] = []
        self.count = 0

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.count += 1
        if len(self.lines) >= 50_000:
            self.parts.append("".join(self.lines))
            self.lines = []

    def chunks(self) -> list[str]:
        if self.lines:
            self.parts.append("".join(self.lines))
            self.lines = []
        return self.parts


def build_rows(people: list[Person], layout: Layout, agency_ids: list[int]) -> dict[str, Chunked]:
    """COPY text for nominals, facts, name tokens and shares, validated as the app validates facts."""
    from functools import lru_cache

    from sochub.engine import names
    from sochub.intel.models import FactKind
    from sochub.intel.validation import fact_value_and_key

    phonetic = lru_cache(maxsize=None)(names.phonetic_keys)
    tokens_of = lru_cache(maxsize=200_000)(names.name_tokens)
    check = lru_cache(maxsize=200_000)(fact_value_and_key)
    out = {k: Chunked() for k in ("nominal", "fact", "token", "share")}
    fact_id = token_id = share_id = 0
    for i, p in enumerate(people):
        nid, agency = layout.nominal_ids[i], agency_ids[layout.owner[i]]
        out["nominal"].add(f"{nid}\t{EPOCH}\tbench-{p.entity}\n")
        facts: list[tuple[str, str]] = []
        name = " ".join(x for x in (p.first, p.surname) if x)
        if name and tokens_of(name):
            facts.append((FactKind.NAME, name))
        if p.dob:
            facts.append((FactKind.BIRTH_DATE, p.dob))
        if p.postcode:
            facts.append((FactKind.ADDRESS, f"{1 + (i * 7919) % 240} {STREETS[i % len(STREETS)]}, {p.postcode}"))
        for kind, raw in facts:
            shown, key, data = check(kind, raw)
            fact_id += 1
            out["fact"].add(
                f"{fact_id}\t{nid}\t{agency}\t{kind}\t{_esc(shown)}\t{_esc(key)}\t{_esc(json.dumps(data))}"
                f"\tBENCH/{p.uid}\t{EPOCH}\n"
            )
            if kind == FactKind.NAME:  # as intel.services.name_tokens_for
                for token in dict.fromkeys(tokens_of(shown)):
                    soundex, metaphone = phonetic(token)
                    token_id += 1
                    out["token"].add(
                        f"{token_id}\t{fact_id}\t{nid}\t{agency}\t{_esc(token[:60])}\t{soundex}\t{_esc(metaphone)}\n"
                    )
        if layout.shared[i] or layout.revoked[i]:
            share_id += 1
            revoked = EPOCH if layout.revoked[i] else "\\N"
            out["share"].add(
                f"{share_id}\t{agency}\t{agency_ids[0]}\t{nid}\tJoint tasking: benchmark partnership"
                f"\tDPA 2018 s.35 (law enforcement purposes)\t\t{EPOCH}\t{revoked}\n"
            )
    return out


def load(args: argparse.Namespace, n: int, people: list[Person], layout: Layout, agency_ids: list[int]) -> dict:
    import psycopg

    from sochub.intel.models import NameToken, Nominal, NominalFact, Share

    times: dict[str, float] = {}
    t = time.perf_counter()
    rows = build_rows(people, layout, agency_ids)
    times["build rows (validate facts, tokens)"] = time.perf_counter() - t
    tables = {
        "nominal": (Nominal._meta.db_table, "id, created_at, demo_truth"),
        "fact": (
            NominalFact._meta.db_table,
            "id, nominal_id, agency_id, kind, value, key, data, source_ref, recorded_at",
        ),
        "token": (NameToken._meta.db_table, "id, fact_id, nominal_id, agency_id, token, soundex, metaphone"),
        "share": (
            Share._meta.db_table,
            "id, owner_id, recipient_id, nominal_id, purpose, legal_basis, handling, created_at, revoked_at",
        ),
    }
    names_ = [t for t, _ in tables.values()]
    with psycopg.connect(args.database_url) as conn:
        cur = conn.cursor()
        cur.execute("SET session_replication_role = replica")  # FK triggers off: rows are consistent by design
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            (names_,),
        )
        secondary = cur.fetchall()
        for index_name, _ in secondary:
            cur.execute(f"DROP INDEX {index_name}")
        t = time.perf_counter()
        for key, (table, columns) in tables.items():
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for chunk in rows[key].chunks():
                    copy.write(chunk)
        for key in ("fact", "token", "share"):
            table = tables[key][0]
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(rows[key].count, 1)})")
        times["COPY"] = time.perf_counter() - t
        t = time.perf_counter()
        for _, definition in secondary:
            cur.execute(definition)
        times[f"rebuild {len(secondary)} secondary indexes"] = time.perf_counter() - t
        conn.commit()
    t = time.perf_counter()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        for table in names_:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.execute(f"COMMENT ON DATABASE \"{args.dbname}\" IS '{marker_for(n, args.seed)}'")
    times["VACUUM ANALYZE"] = time.perf_counter() - t
    return {"times": times, "rows": {k: v.count for k, v in rows.items()}}


def table_sizes() -> list[tuple[str, int, str, str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, reltuples::bigint, pg_size_pretty(pg_table_size(oid)), "
            "pg_size_pretty(pg_indexes_size(oid)) FROM pg_class WHERE relname IN "
            "('intel_nominal', 'intel_nominalfact', 'intel_nametoken', 'intel_share') ORDER BY relname"
        )
        return cur.fetchall()


# --------------------------------------------------------------------------------------------
# The query mix


@dataclass
class Query:
    kind: str
    text: str
    source: int  # index of the record the query was made from
    baseline_term: str  # what the icontains baseline looks for: the surname as typed, else the record's
    target: str = ""  # the source record's nominal id
    visible: bool = False  # whether the analysts may see that nominal


def _typo(word: str, rng: random.Random) -> str:
    """One letter replaced by another; the first letter is kept, as in most real misspellings."""
    i = rng.randrange(1, len(word))
    c = rng.choice([x for x in "abcdefghijklmnopqrstuvwxyz" if x != word[i].lower()])
    return word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1 :]


def build_queries(people: list[Person], layout: Layout, count: int, rng: random.Random) -> list[Query]:
    from sochub.engine import names

    per_type = [count // len(QUERY_TYPES) + (1 if k < count % len(QUERY_TYPES) else 0) for k in range(len(QUERY_TYPES))]
    queries: list[Query] = []
    for kind, wanted in zip(QUERY_TYPES, per_type, strict=True):
        made, tries = 0, 0
        while made < wanted and tries < wanted * 200:
            tries += 1
            i = rng.randrange(len(people))
            p = people[i]
            if kind == "misspelt full name":
                if len(p.first) < 3 or len(p.surname) < 3:
                    continue
                if rng.random() < 0.5:
                    first, surname = _typo(p.first, rng), p.surname
                else:
                    first, surname = p.first, _typo(p.surname, rng)
                q = Query(kind, f"{first} {surname}", i, surname)
            elif kind == "surname only":
                if len(p.surname) < 2:
                    continue
                q = Query(kind, p.surname, i, p.surname)
            elif kind == "exact full name":
                if not p.first or not p.surname:
                    continue
                q = Query(kind, f"{p.first} {p.surname}", i, p.surname)
            elif kind == "date of birth":
                if not p.dob or not p.surname:
                    continue
                y, m, d = p.dob.split("-")
                q = Query(kind, f"{d}/{m}/{y}", i, p.surname)
            else:
                if not names.postcode_key(p.postcode) or not p.surname:
                    continue
                q = Query(kind, p.postcode, i, p.surname)
            q.target, q.visible = layout.nominal_ids[i], layout.visible(i)
            queries.append(q)
            made += 1
    rng.shuffle(queries)
    return queries


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Sample:
    kind: str
    ms: float
    hits: int
    found: bool | None  # source nominal among the hits (None: the user may not see it)
    error: str = ""


@dataclass
class Run:
    label: str
    threads: int
    wall_s: float
    samples: list[Sample] = field(default_factory=list)


def _search(users: list, user_index: int, q: Query) -> Sample:
    from sochub.intel.selectors import nominal_search

    t = time.perf_counter()
    try:
        hits = nominal_search(user=users[user_index], query=q.text)
    except Exception as exc:  # a timed-out statement counts as an error, not a crash
        return Sample(q.kind, (time.perf_counter() - t) * 1000, 0, None, type(exc).__name__)
    ms = (time.perf_counter() - t) * 1000
    found = any(h.nominal_id == q.target for h in hits) if q.visible else None
    return Sample(q.kind, ms, len(hits), found)


def _baseline(users: list, user_index: int, q: Query) -> Sample:
    from sochub.intel.models import NominalFact

    t = time.perf_counter()
    try:
        rows = list(NominalFact.objects.filter(kind="name", value__icontains=q.baseline_term)[:50])
    except Exception as exc:
        return Sample(q.kind, (time.perf_counter() - t) * 1000, 0, None, type(exc).__name__)
    ms = (time.perf_counter() - t) * 1000
    return Sample(q.kind, ms, len(rows), None)


def run_sequential(label: str, fn, users: list, queries: list[Query], warmup: list[Query]) -> Run:
    for q in warmup:
        fn(users, 0, q)
    t = time.perf_counter()
    samples = [fn(users, 0, q) for q in queries]
    return Run(label, 1, time.perf_counter() - t, samples)


def run_concurrent(label: str, fn, users: list, queries: list[Query], threads: int) -> Run:
    from django.db import connection, connections

    connections.close_all()
    slices = [queries[k::threads] for k in range(threads)]
    barrier = threading.Barrier(threads + 1, timeout=120)

    def worker(k: int) -> list[Sample]:
        try:
            connection.ensure_connection()
            barrier.wait()
            return [fn(users, k, q) for q in slices[k]]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(worker, k) for k in range(threads)]
        barrier.wait()
        t = time.perf_counter()
        results = [f.result(timeout=3600) for f in futures]
        wall = time.perf_counter() - t
    return Run(label, threads, wall, [s for r in results for s in r])


def pct(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(run: Run) -> dict[str, dict]:
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in run.samples:
        groups[s.kind].append(s)
    out = {}
    for kind in [*QUERY_TYPES, "all"]:
        group = run.samples if kind == "all" else groups.get(kind, [])
        ok = [s for s in group if not s.error]
        ms = [s.ms for s in ok]
        if not group:
            continue
        judged = [s.found for s in ok if s.found is not None]
        mean_ms = sum(ms) / len(ms) if ms else math.nan
        # Overall: measured (queries / wall time). Per type: Little's law, threads / mean latency.
        qps = len(group) / run.wall_s if kind == "all" else run.threads * 1000 / mean_ms
        out[kind] = {
            "count": len(group),
            "errors": len(group) - len(ok),
            "p50": pct(ms, 50),
            "p95": pct(ms, 95),
            "p99": pct(ms, 99),
            "max": max(ms) if ms else math.nan,
            "mean": mean_ms,
            "qps": qps,
            "hits": sum(s.hits for s in ok) / len(ok) if ok else math.nan,
            "found": (100 * sum(judged) / len(judged)) if judged else math.nan,
        }
    return out


def print_run(run: Run, search: bool) -> dict[str, dict]:
    summary = summarise(run)
    print(f"\n  {run.label}: {len(run.samples)} queries, {run.threads} thread(s), wall {run.wall_s:.1f} s")
    head = f"  {'query type':<20}{'count':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'q/s':>8}"
    head += f"{'p95/200ms':>10}{'hits':>7}" + (f"{'found':>7}" if search else "") + f"{'err':>5}"
    print(head)
    for kind, s in summary.items():
        line = (
            f"  {kind:<20}{s['count']:>6}{s['p50']:>9.1f}{s['p95']:>9.1f}{s['p99']:>9.1f}{s['max']:>9.1f}"
            f"{s['qps']:>8.1f}{s['p95'] / TARGET_MS:>10.2f}{s['hits']:>7.0f}"
        )
        if search:
            line += f"{s['found']:>6.0f}%" if not math.isnan(s["found"]) else f"{'-':>7}"
        print(line + f"{s['errors']:>5}")
    return summary


def print_ratio(search: dict[str, dict], base: dict[str, dict], label: str) -> dict[str, float]:
    print(f"\n  ratio nominal_search / icontains baseline, {label} (below 1: nominal_search is faster)")
    print(f"  {'query type':<20}{'p50':>9}{'p95':>9}")
    ratios = {}
    for kind in search:
        if kind in base:
            r50, r95 = search[kind]["p50"] / base[kind]["p50"], search[kind]["p95"] / base[kind]["p95"]
            ratios[kind] = r95
            print(f"  {kind:<20}{r50:>9.2f}{r95:>9.2f}")
    return ratios


# --------------------------------------------------------------------------------------------
# Where the time goes: SQL per statement for the slowest searches, and EXPLAIN ANALYZE


def profile_slowest(users: list, queries: list[Query], run: Run, n: int, per_type: int) -> None:
    from django.db import connection

    from sochub.intel.selectors import nominal_search

    if per_type <= 0:
        return
    by_query = sorted(zip(run.samples, queries, strict=True), key=lambda sq: -sq[0].ms)
    chosen: list[Query] = []
    for kind in QUERY_TYPES:
        chosen += [q for s, q in by_query if q.kind == kind][:per_type]
    path = OUT / f"explain-{n}.txt"
    with path.open("w") as fh:
        print(f"\n  Where the time goes (slowest {per_type} search(es) of each type, re-run alone):")
        for q in chosen:
            statements: list[tuple[float, str, tuple]] = []

            def capture(execute, sql, params, many, context, statements=statements):
                t0 = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    statements.append(((time.perf_counter() - t0) * 1000, sql, params))

            t = time.perf_counter()
            with connection.execute_wrapper(capture):
                hits = nominal_search(user=users[0], query=q.text)
            total = (time.perf_counter() - t) * 1000
            sql_ms = sum(s[0] for s in statements)
            parts = ", ".join(f"{ms:.0f}" for ms, _, _ in statements)
            print(
                f"  {q.kind:<20} {q.text!r:<28} {total:7.0f} ms: {len(statements)} SQL = {sql_ms:.0f} ms "
                f"[{parts}], Python {total - sql_ms:.0f} ms, {len(hits)} hits"
            )
            slow_ms, slow_sql, slow_params = max(statements, key=lambda s: s[0])
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow_sql, slow_params)
                plan = "\n".join(r[0] for r in cur.fetchall())
            shown_params = [
                p if not isinstance(p, list | tuple) or len(p) < 6 else f"<{len(p)} values>"
                for p in (slow_params or ())
            ]
            shown_sql = slow_sql if len(slow_sql) < 3000 else slow_sql[:3000] + " ..."
            fh.write(f"=== {q.kind}: {q.text!r} ({total:.0f} ms total; slowest SQL {slow_ms:.0f} ms)\n")
            fh.write(f"{shown_sql}\nparams: {shown_params}\n\n{plan}\n\n")
    print(f"  EXPLAIN (ANALYZE, BUFFERS) of each one's slowest statement: {path.relative_to(ROOT)}")


# --------------------------------------------------------------------------------------------


def bench_size(args: argparse.Namespace, n: int) -> dict:
    print(f"\n{'=' * 100}\nN = {n:,} nominals  (database {args.dbname}, seed {args.seed})", flush=True)
    t0 = time.perf_counter()
    cached = (OUT / f"persons-{n}-{args.seed}.csv").exists()
    people = generate_people(args, n)
    gen_s = time.perf_counter() - t0
    layout = layout_for(n, args.seed)
    result: dict = {"nominals": n, "users": args.users, "queries": args.queries}
    if args.keep and loaded_marker(args) == marker_for(n, args.seed):
        print("  --keep: reusing the loaded database")
        agency_ids, users = ensure_agencies_and_users(args.users)
        result["load"] = "reused"
    else:
        from django.core.management import call_command

        t = time.perf_counter()
        recreate_database(args)
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - t
        agency_ids, users = ensure_agencies_and_users(args.users)
        loaded = load(args, n, people, layout, agency_ids)
        times = {
            "records (gen_persons.py" + (", cached CSV)" if cached else ")"): gen_s,
            "create database + migrate": migrate_s,
            **loaded["times"],
        }
        total = sum(times.values())
        print(f"  load: {total:.1f} s in all (" + "; ".join(f"{k} {v:.1f} s" for k, v in times.items()) + ")")
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in loaded["rows"].items()))
        result["load"] = {"total_s": total, **times, "rows": loaded["rows"]}
    visible = sum(1 for i in range(n) if layout.visible(i))
    print(
        f"  analyst agency sees {visible:,} of {n:,} nominals ({100 * visible / n:.0f}%): "
        f"{sum(1 for o in layout.owner if o == 0):,} own + {sum(layout.shared):,} shared "
        f"({sum(layout.revoked):,} revoked shares do not count)"
    )
    for name, rows, size, idx in table_sizes():
        print(f"  {name:<20} {rows:>12,} rows  table {size:>8}  indexes {idx:>8}")
    queries = build_queries(people, layout, args.queries, random.Random(args.seed + n))
    warmup = build_queries(people, layout, min(50, args.queries), random.Random(args.seed + n + 1))
    # Free the harness's own millions of objects before timing: left alive, Python's full garbage
    # collections walk them during searches (measured: +60% p95 at 1M), which a web worker never has.
    del people, layout
    gc.collect()
    print(
        f"  query mix: {len(queries)} queries, e.g. "
        + "; ".join(f"{k}: {next(q.text for q in queries if q.kind == k)!r}" for k in QUERY_TYPES)
    )

    print(f"\n--- nominal_search (target p95 <= {TARGET_MS:.0f} ms) ---", flush=True)
    seq = run_sequential("1 user, sequential, warm", _search, users, queries, warmup)
    result["search_1"] = print_run(seq, True)
    con = run_concurrent(f"{args.users} concurrent users", _search, users, queries, args.users)
    result["search_n"] = print_run(con, True)
    if not args.no_baseline:
        print("\n--- baseline: NominalFact.objects.filter(kind='name', value__icontains=<surname>)[:50] ---")
        print("  (no visibility rules, no fuzzy matching: a floor for a plain Django search; <surname> is the")
        print("   surname as typed in a name query, else the source record's surname)", flush=True)
        bseq = run_sequential("baseline, 1 user, sequential, warm", _baseline, users, queries, warmup)
        result["baseline_1"] = print_run(bseq, False)
        bcon = run_concurrent(f"baseline, {args.users} concurrent users", _baseline, users, queries, args.users)
        result["baseline_n"] = print_run(bcon, False)
        result["ratio_1"] = print_ratio(result["search_1"], result["baseline_1"], "1 user")
        result["ratio_n"] = print_ratio(result["search_n"], result["baseline_n"], f"{args.users} users")
    profile_slowest(users, queries, seq, n, args.explain)
    (OUT / f"search-{n}.json").write_text(json.dumps(result, indent=1, default=str))
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django(args.database_url, args.pg_options)
    print(
        f"SOC Hub search benchmark: sizes {args.sizes}, {args.queries} queries, "
        f"{args.users} concurrent users, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    settings_ = ["server_version", "shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"]
    shown = [r[0] for r in admin_exec(args, *(f"SHOW {name}" for name in settings_))]
    print(
        "PostgreSQL: "
        + ", ".join(f"{k} {v}" for k, v in zip(settings_, shown, strict=True))
        + (f" (PGOPTIONS {args.pg_options!r})" if args.pg_options else "")
    )
    for n in args.sizes:
        bench_size(args, n)
    from django.db import connections

    connections.close_all()


if __name__ == "__main__":
    main()
