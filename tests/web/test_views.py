"""The web pages through Django's test client: sign-in, lockout, purpose, access rules, audit, headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.jobs.models import Job, JobStatus
from sochub.partners.models import Agency, Role, User, Vetting
from tests.helpers import PASSWORD, act

PURPOSE = "Operation Juniper: assessing the risk this person poses"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def nominal_url(nominal: Any) -> str:
    return f"/nominals/{nominal.pk}/"


def set_purpose(client: Client, purpose: str = PURPOSE) -> None:
    response = client.post("/purpose/", {"purpose": purpose, "next": "/nominals/"})
    assert response.status_code == 302, response.content[:500]


def complete_two_factor(client: Client, user: User) -> None:
    """Do what a person with an authenticator app does on /account/two-factor/."""
    response = client.get("/account/two-factor/")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    response = client.post("/account/two-factor/", {"code": f"{code:0{device.digits}d}"})
    assert response.status_code == 302, response.content[:500]
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def audit_rows(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


# Signing in --------------------------------------------------------------------------------


def test_sign_in_with_the_right_password_redirects_and_signs_in(client: Client, analyst: User) -> None:
    response = client.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert client.get("/").status_code == 200


def test_sign_in_with_a_wrong_password_is_400_with_a_message(client: Client, analyst: User) -> None:
    response = client.post("/sign-in/", {"username": "analyst", "password": "not-the-password-at-all"})
    assert response.status_code == 400
    assert "Enter a correct user name and password" in response.content.decode()
    assert not is_signed_in(client)


def test_sign_in_with_empty_fields_names_both(client: Client, analyst: User) -> None:
    response = client.post("/sign-in/", {"username": "", "password": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter your user name" in body
    assert "Enter your password" in body


def test_account_locks_after_five_failures_even_for_the_right_password(client: Client, analyst: User) -> None:
    for attempt in range(5):
        response = client.post("/sign-in/", {"username": "analyst", "password": f"wrong-password-{attempt}"})
        assert response.status_code in (400, 429), attempt
        assert not is_signed_in(client)
    response = client.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client: Client, analyst: User) -> None:
    for _ in range(2):
        for attempt in range(4):
            assert client.post("/sign-in/", {"username": "analyst", "password": f"wrong-{attempt}"}).status_code == 400
        assert client.post("/sign-in/", {"username": "analyst", "password": PASSWORD}).status_code == 302
        client.post("/sign-out/")


def test_lockout_is_per_account_so_others_can_still_sign_in(client: Client, analyst: User, analyst2: User) -> None:
    for attempt in range(5):
        client.post("/sign-in/", {"username": "analyst", "password": f"wrong-password-{attempt}"})
    other = Client()
    response = other.post("/sign-in/", {"username": "analyst2", "password": PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(other)


def test_sign_out_ends_the_session_and_forgets_the_purpose(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    set_purpose(client)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert not is_signed_in(client)
    assert client.get(nominal_url(picture["smith"])).status_code == 302
    client.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    response = client.get(nominal_url(picture["smith"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/purpose/")


@pytest.mark.parametrize("path", ["/", "/nominals/", "/ocgs/", "/intelligence/", "/directory/", "/audit/"])
def test_anonymous_users_are_sent_to_sign_in(client: Client, db: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


# Purpose and nominal pages -----------------------------------------------------------------


def test_nominal_page_without_a_purpose_redirects_to_purpose(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    url = nominal_url(picture["smith"])
    before = AuditEvent.objects.filter(object_type="nominal", operation="consultation").count()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/purpose/?next={url}"
    assert AuditEvent.objects.filter(object_type="nominal", operation="consultation").count() == before


def test_a_too_short_purpose_is_400_with_an_error_summary(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    url = nominal_url(picture["smith"])
    response = client.post("/purpose/", {"purpose": "look", "next": url})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert "Say why you need to see this record" in body
    # Still no purpose: the record stays closed.
    assert client.get(url).status_code == 302


def test_with_a_purpose_the_nominal_page_renders_and_is_audited(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    smith = picture["smith"]
    url = nominal_url(smith)
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "John Smith" in body
    assert "85/0123456X" in body
    assert PURPOSE in body
    rows = [
        e
        for e in audit_rows(operation="consultation", object_type="nominal", username="analyst")
        if str(smith.pk) in e.object_ids
    ]
    assert len(rows) == 1
    assert rows[0].purpose == PURPOSE
    assert rows[0].channel == "web"
    assert rows[0].agency_code == "gmp"


def test_another_agency_gets_404_not_403(
    signed_in: Callable[[User], Client], analyst2: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst2)
    url = nominal_url(picture["smith"])
    # Not even the purpose prompt, which would confirm the record exists.
    assert client.get(url).status_code == 404
    set_purpose(client)
    response = client.get(url)
    assert response.status_code == 404
    assert "John Smith" not in response.content.decode()
    # And an id that does not exist at all looks the same.
    assert client.get("/nominals/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/nominals/not-a-uuid/").status_code == 404


def test_search_forgives_misspelling_and_respects_agency(
    signed_in: Callable[[User], Client], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    client = signed_in(analyst)
    response = client.get("/nominals/", {"q": "Jon Smiht"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "John Smith" in body
    assert nominal_url(smith) in body
    rows = audit_rows(object_type="nominal_search", username="analyst", query="Jon Smiht")
    assert len(rows) == 1
    assert str(smith.pk) in rows[0].object_ids
    assert rows[0].operation == "consultation"

    other = Client()
    other.post("/sign-in/", {"username": "analyst2", "password": PASSWORD})
    response = other.get("/nominals/", {"q": "Jon Smiht"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "John Smith" not in body
    assert str(smith.pk) not in body
    rows = audit_rows(object_type="nominal_search", username="analyst2", query="Jon Smiht")
    assert len(rows) == 1
    assert rows[0].object_ids == []


def test_search_by_identifier_finds_the_person(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    for query in ("85/123456X", "AB 12 34 56 C", "14/03/1985", "M14 5AB"):
        body = client.get("/nominals/", {"q": query}).content.decode()
        assert nominal_url(picture["smith"]) in body, query


def test_officer_cannot_open_official_sensitive_intelligence(
    signed_in: Callable[[User], Client], officer: User, analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(officer)
    assert client.get(f"/intelligence/{picture['intel_os'].pk}/").status_code == 404
    assert client.get(f"/intelligence/{picture['intel_p'].pk}/").status_code == 200
    listing = client.get("/intelligence/").content.decode()
    assert "Corrupt insider" not in listing
    assert "Drug supply from Acacia Road" in listing
    set_purpose(client)
    profile = client.get(nominal_url(picture["smith"]))
    assert profile.status_code == 200
    assert "Corrupt insider" not in profile.content.decode()

    analyst_client = Client()
    analyst_client.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    response = analyst_client.get(f"/intelligence/{picture['intel_os'].pk}/")
    assert response.status_code == 200
    assert "Corrupt insider" in response.content.decode()
    assert "OFFICIAL-SENSITIVE" in response.content.decode()


def test_handling_code_c_record_shows_its_conditions(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    response = client.get(f"/intelligence/{picture['intel_c'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Handling code C" in body
    assert "A2 S2: covert action only; refer to originator." in body
    p_body = client.get(f"/intelligence/{picture['intel_p'].pk}/").content.decode()
    assert "Handling code C. Conditions" not in p_body


def test_intelligence_search_needs_every_word(
    signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst)
    body = client.get("/intelligence/", {"q": "handgun Wilmslow"}).content.decode()
    assert "Firearm stored at lock-up" in body
    assert "Drug supply from Acacia Road" not in body
    for query in ("handgun insider", "zebra crossing"):
        body = client.get("/intelligence/", {"q": query}).content.decode()
        for title in ("Firearm stored at lock-up", "Drug supply from Acacia Road", "Corrupt insider"):
            assert title not in body, (query, title)
    row = AuditEvent.objects.filter(object_type="intelligence_search").latest("id")
    assert row.query == "zebra crossing"
    assert row.object_ids == []


def test_other_agency_cannot_open_intelligence(
    signed_in: Callable[[User], Client], analyst2: User, picture: dict[str, Any]
) -> None:
    client = signed_in(analyst2)
    for key in ("intel_p", "intel_c", "intel_os"):
        assert client.get(f"/intelligence/{picture[key].pk}/").status_code == 404, key


@pytest.mark.parametrize("path", ["/nominals/", "/ocgs/", "/intelligence/"])
def test_volunteer_gets_404_for_intelligence_pages(
    signed_in: Callable[[User], Client], volunteer: User, picture: dict[str, Any], path: str
) -> None:
    client = signed_in(volunteer)
    assert client.get(path).status_code == 404
    assert client.get(nominal_url(picture["smith"])).status_code == 404


def test_a_volunteer_may_state_a_purpose_but_it_opens_nothing(
    signed_in: Callable[[User], Client], volunteer: User, picture: dict[str, Any]
) -> None:
    """Volunteers on Prevent programmes give a purpose before opening a young person's record; the same page
    serves everyone, and a purpose grants no access by itself."""
    client = signed_in(volunteer)
    assert client.post("/purpose/", {"purpose": "Haggrid: this week's register", "next": "/"}).status_code == 302
    assert client.get(nominal_url(picture["smith"])).status_code == 404
    assert client.get("/nominals/").status_code == 404


def test_volunteer_home_page_renders_without_intelligence(
    signed_in: Callable[[User], Client], volunteer: User, picture: dict[str, Any]
) -> None:
    response = signed_in(volunteer).get("/")
    assert response.status_code == 200
    assert "Drug supply from Acacia Road" not in response.content.decode()


def test_ocg_pages_respect_agency(
    signed_in: Callable[[User], Client], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    ocg = intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    intel.ocg_membership_add(actor=act(analyst), ocg=ocg, nominal=picture["smith"], role="principal")
    client = signed_in(analyst)
    assert "Acacia Road Crew" in client.get("/ocgs/").content.decode()
    response = client.get(f"/ocgs/{ocg.pk}/")
    assert response.status_code == 200
    assert "John Smith" in response.content.decode()
    other = Client()
    other.post("/sign-in/", {"username": "analyst2", "password": PASSWORD})
    assert "Acacia Road Crew" not in other.get("/ocgs/").content.decode()
    assert other.get(f"/ocgs/{ocg.pk}/").status_code == 404


def test_merged_nominal_redirects_permanently_to_the_survivor(
    signed_in: Callable[[User], Client], analyst: User, analyst2: User, picture: dict[str, Any]
) -> None:
    smith = picture["smith"]
    duplicate = intel.nominal_create(actor=act(analyst), facts=[("name", "Jon Smith"), ("pnc_id", "85/123456X")])
    intel.nominal_merge(actor=act(analyst), keep=smith, absorb=duplicate, reason="Same PNC ID: one person")
    client = signed_in(analyst)
    response = client.get(nominal_url(duplicate))
    assert response.status_code == 301
    assert response["Location"] == nominal_url(smith)
    set_purpose(client)
    body = client.get(nominal_url(smith)).content.decode()
    assert "Jon Smith" in body
    assert str(duplicate.pk) in body
    # The other agency learns nothing, not even that a survivor exists.
    other = Client()
    other.post("/sign-in/", {"username": "analyst2", "password": PASSWORD})
    response = other.get(nominal_url(duplicate))
    assert response.status_code == 404


# Audit, two-factor and jobs ----------------------------------------------------------------


def test_audit_is_404_for_an_analyst(signed_in: Callable[[User], Client], analyst: User) -> None:
    client = signed_in(analyst)
    assert client.get("/audit/").status_code == 404
    assert client.post("/audit/verify/").status_code == 404
    assert not Job.objects.exists()


def test_sysadmin_must_set_up_two_factor_then_can_search_and_verify_audit(
    signed_in: Callable[[User], Client], sysadmin: User, analyst: User, picture: dict[str, Any], settings: Any
) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = True
    client = signed_in(sysadmin)
    for path in ("/audit/", "/", "/directory/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/two-factor/"
    assert client.post("/audit/verify/").status_code == 302
    assert not Job.objects.exists()

    # A wrong code is refused.
    client.get("/account/two-factor/")
    response = client.post("/account/two-factor/", {"code": "000000x"})
    assert response.status_code == 400
    assert client.get("/audit/").status_code == 302

    complete_two_factor(client, sysadmin)
    response = client.get("/audit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="audit-results"' in body
    assert "No rows match." not in body
    assert str(picture["jones"].pk) in body
    assert ">analyst<" in body
    # Searching the log is itself logged.
    assert audit_rows(object_type="audit_log", username="sysadmin")

    filtered = client.get("/audit/", {"username": "analyst2"}).content.decode()
    assert ">analyst2<" in filtered
    assert ">analyst<" not in filtered

    with override_settings(TASKS=IMMEDIATE_TASKS):
        assert isinstance(task_backends["default"], ImmediateBackend)  # the override reached django_tasks
        response = client.post("/audit/verify/")
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "audit_verify"
    assert job.created_by == sysadmin
    assert job.status == JobStatus.DONE, job.error
    assert job.result["ok"] is True
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Audit chain intact" in page.content.decode()
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "Audit chain intact" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    # Only the person who started a job sees it.
    other = Client()
    other.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    assert other.get(f"/jobs/{job.pk}/").status_code == 404


def listed_audit_ids(body: str) -> set[int]:
    """The # column of the audit results table."""
    table = body.split('data-testid="audit-results"', 1)[1].split("</tbody>", 1)[0]
    first_cell = '<tr class="govuk-table__row"><td class="govuk-table__cell">'
    return {int(row.split("<", 1)[0]) for row in table.split(first_cell)[1:]}


