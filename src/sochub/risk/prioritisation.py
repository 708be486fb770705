"""Database-mode prioritisation: gather what one user may see, rank it with the engine, store and explain it.

Fairness rules kept here, before the engine sees anything:
- a nominal any agency records as a victim or vulnerable (a safeguarding fact), or who is under 18 on the
  as-of date, is protected: never ranked, their own offences and markers ignored (they stay in the graph
  as contacts, so contact with a victim still shows in the exploiter's network position);
- only threat markers in the model count (self-harm, mental health and the like are safeguarding
  information, never priority);
- offences ending in no further action do not count.
"""

from __future__ import annotations

import contextlib
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import prioritise as engine
from sochub.engine.prioritise.equality import equality_report
from sochub.intel import policies as intel_policies
from sochub.intel.models import (
    Association,
    FactKind,
    IntelligenceRecord,
    NominalFact,
    OCGMembership,
    OffenceOutcome,
)
from sochub.partners.models import User

from . import policies, reference
from .models import (
    Assessment,
    AssessmentStatus,
    PrioritisationRun,
    PrioritisedNominal,
    RetentionReview,
    RetentionStatus,
    RunStatus,
    Subject,
)

Progress = Callable[[str, int, int], None]


class NothingToRank(Exception):
    """The user can see no offences, links, markers, intelligence or memberships to rank on."""


@dataclass
class Gathered:
    """Everything one run saw, kept to explain the top of the list in plain English."""

    inputs: engine.Inputs
    people: list[str]
    protected: dict[str, str]
    intelligence: dict[str, float]
    ocg: dict[str, float]
    sex: dict[str, str] = field(default_factory=dict)
    birth: dict[str, date] = field(default_factory=dict)
    offences: dict[str, list[tuple[date, str]]] = field(default_factory=dict)
    reports: dict[str, list[tuple[date, str]]] = field(default_factory=dict)
    groups: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    contacts: Counter[str] = field(default_factory=Counter)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def ocg_tiers(user: User) -> dict[int, str]:
    """Each OCG's risk tier from its latest approved harm assessment the user may see."""
    approved = policies.visible_assessments(
        user, Assessment.objects.filter(subject_type=Subject.OCG, status=AssessmentStatus.APPROVED)
    ).order_by("ocg_id", "-approved_at")
    tiers: dict[int, str] = {}
    for ocg_id, tier in approved.values_list("ocg_id", "tier"):
        tiers.setdefault(ocg_id, tier)
    return tiers


