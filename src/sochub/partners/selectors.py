"""Reads of the GAIN directory (not personal data of the public: partner contact points)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Agency, AgencyStatus, Region, Role, User


def agency_search(*, query: str = "", kind: str = "") -> QuerySet[Agency]:
    qs = Agency.objects.exclude(status=AgencyStatus.LEFT).select_related("region")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__iexact=query) | Q(aliases__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def coordinators_for(region: Region) -> QuerySet[User]:
    return User.objects.filter(coordinator_region=region, is_active=True).select_related("agency")


def agency_people(agency: Agency) -> list[User]:
    """Named contact points: coordinators and administrators of the agency."""
    return [
        u
        for u in agency.users.filter(is_active=True).order_by("last_name")
        if u.has_role(Role.COORDINATOR, Role.AGENCY_ADMIN)
    ]
