"""Joint operations and the problem premises register: computations that need no database."""

from .coordination import RISK_ORDER, CoordinationRow, days_since, outcome_totals, rank_for_month

__all__ = ["RISK_ORDER", "CoordinationRow", "days_since", "outcome_totals", "rank_for_month"]
