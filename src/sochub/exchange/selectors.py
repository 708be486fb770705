"""Reads for information exchange: always through the policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sochub.engine import exchange as engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, FactKind, IntelligenceRecord, Nominal, NominalFact
from sochub.partners.models import Agency, Region, Role, User

from . import policies
from .models import ExchangeRequest, KnownSearchHit, Status

TABS = ("all", "to_approve", "sent", "received", "to_broker", "overdue", "answered")
TAB_LABELS = {
    "all": "All",
    "to_approve": "To approve",
    "sent": "Sent by us",
    "received": "Received by us",
    "to_broker": "To broker",
    "overdue": "Overdue",
    "answered": "Answered",
}
CLOSED = (Status.ANSWERED, Status.REFUSED, Status.WITHDRAWN)
RECENT = 20


@cache
def reference() -> engine.Reference:
    """The GAIN reference data in force (SOC Hub's default, validated on first use)."""
    return engine.load_reference()


def overdue_q(today: object = None) -> Q:
    day = today if today is not None else timezone.localdate()
    return Q(due_date__lt=day) & ~Q(status__in=[*CLOSED, Status.DRAFT])


def requests(*, user: User, tab: str = "all") -> QuerySet[ExchangeRequest]:
    """Requests the user may see, narrowed to one tab of the requests page."""
    qs = policies.visible_requests(user).select_related(
        "requesting_agency", "provider", "region", "requested_by", "approved_by"
    )
    if tab == "to_approve":
        qs = qs.filter(requesting_agency_id=user.agency_id, status=Status.AWAITING_APPROVAL).exclude(
            requested_by_id=user.pk
        )
    elif tab == "sent":
        qs = qs.filter(requesting_agency_id=user.agency_id)
    elif tab == "received":
        qs = qs.filter(provider_id=user.agency_id)
    elif tab == "to_broker":
        region = user.coordinator_region_id if user.has_role(Role.COORDINATOR) else None
        qs = qs.filter(region_id=region, status=Status.APPROVED, provider__isnull=True) if region else qs.none()
    elif tab == "overdue":
        qs = qs.filter(overdue_q())
    elif tab == "answered":
        qs = qs.filter(status=Status.ANSWERED)
    return qs


def tab_counts(*, user: User) -> dict[str, int]:
    return {tab: requests(user=user, tab=tab).count() for tab in TABS}


def request_get(*, user: User, request_id: int) -> ExchangeRequest | None:
    return requests(user=user).filter(pk=request_id).first()


@dataclass
class RegionRequests:
    """Counts and the most recent requests for one region, as the user may see them."""

    open: int
    overdue: int
    answered: int
    refused: int
    requests: list[ExchangeRequest] = field(default_factory=list)


def region_request_summary(*, user: User, region: Region) -> RegionRequests:
    """The region's requests for its GAIN coordinator (requesting or providing agency in the region, or brokered
    through it); for anyone else, only the requests involving the user's own agency. Drafts never count."""
    qs = policies.visible_requests(user).exclude(status=Status.DRAFT)
    if user.coordinator_region_id == region.pk and user.has_role(Role.COORDINATOR):
        qs = qs.filter(policies.region_q(region.pk))
    else:
        qs = qs.filter(Q(requesting_agency_id=user.agency_id) | Q(provider_id=user.agency_id))
    return RegionRequests(
        open=qs.filter(status__in=policies.OPEN).count(),
        overdue=qs.filter(overdue_q()).count(),
        answered=qs.filter(status=Status.ANSWERED).count(),
        refused=qs.filter(status=Status.REFUSED).count(),
        requests=list(
            qs.select_related("requesting_agency", "provider", "region").order_by("-created_at", "-id")[:RECENT]
        ),
    )


def regions_for(user: User) -> list[Region]:
    """The regions whose summary the user sees: their own as coordinator, else their agency's region."""
    if user.coordinator_region_id is not None and user.has_role(Role.COORDINATOR):
        return list(Region.objects.filter(pk=user.coordinator_region_id))
    if user.agency is not None and user.agency.region_id is not None:
        return list(Region.objects.filter(pk=user.agency.region_id))
    return []


def providers_for(user: User) -> QuerySet[Agency]:
    """Agencies a request may go to: every member agency but the user's own."""
    return Agency.objects.filter(status="member").exclude(pk=user.agency_id or 0).order_by("name")


def hit_for_request(*, user: User, hit_id: int) -> KnownSearchHit | None:
    """A hit of the user's agency's searches, to pre-fill a request (its nominal stays server-side)."""
    return policies.visible_hits_for_searcher(user).select_related("agency").filter(pk=hit_id).first()


def holder_hits(*, user: User) -> QuerySet[KnownSearchHit]:
    """Searches by other agencies that matched the user's agency's people."""
    return policies.holder_hits(user).select_related("search", "search__agency", "search__searched_by", "nominal")


@dataclass
class AnswerOptions:
    """Records the provider may choose to share in an answer (only its own, which it may share)."""

    nominals: list[Nominal]
    intelligence: list[IntelligenceRecord]
    ocgs: list[OCG]
    meant: Nominal | None


def answer_options(*, user: User, req: ExchangeRequest) -> AnswerOptions:
    """The person meant (from a known-to-you hit) and the request's subjects the provider holds, with the
    provider's own intelligence and OCGs on them."""
    meant = None
    if req.known_hit_id and req.known_hit and req.known_hit.agency_id == user.agency_id:
        meant = intel_policies.visible_nominals(user).filter(pk=req.known_hit.nominal_id).first()
    ids = [meant.pk] if meant else []
    ids += list(req.nominals.values_list("pk", flat=True))
    own_facts = NominalFact.objects.filter(nominal_id=OuterRef("pk"), agency_id=user.agency_id or 0)
    nominals = list(intel_policies.visible_nominals(user).filter(pk__in=ids).filter(Exists(own_facts)))
    held = [n.pk for n in nominals]
    intelligence = list(
        intel_policies.visible_intelligence(user)
        .filter(agency_id=user.agency_id or 0)
        .filter(Q(subjects__in=held) | Q(ocgs__in=req.ocgs.all()))
        .distinct()
        .order_by("-date_of_intelligence", "-pk")
    )
    ocgs = list(
        intel_policies.visible_ocgs(user)
        .filter(agency_id=user.agency_id or 0)
        .filter(Q(pk__in=req.ocgs.all()) | Q(memberships__nominal__in=held))
        .distinct()
    )
    return AnswerOptions(nominals=nominals, intelligence=intelligence, ocgs=ocgs, meant=meant)


def name_of(*, user: User, nominal: Nominal) -> str:
    """The first name the user may see for a nominal (for labels), or its short id."""
    fact = intel_policies.visible_facts(user, NominalFact.objects.filter(nominal=nominal, kind=FactKind.NAME)).first()
    return fact.value if fact else f"Nominal {nominal.short_id}"


def visible_subjects(*, user: User, req: ExchangeRequest) -> dict[str, Any]:
    """The request's subjects as this user may see them, and how many they may not."""
    nominals = list(intel_policies.visible_nominals(user, req.nominals.all()))
    ocgs = list(intel_policies.visible_ocgs(user, req.ocgs.all()))
    premises = list(intel_policies.visible_premises(user, req.premises.all()))
    hidden = req.nominals.count() + req.ocgs.count() + req.premises.count() - len(nominals) - len(ocgs) - len(premises)
    return {
        "nominals": [(n, name_of(user=user, nominal=n)) for n in nominals],
        "ocgs": ocgs,
        "premises": premises,
        "hidden": hidden,
    }
