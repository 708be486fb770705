"""Fixtures of prevent programmes: a Haggrid-style programme led by a GMP officer, with a volunteer practitioner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from sochub.partners.models import Region, Role, User
from sochub.prevent import services
from sochub.prevent.models import Programme, YoungPerson
from tests.helpers import act

PURPOSE = "Haggrid programme: running sessions"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user("haggrid_lead", "gmp", (Role.OFFICER,))


@pytest.fixture
def practitioner(make_user: Callable[..., User]) -> User:
    return make_user("haggrid_volunteer", "gmp", (Role.VOLUNTEER,))


@pytest.fixture
def programme(lead: User, practitioner: User) -> Programme:
    prog = services.programme_create(
        actor=act(lead, PURPOSE),
        name="Haggrid Manchester",
        area="Manchester",
        region=Region.objects.get(code="north-west"),
        capacity_per_year=100,
        sponsor="Police and Crime Commissioner",
    )
    services.member_set(actor=act(lead, PURPOSE), programme=prog, user=practitioner, role="practitioner")
    return prog


@pytest.fixture
def refer(programme: Programme, lead: User) -> Callable[..., YoungPerson]:
    def make(user: User | None = None, **kwargs: Any) -> YoungPerson:
        today = timezone.localdate()
        on = kwargs.pop("referred_on", today - timedelta(days=200))
        values: dict[str, Any] = {
            "first_name": "Kayden",
            "last_name": "Ashworth-Quill",
            "date_of_birth": date(on.year - 14, 3, 1),
            "referred_on": on,
            "risk_factors": ["family_soc", "school_exclusion"],
            "safeguarding_flags": ["child_in_need"],
            "school": "Moss Side Academy",
            "postcode": "M14 5AB",
            "young_person_consent": True,
            "young_person_consent_how": "Signed form at school",
            "young_person_consent_on": on,
            "guardian_name": "Dawn Ashworth",
            "guardian_relationship": "Mother",
            "guardian_consent_how": "Signed form at home visit",
            "guardian_consent_on": on,
        }
        values.update(kwargs)
        return services.referral_create(actor=act(user or lead, PURPOSE), programme=programme, **values)

    return make
