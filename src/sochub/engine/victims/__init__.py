"""Support for vulnerable fraud victims (after Sussex Police's Operation Signature): who needs a visit, how soon.

The checklist (indicators and their points, age and loss bands, the indicators that make a case high priority
on their own, the priorities with visit and review times, and the protective measures with their partners) is
versioned YAML reference data, validated on load; the shipped one is SOC Hub's own default (``official:
false``): Operation Signature's risk questions and scoring are not public.

- :func:`load_checklist` / :func:`parse_checklist` -> :class:`Checklist`; :func:`fingerprint`
- :func:`assess` -> :class:`Assessment` (points, priority, plain-English reasons); :func:`visit_due`,
  :func:`review_due`
- :func:`match_person`: does a new fraud report name a person with a case? (:class:`Person` -> :class:`Match`)
"""

from .assess import Assessment, assess, review_due, visit_due
from .checklist import (
    DEFAULT_CHECKLIST,
    GROUPS,
    PRIORITY_IDS,
    AgeBand,
    Checklist,
    ChecklistError,
    Indicator,
    LossBand,
    Measure,
    Priority,
    fingerprint,
    load_checklist,
    parse_checklist,
)
from .matching import DEFAULT_THRESHOLD, WEIGHTS, Match, Person, compare, match_person

__all__ = [
    "DEFAULT_CHECKLIST",
    "DEFAULT_THRESHOLD",
    "GROUPS",
    "PRIORITY_IDS",
    "WEIGHTS",
    "AgeBand",
    "Assessment",
    "Checklist",
    "ChecklistError",
    "Indicator",
    "LossBand",
    "Match",
    "Measure",
    "Person",
    "Priority",
    "assess",
    "compare",
    "fingerprint",
    "load_checklist",
    "match_person",
    "parse_checklist",
    "review_due",
    "visit_due",
]
