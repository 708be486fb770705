"""Link chart pages, their JSON, the i2 ZIP and the intelligence package (HTML and PDF) through the test client."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import services as intel
from sochub.intel.models import Association, AssociationType, Classification, MemberRole
from sochub.partners.models import User
from tests.e2e.conftest import browser_page, needs_chromium  # noqa: F401 (the browser fixture)
from tests.helpers import PASSWORD, act

pytestmark = pytest.mark.django_db

PURPOSE = "Operation Juniper: assessing the network"


@pytest.fixture
def network(picture: dict[str, Any], analyst: User) -> dict[str, Any]:
    """Smith (GMP) with a GMP associate, a child at risk, and an OFFICIAL-SENSITIVE OCG."""
    smith = picture["smith"]
    brown = intel.nominal_create(
        actor=act(analyst), facts=[("name", "Dave <b>Brown</b>"), ("warning_marker", "weapons")]
    )
    child = intel.nominal_create(actor=act(analyst), facts=[("name", "Kyle Young")])
    intel.fact_add(actor=act(analyst), nominal=child, kind="vulnerability", value="Child at risk of exploitation")
    for other, strength in ((brown, 3), (child, 1)):
        Association.objects.create(
            nominal_a=smith, nominal_b=other, type=AssociationType.CRIMINAL, strength=strength, agency=analyst.agency
        )
    ocg = intel.ocg_create(
        actor=act(analyst),
        name="Acacia Road Crew",
        threat_categories=["illegal_drugs"],
        classification=Classification.OFFICIAL_SENSITIVE,
    )
    intel.ocg_membership_add(actor=act(analyst), ocg=ocg, nominal=smith, role=MemberRole.PRINCIPAL)
    return {**picture, "brown": brown, "child": child, "ocg": ocg}


def _client(signed_in: Callable[[User], Client], user: User, purpose: str | None = PURPOSE) -> Client:
    client = signed_in(user)
    if purpose:
        assert client.post("/purpose/", {"purpose": purpose, "next": "/nominals/"}).status_code == 302
    return client


def test_network_page_has_the_chart_the_table_and_markings(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    smith = network["smith"]
    response = _client(signed_in, analyst).get(f"/nominals/{smith.pk}/network/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="sochub-marking sochub-marking--sensitive"') == 2 and "OFFICIAL-SENSITIVE" in html
    assert f'data-network-src="/nominals/{smith.pk}/network.json"' in html
    assert "<svg" in html and "sochub/network.mjs" in html
    assert 'id="__________cytoscape_stylesheet"' in html  # so Cytoscape adds no inline style (CSP)
    table = html.split('data-testid="links-table"')[1].split("</table>")[0]
    assert "Dave &lt;b&gt;Brown&lt;/b&gt;" in table and "<b>Brown" not in html
    assert "Safeguarding" in table and "Weapons" in table and "Acacia Road Crew" in table
    assert "Strong" in table and "Weak" in table and "Greater Manchester Police" in table
    assert table.split("<tbody")[1].count('<tr class="govuk-table__row">') == 3
    assert f"/nominals/{smith.pk}/network/i2.zip" in html
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "style-src 'self'" in csp
    event = AuditEvent.objects.filter(operation=Operation.CONSULTATION, detail__view="network").get()
    assert event.purpose == PURPOSE and str(network["brown"].pk) in event.object_ids


def test_network_page_asks_for_a_purpose_first(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, analyst, purpose=None)
    url = f"/nominals/{network['smith'].pk}/network/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/purpose/?next={url}"
    assert client.get(f"/nominals/{network['smith'].pk}/network.json").status_code == 403
    response = client.get(f"/nominals/{network['smith'].pk}/network/i2.zip")
    assert response.status_code == 302 and "/purpose/" in response["Location"]
    assert not AuditEvent.objects.filter(detail__view="network").exists()


def test_network_json_feeds_cytoscape(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    response = _client(signed_in, analyst).get(f"/nominals/{network['smith'].pk}/network.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    labels = {e["data"]["label"] for e in data["elements"] if e["group"] == "nodes"}
    assert labels == {"John Smith", "Dave <b>Brown</b>", "Kyle Young (safeguarding)", "Acacia Road Crew"}
    assert data["classification"] == "OFFICIAL-SENSITIVE"
    assert AuditEvent.objects.filter(detail__view="network-json").count() == 1


def test_another_agency_gets_404_everywhere(
    signed_in: Callable[[User], Client], analyst2: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, analyst2)
    smith, ocg = network["smith"].pk, network["ocg"].pk
    for url in (
        f"/nominals/{smith}/network/",
        f"/nominals/{smith}/network.json",
        f"/nominals/{smith}/network/i2.zip",
        f"/nominals/{smith}/package/",
        f"/nominals/{smith}/package.pdf",
        f"/nominals/{smith}/package.html",
        f"/ocgs/{ocg}/network/",
        f"/ocgs/{ocg}/network.json",
        f"/ocgs/{ocg}/network/i2.zip",
    ):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


def test_unvetted_officer_sees_no_official_sensitive_ocg(
    signed_in: Callable[[User], Client], officer: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, officer)
    html = client.get(f"/nominals/{network['smith'].pk}/network/").content.decode()
    assert "Acacia Road Crew" not in html and "OFFICIAL-SENSITIVE" not in html
    assert client.get(f"/ocgs/{network['ocg'].pk}/network/").status_code == 404


def test_ocg_network_page_and_i2_export(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, analyst)
    ocg = network["ocg"]
    detail = client.get(f"/ocgs/{ocg.pk}/").content.decode()
    assert f'href="/ocgs/{ocg.pk}/network/"' in detail
    html = client.get(f"/ocgs/{ocg.pk}/network/").content.decode()
    assert "Network of OCG" in html and "John Smith" in html
    response = client.get(f"/ocgs/{ocg.pk}/network/i2.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="OFFICIAL-SENSITIVE-i2-OCG' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "entities-organisation.csv" in archive.namelist()
    event = AuditEvent.objects.filter(operation=Operation.DISCLOSURE).get()
    assert event.object_type == "ocg" and event.object_ids[0] == str(ocg.pk) and event.purpose == PURPOSE


def test_nominal_i2_export_downloads_a_zip(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    response = _client(signed_in, analyst).get(f"/nominals/{network['smith'].pk}/network/i2.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[0] == "README.txt"
    assert "Dave <b>Brown</b>" in archive.read("entities-person.csv").decode("utf-8-sig")
    assert AuditEvent.objects.filter(operation=Operation.DISCLOSURE, detail__export="i2").count() == 1


def test_nominal_page_links_to_chart_and_package(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    smith = network["smith"].pk
    html = _client(signed_in, analyst).get(f"/nominals/{smith}/").content.decode()
    assert f'href="/nominals/{smith}/network/"' in html and f'href="/nominals/{smith}/package/"' in html


def test_package_page_and_html_download(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, analyst)
    smith, intel_c = network["smith"], network["intel_c"]
    html = client.get(f"/nominals/{smith.pk}/package/").content.decode()
    assert html.count("sochub-marking--sensitive") == 2
    assert "A2 S2: covert action only; refer to originator." in html.split(f'data-testid="conditions-{intel_c.urn}"')[1]
    assert "Suggestions only" in html and "Safeguarding" in html
    assert AuditEvent.objects.filter(operation=Operation.CONSULTATION, detail__package=True).count() == 1
    response = client.get(f"/nominals/{smith.pk}/package.html")
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="OFFICIAL-SENSITIVE-intelligence-package-'
    )
    body = response.content.decode()
    assert body.count('<div class="banner banner--sensitive">OFFICIAL-SENSITIVE</div>') == 2
    assert "@top-center" in body and PURPOSE in body and network["intel_os"].title in body
    assert client.get(f"/nominals/{smith.pk}/package.docx").status_code == 404


def test_package_pdf_is_marked_on_every_page_and_audited_as_a_disclosure(
    signed_in: Callable[[User], Client], analyst: User, network: dict[str, Any]
) -> None:
    client = _client(signed_in, analyst)
    response = client.get(f"/nominals/{network['smith'].pk}/package.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert pages
    for text in pages:
        assert text.count("OFFICIAL-SENSITIVE") >= 2, text[:300]  # top and bottom of every page
    everything = "\n".join(pages)
    assert "John Smith" in everything and "Handling code C" in everything and "A2 S2" in everything
    assert "Corrupt insider" in everything  # the analyst is vetted for the OFFICIAL-SENSITIVE record
    event = AuditEvent.objects.filter(operation=Operation.DISCLOSURE).get()
    assert event.purpose == PURPOSE and event.detail["export"] == "pdf" and str(network["smith"].pk) in event.object_ids


def test_package_pdf_for_an_officer_leaves_out_official_sensitive(
    signed_in: Callable[[User], Client], officer: User, network: dict[str, Any]
) -> None:
    response = _client(signed_in, officer).get(f"/nominals/{network['smith'].pk}/package.pdf")
    everything = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "OFFICIAL-SENSITIVE" not in everything and "Corrupt insider" not in everything
    assert "OFFICIAL" in everything and "Firearm stored at lock-up" in everything


def test_chart_assets_are_served_locally(client: Client) -> None:
    for path in ("/assets/cytoscape/cytoscape.esm.min.mjs", "/assets/sochub/network.mjs", "/assets/sochub/network.css"):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        assert response.status_code == 200 and body, path


@pytest.mark.e2e
@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_the_chart_draws_in_a_browser_without_breaking_the_csp(
    live_server: Any, request: pytest.FixtureRequest, analyst: User, network: dict[str, Any]
) -> None:
    page = request.getfixturevalue("browser_page")  # Debian's Chromium, from tests/e2e
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#username", analyst.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/nominals/{network['smith'].pk}/network/")
    page.wait_for_url("**/purpose/**")
    page.fill("#purpose", PURPOSE)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/nominals/{network['smith'].pk}/network/")
    page.wait_for_selector(".sochub-network__canvas canvas", timeout=10_000)
    assert page.locator("#sochub-network svg").count() == 0  # the static chart gave way to Cytoscape
    assert page.get_by_role("button", name="Fit the chart to the window").count() == 1
    assert page.get_by_test_id("links-table").locator("tbody tr").count() == 3
    assert not errors, errors
