from __future__ import annotations

from typing import Any

import pytest
import yaml

from sochub.engine.selfassess import DEFAULT_QUESTIONNAIRE, Questionnaire, load_questionnaire


@pytest.fixture(scope="session")
def default() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def raw() -> dict[str, Any]:
    """The shipped questionnaire as plain data, to break in tests."""
    data = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def node(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in data["nodes"] if n["id"] == node_id)
