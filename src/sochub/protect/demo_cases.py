"""Demo fraud-victim cases for GMP, made through the real services by the demo officer: new referrals waiting
for a visit (one overdue), visited cases with measures in place and a volunteer, and closed cases. Names,
dates of birth and addresses are invented."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.partners.models import User

from . import cases
from .cases import FraudDetails, PersonDetails
from .models import FraudType, MeasureOutcome, ReferralSource, ReportedVia

FIRST = ("Margaret", "Joan", "Dorothy", "Patricia", "Eileen", "Harold", "Kenneth", "Brian", "Irene", "Arthur")
LAST = ("Thompson", "Walsh", "Hughes", "Bennett", "Lomax", "Kershaw", "Ogden", "Ashworth", "Booth", "Holt")
STREETS = ("Acacia Road", "Mill Lane", "Church Street", "Park Avenue", "Victoria Road", "Oak Drive")
DISTRICTS = ("M14", "M20", "M21", "M33", "M41", "BL1", "OL8", "SK4")
INDICATORS = (
    ("courier_or_impersonation", "lives_alone"),
    ("lives_alone", "isolated", "scam_mail_or_calls"),
    ("repeat_contact", "repeated_losses"),
    ("cognitive_impairment", "lives_alone"),
    ("emotional_ties", "isolated"),
    ("post_office_visits",),
)
FRAUDS = (FraudType.COURIER, FraudType.ROMANCE, FraudType.INVESTMENT, FraudType.IMPERSONATION, FraudType.DOORSTEP)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MEASURES = ("call_blocker", "mail_redirection", "bank_liaison", "family_and_attorney")


def build_demo_cases(*, seed: int, count: int = 30, today: date | None = None) -> dict[str, int]:
    """``count`` cases over the last four months, in every state; returns what was made."""
    rng = random.Random(seed)
    today = today or date.today()
    officer = User.objects.get(username="officer")
    actor = Actor(user=officer, channel=Channel.CLI, purpose="Demo: vulnerable fraud-victim cases")
    volunteer = User.objects.filter(username="volunteer").first()
    measures = {m.id: m for m in cases.checklist().measures}
    made = {"victim cases": 0, "victim cases closed": 0}
    for k in range(count):
        referred = today - timedelta(days=rng.randint(0, 120))
        born = date(rng.randint(1931, 1960), rng.randint(1, 12), rng.randint(1, 28))
        district = rng.choice(DISTRICTS)
        case = cases.referral_create(
            actor=actor,
            person=PersonDetails(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                birth_date=born,
                address=f"{rng.randint(1, 99)} {rng.choice(STREETS)}",
                postcode=f"{district} {rng.randint(1, 9)}{''.join(rng.choices(UNIT_LETTERS, k=2))}",
                phone=f"0161 496 {rng.randint(0, 9999):04d}",
            ),
            fraud=FraudDetails(
                fraud_type=rng.choice(FRAUDS),
                occurred_on=referred - timedelta(days=rng.randint(0, 5)),
                loss=str(rng.choice((0, 250, 1200, 4500, 9000, 26000))),
                crime_reference=f"NFRC{referred:%y%m}{rng.randint(100000, 999999)}",
                reported_via=rng.choice(list(ReportedVia.values)),
            ),
            indicators=list(rng.choice(INDICATORS)),
            referral_source=rng.choice(list(ReferralSource.values)),
            referred_on=referred,
        )
        made["victim cases"] += 1
        age_days = (today - referred).days
        if k % 7 == 0 or age_days < 3:
            continue  # waiting for the visit (some overdue)
        target = (case.visit_due - case.referred_on).days
        visited = min(today, referred + timedelta(days=rng.randint(0, target + 3)))
        cases.visit_record(actor=actor, case=case, officer=officer, visited_on=visited, notes="Visited at home.")
        for measure in rng.sample(MEASURES, rng.randint(1, 3)):
            cases.measure_add(
                actor=actor,
                case=case,
                measure=measure,
                partner=measures[measure].partner,
                requested_on=visited,
                outcome=MeasureOutcome.IN_PLACE,
                outcome_on=visited,
            )
        if volunteer is not None and k % 3 == 0:
            cases.volunteer_assign(actor=actor, case=case, volunteer=volunteer)
        if age_days > 60 and k % 2 == 0:
            cases.case_close(
                actor=actor, case=case, reason="Measures in place; no further contact from scammers.", closed_on=today
            )
            made["victim cases closed"] += 1
    return made
