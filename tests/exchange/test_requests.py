"""Information-exchange requests: approval by a second person, answering with shares, refusal, brokering,
who sees what, overdue, the regional summary, and the web pages (escaping, 404s)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.exchange import policies, selectors, services
from sochub.exchange.models import ExchangeRequest, Status
from sochub.intel import policies as intel_policies
from sochub.intel.models import Share
from sochub.intel.services import NotFound
from sochub.partners.models import Agency, Region, Role, User
from tests.helpers import act

QUESTION = "Does this person hold accounts or claim benefits? Needed for a POCA investigation."


@pytest.fixture
def people(make_user: Callable[..., User], analyst: User, analyst2: User, coordinator: User) -> dict[str, User]:
    """Merseyside asks GMP: a requester (officer), a supervisor (analyst2), GMP's analyst answers."""
    return {
        "requester": make_user("mersey_officer", "mersey", (Role.OFFICER,)),
        "supervisor": analyst2,
        "gmp": analyst,
        "coordinator": coordinator,
        "hmrc": make_user("hmrc_analyst", "hmrc", (Role.ANALYST,)),
        "mersey_admin": make_user("mersey_admin", "mersey", (Role.AGENCY_ADMIN,)),
    }


def make_request(user: User, *, provider: Agency | None, **overrides: Any) -> ExchangeRequest:
    args: dict[str, Any] = {
        "question": QUESTION,
        "purpose": "asset_recovery",
        "legal_basis": "poca2002_s436_s439",
        "urgency": "routine",
        "handling_code": "P",
        "provider": provider,
        "subject_description": "John Smith, born 14/03/1985, of Manchester",
    }
    args.update(overrides)
    return services.request_create(actor=act(user), **args)


