"""The prevent API: list programmes, refer, keep a register, record an outcome and read the aggregate report,
under the same policies and audit as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Region, Role, User
from sochub.partners.services import token_create
from sochub.prevent import services
from sochub.prevent.models import Programme, YoungPerson
from tests.helpers import act

PURPOSE = "Haggrid programme: weekly register"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user("api_lead", "gmp", (Role.OFFICER,))


@pytest.fixture
def programme(lead: User) -> Programme:
    return services.programme_create(
        actor=act(lead),
        name="Haggrid Oldham",
        area="Oldham",
        region=Region.objects.get(code="north-west"),
        capacity_per_year=40,
    )


def call(client: Client, user: User) -> Callable[..., Any]:
    _, raw = token_create(actor=act(user), user=user, purpose=PURPOSE, expires_days=30)

    def send(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {raw}"}
        if method == "GET":
            return client.get(f"/api/v1/prevent{path}", headers=headers)
        return client.post(f"/api/v1/prevent{path}", body or {}, content_type="application/json", headers=headers)

    return send


def referral(on: Any, **over: Any) -> dict[str, Any]:
    body = {
        "first_name": "Ashton",
        "last_name": "<img src=x onerror=alert(1)>",
        "date_of_birth": on.replace(year=on.year - 13).isoformat(),
        "referred_on": on.isoformat(),
        "risk_factors": ["antisocial_behaviour"],
        "safeguarding_flags": ["looked_after"],
        "postcode_district": "OL1 3AB",
        "consent": {
            "young_person": True,
            "young_person_how": "Signed",
            "young_person_on": on.isoformat(),
            "guardian_name": "Social worker for the local authority",
            "guardian_relationship": "Corporate parent",
            "guardian_how": "Email",
            "guardian_on": on.isoformat(),
        },
    }
    body.update(over)
    return body


def test_api_round_trip(client: Client, programme: Programme, lead: User, make_user: Callable[..., User]) -> None:
    api = call(client, lead)
    listing = api("GET", "/programmes")
    assert listing.status_code == 200
    item = next(p for p in listing.json() if p["id"] == programme.pk)
    assert item["my_role"] == "lead" and item["phases"][0]["label"] == "Social education"
    on = timezone.localdate() - timedelta(days=30)
    too_old = api(
        "POST",
        f"/programmes/{programme.pk}/referrals",
        referral(on, date_of_birth=on.replace(year=on.year - 18).isoformat()),
    )
    assert too_old.status_code == 422 and "date_of_birth" in too_old.json()["detail"]
    created = api("POST", f"/programmes/{programme.pk}/referrals", referral(on))
    assert created.status_code == 201, created.content
    yp_id = created.json()["id"]
    assert created.json()["postcode_district"] == "OL1"
    yp = YoungPerson.objects.get(pk=yp_id)
    services.referral_decide(actor=act(lead), young_person=yp, decision="accept", on=on)
    session = services.session_create(
        actor=act(lead),
        programme=programme,
        phase=programme.phases.get(order=1),
        held_on=on + timedelta(days=2),
        title="W1",
    )
    marked = api("POST", f"/sessions/{session.pk}/attendance", {"marks": [{"young_person": yp_id, "mark": "attended"}]})
    assert marked.status_code == 200 and marked.json()["recorded"] == 1
    bad = api("POST", f"/sessions/{session.pk}/attendance", {"marks": [{"young_person": yp_id, "mark": "late"}]})
    assert bad.status_code == 422
    outcome = api(
        "POST",
        f"/young-people/{yp_id}/outcomes",
        {
            "kind": "qualification",
            "title": "City and Guilds Entry 3",
            "level": "Entry 3",
            "achieved_on": (on + timedelta(days=3)).isoformat(),
        },
    )
    assert outcome.status_code == 201 and outcome.json()["kind"] == "qualification"
    detail = api("GET", f"/young-people/{yp_id}")
    assert detail.status_code == 200 and detail.json()["outcomes"][0]["title"] == "City and Guilds Entry 3"
    report = api("GET", f"/programmes/{programme.pk}/report")
    assert report.status_code == 200
    body = report.json()
    assert body["accepted"] == 1 and body["outcomes_by_kind"] == {"qualification": 1} and body["attendance_rate"] == 1.0
    assert "Ashton" not in report.content.decode()
    consult = AuditEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="young_person", channel="api"
    ).latest("id")
    assert consult.purpose == PURPOSE and consult.object_ids == [str(yp_id)]

    # Another user of the same agency, and a coordinator, see none of it.
    for outsider in (make_user("gmp_api2", "gmp", (Role.ANALYST,)), make_user("coord_api", "gmp", (Role.COORDINATOR,))):
        other = call(client, outsider)
        assert other("GET", f"/young-people/{yp_id}").status_code == 404
        assert other("GET", f"/programmes/{programme.pk}/report").status_code == 404
        assert (
            other(
                "POST", f"/sessions/{session.pk}/attendance", {"marks": [{"young_person": yp_id, "mark": "absent"}]}
            ).status_code
            == 404
        )
        assert (
            other(
                "POST",
                f"/young-people/{yp_id}/outcomes",
                {"kind": "award", "title": "x", "achieved_on": on.isoformat()},
            ).status_code
            == 404
        )


def test_referrer_sees_status_only_through_the_api(
    client: Client, programme: Programme, lead: User, make_user: Callable[..., User]
) -> None:
    partner = make_user("school_api", "mersey", (Role.PARTNER,))
    api = call(client, partner)
    on = timezone.localdate() - timedelta(days=5)
    created = api("POST", f"/programmes/{programme.pk}/referrals", referral(on))
    assert created.status_code == 201 and created.json()["access"] == "referrer"
    yp = YoungPerson.objects.get(pk=created.json()["id"])
    services.referral_decide(actor=act(lead), young_person=yp, decision="decline", on=on, reason="Out of area")
    seen = api("GET", f"/young-people/{yp.pk}").json()
    assert seen["status"] == "declined" and seen["first_name"] is None and seen["safeguarding_flags"] is None
