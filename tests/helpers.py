"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sochub.audit.context import Actor
from sochub.intel.models import Nominal
from sochub.partners.models import User

PASSWORD = "a-long-test-password-42"
# Real public data (police.uk, IMD, boundaries) beside the repository, or where SOCHUB_SHARED_DATA says.
SHARED_DATA = Path(os.environ.get("SOCHUB_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def act(user: User, purpose: str = "Operation Test: risk assessment") -> Actor:
    return Actor(user=user, channel="web", purpose=purpose)


def nominal_ids(hits: list[Any]) -> set[str]:
    return {h.nominal_id for h in hits}


def fresh(nominal: Nominal) -> Nominal:
    return Nominal.objects.get(pk=nominal.pk)
