"""Link charts, i2 exports and intelligence packages: only what the user may see, marked, audited."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import exports, policies, selectors
from sochub.intel import services as intel
from sochub.intel.demo import build_demo
from sochub.intel.models import (
    OCG,
    Association,
    AssociationType,
    Classification,
    MemberRole,
    Nominal,
    OCGMembership,
    Offence,
    OffenceOutcome,
    Premises,
    PremisesKind,
    Share,
    Vehicle,
)
from sochub.intel.services import NotFound
from sochub.partners.models import User
from tests.helpers import act

pytestmark = pytest.mark.django_db

PURPOSE = "Operation Juniper: briefing pack"


def _link(a: Nominal, b: Nominal, agency: Any, kind: str = AssociationType.CRIMINAL, strength: int = 2) -> Association:
    return Association.objects.create(
        nominal_a=a, nominal_b=b, type=kind, strength=strength, source="Intelligence report", agency=agency
    )


@pytest.fixture
def world(picture: dict[str, Any], analyst: User, analyst2: User) -> dict[str, Any]:
    """``picture`` plus: GMP's associate and a child at risk linked to Smith, an OFFICIAL-SENSITIVE OCG
    with Smith as principal, Smith's vehicle and premises, offences, and Merseyside's own link to Smith."""
    gmp, mersey = analyst.agency, analyst2.agency
    smith, jones = picture["smith"], picture["jones"]
    brown = intel.nominal_create(
        actor=act(analyst), facts=[("name", "Dave Brown"), ("birth_date", "01/02/1980"), ("warning_marker", "firearms")]
    )
    child = intel.nominal_create(actor=act(analyst), facts=[("name", "Kyle Young"), ("birth_date", "05/06/2010")])
    intel.fact_add(
        actor=act(analyst), nominal=child, kind="vulnerability", value="Child at risk of criminal exploitation"
    )
    intel.fact_add(actor=act(analyst), nominal=smith, kind="warning_marker", value="violence")
    _link(smith, brown, gmp, AssociationType.CRIMINAL, 3)
    _link(smith, child, gmp, AssociationType.CRIMINAL, 2)
    _link(jones, smith, mersey, AssociationType.FAMILY, 3)  # recorded by Merseyside
    ocg = intel.ocg_create(
        actor=act(analyst),
        name="Acacia Road Crew",
        threat_categories=["illegal_drugs", "money_laundering"],
        classification=Classification.OFFICIAL_SENSITIVE,
    )
    intel.ocg_membership_add(actor=act(analyst), ocg=ocg, nominal=smith, role=MemberRole.PRINCIPAL)
    intel.ocg_membership_add(actor=act(analyst), ocg=ocg, nominal=brown, role=MemberRole.SIGNIFICANT)
    car = Vehicle.objects.create(vrm="MA70ABC", make="BMW", model="X5", colour="Black", agency=gmp)
    car.nominals.add(smith)
    hidden_car = Vehicle.objects.create(vrm="LV19XYZ", make="Audi", agency=mersey)  # Merseyside's: not GMP's to see
    hidden_car.nominals.add(smith)
    flat = Premises.objects.create(
        address="12 Acacia Road, Manchester", postcode="M14 5AB", kind="residential", agency=gmp
    )
    flat.nominals.add(smith)
    for kind, outcome, days in [
        ("drug trafficking", OffenceOutcome.CONVICTED, 400),
        ("drug trafficking", OffenceOutcome.CHARGED, 200),
        ("money laundering", OffenceOutcome.NO_FURTHER_ACTION, 100),
    ]:
        Offence.objects.create(
            nominal=smith, agency=gmp, offence_type=kind, outcome=outcome, offence_date=date.today() - timedelta(days)
        )
    Offence.objects.create(nominal=smith, agency=mersey, offence_type="robbery", offence_date=date.today())
    return {**picture, "brown": brown, "child": child, "ocg": ocg, "car": car, "hidden_car": hidden_car}


def _labels(network: selectors.Network) -> set[str]:
    return {n.label for n in network.nodes}


# The network selectors ----------------------------------------------------------------------


def test_a_nominals_network_holds_only_what_the_user_may_see(world: dict[str, Any], analyst: User) -> None:
    network = selectors.nominal_network(user=analyst, nominal=world["smith"])
    assert _labels(network) == {"John Smith", "Dave Brown", "Kyle Young", "Acacia Road Crew"}
    assert "Mary Jones" not in _labels(network)  # Merseyside's person and its link stay hidden
    smith = network.node(network.focus)
    assert smith is not None and smith.is_focus and smith.hop == 0
    assert smith.markers == ["Violence"] and smith.roles == [f"Principal, {world['ocg'].urn} Acacia Road Crew"]
    child = next(n for n in network.nodes if n.label == "Kyle Young")
    assert child.is_protected and not child.markers
    assert network.classification == Classification.OFFICIAL_SENSITIVE
    kinds = sorted((e.type, e.strength, e.recorded_by) for e in network.edges)
    assert kinds == [
        ("criminal", 2, "Greater Manchester Police"),
        ("criminal", 3, "Greater Manchester Police"),
        ("member", 3 if world["ocg"].status == "mapped" else 2, "Greater Manchester Police"),
        ("member", 3 if world["ocg"].status == "mapped" else 2, "Greater Manchester Police"),
    ]


def test_another_agency_sees_nothing_of_a_person_it_was_not_given(world: dict[str, Any], analyst2: User) -> None:
    network = selectors.nominal_network(user=analyst2, nominal=world["smith"])
    assert network.nodes == [] and network.edges == []
    # From Merseyside's own person, Smith and Merseyside's link to him stay out.
    network = selectors.nominal_network(user=analyst2, nominal=world["jones"])
    assert _labels(network) == {"Mary Jones"} and network.edges == []
    assert selectors.ocg_network(user=analyst2, ocg=world["ocg"]).nodes == []
    with pytest.raises(NotFound):
        exports.i2_export(actor=act(analyst2, PURPOSE), nominal_id=str(world["smith"].pk))
    with pytest.raises(NotFound):
        exports.package_export(actor=act(analyst2, PURPOSE), nominal_id=str(world["smith"].pk), fmt="pdf")
    with pytest.raises(NotFound):
        exports.ocg_network_consult(actor=act(analyst2, PURPOSE), ocg_id=world["ocg"].pk)


def test_a_share_opens_the_shared_persons_links_until_it_expires(
    world: dict[str, Any], analyst: User, analyst2: User
) -> None:
    share = intel.share_create(
        actor=act(analyst),
        recipient=analyst2.agency,
        purpose="Joint operation Juniper",
        legal_basis="DPA 2018 s.35",
        nominal=world["smith"],
    )
    network = selectors.nominal_network(user=analyst2, nominal=world["jones"])
    assert _labels(network) == {"Mary Jones", "John Smith"}  # not GMP's unshared Brown, child or OS OCG
    assert [e.type for e in network.edges] == ["family"]
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    network = selectors.nominal_network(user=analyst2, nominal=world["jones"])
    assert _labels(network) == {"Mary Jones"} and network.edges == []
    with pytest.raises(NotFound):
        exports.i2_export(actor=act(analyst2, PURPOSE), nominal_id=str(world["smith"].pk))


def test_an_official_sensitive_ocg_stays_hidden_without_vetting(
    world: dict[str, Any], analyst: User, officer: User
) -> None:
    network = selectors.nominal_network(user=officer, nominal=world["smith"])
    assert "Acacia Road Crew" not in _labels(network)
    assert all(e.type != selectors.MEMBER_EDGE for e in network.edges)
    assert network.node(network.focus).roles == []  # type: ignore[union-attr]
    assert network.classification == Classification.OFFICIAL
    assert selectors.ocg_network(user=officer, ocg=world["ocg"]).nodes == []
    _, data = exports.i2_export(actor=act(officer, PURPOSE), nominal_id=str(world["smith"].pk))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert "entities-organisation.csv" not in archive.namelist()
    assert "Acacia Road Crew" not in b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8")
    assert archive.read("README.txt").decode("utf-8-sig").startswith("OFFICIAL\r\n")
    name, _ = exports.i2_export(actor=act(analyst, PURPOSE), nominal_id=str(world["smith"].pk))
    assert name.startswith("OFFICIAL-SENSITIVE-i2-John-Smith-")


def test_an_ocgs_network_holds_its_visible_members_and_their_associates(world: dict[str, Any], analyst: User) -> None:
    network = selectors.ocg_network(user=analyst, ocg=world["ocg"])
    assert network.nodes[0].kind == "ocg" and network.nodes[0].is_focus
    members = {n.label for n in network.nodes if n.hop == 1}
    assert members == {"John Smith", "Dave Brown"}
    assert {n.label for n in network.nodes if n.hop == 2} == {"Kyle Young"}
    only_members = selectors.ocg_network(user=analyst, ocg=world["ocg"], associates=False)
    assert {n.label for n in only_members.nodes} == {"Acacia Road Crew", "John Smith", "Dave Brown"}
    assert sorted(e.type for e in only_members.edges) == ["criminal", "member", "member"]


def test_a_large_network_is_cut_to_the_nearest_and_says_so(world: dict[str, Any], analyst: User) -> None:
    network = selectors.nominal_network(user=analyst, nominal=world["smith"], max_nodes=2)
    assert network.truncated and len(network.nodes) == 2
    assert _labels(network) == {"John Smith", "Dave Brown"}  # the strongest link is kept first
    assert all(network.node(e.source) and network.node(e.target) for e in network.edges)
    one_hop = selectors.nominal_network(user=analyst, nominal=world["brown"], hops=1)
    assert "Kyle Young" not in _labels(one_hop)
    assert "Kyle Young" in _labels(selectors.nominal_network(user=analyst, nominal=world["brown"], hops=2))


def test_demo_world_networks_only_ever_hold_visible_people_and_links() -> None:
    build_demo(seed=3, nominals=300, password="demo-world-test-password-42")
    seen = 0
    for username in ("analyst", "analyst2", "officer", "analyst_met", "partner"):
        user = User.objects.get(username=username)
        visible = {str(pk) for pk in policies.visible_nominals(user).values_list("pk", flat=True)}
        visible_links = policies.visible_associations(user, Association.objects.all())
        allowed_pairs = {
            frozenset((f"n:{a}", f"n:{b}")) for a, b in visible_links.values_list("nominal_a_id", "nominal_b_id")
        }
        visible_ocgs = {str(pk) for pk in policies.visible_ocgs(user).values_list("pk", flat=True)}
        networks = []
        for ocg in OCG.objects.all():
            network = selectors.ocg_network(user=user, ocg=ocg)
            assert bool(network.nodes) == (str(ocg.pk) in visible_ocgs), (username, ocg.urn)
            networks.append(network)
        start = OCGMembership.objects.order_by("pk").values_list("nominal_id", flat=True)[:6]
        networks += [selectors.nominal_network(user=user, nominal=Nominal(pk=pk)) for pk in start]
        for network in networks:
            for node in network.nodes:
                assert node.pk in (visible if node.kind == "nominal" else visible_ocgs), (username, node)
                seen += 1
            for edge in network.edges:
                if edge.type != selectors.MEMBER_EDGE:
                    assert frozenset((edge.source, edge.target)) in allowed_pairs, (username, edge)
    assert seen > 0, "the demo world gave these users nothing to check"


# i2 export -------------------------------------------------------------------------------


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline="")))


def test_i2_export_holds_people_groups_vehicles_and_premises_and_is_a_disclosure(
    world: dict[str, Any], analyst: User
) -> None:
    smith = world["smith"]
    name, data = exports.i2_export(actor=act(analyst, PURPOSE), nominal_id=str(smith.pk))
    assert name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    people = {r["label"]: r for r in _csv(archive, "entities-person.csv")}
    assert set(people) == {"John Smith", "Dave Brown", "Kyle Young"}
    assert people["John Smith"]["identity"] == f"SOCHUB-N-{smith.pk}"
    assert people["John Smith"]["date_of_birth"] == "1985-03-14"
    assert people["Dave Brown"]["warning_markers"] == "Firearms"
    assert people["Kyle Young"]["safeguarding"].startswith("Yes")
    assert people["John Smith"]["classification"] == "OFFICIAL-SENSITIVE"
    vehicles = _csv(archive, "entities-vehicle.csv")
    assert [v["registration"] for v in vehicles] == ["MA70ABC"]  # not Merseyside's car
    assert _csv(archive, "entities-address.csv")[0]["postcode"] == "M14 5AB"
    members = _csv(archive, "links-person-organisation.csv")
    assert {m["link_label"] for m in members} == {"OCG member (principal)", "OCG member (significant)"}
    event = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, detail__export="i2").get()
    assert event.purpose == PURPOSE and event.object_type == "nominal"
    assert str(smith.pk) in event.object_ids and str(world["brown"].pk) in event.object_ids
    assert event.detail["classification"] == "OFFICIAL-SENSITIVE" and event.detail["ocgs"] == [str(world["ocg"].pk)]


def test_exports_need_a_purpose(world: dict[str, Any], analyst: User) -> None:
    with pytest.raises(ValidationError):
        exports.i2_export(actor=act(analyst, ""), nominal_id=str(world["smith"].pk))
    with pytest.raises(ValidationError):
        exports.package_export(actor=act(analyst, "why"), nominal_id=str(world["smith"].pk), fmt="pdf")
    assert not AuditEvent.objects.filter(operation=Operation.DISCLOSURE).exists()


# Intelligence package --------------------------------------------------------------------------


def test_package_holds_the_sections_from_what_the_user_may_see(world: dict[str, Any], analyst: User) -> None:
    package = exports.package_export(actor=act(analyst, PURPOSE), nominal_id=str(world["smith"].pk), fmt="pdf")
    assert package.name == "John Smith" and package.classification == Classification.OFFICIAL_SENSITIVE
    assert ("PNC ID", "85/0123456X", "Greater Manchester Police") in {
        (r.label, r.value, r.agency) for r in package.identity
    }
    assert [m.value for m in package.markers] == ["Violence"]
    assert [(m.urn, m.role) for m in package.memberships] == [(world["ocg"].urn, "Principal")]
    assert {r.urn for r in package.intelligence} == {
        world["intel_p"].urn,
        world["intel_c"].urn,
        world["intel_os"].urn,
    }
    conditional = next(r for r in package.intelligence if r.urn == world["intel_c"].urn)
    assert conditional.conditional and conditional.handling_conditions.startswith("A2 S2")
    assert conditional.grading == "1AC" and conditional.source_evaluation.startswith("1")
    assert "handling code C" in package.handling_statement and "OFFICIAL-SENSITIVE" in package.handling_statement
    assert "<svg" in package.chart_svg and "Kyle Young (safeguarding)" in package.chart_svg
    assert {(r.a.label, r.b.label) for r in package.links} >= {("John Smith", "Kyle Young")}
    # Offending: no further action is listed but not counted; Merseyside's robbery is not GMP's to see.
    assert package.offences.counted == 2 and package.offences.not_counted == 1
    assert package.offences.by_type == [("drug trafficking", 2)]
    assert ("No further action", 1, False) in package.offences.by_outcome
    assert all(r.offence_type != "robbery" for r in package.offences.recent)
    titles = [s.title for s in package.suggestions]
    assert "ANPR and roadside disruption" in titles and "Premises closure" in titles
    assert "Financial investigation and asset recovery" in titles  # from the OCG's money laundering threat
    assert "Serious crime prevention order" in titles  # a principal with a conviction
    assert "MA70ABC" in next(s.reason for s in package.suggestions if s.title.startswith("ANPR"))
    assert "LV19XYZ" not in str(package.assets)
    event = AuditEvent.objects.filter(operation=Operation.DISCLOSURE).get()
    assert (
        event.purpose == PURPOSE and event.detail["export"] == "pdf" and event.object_ids[0] == str(world["smith"].pk)
    )
    assert world["intel_os"].urn in event.detail["intelligence"]


def test_package_for_an_unvetted_officer_leaves_out_official_sensitive_material(
    world: dict[str, Any], officer: User
) -> None:
    package = exports.package_consult(actor=act(officer, PURPOSE), nominal_id=str(world["smith"].pk))
    assert world["intel_os"].urn not in {r.urn for r in package.intelligence}
    assert world["intel_c"].urn in {r.urn for r in package.intelligence}
    assert package.memberships == [] and "Acacia Road Crew" not in package.chart_svg
    assert package.classification == Classification.OFFICIAL
    event = AuditEvent.objects.filter(operation=Operation.CONSULTATION, detail__package=True).get()
    assert event.purpose == PURPOSE


def test_a_protected_persons_package_suggests_safeguarding_not_enforcement(
    world: dict[str, Any], analyst: User
) -> None:
    package = exports.intelligence_package(user=analyst, nominal=world["child"], purpose=PURPOSE)
    assert [s.value for s in package.safeguarding] == ["Child at risk of criminal exploitation"]
    assert [s.title for s in package.suggestions] == ["Safeguarding first"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"vehicles": ["AB12CDE"]}, ["ANPR and roadside disruption"]),
        ({"premises": [("1 High St", PremisesKind.CAR_WASH)]}, ["Licensing and regulatory review"]),
        ({"premises": [("2 Low St", PremisesKind.CANNABIS_FACTORY)]}, ["Premises closure"]),
        ({"offence_types": ["Fraud by false representation"]}, ["Financial investigation and asset recovery"]),
        ({"marker_keys": ["firearms"]}, ["Firearms licensing review"]),
        (
            {"offence_types": ["drug trafficking"], "has_phone": True},
            ["Drug dealing telecommunications restriction order"],
        ),
        ({"offence_types": ["drug trafficking"]}, []),  # no phone, no DDTRO
        ({"threat_categories": ["modern_slavery"]}, ["Slavery and trafficking prevention or risk order"]),
        ({"convicted": True, "roles": ["principal"]}, ["Serious crime prevention order"]),
        ({"convicted": True, "roles": ["peripheral"]}, []),
        ({"foreign_national": True}, ["Immigration status check"]),
        ({"vehicles": ["AB12CDE"], "protected": True}, ["Safeguarding first"]),
        ({}, []),
    ],
)
def test_disruption_suggestions_follow_the_recorded_facts(facts: dict[str, Any], expected: list[str]) -> None:
    base: dict[str, Any] = {
        "vehicles": [],
        "premises": [],
        "offence_types": [],
        "convicted": False,
        "marker_keys": [],
        "threat_categories": [],
        "roles": [],
        "has_phone": False,
        "foreign_national": False,
        "protected": False,
    }
    titles = [s.title for s in exports.disruption_suggestions(**{**base, **facts})]
    assert titles == expected


def test_viewing_a_chart_is_a_consultation_of_everyone_on_it(world: dict[str, Any], analyst: User) -> None:
    network = exports.nominal_network_consult(actor=act(analyst, PURPOSE), nominal_id=str(world["smith"].pk))
    event = AuditEvent.objects.filter(operation=Operation.CONSULTATION, detail__view="network").get()
    assert event.purpose == PURPOSE and event.object_type == "nominal"
    assert set(event.object_ids) == {n.pk for n in network.nodes if n.kind == "nominal"}
    _, _ = exports.ocg_network_consult(actor=act(analyst, PURPOSE), ocg_id=world["ocg"].pk)
    event = AuditEvent.objects.filter(Q(object_type="ocg"), detail__view="network").get()
    assert event.object_ids[0] == str(world["ocg"].pk) and str(world["smith"].pk) in event.object_ids


def test_network_json_has_positions_classes_and_no_hidden_people(world: dict[str, Any], analyst: User) -> None:
    data = exports.network_json(selectors.nominal_network(user=analyst, nominal=world["smith"]))
    nodes = [e for e in data["elements"] if e["group"] == "nodes"]
    edges = [e for e in data["elements"] if e["group"] == "edges"]
    assert data["classification"] == "OFFICIAL-SENSITIVE" and len(edges) == 4
    assert all({"x", "y"} <= set(n["position"]) for n in nodes)
    child = next(n for n in nodes if n["data"]["label"].startswith("Kyle Young"))
    assert "protected" in child["classes"] and child["data"]["label"] == "Kyle Young (safeguarding)"
    assert "Mary Jones" not in str(data)
    callable_check: Callable[[dict[str, Any]], bool] = lambda e: e["data"]["url"].startswith("/")  # noqa: E731
    assert all(callable_check(n) for n in nodes)
