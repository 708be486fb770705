"""The demo's Greater Manchester profile: built through the services, OCG footprint included, three actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sochub.intel.demo import DemoSummary
from sochub.profiles import selectors
from sochub.profiles.demo import build_demo_profile
from sochub.profiles.models import Profile
from tests.risk.conftest import world

__all__ = ["world"]


def test_demo_profile(world: DemoSummary, tmp_path: Path) -> None:
    counts = build_demo_profile(seed=7, files=tmp_path, today=date(2026, 11, 28))
    profile = Profile.objects.get()
    build = selectors.latest_build(profile)
    assert build is not None and counts["4P actions"] == 3
    assert build.summary["period"] == "March 2026 to August 2026"
    assert build.summary["point_layers"]["ocg addresses"] > 0  # GMP's OCG premises, placed
    soc = build.summary["classes"]["soc"]
    assert soc["hot 99"] + soc["hot 95"] + soc["hot 90"] > 0
    assert selectors.overdue_actions(profile) == 1
    assert sorted(p.name for p in (tmp_path / "policeuk-greater-manchester").iterdir())[-1] == "2026-09"
    assert profile.layers.count() == 6  # the seventh month is left for a refresh
