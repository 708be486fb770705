"""The demo bulletin builds through the real services, with no network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sochub.bulletin.demo import build_demo_bulletin
from sochub.bulletin.models import Delivery, Edition
from sochub.partners.models import Agency, Region, Role, User


def test_demo_bulletin(make_user: Callable[..., User], settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    make_user("admin", "hmrc", (Role.SYSTEM_ADMIN,))
    make_user("analyst", "gmp")
    make_user("analyst2", "mersey")
    make_user("partner", "hmrc", (Role.PARTNER,))
    coordinator = make_user("coordinator", "gmp", (Role.COORDINATOR,))
    coordinator.agency = Agency.objects.get(code="nwrocu")
    coordinator.coordinator_region = Region.objects.get(code="north-west")
    coordinator.save()
    counts = build_demo_bulletin(seed=7, today=date(2026, 11, 20))
    assert counts["bulletin articles published"] == 6
    assert counts["bulletin subscribers confirmed"] == 25 and counts["bulletin e-mails sent (to var/demo-mail)"] == 25
    assert counts["bulletin submissions waiting for review"] == 1
    published = Edition.objects.get(status="published")
    assert published.title == "Summer 2026" and Edition.objects.get(status="preparing").title == "Autumn 2026"
    assert Delivery.objects.filter(status="sent").count() == 25
    assert any((tmp_path / "demo-mail").iterdir())
    assert counts["bulletin feedback responses"] == 11
