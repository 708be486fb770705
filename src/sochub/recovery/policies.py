"""Who may see and write asset recovery records: the one place these rules live.

- A record (a cash seizure with its orders and notices, an account freezing order with its account
  forfeiture notices, a confiscation order with its payments and compliance orders) belongs to the agency
  that recorded it: its users who work with intelligence see it; nobody else does (404).
- Its analysts, coordinators and officers (intelligence write roles) record and change them.
- The nominal or OCG a record is about is shown only when the user may see that nominal or OCG through
  ``sochub.intel.policies``; the record itself stays visible to its agency without it.
- Deadlines on the asset recovery dashboard are the user's own agency's (each row opens a record they may
  see). A GAIN coordinator, who coordinates the agencies of one region, also sees **totals** (amounts only, no
  person) for every agency of that region on the totals page and its CSV, and, on the regional dashboard
  (``selectors.region_recovery_summary``), the deadlines of every agency of their region: the agency, the
  kind of record and the date, never the person, and without a link into another agency's record.
- Anyone else who works with intelligence sees totals and deadlines of their own agency only, also on the
  regional dashboard of their region.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal
from sochub.partners.models import INTEL_WRITE_ROLES, Agency, Region, User

from .models import AccountFreezingOrder, CashSeizure, ConfiscationOrder, RecoveryNotice


def _agency(user: User) -> int | None:
    """The user's agency when they work with intelligence, else None (they see nothing here)."""
    return user.agency_id if user.works_with_intel else None


def _own(user: User) -> bool:
    return _agency(user) is not None


def visible_seizures(user: User, qs: QuerySet[CashSeizure] | None = None) -> QuerySet[CashSeizure]:
    qs = CashSeizure.objects.all() if qs is None else qs
    agency_id = _agency(user)
    if agency_id is None:
        return qs.none()
    return qs.filter(agency_id=agency_id)


def visible_notices(user: User, qs: QuerySet[RecoveryNotice] | None = None) -> QuerySet[RecoveryNotice]:
    qs = RecoveryNotice.objects.all() if qs is None else qs
    agency_id = _agency(user)
    if agency_id is None:
        return qs.none()
    return qs.filter(agency_id=agency_id)


def visible_freezing_orders(
    user: User, qs: QuerySet[AccountFreezingOrder] | None = None
) -> QuerySet[AccountFreezingOrder]:
    qs = AccountFreezingOrder.objects.all() if qs is None else qs
    agency_id = _agency(user)
    if agency_id is None:
        return qs.none()
    return qs.filter(agency_id=agency_id)


def visible_confiscations(user: User, qs: QuerySet[ConfiscationOrder] | None = None) -> QuerySet[ConfiscationOrder]:
    qs = ConfiscationOrder.objects.all() if qs is None else qs
    agency_id = _agency(user)
    if agency_id is None:
        return qs.none()
    return qs.filter(agency_id=agency_id)


def can_record(user: User) -> bool:
    return _own(user) and user.has_role(*INTEL_WRITE_ROLES)


def can_write(user: User, record: CashSeizure | AccountFreezingOrder | ConfiscationOrder | RecoveryNotice) -> bool:
    return can_record(user) and record.agency_id == user.agency_id


def shows_nominal(user: User, nominal: Nominal | None) -> bool:
    """Whether a record's subject person may be named to ``user`` (intel policies decide)."""
    return nominal is not None and intel_policies.can_view_nominal(user, nominal)


def shows_ocg(user: User, ocg: OCG | None) -> bool:
    return ocg is not None and intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists()


def coordinates(user: User, region: Region) -> bool:
    """The GAIN coordinator of ``region``."""
    return user.works_with_intel and user.coordinator_region_id == region.pk


def totals_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose totals ``user`` sees: their own, plus every agency of the region they coordinate."""
    agency_id = _agency(user)
    if agency_id is None:
        return Agency.objects.none()
    if user.coordinator_region_id is not None:
        return Agency.objects.filter(pk=agency_id) | Agency.objects.filter(region_id=user.coordinator_region_id)
    return Agency.objects.filter(pk=agency_id)


def region_agencies(user: User, region: Region) -> QuerySet[Agency]:
    """Agencies of ``region`` whose deadlines and totals ``user`` sees on the regional dashboard: all of them for
    its coordinator, else only the user's own agency when it is in that region."""
    agency_id = _agency(user)
    if agency_id is None:
        return Agency.objects.none()
    if coordinates(user, region):
        return Agency.objects.filter(region=region)
    return Agency.objects.filter(pk=agency_id, region=region)
