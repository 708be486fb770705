"""Where postcode districts are, for the staff segment map.

SOC Hub ships no postcode geography: a partnership points ``SOCHUB_POSTCODE_DISTRICTS`` at a CSV of district
centres it is licensed to use (for example averaged from the ONS Postcode Directory): a district column
(``district``, ``postcode_district`` or ``outcode``) and ``latitude``/``longitude``. Without one, the staff
page gives the same figures as tables and charts only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from sochub.engine.hotspots.errors import DataError
from sochub.engine.hotspots.tables import find_column, read_text_csv

DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def read_district_points(path: str | Path) -> dict[str, tuple[float, float]]:
    """District -> (latitude, longitude); a bad file raises DataError naming its row and column."""
    label = str(path)
    frame = read_text_csv(path)
    district = find_column(frame, r"district", r"postcode_district", r"pcd_?district", r"outcode")
    lat = find_column(frame, r"latitude", r"lat")
    lon = find_column(frame, r"longitude", r"lon", r"long", r"lng")
    if district is None or lat is None or lon is None:
        raise DataError(label, "needs columns district, latitude and longitude", row=1)
    points: dict[str, tuple[float, float]] = {}
    for row, (code, y, x) in enumerate(frame.select(district, lat, lon).iter_rows(), start=2):
        name = " ".join((code or "").upper().split())
        if not DISTRICT_RE.match(name):
            raise DataError(label, f"{code!r} is not a postcode district like M14", row=row, column=district)
        try:
            latitude, longitude = float(y or ""), float(x or "")
        except ValueError:
            raise DataError(label, "latitude and longitude must be numbers", row=row, column=lat) from None
        if not (49.0 <= latitude <= 61.0 and -9.0 <= longitude <= 2.5):
            raise DataError(label, "not a place in the United Kingdom", row=row, column=lat)
        points[name] = (latitude, longitude)
    return points


@lru_cache(maxsize=2)
def _cached(path: str, mtime: float) -> dict[str, tuple[float, float]]:
    del mtime  # part of the cache key: an edited file is read again
    return read_district_points(path)


def district_points() -> dict[str, tuple[float, float]]:
    """The configured district centres ({} when none are configured or the file is not there)."""
    path = settings.SOCHUB_POSTCODE_DISTRICTS
    if not path or not Path(path).is_file():
        return {}
    return _cached(str(path), Path(path).stat().st_mtime)
