"""The JSON API under /api/v1/: bearer tokens, the same access rules as the web, and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.intel import policies
from sochub.intel import services as intel
from sochub.intel.models import Share
from sochub.partners.models import Agency, ApiToken, User
from sochub.partners.services import token_create, token_revoke
from tests.helpers import act

TOKEN_PURPOSE = "Operation Kestrel: nightly risk review"

Get = Callable[..., Any]


@pytest.fixture
def token_for(db: Any) -> Callable[..., str]:
    def make(user: User, purpose: str = TOKEN_PURPOSE, expires_days: int | None = 90) -> str:
        _, raw = token_create(actor=act(user), user=user, purpose=purpose, expires_days=expires_days)
        return raw

    return make


@pytest.fixture
def api(client: Client, token_for: Callable[..., str]) -> Callable[[User], Get]:
    """``api(user)`` gives a GET function that sends that user's bearer token."""

    def for_user(user: User) -> Get:
        raw = token_for(user)

        def get(path: str, **params: Any) -> Any:
            return client.get(f"/api/v1{path}", params, headers={"Authorization": f"Bearer {raw}"})

        return get

    return for_user


def ids(response: Any) -> set[str]:
    return {str(item["id"]) for item in response.json()["items"]}


# Authentication ------------------------------------------------------------------------------


def test_no_token_is_401(client: Client, picture: dict[str, Any]) -> None:
    assert client.get("/api/v1/nominals").status_code == 401
    assert client.get(f"/api/v1/nominals/{picture['smith'].pk}").status_code == 401
    assert client.get("/api/v1/agencies").status_code == 401


