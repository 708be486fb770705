from __future__ import annotations

from pathlib import Path

import pytest

from sochub.linkage.demo_files import PartnerFiles, write_partner_files


@pytest.fixture
def partner_files(tmp_path: Path) -> PartnerFiles:
    folder = tmp_path / "files"
    folder.mkdir()
    return write_partner_files(folder)
