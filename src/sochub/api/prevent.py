"""API of prevent programmes: the same selectors, policies and audit as its web pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["prevent programmes"])
