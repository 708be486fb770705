"""The partnership bulletin: submitting articles, the editorial queue, review and edits, building and publishing a
quarterly edition, the edition as a page and a PDF, readers' feedback and its results; and the public pages of the
distribution list (sign up, confirm, unsubscribe) and of a subscriber's own link to an edition.

Reads go through ``sochub.bulletin.selectors`` (an edition in preparation, or an article the user may not see,
answers 404); writes through ``sochub.bulletin.services``, which check ``sochub.bulletin.policies`` and audit.
The public sign-up is rate limited per address and says the same whether or not an address is on the list.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sochub.bulletin import policies, report, selectors, services, tasks
from sochub.bulletin.models import Article, BulletinEditor, Edition, EditionStatus
from sochub.engine import bulletin as engine
from sochub.intel.services import NotFound
from sochub.partners.models import User

from .common import actor_for, current_user, error_list, render, signed_in

HONEYPOT = "website"
SIGNUP_LIMIT = int(getattr(settings, "SOCHUB_BULLETIN_SIGNUP_RATE_LIMIT", 10))
"""Sign-ups an hour from one address (counted in Django's cache)."""
PUBLIC_PAGE_LIMIT = int(getattr(settings, "SOCHUB_SELFASSESS_RATE_LIMIT", 120))
"""Requests a minute from one address to the other public pages."""


def _base_url(request: HttpRequest) -> str:
    return settings.SOCHUB_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def _int(value: Any) -> int | None:
    try:
        return int(str(value)[:12])
    except (TypeError, ValueError):
        return None


def _edition(request: HttpRequest, edition_id: int) -> Edition:
    try:
        return selectors.edition_get(user=current_user(request), edition_id=edition_id)
    except NotFound as exc:
        raise Http404 from exc


def _article(request: HttpRequest, article_id: int) -> Article:
    try:
        return selectors.article_get(user=current_user(request), article_id=article_id)
    except NotFound as exc:
        raise Http404 from exc


def _editor_only(request: HttpRequest) -> User:
    user = current_user(request)
    if not policies.is_editor(user):
        raise Http404
    return user


def _counted(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window * 2)
    try:
        return int(cache.incr(key))
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        return 1


def _who(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public pages: at most PUBLIC_PAGE_LIMIT requests a minute per address."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _counted(f"sochub:bulletin:rate:{_who(request)}:{int(time.time() // 60)}", 60) > PUBLIC_PAGE_LIMIT:
            return _too_many(request)
        return view(request, *args, **kwargs)

    return wrapper


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "bulletin/public/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _signup_over_limit(request: HttpRequest) -> bool:
    """More than SIGNUP_LIMIT sign-ups this hour from the address (each attempt counts, good or bad)."""
    return _counted(f"sochub:bulletin:signup:{_who(request)}:{int(time.time() // 3600)}", 3600) > SIGNUP_LIMIT


# Landing, submissions ------------------------------------------------------------------------------------------


@signed_in
@require_GET
def bulletin_home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    editor = policies.is_editor(user)
    queue = selectors.editorial_queue(user=user) if editor else {}
    return render(
        request,
        "bulletin/home.html",
        {
            "editions": list(selectors.published_editions(user=user)[:40]),
            "preparing": list(selectors.editions_in_preparation(user=user)),
            "editor": editor,
            "can_submit": policies.can_submit(user),
            "mine": list(selectors.my_articles(user=user)[:5]),
            "queue_counts": {k: len(v) for k, v in queue.items()},
            "can_manage_editors": policies.can_manage_editors(user),
        },
    )


def _section_items(chosen: str) -> list[dict[str, Any]]:
    return [
        {"value": s.id, "text": s.label, "hint": {"text": s.hint}, "checked": s.id == chosen} for s in engine.SECTIONS
    ]


@signed_in
@require_http_methods(["GET", "POST"])
def article_submit(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_submit(user):
        raise Http404
    form: dict[str, str] = {
        "title": "",
        "section": "",
        "summary": "",
        "body": "",
        "contact_name": user.get_full_name(),
        "contact_email": user.email,
    }
    consent = False
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[: services.LIMITS.get(k, 300) + 1] for k in form}
        consent = request.POST.get("consent") == "yes"
        try:
            article = services.article_submit(
                actor=actor_for(request),
                title=form["title"],
                section=form["section"],
                summary=form["summary"],
                body=form["body"],
                contact_name=form["contact_name"],
                contact_email=form["contact_email"],
                consent=consent,
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "Your article has been sent to the bulletin editors.")
            return redirect("web:bulletin_article", article_id=article.pk)
    return render(
        request,
        "bulletin/submit.html",
        {
            "form": form,
            "consent": consent,
            "errors": errors,
            "sections": _section_items(form["section"]),
            "agency": user.agency,
            "consent_wording": services.CONSENT_WORDING,
        },
        status=400 if errors else 200,
    )


@signed_in
@require_GET
def my_submissions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "bulletin/mine.html", {"articles": list(selectors.my_articles(user=user)[:200])})


@signed_in
@require_GET
def editorial_queue(request: HttpRequest) -> HttpResponse:
    user = _editor_only(request)
    return render(
        request,
        "bulletin/queue.html",
        {
            "queue": selectors.editorial_queue(user=user),
            "preparing": list(selectors.editions_in_preparation(user=user)),
        },
    )


@signed_in
@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    user = current_user(request)
    article = _article(request, article_id)
    editor = policies.is_editor(user)
    revs = selectors.revisions(article)
    return render(
        request,
        "bulletin/article.html",
        {
            "article": article,
            "editor": editor,
            "can_edit": policies.can_edit_article(user, article),
            "original": revs[0] if revs else None,
            "revisions": revs,
            "preparing": list(selectors.editions_in_preparation(user=user)) if editor else [],
            "errors": [],
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    user = current_user(request)
    article = _article(request, article_id)
    if not policies.can_edit_article(user, article):
        raise Http404
    form = {"title": article.title, "section": article.section, "summary": article.summary, "body": article.body}
    note = ""
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[: services.LIMITS.get(k, 300) + 1] for k in form}
        note = request.POST.get("note", "")[:500]
        try:
            services.article_edit(actor=actor_for(request), article=article, note=note, **form)
        except ValidationError as exc:
            errors = error_list(exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "The article has been saved.")
            return redirect("web:bulletin_article", article_id=article.pk)
    return render(
        request,
        "bulletin/edit.html",
        {
            "article": article,
            "form": form,
            "note": note,
            "errors": errors,
            "sections": _section_items(form["section"]),
            "editor": policies.is_editor(user),
        },
        status=400 if errors else 200,
    )


@signed_in
@require_POST
def article_review(request: HttpRequest, article_id: int) -> HttpResponse:
    user = _editor_only(request)
    article = _article(request, article_id)
    try:
        services.article_review(
            actor=actor_for(request),
            article=article,
            decision=request.POST.get("decision", "")[:10],
            comments=request.POST.get("comments", "")[:5001],
        )
    except ValidationError as exc:
        revs = selectors.revisions(article)
        return render(
            request,
            "bulletin/article.html",
            {
                "article": article,
                "editor": True,
                "can_edit": policies.can_edit_article(user, article),
                "original": revs[0] if revs else None,
                "revisions": revs,
                "preparing": list(selectors.editions_in_preparation(user=user)),
                "errors": error_list(exc),
                "comments": request.POST.get("comments", "")[:5001],
            },
            status=400,
        )
    messages.success(request, f"The article is {article.get_status_display().lower()}.")
    return redirect("web:bulletin_article", article_id=article.pk)


@signed_in
@require_POST
def article_schedule(request: HttpRequest, article_id: int) -> HttpResponse:
    """Schedule into an edition, take out of it, or move up or down within its section."""
    _editor_only(request)
    article = _article(request, article_id)
    action = request.POST.get("action", "")
    actor = actor_for(request)
    back = request.POST.get("back") == "build" and article.edition_id
    try:
        if action == "schedule":
            edition_id = _int(request.POST.get("edition")) or 0
            edition = Edition.objects.filter(pk=edition_id, status=EditionStatus.PREPARING).first()
            if edition is None:
                raise ValidationError("Choose an edition in preparation")
            services.article_schedule(actor=actor, article=article, edition=edition)
            back = request.POST.get("back") == "build" and edition.pk
        elif action == "unschedule":
            was = article.edition_id
            services.article_unschedule(actor=actor, article=article)
            back = request.POST.get("back") == "build" and was
        elif action in ("up", "down"):
            services.article_move(actor=actor, article=article, step=-1 if action == "up" else 1)
        else:
            raise ValidationError("Choose what to do")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if back:
        return redirect("web:bulletin_edition_build", edition_id=back)
    return redirect("web:bulletin_article", article_id=article.pk)


# Editions ------------------------------------------------------------------------------------------------------


def _date(prefix: str, source: Any) -> date | None:
    try:
        return date(
            int(source.get(f"{prefix}-year", "")),
            int(source.get(f"{prefix}-month", "")),
            int(source.get(f"{prefix}-day", "")),
        )
    except (TypeError, ValueError):
        return None


@signed_in
@require_http_methods(["GET", "POST"])
def edition_new(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    today = timezone.localdate()
    season, year = engine.quarter_of(today)
    form: dict[str, Any] = {
        "season": season,
        "year": str(year),
        "planned-day": "",
        "planned-month": "",
        "planned-year": "",
        "foreword": "",
    }
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:10_001] for k in form}
        planned = _date("planned", request.POST)
        if planned is None:
            errors.append({"text": "Enter the planned publication date, for example 15 12 2026", "href": "#planned"})
        year_n = _int(form["year"])
        if year_n is None:
            errors.append({"text": "Enter the year, for example 2026", "href": "#year"})
        if not errors:
            assert planned is not None and year_n is not None
            try:
                edition = services.edition_create(
                    actor=actor_for(request),
                    season=form["season"],
                    year=year_n,
                    planned_publication=planned,
                    foreword=form["foreword"],
                )
            except ValidationError as exc:
                errors = error_list(exc)
            else:
                messages.success(request, f"The {edition.title} edition has been created.")
                return redirect("web:bulletin_edition_build", edition_id=edition.pk)
    return render(
        request,
        "bulletin/edition_new.html",
        {"form": form, "errors": errors, "seasons": engine.SEASONS},
        status=400 if errors else 200,
    )


def _edition_page(request: HttpRequest, edition: Edition, template: str, **extra: Any) -> HttpResponse:
    context = {"edition": edition, "sections": selectors.edition_contents(edition)}
    context.update(extra)
    return render(request, template, context)


@signed_in
@require_GET
def edition_detail(request: HttpRequest, edition_id: int) -> HttpResponse:
    user = current_user(request)
    edition = _edition(request, edition_id)
    editor = policies.is_editor(user)
    return _edition_page(
        request,
        edition,
        "bulletin/edition.html",
        editor=editor,
        pdf_url=reverse("web:bulletin_edition_pdf", args=[edition.pk]),
        feedback_url=reverse("web:bulletin_feedback", args=[edition.pk]) if edition.published else "",
        deliveries=selectors.delivery_counts(edition) if editor and edition.published else None,
    )


@signed_in
@require_GET
def edition_pdf(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = _edition(request, edition_id)
    response = HttpResponse(report.edition_pdf(edition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.edition_filename(edition)}"'
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def edition_build(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The builder: details and foreword, the running order, accepted articles to add, publish and send."""
    user = _editor_only(request)
    edition = _edition(request, edition_id)
    errors: list[dict[str, str]] = []
    p = edition.planned_publication
    form = {
        "planned-day": str(p.day),
        "planned-month": str(p.month),
        "planned-year": str(p.year),
        "foreword": edition.foreword,
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:10_001] for k in form}
        planned = _date("planned", request.POST)
        if planned is None:
            errors.append({"text": "Enter the planned publication date, for example 15 12 2026", "href": "#planned"})
        else:
            try:
                services.edition_update(
                    actor=actor_for(request), edition=edition, planned_publication=planned, foreword=form["foreword"]
                )
            except ValidationError as exc:
                errors = error_list(exc)
            else:
                messages.success(request, "The edition's details have been saved.")
                return redirect("web:bulletin_edition_build", edition_id=edition.pk)
    queue = selectors.editorial_queue(user=user)
    return render(
        request,
        "bulletin/build.html",
        {
            "edition": edition,
            "sections": selectors.edition_contents(edition),
            "accepted": queue.get("accepted", []),
            "form": form,
            "errors": errors,
            "deliveries": selectors.delivery_counts(edition) if edition.published else None,
        },
        status=400 if errors else 200,
    )


@signed_in
@require_POST
def edition_publish(request: HttpRequest, edition_id: int) -> HttpResponse:
    _editor_only(request)
    edition = _edition(request, edition_id)
    actor = actor_for(request)
    try:
        edition = services.edition_publish(actor=actor, edition=edition)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:bulletin_edition_build", edition_id=edition.pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    tasks.send_start(actor=actor, edition=edition, base_url=_base_url(request))
    messages.success(request, f"{edition.title} is published and is being sent to the distribution list.")
    return redirect("web:bulletin_edition", edition_id=edition.pk)


@signed_in
@require_POST
def edition_send(request: HttpRequest, edition_id: int) -> HttpResponse:
    """Send again: only to subscribers not yet sent this edition (failures are tried again)."""
    _editor_only(request)
    edition = _edition(request, edition_id)
    try:
        tasks.send_start(actor=actor_for(request), edition=edition, base_url=_base_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The edition is being sent to subscribers who have not had it yet.")
    return redirect("web:bulletin_edition", edition_id=edition.pk)


@signed_in
@require_GET
def send_progress(request: HttpRequest, edition_id: int) -> HttpResponse:
    _editor_only(request)
    edition = _edition(request, edition_id)
    return render(
        request,
        "bulletin/_send_progress.html",
        {"edition": edition, "job": edition.send_job, "deliveries": selectors.delivery_counts(edition)},
    )


# Feedback ------------------------------------------------------------------------------------------------------


def _feedback_form(request: HttpRequest) -> dict[str, Any]:
    engaged = request.POST.get("engaged", "")
    return {
        "helpful": [i for i in (_int(v) for v in request.POST.getlist("helpful")[:100]) if i is not None],
        "engaged": True if engaged == "yes" else False if engaged == "no" else None,
        "engaged_detail": request.POST.get("engaged_detail", "")[:2001],
        "wishes": request.POST.get("wishes", "")[:2001],
        "rating": _int(request.POST.get("rating")),
    }


def _feedback(
    request: HttpRequest, edition: Edition, reader: services.Reader, *, action: str, public: bool
) -> HttpResponse:
    form: dict[str, Any] = {"helpful": [], "engaged": None, "engaged_detail": "", "wishes": "", "rating": None}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = _feedback_form(request)
        try:
            services.feedback_submit(reader=reader, edition=edition, **form)
        except ValidationError as exc:
            errors = error_list(exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return render(
                request,
                "bulletin/public/feedback_done.html" if public else "bulletin/feedback_done.html",
                {"edition": edition},
            )
    return render(
        request,
        "bulletin/public/feedback.html" if public else "bulletin/feedback.html",
        {
            "edition": edition,
            "articles": selectors.edition_articles(edition),
            "form": form,
            "errors": errors,
            "action": action,
        },
        status=400 if errors else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = _edition(request, edition_id)
    if not edition.published:
        raise Http404
    return _feedback(
        request,
        edition,
        services.Reader(user=current_user(request)),
        action=reverse("web:bulletin_feedback", args=[edition.pk]),
        public=False,
    )


@signed_in
@require_GET
def feedback_results(request: HttpRequest, edition_id: int) -> HttpResponse:
    user = _editor_only(request)
    edition = _edition(request, edition_id)
    return render(
        request, "bulletin/feedback_results.html", {"r": selectors.feedback_results(user=user, edition=edition)}
    )


@signed_in
@require_GET
def feedback_csv(request: HttpRequest, edition_id: int) -> HttpResponse:
    _editor_only(request)
    edition = _edition(request, edition_id)
    response = HttpResponse(
        services.feedback_export(actor=actor_for(request), edition=edition), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="bulletin-{edition.issue_number}-feedback.csv"'
    return response


# Editors -------------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def editors(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_manage_editors(user):
        raise Http404
    errors: list[dict[str, str]] = []
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150].strip()
        target = User.objects.filter(username=username).first()
        try:
            if target is None:
                raise ValidationError({"username": "There is no user with that username"})
            if request.POST.get("action") == "remove":
                services.editor_remove(actor=actor_for(request), user=target)
                messages.success(request, f"{target.username} is no longer a bulletin editor.")
            else:
                services.editor_add(actor=actor_for(request), user=target)
                messages.success(request, f"{target.username} is now a bulletin editor.")
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            return redirect("web:bulletin_editors")
    return render(
        request,
        "bulletin/editors.html",
        {
            "named": list(BulletinEditor.objects.select_related("user__agency", "added_by")),
            "errors": errors,
            "username": username,
        },
        status=400 if errors else 200,
    )


# Public: the distribution list and a subscriber's own link ---------------------------------------------------


@rate_limited
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = {"name": "", "email": "", "organisation": ""}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if _signup_over_limit(request):
            return _too_many(request)
        form = {k: request.POST.get(k, "")[:300] for k in form}
        if request.POST.get(HONEYPOT):  # a robot: say the usual thing and keep nothing
            return redirect("web:bulletin_subscribe_done")
        base = _base_url(request)
        try:
            services.subscribe(
                name=form["name"],
                email=form["email"],
                organisation=form["organisation"],
                consent=request.POST.get("consent") == "yes",
                confirm_url=lambda token: base + reverse("web:bulletin_confirm", args=[token]),
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            return redirect("web:bulletin_subscribe_done")
    return render(
        request,
        "bulletin/public/subscribe.html",
        {"form": form, "errors": errors, "wording": services.SUBSCRIBE_WORDING},
        status=400 if errors else 200,
    )


@rate_limited
@require_GET
def subscribe_done(request: HttpRequest) -> HttpResponse:
    return render(request, "bulletin/public/subscribe_done.html")


@rate_limited
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (so a mail scanner following the link confirms nothing); POST confirms."""
    subscriber = services.subscriber_by_token(token)
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return render(request, "bulletin/public/confirm.html", {"unknown": True}, status=404)
    done = subscriber.confirmed_at is not None
    if request.method == "POST" and not done:
        services.subscriber_confirm(token=token)
        done = True
    return render(request, "bulletin/public/confirm.html", {"token": token, "done": done})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" with no session
@rate_limited
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every message. POST (the button on this page, or a mail client's one-click unsubscribe)
    unsubscribes at once and erases the person's details; GET shows the one button."""
    subscriber = services.subscriber_by_token(token)
    if subscriber is None:
        return render(request, "bulletin/public/unsubscribe.html", {"unknown": True}, status=404)
    already = subscriber.unsubscribed_at is not None
    if request.method == "POST":
        services.subscriber_unsubscribe(token=token)
        return render(request, "bulletin/public/unsubscribe.html", {"done": True, "already": already})
    return render(request, "bulletin/public/unsubscribe.html", {"token": token, "already": already})


def _reader(token: str, edition_id: int) -> tuple[Any, Edition]:
    found = selectors.subscriber_reader(token=token, edition_id=edition_id)
    if found is None:
        raise Http404
    return found


@rate_limited
@require_GET
def read(request: HttpRequest, token: str, edition_id: int) -> HttpResponse:
    _, edition = _reader(token, edition_id)
    return _edition_page(
        request,
        edition,
        "bulletin/public/read.html",
        pdf_url=reverse("web:bulletin_read_pdf", args=[token, edition.pk]),
        feedback_url=reverse("web:bulletin_read_feedback", args=[token, edition.pk]),
        unsubscribe_url=reverse("web:bulletin_unsubscribe", args=[token]),
    )


@rate_limited
@require_GET
def read_pdf(request: HttpRequest, token: str, edition_id: int) -> HttpResponse:
    _, edition = _reader(token, edition_id)
    response = HttpResponse(report.edition_pdf(edition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.edition_filename(edition)}"'
    return response


@rate_limited
@require_http_methods(["GET", "POST"])
def read_feedback(request: HttpRequest, token: str, edition_id: int) -> HttpResponse:
    subscriber, edition = _reader(token, edition_id)
    return _feedback(
        request,
        edition,
        services.Reader(subscriber=subscriber),
        action=reverse("web:bulletin_read_feedback", args=[token, edition.pk]),
        public=True,
    )
