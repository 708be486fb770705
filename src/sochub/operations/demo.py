"""A month of partnership work in the North West for the demo, made through the real services:

- DWP asks whether GMP knows a person ("is this person known to you?", scored by the demo's linkage model),
  raises a request that its team leader approves, and GMP answers with two records shared for 30 days; a
  second request from GMP to HMRC waits for an answer.
- Two problem premises in Cheetham Hill; last month's night of action with Manchester City Council licensing
  and Manchester Trading Standards, its visits and outcomes; next Friday's night of action planned.
- A moderate disruption validated by a second person, a cash seizure whose 48-hour clock is running, and an
  account freezing order.
Names and addresses of premises are invented.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.exchange import known
from sochub.exchange import services as exchange
from sochub.exchange.models import KnownSearchHit
from sochub.intel.models import OCG, HandlingCode, IntelligenceRecord, Nominal
from sochub.linkage.models import SourceRecord
from sochub.partners.models import Agency, Region, User
from sochub.recovery import services as recovery

from . import services
from .models import JointOperation, OperationStatus, ProblemPremises


def _actor(username: str, purpose: str) -> Actor:
    return Actor(user=User.objects.get(username=username), channel=Channel.CLI, purpose=purpose)


def _person_only_gmp_holds() -> tuple[SourceRecord, Nominal, list[IntelligenceRecord]] | None:
    """A GMP source record with a full name and date of birth, whose person no other agency holds and on whom GMP
    has shareable (handling P) intelligence."""
    held_elsewhere = SourceRecord.objects.exclude(agency__code="gmp").values("nominal_id")
    candidates = (
        SourceRecord.objects.filter(agency__code="gmp", nominal__isnull=False)
        .exclude(nominal_id__in=held_elsewhere)
        .order_by("pk")
    )
    for record in candidates[:2000]:
        v = record.values
        if not (v.get("given_name") and v.get("surname") and v.get("dob")):
            continue
        reports = list(
            IntelligenceRecord.objects.filter(
                subjects=record.nominal_id, agency__code="gmp", handling_code=HandlingCode.P
            ).order_by("-date_of_intelligence")[:1]
        )
        if reports:
            assert record.nominal is not None
            return record, record.nominal, reports
    return None


def _information_exchange(today: date) -> int:
    """DWP's question to GMP, answered; GMP's question to HMRC, open. Returns how many requests were made."""
    made = 0
    found = _person_only_gmp_holds()
    if found is not None:
        record, nominal, reports = found
        v = record.values
        purpose = "DWP case BF/2026/0412: suspected undeclared work while claiming Universal Credit"
        query = known.parse_query(
            {
                "given_name": v["given_name"],
                "surname": v["surname"],
                "date_of_birth": date.fromisoformat(v["dob"]).strftime("%d/%m/%Y"),
                "postcode": v.get("postcode") or "",
            }
        )
        investigator = _actor("investigator_dwp", purpose)
        result = known.known_search(actor=investigator, query=query, purpose=purpose)
        hit = next((h for h in result.hits if h.agency_code == "gmp"), None)
        if hit is not None:
            request = exchange.request_create(
                actor=investigator,
                question="Is this person known to you? We believe they work cash in hand while claiming "
                "Universal Credit. Please share what you can about their employment and associates.",
                purpose="fraud_against_public_purse",
                legal_basis="dpa2018_s35_sch2_para2",
                urgency="routine",
                handling_code="P",
                known_hit=KnownSearchHit.objects.get(pk=hit.hit_id),
            )
            exchange.request_approve(actor=_actor("supervisor_dwp", purpose), request=request)
            exchange.request_answer(
                actor=_actor("analyst", "GAIN request from DWP"),
                request=request,
                answer="Known to GMP. We share our record of the person and our latest intelligence report.",
                nominals=[nominal],
                intelligence=reports,
                expires_in_days=30,
            )
            made += 1
    ocg = OCG.objects.filter(agency__code="gmp").annotate(n=Count("memberships")).order_by("-n", "pk").first()
    if ocg is not None:
        to_hmrc = exchange.request_create(
            actor=_actor("analyst", "Operation Juniper: the group's finances"),
            question="Do you hold tax records for businesses this group runs (car washes, a mini mart)?",
            purpose="asset_recovery",
            legal_basis="crca2005_s18_2",
            urgency="urgent",
            handling_code="C",
            handling_conditions="Not to be disclosed outside the Operation Juniper team.",
            provider=Agency.objects.get(code="hmrc"),
            ocgs=[ocg],
        )
        exchange.request_approve(actor=_actor("supervisor", "Approving a GAIN request"), request=to_hmrc)
        made += 1
    return made


def _friday_evening(day: date, weeks: int) -> datetime:
    friday = day + timedelta(days=(4 - day.weekday()) % 7 + 7 * weeks)
    return timezone.make_aware(datetime.combine(friday, time(20, 0)))


def _nights_of_action(today: date) -> dict[str, int]:
    """Two problem premises, last month's night of action with its outcomes, and next Friday's, planned."""
    gmp = _actor("analyst", "Operation Joined Up: problem premises in Cheetham Hill")
    north_west = Region.objects.get(code="north-west")
    licensing, ts = Agency.objects.get(code="manchester-cc"), Agency.objects.get(code="manchester-ts")
    owners = list(Nominal.objects.filter(facts__agency__code="gmp", merged_into=None).distinct().order_by("pk")[:2])
    mart = services.problem_premises_register(
        actor=gmp,
        address="212 Cheetham Hill Road, Manchester",
        postcode="M8 8LN",
        kind="business",
        name="Cheetham Hill Mini Mart",
        area="Cheetham Hill",
        owner=owners[0] if owners else None,
        licence_status="suspended",
        licensing_authority="Manchester City Council",
        risk_level="high",
        risk_reasons="Illicit tobacco and counterfeit vodka seized twice this year; sales to children reported.",
    )
    wash = services.problem_premises_register(
        actor=gmp,
        address="Unit 4, Queens Road, Manchester",
        postcode="M8 0AB",
        kind="car_wash",
        name="Sparkle Hand Car Wash",
        area="Cheetham Hill",
        owner=owners[1] if len(owners) > 1 else None,
        licence_status="none",
        risk_level="medium",
        risk_reasons="Workers appear to live on site; cash only; indicators of labour exploitation.",
    )
    last = _friday_evening(today - timedelta(days=35), 0)
    past = _plan(gmp, "Operation Joined Up – night of action", last, north_west, [licensing, ts], [mart, wash])
    night = last.date()
    lic_actor = _actor("licensing", "Operation Joined Up: licensing inspection")
    ts_actor = _actor("trading_standards", "Operation Joined Up: trading standards visit")
    services.visit_record(
        actor=lic_actor,
        problem_premises=mart,
        visited_on=night,
        kind="licensing",
        findings="Alcohol on sale although the licence is suspended; 40 bottles of counterfeit vodka.",
        officers="Licensing officers Patel and Hughes",
        operation=past,
    )
    services.visit_record(
        actor=ts_actor,
        problem_premises=mart,
        visited_on=night,
        kind="trading_standards",
        findings="Illicit tobacco hidden behind a false wall: 12,000 cigarettes and 8 kg of hand-rolling tobacco.",
        officers="TS team 2",
        operation=past,
    )
    services.action_record(
        actor=lic_actor,
        problem_premises=mart,
        kind="licence_review",
        started_on=night + timedelta(days=3),
        due_on=night + timedelta(days=31),
        detail="Review of the premises licence applied for under Licensing Act 2003 s51.",
    )
    targets = {t.problem_premises_id: t for t in past.targets.all()}
    outcomes = [
        (gmp, {"kind": "arrest", "quantity": 2, "target": targets[wash.pk], "description": "Two men arrested"}),
        (
            lic_actor,
            {"kind": "closure_order", "target": targets[mart.pk], "description": "Closure notice served on the mart"},
        ),
        (
            ts_actor,
            {
                "kind": "seizure",
                "seizure_kind": "property",
                "description": "12,000 illicit cigarettes and 8 kg hand-rolling tobacco",
                "estimated_value": Decimal("6200"),
                "target": targets[mart.pk],
            },
        ),
        (gmp, {"kind": "safeguarding_referral", "quantity": 3, "description": "Three car wash workers referred (NRM)"}),
        (
            gmp,
            {
                "kind": "recovered_property",
                "description": "Two stolen mountain bikes found at the car wash",
                "estimated_value": Decimal("1700"),
                "owner_identified": True,
                "returned_on": night + timedelta(days=6),
            },
        ),
    ]
    for actor, fields in outcomes:
        services.outcome_record(actor=actor, operation=past, occurred_on=night, **fields)  # type: ignore[arg-type]
    services.operation_status_set(actor=gmp, operation=past, status=OperationStatus.COMPLETED)
    _plan(gmp, "Operation Joined Up – follow-up night", _friday_evening(today, 1), north_west, [licensing, ts], [mart])
    return {"problem premises": 2, "joint operations": JointOperation.objects.count()}


def _plan(
    actor: Actor, name: str, starts: datetime, region: Region, partners: list[Agency], premises: list[ProblemPremises]
) -> JointOperation:
    operation = services.operation_create(
        actor=actor,
        name=name,
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        area="Cheetham Hill, Manchester",
        region=region,
        objective="Joint visits to problem premises with licensing and trading standards: seize illicit goods, "
        "check licences and workers, and safeguard anyone exploited.",
        partners=partners,
    )
    for p in premises:
        services.target_add(actor=actor, operation=operation, problem_premises=p)
    due = starts.date()
    tasks = [
        (partners[0], "Inspect licence conditions and stock at each premises", "Licensing enforcement team"),
        (partners[1], "Test purchases and seizure of illicit tobacco and alcohol", "Trading standards team 2"),
        (Agency.objects.get(code="gmp"), "Search warrants, arrests and safeguarding of workers", "Cheetham Hill NPT"),
    ]
    for agency, description, team in tasks:
        services.task_add(
            actor=actor, operation=operation, agency=agency, description=description, assigned_to=team, due=due
        )
    return operation


def _disruption_and_recovery(today: date) -> dict[str, int]:
    gmp = _actor("analyst", "Operation Juniper: disruption and asset recovery")
    ocg = OCG.objects.filter(agency__code="gmp").annotate(n=Count("memberships")).order_by("-n", "pk").first()
    made = {"disruptions": 0, "cash seizures": 0, "account freezing orders": 0}
    if ocg is not None:
        disruption = services.disruption_record(
            actor=gmp,
            ocg=ocg,
            tactic="cash_seizure",
            impact="moderate",
            rationale="The group's cash float was seized on the night of action: two dealers could not be paid "
            "and the car wash stopped trading for a fortnight.",
            on=today - timedelta(days=35),
        )
        services.disruption_validate(actor=_actor("supervisor", "Validating a disruption"), disruption=disruption)
        made["disruptions"] = 1
    recovery.seizure_record(
        actor=gmp,
        amount=Decimal("18450.00"),
        seized_at=timezone.now() - timedelta(hours=3),
        nation="england-wales",
        place="Sparkle Hand Car Wash, Queens Road, Manchester",
        officer="DC Amina Rahman",
        ocg=ocg,
    )
    made["cash seizures"] = 1
    recovery.freezing_order_record(
        actor=gmp,
        bank="Barclays",
        sort_code="20-00-00",
        account_ending="4417",
        amount=Decimal("42300.00"),
        made_on=today - timedelta(days=20),
        months=6,
        court="Manchester Magistrates' Court",
        ocg=ocg,
    )
    made["account freezing orders"] = 1
    return made


def build_demo_partnership(*, today: date | None = None) -> dict[str, int]:
    """Everything above; returns what was made."""
    today = today or timezone.localdate()
    counts = {"information requests": _information_exchange(today)}
    counts.update(_nights_of_action(today))
    counts.update(_disruption_and_recovery(today))
    return counts
