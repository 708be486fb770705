from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.scoring import ScoringModel, default_scoring_model
from sochub.engine.scoring.model import REFERENCE


def rate(
    model: ScoringModel,
    *,
    harm: int = 2,
    likelihood: int = 2,
    confidence: int = 3,
    position: int = 2,
    **overrides: int,
) -> tuple[dict[str, int], dict[str, str]]:
    """Ratings for every dimension (each section at one level, then per-dimension overrides) and rationales."""
    by_section = {
        "harm": harm,
        "likelihood": likelihood,
        "confidence": confidence,
        "organisational_position": position,
    }
    ratings = {key: by_section[section] for key, (section, _) in model.dimensions.items()}
    ratings.update(overrides)
    rationales = {key: f"Evidence for {key} from the problem profile." for key in ratings}
    return ratings, rationales


@pytest.fixture(scope="session")
def theme_model() -> ScoringModel:
    return default_scoring_model("theme")


@pytest.fixture(scope="session")
def ocg_model() -> ScoringModel:
    return default_scoring_model("ocg")


@pytest.fixture
def default_yaml() -> Callable[[str], dict[str, Any]]:
    """A fresh, editable copy of a shipped YAML file's contents."""

    def load(name: str) -> dict[str, Any]:
        return yaml.safe_load((REFERENCE / name).read_text(encoding="utf-8"))

    return load


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    def write(data: dict[str, Any], name: str = "agency.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write
