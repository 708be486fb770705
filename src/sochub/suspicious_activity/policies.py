"""Who may see and do what with suspicious activity reports: the one place these rules live.

Need to know, never tipping off (POCA s333A):

- A report is visible ONLY to the users on its access list, while they still work with intelligence, are
  vetted for OFFICIAL-SENSITIVE and are still at the agency they were added from. Not to the rest of its agency,
  not to a GAIN coordinator, not to an agency or system administrator: to anyone else it does not exist (404).
- The recorder (who must be an analyst, coordinator or officer vetted for OFFICIAL-SENSITIVE) is on the list
  from the start, and only the recorder changes the list: they may add people of their own agency who work with
  intelligence and are vetted, or, from another agency, a financial investigator they name as such.
- People on the list with an intelligence write role record the DAML decision, moratorium extensions and more
  subjects.
- A subject person must be a nominal the recorder may see (``sochub.intel.policies``); the nominal is shown to
  a reader only if they may see it too. Nothing about a report is ever shown from the nominal's side.
- Counts by sector and period (no content, never by subject): an analyst or coordinator sees the counts of
  their own agency's reports, a GAIN coordinator also of the agencies of the region they coordinate, and a system
  administrator of every agency. That is what measuring a campaign needs; counts carry no reference, reporter,
  subject or text.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sochub.intel import policies as intel_policies
from sochub.intel.models import Classification, Nominal
from sochub.partners.models import INTEL_WRITE_ROLES, Agency, Role, User

from .models import SuspiciousActivityReport


def _cleared(user: User) -> bool:
    """Works with intelligence and is vetted for OFFICIAL-SENSITIVE: every report is handled so."""
    return user.works_with_intel and intel_policies.cleared_for(user, Classification.OFFICIAL_SENSITIVE)


def visible_reports(
    user: User, qs: QuerySet[SuspiciousActivityReport] | None = None
) -> QuerySet[SuspiciousActivityReport]:
    """Reports whose access list names ``user`` (added from the agency they are still at)."""
    qs = SuspiciousActivityReport.objects.all() if qs is None else qs
    if not _cleared(user) or user.agency_id is None:
        return qs.none()
    return qs.filter(access__user=user, access__agency_id=user.agency_id).distinct()


def can_view(user: User, report: SuspiciousActivityReport) -> bool:
    return visible_reports(user, SuspiciousActivityReport.objects.filter(pk=report.pk)).exists()


def can_record(user: User) -> bool:
    return _cleared(user) and user.has_role(*INTEL_WRITE_ROLES)


def can_update(user: User, report: SuspiciousActivityReport) -> bool:
    """Record the decision, an extension or another subject: someone on the list with a write role."""
    return can_record(user) and can_view(user, report)


def can_manage_access(user: User, report: SuspiciousActivityReport) -> bool:
    """Only the recorder changes who is on the list."""
    return report.created_by_id == user.pk and can_view(user, report)


def access_refusal(
    adder: User, report: SuspiciousActivityReport, candidate: User, *, financial_investigator: bool
) -> str | None:
    """Why ``candidate`` cannot be put on the list (None when they can)."""
    if not can_manage_access(adder, report):
        return "Only the person who recorded the report can change who may see it."
    if not candidate.is_active or not candidate.works_with_intel:
        return "That person does not work with intelligence, so they cannot be added."
    if not intel_policies.cleared_for(candidate, Classification.OFFICIAL_SENSITIVE):
        return "That person is not vetted for OFFICIAL-SENSITIVE material (NPPV2 or above)."
    if candidate.agency_id != report.agency_id and not financial_investigator:
        return (
            "People of another agency can be added only as that agency's financial investigator: confirm that they "
            "are one."
        )
    return None


def shows_nominal(user: User, nominal: Nominal | None) -> bool:
    """Whether a subject's nominal may be linked for ``user`` (intel policies decide)."""
    return nominal is not None and intel_policies.can_view_nominal(user, nominal)


def counts_agencies(user: User) -> QuerySet[Agency] | None:
    """Agencies whose report counts ``user`` sees, or None when they see no counts at all."""
    if user.is_active and user.has_role(Role.SYSTEM_ADMIN):
        return Agency.objects.all()
    if not user.works_with_intel or not user.has_role(Role.ANALYST, Role.COORDINATOR):
        return None
    assert user.agency_id is not None  # works_with_intel
    own = Agency.objects.filter(pk=user.agency_id)
    if user.has_role(Role.COORDINATOR) and user.coordinator_region_id is not None:
        return own | Agency.objects.filter(region_id=user.coordinator_region_id)
    return own


def can_see_counts(user: User) -> bool:
    return counts_agencies(user) is not None
