from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sochub.linkage.demo_files import PartnerFiles, write_partner_files
from sochub.partners.models import Region, Role, User


@pytest.fixture(autouse=True)
def import_dir(tmp_path: Path, settings: Any) -> Path:
    settings.SOCHUB_IMPORT_DIR = tmp_path / "imports"
    return settings.SOCHUB_IMPORT_DIR


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    """The North West GAIN coordinator: imports and reviews for the region's agencies."""
    user = make_user("coordinator", "gmp", (Role.COORDINATOR, Role.ANALYST))
    user.coordinator_region = Region.objects.get(code="north-west")
    user.save()
    return user


@pytest.fixture
def partner_files(tmp_path: Path) -> PartnerFiles:
    folder = tmp_path / "files"
    folder.mkdir()
    return write_partner_files(folder)
