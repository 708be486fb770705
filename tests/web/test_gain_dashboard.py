"""Issue 7's done-when path, end to end, and the GAIN coordinator's regional dashboard that shows all of it.

A DWP investigator asks whether GMP knows a person (the real linkage model), raises a request that a DWP
supervisor approves and GMP answers with two records shared for 30 days; GMP plans a night of action with
trading standards and licensing on two problem premises and records its outcomes, logs a moderate disruption
and a cash seizure; the North West coordinator's dashboard shows every piece. Around it: what an analyst of
another agency in the region sees (their own agency only) and an analyst of another region (nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.exchange import known
from sochub.exchange import services as exchange
from sochub.exchange.models import KnownSearchHit, Status
from sochub.intel import services as intel
from sochub.intel.models import Share
from sochub.operations import selectors as operations_selectors
from sochub.operations import services as operations
from sochub.partners.models import Region, Role, User
from sochub.recovery import services as recovery
from tests.exchange.fixtures import dwp_fixture, trained_fixture
from tests.helpers import act
from tests.operations.test_joint_operations import full_night, world

__all__ = ["dwp_fixture", "trained_fixture", "world"]


def _partnership_month(
    *, dwp: dict[str, Any], trained: dict[str, Any], world: dict[str, Any], analyst: User, analyst_b: User
) -> dict[str, Any]:
    """Everything the issue's done-when asks for, through the services."""
    nominal, values = trained["nominal"], trained["record"].values
    query = known.parse_query(
        {
            "given_name": values["given_name"],
            "surname": values["surname"],
            "date_of_birth": "/".join(reversed(values["dob"].split("-"))),
            "postcode": values.get("postcode") or "",
        }
    )
    found = known.known_search(
        actor=act(dwp["investigator"]), query=query, purpose="DWP case BF/2026/0412: benefit fraud enquiry"
    )
    assert [(h.agency_code, h.grading) for h in found.hits] == [("gmp", "1A P")], found.hits
    request = exchange.request_create(
        actor=act(dwp["investigator"]),
        question="Is this person working while claiming Universal Credit?",
        purpose="fraud_against_public_purse",
        legal_basis="dpa2018_s35_sch2_para2",
        urgency="routine",
        handling_code="P",
        known_hit=KnownSearchHit.objects.get(pk=found.hits[0].hit_id),
    )
    exchange.request_approve(actor=act(dwp["supervisor"]), request=request)
    exchange.request_answer(
        actor=act(analyst),
        request=request,
        answer="Known to GMP: works cash in hand at a car wash.",
        nominals=[nominal],
        intelligence=[trained["intel_a"]],
        expires_in_days=30,
    )
    night = full_night(analyst, world)
    disruption = operations.disruption_record(
        actor=act(analyst),
        nominal=world["owner1"],
        tactic="cash_seizure",
        impact="moderate",
        rationale="Cash float of the mart seized on the night of action; the shop cannot trade.",
        on=timezone.localdate(),
    )
    operations.disruption_validate(actor=act(analyst_b), disruption=disruption)
    seizure = recovery.seizure_record(
        actor=act(analyst),
        amount=Decimal("18450.00"),
        seized_at=timezone.now() - timedelta(hours=2),
        nation="england-wales",
        place="Cheetham Hill Mini Mart",
        nominal=world["owner1"],
    )
    return {"request": request, "night": night, "disruption": disruption, "seizure": seizure}


