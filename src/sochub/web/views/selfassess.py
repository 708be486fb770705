"""The public fraud and cyber crime self-assessment: no sign-in, no JavaScript needed, one question a page.

Each page carries the answers so far in a signed token (``sochub.protect.flow``): in a hidden field on the
forms and in the Back and Change links. A changed or expired token answers a friendly 400 page. Every page is
rate limited per address, every form has Django's CSRF token, and the submission and alert forms have a
honeypot field that people never see (when a robot fills it, it is shown the result and nothing is kept).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sochub.engine.selfassess import AnswerError, IncompleteError, score
from sochub.protect import flow, selectors, services
from sochub.protect.flow import State, StateError

from .common import error_list, render

HONEYPOT = "website"
MAX_FIELD = 300


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most SOCHUB_SELFASSESS_RATE_LIMIT requests a minute from one address, counted in Django's cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR") or "unknown"
        who = hashlib.sha256(address.encode()).hexdigest()[:24]
        key = f"sochub:selfassess:rate:{who}:{int(time.time() // 60)}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
        if count > settings.SOCHUB_SELFASSESS_RATE_LIMIT:
            response = _page(request, "selfassess/rate_limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    ctx = {"exit_url": settings.SOCHUB_SELFASSESS_EXIT_URL}
    ctx.update(context or {})
    return render(request, template, ctx, status=status)


def _refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, "selfassess/error.html", {"reason": reason}, status=400)


def _field(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")[:MAX_FIELD]


def _question_url(state: State, qid: str | None = None, change: bool = False) -> str:
    params = {"s": state.dumps()}
    if qid:
        params["q"] = qid
    if change:
        params["change"] = "1"
    return f"{reverse('web:selfassess_question')}?{urlencode(params)}"


def _with_state(name: str, state: State) -> str:
    return f"{reverse(name)}?{urlencode({'s': state.dumps()})}"


def _load(token: str) -> State:
    return State.loads(token[:8000])


@rate_limited
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    district = ""
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        district = _field(request, "district")
        try:
            cleaned = flow.clean_district(district)
        except ValidationError as exc:
            errors = [{"text": exc.messages[0], "href": "#district"}]
        else:
            return redirect(_question_url(State.new(cleaned)))
    q = flow.questionnaire()
    return _page(
        request,
        "selfassess/start.html",
        {"errors": errors, "district": district, "most": q.max_questions, "official": q.official},
        status=400 if errors else 200,
    )


def _question_page(
    request: HttpRequest, state: State, page: flow.Page, *, change: bool, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    if change and flow.finished(state):
        back = _with_state("web:selfassess_check", state)
    elif page.back:
        back = _question_url(state, page.back, change)
    else:
        back = reverse("web:selfassess_start")
    return _page(
        request,
        "selfassess/question.html",
        {"state": state.dumps(), "page": page, "change": change, "back": back, "errors": errors or []},
        status=400 if errors else 200,
    )


@rate_limited
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    try:
        state = _load(data.get("s", ""))
    except StateError as exc:
        return _refused(request, str(exc))
    change = data.get("change") == "1"
    qid = data.get("q" if request.method == "GET" else "question", "")[: flow.MAX_ID]
    try:
        page = flow.page_for(state, qid or None)
    except AnswerError:
        return _refused(request, "answers")
    if request.method == "GET":
        if page is None:
            return redirect(_with_state("web:selfassess_check", state))
        return _question_page(request, state, page, change=change)

    aid = data.get("answer", "")[: flow.MAX_ID]
    if page is None or page.question.id != qid:
        return _refused(request, "off route")
    if not aid:
        message = _("Select an answer")
    else:
        try:
            new, following = flow.answer(state, qid, aid)
        except AnswerError:
            message = _("Select one of the answers shown")
        except StateError as exc:
            return _refused(request, str(exc))
        else:
            if following is None or (change and flow.finished(new)):
                return redirect(_with_state("web:selfassess_check", new))
            return redirect(_question_url(new, following, change))
    errors = [{"text": message, "href": "#answer"}]
    return _question_page(request, state, page, change=change, errors=errors)


@rate_limited
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    try:
        state = _load(request.GET.get("s", ""))
        finished = flow.finished(state)
    except (StateError, AnswerError) as exc:
        return _refused(request, str(exc))
    if not finished:
        return redirect(_question_url(state))
    q = flow.questionnaire()
    rows = []
    for qid, aid in state.answers:
        asked = q.question(qid)
        rows.append(
            {"question": asked.text, "answer": asked.answer(aid).text, "change": _question_url(state, qid, True)}
        )
    last = state.answers[-1][0] if state.answers else None
    return _page(
        request,
        "selfassess/check.html",
        {"state": state.dumps(), "rows": rows, "district": state.district, "back": _question_url(state, last)},
    )


def _result_context(state: State) -> dict[str, Any]:
    result = score(flow.questionnaire(), list(state.answers))
    return {"result": result, "state": state.dumps(), "consent_wording": services.CONSENT_WORDING}


@rate_limited
@require_http_methods(["GET", "POST"])
def result(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    try:
        state = _load(data.get("s", ""))
        outcome = score(flow.questionnaire(), list(state.answers))
    except (StateError, AnswerError) as exc:
        return _refused(request, str(exc))
    except IncompleteError:
        return redirect(_question_url(state))
    if request.method == "POST":
        if not request.POST.get(HONEYPOT):
            services.response_record(state=state, result=outcome)
        return redirect(_with_state("web:selfassess_result", state))
    return _page(
        request,
        "selfassess/result.html",
        {**_result_context(state), "values": {"district": state.district}, "errors": []},
    )


@rate_limited
@require_POST
def alerts(request: HttpRequest) -> HttpResponse:
    try:
        state = _load(request.POST.get("s", ""))
        ctx = _result_context(state)
    except (StateError, AnswerError, IncompleteError) as exc:
        return _refused(request, str(exc))
    values: dict[str, Any] = {
        "consent": request.POST.get("consent") == "yes",
        "email": _field(request, "email"),
        "phone": _field(request, "phone"),
        "district": _field(request, "district"),
    }
    if request.POST.get(HONEYPOT):
        return redirect("web:selfassess_alerts_done")
    try:
        services.contact_subscribe(
            segment=ctx["result"].segment.id,
            signup_key=hashlib.sha256(f"alerts:{state.nonce}".encode()).hexdigest(),
            confirm_url=lambda token: public_url(request, reverse("web:selfassess_alerts_confirm", args=[token])),
            **values,
        )
    except ValidationError as exc:
        return _page(request, "selfassess/result.html", {**ctx, "values": values, "errors": error_list(exc)}, 400)
    return redirect("web:selfassess_alerts_done")


@rate_limited
@require_GET
def alerts_done(request: HttpRequest) -> HttpResponse:
    return _page(request, "selfassess/alerts_done.html")


def public_url(request: HttpRequest, path: str) -> str:
    base = settings.SOCHUB_PUBLIC_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@rate_limited
@require_http_methods(["GET", "POST"])
def alerts_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: a button to start the alerts (a mail scanner's GET changes nothing)."""
    contact = selectors.contact_by_token(token[:100])
    if contact is None:
        return _page(request, "selfassess/alerts_confirm.html", {"unknown": True}, status=404)
    if request.method == "POST":
        services.contact_confirm(token=token)
        return _page(request, "selfassess/alerts_confirm.html", {"done": True})
    return _page(request, "selfassess/alerts_confirm.html", {"token": token, "done": contact.confirmed_at is not None})


# One-click unsubscribe (RFC 8058): mail clients POST without a CSRF token; the token in the link is the secret.
@csrf_exempt
@rate_limited
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    contact = selectors.contact_by_token(token)
    if contact is None:
        return _page(request, "selfassess/unsubscribe.html", {"unknown": True}, status=404)
    if request.method == "POST":
        was_subscribed = contact.subscribed
        services.contact_unsubscribe(token=token)
        return _page(request, "selfassess/unsubscribe.html", {"done": True, "already": not was_subscribed})
    return _page(request, "selfassess/unsubscribe.html", {"token": token, "already": not contact.subscribed})
