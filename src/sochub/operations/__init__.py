"""Partnership operations: disruptions against OCGs and nominals (GAIN exchange, joint operations and
problem premises to come)."""
