"""Disruptions against OCGs and nominals, by any agency: the tactics menu, the impact scale and counts.

The menu (SOC Hub's own arrangement of the Home Office menu of tactics: its six areas, tactic types, the
agencies that use each tactic, which tactics apply only to foreign nationals) and the national impact scale
(major, moderate, minor, none, negative) are versioned YAML reference data, validated on load (``official:
false``: the Home Office wording and national criteria for the levels are not public).

- :func:`load_menu` / :func:`parse_menu` -> :class:`Menu`; :func:`fingerprint`
- :func:`check_disruption`: what stops a disruption being recorded (unknown tactic, no rationale, an
  immigration tactic on someone not flagged as a foreign national, ...)
- :func:`options_for`: the tactics to offer; a foreign-national flag surfaces immigration tactics first
- :func:`validation_problems`: a second person must validate
- :func:`counts`: disruptions per OCG, theme, agency and period with the impact mix (validated ones only)
"""

from .counts import PERIODS, counts, period_label
from .menu import (
    AREA_IDS,
    DEFAULT_MENU,
    IMMIGRATION,
    IMPACT_LEVELS,
    Agency,
    Area,
    ImpactLevel,
    Menu,
    MenuError,
    Source,
    Tactic,
    TacticType,
    fingerprint,
    load_menu,
    parse_menu,
)
from .record import TARGET_KINDS, check_disruption, options_for, validation_problems

__all__ = [
    "AREA_IDS",
    "DEFAULT_MENU",
    "IMMIGRATION",
    "IMPACT_LEVELS",
    "PERIODS",
    "TARGET_KINDS",
    "Agency",
    "Area",
    "ImpactLevel",
    "Menu",
    "MenuError",
    "Source",
    "Tactic",
    "TacticType",
    "check_disruption",
    "counts",
    "fingerprint",
    "load_menu",
    "options_for",
    "parse_menu",
    "period_label",
    "validation_problems",
]
