"""The nodes and edges a chart is drawn from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartNode:
    """One thing on a chart. ``kind`` is "nominal" or "ocg"; ``protected`` marks a safeguarding concern."""

    id: str
    label: str
    kind: str = "nominal"
    protected: bool = False
    has_markers: bool = False
    focus: bool = False


@dataclass(frozen=True)
class ChartEdge:
    """A link between two nodes; ``strength`` 1 weak, 2 moderate, 3 strong; ``member`` for OCG membership."""

    source: str
    target: str
    strength: int = 2
    member: bool = False
