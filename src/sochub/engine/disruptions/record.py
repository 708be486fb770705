"""Checking a disruption before it is saved, the tactics to offer, and validation by a second person."""

from __future__ import annotations

from typing import Literal

from .menu import IMMIGRATION, IMPACT_LEVELS, Menu, Tactic

TARGET_KINDS = ("ocg", "nominal")
"""What a disruption is recorded against: an organised crime group or a nominal (a person)."""

TargetKind = Literal["ocg", "nominal"]


def check_disruption(
    menu: Menu,
    *,
    tactic: str,
    impact: str,
    rationale: str,
    target_kind: TargetKind | str,
    foreign_national: bool | None,
) -> list[str]:
    """What stops a disruption being recorded, in plain English (empty: it can be recorded).

    ``foreign_national`` is the flag on the nominal (``None``: not recorded, or an OCG). A tactic that applies
    only to foreign nationals needs a nominal flagged as one; against a whole OCG it is recorded against the
    member it was used on.
    """
    problems: list[str] = []
    if target_kind not in TARGET_KINDS:
        problems.append(f"A disruption is recorded against an OCG or a nominal, not {target_kind!r}.")
    if not menu.has_tactic(tactic):
        problems.append(f"{tactic!r} is not a tactic on the menu ({menu.label}).")
    if not menu.has_level(impact):
        problems.append(f"{impact!r} is not a level of the national scale ({', '.join(IMPACT_LEVELS)}).")
    elif menu.level(impact).rationale_required and not rationale.strip():
        problems.append(f"Say why the impact is {menu.level(impact).label.lower()}: a rationale is required.")
    if menu.has_tactic(tactic) and menu.tactic(tactic).foreign_national_only:
        label = menu.tactic(tactic).label
        if target_kind == "ocg":
            problems.append(
                f"{label} applies only to foreign nationals: record it against the nominal it was used on, not the OCG."
            )
        elif target_kind == "nominal" and foreign_national is None:
            problems.append(
                f"{label} applies only to foreign nationals, and this nominal's nationality is not recorded."
            )
        elif target_kind == "nominal" and not foreign_national:
            problems.append(f"{label} applies only to foreign nationals, and this nominal is not flagged as one.")
    return problems


def options_for(menu: Menu, *, foreign_national: bool, agency_kind: str | None = None) -> list[Tactic]:
    """The tactics to offer against a nominal, in menu order.

    For a foreign national the immigration tactics come first; for anyone else the tactics that apply only to
    foreign nationals are left out. ``agency_kind`` (an agency id on the menu) keeps only the tactics that
    agency usually uses.
    """
    if agency_kind is not None and not menu.has_agency(agency_kind):
        known = ", ".join(a.id for a in menu.agencies)
        raise ValueError(f"{agency_kind!r} is not an agency on the menu ({known})")
    tactics = [t for t in menu.tactics if agency_kind is None or agency_kind in t.agencies]
    if not foreign_national:
        return [t for t in tactics if not t.foreign_national_only]
    return [t for t in tactics if t.type == IMMIGRATION] + [t for t in tactics if t.type != IMMIGRATION]


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def validation_problems(*, recorded_by: str, validated_by: str) -> list[str]:
    """Why a validation cannot stand, in plain English (empty: a second person validated it)."""
    problems: list[str] = []
    if not recorded_by.strip():
        problems.append("Who recorded the disruption is missing.")
    if not validated_by.strip():
        problems.append("A second person must validate the disruption.")
    elif recorded_by.strip() and _same_person(recorded_by, validated_by):
        problems.append("The person who recorded the disruption cannot validate it: a second person must validate it.")
    return problems
