"""Writes to the GAIN network: agencies joining and leaving, users, roles and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.intel.validation import clean_text

from .models import Agency, AgencyKind, AgencyStatus, ApiToken, Region, Role, User, Vetting


def can_edit_agency(user: User, agency: Agency) -> bool:
    return user.has_role(Role.SYSTEM_ADMIN) or (user.has_role(Role.AGENCY_ADMIN) and user.agency_id == agency.pk)


def can_manage_user(admin: User, target_agency: Agency | None) -> bool:
    """System admins manage everyone; agency admins only their own agency's users."""
    if admin.has_role(Role.SYSTEM_ADMIN):
        return True
    return admin.has_role(Role.AGENCY_ADMIN) and target_agency is not None and admin.agency_id == target_agency.pk


@transaction.atomic
def agency_contact_update(
    *, actor: Actor, agency: Agency, contact_email: str, contact_phone: str, address: str, notes: str
) -> Agency:
    if not can_edit_agency(actor.user, agency):
        raise PermissionDenied("Only this agency's administrators may change its details.")
    email = clean_text(contact_email, field="contact_email", max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"contact_email": "Enter an email address like name@example.gov.uk."}) from exc
    agency.contact_email = email
    agency.contact_phone = clean_text(contact_phone, field="contact_phone", max_length=40, required=False)
    agency.address = clean_text(address, field="address", max_length=500, required=False)
    agency.notes = clean_text(notes, field="notes", max_length=2000, required=False)
    agency.save()
    audit.record(actor=actor, operation=Operation.ALTERATION, object_type="agency", object_ids=[agency.code])
    return agency


@transaction.atomic
def agency_join(*, actor: Actor | None, code: str, name: str, kind: str, region: Region | None = None) -> Agency:
    """A new agency applies to join; a system admin makes it a member."""
    if actor is not None and not actor.user.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("Only system administrators add agencies.")
    if kind not in AgencyKind.values:
        raise ValidationError({"kind": "Choose the kind of agency."})
    agency = Agency.objects.create(
        code=clean_text(code, field="code", max_length=40).lower(),
        name=clean_text(name, field="name", max_length=200),
        kind=kind,
        region=region,
        status=AgencyStatus.APPLYING,
    )
    audit.record(actor=actor, operation=Operation.COLLECTION, object_type="agency", object_ids=[agency.code])
    return agency


@transaction.atomic
def agency_set_status(*, actor: Actor, agency: Agency, status: str) -> Agency:
    if not actor.user.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("Only system administrators change membership.")
    if status not in AgencyStatus.values:
        raise ValidationError({"status": "Status must be applying, member or left."})
    agency.status = status
    today = timezone.localdate()
    if status == AgencyStatus.MEMBER and not agency.joined_on:
        agency.joined_on = today
    if status == AgencyStatus.LEFT:
        agency.left_on = today
    agency.save()
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="agency",
        object_ids=[agency.code],
        detail={"status": status},
    )
    return agency


@transaction.atomic
def user_create(
    *,
    actor: Actor | None,
    username: str,
    password: str,
    agency: Agency,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    vetting: str = Vetting.NONE,
    coordinator_region: Region | None = None,
) -> User:
    """Create a user. ``actor`` None is the bootstrap case: the very first system administrator."""
    if actor is None:
        if User.objects.exists():
            raise PermissionDenied("Name an administrator to act as (--as).")
    elif not can_manage_user(actor.user, agency):
        raise PermissionDenied("Agency administrators manage their own agency's users only.")
    elif Role.SYSTEM_ADMIN in roles and not actor.user.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("Only system administrators grant the system administrator role.")
    bad = [r for r in roles if r not in Role.values]
    if bad or not roles:
        raise ValidationError({"roles": f"Unknown roles: {', '.join(bad)}" if bad else "Give at least one role."})
    if Role.COORDINATOR in roles and coordinator_region is None:
        raise ValidationError({"coordinator_region": "A GAIN coordinator needs a region."})
    if vetting not in Vetting.values:
        raise ValidationError({"vetting": "Unknown vetting level."})
    username = clean_text(username, field="username", max_length=150)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That user name is taken."})
    user = User(
        username=username,
        agency=agency,
        roles=list(dict.fromkeys(roles)),
        first_name=clean_text(first_name, field="first_name", max_length=150, required=False),
        last_name=clean_text(last_name, field="last_name", max_length=150, required=False),
        email=clean_text(email, field="email", max_length=254, required=False),
        vetting=vetting,
        coordinator_region=coordinator_region,
        is_staff=Role.SYSTEM_ADMIN in roles,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit.record(actor=actor, operation=Operation.COLLECTION, object_type="user", object_ids=[user.username])
    return user


@transaction.atomic
def token_create(*, actor: Actor, user: User, purpose: str, expires_days: int | None = 90) -> tuple[ApiToken, str]:
    """Issue an API token; the raw token is returned once and never stored."""
    if actor.user.pk != user.pk and not can_manage_user(actor.user, user.agency):
        raise PermissionDenied("You may create tokens for yourself, or as an administrator of their agency.")
    purpose = clean_text(purpose, field="purpose", max_length=500)
    if len(purpose) < 8:
        raise ValidationError({"purpose": "Say what the token is for, in a few words."})
    if expires_days is not None and not 1 <= expires_days <= 366:
        raise ValidationError({"expires": "Tokens expire after 1 to 366 days."})
    raw, prefix, key_hash = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        prefix=prefix,
        key_hash=key_hash,
        purpose=purpose,
        expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
    )
    audit.record(
        actor=actor,
        operation=Operation.COLLECTION,
        object_type="api_token",
        object_ids=[prefix],
        detail={"for": user.username},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Actor, prefix: str) -> int:
    tokens = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related("user")
    allowed = [t for t in tokens if t.user_id == actor.user.pk or can_manage_user(actor.user, t.user.agency)]
    for t in allowed:
        t.revoked_at = timezone.now()
        t.save(update_fields=["revoked_at"])
    if allowed:
        audit.record(actor=actor, operation=Operation.ALTERATION, object_type="api_token", object_ids=[prefix])
    return len(allowed)


def token_authenticate(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=ApiToken.hash(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Switch an account off (leavers) or back on; agency admins only for their own agency."""
    if not can_manage_user(actor.user, user.agency) or user.pk == actor.user.pk:
        raise PermissionDenied("You may not change this account.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="user",
        object_ids=[user.username],
        detail={"active": active},
    )
    return user
