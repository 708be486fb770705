"""Intimidation and surveys: data."""

from __future__ import annotations
