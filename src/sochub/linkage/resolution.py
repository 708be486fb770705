"""Resolution: turning source records into one nominal per real person, and undoing it.

The engine (``sochub.engine.linkage``, Splink) scores pairs of source records; this module
keeps those scores, applies analysts' judgements over the model, and moves records between
nominals so each nominal keeps its id. Every move is a ClusterChange, audited and reversible.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    import pandas as pd

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.intel.models import NameToken, Nominal, NominalFact
from sochub.intel.services import nominals_absorb_links
from sochub.intel.validation import clean_text

from . import policies
from .models import (
    CandidatePair,
    ChangeKind,
    ClusterChange,
    Decision,
    ImportKind,
    MatchJudgement,
    PairStatus,
    ResolutionRun,
    SourceRecord,
)

Progress = Callable[[str, int, int], None]
RUN_TIMEOUT = timedelta(hours=6)  # a run unfinished after this long is taken to have died


def _engine() -> Any:
    """The linkage engine (Splink, DuckDB, pandas), imported when first needed: the web and CLI
    import this module at start-up and should not pay half a second for it."""
    from sochub.engine import linkage

    return linkage


def _records_frame(records: list[Any]) -> pd.DataFrame:
    import pandas as pd

    fields = [f for f in _engine().CANONICAL if f not in ("unique_id", "source_dataset")]
    rows = []
    for r in records:
        v = r["values"]
        rows.append({"unique_id": str(r["pk"]), "source_dataset": r["agency__code"], **{f: v.get(f) for f in fields}})
    return pd.DataFrame(rows, columns=["unique_id", "source_dataset", *fields])


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def labels() -> dict[tuple[int, int], str]:
    """The latest decisive analyst judgement on each pair ("not sure" leaves the last one standing)."""
    out: dict[tuple[int, int], str] = {}
    decisive = MatchJudgement.objects.exclude(decision=Decision.UNSURE).order_by("decided_at", "id")
    for left, right, decision in decisive.values_list("record_l_id", "record_r_id", "decision"):
        out[_ordered(left, right)] = decision
    return out


def refuse_if_running() -> None:
    running = ResolutionRun.objects.filter(finished_at__isnull=True, created_at__gte=timezone.now() - RUN_TIMEOUT)
    if running.exists():
        raise ValidationError({"run": "A resolution run is already in progress; wait for it to finish."})


def resolution_run(
    *,
    actor: Actor,
    retrain: bool = False,
    full: bool = False,
    engine_name: str = "duckdb",
    progress: Progress | None = None,
) -> ResolutionRun:
    """Score new or changed source records (all of them when ``full``) and re-cluster.

    Parameters are estimated from the data (unsupervised) on the first run or when
    ``retrain`` is asked; later runs reuse the saved model so results stay comparable.
    """
    if not policies.can_resolve(actor.user):
        raise PermissionDenied("Only analysts and GAIN coordinators run resolution.")
    refuse_if_running()
    step = progress or (lambda stage, done, total: None)
    started = timezone.now()
    previous = ResolutionRun.objects.exclude(model={}).first()
    records = [
        dict(r)
        for r in SourceRecord.objects.filter(kind=ImportKind.NOMINALS).values(
            "pk", "values", "agency__code", "resolved_at"
        )
    ]
    run = ResolutionRun.objects.create(
        started_by=actor.user,
        engine=engine_name,
        link_threshold=settings.SOCHUB_LINK_THRESHOLD,
        review_threshold=settings.SOCHUB_REVIEW_THRESHOLD,
    )
    try:
        return _score_and_apply(
            actor=actor,
            run=run,
            records=records,
            previous=previous,
            started=started,
            retrain=retrain,
            full=full,
            step=step,
        )
    except Exception as exc:  # a failed run must not block the next one
        run.stats = {"records": len(records), "error": f"{type(exc).__name__}: {exc}"}
        run.finished_at = timezone.now()
        run.save(update_fields=["stats", "finished_at"])
        raise


def _score_and_apply(
    *,
    actor: Actor,
    run: ResolutionRun,
    records: list[dict[str, Any]],
    previous: ResolutionRun | None,
    started: datetime,
    retrain: bool,
    full: bool,
    step: Progress,
) -> ResolutionRun:
    engine = _engine()
    engine_name = run.engine
    stats: dict[str, Any] = {"records": len(records)}
    if len(records) < 2:
        run.stats, run.finished_at = {**stats, "note": "Fewer than two records: nothing to compare."}, timezone.now()
        run.save()
        return run
    step("Preparing records", 0, 4)
    frame = engine.prepare(_records_frame(records))
    new_ids = {str(r["pk"]) for r in records if r["resolved_at"] is None}
    incremental = bool(previous) and not (retrain or full)
    if previous and not retrain:
        model = engine.LinkageModel.from_json(json.dumps(previous.model))
    else:
        step("Estimating the model from the data", 1, 4)
        model = engine.train(frame)  # on a sample that fits one machine; scoring uses the chosen engine
    stats["new_or_changed"] = len(new_ids)
    step("Scoring pairs", 2, 4)
    if incremental:
        frame["is_new"] = frame["unique_id"].isin(new_ids)
        pairs = engine.predict(
            frame, model, engine=engine_name, threshold=run.review_threshold, touching="is_new", explain=True
        )
    else:
        pairs = engine.predict(frame, model, engine=engine_name, threshold=run.review_threshold, explain=True)
    stats["pairs_scored"] = len(pairs)
    step("Keeping scores", 3, 4)
    with transaction.atomic():
        if incremental:
            for chunk in _chunks([int(i) for i in new_ids]):
                CandidatePair.objects.filter(Q(record_l_id__in=chunk) | Q(record_r_id__in=chunk)).delete()
        else:
            CandidatePair.objects.all().delete()
        judged = labels()
        kept = []
        for row in cast(list[dict[str, Any]], pairs.to_dict("records")):
            left, right = _ordered(int(row["unique_id_l"]), int(row["unique_id_r"]))
            p = float(row["match_probability"])
            decision = judged.get((left, right))
            status = (
                PairStatus.JUDGED
                if decision in (Decision.SAME, Decision.DIFFERENT)
                else PairStatus.LINKED
                if p >= run.link_threshold
                else PairStatus.REVIEW
            )
            kept.append(
                CandidatePair(
                    record_l_id=left,
                    record_r_id=right,
                    run=run,
                    probability=p,
                    match_weight=float(row["match_weight"]),
                    contributions=engine.contributions(model, row),
                    guard=str(row.get("guard") or ""),
                    status=status,
                )
            )
        CandidatePair.objects.bulk_create(kept, batch_size=1000)
        scored = [r["pk"] for r in records]
        for chunk in _chunks(scored):  # records imported while this run scored wait for the next run
            SourceRecord.objects.filter(pk__in=chunk, updated_at__lte=started).update(resolved_at=timezone.now())
        run.model = json.loads(model.to_json())
        run.retrained = not (previous and not retrain)
        run.incremental = incremental
        run.save()
        stats.update(_apply(actor=actor, run=run, reason=f"Resolution run {run.pk}"))
    stats["linked_pairs"] = sum(1 for p in kept if p.status == PairStatus.LINKED)
    stats["review_pairs"] = sum(1 for p in kept if p.status == PairStatus.REVIEW)
    run.stats, run.finished_at = stats, timezone.now()
    run.save(update_fields=["stats", "finished_at"])
    step("Finished", 4, 4)
    audit.record(
        actor=actor,
        operation=Operation.COMBINATION,
        object_type="resolution",
        object_ids=[run.pk],
        detail={k: v for k, v in stats.items() if isinstance(v, int | float)},
    )
    return run


def _clusters(link_threshold: float) -> dict[int, str]:
    """record id -> cluster id, from kept pairs at or above the link probability plus labels."""
    ids = [str(i) for i in SourceRecord.objects.filter(kind=ImportKind.NOMINALS).values_list("pk", flat=True)]
    kept = CandidatePair.objects.filter(Q(probability__gte=link_threshold) | ~Q(guard=""))
    import pandas as pd

    edges = pd.DataFrame(
        [
            {"unique_id_l": str(left), "unique_id_r": str(right), "match_probability": p, "guard": guard}
            for left, right, p, guard in kept.values_list("record_l_id", "record_r_id", "probability", "guard")
        ],
        columns=["unique_id_l", "unique_id_r", "match_probability", "guard"],
    )
    judged = labels()
    same = [(str(a), str(b)) for (a, b), d in judged.items() if d == Decision.SAME]
    different = [(str(a), str(b)) for (a, b), d in judged.items() if d == Decision.DIFFERENT]
    clusters = _engine().cluster(ids, edges, threshold=link_threshold, same=same, different=different)
    return {int(u): str(c) for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)}


def _chunks(items: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _move_records(moves: dict[int, Any]) -> None:
    """{source record id: nominal id}: each record, its facts and their name tokens move there."""
    records = []
    for chunk in _chunks(list(moves)):
        records += list(SourceRecord.objects.filter(pk__in=chunk).only("pk", "agency_id", "fact_ref"))
    dst_of = {(r.agency_id, r.fact_ref): moves[r.pk] for r in records}
    facts = []
    for chunk in _chunks([r.fact_ref for r in records]):
        for fact in NominalFact.objects.filter(source_ref__in=chunk).only("pk", "agency_id", "source_ref"):
            if (fact.agency_id, fact.source_ref) in dst_of:
                fact.nominal_id = dst_of[(fact.agency_id, fact.source_ref)]
                facts.append(fact)
    NominalFact.objects.bulk_update(facts, ["nominal"], batch_size=500)
    nominal_of_fact = {f.pk: f.nominal_id for f in facts}
    tokens = []
    for chunk in _chunks(list(nominal_of_fact)):
        for token in NameToken.objects.filter(fact_id__in=chunk).only("pk", "fact_id"):
            token.nominal_id = nominal_of_fact[token.fact_id]
            tokens.append(token)
    NameToken.objects.bulk_update(tokens, ["nominal"], batch_size=500)
    for r in records:
        r.nominal_id = moves[r.pk]
    SourceRecord.objects.bulk_update(records, ["nominal"], batch_size=500)


def _targets(members: dict[str, list[int]], current: dict[int, Any]) -> dict[str, Any]:
    """Which nominal each cluster keeps: the one holding most of its records (the oldest on a tie).

    A nominal is kept by one cluster only; when it splits into equal parts, the part with its
    earliest record keeps it, and the other part gets a new nominal.
    """
    created = {}
    for chunk in _chunks(list(set(current.values()) - {None})):
        created.update(dict(Nominal.objects.filter(pk__in=chunk).values_list("pk", "created_at")))
    candidates = []
    for cl, recs in members.items():
        held: dict[Any, list[int]] = defaultdict(list)
        for r in recs:
            if current[r]:
                held[current[r]].append(r)
        for nominal_id, on_it in held.items():
            candidates.append((-len(on_it), created[nominal_id], str(nominal_id), min(on_it), cl, nominal_id))
    target: dict[str, Any] = {}
    taken: set[Any] = set()
    for *_, cl, nominal_id in sorted(candidates):
        if cl not in target and nominal_id not in taken:
            target[cl] = nominal_id
            taken.add(nominal_id)
    return target


def _follow_hand_merges(actor: Actor) -> None:
    """Records left on a nominal someone merged by hand join its survivor, labelled "same" so it holds."""
    stranded = list(
        SourceRecord.objects.filter(kind=ImportKind.NOMINALS, nominal__merged_into__isnull=False)
        .select_related("nominal")
        .order_by("pk")
    )
    if not stranded:
        return
    survivor = {r.nominal_id: r.nominal.survivor().pk for r in stranded if r.nominal}
    anchor = dict(
        SourceRecord.objects.filter(nominal_id__in=set(survivor.values()))
        .order_by("-pk")
        .values_list("nominal_id", "pk")
    )
    same = []
    for r in stranded:
        target = survivor[r.nominal_id]
        if target in anchor:
            left, right = _ordered(r.pk, anchor[target])
            same.append(
                MatchJudgement(
                    record_l_id=left,
                    record_r_id=right,
                    decision=Decision.SAME,
                    reason="Merged by hand",
                    decided_by=actor.user,
                )
            )
        else:
            anchor[target] = r.pk
    MatchJudgement.objects.bulk_create(same)
    _move_records({r.pk: survivor[r.nominal_id] for r in stranded})


def _apply(*, actor: Actor, run: ResolutionRun | None, reason: str) -> dict[str, int]:
    """Move source records so that each cluster is one nominal, keeping nominal ids stable.

    Every move is kept as a ClusterChange; a nominal left with no records or facts is merged
    into the one that took its records, and its id then redirects there.
    """
    link_threshold = run.link_threshold if run else settings.SOCHUB_LINK_THRESHOLD
    _follow_hand_merges(actor)
    cluster_of = _clusters(link_threshold)
    current = dict(SourceRecord.objects.filter(kind=ImportKind.NOMINALS).values_list("pk", "nominal_id"))
    members: dict[str, list[int]] = defaultdict(list)
    for rec, cl in cluster_of.items():
        members[cl].append(rec)
    target = _targets(members, current)
    counts = {"merges": 0, "splits": 0, "new_nominals": 0}
    new_nominals = [Nominal() for cl in members if cl not in target]
    Nominal.objects.bulk_create(new_nominals)
    counts["new_nominals"] = len(new_nominals)
    for cl, nominal in zip([cl for cl in members if cl not in target], new_nominals, strict=True):
        target[cl] = nominal.pk
    created = {n.pk for n in new_nominals}
    moves: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for cl, recs in members.items():
        for r in recs:
            if current[r] != target[cl]:
                moves[(current[r], target[cl])].append(r)
    if not moves:
        return counts
    _move_records({r: dst for (_, dst), recs in moves.items() for r in recs})
    sources = {src for src, _ in moves}
    still_held = set(NominalFact.objects.filter(nominal_id__in=sources).values_list("nominal_id", flat=True))
    still_held |= set(SourceRecord.objects.filter(nominal_id__in=sources).values_list("nominal_id", flat=True))
    keep_of: dict[Any, Any] = {}
    changes = []
    for (src, dst), recs in sorted(moves.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        absorbed = src is not None and src not in still_held and src not in keep_of
        if absorbed:
            keep_of[src] = dst
        kind = (
            ChangeKind.MERGE if absorbed else ChangeKind.CREATE if src is None or dst in created else ChangeKind.SPLIT
        )
        counts[{ChangeKind.MERGE: "merges", ChangeKind.SPLIT: "splits", ChangeKind.CREATE: "splits"}[kind]] += 1
        changes.append(
            ClusterChange(
                run=run,
                kind=kind,
                records=sorted(recs),
                from_nominal_id=src,
                to_nominal_id=dst,
                absorbed=absorbed,
                reason=reason,
                made_by=actor.user,
            )
        )
    nominals_absorb_links(keep_of)
    ClusterChange.objects.bulk_create(changes, batch_size=500)
    audit.record(
        actor=actor,
        operation=Operation.COMBINATION,
        object_type="nominal",
        object_ids=sorted({str(n) for pair in moves for n in pair}),
        purpose=reason,
        detail={**counts, "changes": [c.pk for c in changes], "records_moved": sum(len(r) for r in moves.values())},
    )
    return counts


@transaction.atomic
def judgement_record(*, actor: Actor, pair: CandidatePair, decision: str, reason: str = "") -> MatchJudgement:
    """An analyst decides a pair; it overrides the model now and in every later run."""
    if not policies.reviewable_pairs(actor.user).filter(pk=pair.pk).exists():
        raise PermissionDenied
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose same person, different people or not sure."})
    reason = clean_text(reason, field="reason", max_length=1000, required=decision != Decision.SAME)
    judgement = MatchJudgement.objects.create(
        record_l_id=pair.record_l_id,
        record_r_id=pair.record_r_id,
        decision=decision,
        reason=reason,
        decided_by=actor.user,
    )
    if decision != Decision.UNSURE:
        pair.status = PairStatus.JUDGED
        pair.save(update_fields=["status"])
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="source_record",
        object_ids=[pair.record_l_id, pair.record_r_id],
        purpose=reason or None,
        detail={"judgement": decision, "probability": round(pair.probability, 4)},
    )
    if decision != Decision.UNSURE:
        _apply(actor=actor, run=None, reason=f"Judged {Decision(decision).label.lower()} by {actor.user.username}")
    return judgement


@transaction.atomic
def reversible(change: ClusterChange) -> bool:
    """A merge or split not yet reversed whose records have not moved again since."""
    if change.reversed_by_change_id or change.kind == ChangeKind.REVERSAL or change.from_nominal_id is None:
        return False
    where = set(SourceRecord.objects.filter(pk__in=change.records).values_list("nominal_id", flat=True))
    return where == {change.to_nominal_id}


def change_reverse(*, actor: Actor, change: ClusterChange, reason: str) -> ClusterChange:
    """Undo a merge or split: move the records back and record labels so no run redoes it.

    The moved records are labelled "different" from the records that stay, and "same" as each
    other and as the records they rejoin. Links moved when a nominal was absorbed stay where they are.
    """
    if not policies.can_resolve(actor.user):
        raise PermissionDenied
    visible = policies.visible_source_records(actor.user).filter(pk__in=change.records)
    if visible.count() != len(change.records):
        raise PermissionDenied("You can only reverse changes to records you can see.")
    reason = clean_text(reason, field="reason", max_length=1000)
    if not reversible(change):
        raise ValidationError(
            {"change": "This change cannot be reversed: it was reversed already, or its records have moved since."}
        )
    back = change.from_nominal
    assert back is not None
    if back.merged_into_id:
        back.merged_into, back.merged_at = None, None
        back.save(update_fields=["merged_into", "merged_at"])
    moved = sorted(change.records)
    stay = SourceRecord.objects.filter(nominal=change.to_nominal).exclude(pk__in=moved).values_list("pk", flat=True)
    rejoin = SourceRecord.objects.filter(nominal=back).values_list("pk", flat=True)
    labels_ = [(m, o, Decision.DIFFERENT) for m in moved for o in stay]
    labels_ += [(moved[0], o, Decision.SAME) for o in [*moved[1:], *rejoin]]
    MatchJudgement.objects.bulk_create(
        [
            MatchJudgement(
                record_l_id=min(m, o),
                record_r_id=max(m, o),
                decision=decision,
                reason=f"Reversal: {reason}",
                decided_by=actor.user,
            )
            for m, o, decision in labels_
        ]
    )
    _move_records(dict.fromkeys(change.records, back.pk))
    reversal = ClusterChange.objects.create(
        kind=ChangeKind.REVERSAL,
        records=change.records,
        from_nominal=change.to_nominal,
        to_nominal=back,
        reason=reason,
        made_by=actor.user,
    )
    change.reversed_by_change = reversal
    change.save(update_fields=["reversed_by_change"])
    audit.record(
        actor=actor,
        operation=Operation.COMBINATION,
        object_type="nominal",
        object_ids=[str(back.pk), str(change.to_nominal_id)],
        purpose=reason,
        detail={"reversed": change.pk, "records": change.records},
    )
    return reversal
