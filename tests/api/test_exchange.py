"""API of information exchange: a request's round trip, the same refusals as the web, and known-to-you."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.exchange.models import KnownSearchHit
from sochub.intel import policies as intel_policies
from sochub.intel.models import Share
from sochub.partners.models import Agency, Role, User
from sochub.partners.services import token_create
from tests.exchange.fixtures import dwp_fixture, trained_fixture
from tests.helpers import act

__all__ = ["dwp_fixture", "trained_fixture"]  # fixtures used by name below


class Caller:
    """Sends one user's bearer token."""

    def __init__(self, client: Client, user: User) -> None:
        _, self.raw = token_create(actor=act(user), user=user, purpose="Operation Kestrel: exchange", expires_days=5)
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/exchange{path}", params, headers={"Authorization": f"Bearer {self.raw}"})

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1/exchange{path}",
            body or {},
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.raw}"},
        )


@pytest.fixture
def caller(client: Client) -> Callable[[User], Caller]:
    return lambda user: Caller(client, user)


def test_api_round_trip(
    caller: Callable[[User], Caller],
    make_user: Callable[..., User],
    analyst: User,
    analyst2: User,
    agencies: dict[str, Agency],
    picture: dict[str, Any],
) -> None:
    requester = caller(make_user("mersey_officer", "mersey", (Role.OFFICER,)))
    body = {
        "question": "What does GMP hold on John Smith of Acacia Road? <script>x</script>",
        "purpose": "prevent_detect_crime",
        "legal_basis": "cda1998_s115",
        "urgency": "urgent",
        "provider": "gmp",
        "subject_description": "John Smith, 14/03/1985",
    }
    bad = requester.post("/requests", body | {"legal_basis": "nonsense"})
    assert bad.status_code == 422 and "legal_basis" in bad.json()["detail"]
    hidden = requester.post("/requests", body | {"nominal_ids": [str(picture["smith"].pk)]})
    assert hidden.status_code == 404
    created = requester.post("/requests", body)
    assert created.status_code == 201, created.content
    req = created.json()
    assert req["status"] == "awaiting_approval" and req["question"] == body["question"]
    rid = req["id"]
    assert requester.post(f"/requests/{rid}/approve").status_code == 403
    gmp = caller(analyst)
    assert gmp.get(f"/requests/{rid}").status_code == 404
    supervisor = caller(analyst2)
    approved = supervisor.post(f"/requests/{rid}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved" and approved.json()["due_date"]
    listed = gmp.get("/requests", tab="received").json()
    assert listed["count"] == 1 and listed["items"][0]["reference"] == req["reference"]
    assert gmp.get("/requests", tab="bogus").status_code == 422
    assert gmp.get("/requests", limit=500).status_code == 422
    # Smith is not a subject of the request: GMP may not attach unrelated records through the API.
    stray = gmp.post(f"/requests/{rid}/answer", {"answer": "Here", "intelligence_ids": [picture["intel_p"].pk]})
    assert stray.status_code == 422 and not Share.objects.exists()
    assert gmp.post(f"/requests/{rid}/refuse", {"reason": ""}).status_code == 422
    answered = gmp.post(f"/requests/{rid}/answer", {"answer": "Known to GMP; ask for the file.", "expires_in_days": 7})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert requester.get(f"/requests/{rid}").json()["answer"] == "Known to GMP; ask for the file."
    hmrc = caller(make_user("hmrc_analyst", "hmrc", (Role.ANALYST,)))
    assert hmrc.get(f"/requests/{rid}").status_code == 404
    assert hmrc.post(f"/requests/{rid}/answer", {"answer": "x"}).status_code == 404
    api_rows = AuditEvent.objects.filter(object_type="exchange_request", channel="api")
    assert set(api_rows.values_list("detail__action", flat=True)) >= {"created", "approved", "answered"}


def test_api_answer_shares_subject_records(
    caller: Callable[[User], Caller],
    make_user: Callable[..., User],
    analyst: User,
    analyst2: User,
    picture: dict[str, Any],
) -> None:
    """Merseyside asks about its own description; GMP's analyst attaches Smith once the request names him."""
    smith = picture["smith"]
    gmp = caller(analyst)
    # GMP asks Merseyside about Smith (a GMP nominal): Merseyside holds nothing on him to share.
    created = gmp.post(
        "/requests",
        {
            "question": "Does Merseyside hold anything on this man?",
            "purpose": "prevent_detect_crime",
            "legal_basis": "cda1998_s115",
            "provider": "merseyside",
            "nominal_ids": [str(smith.pk)],
        },
    ).json()
    coordinator_like = make_user("gmp_second", "gmp", (Role.ANALYST,))
    assert caller(coordinator_like).post(f"/requests/{created['id']}/approve").status_code == 200
    mersey = caller(analyst2)
    seen = mersey.get(f"/requests/{created['id']}").json()
    assert seen["nominals"] == [] and seen["hidden_subjects"] == 1
    refused = mersey.post(f"/requests/{created['id']}/answer", {"answer": "x", "nominal_ids": [str(smith.pk)]})
    assert refused.status_code == 422
    assert not intel_policies.can_view_nominal(analyst2, smith)


def test_api_known_search_returns_no_record(
    caller: Callable[[User], Caller], dwp: dict[str, Any], trained: dict[str, Any]
) -> None:
    v = trained["record"].values
    investigator = caller(dwp["investigator"])
    bad = investigator.post("/known", {"surname": v["surname"], "purpose": "fraud_against_public_purse"})
    assert bad.status_code == 422
    response = investigator.post(
        "/known",
        {
            "given_name": v["given_name"],
            "surname": v["surname"],
            "date_of_birth": v["dob"],
            "pnc_id": v["pnc_id"],
            "purpose": "fraud_against_public_purse",
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    gmp = next(h for h in data["hits"] if h["agency"] == "gmp")
    assert gmp["match"] == "probable" and gmp["grading"] == "1A P"
    assert str(trained["nominal"].pk) not in response.content.decode()
    hit = KnownSearchHit.objects.get(pk=gmp["hit_id"])
    created = investigator.post(
        "/requests",
        {
            "question": "Please share what you hold on the person you matched.",
            "purpose": "fraud_against_public_purse",
            "legal_basis": "dpa2018_s35_sch2_para2",
            "known_hit_id": hit.pk,
        },
    )
    assert created.status_code == 201 and created.json()["provider"] == "gmp"
    assert str(trained["nominal"].pk) not in created.content.decode()


def test_api_known_search_without_model_is_503(
    caller: Callable[[User], Caller], dwp: dict[str, Any], tmp_path: Path
) -> None:
    response = caller(dwp["investigator"]).post(
        "/known",
        {"given_name": "John", "surname": "Smith", "postcode": "M14 5AB", "purpose": "fraud_against_public_purse"},
    )
    assert response.status_code == 503 and "resolution" in response.json()["detail"]
