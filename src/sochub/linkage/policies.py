"""Who may import for which agency, and who may see which source records.

Source records are personal data as an agency sent it. A user sees one when their agency owns
it, when the owner has shared that nominal with their agency, or when they are the GAIN
coordinator of the region the owning agency belongs to: coordinators broker linkage between
their region's partners, so they import on partners' behalf and review cross-agency pairs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.intel import policies as intel_policies
from sochub.partners.models import Agency, AgencyStatus, Role, User

from .models import CandidatePair, ImportBatch, SourceRecord


def importable_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose files this user may import."""
    if not intel_policies.can_record(user):
        return Agency.objects.none()
    q = Q(pk=user.agency_id)
    if user.has_role(Role.COORDINATOR) and user.coordinator_region_id:
        q |= Q(region_id=user.coordinator_region_id, status=AgencyStatus.MEMBER)
    return Agency.objects.filter(q)


def can_import_for(user: User, agency: Agency) -> bool:
    return importable_agencies(user).filter(pk=agency.pk).exists()


def can_resolve(user: User) -> bool:
    """Running resolution reads every agency's records but shows nobody anything new."""
    return intel_policies.can_record(user) and user.has_role(Role.ANALYST, Role.COORDINATOR)


def _brokered_agencies_q(user: User, field: str = "agency") -> Q:
    if user.has_role(Role.COORDINATOR) and user.coordinator_region_id:
        return Q(**{f"{field}__region_id": user.coordinator_region_id})
    return Q(pk__in=[])


def visible_source_records(user: User, qs: QuerySet[SourceRecord] | None = None) -> QuerySet[SourceRecord]:
    qs = SourceRecord.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    shared = intel_policies.shared_nominal_exists(user, "nominal_id", "agency_id")
    return qs.filter(Q(agency_id=user.agency_id) | shared | _brokered_agencies_q(user))


def visible_batches(user: User, qs: QuerySet[ImportBatch] | None = None) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    return qs.filter(Q(agency_id=user.agency_id) | _brokered_agencies_q(user))


def reviewable_pairs(user: User, qs: QuerySet[CandidatePair] | None = None) -> QuerySet[CandidatePair]:
    """Pairs where the user may see both records (and so judge them)."""
    qs = CandidatePair.objects.all() if qs is None else qs
    if not can_resolve(user):
        return qs.none()
    visible = visible_source_records(user).values("pk")
    return qs.filter(record_l__in=visible, record_r__in=visible)
