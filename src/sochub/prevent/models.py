"""Prevent programmes: data."""

from __future__ import annotations
