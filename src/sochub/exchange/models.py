"""Information-exchange requests between partner agencies."""

from __future__ import annotations
