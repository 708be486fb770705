"""Exporting search results: policy-filtered, needs a purpose, audited, marked, formula-safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.partners.models import User
from tests.helpers import act

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def _with_purpose(client: Client) -> Client:
    client.post("/purpose/", {"purpose": "Operation Juniper: list for briefing"})
    return client


def test_export_needs_a_purpose_then_is_marked_and_audited(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    response = client.get("/nominals/export.csv?q=jon+smith")
    assert response.status_code == 302 and "/purpose/" in response["Location"]
    response = _with_purpose(client).get("/nominals/export.csv?q=jon+smith")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0] == ["OFFICIAL"] and rows[-1] == ["OFFICIAL"]
    assert [str(picture["smith"].pk), "John Smith"] == rows[2][:2]
    event = AuditEvent.objects.filter(detail__export="csv").get()
    assert event.purpose == "Operation Juniper: list for briefing" and str(picture["smith"].pk) in event.object_ids


def test_another_agency_cannot_export_what_it_cannot_see(
    signed_in: Callable[[User], Client], analyst2: User, picture: dict[str, Any]
) -> None:
    rows = _rows(_with_purpose(signed_in(analyst2)).get("/nominals/export.csv?q=john+smith"))
    assert str(picture["smith"].pk) not in {r[0] for r in rows}


def test_formulas_are_neutralised(signed_in: Callable[[User], Client], analyst: User) -> None:
    intel.nominal_create(actor=act(analyst), facts=[("name", "-Hyphen Smith")])
    rows = _rows(_with_purpose(signed_in(analyst)).get("/nominals/export.csv?q=hyphen+smith"))
    assert [r[1] for r in rows[2:-1] if "Hyphen" in r[1]] == ["'-Hyphen Smith"]
