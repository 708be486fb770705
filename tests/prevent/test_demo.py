"""The demo programme builds through the real services with referrals in every state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sochub.intel import selectors as intel_selectors
from sochub.partners.models import Agency, AgencyKind, Region, Role, User
from sochub.prevent.demo import build_demo_prevent
from sochub.prevent.models import Outcome, Programme, YoungPerson


def test_demo_programme(make_user: Callable[..., User], agencies: dict[str, Any]) -> None:
    mcc = Agency.objects.create(
        code="manchester-cc",
        name="Manchester City Council",
        kind=AgencyKind.LOCAL,
        region=Region.objects.get(code="north-west"),
    )
    make_user("officer", "gmp", (Role.OFFICER,))
    analyst = make_user("analyst", "gmp", (Role.ANALYST,))
    make_user("supervisor", "gmp", (Role.OFFICER,))
    volunteer = User(username="volunteer", agency=mcc, roles=[Role.VOLUNTEER])
    volunteer.save()
    counts = build_demo_prevent(seed=7)
    assert counts["referrals"] == 40 and counts["sessions"] > 20
    programme = Programme.objects.get()
    assert set(programme.lead_agencies.values_list("code", flat=True)) == {"gmp", "manchester-cc"}
    states = set(YoungPerson.objects.values_list("status", flat=True))
    assert {"referred", "declined", "active", "completed"} <= states
    assert Outcome.objects.filter(kind="qualification", title__startswith="City and Guilds").exists()
    assert counts["retention_due"] >= 1
    some = YoungPerson.objects.first()
    assert some is not None
    assert intel_selectors.nominal_search(user=analyst, query=f"{some.first_name} {some.last_name}") == []
