"""Suspicious activity reports: data."""

from __future__ import annotations
