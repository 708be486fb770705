from __future__ import annotations

from typing import Any

import pytest
import yaml

from sochub.engine.recovery import DEFAULT_RULES, Rules, load_rules


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture
def raw() -> dict[str, Any]:
    """The shipped rules as plain data, to break in tests."""
    data = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
