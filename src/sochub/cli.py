"""The ``sochub`` console command.

Results go to standard output; progress bars and logs go to standard error. Commands that
touch personal data act as a named user (``--as USERNAME``) and are audited like the web.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from sochub.audit.context import Actor

# Kept equal to sochub.engine.linkage.DEFAULT_THRESHOLD (a test checks), so --help needs no Splink import.
LINK_DEFAULT_THRESHOLD = 0.9


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sochub.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 2) -> NoReturn:
    print(f"sochub: {message}", file=sys.stderr)
    raise SystemExit(code)


def _actor(username: str | None, *, required: bool = True, purpose: str = "") -> Actor | None:
    from sochub.audit.context import Actor
    from sochub.audit.models import Channel
    from sochub.partners.models import User

    if not username:
        if required:
            _fail("name the user you act as: --as USERNAME")
        return None
    user = User.objects.select_related("agency").filter(username=username, is_active=True).first()
    if user is None:
        _fail(f"no active user called {username!r}")
    assert user is not None
    return Actor(user=user, channel=Channel.CLI, purpose=purpose)


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on standard error; yields a callback (stage, done, total)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal and not os.environ.get("SOCHUB_PROGRESS"),
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def cmd_serve(args: argparse.Namespace) -> None:
    from django.conf import settings
    from gunicorn.app.wsgiapp import run

    port = args.port or int(os.environ.get("SOCHUB_PORT", "8000"))
    host = args.host
    print(
        f"SOC Hub on http://{host}:{port}/ ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})",
        file=sys.stderr,
    )
    sys.argv = [
        "gunicorn",
        "sochub.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    run()


def cmd_worker(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("db_worker", interval=args.interval, no_startup_delay=True)


def cmd_migrate(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> None:
    from django.conf import settings

    from sochub.audit.context import Actor
    from sochub.audit.models import Channel
    from sochub.bulletin.demo import build_demo_bulletin
    from sochub.intel.demo import build_demo
    from sochub.intel.models import Nominal
    from sochub.linkage.demo_files import write_practice_files
    from sochub.linkage.resolution import resolution_run
    from sochub.linkage.services import source_records_adopt
    from sochub.operations.demo import build_demo_partnership
    from sochub.partners.models import User
    from sochub.prepare.demo import build_demo_prepare
    from sochub.prevent.demo import build_demo_prevent
    from sochub.profiles.demo import build_demo_profile
    from sochub.protect.demo import build_demo_self_assessments, write_demo_district_points
    from sochub.protect.demo_cases import build_demo_cases
    from sochub.risk import prioritisation
    from sochub.risk.demo import build_demo_assessments
    from sochub.suspicious_activity.demo import build_demo_suspicious_activity

    if Nominal.objects.exists():
        if args.if_empty:
            print("Demo data already loaded; nothing to do.", file=sys.stderr)
            return
        _fail("the database already holds nominals; the demo loads into an empty database only")
    with progress_bar() as update:
        summary = build_demo(
            seed=args.seed,
            nominals=args.nominals,
            password=os.environ.get("SOCHUB_DEMO_PASSWORD") or None,
            progress=update,
        )
        admin = Actor(user=User.objects.get(username="admin"), channel=Channel.CLI, purpose="Build the demo world")
        counts = dict(summary.counts)
        counts["source records for resolution"] = source_records_adopt(actor=admin, progress=update)
        coordinator = User.objects.get(username="coordinator")
        run = resolution_run(
            actor=Actor(user=coordinator, channel=Channel.CLI, purpose="Resolve the demo world"), progress=update
        )
        counts["nominals merged by resolution"] = run.stats.get("merges", 0)
        counts["pairs waiting for review"] = run.stats.get("review_pairs", 0)
        analyst = Actor(
            user=User.objects.get(username="analyst"), channel=Channel.CLI, purpose="Demo: first priority list"
        )
        counts.update(build_demo_assessments(seed=args.seed))
        try:
            priority = prioritisation.run_create(actor=analyst, seed=args.seed)
            priority = prioritisation.run_execute(actor=analyst, run=priority, progress=update)
            counts["nominals on GMP's first priority list"] = priority.entries.filter(rank__lte=priority.top).count()
        except prioritisation.NothingToRank:  # a tiny world can leave GMP with nothing to rank
            counts["nominals on GMP's first priority list"] = 0
        practice = settings.VAR_DIR / "demo-files"
        update("Building the demo local profile", 0, 1)
        counts.update(build_demo_profile(seed=args.seed, files=practice))
        update("Building the demo local profile", 1, 1)
        counts.update(build_demo_self_assessments(seed=args.seed))
        counts.update(build_demo_cases(seed=args.seed))
        update("Building the demo partnership month", 0, 1)
        counts.update(build_demo_partnership())
        update("Building the demo partnership month", 1, 1)
        for step, build in (
            ("Prevent programme", build_demo_prevent),
            ("intimidation cases and survey", build_demo_prepare),
            ("suspicious activity reports", build_demo_suspicious_activity),
            ("bulletin", build_demo_bulletin),
        ):
            update(f"Building the demo {step}", 0, 1)
            counts.update(build(seed=args.seed))
            update(f"Building the demo {step}", 1, 1)
    write_practice_files(practice)
    write_demo_district_points(practice)
    print("Demo world built:")
    for key, value in counts.items():
        print(f"  {key.replace('_', ' ')}: {value:,}")
    print(f"\nFiles to practise importing (GMP's has three rows to fix): {practice}")
    print(
        f"A new month of crime files to practise refreshing GMP's local profile: {practice}/policeuk-greater-manchester"
    )
    print("\nSign in as any of these users:")
    for username, agency, roles in summary.users:
        print(f"  {username:<20} {agency}  ({', '.join(roles)})")
    if os.environ.get("SOCHUB_DEMO_PASSWORD"):
        print("\nPassword: the value of SOCHUB_DEMO_PASSWORD")
    else:
        print(f"\nPassword for every demo user: {summary.password}")
    _save_demo_sign_in(summary)


def _save_demo_sign_in(summary: Any) -> None:
    """Keep the demo sign-in details beside the local database so `make run` can show them again."""
    from django.conf import settings

    path = settings.VAR_DIR / "demo-sign-in.txt"
    password = "the value of SOCHUB_DEMO_PASSWORD" if os.environ.get("SOCHUB_DEMO_PASSWORD") else summary.password
    lines = [f"{u:<20} {agency}  ({', '.join(roles)})" for u, agency, roles in summary.users]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Demo users:\n  " + "\n  ".join(lines) + f"\nPassword: {password}\n", encoding="utf-8")
    path.chmod(0o600)


def cmd_createuser(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from sochub.partners.models import Agency, Region
    from sochub.partners.services import user_create

    actor = _actor(args.as_user, required=False)
    agency = Agency.objects.filter(code=args.agency).first()
    if agency is None:
        _fail(f"no agency with code {args.agency!r} (see the partner directory)")
    region = Region.objects.filter(code=args.region).first() if args.region else None
    if args.region and region is None:
        _fail(f"no GAIN region with code {args.region!r}")
    password = os.environ.get("SOCHUB_NEW_PASSWORD") or (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password for the new user: ")
    )
    try:
        user = user_create(
            actor=actor,
            username=args.username,
            password=password,
            agency=agency,  # type: ignore[arg-type]
            roles=args.role,
            first_name=args.first_name,
            last_name=args.last_name,
            email=args.email,
            vetting=args.vetting,
            coordinator_region=region,
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail("; ".join(getattr(exc, "messages", [str(exc)])))
        return
    print(user.username)


def cmd_token(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from sochub.partners.models import User
    from sochub.partners.services import token_create, token_revoke

    actor = _actor(args.as_user or getattr(args, "username", None))
    assert actor is not None
    try:
        if args.token_command == "create":
            owner = User.objects.filter(username=args.username, is_active=True).first()
            if owner is None:
                _fail(f"no active user called {args.username!r}")
            token, raw = token_create(
                actor=actor,
                user=owner,
                purpose=args.purpose,  # type: ignore[arg-type]
                expires_days=args.expires,
            )
            print(f"Token {token.prefix}… for {args.username}, purpose: {token.purpose}", file=sys.stderr)
            print(f"Expires: {token.expires_at:%Y-%m-%d}" if token.expires_at else "Expires: never", file=sys.stderr)
            print(raw)
        else:
            n = token_revoke(actor=actor, prefix=args.prefix[:10])
            if not n:
                _fail("no live token with that prefix that you may revoke")
            print(f"Revoked {n} token(s).")
    except (ValidationError, PermissionDenied) as exc:
        _fail("; ".join(getattr(exc, "messages", [str(exc)])))


def cmd_audit(args: argparse.Namespace) -> None:
    from sochub.audit.selectors import can_search_audit
    from sochub.audit.services import chain_verify

    actor = _actor(args.as_user)
    assert actor is not None
    if not can_search_audit(actor.user):
        _fail("only administrators check the audit chain")
    with progress_bar() as update:
        result = chain_verify(actor=actor, progress=lambda d, t: update("Checking the audit chain", d, t))
    if result.ok:
        print(f"Audit chain intact: {result.rows:,} rows verified.")
    else:
        print(f"AUDIT CHAIN BROKEN: {result.reason}.")
        raise SystemExit(1)


def cmd_import(args: argparse.Namespace) -> None:
    """Import one file from the command line: the same checks, landing and audit as the web."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from sochub.engine import imports as engine
    from sochub.linkage import services
    from sochub.partners.models import Agency

    actor = _actor(args.as_user, purpose=args.purpose)
    assert actor is not None
    path = Path(args.file)
    if not path.is_file():
        _fail(f"{path}: no such file")
    agency = Agency.objects.filter(code=args.agency).first()
    if agency is None:
        _fail(f"no agency with the code {args.agency!r}")
    assert agency is not None
    try:
        batch = services.import_upload_path(actor=actor, agency=agency, kind=args.kind, path=path, sheet=args.sheet)
        if args.mapping:
            mapping_yaml = Path(args.mapping).read_text(encoding="utf-8")
        else:
            headers = engine.read_table(path, sheet=args.sheet or None).headers
            mapping_yaml = engine.dump_mapping(engine.guess_mapping(args.kind, headers))
        services.import_set_mapping(actor=actor, batch=batch, mapping_yaml=mapping_yaml)
        with progress_bar() as update:
            try:
                batch = services.import_run(actor=actor, batch=batch, progress=update)
            except Exception as exc:
                services.import_fail(batch=batch, error=f"{type(exc).__name__}: {exc}")
                raise
    except (ValidationError, engine.MappingError, engine.TableError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        hint = "" if args.mapping else " (no --mapping given: columns were guessed from the headers)"
        _fail("; ".join(messages) + hint)
    except PermissionDenied as exc:
        _fail(str(exc) or f"{actor.user.username} may not import files for {agency.name}")
    print(
        f"{batch.file_name}: {batch.read:,} rows read, {batch.landed:,} landed, {batch.changed:,} changed, "
        f"{batch.unchanged:,} unchanged, {batch.rejected:,} rejected"
        + (f", {batch.blank:,} empty rows skipped" if batch.blank else "")
    )
    if batch.rejected:
        print(f"Rejected rows, with the reason for each: {batch.rejects_path}")
        print("Fix them in that file and import it again with the same mapping.")


def cmd_resolve(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from sochub.linkage.resolution import resolution_run

    actor = _actor(args.as_user, purpose=args.purpose)
    assert actor is not None
    try:
        with progress_bar() as update:
            run = resolution_run(
                actor=actor, retrain=args.retrain, full=args.full, engine_name=args.engine, progress=update
            )
    except (PermissionDenied, ValidationError) as exc:
        _fail("; ".join(getattr(exc, "messages", [str(exc)])))
    print(f"Resolution run {run.pk}:")
    for key, value in run.stats.items():
        print(f"  {key.replace('_', ' ')}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")


def cmd_link(args: argparse.Namespace) -> None:
    """File mode: no database, no user; the same engine as resolution."""
    from sochub.engine import linkage

    paths = [Path(p) for p in args.inputs]
    for p in paths:
        if not p.is_file():
            _fail(f"{p}: no such file")
    mapping = None
    if args.mapping:
        import yaml

        mapping = yaml.safe_load(Path(args.mapping).read_text(encoding="utf-8"))
        if not isinstance(mapping, dict):
            _fail(f"{args.mapping}: expected 'field: column' lines")
    try:
        with progress_bar() as update:
            summary = linkage.link_files(
                paths,
                out=Path(args.out),
                engine=args.engine,
                threshold=LINK_DEFAULT_THRESHOLD if args.threshold is None else args.threshold,
                mapping=mapping,
                progress=update,
            )
    except (ValueError, KeyError) as exc:
        _fail(str(exc))
    print(f"Wrote {args.out}")
    for key, value in summary.items():
        print(f"  {key.replace('_', ' ')}: {value}")


def cmd_link_evaluate(args: argparse.Namespace) -> None:
    import pandas as pd

    from sochub.engine import linkage

    clusters = pd.read_csv(args.clusters, dtype=str, keep_default_na=False)
    truth = pd.read_csv(args.truth, dtype=str, keep_default_na=False)
    try:
        result = linkage.evaluate(clusters, truth)
    except (ValueError, KeyError) as exc:
        _fail(f"{exc}")
    print(f"precision {result.precision:.4f}  recall {result.recall:.4f}  F1 {result.f1:.4f}")
    print(
        f"true positive pairs {result.true_positives:,}, false positives {result.false_positives:,}, "
        f"false negatives {result.false_negatives:,}"
    )
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result.fp_pairs.to_csv(out / "false_positives.csv", index=False)
    result.fn_pairs.to_csv(out / "false_negatives.csv", index=False)
    print(f"Pairs to inspect: {out / 'false_positives.csv'} and {out / 'false_negatives.csv'}")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _ranking_text(rows: list[dict[str, Any]], fmt: str) -> str:
    import csv
    import io
    import json

    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    from sochub.engine.imports import escape_cell

    components = list(rows[0]["components"]) if rows else []
    named = bool(rows) and "name" in rows[0]  # database mode
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        extra = ["name"] if named else []
        writer.writerow(["rank", "id", *extra, "score", "p_top", "rank_low", "rank_high", *components, "model_version"])
        for row in rows:
            low, high = row["rank_interval"] or ("", "")
            p_top = "" if row["p_top"] is None else row["p_top"]
            parts = [row["components"][c] for c in components]
            name = [escape_cell(row["name"])] if named else []
            writer.writerow(
                [
                    row["rank"],
                    escape_cell(row["id"]),
                    *name,
                    row["score"],
                    p_top,
                    low,
                    high,
                    *parts,
                    row["model_version"],
                ]
            )
        return buffer.getvalue()
    heads = ["rank", "nominal" if named else "id", "score", "p_top", "rank 5-95%", *components]
    table = [
        [
            str(row["rank"]),
            f"{row['id'][:8].upper()} {row['name']}" if named else row["id"],
            f"{row['score']:.3f}",
            "" if row["p_top"] is None else f"{row['p_top']:.2f}",
            "" if row["rank_interval"] is None else "{}-{}".format(*row["rank_interval"]),
            *(f"{row['components'][c]:.3f}" for c in components),
        ]
        for row in rows
    ]
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(heads)]
    lines = [
        "  ".join(h.ljust(w) if i == 1 else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths, strict=True)))
    ]
    for r in table:
        lines.append(
            "  ".join(c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    if not rows:
        lines.append("(nobody scored above 0)")
    return "\n".join(lines) + "\n"


def _write_ranking(text: str, out: str | None) -> None:
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"Wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _print_summary(summary: dict[str, Any]) -> None:
    for key, value in summary.items():
        if key in {"model", "seed", "draws", "top", "official_morile"} or value in (0, {}, None, ""):
            continue
        print(f"  {key}: {value}", file=sys.stderr)


def cmd_prioritise(args: argparse.Namespace) -> None:
    """File mode ranks an analyst's own extract (no database); database mode ranks the nominals the user may see."""
    if not args.edges:
        if args.nodes or args.offences:
            _fail("--nodes and --offences go with --edges (file mode)")
        return _prioritise_database(args)
    from sochub.engine import prioritise as engine

    try:
        model = engine.load_model(args.model)
        inputs = engine.read_inputs(args.edges, args.nodes, args.offences)
        with progress_bar() as update:
            result = engine.prioritise(
                inputs, model=model, top=args.top, seed=args.seed, draws=args.draws, as_of=args.as_of, progress=update
            )
    except (engine.InputError, engine.ModelError, ValueError) as exc:
        _fail(str(exc))
    _write_ranking(_ranking_text(result.rows, args.format), args.out)
    summary = result.summary
    print(
        f"Ranked {len(result.rows)} of {summary['people with a score above 0']:,} people scoring above 0 "
        f"({summary['model']}; seed {summary['seed']}, {summary['draws']:,} draws).",
        file=sys.stderr,
    )
    _print_summary(summary)


def _prioritise_database(args: argparse.Namespace) -> None:
    """Rank the nominals ``--as`` may see; the run is stored (the web dashboard shows it) and audited."""
    if not args.as_user or not args.purpose:
        _fail('database mode needs --as USER and --purpose "why" (for file mode give --edges EDGES.csv)')
    from sochub.engine.prioritise import ModelError
    from sochub.risk import prioritisation, selectors

    actor = _actor(args.as_user, purpose=args.purpose)
    assert actor is not None
    try:
        run = prioritisation.run_create(
            actor=actor, top=args.top, seed=args.seed, draws=args.draws, as_of=args.as_of, model_path=args.model
        )
        with progress_bar() as update:
            run = prioritisation.run_execute(actor=actor, run=run, progress=update)
    except (PermissionError, ModelError, ValueError, prioritisation.NothingToRank) as exc:
        _fail(str(exc))
    rows = [
        {
            "id": str(item.entry.nominal_id),
            "name": item.name,
            "rank": item.entry.rank,
            "score": item.entry.score,
            "components": item.entry.contributions,
            "p_top": item.entry.p_top,
            "rank_interval": [item.entry.rank_low, item.entry.rank_high] if item.entry.rank_low else None,
            "explanation": item.entry.explanation,
            "model_version": run.model_version,
        }
        for item in selectors.top_list(user=actor.user, run=run)
    ]
    _write_ranking(_ranking_text(rows, args.format), args.out)
    print(
        f"Run {run.pk}: ranked {len(rows)} of {run.scored:,} nominals scoring above 0, of {run.people:,} you may see; "
        f"{run.protected:,} victims, children or vulnerable people never ranked "
        f"({run.model_name} {run.model_version}; seed {run.seed}, {run.draws:,} draws).",
        file=sys.stderr,
    )
    flagged = run.retention_reviews.count()
    if flagged:
        print(f"  {flagged} nominals left the list and are due a retention review.", file=sys.stderr)
    for line in run.equality.get("noticeable", []):
        print(f"  equality: {line}", file=sys.stderr)
    _print_summary(run.summary)


def _named_file(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=FILE (for example schools=schools.csv), not {text!r}")
    return name.strip().lower(), path.strip()


def cmd_profile(args: argparse.Namespace) -> None:
    """Build a SOC local profile from files into a folder: report, tables and maps (no database data)."""
    from sochub.engine.hotspots import DataError
    from sochub.engine.hotspots.profile import ProfileInputs, build_profile
    from sochub.profiles.building import write_all

    names = [name for name, _ in args.points]
    if len(set(names)) != len(names):
        _fail("each --points NAME must be different")
    inputs = ProfileInputs(
        crimes=args.crimes,
        outcomes=args.outcomes,
        stop_and_search=args.stop_and_search,
        imd=args.imd,
        lsoa_lookup=args.lsoa_lookup,
        population=args.population,
        boundaries=args.boundaries,
        points=dict(args.points),
        area_name=args.area_name or "",
        areas=args.areas,
        resolution=args.resolution,
        permutations=args.permutations,
        seed=args.seed,
    )
    out = Path(args.out)
    try:
        with progress_bar() as update:
            result = build_profile(inputs, progress=update)
            update("Writing the report, tables and maps", 0, 1)
            written = write_all(result, out, marking=args.marking, partners=args.partner)
            update("Writing the report, tables and maps", 1, 1)
    except DataError as exc:
        _fail(str(exc))
    for line in result.crimes.accounting.summary():
        print(line, file=sys.stderr)
    classes = result.on_count.counts()
    hot = sum(v for k, v in classes.items() if k.startswith("hot"))
    print(
        f"{result.grid.n:,} areas, {hot:,} hot spots, {result.concerns.height:,} areas of concern, "
        f"{len(result.findings)} findings ({result.period})",
        file=sys.stderr,
    )
    for name in sorted(written):
        print(written[name])


def cmd_selfassess(args: argparse.Namespace) -> None:
    """Score answers to the fraud and cyber self-assessment, or learn its routing from a survey (no database)."""
    import json

    from sochub.engine import selfassess as sa

    if args.selfassess_command == "score":
        try:
            questionnaire = sa.load_questionnaire(args.questionnaire)
        except sa.QuestionnaireError as exc:
            _fail(str(exc))
        path = Path(args.answers)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            _fail(f"{path}: no such file")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            _fail(f"{path}: not a JSON file ({exc})")
        answers = data.get("answers") if isinstance(data, dict) else data
        pairs: list[tuple[str, str]] = []
        if isinstance(answers, dict):
            pairs = [(str(k), str(v)) for k, v in answers.items()]
        elif isinstance(answers, list) and all(isinstance(p, list) and len(p) == 2 for p in answers):
            pairs = [(str(p[0]), str(p[1])) for p in answers]
        else:
            _fail(f'{path}: expected {{"answers": {{"question_id": "answer_id", ...}}}} or a list of pairs')
        try:
            result = sa.score(questionnaire, pairs)
        except sa.IncompleteError as exc:
            _fail(f"{path}: {exc}")
        except sa.AnswerError as exc:
            _fail(f"{path}: {exc}")
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    if args.selfassess_command == "check":
        try:
            questionnaire = sa.load_questionnaire(args.questionnaire)
        except sa.QuestionnaireError as exc:
            _fail(str(exc))
        lengths = sorted({len(p) - 1 for p in questionnaire.paths()})
        print(
            f"{questionnaire.label} ({'official' if questionnaire.official else 'not official'}): "
            f"{len(questionnaire.questions)} questions, {len(questionnaire.segments)} segments, "
            f"{len(questionnaire.nodes)} routing nodes; routes ask {lengths[0]} to {lengths[-1]} questions; "
            f"fingerprint {sa.fingerprint(questionnaire)}"
        )
        return
    if args.selfassess_command == "synthetic-survey":
        try:
            base = sa.load_questionnaire(args.questions)
            rows = sa.synthetic_survey(base, args.respondents, seed=args.seed, noise=args.noise)
        except (sa.QuestionnaireError, ValueError) as exc:
            _fail(str(exc))
        print(sa.write_survey(rows, args.out))
        return
    try:
        base = sa.load_questionnaire(args.questions)
        survey = sa.read_survey(args.survey, base)
        built = sa.build_tree(
            survey,
            base,
            max_questions=args.max_questions,
            min_questions=args.min_questions,
            test_share=args.test_share,
            seed=args.seed,
        )
    except (sa.QuestionnaireError, sa.SurveyError, sa.TreeError) as exc:
        _fail(str(exc))
    out = Path(args.out)
    header = (
        f"Learned by sochub selfassess build-tree from {Path(args.survey).name}: "
        f"held-out accuracy {built.accuracy:.3f} (majority baseline {built.baseline_accuracy:.3f}).\n"
        "Not an official questionnaire. Review the routing before people use it."
    )
    try:
        out.write_text(sa.dump_questionnaire(built.questionnaire, header=header), encoding="utf-8")
    except OSError as exc:
        _fail(f"{out}: cannot write the file ({exc})")
    for line in built.summary():
        print(line)
    print(f"Wrote {out}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sochub", description="SOC Hub: serious and organised crime partnership platform"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the web application")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="default: $SOCHUB_PORT or 8000")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background jobs")
    p.add_argument("--interval", type=float, default=1.0)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load a synthetic demo world into an empty database")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--nominals", type=int, default=18000)
    p.add_argument("--if-empty", action="store_true", help="do nothing if data is already loaded")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("createuser", help="add a user to an agency (password from $SOCHUB_NEW_PASSWORD or a prompt)")
    p.add_argument("username")
    p.add_argument("--agency", required=True, help="agency code, e.g. nca")
    p.add_argument("--role", action="append", required=True, help="repeat for several roles")
    p.add_argument("--vetting", default="NONE")
    p.add_argument("--region", help="GAIN region code, for coordinators")
    p.add_argument("--first-name", default="")
    p.add_argument("--last-name", default="")
    p.add_argument("--email", default="")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--as", dest="as_user", help="the administrator acting (not needed for the very first user)")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("token", help="API tokens")
    tsub = p.add_subparsers(dest="token_command", required=True)
    t = tsub.add_parser("create", help="create a token; prints it as the last line")
    t.add_argument("username")
    t.add_argument("--purpose", default="", help="why the token's reads happen; logged with each one")
    t.add_argument("--expires", type=int, default=90, help="days until it expires (default 90)")
    t.add_argument("--as", dest="as_user", help="the user acting (default: USERNAME)")
    t.set_defaults(func=cmd_token)
    t = tsub.add_parser("revoke", help="revoke a token by its first 10 characters")
    t.add_argument("prefix")
    t.add_argument("--as", dest="as_user", required=True)
    t.set_defaults(func=cmd_token)

    p = sub.add_parser("import", help="import an agency's file (CSV or XLSX) of nominals, associations, ...")
    p.add_argument("kind", choices=["nominals", "associations", "ocg-members", "intel"])
    p.add_argument("file")
    p.add_argument("--agency", required=True, help="code of the agency the file belongs to, e.g. gmp")
    p.add_argument("--mapping", help="YAML mapping of fields to columns (default: guess from the headers)")
    p.add_argument("--sheet", default="", help="worksheet of an XLSX file (default: the first)")
    p.add_argument("--purpose", required=True, help="why the data is collected (kept in the audit log)")
    p.add_argument("--as", dest="as_user", required=True)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("resolve", help="resolve imported records into nominals (record linkage)")
    p.add_argument("--retrain", action="store_true", help="estimate the model again from the data")
    p.add_argument("--full", action="store_true", help="score every record again, not only new ones")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--purpose", required=True, help="why records are being combined (kept in the audit log)")
    p.add_argument("--as", dest="as_user", required=True)
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser(
        "link",
        help="link or deduplicate CSV files of people (no database needed)",
        description="One file is deduplicated; several are linked across files and deduplicated within each. "
        "Each input needs a record_id column; common column names (first_name, surname, dob, postcode, ...) "
        "are recognised. Output: one line per input record with record_id, cluster_id, match_probability.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT.csv")
    p.add_argument("--out", required=True, help="clusters CSV to write")
    p.add_argument("--mapping", help="YAML 'field: column' lines for columns with other names")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"match probability at or above which two records link (default: {LINK_DEFAULT_THRESHOLD}, where "
        "false links are rare and near-certain duplicates still link)",
    )
    p.set_defaults(func=cmd_link, needs_django=False)

    p = sub.add_parser("link-evaluate", help="pairwise precision, recall and F1 of clusters against the truth")
    p.add_argument("--clusters", required=True, help="CSV with record_id, cluster_id")
    p.add_argument("--truth", required=True, help="CSV with record_id, entity_id")
    p.add_argument("--out-dir", default=".", help="where to write false_positives.csv and false_negatives.csv")
    p.set_defaults(func=cmd_link_evaluate, needs_django=False)

    p = sub.add_parser(
        "prioritise",
        help="rank nominals by risk and harm, with each score explained and its stability",
        description="Database mode (no --edges): rank the nominals the --as user may see, store the run for the "
        "web dashboard and audit it (--purpose required). "
        "File mode (no database): rank the people in CSV extracts. EDGES has source,target[,weight] "
        "(undirected; repeated pairs summed; weight = contact strength). NODES has id[,markers][,role] (markers "
        "';'-separated; roles naming a victim, child or vulnerable person are never ranked). OFFENCES has "
        "id,date,offence_type. With edges alone the ranking rests on network position. Results go to standard "
        "output (or --out); a summary of what was read, ignored and excluded goes to standard error.",
    )
    p.add_argument("--edges", metavar="EDGES.csv", help="association edges (file mode)")
    p.add_argument("--nodes", metavar="NODES.csv", help="people: id, markers, role")
    p.add_argument("--offences", metavar="OFFENCES.csv", help="offending history: id, date, offence_type")
    p.add_argument("--top", type=_positive_int, default=20, help="how many to list (default 20)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--out", help="write the ranking to this file instead of standard output")
    p.add_argument("--seed", type=int, default=None, help="makes the Monte Carlo repeatable (default: random, shown)")
    p.add_argument("--draws", type=_count, default=None, help="Monte Carlo draws (default: the model's, 1000)")
    p.add_argument("--model", metavar="M.yaml", help="prioritisation model (default: SOC Hub's open default)")
    p.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        help="date recency is measured from (default: file mode the latest offence, database mode today)",
    )
    p.add_argument("--as", dest="as_user", help="database mode: the user whose view is ranked")
    p.add_argument("--purpose", default="", help="database mode: why the ranking is run (audited)")
    p.set_defaults(func=cmd_prioritise, needs_django=False)

    p = sub.add_parser(
        "profile",
        help="SOC local profiles",
        description="Build a SOC local profile from police.uk files and partners' layers into a folder.",
    )
    psub = p.add_subparsers(dest="profile_command", required=True)
    b = psub.add_parser(
        "build",
        help="hot spots, areas of concern, maps and the report from files",
        description="Writes DIR/report.html, DIR/report.pdf, DIR/hotspots.csv (one row per area, zeros "
        "included), DIR/areas_of_concern.csv, areas.csv, trends.csv, rows_left_out.csv and the maps and charts as "
        "PNG; prints their paths. Rows without coordinates, outside the area or malformed are counted and listed "
        "in rows_left_out.csv. Bad files exit 2 naming the file, row and column.",
    )
    b.add_argument(
        "--crimes",
        nargs="+",
        required=True,
        metavar="PATH",
        help="police.uk street-level files: CSVs, folders of monthly folders, or zips",
    )
    b.add_argument("--outcomes", action="store_true", help="also join the *-outcomes.csv files found with them")
    b.add_argument(
        "--stop-and-search",
        nargs="+",
        default=[],
        metavar="PATH",
        help="police.uk stop-and-search files (CSVs, folders or zips): shown and counted per area, not scored",
    )
    b.add_argument("--imd", metavar="FILE", help="English IMD by LSOA (2019: 2011 codes; 2025: 2021 codes)")
    b.add_argument("--lsoa-lookup", metavar="FILE", help="ONS LSOA 2011 to 2021 lookup, when the codes differ")
    b.add_argument("--population", metavar="FILE", help="population by LSOA, for rates per 1,000 residents")
    b.add_argument(
        "--boundaries",
        metavar="FILE",
        help="LSOA boundaries (GeoJSON): sets the study area; rows outside it are counted",
    )
    b.add_argument(
        "--points",
        nargs="+",
        type=_named_file,
        default=[],
        metavar="NAME=FILE",
        help="point layers (latitude/longitude or easting/northing), e.g. schools=schools.csv; "
        "a layer named 'ocg addresses' counts as the OCG footprint",
    )
    b.add_argument("--area-name", metavar="NAME", help="the area's name, for the report")
    b.add_argument("--partner", action="append", default=[], metavar="AGENCY", help="a contributing partner")
    b.add_argument("--areas", choices=["h3", "lsoa"], default="h3", help="H3 hexagons (default) or LSOAs")
    b.add_argument(
        "--resolution",
        type=int,
        choices=range(5, 11),
        default=8,
        metavar="5-10",
        help="H3 resolution (default 8: hexagons of about 0.74 km²)",
    )
    b.add_argument("--permutations", type=_count, default=999, help="Gi* permutations (default 999; 0: analytic)")
    b.add_argument("--seed", type=int, default=20260101, help="permutation seed (default 20260101)")
    b.add_argument(
        "--marking",
        choices=["OFFICIAL", "OFFICIAL-SENSITIVE"],
        default="OFFICIAL-SENSITIVE",
        help="classification marking printed on every page (default OFFICIAL-SENSITIVE)",
    )
    b.add_argument("--out", required=True, metavar="DIR", help="folder for the report, tables and maps")
    b.set_defaults(func=cmd_profile)

    p = sub.add_parser(
        "selfassess",
        help="the public fraud and cyber self-assessment (no database)",
        description="Score a person's answers, or learn the questionnaire's routing from a survey.",
    )
    ssub = p.add_subparsers(dest="selfassess_command", required=True)
    s = ssub.add_parser(
        "score",
        help="print the segment and advice for a set of answers, as JSON",
        description='ANSWERS.json holds {"answers": {"question_id": "answer_id", ...}} or a list of '
        "[question_id, answer_id] pairs; the routing decides which answers are used. Exit 2 when the answers "
        "stop before the route ends (naming the question needed next) or name an unknown question or answer.",
    )
    s.add_argument("answers", metavar="ANSWERS.json")
    s.add_argument("--questionnaire", metavar="FILE", help="questionnaire YAML (default: SOC Hub's default)")
    s.set_defaults(func=cmd_selfassess, needs_django=False)
    s = ssub.add_parser("check", help="check a questionnaire file and summarise it")
    s.add_argument("questionnaire", nargs="?", metavar="FILE", help="default: SOC Hub's default")
    s.set_defaults(func=cmd_selfassess, needs_django=False)
    s = ssub.add_parser(
        "build-tree",
        help="learn the routing from a survey with a decision tree and report its held-out accuracy",
        description="SURVEY.csv has respondent_id, one column per question id holding the answer id (blank: not "
        "asked) and segment. Writes a questionnaire YAML in the same format as the shipped one. Bad survey files "
        "exit 2 naming the file, row and column.",
    )
    s.add_argument("survey", metavar="SURVEY.csv")
    s.add_argument("--out", required=True, metavar="FILE", help="questionnaire YAML to write")
    s.add_argument("--questions", metavar="BASE.yaml", help="questions, segments and advice (default: the shipped)")
    s.add_argument("--max-questions", type=_positive_int, default=8, help="most questions on a route (default 8)")
    s.add_argument("--min-questions", type=_positive_int, default=1, help="fewest questions on a route (default 1)")
    s.add_argument("--test-share", type=float, default=0.25, help="share of respondents held out (default 0.25)")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=cmd_selfassess, needs_django=False)
    s = ssub.add_parser("synthetic-survey", help="write a synthetic survey (for trying build-tree)")
    s.add_argument("--out", required=True, metavar="FILE")
    s.add_argument("--respondents", type=_positive_int, default=3000)
    s.add_argument("--noise", type=float, default=0.15, help="chance each answer is replaced at random")
    s.add_argument("--questions", metavar="BASE.yaml", help="questionnaire whose routing the answers follow")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=cmd_selfassess, needs_django=False)

    p = sub.add_parser("audit", help="the audit log")
    asub = p.add_subparsers(dest="audit_command", required=True)
    a = asub.add_parser("verify", help="check the hash chain; exit 1 if it is broken")
    a.add_argument("--as", dest="as_user", required=True)
    a.set_defaults(func=cmd_audit)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    database_mode = args.command == "prioritise" and not args.edges and args.as_user and args.purpose
    if getattr(args, "needs_django", True) or database_mode:
        _setup()
    args.func(args)


if __name__ == "__main__":
    main()
