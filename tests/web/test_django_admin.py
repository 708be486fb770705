"""The Django admin is no way around two-factor sign-in or the append-only audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from sochub.audit import services as audit
from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Role, User
from tests.helpers import PASSWORD, act

pytestmark = pytest.mark.django_db


def test_admin_site_needs_a_second_factor(make_user: Callable[..., User]) -> None:
    root = make_user("root", "gmp", (Role.SYSTEM_ADMIN,))
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    response = client.post("/django-admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 200  # the OTP admin login form asks for a token as well
    assert client.get("/django-admin/").status_code == 302


def test_audit_rows_cannot_be_changed_in_the_admin(make_user: Callable[..., User], settings: object) -> None:
    root = make_user("root", "gmp", (Role.SYSTEM_ADMIN,))
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    event = audit.record(actor=act(root), operation=Operation.CONSULTATION, object_type="nominal")
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(User.objects.get(pk=root.pk))
    from django.contrib import admin as django_admin
    from django.contrib.admin import AdminSite

    original = django_admin.site.__class__
    django_admin.site.__class__ = AdminSite  # look at the model admin itself
    try:
        change = client.post(f"/django-admin/audit/auditevent/{event.pk}/change/", {"purpose": "forged"})
        delete = client.post(f"/django-admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    finally:
        django_admin.site.__class__ = original
    assert change.status_code == 403 and delete.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).purpose == event.purpose != "forged"