def gather(*, user: User, model: engine.PrioritisationModel, as_of: date) -> Gathered:
    """Policy-filtered inputs for the engine: only what ``user`` may see, except protection (below)."""
    people = [str(pk) for pk in intel_policies.visible_nominals(user).values_list("pk", flat=True)]
    visible = set(people)

    # Protection uses every agency's safeguarding facts and dates of birth: it can only lower priority.
    protected: dict[str, str] = {}
    for nominal_id, kind, key in NominalFact.objects.filter(
        nominal_id__in=intel_policies.visible_nominals(user), kind__in=[FactKind.VULNERABILITY, FactKind.BIRTH_DATE]
    ).values_list("nominal_id", "kind", "key"):
        nid = str(nominal_id)
        if kind == FactKind.VULNERABILITY:
            protected[nid] = "victim or vulnerable"
        elif nid not in protected:
            try:
                if _age(date.fromisoformat(key), as_of) < 18:
                    protected[nid] = "child"
            except ValueError:
                continue

    found = Gathered(
        inputs=engine.Inputs(edges=pd.DataFrame({"source": [], "target": [], "weight": []})),
        people=people,
        protected=protected,
        intelligence={},
        ocg={},
    )
    markers: dict[str, list[str]] = defaultdict(list)
    for nominal_id, kind, value, key in intel_policies.visible_facts(
        user, NominalFact.objects.filter(kind__in=[FactKind.WARNING_MARKER, FactKind.SEX, FactKind.BIRTH_DATE])
    ).values_list("nominal_id", "kind", "value", "key"):
        nid = str(nominal_id)
        if nid not in visible:
            continue
        if kind == FactKind.WARNING_MARKER and value.lower() not in markers[nid]:
            markers[nid].append(value.lower())
        elif kind == FactKind.SEX:
            found.sex.setdefault(nid, value.upper()[:1])
        elif kind == FactKind.BIRTH_DATE and nid not in found.birth:
            with contextlib.suppress(ValueError):
                found.birth[nid] = date.fromisoformat(key)

    links = intel_policies.visible_associations(user, Association.objects.all())
    edges = pd.DataFrame(
        [(str(a), str(b), float(s)) for a, b, s in links.values_list("nominal_a_id", "nominal_b_id", "strength")],
        columns=["source", "target", "weight"],
    )
    edges = edges[edges["source"] != edges["target"]]
    found.contacts.update(edges["source"])
    found.contacts.update(edges["target"])

    offence_rows = []
    counted = intel_policies.visible_offences(user).exclude(outcome=OffenceOutcome.NO_FURTHER_ACTION)
    for nominal_id, dated, kind in counted.values_list("nominal_id", "offence_date", "offence_type"):
        nid = str(nominal_id)
        if nid in visible:
            offence_rows.append((nid, dated, kind))
            found.offences.setdefault(nid, []).append((dated, kind))
    offences = (
        pd.DataFrame(
            {
                "id": [r[0] for r in offence_rows],
                "date": pd.to_datetime([r[1] for r in offence_rows]).to_numpy(dtype="datetime64[D]"),
                "offence_type": [r[2] for r in offence_rows],
            }
        )
        if offence_rows
        else None
    )

    reports = []
    through = IntelligenceRecord.subjects.through.objects.filter(
        intelligencerecord__in=intel_policies.visible_intelligence(user)
    ).values_list(
        "nominal_id",
        "intelligencerecord__date_of_intelligence",
        "intelligencerecord__source_evaluation",
        "intelligencerecord__intelligence_assessment",
    )
    for nominal_id, dated, source, assessment in through:
        nid = str(nominal_id)
        if nid in visible:
            reports.append(engine.IntelligenceReport(nid, dated, source, assessment))
            found.reports.setdefault(nid, []).append((dated, f"{source}{assessment}"))
    found.intelligence = engine.intelligence_values(reports, model=model, as_of=as_of)

    tiers = ocg_tiers(user)
    current = intel_policies.visible_memberships(user, OCGMembership.objects.select_related("ocg")).exclude(
        date_to__lt=as_of
    )
    memberships = []
    for m in current:
        nid = str(m.nominal_id)
        tier = tiers.get(m.ocg_id)
        memberships.append(engine.Membership(nid, m.role, tier))
        found.groups.setdefault(nid, []).append((m.ocg.urn, m.get_role_display(), tier))
    found.ocg = engine.ocg_values(memberships, model=model)

    nodes = pd.DataFrame(
        {
            "id": people,
            "markers": [markers.get(p, []) for p in people],
            "role": [protected.get(p, "") for p in people],
        }
    )
    found.inputs = engine.Inputs(
        edges=edges.reset_index(drop=True),
        nodes=nodes,
        offences=offences,
        has_markers=any(markers.values()),
        notes={
            "offences ending in no further action (not counted)": intel_policies.visible_offences(user)
            .filter(outcome=OffenceOutcome.NO_FURTHER_ACTION)
            .count()
        },
    )
    return found


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _ago(then: date, now: date) -> str:
    days = (now - then).days
    if days < 62:
        return f"{max(days, 0)} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def explain(nid: str, found: Gathered, details: dict[str, Any], as_of: date) -> list[str]:
    """Plain-English reasons behind one person's components, from what the run saw."""
    lines = []
    offences = found.offences.get(nid, [])
    if offences:
        latest = max(d for d, _ in offences)
        kinds = Counter(k for _, k in offences).most_common(3)
        lines.append(
            f"Offending: {_n(len(offences), 'offence')} counted ({', '.join(f'{k} ×{n}' for k, n in kinds)}); "
            f"latest {_ago(latest, as_of)}."
        )
    reports = found.reports.get(nid, [])
    if reports:
        latest = max(d for d, _ in reports)
        grades = Counter(g for _, g in reports).most_common(3)
        false = " (an E grading counts nothing)" if any(g.endswith("E") for _, g in reports) else ""
        lines.append(
            f"Intelligence: {_n(len(reports), 'report')} (gradings {', '.join(f'{g} ×{n}' for g, n in grades)}); "
            f"latest {_ago(latest, as_of)}{false}."
        )
    contacts = found.contacts.get(nid, 0)
    if contacts:
        brokers = int(details.get("brokerage", 0))
        bridge = f"; bridges {_n(brokers, 'other group')} of associates" if brokers else ""
        strength = f"contact strength {details.get('degree', 0):g}"
        lines.append(f"Network: {_n(contacts, 'known associate')} ({strength}){bridge}.")
    for urn, role, tier in found.groups.get(nid, []):
        risk = f"assessed {tier} risk" if tier else "not yet assessed"
        lines.append(f"OCG: {role} member of {urn} ({risk}).")
    if details.get("marker_list"):
        lines.append(f"Warning markers: {', '.join(details['marker_list'])}.")
    return lines


