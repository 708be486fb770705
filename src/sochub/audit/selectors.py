"""Audit search: who may read which rows of the log."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from sochub.partners.models import Role, User

from .models import AuditEvent


def can_search_audit(user: User) -> bool:
    return user.is_active and user.has_role(Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN)


def audit_events_visible_to(
    *,
    user: User,
    username: str = "",
    operation: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """System admins read the whole log; agency admins read their own agency's rows, and the rows written
    when another agency's "is this person known to you?" search matched one of their people (those are
    written as the system, so the searcher's own administrators never learn which nominal matched)."""
    qs = AuditEvent.objects.all()
    if not can_search_audit(user):
        return qs.none()
    if not user.has_role(Role.SYSTEM_ADMIN):
        code = user.agency.code if user.agency else "-"
        qs = qs.filter(Q(agency_code=code) | Q(object_type="known_to_you_hit", detail__holder=code))
    if username:
        qs = qs.filter(username__iexact=username.strip())
    if operation:
        qs = qs.filter(operation=operation)
    if object_id:
        qs = qs.filter(object_ids__icontains=object_id.strip())
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-id")
