"""Suspicious activity reports relevant to the partnership: reference data, DAML timelines and counts.

Pure Python, no Django.

- :func:`load_reference` / :func:`parse_reference` -> :class:`Reference`: the controlled list of reporting
  sectors, glossary codes (``official: false``: verify against the current NCA booklet), the DAML periods and
  campaigns; :func:`code_problems` checks a report's codes.
- :func:`daml_timeline`: the notice period (7 working days starting the working day after submission, bank
  holidays of the reporter's nation left out), consent granted, refused or deemed, the 31-day moratorium and
  its extensions; :func:`decision_problems`, :func:`extension_problems`, :func:`flag`.
- :func:`counts_by_sector` and :func:`compare_periods`: counts by sector and month, quarter or year, and the %
  change between two periods that measures a campaign such as 'Flag it up'.
"""

from .counts import (
    PERIODS,
    Comparison,
    CountTable,
    SectorChange,
    compare_periods,
    counts_by_sector,
    pct_change,
    period_label,
)
from .reference_data import (
    DEFAULT_REFERENCE,
    SECTOR_IDS,
    Campaign,
    GlossaryCode,
    Reference,
    ReferenceDataError,
    code_problems,
    fingerprint,
    load_reference,
    normalise_code,
    parse_reference,
)
from .timeline import (
    DECISIONS,
    Consent,
    Decision,
    Event,
    Extension,
    Timeline,
    daml_timeline,
    decision_problems,
    extension_problems,
    flag,
    moratorium_end,
    notice_period,
)

__all__ = [
    "DECISIONS",
    "DEFAULT_REFERENCE",
    "PERIODS",
    "SECTOR_IDS",
    "Campaign",
    "Comparison",
    "Consent",
    "CountTable",
    "Decision",
    "Event",
    "Extension",
    "GlossaryCode",
    "Reference",
    "ReferenceDataError",
    "SectorChange",
    "Timeline",
    "code_problems",
    "compare_periods",
    "counts_by_sector",
    "daml_timeline",
    "decision_problems",
    "extension_problems",
    "fingerprint",
    "flag",
    "load_reference",
    "moratorium_end",
    "normalise_code",
    "notice_period",
    "parse_reference",
    "pct_change",
    "period_label",
]
