"""Counts of disruptions per OCG, theme, agency and period, with the mix of impact levels.

Each disruption counts once; the impact mix is the number at each level of the national scale. No "net
impact" score is made up: the scale has no published weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..periods import PERIODS, Period, as_date, period_label
from .menu import IMPACT_LEVELS


def _is_validated(row: Mapping[str, Any]) -> bool:
    if "validated" in row:
        return bool(row["validated"])
    by = row.get("validated_by")
    return isinstance(by, str) and bool(by.strip())


def _order(value: Any) -> tuple[bool, str]:
    return (value is None, str(value))


def counts(
    rows: Iterable[Mapping[str, Any]],
    by: Sequence[str],
    *,
    period: Period | None = None,
    include_unvalidated: bool = False,
) -> list[dict[str, Any]]:
    """Disruptions counted per group, one dict per group, sorted by the group's values.

    ``rows`` are disruptions as mappings: the keys named in ``by`` (e.g. ``ocg``, ``theme``, ``agency``),
    ``impact`` (a level of the national scale), ``date`` (for ``period``), and ``validated`` (a bool) or
    ``validated_by`` (who validated it, blank if no one). Only validated disruptions count unless
    ``include_unvalidated``. Each dict has the ``by`` keys, ``period`` (if asked for), ``total`` and the
    number at each impact level.
    """
    if period is not None and period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (periods: {', '.join(PERIODS)})")
    keys = list(by)
    for dup in {k for k in keys if keys.count(k) > 1}:
        raise ValueError(f"{dup!r} is named twice in by")
    clash = {"total", "period", *IMPACT_LEVELS} & set(keys)
    if clash:
        raise ValueError(f"cannot group by {', '.join(sorted(clash))}: those are columns of the counts")
    groups: dict[tuple[Any, ...], dict[str, int]] = {}
    for n, row in enumerate(rows):
        if not include_unvalidated and not _is_validated(row):
            continue
        missing = [k for k in keys if k not in row]
        if missing:
            raise ValueError(f"row {n}: no {', '.join(missing)}")
        impact = row.get("impact")
        if impact not in IMPACT_LEVELS:
            raise ValueError(f"row {n}: impact {impact!r} is not a level of the national scale")
        key = tuple(row[k] for k in keys)
        if period is not None:
            key += (period_label(as_date(row.get("date"), f"row {n}: date"), period),)
        tally = groups.setdefault(key, {"total": 0, **dict.fromkeys(IMPACT_LEVELS, 0)})
        tally["total"] += 1
        tally[impact] += 1
    names = keys + (["period"] if period is not None else [])
    out: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: tuple(_order(v) for v in k)):
        out.append({**dict(zip(names, key, strict=True)), **groups[key]})
    return out
