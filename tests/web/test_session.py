"""Idle sessions end: every request renews the expiry, and an expired session must sign in again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from sochub.partners.models import User

pytestmark = pytest.mark.django_db


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_pushes_the_idle_deadline_forward(signed_in: Callable[[User], Client], analyst: User) -> None:
    client = signed_in(analyst)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    remaining = _session(client).expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_has_to_sign_in_again(signed_in: Callable[[User], Client], analyst: User) -> None:
    client = signed_in(analyst)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/nominals/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