def test_unknown_or_malformed_token_is_401(client: Client, picture: dict[str, Any]) -> None:
    for header in ("Bearer soc_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "soc_x", "Bearer " + "x" * 5000):
        assert client.get("/api/v1/nominals", headers={"Authorization": header}).status_code == 401, header


def test_revoked_token_is_401(client: Client, analyst: User, token_for: Callable[..., str]) -> None:
    raw = token_for(analyst)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/nominals", headers=headers).status_code == 200
    assert token_revoke(actor=act(analyst), prefix=raw[:10]) == 1
    assert client.get("/api/v1/nominals", headers=headers).status_code == 401


def test_expired_token_is_401(client: Client, analyst: User, token_for: Callable[..., str]) -> None:
    raw = token_for(analyst, expires_days=1)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/nominals", headers=headers).status_code == 200
    ApiToken.objects.filter(user=analyst).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/nominals", headers=headers).status_code == 401


def test_token_of_a_deactivated_user_is_401(client: Client, analyst: User, token_for: Callable[..., str]) -> None:
    raw = token_for(analyst)
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    assert client.get("/api/v1/nominals", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_token_use_is_recorded(client: Client, analyst: User, token_for: Callable[..., str]) -> None:
    raw = token_for(analyst)
    client.get("/api/v1/nominals", headers={"Authorization": f"Bearer {raw}"})
    assert ApiToken.objects.get(user=analyst).last_used_at is not None


# Nominals ------------------------------------------------------------------------------------


def test_list_counts_what_the_user_may_see(
    api: Callable[[User], Get], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    smith, jones = str(picture["smith"].pk), str(picture["jones"].pk)
    for user, mine, theirs in ((analyst, smith, jones), (analyst2, jones, smith)):
        response = api(user)("/nominals")
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"items", "count"}
        assert data["count"] == policies.visible_nominals(user).count() == 1
        assert ids(response) == {mine}
        assert theirs not in response.content.decode()
    item = api(analyst)("/nominals").json()["items"][0]
    assert item["name"] == "John Smith"
    assert item["date_of_birth"] == "14/03/1985"
    assert item["score"] is None


def test_search_forgives_misspelling_and_respects_agency(
    api: Callable[[User], Get], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    smith = str(picture["smith"].pk)
    response = api(analyst)("/nominals", q="Jon Smiht")
    assert response.status_code == 200
    assert smith in ids(response)
    assert response.json()["count"] == len(response.json()["items"])
    hit = response.json()["items"][0]
    assert hit["name"] == "John Smith"
    assert hit["score"] is not None and hit["score"] > 0
    assert hit["matched_on"]
    theirs = api(analyst2)("/nominals", q="Jon Smiht")
    assert theirs.status_code == 200
    assert theirs.json() == {"items": [], "count": 0}
    assert str(picture["jones"].pk) in ids(api(analyst2)("/nominals", q="Mary Jonse"))


def test_paging_with_limit_and_offset(api: Callable[[User], Get], analyst: User, picture: dict[str, Any]) -> None:
    for name in ("Alan Turing", "Brenda Hale", "Carl Jung", "Dora Black"):
        intel.nominal_create(actor=act(analyst), facts=[("name", name)])
    get = api(analyst)
    everyone = get("/nominals", limit=200)
    assert everyone.json()["count"] == 5
    pages = [get("/nominals", limit=2, offset=offset).json() for offset in (0, 2, 4, 6)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert all(p["count"] == 5 for p in pages)
    seen = [item["id"] for p in pages for item in p["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == ids(everyone)
    # Paging a search too.
    first = get("/nominals", q="Smith", limit=1)
    assert first.status_code == 200
    assert len(first.json()["items"]) <= 1


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1000}, {"limit": 201}, {"offset": -1}, {"limit": "ten"}])
def test_bad_paging_is_422(api: Callable[[User], Get], analyst: User, params: dict[str, Any]) -> None:
    get = api(analyst)
    assert get("/nominals", **params).status_code == 422
    assert get("/ocgs", **params).status_code == 422
    assert get("/intelligence", **params).status_code == 422


def test_detail_for_own_agency(api: Callable[[User], Get], analyst: User, picture: dict[str, Any]) -> None:
    smith = picture["smith"]
    response = api(analyst)(f"/nominals/{smith.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(smith.pk)
    assert data["name"] == "John Smith"
    facts = {(f["kind"], f["value"]) for f in data["facts"]}
    assert ("pnc_id", "85/0123456X") in facts
    assert ("ni_number", "AB123456C") in facts
    assert all(f["agency"] == "gmp" for f in data["facts"])
    assert set(data["intelligence"]) == {picture["intel_p"].pk, picture["intel_c"].pk, picture["intel_os"].pk}
    assert data["other_agencies_hold_information"] is False


def test_detail_is_404_for_another_agency_and_nonsense(
    api: Callable[[User], Get], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    get = api(analyst)
    assert get(f"/nominals/{picture['jones'].pk}").status_code == 404
    assert get("/nominals/nonsense").status_code == 404
    assert get("/nominals/00000000-0000-4000-8000-000000000000").status_code == 404
    assert api(analyst2)(f"/nominals/{picture['smith'].pk}").status_code == 404


def test_merged_id_answers_with_the_survivor(
    api: Callable[[User], Get], analyst: User, picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    duplicate = intel.nominal_create(actor=act(analyst), facts=[("name", "Johnny Smith")])
    intel.nominal_merge(actor=act(analyst), keep=smith, absorb=duplicate, reason="Same person, same PNC ID")
    get = api(analyst)
    data = get(f"/nominals/{duplicate.pk}").json()
    assert data["id"] == str(smith.pk)
    assert data["merged_ids"] == [str(duplicate.pk)]
    assert ("name", "Johnny Smith") in {(f["kind"], f["value"]) for f in data["facts"]}
    listing = get("/nominals")
    assert ids(listing) == {str(smith.pk)}
    assert listing.json()["count"] == 1


def test_officer_does_not_see_official_sensitive_intelligence_on_a_nominal(
    api: Callable[[User], Get], officer: User, picture: dict[str, Any]
) -> None:
    data = api(officer)(f"/nominals/{picture['smith'].pk}").json()
    assert picture["intel_os"].pk not in data["intelligence"]
    assert picture["intel_p"].pk in data["intelligence"]


def test_sharing_lets_the_other_agency_see_until_it_expires(
    api: Callable[[User], Get], analyst: User, analyst2: User, agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    get2 = api(analyst2)
    assert get2(f"/nominals/{smith.pk}").status_code == 404
    share = intel.share_create(
        actor=act(analyst),
        recipient=agencies["mersey"],
        purpose="Joint operation on county lines supply",
        legal_basis="DPA 2018 s.35: law enforcement purposes",
        nominal=smith,
    )
    response = get2(f"/nominals/{smith.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "John Smith"
    # The share covers the person, not GMP's intelligence about them.
    assert response.json()["intelligence"] == []
    assert str(smith.pk) in ids(get2("/nominals"))
    assert get2("/nominals").json()["count"] == 2
    assert str(smith.pk) in ids(get2("/nominals", q="Jon Smiht"))
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert get2(f"/nominals/{smith.pk}").status_code == 404
    assert str(smith.pk) not in ids(get2("/nominals"))
    assert get2("/nominals").json()["count"] == 1
    assert get2("/nominals", q="Jon Smiht").json()["count"] == 0


def test_revoked_share_stops_access(
    api: Callable[[User], Get], analyst: User, analyst2: User, agencies: dict[str, Agency], picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    share = intel.share_create(
        actor=act(analyst),
        recipient=agencies["mersey"],
        purpose="Joint operation on county lines supply",
        legal_basis="DPA 2018 s.35: law enforcement purposes",
        nominal=smith,
    )
    get2 = api(analyst2)
    assert get2(f"/nominals/{smith.pk}").status_code == 200
    intel.share_revoke(actor=act(analyst), share=share)
    assert get2(f"/nominals/{smith.pk}").status_code == 404


def test_api_reads_are_audited_with_the_token_purpose(
    api: Callable[[User], Get], analyst: User, picture: dict[str, Any]
) -> None:
    smith = str(picture["smith"].pk)
    get = api(analyst)
    get(f"/nominals/{smith}")
    row = AuditEvent.objects.filter(object_type="nominal", operation="consultation").latest("id")
    assert row.channel == "api"
    assert row.purpose == TOKEN_PURPOSE
    assert row.username == "analyst"
    assert row.object_ids == [smith]

    get("/nominals", q="Jon Smiht")
    row = AuditEvent.objects.filter(object_type="nominal_search").latest("id")
    assert (row.channel, row.purpose, row.query) == ("api", TOKEN_PURPOSE, "Jon Smiht")
    assert smith in row.object_ids

    get("/nominals")
    row = AuditEvent.objects.filter(object_type="nominal_list").latest("id")
    assert (row.channel, row.purpose) == ("api", TOKEN_PURPOSE)
    assert row.object_ids == [smith]

    get(f"/intelligence/{picture['intel_c'].pk}")
    row = AuditEvent.objects.filter(object_type="intelligence", operation="consultation").latest("id")
    assert (row.channel, row.purpose, row.object_ids) == ("api", TOKEN_PURPOSE, [str(picture["intel_c"].pk)])


def test_volunteer_token_gets_404_for_personal_data(
    api: Callable[[User], Get], volunteer: User, picture: dict[str, Any]
) -> None:
    get = api(volunteer)
    assert get("/nominals").status_code == 404
    assert get(f"/nominals/{picture['smith'].pk}").status_code == 404
    assert get("/intelligence").status_code == 404
    assert get("/ocgs").status_code == 404
    assert get("/agencies").status_code == 200


# Intelligence, OCGs, agencies, schema --------------------------------------------------------


def test_intelligence_respects_classification_and_agency(
    api: Callable[[User], Get], analyst: User, analyst2: User, officer: User, picture: dict[str, Any]
) -> None:
    p, c, os_ = picture["intel_p"].pk, picture["intel_c"].pk, picture["intel_os"].pk
    officer_get = api(officer)
    officer_ids = {r["id"] for r in officer_get("/intelligence").json()}
    assert officer_ids == {p, c}
    assert officer_get(f"/intelligence/{os_}").status_code == 404
    assert officer_get("/intelligence", q="insider").json() == []

    analyst_get = api(analyst)
    assert {r["id"] for r in analyst_get("/intelligence").json()} == {p, c, os_}
    record = analyst_get(f"/intelligence/{c}").json()
    assert record["handling_code"] == "C"
    assert record["handling_conditions"] == "A2 S2: covert action only; refer to originator."
    assert record["grading"]
    assert analyst_get(f"/intelligence/{os_}").json()["classification"] == "OFFICIAL-SENSITIVE"
    found = analyst_get("/intelligence", q="handgun").json()
    assert [r["id"] for r in found] == [c]

    other_get = api(analyst2)
    assert other_get("/intelligence").json() == []
    assert other_get(f"/intelligence/{p}").status_code == 404
    assert other_get("/intelligence/999999").status_code == 404


def test_intelligence_search_needs_every_word(
    api: Callable[[User], Get], analyst: User, picture: dict[str, Any]
) -> None:
    get = api(analyst)
    assert [r["id"] for r in get("/intelligence", q="handgun Wilmslow").json()] == [picture["intel_c"].pk]
    # No record mentions both words, so nothing matches (not every record with a tiny rank).
    assert get("/intelligence", q="handgun insider").json() == []
    assert get("/intelligence", q="zebra crossing").json() == []


def test_ocgs_respect_agency(
    api: Callable[[User], Get], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    ocg = intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    get = api(analyst)
    rows = get("/ocgs").json()
    assert [(r["id"], r["name"], r["agency"]) for r in rows] == [(ocg.pk, "Acacia Road Crew", "gmp")]
    assert get("/ocgs", q="acacia").json()[0]["id"] == ocg.pk
    assert get("/ocgs", q="nothing like it").json() == []
    one = get(f"/ocgs/{ocg.pk}")
    assert one.status_code == 200
    assert one.json()["threat_categories"] == ["illegal_drugs"]
    assert get("/ocgs/999999").status_code == 404
    other = api(analyst2)
    assert other("/ocgs").json() == []
    assert other(f"/ocgs/{ocg.pk}").status_code == 404


def test_agencies(api: Callable[[User], Get], analyst: User) -> None:
    response = api(analyst)("/agencies")
    assert response.status_code == 200
    by_code = {a["code"]: a for a in response.json()}
    assert {"gmp", "merseyside", "hmrc"} <= set(by_code)
    assert by_code["gmp"]["name"] == "Greater Manchester Police"
    assert by_code["gmp"]["region"] == "north-west"


def test_openapi_schema_is_served(client: Client, db: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/nominals" in schema["paths"]
    assert "/api/v1/nominals/{nominal_id}" in schema["paths"]
    assert "/api/v1/intelligence" in schema["paths"]
    assert schema["info"]["title"] == "SOC Hub API"


def test_api_responses_are_not_cached(api: Callable[[User], Get], analyst: User, picture: dict[str, Any]) -> None:
    response = api(analyst)(f"/nominals/{picture['smith'].pk}")
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
