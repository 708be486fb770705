"""JSON API under /api/v1/: the same selectors, policies and audit as the web pages.

Authenticate with ``Authorization: Bearer TOKEN`` (``sochub token create``). Reads of
personal data are logged with the purpose the token was created for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel import selectors, services
from sochub.intel.models import FactKind
from sochub.partners.models import Agency, ApiToken
from sochub.partners.services import token_authenticate
from sochub.profiles import selectors as profile_selectors
from sochub.profiles.models import Profile
from sochub.risk import selectors as risk_selectors

from . import bulletin, exchange, operations, prepare, prevent, recovery, suspicious_activity
from .common import Page, actor_for, limits


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token[:200])
        if found is not None:
            request.user = found.user
        return found


api = NinjaAPI(
    title="SOC Hub API",
    version="1.0.0",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url=None,
    description="Nominals, OCGs, agencies and intelligence records. Every call is checked against "
    "the caller's agency, role and the record's handling, and reads of personal data are audited.",
)


class NominalItem(Schema):
    id: str
    name: str
    date_of_birth: str = ""
    score: float | None = None
    matched_on: str = ""


class NominalList(Schema):
    items: list[NominalItem]
    count: int


class Fact(Schema):
    kind: str
    value: str
    agency: str
    recorded_at: str


class NominalDetail(Schema):
    id: str
    name: str
    facts: list[Fact]
    intelligence: list[int]
    ocgs: list[int]
    associations: list[dict[str, Any]]
    other_agencies_hold_information: bool
    merged_ids: list[str]


@api.get("/nominals", response=NominalList, tags=["nominals"])
def nominals(request: HttpRequest, page: Query[Page], q: str | None = None) -> dict[str, Any]:
    actor = actor_for(request)
    limit, offset = limits(page)
    if q and q.strip():
        hits = services.nominal_search_audited(actor=actor, query=q[:200])
        total, shown = len(hits), hits[offset : offset + limit]
    else:
        shown, total = selectors.nominal_list(user=actor.user, limit=limit, offset=offset)
        audit.record(
            actor=actor,
            operation=Operation.CONSULTATION,
            object_type="nominal_list",
            object_ids=[h.nominal_id for h in shown],
        )
    items = [
        {
            "id": h.nominal_id,
            "name": h.name,
            "date_of_birth": h.birth_date,
            "score": round(h.score, 1) if q else None,
            "matched_on": h.matched_on,
        }
        for h in shown
    ]
    return {"items": items, "count": total}


@api.get("/nominals/{nominal_id}", response=NominalDetail, tags=["nominals"])
def nominal(request: HttpRequest, nominal_id: str) -> dict[str, Any]:
    actor = actor_for(request)
    try:
        p = services.nominal_consult(actor=actor, nominal_id=nominal_id[:64])
    except services.NotFound as exc:
        raise HttpError(404, "Not found") from exc
    return {
        "id": str(p.nominal.pk),
        "name": p.display_name,
        "facts": [
            {"kind": f.kind, "value": f.value, "agency": f.agency.code, "recorded_at": f.recorded_at.isoformat()}
            for kind in FactKind.values
            for f in p.facts.get(kind, [])
        ],
        "intelligence": [r.pk for r in p.intelligence],
        "ocgs": [m.ocg_id for m in p.memberships],
        "associations": [
            {"nominal": str(other.pk), "name": name, "type": a.type, "strength": a.strength}
            for a, other, name in p.associations
        ],
        "other_agencies_hold_information": p.others_hold_information,
        "merged_ids": p.absorbed_ids,
    }


class OCGItem(Schema):
    id: int
    urn: str
    name: str
    status: str
    threat_categories: list[str]
    area: str
    agency: str


@api.get("/ocgs", response=list[OCGItem], tags=["ocgs"])
def ocgs(request: HttpRequest, page: Query[Page], q: str = "") -> list[dict[str, Any]]:
    actor = actor_for(request)
    limit, offset = limits(page)
    rows = list(selectors.ocg_list(user=actor.user, query=q)[offset : offset + limit])
    audit.record(actor=actor, operation=Operation.CONSULTATION, object_type="ocg", object_ids=[o.pk for o in rows])
    return [_ocg_out(o) for o in rows]


@api.get("/ocgs/{ocg_id}", response=OCGItem, tags=["ocgs"])
def ocg(request: HttpRequest, ocg_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    o = selectors.ocg_get(user=actor.user, ocg_id=ocg_id)
    if o is None:
        raise HttpError(404, "Not found")
    audit.record(actor=actor, operation=Operation.CONSULTATION, object_type="ocg", object_ids=[o.pk])
    return _ocg_out(o)


def _ocg_out(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "urn": o.urn,
        "name": o.name,
        "status": o.status,
        "threat_categories": o.threat_categories,
        "area": o.area,
        "agency": o.agency.code,
    }


class IntelItem(Schema):
    id: int
    urn: str
    title: str
    text: str
    date_of_intelligence: date
    grading: str
    handling_code: str
    handling_conditions: str
    classification: str
    agency: str


def _intel_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "urn": r.urn,
        "title": r.title,
        "text": r.text,
        "date_of_intelligence": r.date_of_intelligence,
        "grading": r.grading,
        "handling_code": r.handling_code,
        "handling_conditions": r.handling_conditions,
        "classification": r.classification,
        "agency": r.agency.code,
    }


@api.get("/intelligence", response=list[IntelItem], tags=["intelligence"])
def intelligence(request: HttpRequest, page: Query[Page], q: str = "") -> list[dict[str, Any]]:
    actor = actor_for(request)
    limit, offset = limits(page)
    rows = list(selectors.intelligence_search(user=actor.user, query=q)[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="intelligence",
        object_ids=[r.pk for r in rows],
        query=q[:200],
    )
    return [_intel_out(r) for r in rows]


@api.get("/intelligence/{record_id}", response=IntelItem, tags=["intelligence"])
def intelligence_record(request: HttpRequest, record_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    try:
        return _intel_out(services.intelligence_consult(actor=actor, record_id=record_id))
    except services.NotFound as exc:
        raise HttpError(404, "Not found") from exc


class AgencyItem(Schema):
    code: str
    name: str
    aliases: list[str]
    kind: str
    status: str
    region: str | None


@api.get("/agencies", response=list[AgencyItem], tags=["partners"])
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": a.code,
            "name": a.name,
            "aliases": a.aliases,
            "kind": a.kind,
            "status": a.status,
            "region": a.region.code if a.region else None,
        }
        for a in Agency.objects.select_related("region")
    ]


class PriorityItem(Schema):
    id: str
    name: str
    rank: int
    score: float
    components: dict[str, float]
    p_top: float | None
    rank_interval: list[int] | None
    explanation: list[str]


class PriorityList(Schema):
    run: int
    created_at: str
    model: str
    model_official: bool
    people: int
    scored: int
    protected: int
    items: list[PriorityItem]


@api.get("/priorities", response=PriorityList, tags=["risk"])
def priorities(request: HttpRequest, run: int | None = None) -> dict[str, Any]:
    """The latest (or a given) prioritisation run of the caller's agency: the top N the caller may see."""
    actor = actor_for(request)
    found = (
        risk_selectors.run_get(user=actor.user, run_id=run)
        if run is not None
        else risk_selectors.latest_run(user=actor.user)
    )
    if found is None or found.status != "done":
        raise HttpError(404, "Not found")
    listed = risk_selectors.top_list(user=actor.user, run=found)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=[i.entry.nominal_id for i in listed],
        detail={"view": "priorities", "prioritisation_run": found.pk},
    )
    return {
        "run": found.pk,
        "created_at": found.created_at.isoformat(),
        "model": f"{found.model_name} {found.model_version}",
        "model_official": bool(found.model_data.get("official")),
        "people": found.people,
        "scored": found.scored,
        "protected": found.protected,
        "items": [
            {
                "id": str(i.entry.nominal_id),
                "name": i.name,
                "rank": i.entry.rank,
                "score": i.entry.score,
                "components": i.entry.contributions,
                "p_top": i.entry.p_top,
                "rank_interval": [i.entry.rank_low, i.entry.rank_high] if i.entry.rank_low else None,
                "explanation": i.entry.explanation,
            }
            for i in listed
        ],
    }


