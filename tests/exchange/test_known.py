"""'Is this person known to you?' with the real linkage engine (Splink on DuckDB), and the done-when path:
DWP finds that GMP holds a person, raises a request, a DWP supervisor approves, GMP answers with two records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sochub.audit.models import AuditEvent
from sochub.audit.selectors import audit_events_visible_to
from sochub.exchange import known, services
from sochub.exchange.models import ExchangeRequest, KnownSearchHit, Status
from sochub.intel import policies as intel_policies
from sochub.intel.models import Share
from sochub.partners.models import Agency, Role, User
from tests.helpers import act

PURPOSE = "fraud_against_public_purse"


def _query_of(record_values: dict[str, Any]) -> dict[str, str]:
    v = record_values
    return {
        "given_name": v["given_name"],
        "surname": v["surname"],
        "date_of_birth": "/".join(reversed(v["dob"].split("-"))),
        "postcode": v.get("postcode") or "",
        "purpose": PURPOSE,
        "purpose_detail": "DWP case BF/2026/0412",
    }


def test_done_when_dwp_finds_gmp_raises_a_request_and_sees_the_shared_records(
    signed_in: Callable[[User], Client],
    dwp: dict[str, Any],
    trained: dict[str, Any],
    analyst: User,
    make_user: Callable[..., User],
) -> None:
    nominal, record = trained["nominal"], trained["record"]
    investigator, supervisor = dwp["investigator"], dwp["supervisor"]
    assert not intel_policies.can_view_nominal(investigator, nominal)
    # 1. Known to you? (web)
    client = signed_in(investigator)
    page = client.post(reverse("web:exchange_known"), _query_of(record.values))
    body = page.content.decode()
    assert page.status_code == 200, body[:2000]
    hit = KnownSearchHit.objects.get(agency__code="gmp")
    assert hit.nominal_id == nominal.pk and hit.band == "probable" and hit.grading == "1A P"
    assert "Greater Manchester Police" in body and "Probable" in body and "1A P" in body
    # Never the record, the nominal or a fact (GMP's PNC ID, nominal id) in the answer.
    for secret in (str(nominal.pk), nominal.short_id, record.values["pnc_id"], "Works cash in hand", "IR0000"):
        assert secret not in body
    assert f"?hit={hit.pk}" in body
    # Audited on both sides.
    mine = AuditEvent.objects.get(object_type="known_to_you_search")
    assert mine.username == investigator.username and mine.agency_code == "dwp"
    assert "DWP case BF/2026/0412" in mine.purpose and record.values["surname"] in mine.query
    assert str(nominal.pk) not in str(mine.chain_payload())
    holder = AuditEvent.objects.get(object_type="known_to_you_hit", detail__holder="gmp")
    assert holder.object_ids == [str(nominal.pk)] and holder.recipients == ["dwp"]
    assert holder.detail["searched_by"] == investigator.username
    # DWP's own administrator cannot read the holder row (it names GMP's nominal).
    dwp_admin = make_user("dwp_admin", "dwp", (Role.AGENCY_ADMIN,))
    assert not audit_events_visible_to(user=dwp_admin).filter(pk=holder.pk).exists()
    # GMP's administrator finds it in audit search, by the matched nominal's id.
    gmp_admin = make_user("gmp_admin", "gmp", (Role.AGENCY_ADMIN,))
    assert audit_events_visible_to(user=gmp_admin, object_id=str(nominal.pk)).filter(pk=holder.pk).exists()
    # GMP's staff find the search on their page.
    gmp_client = signed_in(analyst)
    hits_page = gmp_client.get(reverse("web:exchange_known_hits")).content.decode()
    assert "Department for Work and Pensions" in hits_page and investigator.username in hits_page
    assert nominal.short_id in hits_page

    # 2. Raise a request from the hit: the provider is pre-filled, the nominal stays hidden.
    client = signed_in(investigator)
    form = client.get(reverse("web:exchange_new") + f"?hit={hit.pk}").content.decode()
    assert "Greater Manchester Police" in form and str(nominal.pk) not in form
    response = client.post(
        reverse("web:exchange_new"),
        {
            "hit": str(hit.pk),
            "question": "Is this person working while claiming Universal Credit? Please share what you hold.",
            "purpose": PURPOSE,
            "legal_basis": "dpa2018_s35_sch2_para2",
            "urgency": "routine",
            "handling_code": "P",
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    req = ExchangeRequest.objects.get()
    assert req.provider == Agency.objects.get(code="gmp") and req.known_hit == hit
    detail = client.get(response["Location"]).content.decode()
    assert str(nominal.pk) not in detail and nominal.short_id not in detail

    # 3. A DWP supervisor approves (the investigator cannot).
    assert client.post(reverse("web:exchange_approve", args=[req.pk])).status_code == 403
    client = signed_in(supervisor)
    assert client.post(reverse("web:exchange_approve", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.due_date is not None

    # 4. GMP's analyst sees which person is meant and answers with two records for 30 days.
    gmp_client = signed_in(analyst)
    detail = gmp_client.get(reverse("web:exchange_request", args=[req.pk])).content.decode()
    assert nominal.short_id in detail and f"nominal:{nominal.pk}" in detail
    assert f"intelligence:{trained['intel_a'].pk}" in detail
    response = gmp_client.post(
        reverse("web:exchange_answer", args=[req.pk]),
        {
            "answer": "Known to GMP: works cash in hand at a car wash.",
            "record": [f"nominal:{nominal.pk}", f"intelligence:{trained['intel_a'].pk}"],
            "expires_in_days": "30",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.ANSWERED
    shares = list(Share.objects.filter(recipient__code="dwp"))
    assert len(shares) == 2
    for s in shares:
        assert s.expires_at is not None
        assert abs((s.expires_at - s.created_at) - timedelta(days=30)) < timedelta(minutes=1)

    # 5. DWP can now see them, through the intel policies; not the record GMP did not share.
    assert intel_policies.can_view_nominal(investigator, nominal)
    assert intel_policies.visible_intelligence(investigator).filter(pk=trained["intel_a"].pk).exists()
    assert not intel_policies.visible_intelligence(investigator).filter(pk=trained["intel_b"].pk).exists()
    disclosures = AuditEvent.objects.filter(operation="disclosure", agency_code="gmp", recipients=["dwp"])
    assert disclosures.count() == 2
    steps = set(AuditEvent.objects.filter(object_type="exchange_request").values_list("agency_code", flat=True))
    assert steps == {"dwp", "gmp"}


def test_searcher_agency_is_never_a_hit_and_weak_queries_find_nothing(
    dwp: dict[str, Any], trained: dict[str, Any], coordinator: User
) -> None:
    values = trained["record"].values
    query = known.parse_query(_query_of(values))
    # GMP searching for its own person finds no GMP hit.
    result = known.known_search(actor=act(coordinator), query=query, purpose="Checking our own holdings")
    assert all(h.agency_code != "gmp" for h in result.hits)
    # A made-up person is not known to anyone.
    nobody = known.parse_query(
        {"given_name": "Zebedee", "surname": "Quaxworthy", "date_of_birth": "01/01/1931", "postcode": "ZE2 9XX"}
    )
    result = known.known_search(actor=act(dwp["investigator"]), query=nobody, purpose="Benefit fraud BF/1")
    assert result.hits == []
    assert not AuditEvent.objects.filter(object_type="known_to_you_hit", detail__search=result.search_id).exists()


def test_a_person_two_forces_hold_gives_two_hits(dwp: dict[str, Any], trained: dict[str, Any]) -> None:
    shared = trained["shared_record"]
    assert shared is not None
    v = shared.values
    query = known.parse_query(
        {"given_name": v["given_name"], "surname": v["surname"], "date_of_birth": v["dob"], "ni_number": v["ni_number"]}
    )
    result = known.known_search(actor=act(dwp["investigator"]), query=query, purpose="Benefit fraud BF/2")
    assert {h.agency_code for h in result.hits} == {"gmp", "merseyside"}
    assert all(h.grading == "" for h in result.hits if h.agency_code == "merseyside")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"surname": "Smith"}, "given_name"),
        ({"given_name": "John"}, "surname"),
        ({"given_name": "John", "surname": "Smith", "date_of_birth": "31/02/1985"}, "date_of_birth"),
        ({"given_name": "John", "surname": "Smith", "date_of_birth": "01/01/2999"}, "date_of_birth"),
        ({"surname": "Smith", "pnc_id": "<script>"}, "pnc_id"),
        ({"surname": "x" * 500, "postcode": "M1 1AA", "given_name": "J"}, "surname"),
    ],
)
def test_query_needs_more_than_a_name_and_valid_values(data: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        known.parse_query(data)
    assert field in exc.value.message_dict


def test_no_trained_model_refuses_with_a_clear_message(
    signed_in: Callable[[User], Client], dwp: dict[str, Any], picture: dict[str, Any]
) -> None:
    client = signed_in(dwp["investigator"])
    response = client.post(
        reverse("web:exchange_known"),
        {"given_name": "John", "surname": "Smith", "date_of_birth": "14/03/1985", "purpose": PURPOSE},
    )
    assert (
        response.status_code == 400 and "no resolution run has trained the linkage model" in response.content.decode()
    )
    assert not AuditEvent.objects.filter(object_type="known_to_you_search").exists()


def test_hits_of_another_agency_cannot_seed_a_request(
    dwp: dict[str, Any], trained: dict[str, Any], agencies: dict[str, Agency], analyst2: User
) -> None:
    query = known.parse_query(_query_of(trained["record"].values))
    result = known.known_search(actor=act(dwp["investigator"]), query=query, purpose="Benefit fraud BF/3")
    hit = KnownSearchHit.objects.get(pk=result.hits[0].hit_id)
    from sochub.intel.services import NotFound

    with pytest.raises(NotFound):
        services.request_create(
            actor=act(analyst2),
            question="What do you hold on the person in this hit?",
            purpose=PURPOSE,
            legal_basis="cda1998_s115",
            urgency="routine",
            handling_code="P",
            known_hit=hit,
        )
