"""An analyst opens a built local profile's map: areas are drawn, layers toggle, an area's figures open.

Runs in Debian's Chromium through Playwright against the live server; Leaflet is served by the app itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sochub.partners.models import User
from sochub.profiles import building, services
from sochub.profiles.models import LayerKind
from tests.e2e.conftest import needs_chromium
from tests.helpers import PASSWORD, act
from tests.profiles.files import month_file

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_the_map_draws_toggles_and_explains_an_area(
    live_server: Any, browser_page: Any, analyst: User, tmp_path: Path
) -> None:
    actor = act(analyst, purpose="Tasking: local profile")
    profile = services.profile_create(actor=actor, name="Durham profile", area_name="Durham")
    for month in ("2021-01", "2021-02"):
        path = month_file(tmp_path, month)
        services.layer_add(
            actor=actor, profile=profile, kind=LayerKind.CRIMES, filename=path.name, chunks=[path.read_bytes()]
        )
    building.run_build(build=services.build_create(actor=actor, profile=profile), actor=actor)

    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", analyst.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/purpose/?next=/profiles/{profile.pk}/map/")
    page.fill("#purpose", "Tasking: local profile")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/profiles/{profile.pk}/map/")
    areas = page.locator(".leaflet-container path.leaflet-interactive")
    areas.first.wait_for()
    shown = areas.count()
    assert shown > 0
    page.get_by_label("All areas with crime").check()
    page.wait_for_function(f"document.querySelectorAll('.leaflet-container path.leaflet-interactive').length > {shown}")
    page.get_by_label("All areas with crime").uncheck()
    page.wait_for_function(
        f"document.querySelectorAll('.leaflet-container path.leaflet-interactive').length == {shown}"
    )
    areas.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Crimes and ASB" in text and "Hot spot (all crime)" in text
    assert errors == []
