"""The SOC local profile report (HTML and PDF), on real Durham data and on a small synthetic area."""

from __future__ import annotations

import copy
import csv
import dataclasses
import html as htmllib
import io
import itertools
import random
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from sochub.engine.hotspots import outputs
from sochub.engine.hotspots.crimes import STREET_COLUMNS
from sochub.engine.hotspots.profile import ProfileInputs, ProfileResult, build_profile
from sochub.profiles import report
from sochub.profiles.report import PlanAction
from tests.helpers import SHARED_DATA

DATA = SHARED_DATA
CRIMES = DATA / "policeuk" / "durham-2021"
IMD = DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
POPULATION = DATA / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
BOUNDARIES = DATA / "geo" / "lsoa2011_bsc_durham_darlington.geojson"
MARKING = "OFFICIAL-SENSITIVE"
HEADINGS = [f"{i}. {title}" for i, (_, title) in enumerate(report.SECTIONS, 1)]
GENERATED = datetime(2025, 3, 4, 9, 30)
HOSTILE = "<script>alert(1)</script>"


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def h2s(page: str) -> list[str]:
    return [text_of(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]


def table_rows(page: str, testid: str) -> list[list[str]]:
    table = re.search(rf'<table data-testid="{testid}">(.*?)</table>', page, flags=re.S)
    assert table, f"no table {testid}"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), flags=re.S)
    assert body
    return [
        [text_of(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, flags=re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), flags=re.S)
    ]


