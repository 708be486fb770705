"""The vulnerable fraud-victim workflow (issue 6 part 2, after Operation Signature), in the browser's shoes with
the Django test client: referral with the checklist, visit, measures, volunteer, review, closure, a repeat report
that reopens the case and alerts its lead, what a volunteer and other agencies see, audit and the figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Role, User, Vetting
from sochub.protect import case_selectors as selectors
from sochub.protect import cases as services
from sochub.protect import policies
from sochub.protect.models import CaseAlert, CaseStatus, FraudReport, MeasureOutcome, VictimCase
from tests.helpers import PASSWORD, act

pytestmark = pytest.mark.django_db
SECRET_REF = "NFRC26019876"
TODAY = timezone.localdate()


def _client(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _years_ago(years: int, days: int = 40) -> date:
    return date(TODAY.year - years, TODAY.month, 1) - timedelta(days=days)


def _dmy(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}-day": str(d.day), f"{prefix}-month": str(d.month), f"{prefix}-year": str(d.year)}


BIRTH = _years_ago(82)


def _referral_form(lead: User, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Margaret Thompson",
        "address": "4 Elm Grove, Manchester",
        "postcode": "m14 5ab",
        "phone": "0161 496 0123",
        "fraud_type": "courier",
        "loss": "4,500",
        "crime_reference": SECRET_REF,
        "reported_via": "999",
        "description": "A man said to be a police officer collected her bank cards.",
        "indicators": ["courier_or_impersonation", "lives_alone"],
        "referral_source": "call_handler",
        "lead": str(lead.pk),
        **_dmy("birth_date", BIRTH),
        **_dmy("occurred_on", TODAY - timedelta(days=1)),
    }
    form.update(over)
    return form


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    user = make_user("pc_lead", "gmp", (Role.OFFICER,), Vetting.NPPV1)
    user.first_name, user.last_name, user.email = "Pat", "Lead", "pat.lead@gmp.example"
    user.save()
    return user


@pytest.fixture
def case(lead: User) -> VictimCase:
    response = _client(lead).post("/victims/refer/", _referral_form(lead))
    assert response.status_code == 302, response.content.decode()[:2000]
    return VictimCase.objects.get()


def test_referral_of_an_82_year_old_courier_fraud_victim_is_high_priority(lead: User, case: VictimCase) -> None:
    c = services.checklist()
    high = c.priority("high")
    assert case.priority == "high" and case.age_at_referral == 82
    assert case.visit_due == TODAY + timedelta(days=high.visit_within_days)
    assert case.visit_due <= TODAY + timedelta(days=high.visit_within_days)
    assert case.checklist_version == c.version and case.checklist_fingerprint
    assert case.district == "M14" and case.postcode == "M14 5AB"
    assert any("82" in r for r in case.reasons)
    report = case.reports.get()
    assert report.loss == Decimal("4500.00") and report.crime_reference == SECRET_REF and not report.repeat
    assert case.lead == lead and case.status == CaseStatus.OPEN
    page = _client(lead).get(f"/victims/{case.pk}/").content.decode()
    assert "High priority" in page and "moj-timeline" in page and "Referred: High priority" in page


def test_referral_problems_are_shown(lead: User) -> None:
    form = _referral_form(lead, name="", postcode="nowhere", loss="lots", fraud_type="", **_dmy("birth_date", TODAY))
    response = _client(lead).post("/victims/refer/", form)
    assert response.status_code == 400
    page = response.content.decode()
    for text in ("Enter the person", "Enter a full postcode", "Enter the amount lost", "Choose the type of fraud"):
        assert text in page
    assert not VictimCase.objects.exists()


def test_the_whole_case_then_a_repeat_report_alerts_the_lead_and_reopens_it(
    lead: User, case: VictimCase, make_user: Callable[..., User]
) -> None:
    volunteer = make_user("vol_ann", "gmp", (Role.VOLUNTEER,), Vetting.NONE)
    client = _client(lead)
    base = f"/victims/{case.pk}"
    assert client.post(f"{base}/visit-assign/", {"officer": lead.pk}).status_code == 302
    visit = {"officer": lead.pk, "visit_notes": "Visited in uniform; daughter present.", **_dmy("visited_on", TODAY)}
    assert client.post(f"{base}/visit/", visit).status_code == 302
    for measure, outcome in (
        ("call_blocker", MeasureOutcome.IN_PLACE),
        ("bank_liaison", MeasureOutcome.IN_PLACE),
        ("family_and_attorney", MeasureOutcome.PENDING),
    ):
        form = {"measure": measure, "partner": "", "outcome": outcome, **_dmy("requested_on", TODAY)}
        if outcome != MeasureOutcome.PENDING:
            form.update(_dmy("outcome_on", TODAY))
        response = client.post(f"{base}/measure/", form)
        assert response.status_code == 302, response.content.decode()[:3000]
    pending = case.measures.get(measure="family_and_attorney")
    response = client.post(
        f"{base}/measures/{pending.pk}/", {"outcome": "declined", **_dmy(f"m{pending.pk}-outcome_on", TODAY)}
    )
    assert response.status_code == 302
    assert client.post(f"{base}/volunteer/", {"volunteer": volunteer.pk}).status_code == 302
    review = {"review_notes": "Call blocker working; no further calls.", **_dmy("reviewed_on", TODAY)}
    assert client.post(f"{base}/review/", review).status_code == 302
    assert client.post(f"{base}/close/", {"reason": ""}).status_code == 400  # a reason is required
    assert client.post(f"{base}/close/", {"reason": "Safe; measures in place."}).status_code == 302

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.visited_on == TODAY and case.volunteer == volunteer
    assert case.measures.filter(outcome=MeasureOutcome.IN_PLACE).count() == 2
    assert case.measures.get(measure="call_blocker").partner == "Trading Standards"
    assert case.reviews.get().next_due == TODAY + timedelta(
        days=services.checklist().priority("high").review_every_days
    )

    # A second report about her from another officer: a nickname and a misspelt surname, same date of birth.
    other = make_user("pc_other", "gmp", (Role.OFFICER,), Vetting.NPPV1)
    mail.outbox.clear()
    report = {
        "name": "Maggie Thomson",
        "postcode": "M14 5AB",
        "fraud_type": "impersonation",
        "loss": "0",
        "reported_via": "action_fraud",
        **_dmy("birth_date", BIRTH),
        **_dmy("occurred_on", TODAY),
    }
    response = _client(other).post("/victims/new-report/", report)
    assert response.status_code == 302, response.content.decode()[:3000]
    result = _client(other).get(response["Location"]).content.decode()
    assert "Report added to case" in result and "nickname" in result and "date of birth" in result
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None
    repeat = FraudReport.objects.get(repeat=True)
    assert repeat.case == case and repeat.match_score is not None and repeat.match_score >= 0.8
    alert = CaseAlert.objects.get()
    assert alert.user == lead and alert.read_at is None and alert.emailed
    assert mail.outbox and mail.outbox[0].to == ["pat.lead@gmp.example"] and "Thompson" not in mail.outbox[0].body
    listing = client.get("/victims/").content.decode()
    assert "1</strong> new alert" in listing
    assert case.reference in client.get("/victims/alerts/").content.decode()
    assert client.post("/victims/alerts/", {"alert": alert.pk}).status_code == 302
    alert.refresh_from_db()
    assert alert.read_at is not None
    page = client.get(f"/victims/{case.pk}/").content.decode()
    assert "Repeat report" in page and "Case reopened" in page and "Case closed" in page
    kinds = list(case.events.values_list("kind", flat=True))
    assert {"referral", "visit_assigned", "visit", "measure", "volunteer", "review", "closed"} <= set(kinds)
    assert {"reopened", "repeat_report"} <= set(kinds)


def test_a_report_about_someone_new_goes_on_to_a_prefilled_referral(lead: User, case: VictimCase) -> None:
    client = _client(lead)
    report = {
        "name": "Albert Robinson",
        "postcode": "M20 2AB",
        "fraud_type": "romance",
        "loss": "12000",
        "reported_via": "101",
        **_dmy("birth_date", _years_ago(70)),
        **_dmy("occurred_on", TODAY),
    }
    response = client.post("/victims/new-report/", report)
    assert response.status_code == 302 and response["Location"].endswith("?from=report")
    assert "Albert Robinson" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'value="Albert Robinson"' in page and 'value="12000"' in page
    assert not CaseAlert.objects.exists() and FraudReport.objects.count() == 1


def test_a_volunteer_sees_only_their_case_and_only_what_they_need(
    lead: User, case: VictimCase, make_user: Callable[..., User]
) -> None:
    volunteer = make_user("vol_ann", "gmp", (Role.VOLUNTEER,), Vetting.NONE)
    services.volunteer_assign(actor=act(lead), case=case, volunteer=volunteer)
    services.measure_add(
        actor=act(lead), case=case, measure="call_blocker", partner="", requested_on=TODAY,
        outcome=MeasureOutcome.IN_PLACE, outcome_on=TODAY,
    )  # fmt: skip
    other = services.referral_create(
        actor=act(lead),
        person=services.PersonDetails("Harold Green", _years_ago(90), "1 Oak St", "M20 1AA", ""),
        fraud=services.FraudDetails("doorstep", TODAY, "800", "NFRC26010001", "101"),
        indicators=[],
        referral_source="officer",
    )
    client = _client(volunteer)
    listing = client.get("/victims/").content.decode()
    assert case.reference in listing and other.reference not in listing
    assert "Margaret" in listing and "Thompson" not in listing
    page = client.get(f"/victims/{case.pk}/").content.decode()
    assert "Supporting Margaret" in page and "4 Elm Grove" in page and "Call blocker" in page
    for hidden in (SECRET_REF, "4,500", "4500", "Thompson", "Lives alone", "courier", "Courier", "moj-timeline"):
        assert hidden not in page, hidden
    assert client.get(f"/victims/{other.pk}/").status_code == 404
    assert client.post(f"/victims/{other.pk}/note/", {"note": "hello"}).status_code == 404
    assert client.post(f"/victims/{case.pk}/close/", {"reason": "x"}).status_code == 404
    assert client.get("/victims/figures/").status_code == 404
    assert client.get("/victims/refer/").status_code == 404
    response = client.post(f"/victims/{case.pk}/note/", {"note": "Called Margaret; she is well."})
    assert response.status_code == 302
    assert "she is well" in client.get(f"/victims/{case.pk}/").content.decode()
    assert policies.can_support(volunteer, case) and not policies.can_view_full(volunteer, case)
    # Once the case is closed the volunteer no longer sees the person.
    services.case_close(actor=act(lead), case=case, reason="Settled; family involved.")
    case.refresh_from_db()
    assert client.get(f"/victims/{case.pk}/").status_code == 404
    assert case.reference not in client.get("/victims/").content.decode()


def test_bad_numbers_in_forms_are_refused_not_crashes(lead: User, case: VictimCase) -> None:
    client = _client(lead)
    assert client.post("/victims/alerts/", {"alert": "abc"}).status_code == 404
    huge = {"start-day": "1", "start-month": "1", "start-year": "9" * 40}
    assert client.get("/victims/figures/", huge).status_code in (200, 400)


def test_other_agencies_and_other_roles_get_404(
    case: VictimCase, make_user: Callable[..., User], analyst: User, analyst2: User
) -> None:
    mersey_officer = make_user("mersey_pc", "mersey", (Role.OFFICER,), Vetting.NPPV2)
    no_role = make_user("gmp_nobody", "gmp", (), Vetting.NONE)  # same agency, no role that works cases
    hmrc_partner = make_user("hmrc_partner", "hmrc", (Role.PARTNER,), Vetting.NPPV2)
    for user in (mersey_officer, analyst2, no_role, hmrc_partner):
        client = _client(user)
        assert client.get(f"/victims/{case.pk}/").status_code == 404
        assert client.post(f"/victims/{case.pk}/close/", {"reason": "x"}).status_code == 404
        assert client.get(f"/victims/{case.pk}/").status_code == 404
        listing = client.get("/victims/")
        assert listing.status_code == 404 if user is no_role else case.reference not in listing.content.decode()
    # Another agency's report about the same person does not match GMP's case.
    client = _client(mersey_officer)
    form = _referral_form(mersey_officer)
    form.pop("lead"), form.pop("indicators"), form.pop("referral_source")
    response = client.post("/victims/new-report/", form)
    assert response.status_code == 302 and "from=report" in response["Location"]
    assert not CaseAlert.objects.exists()
    # The same agency's analyst works the case.
    assert _client(analyst).get(f"/victims/{case.pk}/").status_code == 200


def test_views_and_changes_are_audited(lead: User, case: VictimCase) -> None:
    client = _client(lead)
    client.get(f"/victims/{case.pk}/")
    client.post(f"/victims/{case.pk}/review/", {"review_notes": "Fine", **_dmy("reviewed_on", TODAY)})
    rows = [e for e in AuditEvent.objects.filter(object_type="victim case") if e.object_ids == [str(case.pk)]]
    assert {Operation.COLLECTION, Operation.CONSULTATION, Operation.ALTERATION} <= {e.operation for e in rows}
    assert any(e.operation == Operation.CONSULTATION and e.detail.get("view") == "case" for e in rows)
    assert all(e.username == lead.username for e in rows)


def test_hostile_input_is_escaped(lead: User) -> None:
    client = _client(lead)
    form = _referral_form(lead, name='<script>alert("x")</script> Smith', address="<img src=x onerror=alert(1)>")
    response = client.post("/victims/refer/", form)
    assert response.status_code == 302
    case = VictimCase.objects.get()
    client.post(f"/victims/{case.pk}/note/", {"note": "<b>bold</b>"})
    page = client.get(f"/victims/{case.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "<b>bold</b>" not in page
    assert "<script>alert" not in client.get("/victims/").content.decode()


def test_figures(lead: User, make_user: Callable[..., User]) -> None:
    def refer(name: str, age: int, postcode: str, indicators: list[str], loss: str, days_ago: int) -> VictimCase:
        return services.referral_create(
            actor=act(lead),
            person=services.PersonDetails(name, _years_ago(age), "", postcode, ""),
            fraud=services.FraudDetails("courier", TODAY - timedelta(days=days_ago), loss, "", "101"),
            indicators=indicators,
            referral_source="officer",
            referred_on=TODAY - timedelta(days=days_ago),
        )

    a = refer("Ann Able", 85, "M14 5AB", ["courier_or_impersonation"], "100", 30)  # high
    b = refer("Bob Baker", 84, "M14 6CD", ["cognitive_impairment"], "0", 20)  # high
    c = refer("Cat Cole", 40, "M20 1AA", [], "0", 10)  # standard
    d = refer("Dan Dale", 90, "M20 2BB", ["scammer_in_contact_now"], "0", 5)  # high, not visited
    assert [x.priority for x in (a, b, c, d)] == ["high", "high", "standard", "high"]
    high_days = services.checklist().priority("high").visit_within_days
    services.visit_record(actor=act(lead), case=a, officer=lead, visited_on=a.referred_on + timedelta(days=1), notes="")
    services.visit_record(
        actor=act(lead), case=b, officer=lead, visited_on=b.referred_on + timedelta(days=high_days + 3), notes=""
    )
    services.visit_record(actor=act(lead), case=c, officer=lead, visited_on=c.referred_on + timedelta(days=4), notes="")
    services.measure_add(
        actor=act(lead), case=a, measure="call_blocker", partner="", requested_on=TODAY,
        outcome=MeasureOutcome.IN_PLACE, outcome_on=TODAY,
    )  # fmt: skip
    services.measure_add(actor=act(lead), case=b, measure="call_blocker", partner="", requested_on=TODAY)
    services.report_record(
        actor=act(lead),
        person=services.PersonDetails("Ann Able", a.birth_date, "", "M14 5AB", ""),
        fraud=services.FraudDetails("romance", TODAY, "50", "", "101"),
    )
    figs = selectors.figures(user=lead, start=TODAY - timedelta(days=60), end=TODAY, today=TODAY)
    assert figs.cases == 4 and figs.repeat_cases == 1 and figs.repeat_rate == 0.25
    assert figs.by_area["M14"] == {"high": 2} and figs.by_area["M20"] == {"standard": 1, "high": 1}
    high = next(v for v in figs.visits if v.priority == "high")
    assert (high.cases, high.visited, high.within_target, high.waiting) == (3, 2, 1, 1)
    assert high.median_days == (1 + high_days + 3) / 2 and high.share_within == 0.5
    standard = next(v for v in figs.visits if v.priority == "standard")
    assert (standard.visited, standard.within_target, standard.median_days) == (1, 1, 4.0)
    blocker = next(m for m in figs.measures if m[0] == "Call blocker")
    assert blocker[1:] == (1, 2)
    # The page shows the same figures; a narrower period leaves the older cases out.
    page = _client(lead).get("/victims/figures/").content.decode()
    assert "25%" in page and "1 (50%)" in page
    narrow = {**_dmy("start", TODAY - timedelta(days=12)), **_dmy("end", TODAY)}
    assert selectors.figures(user=lead, start=TODAY - timedelta(days=12), end=TODAY, today=TODAY).cases == 2
    assert "<strong>2</strong>" in _client(lead).get("/victims/figures/", narrow).content.decode()


def test_demo_cases_cover_every_state(db: Any) -> None:
    from sochub.intel.demo import build_demo
    from sochub.protect.demo_cases import build_demo_cases
    from sochub.protect.models import VictimCase

    build_demo(seed=3, nominals=300, password="demo-cases-password-42")
    made = build_demo_cases(seed=3, today=date(2026, 11, 28))
    assert made["victim cases"] == 30 and made["victim cases closed"] > 0
    assert VictimCase.objects.filter(visited_on__isnull=True).exists()
    assert VictimCase.objects.filter(volunteer__isnull=False).exists()
