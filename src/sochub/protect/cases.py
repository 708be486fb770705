"""Every write of the vulnerable fraud-victim workflow (after Sussex Police's Operation Signature): referrals,
visits, protective measures, volunteers, reviews, support notes, closing and reopening, repeat reports and the
alerts they raise. Each is checked against ``policies`` and audited (object type "victim case"); every change
also adds a line to the case's timeline.

The checklist, its points and thresholds are reference data read by ``sochub.engine.victims``; a case keeps the
assessment it was given with the checklist's version and fingerprint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import victims as engine
from sochub.partners.models import Role, User

from . import policies
from .flow import FULL_POSTCODE_RE
from .models import (
    CaseAlert,
    CaseEvent,
    CaseReview,
    CaseStatus,
    EventKind,
    FraudReport,
    FraudType,
    MeasureOutcome,
    ProtectiveMeasure,
    ReferralSource,
    ReportedVia,
    VictimCase,
)

OBJECT_TYPE = "victim case"
MATCH_THRESHOLD = 0.8
NAME_MAX = 200
TEXT_MAX = 2000
CRIME_REF_RE = re.compile(r"^[A-Z0-9][A-Z0-9/-]{3,39}$")
PHONE_RE = re.compile(r"^(?:\+44|0)\d{9,10}$")


@lru_cache(maxsize=1)
def checklist() -> engine.Checklist:
    return engine.load_checklist()


def _user(actor: Actor) -> User:
    user = actor.user
    assert isinstance(user, User)
    return user


def _record(actor: Actor, operation: Operation, case: VictimCase, **detail: Any) -> None:
    audit.record(actor=actor, operation=operation, object_type=OBJECT_TYPE, object_ids=[case.pk], detail=detail)


def _event(case: VictimCase, actor: Actor, kind: str, title: str, text: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, title=title[:200], text=text, by=_user(actor))


def _must_work(actor: Actor, case: VictimCase) -> User:
    user = _user(actor)
    if not policies.can_work(user, case):
        raise PermissionDenied("Only the case's agency works its cases.")
    return user


# The person and the fraud, as typed ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDetails:
    name: str
    birth_date: date | None
    address: str = ""
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FraudDetails:
    fraud_type: str
    occurred_on: date | None
    loss: str | Decimal = "0"
    crime_reference: str = ""
    reported_via: str = ""
    description: str = ""


@dataclass(frozen=True)
class CleanPerson:
    name: str
    birth_date: date
    address: str
    postcode: str
    district: str
    phone: str


@dataclass(frozen=True)
class CleanFraud:
    fraud_type: str
    occurred_on: date
    loss: Decimal
    crime_reference: str
    reported_via: str
    description: str


def clean_postcode(text: str) -> tuple[str, str]:
    """A full UK postcode ("M14 5AB") and its district ("M14"); ("", "") when nothing was typed."""
    value = " ".join((text or "").upper().split())
    if not value:
        return "", ""
    found = FULL_POSTCODE_RE.match(value) if len(value) <= 8 else None
    if not found:
        raise ValidationError({"postcode": "Enter a full postcode, like M14 5AB"})
    compact = value.replace(" ", "")
    return f"{compact[:-3]} {compact[-3:]}", found.group(1).replace(" ", "")


def clean_phone(text: str) -> str:
    value = re.sub(r"[\s()-]", "", text or "")
    if not value:
        return ""
    if not PHONE_RE.match(value):
        raise ValidationError({"phone": "Enter a UK phone number, like 0161 496 0000 or 07700 900 982"})
    return value


def check_person(person: PersonDetails, *, today: date | None = None) -> CleanPerson:
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    name = " ".join(person.name.split())
    if not name:
        problems["name"] = "Enter the person's full name"
    elif len(name) > NAME_MAX:
        problems["name"] = f"Name must be {NAME_MAX} characters or fewer"
    if person.birth_date is None:
        problems["birth_date"] = "Enter a real date of birth, like 27 3 1943"
    elif person.birth_date > today or person.birth_date.year < 1900:
        problems["birth_date"] = "Date of birth must be in the past"
    if len(person.address) > 500:
        problems["address"] = "Address must be 500 characters or fewer"
    postcode = district = phone = ""
    try:
        postcode, district = clean_postcode(person.postcode)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    try:
        phone = clean_phone(person.phone)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if problems:
        raise ValidationError(problems)
    assert person.birth_date is not None
    return CleanPerson(name, person.birth_date, person.address.strip(), postcode, district, phone)


def clean_loss(value: str | Decimal) -> Decimal:
    text = str(value).replace("£", "").replace(",", "").strip() or "0"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"loss": "Enter the amount lost in pounds, like 4500 or 0"}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise ValidationError({"loss": "Enter the amount lost in pounds, like 4500 or 0"})
    return amount.quantize(Decimal("0.01"))


def check_fraud(fraud: FraudDetails, *, today: date | None = None) -> CleanFraud:
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if fraud.fraud_type not in FraudType.values:
        problems["fraud_type"] = "Choose the type of fraud"
    if fraud.occurred_on is None:
        problems["occurred_on"] = "Enter a real date of the fraud, like 3 2 2026"
    elif fraud.occurred_on > today:
        problems["occurred_on"] = "Date of the fraud must be today or in the past"
    if fraud.reported_via not in ReportedVia.values:
        problems["reported_via"] = "Choose how the fraud was reported"
    reference = "".join(fraud.crime_reference.upper().split())
    if reference and not CRIME_REF_RE.match(reference):
        problems["crime_reference"] = "Enter the Action Fraud or NFIB reference as given, like NFRC260112345"
    if len(fraud.description) > TEXT_MAX:
        problems["description"] = f"What happened must be {TEXT_MAX} characters or fewer"
    loss = Decimal(0)
    try:
        loss = clean_loss(fraud.loss)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if problems:
        raise ValidationError(problems)
    assert fraud.occurred_on is not None
    return CleanFraud(fraud.fraud_type, fraud.occurred_on, loss, reference, fraud.reported_via, fraud.description)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _report(case: VictimCase, person: CleanPerson, fraud: CleanFraud, user: User, **extra: Any) -> FraudReport:
    return FraudReport.objects.create(
        case=case,
        fraud_type=fraud.fraud_type,
        occurred_on=fraud.occurred_on,
        loss=fraud.loss,
        crime_reference=fraud.crime_reference,
        reported_via=fraud.reported_via,
        description=fraud.description.strip(),
        name=person.name,
        birth_date=person.birth_date,
        postcode=person.postcode,
        phone=person.phone,
        reported_by=user,
        **extra,
    )


# Referral ---------------------------------------------------------------------------------------------------


def referral_create(
    *,
    actor: Actor,
    person: PersonDetails,
    fraud: FraudDetails,
    indicators: list[str],
    referral_source: str,
    lead: User | None = None,
    referred_on: date | None = None,
) -> VictimCase:
    """Open a case at first contact: the checklist's assessment gives the priority and the visit's due date."""
    user = _user(actor)
    if not policies.can_work_cases(user):
        raise PermissionDenied("Only police and partner staff refer fraud victims.")
    referred_on = referred_on or timezone.localdate()
    c = checklist()
    problems: dict[str, str] = {}
    for step in (lambda: check_person(person, today=referred_on), lambda: check_fraud(fraud, today=referred_on)):
        try:
            step()
        except ValidationError as exc:
            problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    known = {i.id for i in c.indicators}
    unknown = [i for i in indicators if i not in known]
    if unknown:
        problems["indicators"] = "Choose indicators from the checklist"
    if referral_source not in ReferralSource.values:
        problems["referral_source"] = "Choose who referred the person"
    lead = lead or user
    if lead.agency_id != user.agency_id or not lead.has_role(Role.OFFICER) or not lead.is_active:
        problems["lead"] = "Choose an officer of your agency to lead the case"
    if problems:
        raise ValidationError(problems)
    who, what = check_person(person, today=referred_on), check_fraud(fraud, today=referred_on)
    age = age_on(who.birth_date, referred_on)
    ticked = [i.id for i in c.indicators if i.id in set(indicators)]  # the checklist's order, no repeats
    assessment = engine.assess(c, age=age, loss_pounds=int(what.loss), indicators=ticked)
    priority = assessment.priority
    assert user.agency is not None
    with transaction.atomic():
        case = VictimCase.objects.create(
            agency=user.agency,
            name=who.name,
            birth_date=who.birth_date,
            address=who.address,
            postcode=who.postcode,
            district=who.district,
            phone=who.phone,
            referred_on=referred_on,
            referred_by=user,
            referral_source=referral_source,
            lead=lead,
            age_at_referral=age,
            indicators=ticked,
            points=assessment.points,
            priority=priority.id,
            priority_label=priority.label,
            reasons=list(assessment.reasons),
            assessment=assessment.as_dict(),
            checklist_name=str(c.name)[:100],
            checklist_version=str(c.version)[:40],
            checklist_fingerprint=str(engine.fingerprint(c))[:64],
            visit_due=engine.visit_due(assessment, referred_on),
            next_review_due=engine.review_due(c, priority.id, referred_on),
        )
        _report(case, who, what, user)
        _event(
            case,
            actor,
            EventKind.REFERRAL,
            f"Referred: {priority.label} priority ({assessment.points} points)",
            f"{FraudType(what.fraud_type).label}, reported via {ReportedVia(what.reported_via).label}. "
            f"Referred by {ReferralSource(referral_source).label.lower()}. Visit due by {case.visit_due:%d %B %Y}.",
        )
        _record(actor, Operation.COLLECTION, case, action="referral", priority=priority.id)
    return case


# Visit, measures, volunteer, reviews, notes ---------------------------------------------------------------------


def _officer(case: VictimCase, officer: User | None) -> User:
    if officer is None or officer.agency_id != case.agency_id or not officer.has_role(Role.OFFICER):
        raise ValidationError({"officer": "Choose an officer of the case's agency"})
    return officer


def visit_assign(*, actor: Actor, case: VictimCase, officer: User | None) -> VictimCase:
    _must_work(actor, case)
    officer = _officer(case, officer)
    with transaction.atomic():
        case.visit_officer = officer
        case.save(update_fields=["visit_officer"])
        _event(case, actor, EventKind.VISIT_ASSIGNED, f"Visit assigned to {_name(officer)}")
        _record(actor, Operation.ALTERATION, case, action="visit assigned", officer=officer.pk)
    return case


def visit_record(
    *, actor: Actor, case: VictimCase, officer: User | None, visited_on: date | None, notes: str
) -> VictimCase:
    _must_work(actor, case)
    problems: dict[str, str] = {}
    try:
        officer = _officer(case, officer)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if visited_on is None:
        problems["visited_on"] = "Enter the date of the visit, like 3 2 2026"
    elif visited_on > timezone.localdate() or visited_on < case.referred_on:
        problems["visited_on"] = "The visit must be between the referral and today"
    if len(notes) > TEXT_MAX * 2:
        problems["visit_notes"] = "Notes must be 4000 characters or fewer"
    if problems:
        raise ValidationError(problems)
    assert officer is not None and visited_on is not None
    with transaction.atomic():
        case.visit_officer, case.visited_on, case.visit_notes = officer, visited_on, notes.strip()
        case.save(update_fields=["visit_officer", "visited_on", "visit_notes"])
        late = (visited_on - case.visit_due).days
        when = "within target" if late <= 0 else f"{late} day{'s' if late != 1 else ''} after the target"
        _event(case, actor, EventKind.VISIT, f"Visited by {_name(officer)} on {visited_on:%d %B %Y} ({when})", notes)
        _record(actor, Operation.ALTERATION, case, action="visit recorded", officer=officer.pk)
    return case


def _day_problem(value: date | None, label: str, earliest: date | None = None) -> str | None:
    if value is None:
        return f"Enter the {label}, like 3 2 2026"
    if value > timezone.localdate():
        return f"The {label} must be today or in the past"
    if earliest is not None and value < earliest:
        return f"The {label} must be on or after {earliest:%d %B %Y}"
    return None


def measure_add(
    *,
    actor: Actor,
    case: VictimCase,
    measure: str,
    partner: str,
    requested_on: date | None,
    outcome: str = MeasureOutcome.PENDING,
    outcome_on: date | None = None,
    notes: str = "",
) -> ProtectiveMeasure:
    user = _must_work(actor, case)
    problems: dict[str, str] = {}
    known = {m.id: m for m in checklist().measures}
    if measure not in known:
        problems["measure"] = "Choose a protective measure"
    partner = " ".join(partner.split())
    if not partner and measure in known:
        partner = known[measure].partner
    if len(partner) > 150:
        problems["partner"] = "Partner must be 150 characters or fewer"
    if (problem := _day_problem(requested_on, "date requested")) is not None:
        problems["requested_on"] = problem
    problems.update(_outcome_problems(outcome, outcome_on, requested_on))
    if len(notes) > TEXT_MAX:
        problems["measure_notes"] = f"Notes must be {TEXT_MAX} characters or fewer"
    if problems:
        raise ValidationError(problems)
    assert requested_on is not None
    with transaction.atomic():
        row = ProtectiveMeasure.objects.create(
            case=case,
            measure=measure,
            label=known[measure].label[:150],
            partner=partner,
            requested_on=requested_on,
            outcome=outcome,
            outcome_on=outcome_on if outcome != MeasureOutcome.PENDING else None,
            notes=notes.strip(),
            created_by=user,
        )
        _event(
            case,
            actor,
            EventKind.MEASURE,
            f"{row.label}: {row.get_outcome_display().lower()}",
            f"With {partner}, requested {requested_on:%d %B %Y}." + (f" {row.notes}" if row.notes else ""),
        )
        _record(actor, Operation.ALTERATION, case, action="measure added", measure=measure, outcome=outcome)
    return row


def _outcome_problems(outcome: str, outcome_on: date | None, requested_on: date | None) -> dict[str, str]:
    if outcome not in MeasureOutcome.values:
        return {"outcome": "Choose the outcome"}
    if outcome != MeasureOutcome.PENDING:
        problem = _day_problem(outcome_on, "date of the outcome", requested_on)
        if problem is not None:
            return {"outcome_on": problem}
    return {}


def measure_update(
    *, actor: Actor, measure: ProtectiveMeasure, outcome: str, outcome_on: date | None, notes: str = ""
) -> ProtectiveMeasure:
    case = measure.case
    _must_work(actor, case)
    problems = _outcome_problems(outcome, outcome_on, measure.requested_on)
    if len(notes) > TEXT_MAX:
        problems["measure_notes"] = f"Notes must be {TEXT_MAX} characters or fewer"
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        measure.outcome = outcome
        measure.outcome_on = outcome_on if outcome != MeasureOutcome.PENDING else None
        if notes.strip():
            measure.notes = notes.strip()
        measure.save(update_fields=["outcome", "outcome_on", "notes"])
        _event(case, actor, EventKind.MEASURE, f"{measure.label}: {measure.get_outcome_display().lower()}", notes)
        _record(actor, Operation.ALTERATION, case, action="measure updated", measure=measure.measure, outcome=outcome)
    return measure


def volunteer_assign(*, actor: Actor, case: VictimCase, volunteer: User | None) -> VictimCase:
    """Assign a trained volunteer for long-term support (None takes the volunteer off the case)."""
    _must_work(actor, case)
    if volunteer is not None and volunteer.pk not in {u.pk for u in policies.volunteer_choices(case)}:
        raise ValidationError({"volunteer": "Choose a volunteer of the partnership"})
    with transaction.atomic():
        before = case.volunteer
        case.volunteer = volunteer
        case.save(update_fields=["volunteer"])
        if volunteer is not None:
            _event(case, actor, EventKind.VOLUNTEER, f"Volunteer assigned: {_name(volunteer)}")
        elif before is not None:
            _event(case, actor, EventKind.VOLUNTEER, f"Volunteer {_name(before)} taken off the case")
        _record(actor, Operation.ALTERATION, case, action="volunteer", volunteer=volunteer.pk if volunteer else None)
    return case


def review_record(*, actor: Actor, case: VictimCase, reviewed_on: date | None, notes: str) -> CaseReview:
    user = _must_work(actor, case)
    problems: dict[str, str] = {}
    if (problem := _day_problem(reviewed_on, "date of the review", case.referred_on)) is not None:
        problems["reviewed_on"] = problem
    if not notes.strip():
        problems["review_notes"] = "Say what the review found"
    elif len(notes) > TEXT_MAX * 2:
        problems["review_notes"] = "Notes must be 4000 characters or fewer"
    if problems:
        raise ValidationError(problems)
    assert reviewed_on is not None
    next_due = engine.review_due(checklist(), case.priority, reviewed_on) if case.is_open else None
    with transaction.atomic():
        review = CaseReview.objects.create(
            case=case, reviewed_on=reviewed_on, notes=notes.strip(), next_due=next_due, by=user
        )
        case.next_review_due = next_due
        case.save(update_fields=["next_review_due"])
        follow = f" Next review due {next_due:%d %B %Y}." if next_due else ""
        _event(case, actor, EventKind.REVIEW, f"Reviewed on {reviewed_on:%d %B %Y}", notes.strip() + follow)
        _record(actor, Operation.ALTERATION, case, action="review")
    return review


def support_note_add(*, actor: Actor, case: VictimCase, text: str) -> CaseEvent:
    """A note of long-term support: by the assigned volunteer, or by the case's agency."""
    user = _user(actor)
    if not policies.can_add_support_note(user, case):
        raise PermissionDenied("Only the case's agency and its volunteer add support notes.")
    if not text.strip():
        raise ValidationError({"note": "Write the note"})
    if len(text) > TEXT_MAX:
        raise ValidationError({"note": f"The note must be {TEXT_MAX} characters or fewer"})
    with transaction.atomic():
        event = _event(case, actor, EventKind.SUPPORT_NOTE, f"Support note by {_name(user)}", text.strip())
        _record(actor, Operation.ALTERATION, case, action="support note")
    return event


