"""Headers and session rules that every response gets."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: no caching of personal data, no browser features."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/assets/"):
            response.headers["Cache-Control"] = "no-store"
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to any query-string or form value holding a NUL byte.

    PostgreSQL cannot store or compare text containing NUL, so such input would otherwise fail
    deep inside a search or the audit write; no real user types one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [*request.GET.lists()]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [*request.POST.lists()]
        for key, items in values:
            if "\x00" in key or any("\x00" in v for v in items):
                return HttpResponseBadRequest(
                    "Your request contained characters that are not allowed (a NUL byte). Remove them and try again.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
