"""Agency administrators manage their own agency's accounts in the web UI, and nobody else's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.partners.models import Role, User
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def gmp_admin(make_user: Callable[..., User], settings: Any) -> User:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    return make_user("gmpadmin", "gmp", (Role.AGENCY_ADMIN,))


def test_admin_adds_an_account_to_own_agency(signed_in: Callable[[User], Client], gmp_admin: User) -> None:
    client = signed_in(gmp_admin)
    page = client.get("/directory/agencies/gmp/users/")
    assert page.status_code == 200 and "gmpadmin" in page.content.decode()
    assert "System administrator" not in page.content.decode()  # agency admins cannot grant it
    response = client.post(
        "/directory/agencies/gmp/users/",
        {
            "username": "newbie",
            "first_name": "Nia",
            "last_name": "Evans",
            "email": "",
            "vetting": "NPPV2",
            "roles": ["analyst"],
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.agency == gmp_admin.agency and newbie.roles == ["analyst"] and newbie.vetting == "NPPV2"
    assert AuditEvent.objects.filter(object_type="user", object_ids__icontains="newbie").exists()


def test_bad_account_details_are_explained(signed_in: Callable[[User], Client], gmp_admin: User) -> None:
    client = signed_in(gmp_admin)
    response = client.post(
        "/directory/agencies/gmp/users/",
        {"username": "weak", "vetting": "NONE", "roles": ["analyst"], "password": "short"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_admin_switches_off_a_leaver(signed_in: Callable[[User], Client], gmp_admin: User, analyst: User) -> None:
    client = signed_in(gmp_admin)
    client.post("/directory/agencies/gmp/users/", {"username": "analyst", "action": "deactivate"})
    assert not User.objects.get(pk=analyst.pk).is_active
    assert Client().post("/sign-in/", {"username": "analyst", "password": PASSWORD}).status_code == 400


def test_other_agencies_accounts_are_not_found(
    signed_in: Callable[[User], Client], gmp_admin: User, analyst2: User
) -> None:
    client = signed_in(gmp_admin)
    assert client.get("/directory/agencies/merseyside/users/").status_code == 404
    response = client.post("/directory/agencies/merseyside/users/", {"username": "analyst2", "action": "deactivate"})
    assert response.status_code == 404
    assert User.objects.get(pk=analyst2.pk).is_active


def test_analysts_cannot_manage_accounts(signed_in: Callable[[User], Client], analyst: User) -> None:
    assert signed_in(analyst).get("/directory/agencies/gmp/users/").status_code == 404
