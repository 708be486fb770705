"""Partnership operations: disruptions against OCGs and nominals, joint operations and the problem premises
register."""
