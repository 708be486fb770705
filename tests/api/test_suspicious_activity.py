"""The suspicious activity reports API: record, list, detail, decision and counts, with the access list deciding
who may see a report (404 for everyone else) and every read audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import User
from sochub.partners.services import token_create
from sochub.suspicious_activity import services
from tests.helpers import act

Call = Callable[..., Any]


@pytest.fixture
def api(client: Client) -> Callable[[User], Call]:
    def for_user(user: User) -> Call:
        _, raw = token_create(actor=act(user), user=user, purpose="Operation Kestrel: laundering", expires_days=30)
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
            url = f"/api/v1/suspicious-activity{path}"
            if method == "post":
                return client.post(url, body, content_type="application/json", headers=headers)
            return client.get(url, params, headers=headers)

        return call

    return for_user


def test_round_trip_and_404_for_someone_not_on_the_list(
    api: Callable[[User], Call], analyst: User, make_user: Callable[..., User], picture: dict[str, Any]
) -> None:
    colleague = make_user("colleague", "gmp")
    call = api(analyst)
    today = timezone.localdate()
    response = call(
        "post",
        "/reports",
        {
            "ukfiu_reference": "UKFIU-API-1",
            "report_type": "daml",
            "sector": "accountants",
            "reporter_organisation": "<b>Numbers LLP</b>",
            "submitted_on": today.isoformat(),
            "reason_for_suspicion": "Client asked to move funds offshore.",
            "glossary_codes": ["XXS99XX", "xxteosxx"],
            "prohibited_act": "Transfer £90,000 to a Jersey account",
            "persons": [{"nominal": str(picture["smith"].pk), "name_as_reported": "John Smith"}],
            "companies": [{"name": "Acacia Holdings Ltd", "number": "SC123456"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["consent"] == "pending" and body["notice_period_ends"] is not None
    assert body["glossary_codes"] == ["XXS99XX", "XXTEOSXX"]
    assert body["reporter_organisation"] == "<b>Numbers LLP</b>"  # stored as given; pages escape it
    assert body["handling"] == "OFFICIAL-SENSITIVE"
    assert [a["username"] for a in body["access"]] == ["analyst"]
    assert {s["kind"] for s in body["subjects"]} == {"person", "company"}
    report_id = body["id"]

    listed = call("get", "/reports").json()
    assert listed["count"] == 1 and listed["items"][0]["ukfiu_reference"] == "UKFIU-API-1"
    assert call("get", f"/reports/{report_id}").status_code == 200

    other = api(colleague)
    assert other("get", f"/reports/{report_id}").status_code == 404
    assert other("get", "/reports").json() == {"items": [], "count": 0}
    assert (
        other(
            "post", f"/reports/{report_id}/decision", {"decision": "granted", "decided_on": today.isoformat()}
        ).status_code
        == 404
    )

    decided = call("post", f"/reports/{report_id}/decision", {"decision": "refused", "decided_on": today.isoformat()})
    assert decided.status_code == 200, decided.content
    assert decided.json()["consent"] == "refused" and decided.json()["moratorium_ends"] is not None

    bad = call(
        "post",
        "/reports",
        {
            **{k: v for k, v in body.items() if k in ("sector",)},
            "ukfiu_reference": "X-2",
            "report_type": "information",
            "reporter_organisation": "A",
            "submitted_on": today.isoformat(),
            "reason_for_suspicion": "r",
            "glossary_codes": ["XXNOPEXX"],
        },
    )
    assert bad.status_code == 422 and "XXNOPEXX is not a glossary code" in bad.json()["detail"]

    reads = AuditEvent.objects.filter(object_type="suspicious_activity_report", operation=Operation.CONSULTATION)
    assert {e.detail["view"] for e in reads} >= {"api_list", "api_report"}
    assert all(e.purpose == "Operation Kestrel: laundering" for e in reads)


def test_counts_and_campaign_through_the_api(api: Callable[[User], Call], analyst: User, analyst2: User) -> None:
    from datetime import date

    for n, (sector, day) in enumerate(
        [("legal_professionals", date(2025, 2, 1))] * 5 + [("legal_professionals", date(2025, 8, 1))] * 6
    ):
        services.report_record(
            actor=act(analyst),
            ukfiu_reference=f"A-{n:03d}",
            report_type="information",
            sector=sector,
            reporter_organisation="Firm",
            submitted_on=day,
            reason_for_suspicion="r",
            glossary_codes=[],
            no_codes_apply=True,
        )
    counts = api(analyst)("get", "/counts", period="year", sectors=["legal_professionals"]).json()
    assert counts["total"] == 11 and counts["rows"] == [
        {"period": "2025", "sector": "legal_professionals", "count": 11}
    ]
    assert api(analyst2)("get", "/counts", period="year").json()["total"] == 0
    c = api(analyst)(
        "get",
        "/campaign",
        sectors=["legal_professionals"],
        before_start="2025-01-01",
        before_end="2025-06-30",
        after_start="2025-07-01",
        after_end="2025-12-31",
        target_pct=20,
    ).json()
    assert c["before"] == 5 and c["after"] == 6 and c["change_pct"] == 20.0 and c["met"] is True
