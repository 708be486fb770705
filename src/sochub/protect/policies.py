"""Who may see the self-assessment figures and who may message the people who asked for alerts.

- The figures are anonymous counts: every role that works with intelligence (analyst, coordinator, officer,
  partner staff) of any agency sees them.
- Messages reach members of the public, so only the roles that run public engagement send them:
  coordinators, officers and partner staff. Nobody on staff ever sees a contact's address or number.
"""

from __future__ import annotations

from sochub.partners.models import Role, User

VIEW_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.OFFICER, Role.PARTNER)
SEND_ROLES = (Role.COORDINATOR, Role.OFFICER, Role.PARTNER)


def _staff(user: User) -> bool:
    return bool(user.is_active and user.agency_id is not None)


def can_view_stats(user: User) -> bool:
    return _staff(user) and user.has_role(*VIEW_ROLES)


def can_send_messages(user: User) -> bool:
    return _staff(user) and user.has_role(*SEND_ROLES)
