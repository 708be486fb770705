from __future__ import annotations

from typing import Any

import pytest
import yaml

from sochub.engine.victims import DEFAULT_CHECKLIST, Checklist, load_checklist


@pytest.fixture(scope="session")
def default() -> Checklist:
    return load_checklist()


@pytest.fixture
def raw() -> dict[str, Any]:
    """The shipped checklist as plain data, to break in tests."""
    data = yaml.safe_load(DEFAULT_CHECKLIST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
