from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sochub.partners import services
from sochub.partners.models import Agency, AgencyStatus, Region, Role, User
from sochub.partners.reference import load_gain_reference
from tests.helpers import PASSWORD, act


@pytest.mark.django_db
def test_reference_data_has_the_ten_regions_and_todays_names() -> None:
    assert Region.objects.count() == 10
    assert {"London", "Wales", "Yorkshire & Humber"} <= set(Region.objects.values_list("name", flat=True))
    nhs = Agency.objects.get(code="nhscfa")
    assert nhs.name == "NHS Counter Fraud Authority" and "NHS Protect" in nhs.aliases
    assert "Gangmasters Licensing Authority" in Agency.objects.get(code="glaa").aliases
    assert Agency.objects.filter(code__in=["hmrc", "dwp", "nca", "dvla", "sia", "acro"]).count() == 6
    assert load_gain_reference().version >= 1


@pytest.mark.django_db
def test_agency_admin_manages_only_own_agency(make_user: Any, agencies: dict[str, Agency]) -> None:
    admin = make_user("gmpadmin", "gmp", (Role.AGENCY_ADMIN,))
    new = services.user_create(
        actor=act(admin), username="newanalyst", password=PASSWORD, agency=agencies["gmp"], roles=[Role.ANALYST]
    )
    assert new.agency == agencies["gmp"] and new.check_password(PASSWORD)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=act(admin), username="intruder", password=PASSWORD, agency=agencies["mersey"], roles=[Role.ANALYST]
        )
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=act(admin),
            username="superuser2",
            password=PASSWORD,
            agency=agencies["gmp"],
            roles=[Role.SYSTEM_ADMIN],
        )


@pytest.mark.django_db
def test_user_create_validates(make_user: Any, agencies: dict[str, Agency]) -> None:
    admin = make_user("root", "gmp", (Role.SYSTEM_ADMIN,))
    with pytest.raises(ValidationError, match="region"):
        services.user_create(
            actor=act(admin), username="coord", password=PASSWORD, agency=agencies["gmp"], roles=[Role.COORDINATOR]
        )
    with pytest.raises(ValidationError):
        services.user_create(
            actor=act(admin), username="weak", password="password", agency=agencies["gmp"], roles=[Role.ANALYST]
        )
    with pytest.raises(ValidationError):
        services.user_create(actor=act(admin), username="x", password=PASSWORD, agency=agencies["gmp"], roles=["king"])


@pytest.mark.django_db
def test_first_user_bootstraps_only_on_an_empty_system(agencies: dict[str, Agency]) -> None:
    first = services.user_create(
        actor=None, username="first", password=PASSWORD, agency=agencies["gmp"], roles=[Role.SYSTEM_ADMIN]
    )
    assert first.is_staff
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=None, username="second", password=PASSWORD, agency=agencies["gmp"], roles=[Role.SYSTEM_ADMIN]
        )


@pytest.mark.django_db
def test_agencies_join_and_leave(make_user: Any) -> None:
    root = make_user("root", "gmp", (Role.SYSTEM_ADMIN,))
    council = services.agency_join(
        actor=act(root),
        code="oldham-council",
        name="Oldham Council",
        kind="local",
        region=Region.objects.get(code="north-west"),
    )
    assert council.status == AgencyStatus.APPLYING
    services.agency_set_status(actor=act(root), agency=council, status=AgencyStatus.MEMBER)
    assert Agency.objects.get(pk=council.pk).joined_on is not None
    analyst = make_user("a1", "gmp")
    with pytest.raises(PermissionDenied):
        services.agency_set_status(actor=act(analyst), agency=council, status=AgencyStatus.LEFT)


@pytest.mark.django_db
def test_tokens_are_hashed_expire_and_revoke(analyst: User) -> None:
    token, raw = services.token_create(actor=act(analyst), user=analyst, purpose="Nightly export to the ROCU")
    assert raw.startswith("soc_") and raw not in token.key_hash
    assert services.token_authenticate(raw) == token
    assert services.token_authenticate(raw + "x") is None
    assert services.token_revoke(actor=act(analyst), prefix=token.prefix) == 1
    assert services.token_authenticate(raw) is None
    with pytest.raises(ValidationError):
        services.token_create(actor=act(analyst), user=analyst, purpose="short")


@pytest.mark.django_db
def test_users_cannot_make_tokens_for_others(analyst: User, analyst2: User) -> None:
    with pytest.raises(PermissionDenied):
        services.token_create(actor=act(analyst), user=analyst2, purpose="Pretending to be someone else")
