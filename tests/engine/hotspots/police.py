"""Small police.uk-style files written by the tests."""

from __future__ import annotations

import csv
from pathlib import Path

from sochub.engine.hotspots.crimes import STREET_COLUMNS

HEADER = list(STREET_COLUMNS)


def row(
    crime_id: str = "abc",
    month: str = "2021-01",
    lon: str = "-1.57",
    lat: str = "54.77",
    lsoa: str = "E01020001",
    crime_type: str = "Burglary",
) -> list[str]:
    return [
        crime_id,
        month,
        "Durham Constabulary",
        "Durham Constabulary",
        lon,
        lat,
        "On or near X",
        lsoa,
        "",
        crime_type,
        "",
        "",
    ]


def write_street(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
