"""Who may see and act on information-exchange requests and known-to-you hits: the one place these rules live.

- The requesting agency's staff who work with intelligence see its requests once submitted; a draft only its
  author sees.
- The provider's staff see a request once it is sent to them (approved, and brokered where it went through a
  coordinator); the region's GAIN coordinator sees the region's requests once sent (approved).
- Approval is by a second person: an analyst, coordinator or agency administrator of the requesting agency who
  did not write the request.
- The provider's analysts and coordinators answer or refuse; the GAIN coordinator of the request's region
  chooses the provider of a brokered request (or refuses to broker it).
- Known-to-you hits: the searcher's agency sees the hit (agency, contact, band, grading) but never the matched
  nominal; the holding agency's staff see which of their people was matched and by whom.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.partners.models import Role, User

from .models import ExchangeRequest, KnownSearchHit, Status

APPROVER_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.AGENCY_ADMIN)
RESPONDER_ROLES = (Role.ANALYST, Role.COORDINATOR)
OPEN = (Status.AWAITING_APPROVAL, Status.APPROVED)


def can_use_exchange(user: User) -> bool:
    """Staff who work with intelligence, and agency administrators (who approve)."""
    return user.is_active and user.agency_id is not None and (user.works_with_intel or user.has_role(Role.AGENCY_ADMIN))


def can_request(user: User) -> bool:
    return user.works_with_intel and user.has_role(Role.ANALYST, Role.COORDINATOR, Role.OFFICER, Role.PARTNER)


def can_search_known(user: User) -> bool:
    return user.works_with_intel


def region_q(region_id: int) -> Q:
    return Q(region_id=region_id) | Q(requesting_agency__region_id=region_id) | Q(provider__region_id=region_id)


def visible_requests(user: User, qs: QuerySet[ExchangeRequest] | None = None) -> QuerySet[ExchangeRequest]:
    qs = ExchangeRequest.objects.all() if qs is None else qs
    if not can_use_exchange(user):
        return qs.none()
    own = Q(requesting_agency_id=user.agency_id) & (~Q(status=Status.DRAFT) | Q(requested_by_id=user.pk))
    provider = Q(provider_id=user.agency_id, approved_at__isnull=False)
    rule = own | provider
    if user.coordinator_region_id is not None and user.has_role(Role.COORDINATOR):
        rule |= region_q(user.coordinator_region_id) & Q(approved_at__isnull=False)
    return qs.filter(rule)


def can_view(user: User, req: ExchangeRequest) -> bool:
    return visible_requests(user, ExchangeRequest.objects.filter(pk=req.pk)).exists()


def is_region_coordinator(user: User, req: ExchangeRequest) -> bool:
    return (
        user.is_active
        and user.has_role(Role.COORDINATOR)
        and user.coordinator_region_id is not None
        and user.coordinator_region_id == req.region_id
    )


def approval_refusal(user: User, req: ExchangeRequest) -> str | None:
    """Why this user may not approve this request, or None when they may."""
    if req.status != Status.AWAITING_APPROVAL:
        return "Only a request awaiting approval can be approved."
    if req.requested_by_id == user.pk:
        return "The person who wrote the request cannot approve it: a second person must approve it."
    if req.requesting_agency_id != user.agency_id or not user.has_role(*APPROVER_ROLES) or not user.is_active:
        return "Only an analyst, coordinator or agency administrator of the requesting agency can approve it."
    return None


def broker_refusal(user: User, req: ExchangeRequest) -> str | None:
    if not req.awaiting_broker:
        return "Only a sent request with no provider chosen yet can be brokered."
    if not is_region_coordinator(user, req):
        return "Only the GAIN coordinator of the request's region can choose the provider."
    return None


def response_refusal(user: User, req: ExchangeRequest) -> str | None:
    """Why this user may not answer (or refuse) this request, or None when they may."""
    if req.status != Status.APPROVED or req.provider_id is None:
        return "Only a request sent to a provider can be answered or refused."
    if req.provider_id != user.agency_id or not user.works_with_intel or not user.has_role(*RESPONDER_ROLES):
        return "Only an analyst or coordinator of the agency asked can answer or refuse it."
    return None


def refuse_refusal(user: User, req: ExchangeRequest) -> str | None:
    """Refusal: the provider, or the region's coordinator while the request waits to be brokered."""
    if req.awaiting_broker:
        return broker_refusal(user, req)
    return response_refusal(user, req)


def withdraw_refusal(user: User, req: ExchangeRequest) -> str | None:
    if req.status not in (Status.DRAFT, *OPEN):
        return "Only a request not yet answered or refused can be withdrawn."
    mine = req.requested_by_id == user.pk or user.has_role(*APPROVER_ROLES)
    if req.requesting_agency_id != user.agency_id or not mine or not user.is_active:
        return "Only the author, or an analyst, coordinator or administrator of the requesting agency, can withdraw it."
    return None


def submit_refusal(user: User, req: ExchangeRequest) -> str | None:
    if req.status != Status.DRAFT:
        return "Only a draft can be sent for approval."
    if req.requested_by_id != user.pk:
        return "Only the author can send a draft for approval."
    return None


def visible_hits_for_searcher(user: User, qs: QuerySet[KnownSearchHit] | None = None) -> QuerySet[KnownSearchHit]:
    """Hits of searches made by the user's agency (the nominal stays hidden: callers never show it)."""
    qs = KnownSearchHit.objects.all() if qs is None else qs
    if not can_search_known(user):
        return qs.none()
    return qs.filter(search__agency_id=user.agency_id or 0)


def holder_hits(user: User, qs: QuerySet[KnownSearchHit] | None = None) -> QuerySet[KnownSearchHit]:
    """Hits on the user's agency's people: its analysts, coordinators and administrators may see who searched."""
    qs = KnownSearchHit.objects.all() if qs is None else qs
    if not user.is_active or user.agency_id is None or not user.has_role(*APPROVER_ROLES):
        return qs.none()
    return qs.filter(agency_id=user.agency_id)