def case_close(*, actor: Actor, case: VictimCase, reason: str, closed_on: date | None = None) -> VictimCase:
    _must_work(actor, case)
    if not case.is_open:
        raise ValidationError({"reason": "The case is already closed"})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for closing the case"})
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": f"The reason must be {TEXT_MAX} characters or fewer"})
    with transaction.atomic():
        case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, closed_on or timezone.localdate(), reason
        case.next_review_due = None
        case.save(update_fields=["status", "closed_on", "closed_reason", "next_review_due"])
        _event(case, actor, EventKind.CLOSED, "Case closed", reason.strip())
        _record(actor, Operation.ALTERATION, case, action="closed")
    return case


def _reopen(case: VictimCase, actor: Actor, reason: str) -> None:
    today = timezone.localdate()
    case.status, case.closed_on, case.closed_reason = CaseStatus.OPEN, None, ""
    case.next_review_due = engine.review_due(checklist(), case.priority, today)
    case.save(update_fields=["status", "closed_on", "closed_reason", "next_review_due"])
    _event(case, actor, EventKind.REOPENED, "Case reopened", reason)


def case_reopen(*, actor: Actor, case: VictimCase, reason: str) -> VictimCase:
    _must_work(actor, case)
    if case.is_open:
        raise ValidationError({"reopen_reason": "The case is already open"})
    if not reason.strip():
        raise ValidationError({"reopen_reason": "Give the reason for reopening the case"})
    with transaction.atomic():
        _reopen(case, actor, reason.strip()[:TEXT_MAX])
        _record(actor, Operation.ALTERATION, case, action="reopened")
    return case


