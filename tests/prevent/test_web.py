"""The prevent pages: landing, programme, referral form and decision, a young person, the register, the report
with its chart and CSV, the retention list; members only, 404 for everyone else, hostile input escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.partners.models import Role, User
from sochub.prevent import services
from sochub.prevent.models import Attendance, Outcome, Programme, YoungPerson, YoungPersonStatus
from tests.helpers import PASSWORD, act

from .conftest import PURPOSE

HOSTILE = "<script>alert(1)</script>"


def login(user: User, *, purpose: bool = True) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    if purpose:
        assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/prevent/"}).status_code == 302
    return client


def test_landing_lists_programmes_for_any_partner_user(programme: Programme, make_user: Callable[..., User]) -> None:
    other = make_user("merseyside_partner", "mersey", (Role.PARTNER,))
    page = login(other).get("/prevent/")
    assert page.status_code == 200
    assert "Haggrid Manchester" in page.content.decode()
    detail = login(other).get(f"/prevent/{programme.pk}/").content.decode()
    assert "Social education" in detail and "Refer a young person" in detail
    assert 'data-testid="participants"' not in detail


def test_refer_decide_register_and_outcome_through_the_pages(
    programme: Programme, lead: User, practitioner: User, make_user: Callable[..., User]
) -> None:
    teacher = make_user("teacher", "mersey", (Role.PARTNER,))
    client = login(teacher)
    on = timezone.localdate() - timedelta(days=40)
    form = {
        "first_name": "Leon",
        "last_name": HOSTILE,
        "date_of_birth": on.replace(year=on.year - 14).isoformat(),
        "referred_on": on.isoformat(),
        "postcode": "M14 5AB",
        "school": HOSTILE,
        "risk_factors": ["county_lines", "missing_episodes"],
        "safeguarding_flags": ["cce_concern"],
        "young_person_consent": "yes",
        "young_person_consent_how": "Signed",
        "young_person_consent_on": on.isoformat(),
        "guardian_name": "Ruth Okafor",
        "guardian_relationship": "Grandmother",
        "guardian_consent_how": "Signed",
        "guardian_consent_on": on.isoformat(),
    }
    bad = client.post(
        f"/prevent/{programme.pk}/refer/", {**form, "date_of_birth": on.replace(year=on.year - 9).isoformat()}
    )
    assert bad.status_code == 400 and "this programme is for ages 11 to 16" in bad.content.decode()
    response = client.post(f"/prevent/{programme.pk}/refer/", form)
    assert response.status_code == 302
    yp = YoungPerson.objects.get()
    assert yp.postcode_district == "M14"
    # The referrer sees what they sent while it waits; a member sees it all, escaped.
    mine = client.get(f"/prevent/young-people/{yp.pk}/").content.decode()
    assert 'data-testid="referrer-view"' in mine and "Leon" in mine
    lead_client = login(lead)
    page = lead_client.get(f"/prevent/young-people/{yp.pk}/").content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert "Child criminal exploitation (CCE) concern" in page
    assert (
        lead_client.post(
            f"/prevent/young-people/{yp.pk}/decide/", {"decision": "accept", "on": on.isoformat()}
        ).status_code
        == 302
    )
    yp.refresh_from_db()
    assert yp.status == YoungPersonStatus.ACTIVE
    # After acceptance the referrer sees the status only.
    after = client.get(f"/prevent/young-people/{yp.pk}/").content.decode()
    assert "Taking part" in after and "Leon" not in after and "Ruth" not in after
    # A practitioner (volunteer) adds a session and keeps the register.
    vol = login(practitioner)
    phase = programme.phases.get(order=1)
    r = vol.post(
        f"/prevent/{programme.pk}/sessions/new/",
        {"phase": phase.pk, "held_on": (on + timedelta(days=3)).isoformat(), "title": HOSTILE, "location": "Hulme"},
    )
    assert r.status_code == 302
    session_url = r["Location"]
    register = vol.get(session_url).content.decode()
    assert HOSTILE not in register and "Leon" in register
    assert vol.post(session_url, {f"mark-{yp.pk}": "attended"}).status_code == 302
    assert Attendance.objects.get().mark == "attended"
    assert vol.post(session_url, {f"mark-{yp.pk}": "present"}).status_code == 400
    r = vol.post(
        f"/prevent/young-people/{yp.pk}/outcomes/",
        {
            "kind": "qualification",
            "title": "City and Guilds Level 1 Award",
            "level": "Level 1",
            "achieved_on": (on + timedelta(days=5)).isoformat(),
            "phase": str(phase.pk),
        },
    )
    assert r.status_code == 302 and Outcome.objects.get().phase == phase
    r = vol.post(
        f"/prevent/young-people/{yp.pk}/outcomes/", {"kind": "qualification", "title": "x", "achieved_on": "nope"}
    )
    assert r.status_code == 400
    # The register and the record page were audited as consultations.
    assert AuditEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="young_person", detail__view="register"
    ).exists()


def test_non_members_and_coordinators_get_404(
    programme: Programme, lead: User, refer: Callable[..., YoungPerson], make_user: Callable[..., User]
) -> None:
    yp = refer()
    session = services.session_create(
        actor=act(lead), programme=programme, phase=programme.phases.first(), held_on=yp.referred_on, title="W1"
    )
    same_agency = make_user("gmp_officer2", "gmp", (Role.OFFICER,))
    coordinator = make_user("coord", "gmp", (Role.COORDINATOR,))
    coordinator.coordinator_region = programme.region
    coordinator.save()
    for user in (same_agency, coordinator):
        client = login(user)
        for url in (
            f"/prevent/young-people/{yp.pk}/",
            f"/prevent/sessions/{session.pk}/",
            f"/prevent/{programme.pk}/report/",
            f"/prevent/{programme.pk}/report.csv",
            f"/prevent/{programme.pk}/sessions/new/",
        ):
            assert client.get(url).status_code == 404, (user.username, url)
        assert (
            client.post(
                f"/prevent/young-people/{yp.pk}/decide/", {"decision": "accept", "on": "2026-01-01"}
            ).status_code
            == 404
        )
        assert "Kayden" not in client.get(f"/prevent/{programme.pk}/").content.decode()
    assert login(lead).get(f"/prevent/young-people/{yp.pk + 999}/").status_code == 404


def test_reading_a_young_person_needs_a_purpose(
    programme: Programme, lead: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = refer()
    assert login(lead, purpose=False).get(f"/prevent/young-people/{yp.pk}/").status_code == 302
    before = AuditEvent.objects.filter(operation=Operation.CONSULTATION, object_type="young_person").count()
    assert login(lead).get(f"/prevent/young-people/{yp.pk}/").status_code == 200
    row = AuditEvent.objects.filter(operation=Operation.CONSULTATION, object_type="young_person").latest("id")
    assert row.purpose == PURPOSE and row.object_ids == [str(yp.pk)]
    assert AuditEvent.objects.filter(operation=Operation.CONSULTATION, object_type="young_person").count() == before + 1


def test_report_page_chart_and_csv(programme: Programme, lead: User, refer: Callable[..., YoungPerson]) -> None:
    yp = refer(first_name="Imogen")
    services.referral_decide(actor=act(lead), young_person=yp, decision="accept", on=yp.referred_on)
    client = login(lead)
    page = client.get(f"/prevent/{programme.pk}/report/").content.decode()
    assert "<svg" in page and "Young people per year" in page and "Imogen" not in page
    assert " style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    csv_response = client.get(f"/prevent/{programme.pk}/report.csv")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode()
    assert "overall,accepted,1" in text and "Imogen" not in text
    assert AuditEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="prevent_programme").exists()


def test_retention_list_and_erase_through_the_page(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = refer(first_name="Perpetua")
    YoungPerson.objects.filter(pk=yp.pk).update(retention_review_on=timezone.localdate())
    assert "Perpetua" in login(lead).get("/prevent/retention/").content.decode()
    assert "Perpetua" not in login(practitioner).get("/prevent/retention/").content.decode()
    assert (
        login(practitioner).post(f"/prevent/young-people/{yp.pk}/retention/", {"decision": "erase"}).status_code == 404
    )
    r = login(lead).post(f"/prevent/young-people/{yp.pk}/retention/", {"decision": "retain", "reason": ""})
    assert r.status_code == 400
    r = login(lead).post(f"/prevent/young-people/{yp.pk}/retention/", {"decision": "erase"})
    assert r.status_code == 302
    yp.refresh_from_db()
    assert yp.erased_at is not None and yp.first_name == ""
    assert login(lead).get(f"/prevent/young-people/{yp.pk}/").status_code == 404


def test_setting_up_a_programme_and_members(make_user: Callable[..., User], practitioner: User) -> None:
    officer = make_user("new_lead", "gmp", (Role.OFFICER,))
    client = login(officer)
    r = client.post(
        "/prevent/new/",
        {
            "name": HOSTILE,
            "area": "Bolton",
            "capacity_per_year": "90",
            "age_min": "11",
            "age_max": "16",
            "phases": "Social education\nCommunity projects\nReward activities",
            "lead_agencies": ["mersey"],
        },
    )
    assert r.status_code == 302
    programme = Programme.objects.get(area="Bolton")
    assert programme.phases.count() == 3
    assert HOSTILE not in client.get(r["Location"]).content.decode()
    assert client.post("/prevent/new/", {"name": "X", "area": "Y", "capacity_per_year": "0"}).status_code == 400
    r = client.post(f"/prevent/{programme.pk}/members/", {"username": practitioner.username, "role": "lead"})
    assert not programme.members.filter(user=practitioner).exists()
    client.post(f"/prevent/{programme.pk}/members/", {"username": practitioner.username, "role": "viewer"})
    assert programme.members.get(user=practitioner).role == "viewer"
    assert (
        login(practitioner).post(f"/prevent/{programme.pk}/members/", {"username": "x", "role": "viewer"}).status_code
        == 404
    )
    assert login(make_user("vol2", "gmp", (Role.VOLUNTEER,))).get("/prevent/new/").status_code == 404


def test_a_completed_participants_page_and_reoffending_check(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson]
) -> None:
    from .test_prevent import run_through_programme

    yp = run_through_programme(programme, lead, practitioner, refer())
    YoungPerson.objects.filter(pk=yp.pk).update(retention_review_on=timezone.localdate())
    client = login(lead)
    page = client.get(f"/prevent/young-people/{yp.pk}/").content.decode()
    assert "City and Guilds Employability Skills" in page and "Reoffending checks" in page
    assert "Completed the programme" in page and "Save the retention decision" in page
    check = yp.reoffending_checks.get(months=6)
    r = client.post(
        f"/prevent/young-people/{yp.pk}/reoffending/",
        {"check": str(check.pk), "result": "none", "on": timezone.localdate().isoformat()},
    )
    assert r.status_code == 302
    check.refresh_from_db()
    assert check.result == "none"
    programme_page = client.get(f"/prevent/{programme.pk}/").content.decode()
    assert "Kayden" in programme_page and "Social education week 1" in programme_page
    report = client.get(f"/prevent/{programme.pk}/report/").content.decode()
    assert "Kayden" not in report and "No offending recorded" in report
