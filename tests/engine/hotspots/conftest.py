"""Real police.uk, IMD and boundary files from ../shared/data (skipped with a reason when absent), and the
Durham profile computed once per session for the tests that need it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from sochub.engine import hotspots as hs
from tests.helpers import SHARED_DATA

DATA = SHARED_DATA
DURHAM = DATA / "policeuk" / "durham-2021"
DURHAM_BOUNDARIES = DATA / "geo" / "lsoa2011_bsc_durham_darlington.geojson"
IMD = DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
POPULATION = DATA / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
CENTROIDS = DATA / "geo" / "lsoa2011_centroids_ew.csv"


def need(*paths: Path) -> None:
    """Skip the test, naming the file, when the shared real data is not beside the repository."""
    for path in paths:
        if not path.exists():
            pytest.skip(f"real data not found: {path} (the shared data folder sits beside the repository)")


@dataclass
class Durham:
    boundaries: hs.Boundaries
    crimes: hs.CrimeData
    grid: hs.AreaGrid
    totals: hs.AreaTotals


@pytest.fixture(scope="session")
def durham() -> Durham:
    need(DURHAM, DURHAM_BOUNDARIES)
    boundaries = hs.read_boundaries(DURHAM_BOUNDARIES)
    area = boundaries.union()
    crimes = hs.read_crimes(DURHAM, area=area)
    cells = hs.point_cells(crimes.frame["lat"].to_numpy(), crimes.frame["lon"].to_numpy())
    grid = hs.h3_grid(cells, area=area)
    totals = hs.aggregate(crimes, grid, hs.load_harm(), hs.load_soc())
    return Durham(boundaries, crimes, grid, totals)
