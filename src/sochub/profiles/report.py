"""The SOC local profile as a report: one self-contained HTML file and a PDF, from a :class:`ProfileResult`.

Pure rendering: no database, no network. The sections follow the Home Office guidance on serious and
organised crime local profiles (scope, findings, threat, vulnerability, areas of concern, emerging hot
spots, intelligence gaps, the 4P plan, sources, method). The CLI and the web job both call
:func:`write_report`, so they give the same report.

Safety: the template is rendered with autoescaping on (area names, file names, reasons and action titles
come from user data); text placed in CSS (the protective marking and the area name in the page margins)
goes through :func:`css_string`. The PDF is made offline: images are ``data:`` URIs and the URL fetcher
refuses every other scheme (no ``http``, no ``file``).
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from sochub.engine.hotspots.outputs import FIGURES, file_label, without_paths
from sochub.engine.hotspots.profile import Finding, ProfileResult, ocg_layers

TEMPLATE = "profiles/report.html"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
CONCERN_ROWS = 20  # areas of concern listed in the report (areas_of_concern.csv has them all)
EMERGING_ROWS = 20
RATE_ROWS = 10
EMERGING_PATTERNS = ("new hot spot", "consecutive hot spot", "intensifying hot spot")
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."

# (anchor id, heading) in the order the Home Office guidance gives them; headings are numbered 1 to 10.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("scope", "Scope and partners"),
    ("summary", "Summary of key findings"),
    ("threat", "Threat by SOC category"),
    ("vulnerability", "Vulnerability of people, places and businesses"),
    ("concerns", "Areas of concern"),
    ("emerging", "Emerging and intensifying hot spots"),
    ("gaps", "Intelligence gaps"),
    ("recommendations", "Recommendations and the 4P action plan"),
    ("sources", "Data sources with dates"),
    ("method", "Method and caveats"),
)

# The 4P strands of the SOC strategy, in its order, with what each is for.
STRANDS: tuple[tuple[str, str, str], ...] = (
    ("pursue", "Pursue", "prosecuting and disrupting people engaged in serious and organised crime"),
    ("prevent", "Prevent", "preventing people from engaging in serious and organised crime"),
    ("protect", "Protect", "increasing protection against serious and organised crime"),
    ("prepare", "Prepare", "reducing the impact of this crime where it takes place"),
)
GAP_KINDS = ("intelligence gap", "data gap")

# Average area of an H3 cell by resolution, in km² (H3's published table, rounded).
H3_CELL_KM2 = {5: 252.9, 6: 36.13, 7: 5.161, 8: 0.7373, 9: 0.1053, 10: 0.01504, 11: 0.002149}

_HOT_CLASS_COLUMNS = {
    "all crime": "hotspot_class",
    "harm": "hotspot_class_harm",
    "SOC-related crime": "hotspot_class_soc",
}


@dataclass(frozen=True)
class PlanAction:
    """An action of the 4P plan as the report shows it. ``finding`` is the finding's key (its title is
    shown when the key matches a finding of this profile) or any text."""

    strand: str
    title: str
    owner_agency: str
    lead: str
    due: date | None
    status: str
    finding: str
    overdue: bool
    progress: str = ""


# --- small helpers ------------------------------------------------------------------------------------


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that is safe inside a ``<style>`` element: everything but ASCII
    letters, digits and spaces becomes a CSS hex escape, so no quote, backslash or ``</style>`` survives."""
    # Each escape ends with a space, which CSS consumes as the escape's terminator (a space that follows
    # stays a space).
    out = "".join(c if (c.isascii() and (c.isalnum() or c == " ")) else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{out}"')  # noqa: S704 (only [A-Za-z0-9 \\] can appear)


def _n(value: Any) -> str:
    """A whole number with thousands separators, or 'no data'."""
    if value is None or (isinstance(value, float) and value != value):
        return "no data"
    return f"{round(float(value)):,}"


def _dec(value: Any, places: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "no data"
    return f"{float(value):,.{places}f}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _where(area_id: str, place: str | None) -> str:
    return f"{place} ({area_id})" if place and place != area_id else str(area_id)


def _class_counts_text(counts: Mapping[str, int], what: str) -> str:
    hot = [(c, n) for c, n in counts.items() if c.startswith("hot") and n]
    cold = sum(n for c, n in counts.items() if c.startswith("cold"))
    if not hot:
        text = f"no hot spots of {what}"
    else:
        levels = ", ".join(f"{n:,} at {c.split()[1]}% confidence" for c, n in hot)
        text = f"{_plural(sum(n for _, n in hot), 'hot spot')} of {what} ({levels})"
    return text + (f" and {_plural(cold, 'cold spot')}" if cold else " and no cold spots")


# --- the figures -------------------------------------------------------------------------------------


def _image_src(path: Path, embed: bool) -> str:
    if not embed:
        return quote(path.name)
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _figure(name: str, figures: Mapping[str, Path], alt: str, embed: bool, missing: str) -> dict[str, Any]:
    path = figures.get(name)
    if path is None or not Path(path).is_file():
        return {"name": name, "src": None, "caption": FIGURES.get(name, name), "alt": alt, "missing": missing}
    return {
        "name": name,
        "src": _image_src(Path(path), embed),
        "caption": FIGURES.get(name, name),
        "alt": alt,
        "missing": "",
    }


# --- the context ---------------------------------------------------------------------------------------


def _grid_text(result: ProfileResult) -> str:
    grid = result.grid
    if grid.kind == "h3":
        size = H3_CELL_KM2.get(int(grid.resolution or 0))
        about = ""
        if size:
            about = f", each about {size:,.0f} km²" if size >= 10 else f", each about {size:.2g} km²"
        return f"{grid.n:,} hexagonal cells of the H3 grid at resolution {grid.resolution}{about}"
    return f"{grid.n:,} Lower Layer Super Output Areas (LSOAs) from the boundaries given"


def _hot_mask(frame: pl.DataFrame, column: str | None = None) -> pl.Expr:
    columns = [column] if column else list(_HOT_CLASS_COLUMNS.values())
    return pl.any_horizontal([pl.col(c).str.starts_with("hot") for c in columns if c in frame.columns])


def _threat(result: ProfileResult) -> dict[str, Any]:
    months = result.months
    several = len(months) >= 2
    rows = []
    for row in result.categories.iter_rows(named=True):
        change = int(row["last_month"]) - int(row["first_month"])
        rows.append(
            {
                "crime_type": row["crime_type"],
                "count": _n(row["count"]),
                "harm": _n(row["harm"]),
                "soc": "Yes" if row["soc"] else "No",
                "first": _n(row["first_month"]),
                "last": _n(row["last_month"]),
                "change": f"{change:+,}" if several else "",
            }
        )
    cats = result.categories
    soc = cats.filter(pl.col("soc"))
    classes = []
    for label, gi in (
        ("All crime and ASB", result.on_count),
        ("Harm", result.on_harm),
        ("SOC-related crime", result.on_soc),
    ):
        counts = gi.counts()
        classes.append({"what": label, "counts": [_n(counts.get(c, 0)) for c in counts]})
    class_names = list(result.on_count.counts())
    return {
        "rows": rows,
        "several_months": several,
        "first_month": f"{months[0]:%B %Y}" if months else "first month",
        "last_month": f"{months[-1]:%B %Y}" if months else "last month",
        "total": _n(cats["count"].sum()),
        "total_harm": _n(cats["harm"].sum()),
        "soc_total": _n(soc["count"].sum()),
        "soc_types": soc["crime_type"].to_list(),
        "class_names": class_names,
        "classes": classes,
    }


def _vulnerability(result: ProfileResult) -> dict[str, Any]:
    areas = result.areas
    k = result.concern_reference.most_deprived_deciles
    has_imd = result.deprivation is not None
    deprived_rows = []
    for label, column in [*_HOT_CLASS_COLUMNS.items(), ("any of these", None)]:
        hot = areas.filter(_hot_mask(areas, column))
        deprived = hot.filter(pl.col("imd_decile").is_not_null() & (pl.col("imd_decile") <= k)).height
        unknown = hot.filter(pl.col("imd_decile").is_null()).height
        deprived_rows.append(
            {
                "what": label[0].upper() + label[1:],
                "areas": _n(hot.height),
                "deprived": _n(deprived),
                "unknown": _n(unknown),
            }
        )
    hot_any = areas.filter(_hot_mask(areas))["area_id"].to_list()
    concern_ids = result.concerns["area_id"].to_list()
    ocg = set(ocg_layers(result))
    layers = []
    for name, layer in result.point_layers.items():
        column = f"points_{name}"
        in_hot = in_concern = None
        if column in areas.columns:
            in_hot = int(areas.filter(pl.col("area_id").is_in(hot_any))[column].sum())
            in_concern = int(areas.filter(pl.col("area_id").is_in(concern_ids))[column].sum())
        layers.append(
            {
                "name": name,
                "kind": "OCG addresses" if name in ocg else "vulnerable places",
                "points": _n(len(layer.lat)),
                "outside": _n(result.point_outside.get(name, 0)),
                "left_out": _n(sum(layer.accounting.excluded.values())),
                "in_hot": _n(in_hot),
                "in_concern": _n(in_concern),
            }
        )
    people = areas.filter(pl.col("population").is_not_null())
    population = float(people["population"].sum()) if people.height else 0.0
    rates = []
    if population > 0:
        joined = result.concerns.head(RATE_ROWS).join(
            areas.select("area_id", "count", "population", "rate_per_1000"), on="area_id", how="left"
        )
        for row in joined.iter_rows(named=True):
            rates.append(
                {
                    "rank": row["rank"],
                    "where": _where(row["area_id"], row["place"]),
                    "count": _n(row["count"]),
                    "population": _n(row["population"]),
                    "rate": _dec(row["rate_per_1000"]),
                }
            )
    placed = int(people["count"].sum()) if people.height else 0
    return {
        "has_imd": has_imd,
        "imd_label": result.deprivation.label if result.deprivation else "",
        "deciles": k,
        "deprived_rows": deprived_rows,
        "hot_any": _n(len(hot_any)),
        "layers": layers,
        "has_population": population > 0,
        "population": _n(population),
        "overall_rate": _dec(1000.0 * placed / population) if population > 0 else "no data",
        "rates": rates,
    }


def _concerns(result: ProfileResult) -> dict[str, Any]:
    rows = [
        {
            "rank": row["rank"],
            "place": row["place"] or "",
            "area_id": row["area_id"],
            "score": _dec(row["score"], 3),
            "reasons": row["reasons"],
        }
        for row in result.concerns.head(CONCERN_ROWS).iter_rows(named=True)
    ]
    return {"rows": rows, "total": result.concerns.height, "shown": len(rows)}


def _emerging(result: ProfileResult) -> dict[str, Any]:
    counts = [{"pattern": p, "areas": _n(n)} for p, n in result.emerging.counts().items() if n]
    areas = result.areas.filter(pl.col("pattern").is_in(list(EMERGING_PATTERNS)))
    rows = [
        {
            "place": row["place"] or "",
            "area_id": row["area_id"],
            "pattern": row["pattern"],
            "count": _n(row["count"]),
            "soc": _n(row["soc_count"]),
            "trend": row["trend"],
        }
        for row in areas.sort(["count", "area_id"], descending=[True, False]).head(EMERGING_ROWS).iter_rows(named=True)
    ]
    return {"counts": counts, "rows": rows, "total": areas.height, "months": len(result.months)}


def _plan(result: ProfileResult, actions: Sequence[PlanAction]) -> dict[str, Any]:
    known = {key for key, _, _ in STRANDS}
    titles = {f.key: f.title for f in result.findings}
    groups = []
    for key, label, purpose in STRANDS:
        found = [f for f in result.findings if f.strand.lower() == key]
        groups.append({"key": key, "label": label, "purpose": purpose, "findings": found})
    other = [f for f in result.findings if f.strand.lower() not in known]
    if other:
        groups.append(
            {"key": "other", "label": "Other", "purpose": "findings with no 4P strand suggested", "findings": other}
        )
    order = {key: i for i, (key, _, _) in enumerate(STRANDS)}
    rows = [
        {
            "strand": dict((k, label) for k, label, _ in STRANDS).get(a.strand.lower(), a.strand),
            "title": a.title,
            "owner": a.owner_agency,
            "lead": a.lead,
            "due": f"{a.due:%d %B %Y}".lstrip("0") if a.due else "not set",
            "status": a.status,
            "overdue": a.overdue,
            "progress": a.progress,
            "finding": titles.get(a.finding, a.finding),
        }
        for a in sorted(actions, key=lambda a: (order.get(a.strand.lower(), len(order)), a.due or date.max, a.title))
    ]
    overdue = sum(1 for a in actions if a.overdue)
    return {"groups": groups, "actions": rows, "overdue": overdue}


def _sources(result: ProfileResult) -> list[dict[str, Any]]:
    return [
        {
            "layer": s.layer,
            "files": [file_label(f) for f in s.files],
            "covers": without_paths(s.covers),
            "rows": _n(s.rows) if s.rows is not None else "",
            "note": without_paths(s.note),
        }
        for s in result.sources
    ]


def _summary(result: ProfileResult, threat: dict[str, Any], vulnerability: dict[str, Any]) -> list[str]:
    accounting = result.crimes.accounting
    placed = int(result.areas["count"].sum())
    lines = [
        f"{placed:,} crimes and anti-social behaviour incidents were mapped to {_plural(result.grid.n, 'area')} "
        f"over {result.period} ({accounting.rows_read:,} rows read).",
    ]
    if threat["soc_types"]:
        lines.append(f"{threat['soc_total']} of them were SOC-related ({', '.join(threat['soc_types'])}).")
    hot = {
        label: sum(n for c, n in gi.counts().items() if c.startswith("hot"))
        for label, gi in (
            ("all crime", result.on_count),
            ("harm", result.on_harm),
            ("SOC-related crime", result.on_soc),
        )
    }
    cold = sum(n for c, n in result.on_count.counts().items() if c.startswith("cold"))
    lines.append(
        "Hot spots (Gi*, 90% confidence or more, section 3): "
        + ", ".join(f"{n:,} area{'' if n == 1 else 's'} for {label}" for label, n in hot.items())
        + (f"; {_plural(cold, 'cold spot')} of all crime." if cold else ".")
    )
    if result.concerns.height:
        top = result.concerns.row(0, named=True)
        lines.append(
            f"{_plural(result.concerns.height, 'area')} qualify as areas of concern; the highest ranked is "
            f"{_where(top['area_id'], top['place'])}: {top['reasons']}."
        )
    else:
        lines.append("No area qualifies as an area of concern (no SOC or harm hot spot and no OCG address).")
    if vulnerability["has_imd"]:
        deprived = vulnerability["deprived_rows"][-1]
        lines.append(
            f"{deprived['deprived']} of the {vulnerability['hot_any']} hot-spot areas are in deprivation "
            f"deciles 1 to {vulnerability['deciles']} ({vulnerability['imd_label']})."
        )
    emerging = result.areas.filter(pl.col("pattern").is_in(list(EMERGING_PATTERNS))).height
    if emerging:
        lines.append(
            f"{_plural(emerging, 'area')} {'is a' if emerging == 1 else 'are'} new, consecutive or "
            "intensifying hot spot" + ("" if emerging == 1 else "s") + "."
        )
    lines += [f"{f.title}: {f.detail}." for f in result.findings if f.kind == "rising crime"]
    gaps = sum(1 for f in result.findings if f.kind in GAP_KINDS)
    if gaps:
        lines.append(f"{_plural(gaps, 'intelligence or data gap')} limit what this profile can show (section 7).")
    return lines


def _alt_texts(result: ProfileResult, area: str, vulnerability: dict[str, Any]) -> dict[str, str]:
    n = _plural(result.grid.n, "study area")
    soc = result.categories.filter(pl.col("soc"))
    months = result.months
    if months and soc.height:
        soc_text = "; ".join(
            f"{r['crime_type']} {r['first_month']:,} in {months[0]:%B %Y} and {r['last_month']:,} in {months[-1]:%B %Y}"
            for r in soc.iter_rows(named=True)
        )
    else:
        soc_text = "no SOC-related crime was recorded"
    top = result.categories.head(3)
    top_text = ", ".join(f"{r['crime_type']} ({r['count']:,})" for r in top.iter_rows(named=True)) or "no crimes"
    if result.concerns.height:
        first = result.concerns.row(0, named=True)
        concern_text = (
            f"{_plural(result.concerns.height, 'area of concern', 'areas of concern')} shaded by score; "
            f"the highest, rank 1, is {_where(first['area_id'], first['place'])}"
        )
    else:
        concern_text = "no areas of concern"
    deprived = vulnerability["deprived_rows"][-1]
    return {
        "map-hotspots.png": f"Map of {area}, {n}, coloured by Gi* class: "
        f"{_class_counts_text(result.on_count.counts(), 'all crime and anti-social behaviour')}.",
        "map-harm.png": f"Map of {area}, {n}, coloured by Gi* class: "
        f"{_class_counts_text(result.on_harm.counts(), 'harm-weighted crime')}.",
        "map-soc.png": f"Map of {area}, {n}, coloured by Gi* class: "
        f"{_class_counts_text(result.on_soc.counts(), 'SOC-related crime')}.",
        "map-deprivation.png": f"Map of {area} shaded by deprivation decile ({vulnerability['imd_label']}); "
        f"{deprived['deprived']} of the {vulnerability['hot_any']} hot-spot areas are in deciles 1 to "
        f"{vulnerability['deciles']}. The table above gives the counts.",
        "map-concern.png": f"Map of {area} with {concern_text}. The table above lists them.",
        "chart-soc.png": f"Line chart of SOC-related crimes per month, {result.period}: {soc_text}.",
        "chart-trends.png": f"Line chart of crimes per month by type, {result.period}; the most common types are "
        f"{top_text}. The table in section 3 gives the figures.",
        "chart-categories.png": f"Bar chart of crimes by type over the period; the most common are {top_text}.",
    }


def report_context(
    result: ProfileResult,
    *,
    figures: Mapping[str, Path],
    marking: str = DEFAULT_MARKING,
    partners: Sequence[str] = (),
    actions: Sequence[PlanAction] = (),
    prepared_by: str = "",
    generated: datetime | None = None,
    embed_images: bool = True,
    for_pdf: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, computed here so the template only lays it out."""
    generated = generated or datetime.now().astimezone()
    area = result.inputs.area_name.strip() or "the study area"
    threat = _threat(result)
    vulnerability = _vulnerability(result)
    alt = _alt_texts(result, area, vulnerability)
    figs = {
        name: _figure(name, figures, alt[name], embed_images, missing)
        for name, missing in (
            ("map-hotspots.png", "The map of hot spots of all crime was not drawn."),
            ("map-harm.png", "The map of harm hot spots was not drawn."),
            ("map-soc.png", "The map of SOC-related hot spots was not drawn."),
            ("chart-soc.png", "The chart of SOC-related crime per month was not drawn."),
            ("chart-trends.png", "The chart of crimes per month was not drawn."),
            (
                "map-deprivation.png",
                "No deprivation index given, so there is no deprivation map."
                if result.deprivation is None
                else "The deprivation map was not drawn.",
            ),
            ("map-concern.png", "The map of areas of concern was not drawn."),
        )
    }
    gaps: list[Finding] = [f for f in result.findings if f.kind in GAP_KINDS]
    accounting = result.crimes.accounting
    harm, soc, concern = result.harm_reference, result.soc_reference, result.concern_reference
    return {
        "marking": marking,
        "marking_css": css_string(marking),
        "header_css": css_string(f"SOC local profile: {area}"),
        "sensitive": marking.strip().upper() != "OFFICIAL",
        "for_pdf": for_pdf,
        "title": f"Serious and organised crime local profile: {area}",
        "area": area,
        "period": result.period,
        "months": len(result.months),
        "generated": f"{generated:%d %B %Y at %H:%M}".lstrip("0"),
        "prepared_by": prepared_by,
        "partners": [p for p in partners if str(p).strip()],
        "grid": _grid_text(result),
        "grid_kind": result.grid.kind,
        "sections": [{"id": key, "number": i, "title": title} for i, (key, title) in enumerate(SECTIONS, 1)],
        "summary": _summary(result, threat, vulnerability),
        "threat": threat,
        "vulnerability": vulnerability,
        "concerns": _concerns(result),
        "emerging": _emerging(result),
        "gaps": gaps,
        "plan": _plan(result, actions),
        "sources": _sources(result),
        "ogl": OGL,
        "has_boundaries": result.boundaries is not None,
        "references": [
            ("Harm weights", f"{harm.name} ({harm.version})", f"{harm.status}. {harm.caution}".strip()),
            (
                "SOC-related categories",
                f"{soc.name} ({soc.version})",
                f"{', '.join(soc.categories)}. {soc.rationale}".strip(),
            ),
            ("Area of concern score", f"{concern.name} ({concern.version})", concern.description),
        ],
        "harm": {"name": harm.name, "version": harm.version, "status": harm.status, "caution": harm.caution},
        "notes": [without_paths(n) for n in result.notes],
        "accounting": [without_paths(line) for line in accounting.summary()],
        "timings": [(stage, f"{seconds:.2f}") for stage, seconds in result.timings.items()],
        "total_time": f"{sum(result.timings.values()):.2f}",
        "figures": figs,
    }


# --- rendering -----------------------------------------------------------------------------------------

_env: Environment | None = None


def environment() -> Environment:
    """A Jinja environment on SOC Hub's templates with autoescaping always on. It needs no Django
    settings, so the CLI can write a report without setting Django up."""
    global _env
    if _env is None:
        _env = Environment(
            loader=PackageLoader("sochub", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def render_report_html(
    result: ProfileResult,
    *,
    figures: Mapping[str, Path],
    marking: str = DEFAULT_MARKING,
    partners: Sequence[str] = (),
    actions: Sequence[PlanAction] = (),
    prepared_by: str = "",
    generated: datetime | None = None,
    embed_images: bool = True,
    for_pdf: bool = False,
) -> str:
    """The report as HTML. ``embed_images``: images as ``data:`` URIs (one self-contained file); otherwise
    relative file names (the HTML sits in the figures' folder). ``for_pdf`` leaves out the on-screen
    marking banners, which the PDF's page margins carry on every page instead."""
    context = report_context(
        result,
        figures=figures,
        marking=marking,
        partners=partners,
        actions=actions,
        prepared_by=prepared_by,
        generated=generated,
        embed_images=embed_images,
        for_pdf=for_pdf,
    )
    return environment().get_template(TEMPLATE).render(context)


def _offline_fetcher() -> Any:
    """WeasyPrint's fetcher limited to ``data:`` URIs: every other resource (http, https, file) is refused."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint 68 and later

        return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    except ImportError:  # pragma: no cover (older WeasyPrint takes a function)
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.lower().startswith("data:"):
                raise ValueError(f"refused (the report is made offline): {url[:60]}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def render_report_pdf(html: str) -> bytes:
    """HTML to a tagged PDF with WeasyPrint, offline (no base URL; only ``data:`` URIs are fetched)."""
    from weasyprint import HTML  # imported on first use: it takes a moment to load

    document = HTML(string=html, base_url=None, url_fetcher=_offline_fetcher())
    return bytes(document.write_pdf(pdf_tags=True))


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_report(result: ProfileResult, out: Path, *, figures: Mapping[str, Path], **kwargs: Any) -> tuple[Path, Path]:
    """Write ``out/report.html`` (self-contained: images embedded) and ``out/report.pdf``; return both paths.
    ``kwargs`` are those of :func:`render_report_html` (``marking``, ``partners``, ``actions``,
    ``prepared_by``, ``generated``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    kwargs.pop("embed_images", None)
    kwargs.pop("for_pdf", None)
    kwargs.setdefault("generated", datetime.now().astimezone())
    html = render_report_html(result, figures=figures, embed_images=True, **kwargs)
    pdf = render_report_pdf(render_report_html(result, figures=figures, embed_images=True, for_pdf=True, **kwargs))
    html_path, pdf_path = out / "report.html", out / "report.pdf"
    _write_atomic(html_path, html.encode("utf-8"))
    _write_atomic(pdf_path, pdf)
    return html_path, pdf_path
