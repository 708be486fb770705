"""Demo risk assessments: GMP's groups assessed both ways and its threat themes, written and approved through
the real services (the analyst writes, the supervisor approves), so the OCG pages, the control strategy and the
priority list's OCG component have something to show.

Ratings follow each group's recorded threat categories and size, with one rule of thumb per dimension; one fraud
group is deliberately high-harm but low on the attribute criteria, the disagreement the OCG page explains.
"""

from __future__ import annotations

import random

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCGStatus, ThreatCategory
from sochub.partners.models import User

from . import reference, services
from .models import Assessment, Subject

_HARM_BY_CATEGORY: dict[str, dict[str, int]] = {
    ThreatCategory.DRUGS: {"physical": 3, "psychological": 2, "financial": 2, "community_environment": 3},
    ThreatCategory.FIREARMS: {"physical": 4, "psychological": 3, "financial": 1, "community_environment": 3},
    ThreatCategory.MSHT: {"physical": 3, "psychological": 4, "financial": 2, "community_environment": 2},
    ThreatCategory.OIC: {"physical": 2, "psychological": 3, "financial": 2, "community_environment": 1},
    ThreatCategory.OAC: {"physical": 1, "psychological": 2, "financial": 3, "community_environment": 2},
    ThreatCategory.FRAUD: {"physical": 0, "psychological": 3, "financial": 4, "community_environment": 1},
    ThreatCategory.CYBER: {"physical": 0, "psychological": 2, "financial": 4, "community_environment": 1},
    ThreatCategory.MONEY_LAUNDERING: {"physical": 0, "psychological": 1, "financial": 4, "community_environment": 2},
    ThreatCategory.CSA: {"physical": 4, "psychological": 4, "financial": 0, "community_environment": 2},
    ThreatCategory.BRIBERY: {"physical": 0, "psychological": 1, "financial": 3, "community_environment": 3},
}
_ATTRIBUTE_BY_CATEGORY: dict[str, dict[str, str]] = {
    ThreatCategory.DRUGS: {"drug_activity": "high", "violent_criminal_activity": "medium", "cash_flow": "high"},
    ThreatCategory.FIREARMS: {"violent_criminal_activity": "high", "commodity_importation": "high"},
    ThreatCategory.MSHT: {"organised_immigration_crime": "medium", "sexual_offences": "medium", "cash_flow": "medium"},
    ThreatCategory.OIC: {"organised_immigration_crime": "high", "links_to_other_ocgs": "medium"},
    ThreatCategory.OAC: {"organised_theft": "high", "multiple_enterprises": "medium"},
    ThreatCategory.FRAUD: {"fraud_financial_crime": "low"},
    ThreatCategory.CYBER: {"fraud_financial_crime": "medium", "expertise": "medium"},
    ThreatCategory.MONEY_LAUNDERING: {"fraud_financial_crime": "high", "cash_flow": "high", "infiltration": "medium"},
    ThreatCategory.CSA: {"sexual_offences": "high"},
    ThreatCategory.BRIBERY: {"infiltration": "high", "fraud_financial_crime": "medium"},
}
THEMES: dict[str, tuple[int, int, int]] = {  # harm level, likelihood level, organisational position level
    ThreatCategory.DRUGS: (3, 4, 3),
    ThreatCategory.MSHT: (4, 2, 1),
    ThreatCategory.FRAUD: (3, 4, 1),
    ThreatCategory.FIREARMS: (4, 1, 3),
    ThreatCategory.OAC: (2, 3, 3),
}


def _why(label: str, level: int | str, subject: str) -> str:
    return f"Demo: {label.lower()} rated {level} for {subject} from the recorded threat categories and intelligence."


def _approve(assessment: Assessment, writer: Actor, approver: Actor) -> None:
    services.assessment_submit(actor=writer, assessment=assessment)
    services.assessment_approve(actor=approver, assessment=assessment)


