"""Fixtures for information exchange (also used by tests/api/test_exchange.py): DWP staff, a trained model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sochub.intel import services as intel
from sochub.intel.models import HandlingCode, Nominal
from sochub.linkage import resolution
from sochub.linkage.demo_files import GMP_MAPPING, MERSEY_MAPPING, write_partner_files
from sochub.linkage.models import ImportKind, SourceRecord
from sochub.partners.models import Agency, Role, User
from tests.helpers import act
from tests.linkage.test_imports import run_import


@pytest.fixture(name="dwp")
def dwp_fixture(agencies: dict[str, Agency], make_user: Callable[..., User]) -> dict[str, Any]:
    """DWP (a national government partner): an investigator and their supervisor."""
    agency = Agency.objects.get(code="dwp")
    agencies["dwp"] = agency
    return {
        "agency": agency,
        "investigator": make_user("dwp_investigator", "dwp", (Role.OFFICER,)),
        "supervisor": make_user("dwp_supervisor", "dwp", (Role.ANALYST,)),
    }


@pytest.fixture(name="trained")
def trained_fixture(coordinator: User, agencies: dict[str, Agency], tmp_path: Path) -> dict[str, Any]:
    """GMP's and Merseyside's files imported and resolved for real (Splink on DuckDB): a trained model exists.

    GMP's record GMP00002 is a person only GMP holds; GMP records two intelligence reports on them.
    """
    folder = tmp_path / "files"
    folder.mkdir()
    files = write_partner_files(folder)
    run_import(coordinator, agencies["gmp"], ImportKind.NOMINALS, files.gmp, GMP_MAPPING)
    run_import(coordinator, agencies["mersey"], ImportKind.NOMINALS, files.mersey, MERSEY_MAPPING)
    run = resolution.resolution_run(actor=act(coordinator))
    record = SourceRecord.objects.get(agency=agencies["gmp"], source_key="GMP00002")
    nominal = Nominal.objects.get(pk=record.nominal_id)
    shared_record = SourceRecord.objects.filter(
        agency=agencies["mersey"], nominal__source_records__agency=agencies["gmp"]
    ).first()
    intel_b = intel.intelligence_create(
        actor=act(coordinator),
        title="Cash deposits",
        text="Subject deposits large sums of cash weekly at a Salford branch.",
        date_of_intelligence="2026-01-05",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code=HandlingCode.P,
        subject_ids=[str(nominal.pk)],
    )
    intel_a = intel.intelligence_create(
        actor=act(coordinator),
        title="Works cash in hand",
        text="Subject works cash in hand at a car wash on Bury New Road.",
        date_of_intelligence="2026-02-05",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code=HandlingCode.P,
        subject_ids=[str(nominal.pk)],
    )
    return {
        "run": run,
        "files": files,
        "record": record,
        "nominal": nominal,
        "intel_a": intel_a,
        "intel_b": intel_b,
        "shared_record": shared_record,
    }
