"""What every API module shares: the caller as an audited actor, and paging."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.partners.models import ApiToken


def actor_for(request: HttpRequest) -> Actor:
    """The token's user as an actor; callers who work with no personal data see nothing (404)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.user.works_with_intel:
        raise HttpError(404, "Not found")
    return Actor(user=token.user, channel=Channel.API, purpose=token.purpose, client_ip=request.META.get("REMOTE_ADDR"))


class Page(Schema):
    limit: int = 25
    offset: int = 0


def limits(page: Page) -> tuple[int, int]:
    if not 1 <= page.limit <= 200 or page.offset < 0:
        raise HttpError(422, "limit must be 1 to 200 and offset 0 or more")
    return page.limit, page.offset
