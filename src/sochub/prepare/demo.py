"""Intimidation cases and a partner survey for the demo, made through the real services.

- Three GMP cases linked to the demo's GMP OCGs the "analyst" can see: a level 2 witness with a management plan
  (owner the GMP "officer", four protective measures) whose review falls due within days; a level 2 victim whose
  review is overdue; and community-wide fear on an estate (standard).
- The North West coordinator's survey "Intimidation of victims and witnesses: force data 2026", asked of the
  region's law enforcement agencies and answered by GMP ("analyst") and Merseyside ("analyst2").
Names and places are invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.intel.models import OCG
from sochub.partners.models import AgencyKind, Region, User

from . import services
from .models import IntimidationCase, RiskLevel, SubjectKind

SURVEY_TITLE = "Intimidation of victims and witnesses: force data 2026"
_WITNESSES = ("Daniel Hughes", "Priya Shah", "Kelly Marsden", "Tomasz Nowak", "Grace Okafor", "Liam Brennan")
_VICTIMS = ("Sandra Whitworth", "Imran Qureshi", "Joanne Platt", "Marcus Leigh", "Aisha Begum", "Craig Holden")
_ESTATES = ("the Langley estate", "the Partington estate", "Collyhurst Village", "the Racecourse estate")


def _actor(username: str, purpose: str) -> Actor:
    return Actor(user=User.objects.get(username=username), channel=Channel.CLI, purpose=purpose)


def _cases(rng: random.Random, today: date) -> int:
    analyst = _actor("analyst", "Operation Juniper: intimidation of witnesses")
    ocgs = list(OCG.objects.filter(agency__code="gmp").order_by("pk")[:3])
    if not ocgs:
        return 0
    officer = User.objects.get(username="officer")
    witness = services.case_record(
        actor=analyst,
        subject_kind=SubjectKind.WITNESS,
        person_name=rng.choice(_WITNESSES),
        person_contact="Through the officer in the case only",
        witness_reference="W3",
        ocg=ocgs[0],
        occurred_on=today - timedelta(days=12),
        reported_on=today - timedelta(days=10),
        kind="threats_in_person",
        description="Approached outside home by two men who said the witness 'knew what happens to grasses' "
        "two weeks before the trial of a group member.",
        case_reference="Crown Court T20267731",
        risk_level=RiskLevel.LEVEL_2,
    )
    services.plan_create(
        actor=analyst,
        case=witness,
        owner=officer,
        summary="Keep the witness safe to and through the trial; review after each contact.",
    )
    for measure, status, days_ago in (
        ("panic_alarm", "in_place", 9),
        ("address_marker", "in_place", 9),
        ("special_measures", "proposed", 8),
        ("witness_service_referral", "in_place", 7),
    ):
        services.measure_set(
            actor=analyst,
            case=witness,
            measure=measure,
            status=status,
            status_on=today - timedelta(days=days_ago),
        )
    victim = services.case_record(
        actor=analyst,
        subject_kind=SubjectKind.VICTIM,
        person_name=rng.choice(_VICTIMS),
        ocg=ocgs[min(1, len(ocgs) - 1)],
        occurred_on=today - timedelta(days=42),
        reported_on=today - timedelta(days=40),
        kind="property_damage",
        description="Car windows smashed and a brick through the front window after the victim reported "
        "drug dealing from the flat next door.",
        case_reference="06/123456/26",
        risk_level=RiskLevel.LEVEL_2,
    )
    services.plan_create(actor=analyst, case=victim, owner=officer)
    services.measure_set(
        actor=analyst, case=victim, measure="target_hardening", status="in_place", status_on=today - timedelta(days=35)
    )
    services.review_record(
        actor=analyst,
        case=victim,
        reviewed_on=today - timedelta(days=25),
        notes="No further incidents since target hardening; the victim is still anxious. Keep at level 2.",
        risk_after=RiskLevel.LEVEL_2,
    )
    services.case_record(
        actor=analyst,
        subject_kind=SubjectKind.COMMUNITY,
        community=rng.choice(_ESTATES),
        ocg=ocgs[-1],
        occurred_on=today - timedelta(days=6),
        reported_on=today - timedelta(days=5),
        kind="community_fear",
        description="Residents' association says neighbours will not report dealing after a car was set alight.",
        risk_level=RiskLevel.STANDARD,
    )
    return IntimidationCase.objects.filter(agency__code="gmp").count()


def _survey(rng: random.Random, today: date) -> int:
    designer = _actor("coordinator", "Prepare: intimidation project survey of forces")
    survey = services.survey_create(
        actor=designer,
        title=SURVEY_TITLE,
        introduction="The intimidation project gathers evidence on intimidation of victims, witnesses and "
        "communities connected to serious and organised crime, to improve the response to level 2 intimidated "
        "witnesses. Please answer for your force as a whole.",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=30),
        audience_kinds=[AgencyKind.LAW_ENFORCEMENT],
        audience_regions=list(Region.objects.filter(code="north-west")),
    )
    questions: list[dict[str, Any]] = [
        {
            "kind": "single",
            "text": "Does your force have a written policy for managing level 2 intimidated witnesses?",
            "options": ["Yes", "In draft", "No"],
            "required": True,
        },
        {
            "kind": "number",
            "text": "How many intimidated victims or witnesses linked to organised crime did your force record "
            "in 2025?",
            "min_value": 0,
            "required": True,
        },
        {
            "kind": "multiple",
            "text": "Which protective measures can your force provide without a witness protection referral?",
            "options": ["Panic alarm", "Target hardening", "CCTV", "Relocation support", "Police marker on address"],
        },
        {
            "kind": "scale",
            "text": "How well does your force understand intimidation linked to organised crime? (1 poorly, 5 well)",
            "min_value": 1,
            "max_value": 5,
        },
        {"kind": "text", "text": "What would most improve your response to level 2 intimidated witnesses?"},
    ]
    made = [services.question_add(actor=designer, survey=survey, **q) for q in questions]
    services.survey_open(actor=designer, survey=survey)
    ids = [str(q.pk) for q in made]
    answers = {
        "analyst": {
            ids[0]: "Yes",
            ids[1]: 140 + rng.randint(0, 40),
            ids[2]: ["Panic alarm", "Target hardening", "CCTV", "Police marker on address"],
            ids[3]: 4,
            ids[4]: "A shared register with the CPS so that special measures are applied for before the first hearing.",
        },
        "analyst2": {
            ids[0]: "In draft",
            ids[1]: 60 + rng.randint(0, 30),
            ids[2]: ["Panic alarm", "Target hardening"],
            ids[3]: 3,
            ids[4]: "Funding for relocation support short of witness protection.",
        },
    }
    for username, given in answers.items():
        services.response_save(
            actor=_actor(username, "Answering the intimidation survey"), survey=survey, answers=given, submit=True
        )
    return 1


def build_demo_prepare(*, seed: int, today: date | None = None) -> dict[str, int]:
    """Everything above; returns what was made."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    return {"intimidation cases": _cases(rng, today), "surveys": _survey(rng, today)}
