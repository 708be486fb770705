"""Static maps and charts for SOC local profiles, as PNG bytes for the HTML and PDF reports.

Offline and tile-free: areas are drawn from their own polygons (H3 cells or LSOA boundaries) in
longitude/latitude, with the map's aspect corrected by cos(latitude) so it is not stretched, a scale bar in
km and a north arrow. Uses matplotlib's object API with the Agg canvas (no pyplot, no global state), so it
is safe to call from worker threads, and the same input gives the same bytes.

Accessibility: fonts of 9 pt or more at 150 dpi on a white background, figures 8 inches wide (an A4 page),
a red-blue diverging scheme for hot and cold spots always paired with legend text and counts, and
Okabe-Ito colours with distinct markers and line styles for charts so they still read in greyscale.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import shapely
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from .gistar import CLASSES
from .grid import AreaGrid, Boundaries, cell_polygons

DPI = 150
WIDTH = 8.0  # inches: fits an A4 page with margins
TITLE_SIZE = 12.0
LABEL_SIZE = 10.0
SMALL_SIZE = 9.0  # the smallest text on any figure
KM_PER_DEGREE = 111.32

# Gi* classes in CLASSES order: ColorBrewer RdBu (colour-blind safe), not significant in light grey.
CLASS_COLOURS: dict[str, str] = {
    "hot 99": "#b2182b",
    "hot 95": "#ef8a62",
    "hot 90": "#fddbc7",
    "not significant": "#e0e0e0",
    "cold 90": "#d1e5f0",
    "cold 95": "#67a9cf",
    "cold 99": "#2166ac",
}
CLASS_LABELS: dict[str, str] = {
    "hot 99": "Hot spot, 99% confidence",
    "hot 95": "Hot spot, 95% confidence",
    "hot 90": "Hot spot, 90% confidence",
    "not significant": "Not significant",
    "cold 90": "Cold spot, 90% confidence",
    "cold 95": "Cold spot, 95% confidence",
    "cold 99": "Cold spot, 99% confidence",
}
MISSING_COLOUR = "#eeeeee"
MISSING_HATCH_COLOUR = "#9a9a9a"
BAR_COLOUR = "#2166ac"
# Okabe-Ito without its yellow (too faint as a line on white); with distinct markers, and line styles that
# never repeat with the same colour, so up to 28 series stay apart in colour and in greyscale.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "p", "h", "d", "8")
LINESTYLES = ("-", "--", "-.", ":")
POINT_STYLES = (
    ("o", "#000000"),
    ("^", "#E69F00"),
    ("s", "#009E73"),
    ("D", "#CC79A7"),
    ("v", "#56B4E9"),
    ("P", "#D55E00"),
    ("X", "#F0E442"),
    ("*", "#000000"),
)
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_AREAS = "no areas"
NO_DATA = "no data"


# --- polygons -------------------------------------------------------------------------------------------


def _geometries(grid: AreaGrid, boundaries: Boundaries | None) -> np.ndarray:
    """One shapely geometry per area in grid order (None where an LSOA has no boundary)."""
    if grid.kind == "h3":
        return cell_polygons(grid.keys)
    if boundaries is None:
        raise ValueError("an LSOA grid needs its boundaries to be drawn (pass boundaries=)")
    codes = boundaries.codes.astype(str)
    order = np.argsort(codes, kind="stable")
    keys = grid.keys.astype(str)
    geoms = np.full(grid.n, None, dtype=object)
    if grid.n == 0 or len(codes) == 0:
        return geoms
    pos = np.clip(np.searchsorted(codes[order], keys), 0, len(codes) - 1)
    found = codes[order][pos] == keys
    geoms[found] = boundaries.geometries[order][pos[found]]
    return geoms


def _ring(ring: Any) -> np.ndarray:
    return np.asarray(shapely.get_coordinates(ring), dtype=np.float64)


def area_polygons(grid: AreaGrid, boundaries: Boundaries | None = None) -> list[np.ndarray]:
    """Each area's outline as one closed (k, 2) longitude/latitude array, in grid order.

    H3 cells come from ``grid.keys``; LSOAs from ``boundaries`` matched on code (an area without a boundary
    gets a (0, 2) array). A MultiPolygon gives the exterior of its largest part and holes are left out: use
    :func:`area_rings` for every part and hole (the maps do).
    """
    out: list[np.ndarray] = []
    for geom in _geometries(grid, boundaries):
        if geom is None or geom.is_empty:
            out.append(np.empty((0, 2)))
            continue
        parts = shapely.get_parts(geom)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        out.append(_ring(largest.exterior))
    return out


def area_rings(grid: AreaGrid, boundaries: Boundaries | None = None) -> list[list[np.ndarray]]:
    """Every ring of every area, in grid order: for each polygon part its exterior (anticlockwise) then its
    holes (clockwise), so a non-zero fill draws all parts with the holes left open."""
    out: list[list[np.ndarray]] = []
    for geom in _geometries(grid, boundaries):
        rings: list[np.ndarray] = []
        if geom is not None and not geom.is_empty:
            for part in shapely.get_parts(shapely.orient_polygons(geom)):
                if part.geom_type != "Polygon" or part.is_empty:
                    continue  # make_valid can leave lines or points beside the polygons
                rings.append(_ring(part.exterior))
                rings.extend(_ring(hole) for hole in part.interiors)
        out.append(rings)
    return out


def _path(rings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and codes of one compound path (one sub-path per ring)."""
    if not rings:
        return np.zeros((1, 2)), np.array([Path.MOVETO], dtype=Path.code_type)
    codes = []
    for ring in rings:
        c = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        c[0] = Path.MOVETO
        c[-1] = Path.CLOSEPOLY
        codes.append(c)
    return np.concatenate(rings), np.concatenate(codes)


