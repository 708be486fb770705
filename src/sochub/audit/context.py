"""Who is acting, through which channel and why: passed to every service that touches personal data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sochub.partners.models import User


@dataclass(frozen=True)
class Actor:
    user: User
    channel: str = "web"
    purpose: str = ""
    client_ip: str | None = None

    def with_purpose(self, purpose: str) -> Actor:
        return replace(self, purpose=purpose)
