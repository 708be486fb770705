"""SOC local profile pages in the browser's shoes: create, upload, build, map, trends, the 4P plan, downloads
and who may see what. Builds run as the worker would (the task called directly), on real files."""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import services as intel
from sochub.intel.models import Premises, PremisesKind, ThreatCategory
from sochub.partners.models import Agency, Role, User, Vetting
from sochub.profiles import services
from sochub.profiles.models import Action, DataLayer, Finding, Profile, ProfileBuild
from sochub.profiles.tasks import profile_build
from tests.helpers import PASSWORD, SHARED_DATA, act

pytestmark = pytest.mark.django_db
PURPOSE = "Operation Keel: SOC local profile refresh"
DURHAM = SHARED_DATA / "policeuk" / "durham-2021"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
)
OCG_LAT, OCG_LON = 54.7791234, -1.5734567  # an OCG address: only its count per area may reach the browser


def _client(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/"}).status_code == 302
    return client


def _crime_csv(
    months: tuple[str, ...] = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05"), seed: int = 7
) -> bytes:
    """A small police.uk street-level file: a busy town centre (drugs and violence) in a quiet spread."""
    rng = random.Random(seed)
    lines = [HEADER]
    n = 0
    for month in months:
        for _ in range(60):  # the hot spot
            kind = rng.choice(["Drugs", "Violence and sexual offences", "Drugs", "Shoplifting"])
            lat, lon = 54.7760 + rng.uniform(-0.002, 0.002), -1.5750 + rng.uniform(-0.003, 0.003)
            n += 1
            lines.append(
                f"c{n},{month},Durham Constabulary,Durham Constabulary,{lon:.6f},{lat:.6f},On or near High St,"
                f"E01020700,County Durham 001A,{kind},Under investigation,\n"
            )
        for _ in range(40):  # the background
            kind = rng.choice(["Burglary", "Anti-social behaviour", "Vehicle crime", "Criminal damage and arson"])
            lat, lon = 54.70 + rng.uniform(0, 0.15), -1.70 + rng.uniform(0, 0.25)
            n += 1
            lines.append(
                f"c{n},{month},Durham Constabulary,Durham Constabulary,{lon:.6f},{lat:.6f},On or near Main Rd,"
                f"E01020701,County Durham 002B,{kind},,\n"
            )
    return "".join(lines).encode()


@pytest.fixture
def hmrc_analyst(make_user: Callable[..., User]) -> User:
    """An analyst of an agency that is not a partner of the profile."""
    return make_user("hmrc_analyst", "hmrc")


@pytest.fixture
def ocg_address(analyst: User) -> Premises:
    ocg = intel.ocg_create(actor=act(analyst), name="The Riverside crew", threat_categories=[ThreatCategory.values[0]])
    premises = Premises.objects.create(
        address="1 River View",
        postcode="DH1 1AA",
        kind=PremisesKind.RESIDENTIAL,
        agency=analyst.agency,
        latitude=OCG_LAT,
        longitude=OCG_LON,
    )
    premises.ocgs.add(ocg)
    return premises


def _upload(client: Client, profile: Profile, name: str, data: bytes, kind: str = "crimes", points: str = "") -> Any:
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(f"/profiles/{profile.pk}/layers/", {"kind": kind, "name": points, "file": file})


def _build(client: Client, profile: Profile) -> ProfileBuild:
    Profile.objects.filter(pk=profile.pk).update(permutations=99)  # quicker; the method is unchanged
    response = client.post(f"/profiles/{profile.pk}/build/")
    assert response.status_code == 302 and response["Location"].endswith(f"/profiles/{profile.pk}/#build-progress")
    build = ProfileBuild.objects.filter(profile=profile).latest("pk")
    assert build.job is not None
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert 'data-testid="build-progress"' in page and f"/jobs/{build.job.pk}/" in page
    profile_build.call(build.job.pk, build.pk)  # what the worker does
    build.refresh_from_db()
    assert build.status == "done", build.error
    return build


@pytest.fixture
def built(analyst: User, agencies: dict[str, Agency], ocg_address: Premises) -> dict[str, Any]:
    """GMP's profile, shared with Merseyside, built from a small generated crime file and a schools layer."""
    profile = services.profile_create(
        actor=act(analyst),
        name="Durham City SOC profile",
        area_name="Durham City",
        scope="Drugs supply in the city centre",
        partners=[agencies["mersey"]],
    )
    client = _client(analyst)
    assert _upload(client, profile, "2024-street.csv", _crime_csv()).status_code == 302
    schools = b"name,latitude,longitude\nSt Hild's,54.7765,-1.5745\nBow,54.7700,-1.5600\n"
    assert _upload(client, profile, "schools.csv", schools, kind="points", points="schools").status_code == 302
    build = _build(client, profile)
    return {"profile": profile, "build": build, "client": client}


def test_creating_a_profile_through_the_form(analyst: User, agencies: dict[str, Agency]) -> None:
    client = _client(analyst)
    assert 'href="/profiles/new/"' in client.get("/profiles/").content.decode()
    bad = client.post(
        "/profiles/new/",
        {
            "name": "",
            "area_name": "Durham",
            "marking": "OFFICIAL",
            "areas": "h3",
            "resolution": "12",
            "refresh_every_days": "90",
            "include_ocg_addresses": "yes",
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in page and 'href="#name"' in page
    assert "Hexagon resolution must be 5" in page and "A profile with OCG addresses is OFFICIAL-SENSITIVE" in page
    response = client.post(
        "/profiles/new/",
        {
            "name": "Durham SOC profile",
            "area_name": "County Durham",
            "scope": "All SOC",
            "partners": [str(agencies["mersey"].pk)],
            "marking": "OFFICIAL-SENSITIVE",
            "areas": "h3",
            "resolution": "8",
            "refresh_every_days": "30",
            "include_ocg_addresses": "yes",
        },
    )
    profile = Profile.objects.get(name="Durham SOC profile")
    assert response.status_code == 302 and response["Location"] == f"/profiles/{profile.pk}/"
    assert list(profile.partners.all()) == [agencies["mersey"]] and profile.refresh_every_days == 30
    page = client.get(response["Location"]).content.decode()
    assert "has not been built yet" in page and "Merseyside Police" in page and "Build profile" in page


def test_a_built_profile_shows_findings_map_trends_and_downloads(built: dict[str, Any]) -> None:
    profile, build, client = built["profile"], built["build"], built["client"]
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    findings = Finding.objects.filter(profile=profile)
    assert findings.exists()
    assert 'data-testid="findings-table"' in page and findings.first().title in page and "Current" in page
    assert "Refresh profile" in page and "2024-street.csv" in page and "Hot spots" in page
    assert f"/profiles/{profile.pk}/builds/{build.pk}/files/report.pdf" in page
    assert AuditEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="profile", detail__view="profile overview"
    ).exists()
    # The map page: the key, the tables and where the map data comes from; none of it inline.
    page = client.get(f"/profiles/{profile.pk}/map/").content.decode()
    assert f'data-areas-src="/profiles/{profile.pk}/builds/{build.pk}/areas.geojson"' in page
    assert 'data-testid="concerns-table"' in page and 'data-testid="map-legend"' in page and "schools" in page
    assert "/assets/leaflet/leaflet.css" in page and "/assets/sochub/profile-map.js" in page
    assert "style=" not in page and "<script>" not in page
    areas = client.get(f"/profiles/{profile.pk}/builds/{build.pk}/areas.geojson")
    assert areas.status_code == 200
    features = areas.json()["features"]
    assert features and all(f["geometry"]["type"] == "MultiPolygon" for f in features)
    for key in (
        "area_id",
        "place",
        "count",
        "harm",
        "hotspot_class",
        "hotspot_class_harm",
        "hotspot_class_soc",
        "pattern",
        "imd_decile",
        "concern_rank",
        "points_schools",
        "points_ocg addresses",
    ):
        assert key in features[0]["properties"], key
    assert all(
        f["properties"]["count"] > 0
        or f["properties"]["concern_rank"] is not None
        or f["properties"]["hotspot_class"] != "not significant"
        or f["properties"]["pattern"] != "no pattern detected"
        or f["properties"]["hotspot_class_harm"] != "not significant"
        or f["properties"]["hotspot_class_soc"] != "not significant"
        for f in features
    )
    assert sum(f["properties"]["points_ocg addresses"] or 0 for f in features) == 1  # counted, not placed
    # The OCG address's coordinates reach neither the map's points nor the points download.
    for url in (
        f"/profiles/{profile.pk}/builds/{build.pk}/points.geojson",
        f"/profiles/{profile.pk}/builds/{build.pk}/files/points.geojson",
    ):
        response = client.get(url)
        body = b"".join(getattr(response, "streaming_content", [])).decode() or response.content.decode()
        layers = {f["properties"]["layer"] for f in json.loads(body)["features"]}
        assert layers == {"schools"} and "-1.57346" not in body and "54.77912" not in body
    assert "54.77912" not in page and "-1.57346" not in page
    # Trends: one small SVG chart per crime type, with a title and description, and the table.
    page = client.get(f"/profiles/{profile.pk}/trends/").content.decode()
    kinds = {
        "Drugs",
        "Violence and sexual offences",
        "Shoplifting",
        "Burglary",
        "Anti-social behaviour",
        "Vehicle crime",
        "Criminal damage and arson",
    }
    assert page.count('data-testid="trend-chart"') == len(kinds)
    for kind in kinds:
        assert "<title id=" in page and f">{kind} per month</title>" in page
    assert page.count("<desc id=") == len(kinds) and 'data-testid="trends-table"' in page and "style=" not in page


def test_build_files_are_whitelisted_and_audited(built: dict[str, Any]) -> None:
    profile, build, client = built["profile"], built["build"], built["client"]
    base = f"/profiles/{profile.pk}/builds/{build.pk}/files/"
    csv_response = client.get(base + "hotspots.csv")
    assert csv_response.status_code == 200 and csv_response["Content-Disposition"].startswith("attachment")
    assert b"area_id" in b"".join(csv_response.streaming_content)  # type: ignore[attr-defined]
    png = client.get(base + "chart-trends.png")
    assert png.status_code == 200 and png["Content-Disposition"].startswith("inline")
    event = AuditEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="profile", detail__file="hotspots.csv"
    ).get()
    assert event.object_ids == [profile.pk] or event.object_ids == [str(profile.pk)]
    for name in (
        "summary.json",
        "..%2F..%2Fsettings.py",
        "../../settings.py",
        "report.docx",
        "..",
        "areas.geojson.bak",
    ):
        assert client.get(base + name).status_code == 404, name
    assert client.get(f"/profiles/{profile.pk}/builds/{build.pk + 999}/files/hotspots.csv").status_code == 404


def test_actions_link_to_findings_sit_under_their_strand_and_show_overdue(built: dict[str, Any]) -> None:
    profile, client = built["profile"], built["client"]
    finding = Finding.objects.filter(profile=profile).first()
    assert finding is not None
    form = client.get(f"/profiles/{profile.pk}/actions/").content.decode()
    assert 'id="add-action"' in form and 'name="due-day"' in form and f'value="{finding.pk}"' in form
    bad = client.post(
        f"/profiles/{profile.pk}/actions/",
        {
            "strand": "prevent",
            "title": "",
            "lead": "PS Lee",
            "owner_agency": str(profile.agency_id),
            "due-day": "31",
            "due-month": "2",
            "due-year": "2027",
        },
    )
    page = bad.content.decode()
    assert (
        bad.status_code == 400 and 'href="#due-day"' in page and 'href="#findings"' in page and 'href="#title"' in page
    )
    response = client.post(
        f"/profiles/{profile.pk}/actions/",
        {
            "strand": "prevent",
            "title": "Diversion sessions at St Hild's",
            "lead": "PS Lee",
            "owner_agency": str(profile.agency_id),
            "due-day": "1",
            "due-month": "1",
            "due-year": "2020",
            "findings": [str(finding.pk)],
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Diversion sessions at St Hild's")
    assert list(action.findings.all()) == [finding] and action.strand == "prevent"
    page = client.get(f"/profiles/{profile.pk}/actions/").content.decode()
    prevent = page.split('data-testid="strand-prevent"', 1)[1].split("</table>", 1)[0]
    assert "Diversion sessions at St Hild&#39;s" in prevent and "Overdue" in prevent and finding.title in prevent
    assert 'data-testid="strand-pursue"' not in page  # nothing under Pursue yet
    overview = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "1 overdue" in overview
    listing = client.get("/profiles/").content.decode()
    assert "1 overdue" in listing
    # Progress: a note and a new date take it off the overdue list.
    detail = f"/profiles/{profile.pk}/actions/{action.pk}/"
    assert client.post(detail, {"status": "in_progress", "note": ""}).status_code == 400
    assert (
        client.post(
            detail,
            {
                "status": "in_progress",
                "note": "First session held",
                "due-day": "1",
                "due-month": "1",
                "due-year": "2099",
            },
        ).status_code
        == 302
    )
    page = client.get(detail).content.decode()
    assert "First session held" in page and "Overdue" not in page and "In progress" in page


def test_who_sees_what(
    built: dict[str, Any], analyst2: User, hmrc_analyst: User, officer: User, make_user: Callable[..., User]
) -> None:
    profile, build = built["profile"], built["build"]
    finding = Finding.objects.filter(profile=profile).first()
    assert finding is not None
    action = services.action_create(
        actor=act(profile.created_by),
        profile=profile,
        strand="pursue",
        title="Warrants",
        owner_agency=profile.agency,
        lead="DI Shaw",
        due=build.created_at.date(),
        findings=[finding],
    )
    layer = DataLayer.objects.filter(profile=profile, active=True).first()
    assert layer is not None
    p, b = profile.pk, build.pk
    urls = [
        f"/profiles/{p}/",
        f"/profiles/{p}/map/",
        f"/profiles/{p}/trends/",
        f"/profiles/{p}/actions/",
        f"/profiles/{p}/actions/{action.pk}/",
        f"/profiles/{p}/builds/{b}/areas.geojson",
        f"/profiles/{p}/builds/{b}/points.geojson",
        f"/profiles/{p}/builds/{b}/files/report.pdf",
        f"/profiles/{p}/progress/",
    ]
    posts = [
        f"/profiles/{p}/build/",
        f"/profiles/{p}/layers/",
        f"/profiles/{p}/layers/{layer.pk}/remove/",
        f"/profiles/{p}/actions/",
        f"/profiles/{p}/actions/{action.pk}/",
    ]
    # Another agency that is not a partner, and an officer not vetted for OFFICIAL-SENSITIVE: 404 everywhere.
    for outsider in (hmrc_analyst, officer):
        client = _client(outsider)
        assert profile.name not in client.get("/profiles/").content.decode()
        for url in urls:
            assert client.get(url).status_code == 404, (outsider.username, url)
        for url in posts:
            assert client.post(url, {"strand": "pursue", "title": "x", "note": "x"}).status_code == 404, url
    # A partner agency's analyst sees it and plans, but does not upload or build.
    partner = _client(analyst2)
    assert profile.name in partner.get("/profiles/").content.decode()
    for url in urls[:-1]:
        assert partner.get(url).status_code == 200, url
    page = partner.get(f"/profiles/{p}/").content.decode()
    assert "Upload the file" not in page and 'data-testid="build-button"' not in page and "Remove" not in page
    layers_before = DataLayer.objects.filter(profile=profile).count()
    assert _upload(partner, profile, "more.csv", _crime_csv(("2024-06",))).status_code == 404
    assert DataLayer.objects.filter(profile=profile).count() == layers_before
    assert partner.post(f"/profiles/{p}/build/").status_code == 404
    assert partner.post(f"/profiles/{p}/layers/{layer.pk}/remove/").status_code == 404
    assert ProfileBuild.objects.filter(profile=profile).count() == 1
    response = partner.post(
        f"/profiles/{p}/actions/",
        {
            "strand": "protect",
            "title": "Port checks",
            "lead": "Border liaison",
            "owner_agency": str(analyst2.agency_id),
            "due-day": "1",
            "due-month": "6",
            "due-year": "2099",
            "findings": [str(finding.pk)],
        },
    )
    assert response.status_code == 302 and Action.objects.filter(title="Port checks").exists()
    # The partner updates its own action, not the owner's... the owner agency updates both.
    mine = Action.objects.get(title="Port checks")
    assert (
        partner.post(f"/profiles/{p}/actions/{mine.pk}/", {"status": "done", "note": "Checks ran"}).status_code == 302
    )
    assert partner.post(f"/profiles/{p}/actions/{action.pk}/", {"status": "done", "note": "x"}).status_code == 404
    # An OFFICIAL profile is open to the officer (vetted NPPV1) of the owning agency.
    open_profile = services.profile_create(
        actor=act(profile.created_by),
        name="Open profile",
        area_name="Durham",
        marking="OFFICIAL",
        include_ocg_addresses=False,
    )
    assert _client(officer).get(f"/profiles/{open_profile.pk}/").status_code == 200
    # Roles that do not work with intelligence never see profiles.
    volunteer = make_user("vol", "gmp", (Role.VOLUNTEER,), Vetting.NONE)
    client = Client()
    client.post("/sign-in/", {"username": volunteer.username, "password": PASSWORD})
    assert (
        client.get("/profiles/").status_code == 404 and client.get(f"/profiles/{open_profile.pk}/").status_code == 404
    )


def test_pages_need_a_purpose_first(analyst: User) -> None:
    profile = services.profile_create(actor=act(analyst), name="P", area_name="A")
    client = Client()
    client.post("/sign-in/", {"username": analyst.username, "password": PASSWORD})
    response = client.get(f"/profiles/{profile.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/purpose/")


def test_a_malformed_crime_file_is_refused_naming_file_row_and_column(analyst: User) -> None:
    profile = services.profile_create(actor=act(analyst), name="Durham", area_name="Durham")
    client = _client(analyst)
    unusable = _crime_csv(("2021-01",)).decode().replace(",Month,", ",Period,", 1)
    response = _upload(client, profile, "jan-street.csv", unusable.encode())
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and 'href="#file"' in page
    message = re.search(r'<a href="#file">([^<]*)</a>', page)
    assert message is not None, page[:2000]
    text = message.group(1)
    assert text.startswith("jan-street.csv, row 1: missing column &#39;month&#39;"), text
    assert "/tmp" not in text and str(services.profiles_dir()) not in page  # the stored path is not shown
    assert not DataLayer.objects.filter(profile=profile).exists()
    assert not list((Path(services.profiles_dir()) / str(profile.pk) / "layers").glob("*"))
    # A file of the wrong type is refused too.
    assert _upload(client, profile, "notes.txt", b"hello").status_code == 400
    assert not DataLayer.objects.filter(profile=profile).exists()


def test_a_bad_month_costs_one_row_named_by_file_and_row(analyst: User) -> None:
    """The engine reads a bad cell as one row left out (never the whole file): the build says which."""
    profile = services.profile_create(actor=act(analyst), name="Durham", area_name="Durham")
    client = _client(analyst)
    rows = _crime_csv().decode().splitlines(keepends=True)
    rows[3] = rows[3].replace(",2024-01,", ",2021-13,")
    assert _upload(client, profile, "jan-street.csv", "".join(rows).encode()).status_code == 302
    build = _build(client, profile)
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "1 left out: month missing or not YYYY-MM" in page
    left_out = b"".join(
        client.get(f"/profiles/{profile.pk}/builds/{build.pk}/files/rows_left_out.csv").streaming_content
    ).decode()  # type: ignore[attr-defined]
    assert (
        "month missing or not YYYY-MM" in left_out and "jan-street.csv" in left_out and ",4," in left_out
    )  # header = row 1
    assert "Month='2021-13'" in left_out


def test_a_failed_build_shows_its_error(analyst: User) -> None:
    profile = services.profile_create(actor=act(analyst), name="Durham", area_name="Durham")
    client = _client(analyst)
    assert _upload(client, profile, "2024-street.csv", _crime_csv()).status_code == 302
    Profile.objects.filter(pk=profile.pk).update(permutations=99)
    client.post(f"/profiles/{profile.pk}/build/")
    build = ProfileBuild.objects.get(profile=profile)
    assert build.job is not None
    stored = DataLayer.objects.get(profile=profile).stored_path
    services.build_fail(build=build, error=f"{stored}, row 12, column 'Longitude': not a number")
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert 'data-testid="build-error"' in page and "row 12, column &#39;Longitude&#39;" in page
    assert "2024-street.csv, row 12" in page and stored not in page  # the file's name, not where it is stored
    assert client.get(f"/profiles/{profile.pk}/progress/")["HX-Refresh"] == "true"
    assert "Build profile" in page  # it can be built again


def test_hostile_text_is_escaped(analyst: User) -> None:
    hostile = '<script>alert("x")</script>'
    profile = services.profile_create(actor=act(analyst), name=hostile, area_name=hostile, scope=hostile)
    client = _client(analyst)
    for url in (
        "/profiles/",
        f"/profiles/{profile.pk}/",
        f"/profiles/{profile.pk}/map/",
        f"/profiles/{profile.pk}/trends/",
        f"/profiles/{profile.pk}/actions/",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page, url


@pytest.mark.skipif(
    not DURHAM.is_dir(), reason=f"real data not found: {DURHAM} (the shared data folder sits beside the repository)"
)
def test_durham_six_months_deprivation_report_three_actions_and_a_refresh(
    analyst: User, agencies: dict[str, Agency], ocg_address: Premises
) -> None:
    """The issue's walkthrough: five months and the deprivation index in, hot spots and areas of concern on
    the map, the PDF report, three 4P actions tied to findings, then the sixth month arrives: refresh."""
    client = _client(analyst)
    response = client.post(
        "/profiles/new/",
        {
            "name": "County Durham",
            "area_name": "County Durham and Darlington",
            "marking": "OFFICIAL-SENSITIVE",
            "areas": "h3",
            "resolution": "8",
            "refresh_every_days": "90",
            "include_ocg_addresses": "yes",
            "partners": [str(agencies["hmrc"].pk)],
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(name="County Durham")
    months = sorted(DURHAM.glob("2021-0[1-6]/*-street.csv"))
    for path in months[:5]:
        assert _upload(client, profile, path.name, path.read_bytes()).status_code == 302
    imd = SHARED_DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    assert _upload(client, profile, imd.name, imd.read_bytes(), kind="imd").status_code == 302
    first = _build(client, profile)
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "January 2021 to May 2021" in page and "Area of concern 1" in page
    features = client.get(f"/profiles/{profile.pk}/builds/{first.pk}/areas.geojson").json()["features"]
    assert 500 < len(features) < 5_000  # the areas worth drawing, not the whole grid
    assert any(f["properties"]["concern_rank"] == 1 for f in features)
    assert any(f["properties"]["imd_decile"] == 1 for f in features)
    points = client.get(f"/profiles/{profile.pk}/builds/{first.pk}/points.geojson").content.decode()
    assert "-1.57346" not in points and "54.77912" not in points
    pdf = client.get(f"/profiles/{profile.pk}/builds/{first.pk}/files/report.pdf")
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
    trends = client.get(f"/profiles/{profile.pk}/trends/").content.decode()
    assert trends.count('data-testid="trend-chart"') == 14 and ">Drugs per month</title>" in trends

    findings = {f.kind: f for f in Finding.objects.filter(profile=profile).order_by("-rank")}
    due = date.today() + timedelta(days=60)
    for strand, title, finding in (
        ("pursue", "Warrants on the addresses behind the top area of concern", findings["area of concern"]),
        ("prevent", "Diversion work with schools near the emerging hot spot", findings["emerging hot spot"]),
        ("prepare", "Agree a deprivation and population data share with the council", findings["data gap"]),
    ):
        response = client.post(
            f"/profiles/{profile.pk}/actions/",
            {
                "strand": strand,
                "title": title,
                "owner_agency": str(profile.agency_id),
                "lead": "DI Reed",
                "due-day": str(due.day),
                "due-month": str(due.month),
                "due-year": str(due.year),
                "findings": [str(finding.pk)],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    plan = client.get(f"/profiles/{profile.pk}/actions/").content.decode()
    assert all(t in plan for t in ("Pursue", "Prevent", "Prepare", "Warrants on the addresses"))

    # June arrives: upload it and refresh with one click.
    assert _upload(client, profile, months[5].name, months[5].read_bytes()).status_code == 302
    second = _build(client, profile)
    assert second.summary["period"] == "January 2021 to June 2021"
    assert second.summary["rows"]["read"] == 37_753
    pursued = findings["area of concern"]
    pursued.refresh_from_db()
    assert pursued.first_seen_id == first.pk and pursued.actions.count() == 1
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "January 2021 to June 2021" in page


def test_csv_helper_makes_a_readable_file() -> None:
    assert io.StringIO(_crime_csv(("2024-01",)).decode()).readline() == HEADER


def test_leaflet_is_served_locally(client: Client) -> None:
    for path in (
        "leaflet/leaflet-src.esm.js",
        "leaflet/leaflet.css",
        "leaflet/images/marker-icon.png",
        "leaflet/images/layers.png",
        "sochub/profile-map.js",
    ):
        assert client.get(f"/assets/{path}").status_code == 200, path
