"""Partnership bulletin: data."""

from __future__ import annotations