def test_request_is_approved_by_a_second_person_then_answered_with_shares(
    people: dict[str, User], agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    smith, intel_p = picture["smith"], picture["intel_p"]
    req = make_request(people["requester"], provider=agencies["gmp"])
    assert req.reference.startswith(f"GAIN-{timezone.now().year}-") and req.status == Status.AWAITING_APPROVAL
    # GMP cannot see it before it is approved.
    assert not policies.can_view(people["gmp"], req)
    # The author may not approve their own request; another agency may not approve it.
    with pytest.raises(PermissionDenied, match="second person"):
        services.request_approve(actor=act(people["requester"]), request=req)
    with pytest.raises(NotFound):
        services.request_approve(actor=act(people["gmp"]), request=req)
    req = services.request_approve(actor=act(people["supervisor"]), request=req)
    assert req.status == Status.APPROVED and req.approved_by == people["supervisor"]
    assert req.due_date is not None and req.due_date > timezone.localdate()
    assert policies.can_view(people["gmp"], req)
    # HMRC (neither side) sees nothing; it cannot answer either.
    assert selectors.request_get(user=people["hmrc"], request_id=req.pk) is None
    with pytest.raises(NotFound):
        services.request_answer(actor=act(people["hmrc"]), request=req, answer="Nothing")
    # The requester cannot answer their own request.
    with pytest.raises(PermissionDenied):
        services.request_answer(actor=act(people["requester"]), request=req, answer="Nothing")
    assert not intel_policies.can_view_nominal(people["requester"], smith)
    req = services.request_answer(
        actor=act(people["gmp"]),
        request=req,
        answer="Known to GMP: supplying class A drugs.",
        nominals=[smith],
        intelligence=[intel_p],
        expires_in_days=30,
    )
    assert req.status == Status.ANSWERED
    shares = list(Share.objects.filter(recipient=agencies["mersey"]))
    assert len(shares) == 2 and set(req.shares.all()) == set(shares)
    for s in shares:
        assert s.legal_basis == req.legal_basis_label and req.reference in s.purpose
        assert s.expires_at is not None
        assert abs((s.expires_at - s.created_at) - timedelta(days=30)) < timedelta(minutes=1)
    assert intel_policies.can_view_nominal(people["requester"], smith)
    assert intel_policies.visible_intelligence(people["requester"]).filter(pk=intel_p.pk).exists()
    assert not intel_policies.visible_intelligence(people["requester"]).filter(pk=picture["intel_c"].pk).exists()
    disclosures = AuditEvent.objects.filter(operation="disclosure", agency_code="gmp")
    assert disclosures.count() == 2 and all(e.recipients == ["merseyside"] for e in disclosures)
    actions = list(
        AuditEvent.objects.filter(object_type="exchange_request", object_ids=[str(req.pk)])
        .order_by("id")
        .values_list("detail__action", flat=True)
    )
    assert actions == ["created", "approved", "answered"]
    # A closed request cannot be answered again.
    with pytest.raises(PermissionDenied):
        services.request_answer(actor=act(people["gmp"]), request=req, answer="Again")


def test_agency_admin_may_approve_but_not_an_officer(
    people: dict[str, User], agencies: dict[str, Agency], make_user
) -> None:  # type: ignore[no-untyped-def]
    req = make_request(people["requester"], provider=agencies["gmp"])
    other_officer = make_user("mersey_officer2", "mersey", (Role.OFFICER,))
    with pytest.raises(PermissionDenied, match="analyst, coordinator or agency administrator"):
        services.request_approve(actor=act(other_officer), request=req)
    assert policies.can_view(people["mersey_admin"], req)
    services.request_approve(actor=act(people["mersey_admin"]), request=req)


def test_answer_cannot_share_records_the_provider_does_not_own(
    people: dict[str, User], agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    """GMP may not pass on Merseyside's facts about Mary Jones (only the originator shares facts)."""
    req = make_request(people["requester"], provider=agencies["gmp"])
    req = services.request_approve(actor=act(people["supervisor"]), request=req)
    with pytest.raises(NotFound):
        services.request_answer(actor=act(people["gmp"]), request=req, answer="Here", nominals=[picture["jones"]])
    req.refresh_from_db()
    assert req.status == Status.APPROVED and not Share.objects.exists()


@pytest.mark.parametrize("days", [0, -3, 366, 10_000])
def test_share_expiry_out_of_range_is_refused(
    people: dict[str, User], agencies: dict[str, Agency], picture: dict[str, Any], days: int
) -> None:
    req = services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    with pytest.raises(ValidationError, match="1 to 365 days"):
        services.request_answer(
            actor=act(people["gmp"]), request=req, answer="Here", nominals=[picture["smith"]], expires_in_days=days
        )
    assert not Share.objects.exists()


def test_refusal_needs_a_reason(people: dict[str, User], agencies: dict[str, Agency]) -> None:
    req = services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    for reason in ("", "   ", "no"):
        with pytest.raises(ValidationError, match="reason"):
            services.request_refuse(actor=act(people["gmp"]), request=req, reason=reason)
    with pytest.raises(PermissionDenied):
        services.request_refuse(actor=act(people["supervisor"]), request=req, reason="We refuse our own request")
    req = services.request_refuse(
        actor=act(people["gmp"]), request=req, reason="No gateway allows this disclosure without a court order."
    )
    assert req.status == Status.REFUSED and req.refusal_reason.startswith("No gateway")
    event = AuditEvent.objects.filter(object_type="exchange_request", detail__action="refused").get()
    assert event.agency_code == "gmp" and event.recipients == ["merseyside"]


def test_invalid_requests_are_refused_per_field(people: dict[str, User], agencies: dict[str, Agency]) -> None:
    with pytest.raises(ValidationError) as exc:
        make_request(
            people["requester"],
            provider=agencies["mersey"],
            purpose="nosiness",
            legal_basis="",
            handling_code="C",
            subject_description="",
        )
    fields = set(exc.value.message_dict)
    assert {"purpose", "legal_basis", "handling_conditions", "subjects", "provider"} <= fields
    with pytest.raises(PermissionDenied):
        make_request(people["mersey_admin"], provider=agencies["gmp"])  # administrators do not request
    assert not ExchangeRequest.objects.exists()


def test_subjects_must_be_visible_to_the_requester(
    people: dict[str, User], agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        make_request(people["requester"], provider=agencies["gmp"], nominals=[picture["smith"]])
    req = make_request(people["supervisor"], provider=agencies["gmp"], nominals=[picture["jones"]])
    assert list(req.nominals.all()) == [picture["jones"]]
    # GMP sees the request but not Merseyside's person: the subject is counted, not shown.
    req = services.request_approve(actor=act(people["mersey_admin"]), request=req)
    subjects = selectors.visible_subjects(user=people["gmp"], req=req)
    assert subjects["nominals"] == [] and subjects["hidden"] == 1


def test_drafts_are_seen_by_their_author_only_until_submitted(
    people: dict[str, User], agencies: dict[str, Agency]
) -> None:
    req = make_request(people["requester"], provider=agencies["gmp"], submit=False)
    assert req.status == Status.DRAFT
    assert not policies.can_view(people["supervisor"], req)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=act(people["requester"]), request=req)
    services.request_submit(actor=act(people["requester"]), request=req)
    assert policies.can_view(people["supervisor"], req)
    req = services.request_withdraw(actor=act(people["requester"]), request=req)
    assert req.status == Status.WITHDRAWN
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=act(people["supervisor"]), request=req)


def test_coordinator_brokers_a_request_sent_through_the_region(
    people: dict[str, User], agencies: dict[str, Agency], make_user
) -> None:  # type: ignore[no-untyped-def]
    req = make_request(people["requester"], provider=None, via_coordinator=True)
    assert req.brokered and req.provider is None and req.region == Region.objects.get(code="north-west")
    req = services.request_approve(actor=act(people["supervisor"]), request=req)
    assert req.awaiting_broker
    assert selectors.requests(user=people["coordinator"], tab="to_broker").filter(pk=req.pk).exists()
    # A coordinator of another region cannot broker it, nor see it.
    other = make_user("london_coord", "hmrc", (Role.COORDINATOR,))
    other.coordinator_region = Region.objects.get(code="london")
    other.save()
    assert not policies.can_view(other, req)
    with pytest.raises(NotFound):
        services.request_broker(actor=act(other), request=req, provider=agencies["hmrc"])
    # HMRC cannot answer until the coordinator sends it to them.
    assert not policies.can_view(people["hmrc"], req)
    req = services.request_broker(actor=act(people["coordinator"]), request=req, provider=agencies["hmrc"])
    assert req.provider == agencies["hmrc"] and req.brokered_by == people["coordinator"]
    assert policies.can_view(people["hmrc"], req)
    with pytest.raises(PermissionDenied):
        services.request_broker(actor=act(people["coordinator"]), request=req, provider=agencies["gmp"])
    req = services.request_answer(actor=act(people["hmrc"]), request=req, answer="No trace in HMRC systems.")
    assert req.status == Status.ANSWERED


def test_overdue_and_the_region_summary(people: dict[str, User], agencies: dict[str, Agency]) -> None:
    late = services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    on_time = services.request_approve(
        actor=act(people["supervisor"]),
        request=make_request(people["requester"], provider=agencies["gmp"], urgency="immediate"),
    )
    answered = services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    services.request_answer(actor=act(people["gmp"]), request=answered, answer="No trace.")
    past = timezone.localdate() - timedelta(days=3)
    ExchangeRequest.objects.filter(pk__in=[late.pk, answered.pk]).update(due_date=past)
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.is_overdue() and not answered.is_overdue() and not on_time.is_overdue()
    assert late.is_overdue(date(2000, 1, 1)) is False
    assert list(selectors.requests(user=people["gmp"], tab="overdue")) == [late]
    hmrc = make_request(
        people["hmrc"], provider=agencies["dwp"] if "dwp" in agencies else Agency.objects.get(code="dwp")
    )
    region = Region.objects.get(code="north-west")
    summary = selectors.region_request_summary(user=people["coordinator"], region=region)
    assert (summary.open, summary.overdue, summary.answered, summary.refused) == (2, 1, 1, 0)
    assert hmrc not in summary.requests and len(summary.requests) == 3
    # Someone who is not the region's coordinator sees only their own agency's requests.
    alone = selectors.region_request_summary(user=people["hmrc"], region=region)
    assert (alone.open, alone.overdue, alone.answered, alone.requests) == (1, 0, 0, [hmrc])


# Web -------------------------------------------------------------------------------------------------------


def test_web_round_trip_with_hostile_text_escaped(
    signed_in: Callable[[User], Client], people: dict[str, User], agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    hostile = "<script>alert('x')</script> What do you hold on this person?"
    client = signed_in(people["requester"])
    page = client.get(reverse("web:exchange_new"))
    assert page.status_code == 200 and "Crime and Disorder Act 1998" in page.content.decode()
    response = client.post(
        reverse("web:exchange_new"),
        {
            "route": "direct",
            "provider": "gmp",
            "question": hostile,
            "purpose": "prevent_detect_crime",
            "legal_basis": "cda1998_s115",
            "urgency": "urgent",
            "handling_code": "P",
            "subject_description": "<img src=x onerror=alert(1)> John Smith",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    req = ExchangeRequest.objects.get()
    body = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body and "<img src=x" not in body
    assert "second person must approve it" in body
    # A bad form comes back with an error summary.
    bad = client.post(reverse("web:exchange_new"), {"route": "direct", "provider": "gmp", "question": "?"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    client = signed_in(people["supervisor"])
    assert "Approve and send" in client.get(reverse("web:exchange_request", args=[req.pk])).content.decode()
    assert client.post(reverse("web:exchange_approve", args=[req.pk])).status_code == 302
    client = signed_in(people["hmrc"])
    assert client.get(reverse("web:exchange_request", args=[req.pk])).status_code == 404
    assert client.post(reverse("web:exchange_answer", args=[req.pk]), {"answer": "x"}).status_code == 404
    client = signed_in(people["gmp"])
    listing = client.get(reverse("web:exchange") + "?tab=received").content.decode()
    assert req.reference in listing
    detail = client.get(reverse("web:exchange_request", args=[req.pk])).content.decode()
    assert "Send the answer" in detail and f"intelligence:{picture['intel_p'].pk}" not in detail  # not a subject
    response = client.post(
        reverse("web:exchange_answer", args=[req.pk]),
        {"answer": "<b>No</b> trace", "expires_in_days": "14"},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.ANSWERED
    client = signed_in(people["requester"])
    body = client.get(reverse("web:exchange_request", args=[req.pk])).content.decode()
    assert "&lt;b&gt;No&lt;/b&gt; trace" in body
    views = AuditEvent.objects.filter(object_type="exchange_request", operation="consultation")
    assert views.filter(username=people["requester"].username).exists()


def test_web_refusal_without_reason_keeps_request_open(
    signed_in: Callable[[User], Client], people: dict[str, User], agencies: dict[str, Agency]
) -> None:
    req = services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    client = signed_in(people["gmp"])
    response = client.post(reverse("web:exchange_refuse", args=[req.pk]), {"reason": ""}, follow=True)
    assert "Give the reason for refusing" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    # The requester's own agency cannot refuse it.
    client = signed_in(people["supervisor"])
    assert client.post(reverse("web:exchange_refuse", args=[req.pk]), {"reason": "Because we can"}).status_code == 403


def test_regions_page_and_volunteers_get_404(
    signed_in: Callable[[User], Client], people: dict[str, User], agencies: dict[str, Agency], volunteer: User
) -> None:
    services.request_approve(
        actor=act(people["supervisor"]), request=make_request(people["requester"], provider=agencies["gmp"])
    )
    client = signed_in(people["coordinator"])
    body = client.get(reverse("web:exchange_regions")).content.decode()
    assert 'data-testid="summary-north-west"' in body and "GAIN-" in body
    client = signed_in(volunteer)
    for name in ("web:exchange", "web:exchange_regions", "web:exchange_known", "web:exchange_new"):
        assert client.get(reverse(name)).status_code == 404
