"""Shared fixtures: two police forces and a regulator, users of each role, and a small picture.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sochub.intel import services as intel
from sochub.intel.models import Classification, HandlingCode
from sochub.partners.models import Agency, AgencyKind, Region, Role, User, Vetting
from tests.helpers import PASSWORD, act, fresh, nominal_ids

__all__ = ["PASSWORD", "act", "fresh", "nominal_ids"]


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    nw = Region.objects.get(code="north-west")
    return {
        "gmp": Agency.objects.create(
            code="gmp", name="Greater Manchester Police", kind=AgencyKind.LAW_ENFORCEMENT, region=nw
        ),
        "mersey": Agency.objects.create(
            code="merseyside", name="Merseyside Police", kind=AgencyKind.LAW_ENFORCEMENT, region=nw
        ),
        "hmrc": Agency.objects.get(code="hmrc"),
    }


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> Callable[..., User]:
    def make(
        username: str, agency: str = "gmp", roles: tuple[str, ...] = (Role.ANALYST,), vetting: str = Vetting.NPPV3
    ) -> User:
        user = User(username=username, agency=agencies[agency], roles=list(roles), vetting=vetting)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("analyst", "gmp")


@pytest.fixture
def analyst2(make_user: Callable[..., User]) -> User:
    """An analyst of a different agency."""
    return make_user("analyst2", "mersey")


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    """Same agency as ``analyst`` but not vetted for OFFICIAL-SENSITIVE."""
    return make_user("officer", "gmp", (Role.OFFICER,), Vetting.NPPV1)


@pytest.fixture
def volunteer(make_user: Callable[..., User]) -> User:
    return make_user("volunteer", "gmp", (Role.VOLUNTEER,), Vetting.NONE)


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    return make_user("sysadmin", "gmp", (Role.SYSTEM_ADMIN,), Vetting.SC)


@pytest.fixture
def picture(analyst: User, analyst2: User) -> dict[str, Any]:
    """GMP holds John Smith (with intel P and C, and an OFFICIAL-SENSITIVE record); Merseyside holds Mary Jones."""
    smith = intel.nominal_create(
        actor=act(analyst),
        facts=[
            ("name", "John Smith"),
            ("birth_date", "14/03/1985"),
            ("pnc_id", "85/123456X"),
            ("ni_number", "AB123456C"),
            ("phone", "07700 900123"),
            ("address", "12 Acacia Road, Manchester, M14 5AB"),
        ],
    )
    jones = intel.nominal_create(
        actor=act(analyst2),
        facts=[("name", "Mary Jones"), ("birth_date", "02/11/1990"), ("address", "3 Dock St, Liverpool, L3 4AA")],
    )
    intel_p = intel.intelligence_create(
        actor=act(analyst),
        title="Drug supply from Acacia Road",
        text="Smith is supplying class A drugs from 12 Acacia Road.",
        date_of_intelligence="2026-01-10",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code=HandlingCode.P,
        subject_ids=[str(smith.pk)],
    )
    intel_c = intel.intelligence_create(
        actor=act(analyst),
        title="Firearm stored at lock-up",
        text="A handgun is kept in a lock-up off Wilmslow Road.",
        date_of_intelligence="2026-02-01",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code=HandlingCode.C,
        handling_conditions="A2 S2: covert action only; refer to originator.",
        subject_ids=[str(smith.pk)],
    )
    intel_os = intel.intelligence_create(
        actor=act(analyst),
        title="Corrupt insider",
        text="An insider passes information to the group.",
        date_of_intelligence="2026-03-01",
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code=HandlingCode.P,
        classification=Classification.OFFICIAL_SENSITIVE,
        subject_ids=[str(smith.pk)],
    )
    return {"smith": smith, "jones": jones, "intel_p": intel_p, "intel_c": intel_c, "intel_os": intel_os}


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture(autouse=True)
def import_dir(tmp_path: Any, settings: Any) -> Any:
    """Uploaded files, rejects files and local profiles go to the test's own folder."""
    settings.SOCHUB_IMPORT_DIR = tmp_path / "imports"
    settings.SOCHUB_PROFILES_DIR = tmp_path / "profiles"
    return settings.SOCHUB_IMPORT_DIR


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    """The North West GAIN coordinator (based at GMP): imports for and reviews the region's forces."""
    user = make_user("coordinator", "gmp", (Role.COORDINATOR, Role.ANALYST))
    user.first_name, user.last_name = "Jane", "Analyst"
    user.coordinator_region = Region.objects.get(code="north-west")
    user.save()
    return user
