"""Suspicious activity reports relevant to the partnership, need-to-know by default."""
