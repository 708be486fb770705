"""Every write of the Protect app: anonymous responses, alert sign-ups and unsubscribes, messages sent.

Responses are anonymous and not audited. Contacts are personal data: collecting one, its unsubscribe and each
message sent to contacts (a disclosure of their details to the e-mail service) are audited.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine.selfassess import Result
from sochub.partners.models import User

from . import policies, selectors
from .flow import State, clean_district, questionnaire
from .models import AlertContact, AlertMessage, ContactKind, SelfAssessment

CONTACTS = "alert contacts"
# Shown (translated) beside the tick box, and kept with each contact as what they agreed to.
CONSENT_WORDING = gettext_noop(
    "Yes, send me alerts about fraud and cyber crime near me. Keep my e-mail address or phone number, my "
    "postcode district and my result to do this. I can stop them at any time with the link in every alert."
)
SUBJECT_MAX = 150
BODY_MAX = 5000
# UK numbers: 07700 900123, +44 7700 900123, 0161 496 0000...
PHONE_RE = re.compile(r"^(?:\+44|0)\d{9,10}$")


def response_record(*, state: State, result: Result) -> SelfAssessment | None:
    """Store one finished self-assessment anonymously; None when this run was already stored."""
    q = questionnaire()
    submission = hashlib.sha256(f"selfassess:{state.nonce}".encode()).hexdigest()
    try:
        with transaction.atomic():
            return SelfAssessment.objects.create(
                district=state.district,
                submitted_on=timezone.localdate(),
                segment=result.segment.id,
                vulnerable=bool(result.segment.vulnerable),
                answers=[[a, b] for a, b in result.path],
                questionnaire=str(q.name)[:100],
                questionnaire_version=str(q.version)[:40],
                fingerprint=state.fingerprint[:64],
                submission=submission,
            )
    except IntegrityError:
        return None


def clean_phone(text: str) -> str:
    value = re.sub(r"[\s()-]", "", text or "")
    if not PHONE_RE.match(value):
        raise ValidationError(_("Enter a UK phone number, like 07700 900 982"))
    return "+44" + value[1:] if value.startswith("0") else value


def contact_subscribe(
    *,
    consent: bool,
    email: str,
    phone: str,
    district: str,
    segment: str,
    signup_key: str,
    confirm_url: Callable[[str], str],
) -> AlertContact | None:
    """Sign someone up for local alerts: consent, an e-mail address OR a phone number, and a district.

    Nothing is sent until the person confirms through the link e-mailed to them, so nobody can sign up
    someone else's address; an address already signed up is left as it is (the page says the same either
    way, so it reveals nothing). ``signup_key`` allows one sign-up per self-assessment result. Phone numbers
    stay unconfirmed until a text-message sender is configured. Returns the new contact, or None."""
    problems: dict[str, str] = {}
    email, phone = (email or "").strip(), (phone or "").strip()
    if not consent:
        problems["consent"] = _("Tick the box to say you want alerts")
    if email and phone:
        problems["email"] = _("Enter an e-mail address or a phone number, not both")
    elif not email and not phone:
        problems["email"] = _("Enter an e-mail address or a phone number")
    elif email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems["email"] = _("Enter an e-mail address in the right format, like name@example.com")
    else:
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            problems["phone"] = exc.messages[0]
    try:
        district = clean_district(district, required=True)
    except ValidationError as exc:
        problems["district"] = exc.messages[0]
    if segment not in {s.id for s in questionnaire().segments}:
        problems["segment"] = _("Your result could not be read: start the self-assessment again")
    if problems:
        raise ValidationError(problems)
    kind = ContactKind.EMAIL if email else ContactKind.PHONE
    same = {"email__iexact": email} if email else {"phone": phone}
    if AlertContact.objects.filter(kind=kind, unsubscribed_at__isnull=True, **same).exists():
        return None
    try:
        with transaction.atomic():
            contact = AlertContact.objects.create(
                kind=kind,
                email=email,
                phone=phone,
                district=district,
                segment=segment,
                consented_at=timezone.now(),
                consent_wording=CONSENT_WORDING,
                unsubscribe_token=_token(),
                signup_key=signup_key,
            )
            audit.record(
                actor=None,
                operation=Operation.COLLECTION,
                object_type=CONTACTS,
                object_ids=[contact.pk],
                purpose="Local fraud and cyber crime alerts, with the person's consent",
                detail={"kind": kind, "district": district, "confirmed": False},
            )
    except IntegrityError:  # this result has been used to sign up already
        return None
    if kind == ContactKind.EMAIL:
        link = confirm_url(contact.unsubscribe_token)
        EmailMessage(
            subject=_("Confirm your fraud and scam alerts"),
            body=_(
                "Someone, probably you, asked for alerts about fraud and scams near %(district)s.\n\n"
                "To start them, open this link: %(url)s\n\nIf it was not you, ignore this e-mail: nothing "
                "will be sent."
            )
            % {"district": district, "url": link},
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        ).send(fail_silently=True)
    return contact


def contact_confirm(*, token: str) -> AlertContact | None:
    """The person followed the link in the confirmation e-mail: alerts may start. Harmless twice."""
    contact = selectors.contact_by_token(token)
    if contact is None or contact.confirmed_at is not None or contact.unsubscribed_at is not None:
        return contact
    with transaction.atomic():
        AlertContact.objects.filter(pk=contact.pk).update(confirmed_at=timezone.now())
        audit.record(
            actor=None,
            operation=Operation.ALTERATION,
            object_type=CONTACTS,
            object_ids=[contact.pk],
            purpose="Local fraud and cyber crime alerts, with the person's consent",
            detail={"confirmed": True},
        )
    contact.refresh_from_db()
    return contact


def _token() -> str:
    return secrets.token_urlsafe(32)


def contact_unsubscribe(*, token: str) -> AlertContact | None:
    """Stop alerts for the contact with this token; harmless when already stopped. None: no such token."""
    contact = selectors.contact_by_token(token)
    if contact is None or contact.unsubscribed_at is not None:
        return contact
    with transaction.atomic():
        contact.unsubscribed_at = timezone.now()
        contact.save(update_fields=["unsubscribed_at"])
        audit.record(
            actor=None,
            operation=Operation.ALTERATION,
            object_type=CONTACTS,
            object_ids=[contact.pk],
            purpose="The person asked to stop local alerts",
            detail={"unsubscribed": True},
        )
    return contact


@dataclass(frozen=True)
class Draft:
    segments: list[str]
    districts: list[str]
    subject: str
    body: str


def message_check(*, segments: Sequence[str], districts: str | Sequence[str], subject: str, body: str) -> Draft:
    """Validate a message before it is shown for confirmation or sent."""
    problems: dict[str, str] = {}
    known = [s.id for s in questionnaire().segments]
    chosen = sorted({s for s in segments if s in known})
    if len(chosen) != len(set(segments)):
        problems["segments"] = _("Choose segments from the list")
    parts = districts.replace(",", " ").split() if isinstance(districts, str) else list(districts)
    cleaned: set[str] = set()
    if not parts:  # never the whole country by accident
        problems["districts"] = _("Enter the postcode districts to send to, like M14, M15")
    elif len(parts) > 200:
        problems["districts"] = _("Enter at most 200 postcode districts")
    else:
        for part in parts:
            try:
                cleaned.add(clean_district(part, required=True))
            except ValidationError:
                problems["districts"] = _("Enter postcode districts like M14, separated by commas or spaces")
                break
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        problems["subject"] = _("Enter a subject")
    elif len(subject) > SUBJECT_MAX or "\n" in subject or "\r" in subject:
        problems["subject"] = _("Enter a subject of one line, %(max)s characters or fewer") % {"max": SUBJECT_MAX}
    if not body:
        problems["body"] = _("Enter the message")
    elif len(body) > BODY_MAX:
        problems["body"] = _("Enter a message of %(max)s characters or fewer") % {"max": BODY_MAX}
    if problems:
        raise ValidationError(problems)
    return Draft(segments=chosen, districts=sorted(cleaned), subject=subject, body=body)


def _user(actor: Actor) -> User:
    user = actor.user
    assert isinstance(user, User)
    return user


def message_body(draft: Draft, unsubscribe_url: str) -> str:
    return (
        f"{draft.body}\n\n--\n"
        + _("You asked for these alerts when you did the fraud and cyber crime self-assessment.")
        + "\n"
        + _("To stop them, open this link: %(url)s") % {"url": unsubscribe_url}
        + "\n"
    )


def message_send(*, actor: Actor, draft: Draft, unsubscribe_url: Callable[[str], str]) -> AlertMessage:
    """Send a message to the consenting, subscribed contacts matching the draft's filter.

    E-mails go through Django's e-mail backend, one per person with their own unsubscribe link; phone
    contacts are counted and skipped (text messages are not configured). The send is logged and audited."""
    user = _user(actor)
    if not policies.can_send_messages(user):
        raise PermissionDenied("Only coordinators, officers and partner staff send alerts.")
    contacts = list(selectors.audience(segments=draft.segments, districts=draft.districts))
    emails = [c for c in contacts if c.kind == ContactKind.EMAIL]
    phones = [c for c in contacts if c.kind == ContactKind.PHONE]
    backend = settings.EMAIL_BACKEND
    sent = 0
    connection = get_connection(fail_silently=True)
    messages = []
    for contact in emails:
        link = unsubscribe_url(contact.unsubscribe_token)
        message = EmailMessage(
            subject=draft.subject,
            body=message_body(draft, link),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[contact.email],
            headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            connection=connection,
        )
        messages.append(message)
    if messages:
        sent = connection.send_messages(messages) or 0
    with transaction.atomic():
        log = AlertMessage.objects.create(
            sent_by=user,
            segments=draft.segments,
            districts=draft.districts,
            subject=draft.subject,
            body=draft.body,
            emailed=sent,
            failed=len(messages) - sent,
            sms_skipped=len(phones),
            backend=backend,
        )
        audit.record(
            actor=actor,
            operation=Operation.DISCLOSURE,
            object_type=CONTACTS,
            object_ids=[c.pk for c in emails],
            purpose=actor.purpose or "Local fraud and cyber crime alert to people who asked for them",
            detail={
                "message": log.pk,
                "segments": draft.segments,
                "districts": draft.districts,
                "subject": draft.subject,
                "emailed": sent,
                "failed": len(messages) - sent,
                "sms_skipped": len(phones),
                "backend": backend,
            },
        )
    return log
