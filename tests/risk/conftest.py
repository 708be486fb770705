"""A small demo world (groups, offences, intelligence, victims) for the risk tests."""

from __future__ import annotations

from typing import Any

import pytest

from sochub.intel.demo import DemoSummary, build_demo
from sochub.partners.models import User

SEED = 11
SIZE = 1500
DEMO_PASSWORD = "risk-tests-demo-password-42"


@pytest.fixture
def world(db: Any) -> DemoSummary:
    return build_demo(seed=SEED, nominals=SIZE, password=DEMO_PASSWORD)


@pytest.fixture
def gmp_analyst(world: DemoSummary) -> User:
    """The demo's Greater Manchester Police analyst (NPPV3)."""
    return User.objects.get(username="analyst")


@pytest.fixture
def mersey_analyst(world: DemoSummary) -> User:
    return User.objects.get(username="analyst2")
