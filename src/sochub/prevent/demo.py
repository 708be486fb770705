"""A year of a Haggrid-style prevent programme in Greater Manchester for the demo, made through the real
services (so every row is audited and every rule applied):

- "Haggrid Greater Manchester", led by GMP (and Manchester City Council when the demo has it), for 11 to 16 year
  olds, 100 places a year, with Haggrid's three phases.
- Members: GMP's ``officer`` leads it; Manchester City Council's ``volunteer`` is a practitioner (volunteers
  run sessions and keep registers in Haggrid-style programmes, but may not lead or decide referrals).
- About 40 referrals over the past year from GMP's ``officer``, ``analyst`` and ``supervisor``, in every state:
  waiting for a decision (some without a guardian's consent yet), on the waiting list, declined, taking part,
  completed, and left early; weekly sessions of each phase with attendance; City and Guilds qualifications,
  cadet placements, peer mentoring and awards; reoffending checks after leaving; and a few records due for a
  retention review.

Names are invented. The young people are not nominals and never appear in the intelligence picture.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.engine import prevent as engine
from sochub.partners.models import Agency, Region, User

from . import services
from .models import Phase, Programme, ReoffendingCheck, Session, YoungPerson, YoungPersonStatus

PURPOSE = "Demo: running the Haggrid Greater Manchester programme"
FIRST = [
    "Aaliyah",
    "Tyler",
    "Kacey",
    "Jayden",
    "Amira",
    "Reece",
    "Liam",
    "Chloe",
    "Mason",
    "Demi",
    "Kai",
    "Leah",
    "Harvey",
    "Skye",
    "Callum",
    "Nia",
    "Jordan",
    "Ellie",
    "Rhys",
    "Zara",
    "Bilal",
    "Macy",
    "Ethan",
    "Paige",
]
LAST = [
    "Hartley",
    "Okonkwo",
    "Brennan",
    "Whitworth",
    "Ashcroft",
    "Mahmood",
    "Kershaw",
    "Doherty",
    "Lowe",
    "Fairclough",
    "Nwosu",
    "Bradshaw",
    "Ogden",
    "Pilkington",
    "Rahman",
    "Heywood",
    "Tattersall",
    "Clegg",
    "Mensah",
    "Barlow",
]
SCHOOLS = [
    "Moss Side Academy (demo)",
    "Harpurhey High (demo)",
    "Wythenshawe Park School (demo)",
    "Gorton Community College (demo)",
    "Cheetham Hill Secondary (demo)",
]
DISTRICTS = ["M8", "M9", "M11", "M12", "M13", "M14", "M15", "M16", "M18", "M22", "M23", "M40"]
LOCATIONS = ["Moss Side Fire Station", "Hulme Community Garden", "Harpurhey Youth Centre", "Wythenshawe Forum"]


def _actor(username: str) -> Actor:
    return Actor(user=User.objects.get(username=username), channel=Channel.CLI, purpose=PURPOSE)


def _programme(lead: Actor) -> Programme:
    extra = list(Agency.objects.filter(code="manchester-cc"))
    programme = services.programme_create(
        actor=lead,
        name="Haggrid Greater Manchester",
        area="Manchester",
        region=Region.objects.filter(code="north-west").first(),
        capacity_per_year=100,
        sponsor="Greater Manchester Violence Reduction Unit (demo)",
        description=(
            "After Durham's Haggrid project: steers young people aged 11 to 16 at risk of becoming involved in "
            "serious and organised crime through social education, community projects and reward activities."
        ),
        lead_agencies=extra,
    )
    volunteer = User.objects.filter(username="volunteer").first()
    if volunteer is not None:
        services.member_set(actor=lead, programme=programme, user=volunteer, role="practitioner")
    return programme


def _refer(rng: random.Random, programme: Programme, on: date, i: int) -> YoungPerson:
    referrer = _actor(rng.choice(["officer", "officer", "analyst", "supervisor"]))
    age = rng.randint(11, 16)
    birth = on - timedelta(days=age * 365 + rng.randint(30, 330))
    while engine.age_on(birth, on) != age:
        birth += timedelta(days=1 if engine.age_on(birth, on) > age else -1)
    guardian = i % 10 != 3  # every tenth waits for a parent's or guardian's consent
    return services.referral_create(
        actor=referrer,
        programme=programme,
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        date_of_birth=birth,
        referred_on=on,
        sex=rng.choice(["female", "male", "male", ""]),
        school=rng.choice(SCHOOLS),
        postcode=rng.choice(DISTRICTS),
        risk_factors=rng.sample([f.id for f in services.selectors.reference().risk_factors], rng.randint(1, 3)),
        safeguarding_flags=rng.sample(
            [f.id for f in services.selectors.reference().safeguarding_flags], rng.choice([0, 0, 1, 2])
        ),
        reasons="Referred after a multi-agency meeting (demo).",
        referrer_contact="Neighbourhood officer (demo)",
        young_person_consent=True,
        young_person_consent_how="Signed consent form",
        young_person_consent_on=on,
        guardian_name=f"{rng.choice(['Mrs', 'Mr', 'Ms'])} {rng.choice(LAST)}" if guardian else "",
        guardian_relationship=rng.choice(["Mother", "Father", "Grandparent", "Foster carer"]) if guardian else "",
        guardian_consent_how="Home visit with the youth worker" if guardian else "",
        guardian_consent_on=on if guardian else None,
    )


def build_demo_prevent(*, seed: int, today: date | None = None) -> dict[str, int]:
    """Build the demo programme; returns counts of what was made. ``today`` must not be after the real date
    (the services refuse future dates)."""
    rng = random.Random(seed)
    today = min(today or timezone.localdate(), timezone.localdate())
    lead = _actor("officer")
    worker = _actor("volunteer") if User.objects.filter(username="volunteer").exists() else lead
    programme = _programme(lead)
    phases = list(programme.phases.order_by("order"))
    start = today - timedelta(days=364)

    # Referrals spread over the year, and their decisions.
    people: list[YoungPerson] = []
    for i in range(40):
        on = start + timedelta(days=int(i * 350 / 40) + rng.randint(0, 5))
        yp = _refer(rng, programme, on, i)
        decide_on = min(on + timedelta(days=rng.randint(5, 20)), today)
        roll = rng.random()
        if yp.guardian_consent_on is None or decide_on >= today - timedelta(days=3):
            pass  # still waiting for a decision
        elif roll < 0.1:
            services.referral_decide(
                actor=lead,
                young_person=yp,
                decision="decline",
                on=decide_on,
                reason="Needs are better met by the youth justice service.",
            )
        elif roll < 0.18:
            services.referral_decide(actor=lead, young_person=yp, decision="waiting", on=decide_on)
        else:
            yp = services.referral_decide(actor=lead, young_person=yp, decision="accept", on=decide_on)
        people.append(yp)

    # Weekly sessions of each phase in use, with the register, phases completed and some leaving early.
    keen = {yp.pk: rng.random() < 0.8 for yp in people}
    sessions = marks_made = 0
    day = start + timedelta(days=(3 - start.weekday()) % 7)  # Thursdays
    week = 0
    while day <= today:
        week += 1
        active = [YoungPerson.objects.get(pk=yp.pk) for yp in people]
        active = [
            yp for yp in active if yp.status == YoungPersonStatus.ACTIVE and yp.accepted_on and yp.accepted_on <= day
        ]
        for phase in phases:
            here = [yp for yp in active if yp.current_phase_id == phase.pk]
            if not here:
                continue
            session = services.session_create(
                actor=worker,
                programme=programme,
                phase=phase,
                held_on=day,
                title=f"{phase.label}: week {week}",
                location=rng.choice(LOCATIONS),
                facilitator="Youth worker (demo)",
            )
            sessions += 1
            marks = {}
            for yp in here:
                p = 0.9 if keen[yp.pk] else 0.55
                r = rng.random()
                marks[yp.pk] = "attended" if r < p else ("excused" if r < p + 0.05 else "absent")
            marks_made += services.attendance_record(actor=worker, session=session, marks=marks)
        for yp in active:
            done = Session.objects.filter(phase_id=yp.current_phase_id or 0, attendance__young_person=yp).count()
            if done >= 5 and rng.random() < 0.5:
                finished = yp.current_phase
                try:
                    yp = services.phase_complete(actor=worker, young_person=yp, on=day)
                except ValidationError:
                    if done >= 8 and not keen[yp.pk]:
                        services.participant_leave(
                            actor=worker, young_person=yp, on=day, reason="Stopped attending (demo)."
                        )
                    continue
                _outcome(rng, worker, yp, finished, day)
        day += timedelta(days=7)

    # Reoffending checks that have come due, and a few records due for a retention review.
    checks = 0
    for check in ReoffendingCheck.objects.filter(young_person__programme=programme, due_on__lte=today):
        services.reoffending_record(
            actor=lead,
            check=check,
            result=rng.choice(["none", "none", "none", "offending", "unknown"]),
            on=check.due_on,
        )
        checks += 1
    declined = YoungPerson.objects.filter(programme=programme, status=YoungPersonStatus.DECLINED)[:3]
    due = YoungPerson.objects.filter(pk__in=[yp.pk for yp in declined]).update(
        retention_review_on=today - timedelta(days=2)
    )
    by_status = {s: YoungPerson.objects.filter(programme=programme, status=s).count() for s in YoungPersonStatus.values}
    return {
        "programmes": 1,
        "referrals": len(people),
        "sessions": sessions,
        "attendance_marks": marks_made,
        "outcomes": sum(yp.outcomes.count() for yp in YoungPerson.objects.filter(programme=programme)),
        "reoffending_checks_recorded": checks,
        "retention_due": due,
        **{f"status_{k}": v for k, v in by_status.items()},
    }


def _outcome(rng: random.Random, worker: Actor, yp: YoungPerson, phase: Phase | None, day: date) -> None:
    """Outcomes earned on completing a phase: City and Guilds in community projects, placements and peer
    mentoring at the end."""
    label = phase.label if phase else ""
    if label == "Community projects" and rng.random() < 0.7:
        services.outcome_record(
            actor=worker,
            young_person=yp,
            kind="qualification",
            title="City and Guilds Employability Skills",
            level=rng.choice(["Entry 3", "Level 1"]),
            provider="City and Guilds",
            achieved_on=day,
            phase=phase,
        )
    elif label == "Reward activities":
        kind = rng.choice(["placement", "peer_mentoring", "award", "award"])
        title = {
            "placement": "Greater Manchester Police cadets",
            "peer_mentoring": "Peer mentor for the next group",
            "award": "Haggrid certificate of achievement",
        }[kind]
        services.outcome_record(actor=worker, young_person=yp, kind=kind, title=title, achieved_on=day, phase=phase)
    elif label == "Social education" and rng.random() < 0.3:
        services.outcome_record(
            actor=worker,
            young_person=yp,
            kind="award",
            title="Social education certificate",
            achieved_on=day,
            phase=phase,
        )
