"""Generated police.uk-style months for the profile tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.engine.hotspots.police import row, write_street


def month_file(tmp_path: Path, month: str, drugs: int = 60, seed: int = 1) -> Path:
    """A month of generated crimes around Durham with a tight cluster of drugs offences."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(250):
        lat, lon = 54.77 + rng.normal(0, 0.03), -1.57 + rng.normal(0, 0.05)
        rows.append(row(f"b{month}{k}", month, f"{lon:.6f}", f"{lat:.6f}", "E01020001", "Burglary"))
    for k in range(drugs):
        lat, lon = 54.776 + rng.normal(0, 0.002), -1.575 + rng.normal(0, 0.003)
        rows.append(row(f"d{month}{k}", month, f"{lon:.6f}", f"{lat:.6f}", "E01020001", "Drugs"))
    return write_street(tmp_path / month / f"{month}-durham-street.csv", rows)
