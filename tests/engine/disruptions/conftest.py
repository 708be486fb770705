from __future__ import annotations

from typing import Any

import pytest
import yaml

from sochub.engine.disruptions import DEFAULT_MENU, Menu, load_menu


@pytest.fixture(scope="session")
def menu() -> Menu:
    return load_menu()


@pytest.fixture
def raw() -> dict[str, Any]:
    """The shipped menu as plain data, to break in tests."""
    data = yaml.safe_load(DEFAULT_MENU.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
