"""Helpers every view uses: the acting user as an audit Actor, access decorators, rendering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.urls import reverse

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.partners.models import User

View = Callable[..., HttpResponse]
PURPOSE_SESSION_KEY = "sochub_purpose"


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def actor_for(request: HttpRequest) -> Actor:
    forwarded = request.META.get("REMOTE_ADDR")
    return Actor(
        user=current_user(request),
        channel=Channel.WEB,
        purpose=request.session.get(PURPOSE_SESSION_KEY, ""),
        client_ip=forwarded,
    )


def _needs_second_factor(request: HttpRequest) -> bool:
    user = current_user(request)
    return settings.SOCHUB_REQUIRE_ADMIN_2FA and user.is_admin and not request.user.is_verified()  # type: ignore[union-attr]


def signed_in(view: View) -> View:
    """Signed in, and (for administrators) through a second factor."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _needs_second_factor(request):
            return redirect("web:two_factor_setup")
        return view(request, *args, **kwargs)

    return wrapper


def intel_user(view: View) -> View:
    """Only roles that work with intelligence; others get 404 so nothing is revealed."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not current_user(request).works_with_intel:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    nonce = getattr(request, "csp_nonce", None)
    ctx = {
        "request": request,
        "user": request.user,
        "cspNonce": str(nonce) if nonce is not None else "",
        "assetPath": "/assets",
    }
    ctx.update(context or {})
    return django_render(request, template, ctx, status=status)


def error_list(exc: ValidationError) -> list[dict[str, str]]:
    """Turn a ValidationError into GOV.UK error summary items."""
    if hasattr(exc, "error_dict"):
        return [{"text": str(m), "href": f"#{field}"} for field, msgs in exc.message_dict.items() for m in msgs]
    return [{"text": str(m), "href": "#"} for m in exc.messages]


def purpose_needed(request: HttpRequest) -> HttpResponse | None:
    """Pages that show personal data need a purpose first: the redirect to ask for one, or None."""
    if request.session.get(PURPOSE_SESSION_KEY):
        return None
    return redirect(f"{reverse('web:purpose')}?next={request.path}")


def tile_origin(url: str) -> str:
    """The origin of a configured map tile server, for the page's img-src (empty unless http(s))."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else ""


def form_date(raw: str | None) -> date | None:
    """A date typed or picked in a form (YYYY-MM-DD), or None when it is not one."""
    try:
        return date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None


def required_form_date(post: Any, field: str, what: str) -> date:
    """The form's date in ``field``, or a ValidationError for that field saying what to enter."""
    found = form_date(post.get(field, ""))
    if found is None:
        raise ValidationError({field: f"Enter {what} as a real date, like 2026-03-14."})
    return found
