"""Small graphs with a known answer, written as the CSV files an analyst would give."""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def bridge_edges() -> list[list[object]]:
    """Three tight groups of four (G1..G3) that meet only through one broker, BROKER, linked to two of each."""
    rows: list[list[object]] = []
    for g in (1, 2, 3):
        members = [f"G{g}-{i}" for i in range(1, 5)]
        rows += [[a, b, 1] for a, b in combinations(members, 2)]
        rows += [["BROKER", members[0], 1], [members[1], "BROKER", 1]]
    return rows


def write_bridge(folder: Path) -> Path:
    return write_csv(folder / "edges.csv", ["source", "target", "weight"], bridge_edges())
