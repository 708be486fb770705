"""The static link chart: a deterministic layout inside the box and an SVG that escapes every label."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sochub.engine.charts import ChartEdge, ChartNode, layout_positions, network_svg

SVG = "{http://www.w3.org/2000/svg}"


def _network() -> tuple[list[ChartNode], list[ChartEdge]]:
    nodes = [
        ChartNode("n:1", "John Smith", focus=True, has_markers=True),
        ChartNode("n:2", "<script>alert('x')</script> & Co"),
        ChartNode("n:3", "Child at risk", protected=True),
        ChartNode("o:1", "The Crew", kind="ocg"),
        ChartNode("n:4", "A very long name that goes on and on for ever"),
    ]
    edges = [
        ChartEdge("n:1", "n:2", 3),
        ChartEdge("n:1", "n:3", 1),
        ChartEdge("n:2", "n:4", 2),
        ChartEdge("n:1", "o:1", 3, member=True),
        ChartEdge("n:1", "n:99", 3),  # an end not on the chart is skipped
    ]
    return nodes, edges


def test_layout_is_deterministic_and_inside_the_margins() -> None:
    nodes, edges = _network()
    ids = [n.id for n in nodes]
    pairs = [(e.source, e.target) for e in edges]
    first = layout_positions(ids, pairs, width=800, height=560, margin=40)
    assert first == layout_positions(ids, pairs, width=800, height=560, margin=40)
    assert set(first) == set(ids)
    assert all(40 <= x <= 760 and 40 <= y <= 520 for x, y in first.values())
    assert len({(round(x), round(y)) for x, y in first.values()}) == len(ids), "no two nodes on one spot"
    assert layout_positions([], []) == {}
    assert layout_positions(["a"], [], width=100, height=50) == {"a": (50.0, 25.0)}


def test_svg_is_well_formed_escaped_and_labelled() -> None:
    nodes, edges = _network()
    positions = layout_positions([n.id for n in nodes], [(e.source, e.target) for e in edges], width=800, height=560)
    svg = network_svg(
        nodes, edges, positions, width=800, height=560, title='Network of "Smith" <b>', description="5 people", uid="t"
    )
    root = ET.fromstring(svg)  # well-formed XML, so nothing in a label broke out
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").text == 'Network of "Smith" <b>'
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Child at risk (safeguarding)" in texts
    assert any(t and t.endswith("…") and len(t) <= 26 for t in texts), "long labels are shortened"
    assert 'style="' not in svg and "<style" not in svg, "presentation attributes only (CSP)"
    lines = [e for e in root.iter(f"{SVG}line")]
    # 4 drawable edges + 4 legend lines; the edge to an unknown node is skipped.
    assert len(lines) == 8
    dashes = sorted(line.get("stroke-dasharray") or "" for line in lines[:4])
    assert dashes == ["", "", "2 4", "8 4"]
    assert len(list(root.iter(f"{SVG}polygon"))) == 2  # the protected person and the legend's diamond