def case_consult(*, actor: Actor, case: VictimCase, view: str) -> None:
    """Every look at a case is logged, with what was shown (the whole case, or a volunteer's part)."""
    user = _user(actor)
    if not (policies.can_view_full(user, case) or policies.can_support(user, case)):
        raise PermissionDenied
    _record(actor, Operation.CONSULTATION, case, view=view)


# Repeat victimisation -----------------------------------------------------------------------------------------


@dataclass
class ReportOutcome:
    """What a new fraud report led to: the case it was added to (with the match), or the details to refer."""

    report: FraudReport | None = None
    case: VictimCase | None = None
    match: Any = None
    reopened: bool = False
    alert: CaseAlert | None = None
    prefill: dict[str, Any] = field(default_factory=dict)


def _people(agency_id: int) -> list[engine.Person]:
    """The agency's victims (open or closed cases) as the linkage engine compares them, with every name and
    number a report on the case gave them."""
    people = []
    for case in VictimCase.objects.filter(agency_id=agency_id).order_by("pk"):
        people.append(engine.Person(str(case.pk), case.name, case.birth_date, case.postcode, case.phone))
    for r in FraudReport.objects.filter(case__agency_id=agency_id).order_by("pk"):
        people.append(engine.Person(str(r.case_id), r.name, r.birth_date, r.postcode, r.phone))
    return people


