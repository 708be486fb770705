"""The bulletin's sections, in the order an edition prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str
    label: str
    hint: str


SECTIONS: tuple[Section, ...] = (
    Section("spotlight", "Spotlight", "A partnership success: a night of action, an operation, a project."),
    Section("practical_tools", "Practical tools", "Something partners can use: a checklist, a template, a tactic."),
    Section(
        "information_sharing",
        "Information sharing",
        "How information moved between agencies (for example through GAIN) and what it made possible.",
    ),
    Section("tackling_crime", "Tackling crime", "What worked against a type of serious and organised crime."),
    Section("guidance", "Guidance", "New law, policy or guidance partners should know about."),
)
SECTION_IDS: tuple[str, ...] = tuple(s.id for s in SECTIONS)
_LABELS = {s.id: s.label for s in SECTIONS}


def section_label(section_id: str) -> str:
    """The heading of a section; an unknown id is shown as it is."""
    return _LABELS.get(section_id, section_id)
