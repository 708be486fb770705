"""Disruptions through their services, policies and pages: recording against what the user can see, the
engine's checks (immigration tactics, rationale), a second person validating, counts of validated ones only,
audit rows and escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from markupsafe import escape

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.intel.models import OCG, Nominal
from sochub.intel.services import NotFound
from sochub.operations import policies, services
from sochub.operations.models import Disruption
from sochub.partners.models import Role, User
from tests.helpers import PASSWORD, act

ON = date(2025, 3, 14)
PURPOSE = "Operation Juniper: recording disruption of this group"


@pytest.fixture
def analyst_b(make_user: Callable[..., User]) -> User:
    """A second analyst of the same agency as ``analyst`` (GMP): the validator."""
    return make_user("analyst_b", "gmp")


def make_ocg(user: User, name: str = "Acacia Road Crew") -> OCG:
    return intel.ocg_create(actor=act(user), name=name, threat_categories=["illegal_drugs"])


def make_nominal(user: User, name: str, foreign: str | None = None) -> Nominal:
    facts: list[tuple[str, Any]] = [("name", name)]
    if foreign is not None:
        facts.append(("foreign_national", foreign))
    return intel.nominal_create(actor=act(user), facts=facts)


def record(user: User, **kwargs: Any) -> Disruption:
    args: dict[str, Any] = {"tactic": "cash_seizure", "impact": "moderate", "rationale": "Cash float seized.", "on": ON}
    args.update(kwargs)
    return services.disruption_record(actor=act(user), **args)


def login(user: User, *, purpose: bool = False) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    if purpose:
        assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/nominals/"}).status_code == 302
    return client


# Services -------------------------------------------------------------------------------------


def test_record_against_a_visible_ocg_keeps_the_tactic_and_menu(analyst: User) -> None:
    ocg = make_ocg(analyst)
    d = record(analyst, ocg=ocg)
    assert d.agency_id == analyst.agency_id and d.ocg == ocg and d.nominal is None
    assert (d.tactic, d.tactic_type, d.area) == ("cash_seizure", "poca", "lifestyle")
    assert d.tactic_label == "Cash seizure and forfeiture"
    assert d.menu_version == "2025.1" and d.menu_fingerprint
    assert d.validated_by is None and d.validated_at is None
    event = AuditEvent.objects.get(object_type="disruption")
    assert event.detail["action"] == "recorded" and event.detail["tactic"] == "cash_seizure"


def test_refused_against_an_ocg_of_another_agency_not_shared(analyst: User, analyst2: User) -> None:
    theirs = make_ocg(analyst2, "Dock Street Firm")
    with pytest.raises(NotFound):  # as if it did not exist
        record(analyst, ocg=theirs)
    assert not Disruption.objects.exists()
    client = login(analyst)
    assert client.get(f"/disruptions/new/?ocg={theirs.pk}").status_code == 404
    assert client.post("/disruptions/new/", {"ocg": theirs.pk, "tactic": "cash_seizure"}).status_code == 404


def test_immigration_tactic_refused_for_a_nominal_not_flagged(analyst: User) -> None:
    unknown = make_nominal(analyst, "John Smith")
    british = make_nominal(analyst, "Jane Brown", foreign="no")
    with pytest.raises(ValidationError, match="nationality is not recorded"):
        record(analyst, nominal=unknown, tactic="deportation")
    with pytest.raises(ValidationError, match="not flagged as one"):
        record(analyst, nominal=british, tactic="deportation")
    with pytest.raises(ValidationError, match="not the OCG"):
        record(analyst, ocg=make_ocg(analyst), tactic="deportation")
    assert not Disruption.objects.exists()


def test_immigration_tactic_recorded_and_offered_first_for_a_foreign_national(analyst: User) -> None:
    foreign = make_nominal(analyst, "Ivan Petrov", foreign="yes")
    d = record(analyst, nominal=foreign, tactic="deportation", impact="major")
    assert d.tactic_type == "immigration"
    client = login(analyst, purpose=True)
    html = client.get(f"/disruptions/new/?nominal={foreign.pk}").content.decode()
    assert 'data-testid="tactics-immigration"' in html
    assert html.index('value="deportation"') < html.index('value="poca_confiscation"')
    assert html.index('value="illegal_working_penalty"') < html.index('value="poca_confiscation"')
    # Someone not flagged is not offered the foreign-national-only tactics at all.
    other = make_nominal(analyst, "John Smith")
    html = client.get(f"/disruptions/new/?nominal={other.pk}").content.decode()
    assert 'value="deportation"' not in html and 'value="poca_confiscation"' in html


def test_foreign_national_flag_of_another_agency_not_seen(analyst: User, analyst2: User) -> None:
    """The flag comes only from facts the user can see."""
    nominal = make_nominal(analyst, "Ivan Petrov")
    assert analyst2.agency is not None
    intel.build_fact(nominal=nominal, agency=analyst2.agency, kind="foreign_national", value="yes").save()
    with pytest.raises(ValidationError, match="nationality is not recorded"):
        record(analyst, nominal=nominal, tactic="deportation")


def test_missing_rationale_refused(analyst: User) -> None:
    with pytest.raises(ValidationError) as exc:
        record(analyst, ocg=make_ocg(analyst), rationale="   ")
    assert "rationale" in exc.value.message_dict
    client = login(analyst)
    ocg = OCG.objects.get()
    response = client.post(
        "/disruptions/new/",
        {
            "ocg": ocg.pk,
            "tactic": "cash_seizure",
            "impact": "minor",
            "rationale": "",
            "on-day": "14",
            "on-month": "3",
            "on-year": "2025",
        },
    )
    assert response.status_code == 400
    assert "a rationale is required" in response.content.decode()
    assert not Disruption.objects.exists()


def test_unknown_tactic_and_future_date_refused(analyst: User) -> None:
    ocg = make_ocg(analyst)
    with pytest.raises(ValidationError, match="not a tactic on the menu"):
        record(analyst, ocg=ocg, tactic="nonsense")
    with pytest.raises(ValidationError, match="today or in the past"):
        record(analyst, ocg=ocg, on=date(2999, 1, 1))


def test_self_validation_refused_a_colleague_validates(
    analyst: User, analyst_b: User, analyst2: User, make_user: Callable[..., User]
) -> None:
    d = record(analyst, ocg=make_ocg(analyst))
    with pytest.raises(PermissionDenied, match="cannot validate"):
        services.disruption_validate(actor=act(analyst), disruption=d)
    officer = make_user("officer_b", "gmp", (Role.OFFICER,))
    with pytest.raises(PermissionDenied, match="analyst or coordinator"):
        services.disruption_validate(actor=act(officer), disruption=d)
    with pytest.raises(NotFound):
        services.disruption_validate(actor=act(analyst2), disruption=d)
    d = services.disruption_validate(actor=act(analyst_b), disruption=d)
    d.refresh_from_db()
    assert d.validated_by == analyst_b and d.validated_at is not None
    with pytest.raises(PermissionDenied, match="already"):
        services.disruption_validate(actor=act(analyst_b), disruption=d)
    actions = list(
        AuditEvent.objects.filter(object_type="disruption").order_by("id").values_list("detail__action", flat=True)
    )
    assert actions == ["recorded", "validated"]


def test_validate_through_the_pages(analyst: User, analyst_b: User) -> None:
    d = record(analyst, ocg=make_ocg(analyst))
    mine = login(analyst)
    html = mine.get(f"/disruptions/{d.pk}/").content.decode()
    assert "Validate this disruption" not in html and "cannot validate" in html
    assert mine.post(f"/disruptions/{d.pk}/validate/").status_code == 403
    colleague = login(analyst_b)
    assert "Validate this disruption" in colleague.get(f"/disruptions/{d.pk}/").content.decode()
    response = colleague.post(f"/disruptions/{d.pk}/validate/")
    assert response.status_code == 302 and response["Location"] == f"/disruptions/{d.pk}/"
    d.refresh_from_db()
    assert d.validated_by == analyst_b


def test_who_sees_what(analyst: User, analyst_b: User, analyst2: User) -> None:
    ocg = make_ocg(analyst)
    d = record(analyst, ocg=ocg)
    assert policies.visible_disruptions(analyst_b).filter(pk=d.pk).exists()
    assert not policies.visible_disruptions(analyst2).exists()
    assert login(analyst2).get(f"/disruptions/{d.pk}/").status_code == 404


def test_record_through_the_form(analyst: User) -> None:
    ocg = make_ocg(analyst)
    client = login(analyst)
    html = client.get(f"/disruptions/new/?ocg={ocg.pk}").content.decode()
    assert 'value="deportation"' not in html  # never against a whole OCG
    assert "Lifestyle" in html and "Major" in html
    response = client.post(
        "/disruptions/new/",
        {
            "ocg": ocg.pk,
            "tactic": "search_warrant",
            "impact": "minor",
            "rationale": "Warrant at the lock-up.",
            "on-day": "14",
            "on-month": "3",
            "on-year": "2025",
        },
    )
    d = Disruption.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disruptions/{d.pk}/"
    assert (d.tactic, d.impact, d.date, d.recorded_by) == ("search_warrant", "minor", ON, analyst)


def test_counts_page_shows_validated_only(analyst: User, analyst_b: User) -> None:
    ocg = make_ocg(analyst, "Validated Crew")
    other = make_ocg(analyst, "Pending Crew")
    services.disruption_validate(actor=act(analyst_b), disruption=record(analyst, ocg=ocg, impact="major"))
    record(analyst, ocg=other, tactic="tax_investigation")
    client = login(analyst)
    html = client.get("/disruptions/").content.decode()
    counts = html.split('data-testid="counts-ocg"')[1].split("</table>")[0]
    assert "Validated Crew" in counts and "Pending Crew" not in counts
    themes = html.split('data-testid="counts-theme"')[1].split("</table>")[0]
    assert "Tax" not in themes
    period = html.split('data-testid="counts-period"')[1].split("</table>")[0]
    assert "2025-03" in period
    # The list still shows the one awaiting validation, marked as such.
    listing = html.split('data-testid="disruption-list"')[1]
    assert "Pending Crew" in listing and "Awaiting validation" in listing
    # Filtering by period leaves it out.
    html = client.get("/disruptions/?from=2025-04-01&period=quarter").content.decode()
    assert "Validated Crew" not in html.split('data-testid="counts-ocg"')[1].split("</table>")[0]


def test_hostile_input_escaped(analyst: User, analyst_b: User) -> None:
    hostile = '<script>alert("x")</script>'
    ocg = make_ocg(analyst, f"Crew {hostile}")
    d = record(analyst, ocg=ocg, rationale=f"Because {hostile}")
    services.disruption_validate(actor=act(analyst_b), disruption=d)
    client = login(analyst)
    for page in (f"/disruptions/{d.pk}/", "/disruptions/"):
        html = client.get(page).content.decode()
        assert hostile not in html
        assert str(escape(hostile)) in html


def test_nominal_disruption_needs_a_purpose_and_is_logged(analyst: User) -> None:
    nominal = make_nominal(analyst, "John Smith")
    d = record(analyst, nominal=nominal, tactic="arrest_and_charge")
    client = login(analyst)
    assert client.get(f"/disruptions/{d.pk}/").status_code == 302
    assert client.get(f"/disruptions/new/?nominal={nominal.pk}").status_code == 302
    client = login(analyst, purpose=True)
    assert client.get(f"/disruptions/{d.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_type="nominal", detail__view="disruption_detail").exists()