# --- shared figure helpers ------------------------------------------------------------------------------


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    # No Software tag: the bytes depend on the input, not on the matplotlib version string.
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width) if line else "" for line in text.splitlines())


def _caption(fig: Figure, caption: str) -> None:
    if caption.strip():
        fig.supxlabel(_wrap(caption.strip(), 118), x=0.01, ha="left", fontsize=SMALL_SIZE, color="#333333")


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white", layout="constrained")
    fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06)  # type: ignore[union-attr, call-arg]
    return fig


def _note(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=LABEL_SIZE, color="#555555")


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


# --- maps -----------------------------------------------------------------------------------------------


class _Map:
    """The map frame: areas' extent, cos(latitude) aspect, scale bar and north arrow."""

    def __init__(
        self,
        grid: AreaGrid,
        boundaries: Boundaries | None,
        points: Mapping[str, tuple[np.ndarray, np.ndarray]] | None,
        title: str,
    ) -> None:
        self.grid = grid
        self.rings = area_rings(grid, boundaries)
        self.drawn = np.array([bool(r) for r in self.rings], dtype=bool)
        self.outline = boundaries.union() if grid.kind == "h3" and boundaries is not None else None
        xy = [r for rings in self.rings for r in rings]
        if self.outline is not None and not self.outline.is_empty:
            xy.append(np.asarray(shapely.get_coordinates(self.outline)))
        if not xy and points:
            for lat, lon in points.values():
                pts = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
                xy.append(pts[np.isfinite(pts).all(axis=1)])
        xy = [a for a in xy if len(a)]
        if xy:
            allxy = np.concatenate(xy)
            (x0, y0), (x1, y1) = allxy.min(axis=0), allxy.max(axis=0)
        else:
            x0, y0, x1, y1 = -1.6, 54.7, -1.5, 54.8  # arbitrary: an empty frame
        pad_x = max((x1 - x0) * 0.03, 0.005)
        pad_y = max((y1 - y0) * 0.03, 0.005)
        self.extent = (x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y)
        self.cos = max(math.cos(math.radians((y0 + y1) / 2)), 0.05)
        width_km = (self.extent[1] - self.extent[0]) * self.cos
        height_km = self.extent[3] - self.extent[2]
        map_width = 5.3  # inches, leaving room for the legend on the right
        ratio = height_km / max(width_km, 1e-9)
        self.fig = _figure(float(np.clip(map_width * ratio + 0.8, 4.0, 10.5)))
        self.ax = self.fig.add_subplot()
        ax = self.ax
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_aspect(1.0 / self.cos, adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#999999")
            spine.set_linewidth(0.6)
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
        if grid.n == 0:
            _note(ax, NO_AREAS)

    def areas(self, facecolors: Sequence[Any], mask: np.ndarray, **style: Any) -> None:
        """Draw the areas selected by ``mask`` with their face colours."""
        which = np.flatnonzero(mask & self.drawn).tolist()
        if not which:
            return
        paths = [_path(self.rings[i]) for i in which]
        edge = "#ffffff" if self.grid.kind == "h3" else "#7f7f7f"
        width = 0.15 if self.grid.kind == "h3" else 0.25
        options: dict[str, Any] = {"edgecolors": edge, "linewidths": width, "antialiased": True}
        options.update(style)
        collection = PolyCollection([], facecolors=[facecolors[i] for i in which], **options)
        codes: list[Any] = [c for _, c in paths]  # the stubs say list[int]: one code array per path is meant
        collection.set_verts_and_codes([v for v, _ in paths], codes)
        self.ax.add_collection(collection, autolim=False)

    def decorations(self) -> None:
        ax = self.ax
        if self.outline is not None and not self.outline.is_empty:
            for part in shapely.get_parts(self.outline):
                if part.geom_type != "Polygon":
                    continue
                xy = _ring(part.exterior)
                ax.plot(xy[:, 0], xy[:, 1], color="#333333", linewidth=0.6, zorder=3)
        undrawn = int((~self.drawn).sum())
        if undrawn and self.grid.n:
            ax.text(
                0.01,
                0.99,
                f"{undrawn:,} areas without a boundary are not drawn",
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=SMALL_SIZE,
                color="#333333",
            )
        # Scale bar: a round length near a fifth of the map's width.
        km_per_deg = KM_PER_DEGREE * self.cos
        width_km = (self.extent[1] - self.extent[0]) * km_per_deg
        target = width_km / 5
        length = min(
            (s * 10**e for e in range(-2, 5) for s in (1, 2, 5) if s * 10**e <= target),
            key=lambda v: abs(v - target),
            default=0.01,
        )
        label = f"{length:g} km"
        bar = AnchoredSizeBar(
            ax.transData,
            length / km_per_deg,
            label,
            "lower left",
            pad=0.4,
            borderpad=0.6,
            sep=3,
            frameon=True,
            size_vertical=0,
            fontproperties={"size": SMALL_SIZE},
        )
        bar.patch.set_alpha(0.8)
        bar.patch.set_edgecolor("none")
        ax.add_artist(bar)
        ax.annotate(
            "N",
            xy=(0.96, 0.97),
            xytext=(0.96, 0.86),
            xycoords="axes fraction",
            textcoords="axes fraction",
            ha="center",
            va="center",
            fontsize=LABEL_SIZE,
            fontweight="bold",
            arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.2},
            bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )

    def points(self, points: Mapping[str, tuple[np.ndarray, np.ndarray]] | None) -> list[Any]:
        handles: list[Any] = []
        x0, x1, y0, y1 = self.extent
        for number, (name, (lat, lon)) in enumerate((points or {}).items()):
            lat = np.asarray(lat, dtype=np.float64)
            lon = np.asarray(lon, dtype=np.float64)
            if lat.shape != lon.shape:
                raise ValueError(f"point layer {name!r}: {len(lat)} latitudes but {len(lon)} longitudes")
            ok = np.isfinite(lat) & np.isfinite(lon)
            inside = ok & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
            marker, colour = POINT_STYLES[number % len(POINT_STYLES)]
            style: dict[str, Any] = {
                "marker": marker,
                "markersize": 4.5,
                "markerfacecolor": colour,
                "markeredgecolor": "white",
            }
            self.ax.plot(lon[inside], lat[inside], linestyle="none", markeredgewidth=0.5, zorder=4, **style)
            label = f"{name} ({int(ok.sum()):,}"
            outside = int((ok & ~inside).sum())
            label += f"; {outside:,} outside the map)" if outside else ")"
            handles.append(Line2D([], [], linestyle="none", markeredgewidth=0.5, label=label, **style))
        return handles

    def legend(self, handles: list[Any], title: str) -> None:
        if handles:
            self.fig.legend(
                handles=handles,
                loc="outside right upper",
                fontsize=SMALL_SIZE,
                title=title,
                title_fontsize=LABEL_SIZE,
                frameon=False,
                alignment="left",
            )