@transaction.atomic
def _store(run: PrioritisationRun, ranking: engine.Ranking, found: Gathered, as_of: date) -> list[PrioritisedNominal]:
    values = ranking.component_values
    top_rows = {row["id"]: row for row in ranking.rows}
    entries = []
    if values is not None and len(values):
        used = ranking.summary["components used (weights rescaled)"]
        scores = values.to_numpy() @ [float(used.get(c, 0.0)) for c in values.columns]
        order = pd.DataFrame({"id": values.index, "score": scores}).sort_values(
            ["score", "id"], ascending=[False, True], kind="stable"
        )
        for rank, (nid, score) in enumerate(zip(order["id"], order["score"], strict=True), start=1):
            row = top_rows.get(nid, {})
            interval = row.get("rank_interval") or [None, None]
            entries.append(
                PrioritisedNominal(
                    run=run,
                    nominal_id=nid,
                    rank=rank,
                    score=round(float(score), 6),
                    values={c: round(float(v), 6) for c, v in values.loc[nid].items()},
                    contributions=row.get("components", {}),
                    details=row.get("details", {}),
                    explanation=explain(nid, found, row.get("details", {}), as_of) if row else [],
                    p_top=row.get("p_top"),
                    rank_low=interval[0],
                    rank_high=interval[1],
                )
            )
    PrioritisedNominal.objects.bulk_create(entries, batch_size=2000)
    return entries


def _flag_retention(run: PrioritisationRun, scored: set[str], visible: set[str]) -> int:
    """Nominals on the agency's previous list who now score 0 are due a retention review."""
    previous = (
        PrioritisationRun.objects.filter(agency_id=run.agency_id, status=RunStatus.DONE)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    if previous is None:
        return 0
    open_already = set(
        RetentionReview.objects.filter(agency_id=run.agency_id, status=RetentionStatus.OPEN).values_list(
            "nominal_id", flat=True
        )
    )
    flags = [
        RetentionReview(
            nominal_id=e.nominal_id,
            agency_id=run.agency_id,
            run=run,
            previous_run=previous,
            previous_rank=e.rank,
        )
        for e in previous.entries.filter(rank__lte=previous.top)
        if str(e.nominal_id) in visible and str(e.nominal_id) not in scored and e.nominal_id not in open_already
    ]
    RetentionReview.objects.bulk_create(flags)
    return len(flags)


def run_create(
    *,
    actor: Actor,
    top: int = 20,
    seed: int | None = None,
    draws: int | None = None,
    as_of: date | None = None,
    model_path: str | None = None,
) -> PrioritisationRun:
    """A queued run recording the model in force; ``run_execute`` does the work (in the worker or the CLI)."""
    if not policies.can_run(actor.user):
        raise PermissionError("Only analysts and coordinators can run prioritisation.")
    if not actor.purpose.strip():
        raise ValueError("Say why you are running prioritisation (the purpose is audited).")
    if not 1 <= top <= 500:
        raise ValueError("The list can hold 1 to 500 people.")
    assert actor.user.agency_id is not None  # can_run: intelligence roles belong to an agency
    model = reference.prioritisation_model(model_path)
    return PrioritisationRun.objects.create(
        agency_id=actor.user.agency_id,
        created_by=actor.user,
        purpose=actor.purpose.strip()[:500],
        model_name=model.name,
        model_version=model.version,
        model_fingerprint=engine.model_fingerprint(model),
        model_data=model.model_dump(mode="json"),
        top=top,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        draws=model.monte_carlo.draws if draws is None else draws,
        as_of=as_of or timezone.localdate(),
    )


def run_execute(*, actor: Actor, run: PrioritisationRun, progress: Progress | None = None) -> PrioritisationRun:
    """Gather, rank, store and audit. Failures are kept on the run, then re-raised."""
    say: Progress = progress or (lambda _s, _d, _t: None)
    PrioritisationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        model = engine.parse_model(run.model_data, source=f"run {run.pk}")
        say("Gathering what you may see", 0, 1)
        found = gather(user=actor.user, model=model, as_of=run.as_of)
        say("Gathering what you may see", 1, 1)
        try:
            ranking = engine.prioritise(
                found.inputs,
                model=model,
                top=run.top,
                seed=run.seed,
                draws=run.draws,
                as_of=run.as_of,
                intelligence=found.intelligence,
                ocg=found.ocg,
                progress=say,
            )
        except ValueError as exc:
            raise NothingToRank(str(exc)) from exc
        say("Saving the list", 0, 1)
        entries = _store(run, ranking, found, run.as_of)
        listed = [str(e.nominal_id) for e in entries[: run.top]]
        rankable = [p for p in found.people if p not in found.protected]
        run.equality = equality_report(
            population={p: (found.sex.get(p), found.birth.get(p)) for p in rankable},
            listed=listed,
            as_of=run.as_of,
        )
        run.people, run.scored, run.protected = len(found.people), len(entries), len(found.protected)
        run.summary = ranking.summary
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.save()
        flagged = _flag_retention(run, {str(e.nominal_id) for e in entries}, set(found.people))
        audit.record(
            actor=actor,
            operation=Operation.COMBINATION,
            object_type="prioritisation_run",
            object_ids=[run.pk, *listed],
            purpose=run.purpose,
            detail={"model": f"{run.model_name} {run.model_version}", "top": run.top, "retention_flags": flagged},
        )
        say("Saving the list", 1, 1)
        return run
    except Exception as exc:
        PrioritisationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise
