"""Where to put each node: a Kamada-Kawai layout (igraph) from a fixed start, so the same
network always gets the same picture."""

from __future__ import annotations

import math
from collections.abc import Sequence

import igraph


def layout_positions(
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    width: float = 1.0,
    height: float = 1.0,
    margin: float = 0.0,
) -> dict[str, tuple[float, float]]:
    """Positions for ``node_ids`` inside a ``width`` x ``height`` box, ``margin`` from each side.

    Kamada-Kawai starts from the nodes on a circle (in the order given) and uses no random
    numbers, so the result depends only on the input. Edges to unknown nodes are ignored.

    >>> pos = layout_positions(["a", "b"], [("a", "b")], width=100, height=100, margin=10)
    >>> sorted(pos) == ["a", "b"] and all(10 <= v <= 90 for xy in pos.values() for v in xy)
    True
    """
    ids = list(dict.fromkeys(node_ids))
    if not ids:
        return {}
    if len(ids) == 1:
        return {ids[0]: (width / 2, height / 2)}
    index = {node_id: i for i, node_id in enumerate(ids)}
    pairs = sorted({tuple(sorted((index[a], index[b]))) for a, b in edges if a in index and b in index and a != b})
    graph = igraph.Graph(n=len(ids), edges=pairs)
    start = [[math.cos(2 * math.pi * i / len(ids)), math.sin(2 * math.pi * i / len(ids))] for i in range(len(ids))]
    coords = graph.layout_kamada_kawai(seed=start, maxiter=50 * len(ids)).coords
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    inner_w = max(width - 2 * margin, 0.0)
    inner_h = max(height - 2 * margin, 0.0)
    return {
        node_id: (
            margin + (x - min(xs)) / span_x * inner_w if max(xs) > min(xs) else width / 2,
            margin + (y - min(ys)) / span_y * inner_h if max(ys) > min(ys) else height / 2,
        )
        for node_id, x, y in zip(ids, xs, ys, strict=True)
    }