def hotspot_map(
    grid: AreaGrid,
    classes: np.ndarray,
    *,
    title: str,
    boundaries: Boundaries | None = None,
    points: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    caption: str = "",
) -> bytes:
    """Areas coloured by Gi* class (see ``CLASSES``), with a legend of every class and its count.

    ``points``: optional layers, name -> (lat, lon), drawn as small distinct markers with their counts in
    the legend. On an H3 grid, ``boundaries`` only outline the study area; on an LSOA grid they are the
    areas. ``caption`` (data sources, licences) goes under the map.
    """
    labels = np.asarray(classes, dtype=object).astype(str)
    if labels.shape != (grid.n,):
        raise ValueError(f"{labels.shape[0] if labels.ndim else 0} classes for {grid.n} areas")
    unknown = sorted(set(labels.tolist()) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown hot spot classes: {', '.join(unknown[:5])} (expected one of {CLASSES})")
    frame = _Map(grid, boundaries, points, title)
    colours = [CLASS_COLOURS[c] for c in labels]
    frame.areas(colours, np.ones(grid.n, dtype=bool))
    frame.decorations()
    handles: list[Any] = [
        Patch(
            facecolor=CLASS_COLOURS[c],
            edgecolor="#7f7f7f",
            linewidth=0.5,
            label=f"{CLASS_LABELS[c]} ({int((labels == c).sum()):,})",
        )
        for c in CLASSES
    ]
    handles += frame.points(points)
    frame.legend(handles, "Gi* hot spots (areas)")
    _caption(frame.fig, caption)
    return _png(frame.fig)


def value_map(
    grid: AreaGrid,
    values: np.ndarray,
    *,
    title: str,
    legend: str,
    boundaries: Boundaries | None = None,
    cmap: str = "viridis",
    missing_label: str = NO_DATA,
    caption: str = "",
) -> bytes:
    """Choropleth of a number per area (e.g. IMD decile, rate per 1,000, concern score) with a colour bar
    titled ``legend``. Whole numbers spanning 12 values or fewer (deciles) get one colour per value; NaN
    areas are light grey, hatched, and counted in the legend as ``missing_label``."""
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (grid.n,):
        raise ValueError(f"{v.shape[0] if v.ndim else 0} values for {grid.n} areas")
    frame = _Map(grid, boundaries, None, title)
    finite = np.isfinite(v)
    handles: list[Any] = []
    if finite.any():
        lo, hi = float(v[finite].min()), float(v[finite].max())
        discrete = bool(np.all(v[finite] == np.round(v[finite]))) and hi - lo <= 11
        norm: Normalize
        if discrete:
            bounds = np.arange(lo - 0.5, hi + 1.5)
            norm = BoundaryNorm(bounds, ncolors=256)
        else:
            if hi == lo:
                lo, hi = lo - 0.5, hi + 0.5
            norm = Normalize(lo, hi)
        colormap = colormaps[cmap]
        colours = np.zeros((grid.n, 4))
        colours[finite] = colormap(norm(v[finite]))
        frame.areas(list(colours), finite)
        mappable = _scalar_mappable(norm, colormap)
        bar = frame.fig.colorbar(mappable, ax=frame.ax, shrink=0.6, aspect=25, pad=0.02, location="right")
        bar.set_label(legend, fontsize=LABEL_SIZE)
        bar.ax.tick_params(labelsize=SMALL_SIZE)
        if discrete:
            ticks = np.arange(lo, hi + 1)
            bar.set_ticks(ticks.tolist(), labels=[_fmt(float(t)) for t in ticks])
        else:
            bar.ax.yaxis.set_major_formatter(lambda x, _pos: _fmt(float(x)))  # type: ignore[arg-type]
    missing = ~finite
    if missing.any() or not finite.any():
        grey = [MISSING_COLOUR] * grid.n
        frame.areas(grey, missing, hatch="////", edgecolors=MISSING_HATCH_COLOUR)
        label = f"{missing_label} ({int(missing.sum()):,})"
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=MISSING_HATCH_COLOUR, hatch="////", label=label))
    frame.decorations()
    if not finite.any():
        frame.legend(handles, legend)
    elif handles:
        frame.ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.0, 0.0), fontsize=SMALL_SIZE, frameon=False
        )
    _caption(frame.fig, caption)
    return _png(frame.fig)


