"""Signing in (password, then a TOTP code where the user has one), out, and setting up 2FA."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sochub.partners.models import User

from .common import PURPOSE_SESSION_KEY, current_user, render

_PENDING = "sochub_pending_user"


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "/"


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this once a user name has failed too often."""
    return render(
        request,
        "auth/sign_in.html",
        {
            "errors": [
                {
                    "text": "This account is locked after too many failed attempts. Try again in 30 minutes "
                    "or ask your agency administrator.",
                    "href": "#username",
                }
            ]
        },
        status=429,
    )


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "auth/sign_in.html", {"next": _safe_next(request)})
    username = request.POST.get("username", "").strip()[:150]
    password = request.POST.get("password", "")[:200]
    errors = []
    if not username:
        errors.append({"text": "Enter your user name", "href": "#username"})
    if not password:
        errors.append({"text": "Enter your password", "href": "#password"})
    user = authenticate(request, username=username, password=password) if not errors else None
    if user is None:
        errors = errors or [{"text": "Enter a correct user name and password", "href": "#username"}]
        return render(request, "auth/sign_in.html", {"errors": errors, "username": username}, status=400)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is not None:
        request.session[_PENDING] = user.pk
        request.session["sochub_next"] = _safe_next(request)
        return redirect("web:two_factor_code")
    login(request, user)
    return redirect(_safe_next(request))


@require_http_methods(["GET", "POST"])
def two_factor_code(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(_PENDING)
    if not user_id:
        return redirect("web:sign_in")
    if request.method == "GET":
        return render(request, "auth/two_factor_code.html")
    user = User.objects.get(pk=user_id)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    token = request.POST.get("code", "").strip().replace(" ", "")[:10]
    if device is None or not token.isdigit() or not device.verify_token(token):
        return render(
            request,
            "auth/two_factor_code.html",
            {"errors": [{"text": "Enter the 6-digit code from your authenticator app", "href": "#code"}]},
            status=400,
        )
    nxt = request.session.pop("sochub_next", "/")
    del request.session[_PENDING]
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return redirect(nxt)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app. Administrators must do this before anything else."""
    user = current_user(request)
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    errors = []
    if request.method == "POST":
        token = request.POST.get("code", "").strip().replace(" ", "")[:10]
        if token.isdigit() and device.verify_token(token):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            return redirect("web:home")
        errors = [{"text": "Enter the 6-digit code from your authenticator app", "href": "#code"}]
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url).svg_data_uri(scale=4)
    return render(
        request,
        "auth/two_factor_setup.html",
        {"secret": secret, "qr": qr, "errors": errors},
        status=400 if errors else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(PURPOSE_SESSION_KEY, None)
    logout(request)
    return redirect("web:sign_in")
