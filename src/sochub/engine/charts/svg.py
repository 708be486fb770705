"""A static link chart as SVG: for the intelligence package (PDF) and pages read without JavaScript.

Drawn with presentation attributes only (no ``style`` attributes or ``<style>``), so the same
markup works inline under a strict Content Security Policy and in WeasyPrint. Shapes and line
styles, not only colours, tell the kinds apart (WCAG 1.4.1): a person is a circle, an OCG a
square, a safeguarding concern a diamond; a strong link is solid, moderate dashed, weak dotted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from .graph import ChartEdge, ChartNode

LABEL_MAX = 26
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
PERSON = "#1d70b8"
OCG = "#4c2c92"
PROTECTED = "#00703c"
MARKER = "#d4351c"
MEMBER_LINE = "#4c2c92"
LINE = "#505a5f"
DASHES = {3: "", 2: "8 4", 1: "2 4"}
LEGEND_HEIGHT = 56


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(label: str, limit: int = LABEL_MAX) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _shape(node: ChartNode, x: float, y: float) -> str:
    r = 13.0 if node.focus else 9.0
    stroke, width = (MARKER, 3) if node.has_markers else (INK, 2 if node.focus else 1)
    if node.protected:
        fill = PROTECTED
        points = f"{_n(x)},{_n(y - r - 2)} {_n(x + r + 2)},{_n(y)} {_n(x)},{_n(y + r + 2)} {_n(x - r - 2)},{_n(y)}"
        return f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    if node.kind == "ocg":
        return (
            f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}" rx="3" '
            f'fill="{OCG}" stroke="{stroke}" stroke-width="{width}"/>'
        )
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{PERSON}" stroke="{stroke}" stroke-width="{width}"/>'


def _legend(y: float) -> str:
    items = [
        f'<circle cx="12" cy="{_n(y + 12)}" r="7" fill="{PERSON}" stroke="{INK}" stroke-width="1"/>',
        f'<text x="24" y="{_n(y + 16)}">Person</text>',
        f'<rect x="85" y="{_n(y + 5)}" width="14" height="14" rx="3" fill="{OCG}" stroke="{INK}" stroke-width="1"/>',
        f'<text x="105" y="{_n(y + 16)}">OCG</text>',
        f'<polygon points="160,{_n(y + 3)} 169,{_n(y + 12)} 160,{_n(y + 21)} 151,{_n(y + 12)}" fill="{PROTECTED}" '
        f'stroke="{INK}" stroke-width="1"/>',
        f'<text x="175" y="{_n(y + 16)}">Safeguarding (victim or vulnerable)</text>',
        f'<circle cx="410" cy="{_n(y + 12)}" r="7" fill="{PERSON}" stroke="{MARKER}" stroke-width="3"/>',
        f'<text x="422" y="{_n(y + 16)}">Warning marker</text>',
    ]
    for i, (strength, name) in enumerate(((3, "Strong"), (2, "Moderate"), (1, "Weak"))):
        x = 12 + i * 120
        dash = f' stroke-dasharray="{DASHES[strength]}"' if DASHES[strength] else ""
        items.append(
            f'<line x1="{x}" y1="{_n(y + 40)}" x2="{x + 40}" y2="{_n(y + 40)}" stroke="{LINE}" stroke-width="2"{dash}/>'
        )
        items.append(f'<text x="{x + 46}" y="{_n(y + 44)}">{name} link</text>')
    items.append(
        f'<line x1="372" y1="{_n(y + 40)}" x2="412" y2="{_n(y + 40)}" stroke="{MEMBER_LINE}" stroke-width="3"/>'
    )
    items.append(f'<text x="418" y="{_n(y + 44)}">OCG membership</text>')
    return "\n".join(items)


def network_svg(
    nodes: Sequence[ChartNode],
    edges: Sequence[ChartEdge],
    positions: Mapping[str, tuple[float, float]],
    *,
    width: int = 800,
    height: int = 600,
    title: str = "Link chart",
    description: str = "",
    uid: str = "chart",
    legend: bool = True,
) -> str:
    """An ``<svg>`` element drawing the network at ``positions`` (from :func:`layout_positions`
    for the same ``width`` and ``height``); a legend is added below when ``legend``.

    Every label is escaped. ``uid`` must be unique on the page (it names the title and description).

    >>> svg = network_svg([ChartNode("a", "<b>A</b>")], [], {"a": (50.0, 50.0)}, width=100, height=100)
    >>> "&lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    True
    """
    total_h = height + (LEGEND_HEIGHT if legend else 0)
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sochub-network-svg" viewBox="0 0 {width} {total_h}" '
        f'width="{width}" height="{total_h}" role="img" aria-labelledby={quoteattr(f"{title_id} {desc_id}")} '
        f'font-family={quoteattr(FONT)} font-size="11" fill="{INK}">',
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f"<desc id={quoteattr(desc_id)}>{escape(description)}</desc>",
        '<g class="sochub-network-edges">',
    ]
    for edge in edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        colour, stroke_w = (MEMBER_LINE, 2.5) if edge.member else (LINE, 1.5)
        dash = DASHES.get(edge.strength, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash and not edge.member else ""
        out.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" '
            f'stroke-width="{stroke_w}"{dash_attr}/>'
        )
    out.append("</g>")
    out.append('<g class="sochub-network-nodes">')
    for node in nodes:
        if node.id not in positions:
            continue
        x, y = positions[node.id]
        label = _short(node.label) + (" (safeguarding)" if node.protected else "")
        anchor = "start" if x < width * 0.75 else "end"
        tx = x + 14 if anchor == "start" else x - 14
        weight = ' font-weight="bold"' if node.focus else ""
        out.append(
            f"<g>{_shape(node, x, y)}"
            f'<text x="{_n(tx)}" y="{_n(y + 4)}" text-anchor="{anchor}"{weight}>{escape(label)}</text></g>'
        )
    out.append("</g>")
    if legend:
        out.append(f'<g class="sochub-network-legend">{_legend(float(height) + 4)}</g>')
    out.append("</svg>")
    return "\n".join(out)