def test_audit_search_lists_every_matching_row(
    signed_in: Callable[[User], Client], sysadmin: User, picture: dict[str, Any], settings: Any
) -> None:
    """All rows that match when the admin searches are listed, including the oldest one.

    The view pages the queryset lazily and then appends its own audit row before the
    template reads the page, so the slice [0:count] is taken after the new row arrived.
    """
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    client = signed_in(sysadmin)
    expected = list(AuditEvent.objects.values_list("pk", flat=True))
    assert len(expected) >= 5
    shown = listed_audit_ids(client.get("/audit/").content.decode())
    missing = set(expected) - shown
    assert not missing, f"audit rows {sorted(missing)} match but are not listed"
    # Also with a filter that the search's own audit row matches.
    consultations = set(AuditEvent.objects.filter(operation="consultation").values_list("pk", flat=True))
    shown = listed_audit_ids(client.get("/audit/", {"operation": "consultation"}).content.decode())
    assert consultations <= shown


def test_admin_with_a_confirmed_device_must_enter_a_code_at_sign_in(
    client: Client, signed_in: Callable[[User], Client], sysadmin: User, settings: Any
) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = True
    complete_two_factor(signed_in(sysadmin), sysadmin)
    fresh = Client()
    response = fresh.post("/sign-in/", {"username": "sysadmin", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/"
    assert not is_signed_in(fresh)
    assert fresh.post("/sign-in/code/", {"code": "123"}).status_code == 400
    assert not is_signed_in(fresh)
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=True)
    device.throttle_reset()  # django-otp slows retries after a wrong code; we do not want to wait
    # Setting up used this time step's code, and django-otp refuses a code twice: use the next step's.
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = device.t0 + (device.last_t + 1) * device.step
    code = clock.token()
    response = fresh.post("/sign-in/code/", {"code": f"{code:0{device.digits}d}"})
    assert response.status_code == 302
    assert is_signed_in(fresh)
    assert fresh.get("/audit/").status_code == 200


# The partner directory -----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["volunteer", "officer", "analyst2"])
def test_directory_pages_render_for_any_signed_in_user(
    signed_in: Callable[[User], Client], volunteer: User, officer: User, analyst2: User, username: str
) -> None:
    client = signed_in(User.objects.get(username=username))
    response = client.get("/directory/")
    assert response.status_code == 200
    assert "Greater Manchester Police" in response.content.decode()
    region = client.get("/directory/regions/north-west/")
    assert region.status_code == 200
    assert "Merseyside Police" in region.content.decode()
    agency = client.get("/directory/agencies/gmp/")
    assert agency.status_code == 200
    assert "Greater Manchester Police" in agency.content.decode()
    assert "Change contact details" not in agency.content.decode()
    assert client.get("/directory/agencies/no-such-agency/").status_code == 404
    searched = client.get("/directory/", {"q": "Merseyside"}).content.decode()
    assert "Merseyside Police" in searched


def test_agency_admin_edits_own_agency_only(
    signed_in: Callable[[User], Client], make_user: Callable[..., User], agencies: dict[str, Agency], settings: Any
) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = True
    admin = make_user("gmp-admin", "gmp", (Role.AGENCY_ADMIN,), Vetting.NPPV2)
    client = signed_in(admin)
    complete_two_factor(client, admin)
    page = client.get("/directory/agencies/gmp/")
    assert "Change contact details" in page.content.decode()
    response = client.post(
        "/directory/agencies/gmp/",
        {"contact_email": "soc-hub@gmp.police.uk", "contact_phone": "0161 000 0000", "address": "", "notes": ""},
    )
    assert response.status_code == 302
    assert Agency.objects.get(code="gmp").contact_email == "soc-hub@gmp.police.uk"
    assert "soc-hub@gmp.police.uk" in client.get("/directory/agencies/gmp/").content.decode()
    assert audit_rows(operation="alteration", object_type="agency", username="gmp-admin")

    bad = client.post("/directory/agencies/gmp/", {"contact_email": "not an email"})
    assert bad.status_code == 400
    assert "Enter an email address" in bad.content.decode()
    assert Agency.objects.get(code="gmp").contact_email == "soc-hub@gmp.police.uk"

    other = client.post("/directory/agencies/merseyside/", {"contact_email": "hijack@evil.example"})
    assert other.status_code == 403
    assert Agency.objects.get(code="merseyside").contact_email == ""
    assert "Change contact details" not in client.get("/directory/agencies/merseyside/").content.decode()


def test_analyst_cannot_edit_agency_details(signed_in: Callable[[User], Client], analyst: User) -> None:
    client = signed_in(analyst)
    response = client.post("/directory/agencies/gmp/", {"contact_email": "x@example.org"})
    assert response.status_code == 403
    assert Agency.objects.get(code="gmp").contact_email == ""


# Headers and health --------------------------------------------------------------------------


def _assert_security_headers(response: Any) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_security_headers_on_pages(
    client: Client, signed_in: Callable[[User], Client], analyst: User, picture: dict[str, Any]
) -> None:
    _assert_security_headers(client.get("/sign-in/"))
    signed = signed_in(analyst)
    set_purpose(signed)
    for path in ("/", "/nominals/?q=Smith", nominal_url(picture["smith"]), "/directory/"):
        response = signed.get(path)
        assert response.status_code == 200, path
        _assert_security_headers(response)


def test_csp_nonce_matches_the_inline_scripts(client: Client, db: Any) -> None:
    response = client.get("/sign-in/")
    csp = response.headers["Content-Security-Policy"]
    body = response.content.decode()
    assert "'unsafe-inline'" not in csp
    if "<script nonce=" in body:
        nonce = body.split('<script nonce="', 1)[1].split('"', 1)[0]
        assert f"'nonce-{nonce}'" in csp


def test_healthz_is_json_ok(client: Client, db: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"
