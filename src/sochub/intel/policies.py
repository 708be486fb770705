"""Who may see what in the intelligence picture: the one place these rules live.

A user sees a fact or record only when (1) they hold a role that works with intelligence,
(2) their agency owns it or holds an unexpired, unrevoked share of it, and (3) for
OFFICIAL-SENSITIVE material, their vetting allows it. Views answer 404 for anything that
fails, so its existence is not revealed.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sochub.partners.models import INTEL_WRITE_ROLES, User

from .models import (
    OCG,
    Association,
    Classification,
    HandlingCode,
    IntelligenceRecord,
    Nominal,
    NominalFact,
    OCGMembership,
    Offence,
    Premises,
    Share,
)


def _live_shares(user: User) -> QuerySet[Share]:
    now = timezone.now()
    return Share.objects.filter(recipient_id=user.agency_id, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def cleared_for(user: User, classification: str) -> bool:
    if classification == Classification.OFFICIAL:
        return True
    return user.vetting in settings.SOCHUB_OFFICIAL_SENSITIVE_VETTING


def _clearance_q(user: User) -> Q:
    return Q() if cleared_for(user, Classification.OFFICIAL_SENSITIVE) else Q(classification=Classification.OFFICIAL)


def can_record(user: User) -> bool:
    return user.works_with_intel and user.has_role(*INTEL_WRITE_ROLES)


# Facts and nominals -----------------------------------------------------------------------


def shared_nominal_exists(user: User, nominal_ref: str = "nominal_id", owner_ref: str = "agency_id") -> Exists:
    """True where the row's owner has shared that nominal with the user's agency."""
    return Exists(_live_shares(user).filter(nominal_id=OuterRef(nominal_ref), owner_id=OuterRef(owner_ref)))


def visible_facts(user: User, qs: QuerySet[NominalFact] | None = None) -> QuerySet[NominalFact]:
    qs = NominalFact.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    return qs.filter(Q(agency_id=user.agency_id) | shared_nominal_exists(user))


def visible_offences(user: User, qs: QuerySet[Offence] | None = None) -> QuerySet[Offence]:
    """Offences follow the facts rule: the recording agency's own, or shared with the nominal."""
    qs = Offence.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    return qs.filter(Q(agency_id=user.agency_id) | shared_nominal_exists(user))


def visible_nominals(user: User, qs: QuerySet[Nominal] | None = None) -> QuerySet[Nominal]:
    """Live (not merged-away) nominals with at least one fact the user may see."""
    qs = Nominal.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    facts = visible_facts(user, NominalFact.objects.filter(nominal_id=OuterRef("pk")))
    return qs.filter(merged_into__isnull=True).filter(Exists(facts))


def can_view_nominal(user: User, nominal: Nominal) -> bool:
    return visible_nominals(user, Nominal.objects.filter(pk=nominal.pk)).exists()


def other_agencies_hold(user: User, nominal: Nominal) -> bool:
    """Whether agencies the user cannot see also hold facts on this nominal (not what they are)."""
    return nominal.facts.exclude(pk__in=visible_facts(user, nominal.facts.all()).values("pk")).exists()


# Records owned by one agency: OCGs and intelligence ----------------------------------------


def visible_ocgs(user: User, qs: QuerySet[OCG] | None = None) -> QuerySet[OCG]:
    qs = OCG.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    shared = Exists(_live_shares(user).filter(ocg_id=OuterRef("pk")))
    return qs.filter(Q(agency_id=user.agency_id) | shared).filter(_clearance_q(user))


def visible_intelligence(user: User, qs: QuerySet[IntelligenceRecord] | None = None) -> QuerySet[IntelligenceRecord]:
    qs = IntelligenceRecord.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    shared = Exists(_live_shares(user).filter(intelligence_id=OuterRef("pk")))
    return qs.filter(Q(agency_id=user.agency_id) | shared).filter(_clearance_q(user))


def visible_memberships(user: User, qs: QuerySet[OCGMembership]) -> QuerySet[OCGMembership]:
    return qs.filter(ocg__in=visible_ocgs(user), nominal__in=visible_nominals(user))


def visible_associations(user: User, qs: QuerySet[Association]) -> QuerySet[Association]:
    """An association shows when its recorder is the user's agency or shared either nominal."""
    if not user.works_with_intel:
        return qs.none()
    return qs.filter(
        Q(agency_id=user.agency_id)
        | shared_nominal_exists(user, "nominal_a_id")
        | shared_nominal_exists(user, "nominal_b_id")
    ).filter(nominal_a__in=visible_nominals(user), nominal_b__in=visible_nominals(user))


def visible_premises(user: User, qs: QuerySet[Premises] | None = None) -> QuerySet[Premises]:
    """Premises recorded by the user's agency, or by an agency whose facts about a linked nominal the user
    sees (the rule the nominal page applies)."""
    qs = Premises.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    seen = Exists(visible_facts(user).filter(nominal__premises=OuterRef("pk"), agency_id=OuterRef("agency_id")))
    return qs.filter(Q(agency_id=user.agency_id) | seen)


# Onward sharing -----------------------------------------------------------------------------


def share_refusal(user: User, *, owner_id: int, handling_code: str | None, classification: str) -> str | None:
    """Why this user may not share this record onward, or None when they may.

    The owner may share its own records. A recipient may pass on a record graded P; a record
    graded C, and facts about a person (``handling_code`` None), only their originator may share.
    """
    if not can_record(user):
        return "Your role does not allow sharing records."
    if not cleared_for(user, classification):
        return "Your vetting does not allow you to handle this record."
    if owner_id == user.agency_id:
        return None
    if handling_code is None:
        return "Only the agency that holds these facts may share them."
    if handling_code == HandlingCode.C:
        return "This record has handling code C: only the originating agency may share it onward."
    return None