def build_demo_assessments(*, seed: int, groups: int = 6) -> dict[str, int]:
    """Approved harm and attribute assessments of the first live groups GMP can see, and GMP's threat themes."""
    rng = random.Random(seed)
    writer = Actor(user=User.objects.get(username="analyst"), channel=Channel.CLI, purpose="Demo: OCG assessments")
    approver = Actor(user=User.objects.get(username="supervisor"), channel=Channel.CLI, purpose=writer.purpose)
    harm_model = reference.harm_model(Subject.OCG)
    attributes = reference.attribute_model()
    visible = intel_policies.visible_ocgs(writer.user).exclude(status=OCGStatus.ARCHIVED)
    ocgs = list(visible.order_by("-agency__code", "urn").filter(classification="OFFICIAL")[:groups])
    disagreeing = False
    for ocg in ocgs:
        main = ocg.threat_categories[0]
        size = ocg.memberships.count()
        harm = dict(_HARM_BY_CATEGORY.get(main, {}))
        ratings = {
            key: harm.get(key, rng.choice((1, 2)))
            for key, (section, _) in harm_model.dimensions.items()
            if section == "harm"
        }
        ratings.update(
            geographic_scope=3 if size >= 8 else 2,
            frequency=rng.choice((2, 3, 4)),
            trend=rng.choice((1, 2, 3)),
            victim_vulnerability=3 if main in (ThreatCategory.MSHT, ThreatCategory.CSA, ThreatCategory.FRAUD) else 2,
            confidence=rng.choice((2, 3, 4)),
            capacity=rng.choice((1, 2, 3)),
            capability=rng.choice((1, 2, 3)),
            partnership_opportunity=rng.choice((1, 2, 3)),
        )
        assessment = services.assessment_create(actor=writer, subject_type=Subject.OCG, ocg=ocg)
        services.assessment_save(
            actor=writer,
            assessment=assessment,
            ratings=ratings,
            rationales={k: _why(harm_model.dimensions[k][1].label, v, ocg.name) for k, v in ratings.items()},
        )
        _approve(assessment, writer, approver)

        answers = {key: "none" for key in attributes.attributes}
        for category in ocg.threat_categories:
            answers.update(_ATTRIBUTE_BY_CATEGORY.get(category, {}))
        if main == ThreatCategory.FRAUD and not disagreeing:  # one fraud group stays low on attributes
            disagreeing = True
        else:
            answers.update(links_to_other_ocgs="medium", cohesion="high" if size >= 8 else "medium")
            answers.update(tactical_awareness=rng.choice(("low", "medium", "high")))
        attribute = services.assessment_create(actor=writer, subject_type=Subject.OCG_ATTRIBUTES, ocg=ocg)
        services.assessment_save(
            actor=writer,
            assessment=attribute,
            ratings=answers,
            rationales={k: _why(attributes.attributes[k].label, v, ocg.name) for k, v in answers.items()},
        )
        _approve(attribute, writer, approver)

    theme_model = reference.harm_model(Subject.THEME)
    for theme, (harm_level, likelihood_level, position) in THEMES.items():
        ratings = {}
        for key, (section, _) in theme_model.dimensions.items():
            if section == "harm":
                ratings[key] = min(4, max(0, harm_level + rng.choice((-1, 0, 0, 1))))
            elif section == "likelihood":
                ratings[key] = min(4, max(0, likelihood_level + rng.choice((-1, 0, 0))))
            elif section == "confidence":
                ratings[key] = rng.choice((2, 3, 4))
            else:
                ratings[key] = position
        assessment = services.assessment_create(
            actor=writer, subject_type=Subject.THEME, theme=theme, area="Greater Manchester"
        )
        services.assessment_save(
            actor=writer,
            assessment=assessment,
            ratings=ratings,
            rationales={
                k: _why(theme_model.dimensions[k][1].label, v, "Greater Manchester") for k, v in ratings.items()
            },
        )
        _approve(assessment, writer, approver)
    return {"OCGs assessed both ways": len(ocgs), "threat themes assessed": len(THEMES)}
