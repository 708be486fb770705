"""Hostile input: markup, SQL metacharacters, huge values, impossible dates, NUL bytes, bad UTF-8,
missing CSRF tokens and open redirects. Nothing may cause a 500 or run in a browser."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from sochub.audit.models import AuditEvent
from sochub.intel import services as intel
from sochub.intel.models import HandlingCode, IntelligenceRecord, Nominal, NominalFact
from sochub.partners.models import User
from sochub.partners.services import token_create
from tests.helpers import PASSWORD, act

PURPOSE = "Operation Juniper: assessing the risk this person poses"
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
LONG = "A" * 10_000


def set_purpose(client: Client) -> None:
    assert client.post("/purpose/", {"purpose": PURPOSE}).status_code == 302


def sign_in(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def message_for(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


# Markup --------------------------------------------------------------------------------------


def test_script_in_a_name_is_shown_escaped(analyst: User, picture: dict[str, Any]) -> None:
    try:
        nominal = intel.nominal_create(actor=act(analyst), facts=[("name", f"{SCRIPT} Smith")])
    except ValidationError as exc:
        assert "name" in exc.message_dict
        return
    client = sign_in(analyst)
    set_purpose(client)
    response = client.get(f"/nominals/{nominal.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert SCRIPT not in body
    assert ESCAPED_SCRIPT in body
    results = client.get("/nominals/", {"q": "Smith"}).content.decode()
    assert SCRIPT not in results
    assert ESCAPED_SCRIPT in results


def test_script_in_intelligence_is_shown_escaped(analyst: User, picture: dict[str, Any]) -> None:
    record = intel.intelligence_create(
        actor=act(analyst),
        title=f"Title {SCRIPT}",
        text=f"Body {SCRIPT}",
        date_of_intelligence="2026-01-02",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code=HandlingCode.C,
        handling_conditions=f"Conditions {SCRIPT}",
        subject_ids=[str(picture["smith"].pk)],
    )
    client = sign_in(analyst)
    body = client.get(f"/intelligence/{record.pk}/").content.decode()
    assert SCRIPT not in body
    assert body.count(ESCAPED_SCRIPT) >= 3
    listing = client.get("/intelligence/").content.decode()
    assert SCRIPT not in listing
    set_purpose(client)
    profile = client.get(f"/nominals/{picture['smith'].pk}/").content.decode()
    assert SCRIPT not in profile
    assert ESCAPED_SCRIPT in profile


@pytest.mark.parametrize("path", ["/nominals/", "/ocgs/", "/intelligence/", "/directory/"])
def test_script_in_a_search_is_echoed_escaped(analyst: User, db: Any, path: str) -> None:
    client = sign_in(analyst)
    response = client.get(path, {"q": SCRIPT})
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_script_in_a_sign_in_name_is_echoed_escaped(client: Client, db: Any) -> None:
    response = client.post("/sign-in/", {"username": SCRIPT, "password": "whatever-password"})
    assert response.status_code == 400
    body = response.content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_script_in_purpose_is_echoed_escaped(analyst: User) -> None:
    client = sign_in(analyst)
    response = client.post("/purpose/", {"purpose": SCRIPT + "x" * 600})  # too long: echoed back with the error
    assert response.status_code == 400
    assert SCRIPT not in response.content.decode()
    assert ESCAPED_SCRIPT in response.content.decode()


# SQL metacharacters --------------------------------------------------------------------------

SQL_QUERIES = ["'; DROP TABLE intel_nominal; --", "%", "_", "\\", "' OR '1'='1", '"; --', "%%_\\%"]


@pytest.mark.parametrize("query", SQL_QUERIES)
def test_sql_metacharacters_in_searches_are_harmless(analyst: User, picture: dict[str, Any], query: str) -> None:
    intel.ocg_create(actor=act(analyst), name="Acacia Road Crew", threat_categories=["illegal_drugs"])
    nominals = Nominal.objects.count()
    client = sign_in(analyst)
    for path in ("/nominals/", "/ocgs/", "/intelligence/", "/directory/"):
        response = client.get(path, {"q": query})
        assert response.status_code == 200, path
        body = response.content.decode()
        # LIKE wildcards are matched literally, not as "anything".
        assert "John Smith" not in body, path
        assert "Acacia Road Crew" not in body, path
        assert "Drug supply from Acacia Road" not in body, path
    _, raw = token_create(actor=act(analyst), user=analyst, purpose="Checking the API with odd input")
    for path in ("/api/v1/nominals", "/api/v1/ocgs", "/api/v1/intelligence"):
        response = client.get(path, {"q": query}, headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200, path
        assert "John Smith" not in response.content.decode()
        assert "Acacia" not in response.content.decode()
    tables = set(connection.introspection.table_names())
    assert {Nominal._meta.db_table, NominalFact._meta.db_table, AuditEvent._meta.db_table} <= tables
    assert Nominal.objects.count() == nominals
    assert AuditEvent.objects.filter(object_type="nominal_search", query=query).exists()


# Very long values ----------------------------------------------------------------------------


def test_a_10000_character_name_is_rejected_naming_the_field(analyst: User) -> None:
    with pytest.raises(ValidationError) as exc:
        intel.nominal_create(actor=act(analyst), facts=[("name", LONG)])
    assert "300 characters or fewer" in message_for(exc, "name")
    assert not Nominal.objects.exists()


def test_a_10000_character_search_is_truncated_without_a_500(analyst: User, picture: dict[str, Any]) -> None:
    client = sign_in(analyst)
    response = client.get("/nominals/", {"q": LONG})
    assert response.status_code == 200
    body = response.content.decode()
    assert LONG not in body
    assert "A" * 200 in body
    row = AuditEvent.objects.filter(object_type="nominal_search").latest("id")
    assert len(row.query) <= 200
    for path in ("/ocgs/", "/intelligence/", "/directory/"):
        assert client.get(path, {"q": LONG}).status_code == 200, path
    _, raw = token_create(actor=act(analyst), user=analyst, purpose="Checking the API with odd input")
    api = client.get("/api/v1/nominals", {"q": LONG}, headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200


def test_a_10000_character_search_through_the_service_is_bounded(analyst: User, picture: dict[str, Any]) -> None:
    hits = intel.nominal_search_audited(actor=act(analyst), query="John Smith " + LONG)
    assert isinstance(hits, list)
    row = AuditEvent.objects.filter(object_type="nominal_search").latest("id")
    assert len(row.query) <= 1000


def test_long_form_fields_are_rejected_with_a_message(analyst: User) -> None:
    client = sign_in(analyst)
    response = client.post("/purpose/", {"purpose": LONG})
    assert response.status_code == 400
    assert "500 characters or fewer" in response.content.decode()
    anonymous = Client()
    response = anonymous.post("/sign-in/", {"username": LONG, "password": LONG})
    assert response.status_code == 400
    assert "_auth_user_id" not in anonymous.session


# Impossible dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("31/02/1990", "must be a real date"),
        ("1990-02-30", "must be a real date"),
        ("00/00/0000", "must be a real date"),
        ("yesterday", "must be a real date"),
        ("1800-01-01", "must be after 01/01/1900"),
        ((date.today() + timedelta(days=365)).strftime("%d/%m/%Y"), "must be in the past"),
    ],
)
def test_impossible_dates_of_birth_are_rejected_naming_the_field(analyst: User, born: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        intel.nominal_create(actor=act(analyst), facts=[("name", "Peter Pan"), ("birth_date", born)])
    text = message_for(exc, "date_of_birth")
    assert "Date of birth" in text
    assert message in text
    assert not Nominal.objects.exists()


@pytest.mark.parametrize("when", ["31/02/2026", "2026-13-01", (date.today() + timedelta(days=2)).isoformat()])
def test_impossible_dates_of_intelligence_are_rejected_naming_the_field(analyst: User, when: str) -> None:
    with pytest.raises(ValidationError) as exc:
        intel.intelligence_create(
            actor=act(analyst),
            title="Title",
            text="Text",
            date_of_intelligence=when,
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code=HandlingCode.P,
        )
    assert "Date of intelligence" in message_for(exc, "date_of_intelligence")
    assert not IntelligenceRecord.objects.exists()


def test_impossible_dates_in_the_audit_search_give_a_message(
    sysadmin: User, picture: dict[str, Any], settings: Any
) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    client = sign_in(sysadmin)
    response = client.get("/audit/", {"from": "31/02/2026", "to": "1800-99-99"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Date from must be a real date" in body
    assert "Date to must be a real date" in body


# NUL bytes and invalid UTF-8 -------------------------------------------------------------------

NUL_PATHS = [
    "/nominals/?q=John%00Smith",
    "/nominals/?q=%00",
    "/ocgs/?q=Acacia%00",
    "/intelligence/?q=drug%00s",
    "/directory/?q=Man%00chester",
    "/nominals/%00/",
    "/sign-in/?next=/%00",
]
BAD_UTF8_PATHS = ["/nominals/?q=%FF%FE", "/ocgs/?q=%FF%FE", "/intelligence/?q=%FF%FE", "/directory/?q=%C3%28"]


@pytest.mark.parametrize("path", NUL_PATHS + BAD_UTF8_PATHS)
def test_nul_and_bad_utf8_in_query_strings_never_500(analyst: User, picture: dict[str, Any], path: str) -> None:
    client = sign_in(analyst)
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize("query", ["John%00Smith", "%00", "%FF%FE"])
@pytest.mark.parametrize("endpoint", ["/api/v1/nominals", "/api/v1/ocgs", "/api/v1/intelligence"])
def test_nul_and_bad_utf8_in_api_queries_never_500(
    client: Client, analyst: User, picture: dict[str, Any], endpoint: str, query: str
) -> None:
    _, raw = token_create(actor=act(analyst), user=analyst, purpose="Checking the API with odd input")
    response = client.get(f"{endpoint}?q={query}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code < 500, response.status_code


def test_nul_and_bad_utf8_in_the_audit_search_never_500(sysadmin: User, settings: Any) -> None:
    settings.SOCHUB_REQUIRE_ADMIN_2FA = False
    client = sign_in(sysadmin)
    for path in ("/audit/?username=ad%00min", "/audit/?object_id=%00", "/audit/?from=%00", "/audit/?username=%FF%FE"):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize("purpose", ["Operation\x00Juniper risk assessment", "Operation \ufffd\ufffd risk assessment"])
def test_nul_and_replacement_characters_in_a_purpose_are_rejected(analyst: User, purpose: str) -> None:
    client = sign_in(analyst)
    response = client.post("/purpose/", {"purpose": purpose})
    assert response.status_code == 400
    assert "characters that are not allowed" in response.content.decode()


def test_invalid_utf8_in_a_form_body_is_rejected(analyst: User) -> None:
    client = sign_in(analyst)
    body = b"purpose=Operation%FF%FEJuniper+risk+review"
    response = client.generic("POST", "/purpose/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "sochub_purpose" not in client.session


def test_raw_non_utf8_bytes_in_a_form_body_never_500(analyst: User) -> None:
    """Django reads a body that is not UTF-8 as Latin-1, so this arrives as 'ÿþ': valid text, not a crash."""
    client = sign_in(analyst)
    body = b"purpose=Operation\xff\xfeJuniper risk review"
    response = client.generic("POST", "/purpose/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    stored = client.session.get("sochub_purpose", "")
    assert "\ufffd" not in stored
    assert "\x00" not in stored


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "analyst\x00", "password": PASSWORD},
        {"username": "ana\x00lyst", "password": "wrong-password-here"},
        {"username": "analyst", "password": PASSWORD + "\x00"},
    ],
)
def test_nul_in_sign_in_fields_never_500(client: Client, analyst: User, credentials: dict[str, str]) -> None:
    response = client.post("/sign-in/", credentials)
    assert 400 <= response.status_code < 500, response.status_code
    assert "_auth_user_id" not in client.session


def test_invalid_utf8_in_sign_in_body_never_500(client: Client, analyst: User) -> None:
    response = client.generic(
        "POST", "/sign-in/", b"username=analyst%FF%FE&password=x\xff", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_nul_in_nominal_facts_is_rejected_naming_the_field(analyst: User) -> None:
    with pytest.raises(ValidationError) as exc:
        intel.nominal_create(actor=act(analyst), facts=[("name", "John\x00Smith")])
    assert "not allowed" in message_for(exc, "name")
    with pytest.raises(ValidationError) as exc:
        intel.nominal_create(actor=act(analyst), facts=[("name", b"\xff\xfe")])
    assert "UTF-8" in message_for(exc, "name")


# CSRF ----------------------------------------------------------------------------------------


def test_post_without_a_csrf_token_is_403(analyst: User, picture: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": "/nominals/"})
    assert response.status_code == 403
    assert client.post("/sign-out/").status_code == 403
    # With the token from the form the same post works, so the 403 was the missing token.
    client.get("/purpose/")
    token = client.cookies["csrftoken"].value
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": "/nominals/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_sign_in_without_a_csrf_token_is_403(analyst: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "analyst", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# Open redirects ------------------------------------------------------------------------------

OFF_SITE = [
    "//evil.example",
    "//evil.example/nominals/",
    "https://evil.example/",
    "http:evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
]


def stays_on_site(location: str) -> bool:
    """Resolve Location the way a browser does (tabs and newlines dropped, \\ read as /)."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    resolved = urlsplit(urljoin("http://testserver/purpose/", cleaned))
    return resolved.scheme in ("http", "https") and resolved.netloc == "testserver"


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_does_not_redirect_off_site(client: Client, analyst: User, target: str) -> None:
    form = client.get("/sign-in/", {"next": target}).content.decode()
    assert "evil.example" not in form
    response = client.post("/sign-in/", {"username": "analyst", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]
    client.post("/sign-out/")
    response = client.post(f"/sign-in/?next={target}", {"username": "analyst", "password": PASSWORD})
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_purpose_does_not_redirect_off_site(analyst: User, target: str) -> None:
    client = sign_in(analyst)
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]
    response = client.post(f"/purpose/?next={target}", {"purpose": PURPOSE})
    assert stays_on_site(response["Location"]), response["Location"]


def test_on_site_next_is_still_followed(client: Client, analyst: User, picture: dict[str, Any]) -> None:
    url = f"/nominals/{picture['smith'].pk}/"
    response = client.post("/sign-in/", {"username": "analyst", "password": PASSWORD, "next": url})
    assert response["Location"] == url
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": url})
    assert response["Location"] == url
