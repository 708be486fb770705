"""Suspicious activity reports through their services and pages: recording, DAML timelines, need-to-know
access lists (404 for everyone else, nothing on the subject's nominal page or search), counts and campaigns,
audit and escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.intel.services import NotFound
from sochub.partners.models import Role, User, Vetting
from sochub.suspicious_activity import selectors, services
from sochub.suspicious_activity.models import SuspiciousActivityReport
from tests.helpers import PASSWORD, act

HOSTILE = "<script>alert('x')</script>"


def login(user: User, *, purpose: bool = True) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    if purpose:
        assert client.post("/purpose/", {"purpose": "Operation Test: money laundering", "next": "/"}).status_code == 302
    return client


def record(user: User, **kwargs: Any) -> SuspiciousActivityReport:
    args: dict[str, Any] = {
        "ukfiu_reference": "UKFIU/2026/0001",
        "report_type": "information",
        "sector": "legal_professionals",
        "reporter_organisation": "Smith & Co Solicitors",
        "submitted_on": date(2026, 5, 21),
        "reason_for_suspicion": "Client paid £48,000 in cash towards a house purchase. XXPROPXX",
        "glossary_codes": ["XXPROPXX"],
    }
    args.update(kwargs)
    return services.report_record(actor=act(user), **args)


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    """Same agency as ``analyst`` (GMP), vetted, works with intelligence, but not on any access list."""
    return make_user("colleague", "gmp")


def test_a_daml_recorded_on_the_web_shows_its_notice_period_and_escapes_hostile_text(
    analyst: User, picture: dict[str, Any]
) -> None:
    client = login(analyst)
    smith = picture["smith"]
    response = client.post(
        "/suspicious-activity/new/",
        {
            "ukfiu_reference": "ukfiu-2026-777",
            "report_type": "daml",
            "sector": "legal_professionals",
            "reporter_organisation": f"Law firm {HOSTILE}",
            "submitted_on": "2026-05-21",
            "nation": "england-wales",
            "glossary_codes": ["XXS99XX", "XXPRFXX"],
            "reason_for_suspicion": f"Unexplained funds {HOSTILE}",
            "property_description": "Proceeds of sale of 1 High Street",
            "property_value": "250,000.00",
            "prohibited_act": "Transfer the sale proceeds to the client",
            "nominal": str(smith.pk),
            "name_as_reported": "J Smith",
            "company_name": "Acacia Holdings Ltd",
            "company_number": "1234567",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report = SuspiciousActivityReport.objects.get()
    assert response["Location"] == f"/suspicious-activity/{report.pk}/"
    assert report.ukfiu_reference == "UKFIU-2026-777"
    assert report.notice_period_ends == date(2026, 6, 2)  # across the spring bank holiday and a weekend
    assert report.handling == "OFFICIAL-SENSITIVE"
    assert report.property_value == Decimal("250000.00")
    assert [s.company_number for s in report.subjects.filter(kind="company")] == ["01234567"]
    page = client.get(response["Location"]).content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "Tuesday 2 June 2026" in page and "Spring Bank Holiday" in page
    assert "OFFICIAL-SENSITIVE" in page and "Acacia Holdings Ltd (01234567)" in page
    assert f"/nominals/{smith.pk}/" in page


def test_a_daml_without_a_prohibited_act_and_a_consent_code_on_an_information_report_are_refused(
    analyst: User,
) -> None:
    with pytest.raises(ValidationError) as exc:
        record(analyst, report_type="daml", glossary_codes=["XXS99XX"])
    assert "prohibited act" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        record(analyst, glossary_codes=["XXS99XX"])
    assert "marks a request for a defence" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        record(analyst, glossary_codes=[])
    assert "No codes apply" in str(exc.value)
    assert record(analyst, glossary_codes=[], no_codes_apply=True).no_codes_apply
    response = login(analyst).post(
        "/suspicious-activity/new/",
        {"ukfiu_reference": "R1", "report_type": "information", "sector": "<b>bad</b>", "submitted_on": "2099-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the reporting sector" in page and "must not be in the future" in page
    assert "Enter the UKFIU reference" in page


def test_nobody_off_the_access_list_can_see_the_report_or_learn_it_exists(
    analyst: User,
    colleague: User,
    coordinator: User,
    analyst2: User,
    sysadmin: User,
    picture: dict[str, Any],
    settings: Any,
) -> None:
    report = record(
        analyst,
        report_type="daml",
        glossary_codes=["XXS99XX"],
        prohibited_act="Complete the purchase",
        submitted_on=timezone.localdate() - timedelta(days=1),
        persons=[(picture["smith"], "John Smith")],
    )
    for user in (colleague, coordinator, analyst2, sysadmin):
        assert selectors.report_get(user=user, report_id=report.pk) is None
        assert not selectors.reports_visible_to(user=user).exists()
        assert selectors.deadlines(user=user) == []
        with pytest.raises(NotFound):
            services.report_consult(actor=act(user), report_id=report.pk)
    client = login(colleague)
    assert client.get(f"/suspicious-activity/{report.pk}/").status_code == 404
    assert client.post(f"/suspicious-activity/{report.pk}/decision/", {"decision": "granted"}).status_code == 404
    listing = client.get("/suspicious-activity/").content.decode()
    assert report.ukfiu_reference not in listing and "You are not on the access list of any report" in listing
    assert report.ukfiu_reference not in client.get("/suspicious-activity/deadlines/").content.decode()
    # the subject's page, search and network, seen by a colleague who may see the nominal: nothing of the report
    smith = picture["smith"]
    for url in (f"/nominals/{smith.pk}/", "/nominals/?q=John+Smith", f"/nominals/{smith.pk}/network/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode().lower()
        assert "John Smith".lower() in page
        for leak in (report.ukfiu_reference.lower(), "suspicious activity", "complete the purchase", "daml", "ukfiu"):
            assert leak not in page, (url, leak)
    # a system administrator's landing page is the counts, never the contents
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    admin = login(sysadmin, purpose=False)
    assert admin.get("/suspicious-activity/")["Location"] == "/suspicious-activity/counts/"
    assert admin.get(f"/suspicious-activity/{report.pk}/").status_code == 404
    # no audit row names the nominal, so its own audit trail shows nothing
    assert not AuditEvent.objects.filter(object_type="suspicious_activity_report", object_ids__icontains=str(smith.pk))


def test_the_recorder_adds_a_colleague_and_another_agencys_financial_investigator(
    analyst: User, colleague: User, analyst2: User, officer: User
) -> None:
    report = record(analyst)
    with pytest.raises(PermissionDenied, match="not vetted"):
        services.access_add(actor=act(analyst), report=report, user=officer, reason="Case officer")
    with pytest.raises(PermissionDenied, match="financial investigator"):
        services.access_add(actor=act(analyst), report=report, user=analyst2, reason="Merseyside case")
    client = login(analyst)
    response = client.post(
        f"/suspicious-activity/{report.pk}/access/", {"username": "colleague", "reason": f"Investigating {HOSTILE}"}
    )
    assert response.status_code == 302
    assert selectors.report_get(user=colleague, report_id=report.pk) is not None
    row = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="suspicious_activity_report").get()
    assert row.recipients == ["colleague"] and row.purpose.startswith("Investigating")
    # the colleague now on the list may not change it
    with pytest.raises(PermissionDenied, match="Only the person who recorded"):
        services.access_add(actor=act(colleague), report=report, user=analyst2, reason="x", financial_investigator=True)
    entry = services.access_add(
        actor=act(analyst), report=report, user=analyst2, reason="Financial investigation", financial_investigator=True
    )
    assert entry.financial_investigator and selectors.report_get(user=analyst2, report_id=report.pk) is not None
    # taken off again: 404 once more
    services.access_remove(actor=act(analyst), report=report, entry=entry)
    assert selectors.report_get(user=analyst2, report_id=report.pk) is None
    # someone who moves agency loses access
    colleague.agency = analyst2.agency
    colleague.save()
    assert selectors.report_get(user=colleague, report_id=report.pk) is None


def test_reads_are_audited_with_the_purpose(analyst: User) -> None:
    report = record(analyst)
    assert AuditEvent.objects.filter(operation=Operation.COLLECTION, object_ids=[str(report.pk)]).exists()
    client = login(analyst)
    assert client.get(f"/suspicious-activity/{report.pk}/").status_code == 200
    assert client.get("/suspicious-activity/").status_code == 200
    reads = AuditEvent.objects.filter(operation=Operation.CONSULTATION, object_type="suspicious_activity_report")
    assert {e.detail["view"] for e in reads} == {"report", "list"}
    assert all(e.purpose == "Operation Test: money laundering" for e in reads)
    # without a purpose the page asks for one first
    assert "/purpose/" in login(analyst, purpose=False).get(f"/suspicious-activity/{report.pk}/")["Location"]
    with pytest.raises(PermissionDenied):
        services.report_consult(actor=act(analyst, purpose=""), report_id=report.pk)


def test_a_refusal_starts_the_moratorium_and_the_deadlines_flag_it(analyst: User) -> None:
    today = timezone.localdate()
    running = record(
        analyst,
        ukfiu_reference="R-RUNNING",
        report_type="daml",
        glossary_codes=["XXS99XX"],
        prohibited_act="Pay away the funds",
        submitted_on=today,
    )
    refused = record(
        analyst,
        ukfiu_reference="R-REFUSED",
        report_type="daml",
        glossary_codes=["XXS99XX"],
        prohibited_act="Release the funds",
        submitted_on=today - timedelta(days=32),
    )
    services.decision_record(
        actor=act(analyst), report=refused, decision="refused", decided_on=today - timedelta(days=30)
    )
    refused.refresh_from_db()
    assert refused.moratorium_ends == today  # 31 days counting the refusal day
    rows = {r.report.ukfiu_reference: r for r in selectors.deadlines(user=analyst)}
    assert rows["R-REFUSED"].what == "moratorium" and rows["R-REFUSED"].flag == "ends today"
    assert rows["R-RUNNING"].what == "notice" and rows["R-RUNNING"].ends == running.notice_period_ends
    page = login(analyst).get("/suspicious-activity/deadlines/").content.decode()
    assert "Ends today" in page and "R-RUNNING" in page
    with pytest.raises(ValidationError, match="already recorded"):
        services.decision_record(actor=act(analyst), report=refused, decision="granted", decided_on=today)
    # an old request never answered: consent deemed
    old = record(
        analyst,
        ukfiu_reference="R-OLD",
        report_type="daml",
        glossary_codes=["XXS99XX"],
        prohibited_act="Sell the car",
        submitted_on=today - timedelta(days=30),
    )
    assert selectors.consent(old) == "deemed"
    with pytest.raises(ValidationError, match="consent was deemed"):
        services.decision_record(actor=act(analyst), report=old, decision="refused", decided_on=today)
    ext = services.extension_add(actor=act(analyst), report=refused, granted_on=today, days=31, court="Crown Court")
    assert ext.ends_on == today + timedelta(days=31)


def _spread(user: User) -> None:
    n = 0

    def add(sector: str, day: date, count: int) -> None:
        nonlocal n
        for _ in range(count):
            n += 1
            record(user, ukfiu_reference=f"C{n:04d}", sector=sector, submitted_on=day)

    add("legal_professionals", date(2025, 2, 3), 5)
    add("accountants", date(2025, 3, 3), 5)
    add("legal_professionals", date(2025, 8, 4), 8)
    add("accountants", date(2025, 9, 1), 6)
    add("banks", date(2025, 3, 10), 4)


def test_counts_by_sector_and_the_flag_it_up_change(
    analyst: User, colleague: User, analyst2: User, sysadmin: User
) -> None:
    _spread(analyst)
    # the colleague is on no list, yet sees their agency's counts (no content): what a campaign measure needs
    table = selectors.counts(user=colleague, period="quarter", start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert table.count("2025-Q1", "legal_professionals") == 5
    assert table.count("2025-Q1", "banks") == 4
    assert table.count("2025-Q3", "accountants") == 6
    assert table.total == 28
    assert selectors.counts(user=analyst2, period="year").total == 0  # another agency's analyst
    assert selectors.counts(user=sysadmin, period="year").total == 28
    client = login(colleague, purpose=False)
    page = client.get(
        "/suspicious-activity/counts/",
        {
            "period": "quarter",
            "campaign_sector": ["legal_professionals", "accountants"],
            "before_from": "2025-01-01",
            "before_to": "2025-06-30",
            "after_from": "2025-07-01",
            "after_to": "2025-12-31",
        },
    ).content.decode()
    assert "+40.0%" in page and "Target met" in page and "from 10 to 14 reports" in page
    assert 'data-testid="counts-chart"' in page and 'data-testid="counts"' in page
    assert "C0001" not in page  # no reference, ever
    csv_text = client.get("/suspicious-activity/counts.csv", {"period": "year"}).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE" and lines[-1] == "OFFICIAL-SENSITIVE"
    assert "2025,legal_professionals,Legal professionals,13" in lines
    assert AuditEvent.objects.filter(object_type="suspicious_activity_counts", operation=Operation.DISCLOSURE).exists()
    bad = client.get(
        "/suspicious-activity/counts/",
        {"before_from": "2025-07-01", "before_to": "2025-12-31", "after_from": "2025-01-01", "after_to": "2025-06-30"},
    )
    assert bad.status_code == 400 and "second period must start after" in bad.content.decode()


def test_an_officer_who_is_not_vetted_and_a_volunteer_can_do_nothing(
    officer: User, volunteer: User, make_user: Callable[..., User]
) -> None:
    for user in (officer, volunteer):
        with pytest.raises(PermissionDenied):
            record(user)
    partner = make_user("partner", "hmrc", (Role.PARTNER,), Vetting.NPPV3)
    with pytest.raises(PermissionDenied):
        record(partner)
    assert login(volunteer, purpose=False).get("/suspicious-activity/").status_code == 404
    assert login(officer).get("/suspicious-activity/new/").status_code == 404