def test_done_when_the_coordinator_sees_the_whole_partnership_month(
    signed_in: Callable[[User], Client],
    dwp: dict[str, Any],
    trained: dict[str, Any],
    world: dict[str, Any],
    analyst: User,
    coordinator: User,
    make_user: Callable[..., User],
) -> None:
    done = _partnership_month(
        dwp=dwp, trained=trained, world=world, analyst=analyst, analyst_b=make_user("analyst_b", "gmp")
    )
    request = done["request"]
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    shares = Share.objects.filter(recipient__code="dwp", owner__code="gmp")
    assert shares.count() == 2
    assert all(abs(s.expires_at - s.created_at - timedelta(days=30)) < timedelta(minutes=1) for s in shares)

    client = signed_in(coordinator)
    response = client.get(reverse("web:gain"))
    assert response.status_code == 302 and response["Location"] == reverse("web:gain_region", args=["north-west"])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200, body[:2000]
    assert "You coordinate this region" in body
    # The request, answered.
    assert request.reference in body and "Answered" in body
    # The night of action, its outcomes, and the two problem premises on this month's list.
    assert done["night"].name in body
    assert "Arrest" in body and "Closure notice or order" in body and "Safeguarding referral" in body
    assert "Cheetham Hill Mini Mart" in body and "Sparkle Hand Car Wash" in body
    # The moderate disruption, counted for GMP.
    assert 'data-testid="gain-disruptions"' in body and "Greater Manchester Police" in body
    counts_table = body.split('data-testid="gain-disruptions"')[1].split("</table>")[0]
    assert "Moderate" in counts_table and ">1<" in counts_table
    # The cash seizure's 48-hour deadline, and the cash still detained.
    deadlines = body.split('data-testid="deadlines"')[1].split("</table>")[0]
    assert "initial detention" in deadlines.lower() or "48" in deadlines
    assert "£18,450.00" in body
    # Nobody's name is on the page.
    assert "Kamal Hussain" not in body and trained["record"].values["surname"] not in body
    assert AuditEvent.objects.filter(object_type="gain_region_dashboard", username=coordinator.username).exists()


def test_others_see_only_their_own_agency_or_nothing(
    signed_in: Callable[[User], Client],
    world: dict[str, Any],
    analyst: User,
    analyst2: User,
) -> None:
    """Merseyside (same region, not the coordinator) sees its own work and the regional premises register only;
    a London analyst gets 404."""
    night = full_night(analyst, world)
    client = signed_in(analyst2)
    body = client.get(reverse("web:gain_region", args=["north-west"])).content.decode()
    assert "only what involves your own agency" in body
    assert night.name not in body  # GMP's operation: Merseyside is not a partner in it
    # The problem premises register is regional by design: every agency of the region sees its rows.
    assert "Cheetham Hill Mini Mart" in body
    client = signed_in(world["outsider"])
    assert client.get(reverse("web:gain_region", args=["north-west"])).status_code == 404
    assert client.get(reverse("web:gain_region", args=["no-such-region"])).status_code == 404


def test_a_volunteer_never_reaches_it(signed_in: Callable[[User], Client], volunteer: User) -> None:
    assert signed_in(volunteer).get(reverse("web:gain_region", args=["north-west"])).status_code == 404


def test_the_coordinator_counts_disruptions_against_groups_they_cannot_see(
    signed_in: Callable[[User], Client], analyst: User, make_user: Callable[..., User]
) -> None:
    """Counts name no person: the region's coordinator (based at Merseyside here) counts GMP's validated disruption
    of a GMP-only OCG, without its name; a Merseyside analyst who is not the coordinator does not count it."""
    ocg = intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    disruption = operations.disruption_record(
        actor=act(analyst),
        ocg=ocg,
        tactic="cash_seizure",
        impact="moderate",
        rationale="Cash float seized.",
        on=timezone.localdate(),
    )
    operations.disruption_validate(actor=act(make_user("analyst_b", "gmp")), disruption=disruption)
    coordinator = make_user("coord_mersey", "mersey", (Role.COORDINATOR,))
    coordinator.coordinator_region = Region.objects.get(code="north-west")
    coordinator.save()
    region = Region.objects.get(code="north-west")
    counts = operations_selectors.region_disruption_counts(user=coordinator, region=region)
    assert [(r["agency"], r["moderate"]) for r in counts["agency"]] == [("Greater Manchester Police", 1)]
    assert [r["ocg"] for r in counts["ocg"]] == ["An OCG held by Greater Manchester Police"]
    body = signed_in(coordinator).get(reverse("web:gain_region", args=["north-west"])).content.decode()
    assert "Acacia Road Crew" not in body
    table = body.split('data-testid="gain-disruptions"')[1].split("</table>")[0]
    assert "Greater Manchester Police" in table
    other = make_user("mersey_analyst", "mersey")
    assert operations_selectors.region_disruption_counts(user=other, region=region)["agency"] == []
