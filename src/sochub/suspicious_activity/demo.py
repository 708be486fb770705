"""Two years of suspicious activity reports for the demo, made through the real services.

About 120 reports recorded by GMP's ``analyst``, with reports from the legal and accounting sectors rising after
a 'Flag it up' campaign a year ago; two DAMLs whose notice periods are running, one refused and in its
moratorium, and ``supervisor`` on the access list of some. Reporter names and references are invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.intel import policies as intel_policies
from sochub.intel.models import Nominal
from sochub.partners.models import User

from . import services
from .models import SuspiciousActivityReport

_REPORTERS = {
    "banks": ["Northern Counties Bank", "Pennine Building Society", "Irwell Bank plc"],
    "money_service_businesses": ["QuickSend Remittance", "Cheetham Currency Exchange"],
    "accountants": ["Ashworth & Kay Accountants", "Deansgate Tax Services", "M. Patel FCCA"],
    "legal_professionals": ["Bridgewater Solicitors", "Oldham Road Law LLP", "Hale & Partners"],
    "estate_agents": ["Moss Side Lettings", "Salford Quays Estates"],
    "high_value_dealers": ["Trafford Prestige Cars", "Northern Jewellers"],
    "gambling": ["Lucky Seven Betting", "Manchester Grand Casino"],
    "trust_company_service_providers": ["Formations Direct Ltd"],
    "other": ["Greater Manchester Car Auctions"],
}
_CODES = {
    "banks": ["XXTBMLXX", "XXDRUXX"],
    "money_service_businesses": ["XXOICXX", "XXDRUXX"],
    "accountants": ["XXPRFXX", "XXTEUKXX"],
    "legal_professionals": ["XXPRFXX", "XXPROPXX"],
    "estate_agents": ["XXPROPXX"],
    "high_value_dealers": ["XXDRUXX"],
    "gambling": ["XXDRUXX"],
    "trust_company_service_providers": ["XXPRFXX"],
    "other": [],
}
# Reports a month before and after the campaign, by sector.
_BEFORE = {
    "banks": 1.6,
    "money_service_businesses": 0.6,
    "accountants": 0.6,
    "legal_professionals": 0.6,
    "other": 0.4,
    "estate_agents": 0.3,
    "high_value_dealers": 0.2,
    "gambling": 0.2,
    "trust_company_service_providers": 0.1,
}
_AFTER = {**_BEFORE, "accountants": 1.1, "legal_professionals": 1.2}


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def build_demo_suspicious_activity(*, seed: int, today: date | None = None) -> dict[str, int]:
    """Record the demo's reports (``today`` must not be in the future); returns what was made."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    analyst = User.objects.get(username="analyst")
    supervisor = User.objects.filter(username="supervisor").first()
    actor = Actor(user=analyst, channel=Channel.CLI, purpose="Demo: recording suspicious activity reports")
    people = list(intel_policies.visible_nominals(analyst, Nominal.objects.order_by("created_at"))[:40])
    campaign = _month_start(today, 12)
    made = 0
    shared = 0

    def new_ref() -> str:
        return f"UKFIU-{rng.randrange(10**7, 10**8)}"

    for back in range(24, 0, -1):
        start = _month_start(today, back)
        rates = _AFTER if start >= campaign else _BEFORE
        for sector, rate in rates.items():
            count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
            for _ in range(count):
                day = min(start + timedelta(days=rng.randrange(28)), today - timedelta(days=1))
                codes = _CODES[sector][: rng.randint(0, len(_CODES[sector]))]
                persons = [(rng.choice(people), "")] if people and rng.random() < 0.3 else []
                report = services.report_record(
                    actor=actor,
                    ukfiu_reference=new_ref(),
                    report_type="information",
                    sector=sector,
                    reporter_organisation=rng.choice(_REPORTERS[sector]),
                    submitted_on=day,
                    reason_for_suspicion="Activity inconsistent with the customer's known income and business.",
                    glossary_codes=codes,
                    no_codes_apply=not codes,
                    property_value=None,
                    persons=persons,
                )
                made += 1
                if supervisor is not None and rng.random() < 0.2:
                    services.access_add(
                        actor=actor, report=report, user=supervisor, reason="Intelligence manager: oversight"
                    )
                    shared += 1

    def daml(days_ago: int, sector: str, act_text: str) -> SuspiciousActivityReport:
        return services.report_record(
            actor=actor,
            ukfiu_reference=new_ref(),
            report_type="daml",
            sector=sector,
            reporter_organisation=rng.choice(_REPORTERS[sector]),
            submitted_on=today - timedelta(days=days_ago),
            reason_for_suspicion="Client wants the proceeds paid to a third party with no clear reason. XXS99XX",
            glossary_codes=["XXS99XX", *_CODES[sector][:1]],
            prohibited_act=act_text,
            property_description="Proceeds held in the client account",
            property_value=Decimal(rng.choice([48_500, 125_000, 310_000])),
            companies=[("Acacia Holdings Ltd", "09876543")],
        )

    running = [
        daml(1, "legal_professionals", "Complete the purchase of 14 Acacia Road and pay the seller"),
        daml(4, "accountants", "Pay a £62,000 tax refund to the client's nominated account"),
    ]
    refused = daml(12, "legal_professionals", "Transfer the sale proceeds to an account in Dubai")
    services.decision_record(actor=actor, report=refused, decision="refused", decided_on=today - timedelta(days=8))
    for report in [*running, refused]:
        if supervisor is not None:
            services.access_add(
                actor=actor, report=report, user=supervisor, reason="Intelligence manager: DAML decision"
            )
            shared += 1
    return {
        "suspicious_activity_reports": made + 3,
        "suspicious_activity_damls": 3,
        "suspicious_activity_shared": shared,
    }