class ProfileBuildOut(Schema):
    id: int
    finished_at: str
    period: str
    areas: int
    rows_read: int
    rows_used: int
    rows_left_out: dict[str, int]
    hot_spots: dict[str, dict[str, int]]


class ProfileItem(Schema):
    id: int
    name: str
    area_name: str
    agency: str
    marking: str
    latest_build: ProfileBuildOut | None
    refresh_due: date | None
    refresh_overdue: bool
    overdue_actions: int


class FindingOut(Schema):
    key: str
    kind: str
    title: str
    detail: str
    strand: str
    area_id: str
    current: bool
    actions: int


class ActionOut(Schema):
    id: int
    strand: str
    title: str
    owner_agency: str
    lead: str
    due: date
    status: str
    overdue: bool
    findings: list[str]
    latest_progress: str


class ProfileDetail(ProfileItem):
    findings: list[FindingOut]
    actions: list[ActionOut]
    areas_of_concern: list[dict[str, Any]]


def _profile_item(profile: Profile) -> dict[str, Any]:
    build = profile_selectors.latest_build(profile)
    summary = build.summary if build else {}
    return {
        "id": profile.pk,
        "name": profile.name,
        "area_name": profile.area_name,
        "agency": profile.agency.name,
        "marking": profile.marking,
        "latest_build": None
        if build is None or build.finished_at is None
        else {
            "id": build.pk,
            "finished_at": build.finished_at.isoformat(),
            "period": summary.get("period", ""),
            "areas": summary.get("grid", {}).get("areas", 0),
            "rows_read": summary.get("rows", {}).get("read", 0),
            "rows_used": summary.get("rows", {}).get("used", 0),
            "rows_left_out": summary.get("rows", {}).get("left_out", {}),
            "hot_spots": summary.get("classes", {}),
        },
        "refresh_due": profile.refresh_due,
        "refresh_overdue": profile.refresh_overdue,
        "overdue_actions": profile_selectors.overdue_actions(profile),
    }


