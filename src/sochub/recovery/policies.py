"""Who may see and write asset recovery records: the one place these rules live.

- A seizure (with its orders and notices) belongs to the seizing agency: its users who work with
  intelligence see it; nobody else does.
- Its analysts, coordinators and officers (intelligence write roles) record seizures, orders and notices
  and close seizures.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sochub.partners.models import INTEL_WRITE_ROLES, User

from .models import CashSeizure, RecoveryNotice


def visible_seizures(user: User, qs: QuerySet[CashSeizure] | None = None) -> QuerySet[CashSeizure]:
    qs = CashSeizure.objects.all() if qs is None else qs
    if not user.works_with_intel or user.agency_id is None:
        return qs.none()
    return qs.filter(agency_id=user.agency_id)


def visible_notices(user: User, qs: QuerySet[RecoveryNotice] | None = None) -> QuerySet[RecoveryNotice]:
    qs = RecoveryNotice.objects.all() if qs is None else qs
    if not user.works_with_intel or user.agency_id is None:
        return qs.none()
    return qs.filter(agency_id=user.agency_id)


def can_record(user: User) -> bool:
    return user.works_with_intel and user.agency_id is not None and user.has_role(*INTEL_WRITE_ROLES)


def can_write(user: User, seizure: CashSeizure) -> bool:
    return can_record(user) and seizure.agency_id == user.agency_id
