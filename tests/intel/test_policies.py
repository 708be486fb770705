"""The access rules as a table: (who, what) -> may they see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sochub.intel import policies, selectors
from sochub.intel import services as intel
from sochub.intel.models import Share
from sochub.partners.models import User
from tests.conftest import act, nominal_ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "record", "visible"),
    [
        ("analyst", "smith", True),
        ("analyst", "jones", False),
        ("analyst2", "smith", False),
        ("analyst2", "jones", True),
        ("officer", "smith", True),  # same agency, any vetting sees OFFICIAL facts
        ("volunteer", "smith", False),  # role without intelligence access
        ("sysadmin", "smith", False),  # administrators administer; they do not read intelligence
    ],
)
def test_who_sees_which_nominal(request: Any, picture: dict[str, Any], who: str, record: str, visible: bool) -> None:
    user: User = request.getfixturevalue(who)
    assert policies.can_view_nominal(user, picture[record]) is visible
    assert (
        str(picture[record].pk) in {str(p) for p in policies.visible_nominals(user).values_list("pk", flat=True)}
    ) is visible


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "record", "visible"),
    [
        ("analyst", "intel_p", True),
        ("analyst", "intel_os", True),
        ("officer", "intel_p", True),
        ("officer", "intel_os", False),  # OFFICIAL-SENSITIVE needs NPPV2 or above
        ("analyst2", "intel_p", False),
        ("analyst2", "intel_c", False),
    ],
)
def test_who_sees_which_intelligence(
    request: Any, picture: dict[str, Any], who: str, record: str, visible: bool
) -> None:
    user: User = request.getfixturevalue(who)
    assert policies.visible_intelligence(user).filter(pk=picture[record].pk).exists() is visible


@pytest.mark.django_db
def test_share_makes_facts_visible_until_it_expires_or_is_revoked(
    picture: dict[str, Any], analyst: User, analyst2: User
) -> None:
    smith = picture["smith"]
    assert not policies.can_view_nominal(analyst2, smith)
    share = intel.share_create(
        actor=act(analyst),
        recipient=analyst2.agency,
        purpose="Joint operation Juniper",
        legal_basis="DPA 2018 s.35",
        nominal=smith,
    )
    assert policies.can_view_nominal(analyst2, smith)
    assert "John Smith" in {h.name for h in selectors.nominal_search(user=analyst2, query="jon smith")}
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert not policies.can_view_nominal(analyst2, smith)
    Share.objects.filter(pk=share.pk).update(expires_at=None)
    assert policies.can_view_nominal(analyst2, smith)
    intel.share_revoke(actor=act(analyst), share=share)
    assert not policies.can_view_nominal(analyst2, smith)


@pytest.mark.django_db
def test_shared_nominal_shows_only_the_sharing_agencys_facts(
    picture: dict[str, Any], analyst: User, analyst2: User
) -> None:
    smith = picture["smith"]
    intel.fact_add(actor=act(analyst), nominal=smith, kind="alias", value="Smudge")
    intel.share_create(
        actor=act(analyst),
        recipient=analyst2.agency,
        purpose="Joint operation Juniper",
        legal_basis="DPA 2018 s.35",
        nominal=smith,
    )
    # analyst2's agency records its own fact on the same person
    intel.fact_add(actor=act(analyst2), nominal=smith, kind="phone", value="07700 900999")
    seen_by_2 = {f.value for f in policies.visible_facts(analyst2, smith.facts.all())}
    assert {"John Smith", "Smudge", "07700 900999"} <= seen_by_2
    seen_by_1 = {f.value for f in policies.visible_facts(analyst, smith.facts.all())}
    assert "07700 900999" not in seen_by_1
    assert policies.other_agencies_hold(analyst, smith)


@pytest.mark.django_db
def test_handling_code_c_blocks_onward_sharing(
    picture: dict[str, Any], analyst: User, analyst2: User, agencies: dict[str, Any]
) -> None:
    from django.core.exceptions import PermissionDenied

    # The originator may share a C record ...
    intel.share_create(
        actor=act(analyst),
        recipient=analyst2.agency,
        purpose="Joint operation Juniper",
        legal_basis="DPA 2018 s.35",
        intelligence=picture["intel_c"],
        handling="A2 S2",
    )
    intel.share_create(
        actor=act(analyst),
        recipient=analyst2.agency,
        purpose="Joint operation Juniper",
        legal_basis="DPA 2018 s.35",
        intelligence=picture["intel_p"],
    )
    assert policies.visible_intelligence(analyst2).filter(pk=picture["intel_c"].pk).exists()
    # ... but the recipient may not pass it on; a P record they may.
    with pytest.raises(PermissionDenied, match="originating agency"):
        intel.share_create(
            actor=act(analyst2),
            recipient=agencies["hmrc"],
            purpose="Tax enquiry",
            legal_basis="CRCA 2005 s.18",
            intelligence=picture["intel_c"],
        )
    onward = intel.share_create(
        actor=act(analyst2),
        recipient=agencies["hmrc"],
        purpose="Tax enquiry",
        legal_basis="CRCA 2005 s.18",
        intelligence=picture["intel_p"],
    )
    assert onward.owner_id == picture["intel_p"].agency_id  # the originator stays the owner


@pytest.mark.django_db
def test_search_never_returns_what_the_user_may_not_see(picture: dict[str, Any], analyst: User, analyst2: User) -> None:
    smith, jones = str(picture["smith"].pk), str(picture["jones"].pk)
    for query in ["Smith", "Jon Smiht", "14/03/1985", "85/123456X", "AB123456C", "07700900123", "M14 5AB"]:
        assert smith in nominal_ids(selectors.nominal_search(user=analyst, query=query)), query
        assert smith not in nominal_ids(selectors.nominal_search(user=analyst2, query=query)), query
    assert jones not in nominal_ids(selectors.nominal_search(user=analyst, query="Mary Jones"))