def find_match(person: CleanPerson, agency_id: int) -> Any:
    """The best match above the threshold, or None."""
    report = engine.Person("report", person.name, person.birth_date, person.postcode, person.phone)
    matches = [m for m in engine.match_person(report, _people(agency_id), threshold=MATCH_THRESHOLD) if m.score >= 0]
    return max(matches, key=lambda m: m.score, default=None)


def report_record(*, actor: Actor, person: PersonDetails, fraud: FraudDetails) -> ReportOutcome:
    """A new fraud report. When it names a victim of one of the agency's cases, it joins that case: the case
    reopens if closed, the timeline says so and the case lead is alerted (and e-mailed). Otherwise nothing is
    stored: the caller goes on to a referral pre-filled with the report."""
    user = _user(actor)
    if not policies.can_work_cases(user):
        raise PermissionDenied("Only police and partner staff record fraud reports.")
    problems: dict[str, str] = {}
    who: CleanPerson | None = None
    what: CleanFraud | None = None
    try:
        who = check_person(person)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    try:
        what = check_fraud(fraud)
    except ValidationError as exc:
        problems.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if problems:
        raise ValidationError(problems)
    assert who is not None and what is not None and user.agency_id is not None
    match = find_match(who, user.agency_id)
    audit.record(
        actor=actor,
        operation=Operation.COMBINATION,
        object_type=OBJECT_TYPE,
        object_ids=[match.key] if match else [],
        detail={"action": "report matched against cases", "matched": bool(match)},
    )
    if match is None:
        return ReportOutcome(prefill=_prefill(person, fraud))
    case = VictimCase.objects.select_related("lead").get(pk=int(match.key), agency_id=user.agency_id)
    with transaction.atomic():
        report = _report(
            case, who, what, user, repeat=True, match_score=float(match.score), match_reasons=list(match.reasons)
        )
        reopened = not case.is_open
        if reopened:
            _reopen(case, actor, "A new fraud report about the person.")
        _event(
            case,
            actor,
            EventKind.REPEAT_REPORT,
            f"Repeat report: {FraudType(what.fraud_type).label.lower()} on {what.occurred_on:%d %B %Y}",
            f"Reported via {ReportedVia(what.reported_via).label}. Matched ({match.score:.2f}): "
            + "; ".join(str(r) for r in match.reasons),
        )
        alert = CaseAlert.objects.create(
            user=case.lead,
            case=case,
            report=report,
            message=f"New fraud report about the victim in case {case.reference}"
            + (" (case reopened)" if reopened else ""),
        )
        _record(actor, Operation.ALTERATION, case, action="repeat report", report=report.pk, reopened=reopened)
    alert.emailed = _email_lead(case, alert)
    if alert.emailed:
        alert.save(update_fields=["emailed"])
    return ReportOutcome(report=report, case=case, match=match, reopened=reopened, alert=alert)