def pdf_pages(data: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


# --- Durham, January to June 2021 ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def durham() -> ProfileResult:
    missing = [str(p) for p in (CRIMES, IMD, POPULATION, BOUNDARIES) if not p.exists()]
    if missing:
        pytest.skip(f"Durham test data not present: {', '.join(missing)}")
    return build_profile(
        ProfileInputs(
            crimes=[CRIMES],
            imd=IMD,
            population=POPULATION,
            boundaries=BOUNDARIES,
            area_name="Durham",
            permutations=99,
        )
    )


@pytest.fixture(scope="module")
def durham_figures(durham: ProfileResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return outputs.write_figures(durham, tmp_path_factory.mktemp("figures"))


@pytest.fixture(scope="module")
def actions(durham: ProfileResult) -> list[PlanAction]:
    first = durham.findings[0]
    return [
        PlanAction(
            strand="Pursue",
            title="Disrupt drug supply around the station",
            owner_agency="Durham Constabulary",
            lead="DI Example",
            due=date(2021, 9, 30),
            status="In progress",
            finding=first.key,
            overdue=True,
            progress="Two warrants executed",
        ),
        PlanAction(
            strand="protect",
            title="Safeguarding visits & target hardening",
            owner_agency="Durham County Council",
            lead="Community safety",
            due=None,
            status="Not started",
            finding="free text finding",
            overdue=False,
        ),
    ]


@pytest.fixture(scope="module")
def durham_html(durham: ProfileResult, durham_figures: dict[str, Path], actions: list[PlanAction]) -> str:
    return report.render_report_html(
        durham,
        figures=durham_figures,
        marking=MARKING,
        partners=["Durham Constabulary", "Durham County Council"],
        actions=actions,
        prepared_by="Analyst, Durham Constabulary",
        generated=GENERATED,
    )


@pytest.fixture(scope="module")
def durham_written(
    durham: ProfileResult,
    durham_figures: dict[str, Path],
    actions: list[PlanAction],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path]:
    return report.write_report(
        durham,
        tmp_path_factory.mktemp("report"),
        figures=durham_figures,
        marking=MARKING,
        partners=["Durham Constabulary"],
        actions=actions,
        generated=GENERATED,
    )


def test_sections_in_order(durham_html: str) -> None:
    assert h2s(durham_html) == HEADINGS
    assert durham_html.count("<h1") == 1


def test_headings_never_skip_a_level(durham_html: str) -> None:
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", durham_html)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_scope(durham_html: str) -> None:
    scope = durham_html.split('id="scope"')[1].split('id="summary"')[0]
    text = text_of(scope)
    assert "Durham" in text
    assert "January 2021 to June 2021" in text
    assert "Durham Constabulary, Durham County Council" in text
    assert "H3 grid at resolution 8" in text
    assert "4 March 2025 at 09:30" in text


def test_concerns_table_follows_the_ranking(durham: ProfileResult, durham_html: str) -> None:
    rows = table_rows(durham_html, "concerns")
    top = durham.concerns.row(0, named=True)
    assert top["rank"] == 1
    assert rows[0][:3] == ["1", top["place"], top["area_id"]]
    assert rows[0][3] == f"{top['score']:.3f}"
    assert rows[0][4] == top["reasons"]
    assert len(rows) == min(report.CONCERN_ROWS, durham.concerns.height)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]


def test_marking_top_and_bottom(durham_html: str) -> None:
    body = durham_html.split("<body>", 1)[1]
    first, last = body.index(MARKING), body.rindex(MARKING)
    assert first < body.index("<h1")
    assert last > body.index(HEADINGS[-1])
    assert 'data-testid="marking-top"' in body[: body.index("<h1")]
    assert 'data-testid="marking-bottom"' in body[body.index("</main>") :]
    # and in the page margins of the PDF
    style = durham_html.split("<style>")[1].split("</style>")[0]
    assert "@top-center" in style and "@bottom-center" in style
    assert report.css_string(MARKING) in style


def test_every_section_has_content(durham: ProfileResult, durham_html: str) -> None:
    text = text_of(durham_html)
    # threat: every crime type with its count, SOC flag and both months
    for row in durham.categories.iter_rows(named=True):
        assert row["crime_type"] in text
    assert "January 2021" in text and "June 2021" in text
    # vulnerability: hot-spot areas in deciles 1 to 3, and rates per 1,000
    assert "In deciles 1 to 3" in text
    assert "per 1,000 residents" in text
    # emerging
    assert "Intensifying hot spot" in text
    # gaps: every intelligence and data gap
    for finding in durham.findings:
        if finding.kind in ("intelligence gap", "data gap"):
            assert htmllib.escape(finding.title, quote=False) in durham_html
    # recommendations: the four strands in order
    positions = [durham_html.index(f"<h3>{label}: ") for _, label, _ in report.STRANDS]
    assert positions == sorted(positions)
    # method: harm caution, rows left out, timings
    assert "SOC Hub approximation" in text
    assert "318 left out: outside the study area" in text
    assert "Time taken to build the profile" in text


def test_images_have_alt_text_and_tables_captions(durham_html: str) -> None:
    images = re.findall(r"<img [^>]*>", durham_html)
    assert len(images) == 7
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 40
        assert 'src="data:image/png;base64,' in img
    tables = re.findall(r"<table[^>]*>(.*?)</table>", durham_html, flags=re.S)
    assert len(tables) >= 8
    for table in tables:
        assert table.lstrip().startswith("<caption>")
        assert '<th scope="col"' in table


def test_action_plan(durham: ProfileResult, durham_html: str) -> None:
    rows = table_rows(durham_html, "actions")
    assert rows[0][0] == "Pursue"
    assert rows[0][4] == "30 September 2021 (overdue)"
    assert rows[0][7] == durham.findings[0].title  # the finding's key is shown as its title
    assert rows[1][0] == "Protect"
    assert rows[1][1] == "Safeguarding visits & target hardening"
    assert rows[1][4] == "not set"
    assert "1 action overdue" in text_of(durham_html)


def test_sources_give_file_names_only(durham_html: str) -> None:
    sources = durham_html.split('id="sources"')[1].split('id="method"')[0]
    assert "2021-01-durham-street.csv" in sources
    assert "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz" in sources
    assert "lsoa2011_bsc_durham_darlington.geojson" in sources
    assert "Open Government Licence v3.0" in sources
    assert str(DATA) not in durham_html


def test_no_remote_resources(durham_html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", durham_html, flags=re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", durham_html, flags=re.I)
    assert "@import" not in durham_html
    assert "<script" not in durham_html
    assert "<link" not in durham_html


def test_relative_images(durham: ProfileResult, durham_figures: dict[str, Path]) -> None:
    page = report.render_report_html(durham, figures=durham_figures, embed_images=False, generated=GENERATED)
    assert 'src="map-hotspots.png"' in page
    assert 'src="map-deprivation.png"' in page
    assert "data:image" not in page


def test_hostile_text_is_escaped(durham: ProfileResult, durham_figures: dict[str, Path]) -> None:
    hostile = copy.copy(durham)
    hostile.inputs = dataclasses.replace(durham.inputs, area_name=HOSTILE)
    action = PlanAction(HOSTILE, HOSTILE, HOSTILE, HOSTILE, None, HOSTILE, HOSTILE, False, HOSTILE)
    marking = 'OFFICIAL"; } </style><script>alert(2)</script>'
    page = report.render_report_html(
        hostile,
        figures=durham_figures,
        marking=marking,
        partners=[HOSTILE],
        actions=[action],
        prepared_by=HOSTILE,
        generated=GENERATED,
    )
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    style = page.split("<style>")[1].split("</style>")[0]
    assert "<" not in style
    assert f"@top-center {{ content: {report.css_string(marking)};" in style
    assert f"@top-left {{ content: {report.css_string('SOC local profile: ' + HOSTILE)};" in style
    assert page.count("</style>") == 1


def test_css_string() -> None:
    assert report.css_string("OFFICIAL") == '"OFFICIAL"'
    assert report.css_string("A-B") == '"A\\2d B"'
    assert report.css_string('"</style>') == '"\\22 \\3c \\2f style\\3e "'


def test_pdf(durham_written: tuple[Path, Path]) -> None:
    html_path, pdf_path = durham_written
    assert html_path.name == "report.html" and pdf_path.name == "report.pdf"
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert len(pages) > 5
    for number, page in enumerate(pages, 1):
        assert page.count(MARKING) >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(pages)}" in page
    text = " ".join(pages)
    positions = [text.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "SOC local profile: Durham" in text


def test_written_html_is_self_contained(durham_written: tuple[Path, Path]) -> None:
    page = durham_written[0].read_text(encoding="utf-8")
    assert h2s(page) == HEADINGS
    assert page.count('src="data:image/png;base64,') == 7
    assert 'data-testid="marking-top"' in page and 'data-testid="marking-bottom"' in page
    assert not list(durham_written[0].parent.glob(".*.partial"))


def test_pdf_fetches_nothing_remote(caplog: pytest.LogCaptureFixture) -> None:
    page = (
        "<html><body><p>x</p><img src='https://example.invalid/a.png' alt='a'>"
        "<img src='file:///etc/hostname' alt='b'></body></html>"
    )
    data = report.render_report_pdf(page)
    assert data.startswith(b"%PDF")
    assert "disallowed protocol" in caplog.text or "refused" in caplog.text


# --- a small synthetic area: no deprivation index, no boundaries, no population -----------------------

TYPES = ["Drugs", "Burglary", "Violence and sexual offences", "Anti-social behaviour", "Possession of weapons"]


def write_synthetic(folder: Path, rows: int = 300) -> Path:
    """Police.uk-style rows over three months: a tight cluster (a hot spot) in a wider scatter."""
    rng = random.Random(7)
    path = folder / "2023-03-synthetic-street.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(STREET_COLUMNS)
        for i in range(rows):
            clustered = i % 3 == 0
            spread = 0.002 if clustered else 0.03
            lat, lon = 54.77 + rng.gauss(0, spread), -1.57 + rng.gauss(0, spread)
            crime = "Drugs" if clustered and i % 2 else rng.choice(TYPES)
            month = f"2023-0{1 + i % 3}"
            writer.writerow(
                [
                    f"id{i}",
                    month,
                    "Test Police",
                    "Test Police",
                    f"{lon:.6f}",
                    f"{lat:.6f}",
                    "On or near Test Street",
                    "",
                    "",
                    crime,
                    "",
                    "",
                ]
            )
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> ProfileResult:
    folder = tmp_path_factory.mktemp("synthetic")
    return build_profile(ProfileInputs(crimes=[write_synthetic(folder)], area_name="Testshire", permutations=99))


def test_synthetic_report_handles_missing_layers(synthetic: ProfileResult, tmp_path: Path) -> None:
    figures = outputs.write_figures(synthetic, tmp_path / "figures")
    assert "map-deprivation.png" not in figures
    html_path, pdf_path = report.write_report(synthetic, tmp_path / "out", figures=figures, marking="OFFICIAL")
    page = html_path.read_text(encoding="utf-8")
    assert h2s(page) == HEADINGS
    text = text_of(page)
    assert "No deprivation index given" in text
    assert "No population figures given" in text
    assert "No point layers given" in text
    assert "No actions have been agreed yet" in text
    assert "No partners named" in text
    assert "2023-03-synthetic-street.csv" in text
    assert str(tmp_path) not in page
    assert 'class="banner"' in page  # OFFICIAL: no sensitive styling
    pages = pdf_pages(pdf_path.read_bytes())
    assert all(p.count("OFFICIAL") >= 2 for p in pages)


def test_report_without_figures(synthetic: ProfileResult) -> None:
    """Figures not drawn (or not found): the report says so and still renders."""
    page = report.render_report_html(synthetic, figures={}, generated=GENERATED)
    assert "<img" not in page
    assert "The map of hot spots of all crime was not drawn." in page
    assert "No deprivation index given, so there is no deprivation map." in page
    assert h2s(page) == HEADINGS


def test_context_is_plain_data(synthetic: ProfileResult) -> None:
    context: dict[str, Any] = report.report_context(synthetic, figures={}, generated=GENERATED)
    assert context["area"] == "Testshire"
    assert context["marking"] == MARKING
    assert [s["title"] for s in context["sections"]] == [t for _, t in report.SECTIONS]
    assert context["vulnerability"]["has_imd"] is False
