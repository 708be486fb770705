"""GET /api/v1/priorities: the agency's latest top N, policy-filtered and audited."""

from __future__ import annotations

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.intel.demo import DemoSummary
from sochub.partners.models import User
from sochub.partners.services import token_create
from sochub.risk import prioritisation
from tests.helpers import act
from tests.risk.conftest import gmp_analyst, mersey_analyst, world

__all__ = ["gmp_analyst", "mersey_analyst", "world"]
pytestmark = pytest.mark.django_db


def _get(client: Client, user: User, path: str) -> object:
    _, raw = token_create(actor=act(user), user=user, purpose="Tasking export", expires_days=30)
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})


def test_the_latest_list_with_reasons_for_the_agency_only(
    client: Client, world: DemoSummary, gmp_analyst: User, mersey_analyst: User
) -> None:
    assert _get(client, gmp_analyst, "/priorities").status_code == 404  # no run yet
    actor = act(gmp_analyst, purpose="Operation Liberal")
    run = prioritisation.run_execute(actor=actor, run=prioritisation.run_create(actor=actor, seed=5, draws=50))
    response = _get(client, gmp_analyst, "/priorities")
    body = response.json()
    assert response.status_code == 200 and body["run"] == run.pk and len(body["items"]) == 20
    first = body["items"][0]
    assert (
        first["rank"] == 1 and first["explanation"] and abs(sum(first["components"].values()) - first["score"]) < 1e-4
    )
    assert body["model_official"] is False and body["protected"] == run.protected
    event = AuditEvent.objects.filter(detail__view="priorities").latest("id")
    assert event.purpose == "Tasking export" and first["id"] in event.object_ids
    assert _get(client, mersey_analyst, f"/priorities?run={run.pk}").status_code == 404
    assert _get(client, User.objects.get(username="volunteer"), "/priorities").status_code == 404