@api.get("/profiles", response=list[ProfileItem], tags=["local profiles"])
def profiles(request: HttpRequest) -> list[dict[str, Any]]:
    """SOC local profiles the caller's agency owns or is a partner in (and whose marking they are vetted for)."""
    actor = actor_for(request)
    return [_profile_item(p) for p in profile_selectors.profile_list(user=actor.user)]


@api.get("/profiles/{profile_id}", response=ProfileDetail, tags=["local profiles"])
def profile_detail(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    """A profile's latest build, its findings, its 4P action plan and its ranked areas of concern."""
    actor = actor_for(request)
    profile = profile_selectors.profile_get(user=actor.user, profile_id=profile_id)
    if profile is None:
        raise HttpError(404, "Not found")
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="profile",
        object_ids=[profile.pk],
        detail={"view": "api profile"},
    )
    build = profile_selectors.latest_build(profile)
    return {
        **_profile_item(profile),
        "findings": [
            {
                "key": row.finding.key,
                "kind": row.finding.kind,
                "title": row.finding.title,
                "detail": row.finding.detail,
                "strand": row.finding.strand,
                "area_id": row.finding.area_id,
                "current": row.current,
                "actions": row.actions,
            }
            for row in profile_selectors.findings(profile)
        ],
        "actions": [
            {
                "id": a.pk,
                "strand": a.strand,
                "title": a.title,
                "owner_agency": a.owner_agency.name,
                "lead": a.lead,
                "due": a.due,
                "status": a.status,
                "overdue": a.overdue,
                "findings": [f.key for f in a.findings.all()],
                "latest_progress": next((u.note for u in reversed(a.updates.all())), ""),
            }
            for a in profile_selectors.actions(profile)
        ],
        "areas_of_concern": build.summary.get("concerns", []) if build else [],
    }


api.add_router("/exchange", exchange.router)
api.add_router("/operations", operations.router)
api.add_router("/recovery", recovery.router)
api.add_router("/prevent", prevent.router)
api.add_router("/prepare", prepare.router)
api.add_router("/suspicious-activity", suspicious_activity.router)
api.add_router("/bulletin", bulletin.router)
