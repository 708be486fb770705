"""GET /api/v1/profiles and /api/v1/profiles/{id}: owner and partners only, vetting checked, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.partners.models import Agency, Role, User, Vetting
from sochub.partners.services import token_create
from sochub.profiles import building, services
from sochub.profiles.models import LayerKind
from tests.helpers import act
from tests.profiles.files import month_file


def _get(client: Client, user: User, path: str) -> Any:
    _, raw = token_create(actor=act(user), user=user, purpose="Tasking meeting pack", expires_days=30)
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})


def test_profiles_for_owner_and_partners_only(
    client: Client,
    analyst: User,
    analyst2: User,
    officer: User,
    agencies: dict[str, Agency],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    actor = act(analyst)
    profile = services.profile_create(
        actor=actor, name="Manchester profile", area_name="Manchester", partners=[agencies["hmrc"]]
    )
    path = month_file(tmp_path, "2021-01")
    services.layer_add(
        actor=actor, profile=profile, kind=LayerKind.CRIMES, filename=path.name, chunks=[path.read_bytes()]
    )
    build = services.build_create(actor=actor, profile=profile)
    building.run_build(build=build, actor=actor)
    finding = profile.findings.filter(kind="area of concern").first()
    assert finding is not None
    services.action_create(
        actor=actor,
        profile=profile,
        strand="pursue",
        title="Warrants",
        owner_agency=agencies["gmp"],
        lead="DI Khan",
        due=date.today() - timedelta(days=1),
        findings=[finding],
    )

    listed = _get(client, analyst, "/profiles").json()
    assert [p["name"] for p in listed] == ["Manchester profile"]
    assert listed[0]["latest_build"]["rows_read"] == 310 and listed[0]["overdue_actions"] == 1
    partner = make_user("council", "hmrc", (Role.PARTNER,), Vetting.NPPV2)
    detail = _get(client, partner, f"/profiles/{profile.pk}").json()
    assert detail["actions"][0]["overdue"] is True and detail["actions"][0]["findings"] == [finding.key]
    assert any(f["key"] == finding.key and f["current"] and f["actions"] == 1 for f in detail["findings"])
    assert detail["areas_of_concern"][0]["rank"] == 1
    event = AuditEvent.objects.filter(object_type="profile", detail__view="api profile").latest("id")
    assert event.username == "council" and event.purpose == "Tasking meeting pack"

    assert _get(client, analyst2, "/profiles").json() == []  # another force, not a partner
    assert _get(client, analyst2, f"/profiles/{profile.pk}").status_code == 404
    assert _get(client, officer, f"/profiles/{profile.pk}").status_code == 404  # not vetted for the marking