def _email_lead(case: VictimCase, alert: CaseAlert) -> bool:
    """Tell the lead by e-mail, with no personal data in it: only the case reference."""
    address = case.lead.email
    if not address:
        return False
    message = EmailMessage(
        subject=f"SOC Hub: new fraud report on case {case.reference}",
        body=(
            f"{alert.message}.\n\nSign in to SOC Hub and open the case from My alerts. "
            "This e-mail holds no personal details."
        ),
        to=[address],
        connection=get_connection(fail_silently=True),
    )
    return bool(message.send())


def _prefill(person: PersonDetails, fraud: FraudDetails) -> dict[str, Any]:
    """The report's fields, as the referral form takes them (kept in the session, never in a URL)."""
    d = person.birth_date
    o = fraud.occurred_on
    return {
        "name": person.name,
        "birth_date": {"day": str(d.day), "month": str(d.month), "year": str(d.year)} if d else {},
        "address": person.address,
        "postcode": person.postcode,
        "phone": person.phone,
        "fraud_type": fraud.fraud_type,
        "occurred_on": {"day": str(o.day), "month": str(o.month), "year": str(o.year)} if o else {},
        "loss": str(fraud.loss),
        "crime_reference": fraud.crime_reference,
        "reported_via": fraud.reported_via,
        "description": fraud.description,
    }


def alert_read(*, actor: Actor, alert: CaseAlert) -> CaseAlert:
    user = _user(actor)
    if alert.user_id != user.pk:
        raise PermissionDenied
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


def _name(user: User) -> str:
    return user.get_full_name() or user.username
