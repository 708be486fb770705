"""Charts of people and groups, as plain data: layout (igraph), SVG drawing and i2 export.

Pure Python (no Django): :func:`layout_positions` places the nodes of a network, :func:`network_svg`
draws it as a static SVG (for the intelligence package and the page without JavaScript), and
:func:`write_i2_zip` writes the delimited files that i2 Analyst's Notebook's import wizard reads.
"""

from __future__ import annotations

from .graph import ChartEdge, ChartNode
from .i2 import I2Entity, I2Link, i2_strength, write_i2_zip
from .layout import layout_positions
from .svg import network_svg

__all__ = [
    "ChartEdge",
    "ChartNode",
    "I2Entity",
    "I2Link",
    "i2_strength",
    "layout_positions",
    "network_svg",
    "write_i2_zip",
]