def _scalar_mappable(norm: Normalize, colormap: Any) -> Any:
    mappable = ScalarMappable(norm=norm, cmap=colormap)
    mappable.set_array(np.empty(0))
    return mappable


# --- charts ---------------------------------------------------------------------------------------------


def _month_label(d: date) -> str:
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def trend_chart(
    months: Sequence[date],
    series: Mapping[str, np.ndarray],
    *,
    title: str,
    ylabel: str = "crimes per month",
    caption: str = "",
) -> bytes:
    """One line per series (e.g. crime type) over ``months``: Okabe-Ito colours, each with its own marker
    and line style (readable in greyscale), month labels like 'Jan 2021', the legend right of the plot."""
    months = list(months)
    n = len(months)
    data = {name: np.asarray(values, dtype=np.float64) for name, values in series.items()}
    for name, values in data.items():
        if values.shape != (n,):
            raise ValueError(f"series {name!r} has {values.shape[0] if values.ndim else 0} values for {n} months")
    fig = _figure(max(4.2, 1.6 + 0.24 * len(data)))
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=SMALL_SIZE)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    x = np.arange(n)
    step = max(1, math.ceil(n / 12))
    for number, (name, values) in enumerate(data.items()):
        ax.plot(
            x,
            values,
            color=OKABE_ITO[number % len(OKABE_ITO)],
            marker=MARKERS[number % len(MARKERS)],
            linestyle=LINESTYLES[(number + number // len(OKABE_ITO)) % len(LINESTYLES)],
            linewidth=1.4,
            markersize=4.5,
            markevery=(number % step, step),
            label=textwrap.shorten(name, 40, placeholder="..."),
        )
    if n == 0 or not data:
        _note(ax, NO_DATA)
    finite = [v[np.isfinite(v)] for v in data.values()]
    if n and data and not any(len(f) for f in finite):
        _note(ax, "no values")
    top = max((float(f.max()) for f in finite if len(f)), default=0.0)
    bottom = min((float(f.min()) for f in finite if len(f)), default=0.0)
    ax.set_ylim(min(0.0, bottom * 1.05), top * 1.08 if top > 0 else 1.0)
    ax.set_xlim(-0.5, max(n - 0.5, 0.5))
    ticks = x[::step]
    ax.set_xticks(ticks.tolist(), labels=[_month_label(months[i]) for i in ticks])
    if len(ticks) > 6:
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.yaxis.set_major_formatter(lambda y, _pos: _fmt(float(y)))  # type: ignore[arg-type]
    if data:
        fig.legend(loc="outside right upper", fontsize=SMALL_SIZE, frameon=False)
    _caption(fig, caption)
    return _png(fig)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str = "",
    caption: str = "",
) -> bytes:
    """Horizontal bars, largest at the top (ties keep their input order), each labelled with its value."""
    names = [str(label) for label in labels]
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (len(names),):
        raise ValueError(f"{len(names)} labels but {v.shape[0] if v.ndim else 0} values")
    if not np.isfinite(v).all():
        raise ValueError("bar values must be finite numbers")
    order = np.argsort(-v, kind="stable")
    fig = _figure(float(np.clip(1.6 + 0.32 * len(names), 3.0, 11.0)))
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
    ax.tick_params(labelsize=SMALL_SIZE)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    if len(names) == 0:
        ax.set_yticks([])
        _note(ax, NO_DATA)
    else:
        y = np.arange(len(names))
        ax.barh(y, v[order], color=BAR_COLOUR, height=0.7)
        ax.set_yticks(y.tolist(), labels=[textwrap.shorten(names[i], 45, placeholder="...") for i in order])
        ax.invert_yaxis()
        span = max(float(v.max()), 0.0) - min(float(v.min()), 0.0) or 1.0
        for yi, value in zip(y.tolist(), v[order].tolist(), strict=True):
            ax.text(
                value + (0.01 * span if value >= 0 else -0.01 * span),
                yi,
                _fmt(float(value)),
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=SMALL_SIZE,
            )
        ax.set_xlim(min(float(v.min()), 0.0) * 1.12, max(float(v.max()), 0.0) * 1.12 + (0 if v.max() > 0 else 1))
        ax.xaxis.set_major_formatter(lambda x, _pos: _fmt(float(x)))  # type: ignore[arg-type]
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    _caption(fig, caption)
    return _png(fig)
