"""Link charts, i2 Analyst's Notebook exports and intelligence packages, built from policy-filtered data.

Builders (``network_*``, :func:`intelligence_package`, :func:`i2_entities`) read only what the
user may see, through :mod:`.selectors` and :mod:`.policies`, and return plain data. The audited
entry points (``*_consult`` for looking, ``*_export`` for a file taken away) check the purpose and
write one audit row: a consultation, or a disclosure naming the objects and the purpose.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine.charts import (
    ChartEdge,
    ChartNode,
    I2Entity,
    I2Link,
    layout_positions,
    network_svg,
    write_i2_zip,
)
from sochub.partners.models import User

from . import policies, selectors
from .models import (
    OCG,
    Classification,
    FactKind,
    HandlingCode,
    IntelligenceAssessment,
    Nominal,
    OffenceOutcome,
    Premises,
    PremisesKind,
    SourceEvaluation,
    ThreatCategory,
    Vehicle,
)
from .services import NotFound, require_purpose

CHART_WIDTH = 800
CHART_HEIGHT = 560
CHART_MARGIN = 40
PACKAGE_HOPS = 1
PACKAGE_MAX_NODES = 40


# Charts --------------------------------------------------------------------------------------


def chart_parts(network: selectors.Network) -> tuple[list[ChartNode], list[ChartEdge]]:
    """The network as the engine's chart nodes and edges."""
    nodes = [
        ChartNode(
            id=n.id,
            label=n.label,
            kind=n.kind,
            protected=n.is_protected,
            has_markers=bool(n.markers),
            focus=n.is_focus,
        )
        for n in network.nodes
    ]
    edges = [
        ChartEdge(source=e.source, target=e.target, strength=e.strength, member=e.type == selectors.MEMBER_EDGE)
        for e in network.edges
    ]
    return nodes, edges


def network_positions(network: selectors.Network) -> dict[str, tuple[float, float]]:
    return layout_positions(
        [n.id for n in network.nodes],
        [(e.source, e.target) for e in network.edges],
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        margin=CHART_MARGIN,
    )


def network_description(network: selectors.Network) -> str:
    people = sum(1 for n in network.nodes if n.kind == "nominal")
    groups = sum(1 for n in network.nodes if n.kind == "ocg")
    protected = sum(1 for n in network.nodes if n.is_protected)
    text = (
        f"{people} {'person' if people == 1 else 'people'}, {groups} OCG{'' if groups == 1 else 's'} and "
        f"{len(network.edges)} link{'' if len(network.edges) == 1 else 's'}"
    )
    if protected:
        text += f"; {protected} recorded as a victim or vulnerable (safeguarding)"
    return text + ". The table of links gives the same information."


def network_chart_svg(network: selectors.Network, *, title: str, uid: str = "network") -> str:
    """The static SVG of the network (laid out by igraph)."""
    nodes, edges = chart_parts(network)
    return network_svg(
        nodes,
        edges,
        network_positions(network),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        title=title,
        description=network_description(network),
        uid=uid,
    )


def node_url(node: selectors.NetworkNode) -> str:
    return f"/nominals/{node.pk}/" if node.kind == "nominal" else f"/ocgs/{node.pk}/"


def network_json(network: selectors.Network) -> dict[str, Any]:
    """Cytoscape.js elements (with the same preset positions as the SVG) and the marking."""
    positions = network_positions(network)
    elements: list[dict[str, Any]] = []
    for n in network.nodes:
        x, y = positions.get(n.id, (0.0, 0.0))
        classes = [n.kind]
        if n.is_focus:
            classes.append("focus")
        if n.is_protected:
            classes.append("protected")
        if n.markers:
            classes.append("marker")
        label = n.label + (" (safeguarding)" if n.is_protected else "")
        elements.append(
            {
                "group": "nodes",
                "data": {
                    "id": n.id,
                    "label": label,
                    "kind": n.kind,
                    "markers": n.markers,
                    "roles": n.roles,
                    "protected": n.is_protected,
                    "url": node_url(n),
                },
                "position": {"x": round(x, 1), "y": round(y, 1)},
                "classes": " ".join(classes),
            }
        )
    for i, e in enumerate(network.edges):
        elements.append(
            {
                "group": "edges",
                "data": {
                    "id": f"e{i}",
                    "source": e.source,
                    "target": e.target,
                    "type": e.type_label,
                    "strength": e.strength,
                    "strength_label": e.strength_label,
                    "recorded_by": e.recorded_by,
                },
                "classes": f"{'member' if e.type == selectors.MEMBER_EDGE else 'association'} s{e.strength}",
            }
        )
    return {
        "classification": network.classification,
        "truncated": network.truncated,
        "focus": network.focus,
        "elements": elements,
    }


@dataclass
class LinkRow:
    """One row of the accessible table of links."""

    a: selectors.NetworkNode
    b: selectors.NetworkNode
    edge: selectors.NetworkEdge


def network_rows(network: selectors.Network) -> list[LinkRow]:
    """The edges as table rows, the focus (or the nearer end) first."""
    by_id = {n.id: n for n in network.nodes}
    rows = []
    for e in network.edges:
        a, b = by_id[e.source], by_id[e.target]
        if (b.hop, not b.is_focus) < (a.hop, not a.is_focus):
            a, b = b, a
        rows.append(LinkRow(a=a, b=b, edge=e))
    rows.sort(key=lambda r: (r.a.hop, r.a.label.lower(), -r.edge.strength, r.b.label.lower()))
    return rows


def _network_objects(network: selectors.Network) -> tuple[list[str], list[str]]:
    nominals = [n.pk for n in network.nodes if n.kind == "nominal"]
    ocgs = [n.pk for n in network.nodes if n.kind == "ocg"]
    return nominals, ocgs


def _resolve_nominal(user: User, nominal_id: str) -> Nominal:
    nominal = selectors.nominal_resolve(user=user, nominal_id=nominal_id)
    if nominal is None:
        raise NotFound
    return nominal


def _resolve_ocg(user: User, ocg_id: int) -> OCG:
    ocg = selectors.ocg_get(user=user, ocg_id=ocg_id)
    if ocg is None:
        raise NotFound
    return ocg


def nominal_network_consult(*, actor: Actor, nominal_id: str, view: str = "network") -> selectors.Network:
    """A person's link chart: needs a purpose, logged as a consultation of everyone on it."""
    nominal = _resolve_nominal(actor.user, nominal_id)
    purpose = require_purpose(actor.purpose)
    network = selectors.nominal_network(user=actor.user, nominal=nominal)
    nominals, ocgs = _network_objects(network)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=nominals,
        purpose=purpose,
        detail={"view": view, "ocgs": ocgs, "links": len(network.edges)},
    )
    return network


def ocg_network_consult(*, actor: Actor, ocg_id: int, view: str = "network") -> tuple[OCG, selectors.Network]:
    """An OCG's link chart: needs a purpose, logged as a consultation of the group and its people."""
    ocg = _resolve_ocg(actor.user, ocg_id)
    purpose = require_purpose(actor.purpose)
    network = selectors.ocg_network(user=actor.user, ocg=ocg)
    nominals, _ = _network_objects(network)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="ocg",
        object_ids=[ocg.pk, *nominals],
        purpose=purpose,
        detail={"view": view, "links": len(network.edges)},
    )
    return ocg, network


# Vehicles and premises of the people on a chart ------------------------------------------------


@dataclass
class Asset:
    """A vehicle or premises linked to a person, recorded by an agency the user may see it from."""

    kind: str  # "vehicle" or "premises"
    pk: int
    label: str
    nominal_pk: str
    agency: str
    attributes: tuple[tuple[str, str], ...] = ()
    description: str = ""  # colour, make and model; or what the premises are used as
    category: str = ""  # for premises, the PremisesKind value


def _visible_agencies(user: User, nominal_pks: Sequence[Any]) -> dict[str, set[int]]:
    """Per person, the agencies whose facts the user sees, plus the user's own (the profile's rule
    for premises and vehicles)."""
    allowed: dict[str, set[int]] = defaultdict(set)
    rows = (
        policies.visible_facts(user)
        .filter(nominal_id__in=list(nominal_pks))
        .values_list("nominal_id", "agency_id")
        .distinct()
    )
    for nominal_pk, agency_id in rows:
        allowed[str(nominal_pk)].add(agency_id)
    if user.agency_id:
        for pk in nominal_pks:
            allowed[str(pk)].add(user.agency_id)
    return allowed


def nominal_assets(*, user: User, nominal_pks: Sequence[Any]) -> list[Asset]:
    """Vehicles and premises of these people that the user may see, as in a nominal's profile."""
    if not nominal_pks or not user.works_with_intel:
        return []
    visible = list(
        policies.visible_nominals(user, Nominal.objects.filter(pk__in=list(nominal_pks))).values_list("pk", flat=True)
    )
    allowed = _visible_agencies(user, visible)
    out: list[Asset] = []
    vehicle_links = Vehicle.nominals.through.objects.filter(nominal_id__in=visible).select_related("vehicle__agency")
    for link in vehicle_links.order_by("vehicle__vrm", "pk"):
        v: Vehicle = link.vehicle
        if v.agency_id not in allowed[str(link.nominal_id)]:
            continue
        out.append(
            Asset(
                kind="vehicle",
                pk=v.pk,
                label=v.vrm,
                nominal_pk=str(link.nominal_id),
                agency=v.agency.name,
                attributes=(("registration", v.vrm), ("make", v.make), ("model", v.model), ("colour", v.colour)),
                description=" ".join(x for x in (v.colour, v.make, v.model) if x),
            )
        )
    premises_links = Premises.nominals.through.objects.filter(nominal_id__in=visible).select_related("premises__agency")
    for place in premises_links.order_by("premises__postcode", "pk"):
        p: Premises = place.premises
        if p.agency_id not in allowed[str(place.nominal_id)]:
            continue
        out.append(
            Asset(
                kind="premises",
                pk=p.pk,
                label=f"{p.address}, {p.postcode}",
                nominal_pk=str(place.nominal_id),
                agency=p.agency.name,
                attributes=(("address", p.address), ("postcode", p.postcode), ("premises_kind", p.get_kind_display())),
                description=p.get_kind_display(),
                category=p.kind,
            )
        )
    return out


# i2 Analyst's Notebook --------------------------------------------------------------------------

I2_COLUMN_NOTES = {
    "soc_hub_id": "SOC Hub's id of the person (open it at /nominals/<id>/).",
    "date_of_birth": "Date of birth the exporter may see (YYYY-MM-DD).",
    "warning_markers": "Warning markers, separated by semicolons.",
    "safeguarding": "Recorded as a victim or vulnerable person: a safeguarding concern, never a threat.",
    "ocg_roles": "Roles in OCGs the exporter may see, separated by semicolons.",
    "urn": "The OCG's unique reference.",
    "threat_categories": "The OCG's serious and organised crime threats.",
    "status": "Proposed, mapped or archived.",
    "owning_agency": "The agency that mapped the OCG.",
    "registration": "Vehicle registration mark.",
    "make": "Vehicle make.",
    "model": "Vehicle model.",
    "colour": "Vehicle colour.",
    "address": "Address of the premises.",
    "postcode": "Postcode of the premises.",
    "premises_kind": "What the premises are used as.",
    "recorded_by_agencies": "The agencies that recorded the vehicle or premises.",
}


def _ocg_attributes(ocg: OCG | None, node: selectors.NetworkNode) -> tuple[tuple[str, str], ...]:
    if ocg is None:
        return (("urn", node.urn),)
    return (
        ("urn", ocg.urn),
        ("threat_categories", "; ".join(ocg.threat_labels)),
        ("status", ocg.get_status_display()),
        ("owning_agency", ocg.agency.name),
    )


def i2_entities(
    *, network: selectors.Network, assets: Sequence[Asset], ocgs: dict[str, OCG]
) -> tuple[list[I2Entity], list[I2Link]]:
    """The network (and the people's vehicles and premises) as i2 entities and links.

    Identities are stable across exports: ``SOCHUB-N-<id>`` for a person, ``SOCHUB-OCG-<URN>``,
    ``SOCHUB-VRM-<registration>`` (the same plate recorded twice is one vehicle) and
    ``SOCHUB-PREMISES-<id>``.
    """
    identity: dict[str, str] = {}
    entities: list[I2Entity] = []
    for n in network.nodes:
        if n.kind == "nominal":
            identity[n.id] = f"SOCHUB-N-{n.pk}"
            attributes: tuple[tuple[str, str], ...] = (
                ("soc_hub_id", n.pk),
                ("date_of_birth", n.birth_date_iso),
                ("warning_markers", "; ".join(n.markers)),
                ("safeguarding", "Yes: victim or vulnerable person" if n.is_protected else ""),
                ("ocg_roles", "; ".join(n.roles)),
            )
            entities.append(I2Entity(identity[n.id], "Person", n.label, attributes))
        else:
            identity[n.id] = f"SOCHUB-OCG-{n.urn}"
            entities.append(I2Entity(identity[n.id], "Organisation", n.label, _ocg_attributes(ocgs.get(n.pk), n)))
    links: list[I2Link] = [
        I2Link(
            end1=identity[e.source],
            end2=identity[e.target],
            link_type="OCG member" if e.type == selectors.MEMBER_EDGE else e.type_label,
            strength=e.strength,
            label=e.type_label,
            date=e.date,
            source=e.source_text,
            recorded_by=e.recorded_by,
        )
        for e in network.edges
    ]
    asset_entities: dict[str, I2Entity] = {}
    recorders: dict[str, list[str]] = defaultdict(list)
    seen_links: set[tuple[str, str]] = set()
    for a in assets:
        key = f"SOCHUB-VRM-{a.label}" if a.kind == "vehicle" else f"SOCHUB-PREMISES-{a.pk}"
        if key not in asset_entities:
            asset_entities[key] = I2Entity(key, "Vehicle" if a.kind == "vehicle" else "Address", a.label, a.attributes)
        if a.agency not in recorders[key]:
            recorders[key].append(a.agency)
        person = identity.get(f"n:{a.nominal_pk}")
        if person is None or (person, key) in seen_links:
            continue
        seen_links.add((person, key))
        links.append(
            I2Link(
                end1=person,
                end2=key,
                link_type="Uses vehicle" if a.kind == "vehicle" else "Linked to premises",
                strength=2,
                recorded_by=a.agency,
            )
        )
    for key, entity in asset_entities.items():
        entities.append(
            I2Entity(
                entity.identity,
                entity.entity_type,
                entity.label,
                (*entity.attributes, ("recorded_by_agencies", "; ".join(recorders[key]))),
            )
        )
    return entities, links


def _handling_statement(classification: str, conditions: bool = False) -> str:
    text = (
        "Shared for the purpose stated only. Do not pass it on without the agreement of the agencies "
        "that recorded it; keep and destroy it as your force's rules for this marking require."
    )
    if classification == Classification.OFFICIAL_SENSITIVE:
        text += " OFFICIAL-SENSITIVE: only for people with a need to know and NPPV2 vetting or above."
    if conditions:
        text += " Records with handling code C carry their originator's conditions: follow them."
    return text


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "export"


def _producer(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.agency.name})" if user.agency_id and user.agency else name


def i2_export(*, actor: Actor, nominal_id: str | None = None, ocg_id: int | None = None) -> tuple[str, bytes]:
    """A person's or an OCG's chart as a ZIP for i2 Analyst's Notebook: (file name, bytes).

    Needs a purpose; logged as a disclosure naming every person and OCG in it.
    """
    user = actor.user
    if nominal_id is not None:
        nominal = _resolve_nominal(user, nominal_id)
        purpose = require_purpose(actor.purpose)
        network = selectors.nominal_network(user=user, nominal=nominal)
        focus = network.node(network.focus)
        subject = focus.label if focus else str(nominal.pk)
    elif ocg_id is not None:
        ocg = _resolve_ocg(user, ocg_id)
        purpose = require_purpose(actor.purpose)
        network = selectors.ocg_network(user=user, ocg=ocg)
        subject = f"{ocg.urn} {ocg.name}"
    else:
        raise NotFound
    nominals, ocg_pks = _network_objects(network)
    ocgs = {str(o.pk): o for o in policies.visible_ocgs(user).filter(pk__in=ocg_pks).select_related("agency")}
    assets = nominal_assets(user=user, nominal_pks=nominals)
    entities, links = i2_entities(network=network, assets=assets, ocgs=ocgs)
    now = timezone.localtime()
    data = write_i2_zip(
        entities=entities,
        links=links,
        classification=network.classification,
        title=f"network of {subject}",
        produced_by=_producer(user),
        produced_at=now,
        purpose=purpose,
        handling=_handling_statement(network.classification),
        column_notes=I2_COLUMN_NOTES,
    )
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type="ocg" if ocg_id is not None else "nominal",
        object_ids=[ocg_id, *nominals] if ocg_id is not None else nominals,
        purpose=purpose,
        detail={
            "export": "i2",
            "entities": len(entities),
            "links": len(links),
            "classification": network.classification,
            "ocgs": ocg_pks,
        },
    )
    name = f"{network.classification}-i2-{_safe_name(subject)}-{now:%Y%m%d}.zip"
    return name, data


# Intelligence package -------------------------------------------------------------------------


@dataclass
class IdentityRow:
    label: str
    value: str
    agency: str


@dataclass
class MembershipRow:
    urn: str
    name: str
    role: str
    since: date | None
    threats: str
    agency: str
    classification: str


@dataclass
class IntelRow:
    urn: str
    title: str
    text: str
    date_of_intelligence: date
    grading: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling: str
    handling_conditions: str
    classification: str
    agency: str

    @property
    def conditional(self) -> bool:
        return self.handling_code == HandlingCode.C


@dataclass
class OffenceRow:
    offence_date: date
    offence_type: str
    outcome: str
    agency: str
    counted: bool


@dataclass
class OffenceSummary:
    """Counts leave out offences that ended in no further action (they are listed, marked as not counted)."""

    by_type: list[tuple[str, int]]
    by_outcome: list[tuple[str, int, bool]]
    counted: int
    not_counted: int
    recent: list[OffenceRow]


@dataclass
class Suggestion:
    title: str
    reason: str
    basis: str


@dataclass
class IntelPackage:
    """Everything in one person's intelligence package, as the producing user may see it."""

    nominal_id: str
    short_id: str
    name: str
    classification: str
    identity: list[IdentityRow]
    memberships: list[MembershipRow]
    network: selectors.Network
    links: list[LinkRow]
    chart_svg: str
    intelligence: list[IntelRow]
    offences: OffenceSummary
    markers: list[IdentityRow]
    safeguarding: list[IdentityRow]
    assets: list[Asset]
    suggestions: list[Suggestion]
    produced_by: str
    produced_at: datetime
    purpose: str
    handling_statement: str
    others_hold_information: bool
    object_ids: list[str] = field(default_factory=list)

    @property
    def has_conditions(self) -> bool:
        return any(r.conditional for r in self.intelligence)


_IDENTITY_KINDS = (
    FactKind.NAME,
    FactKind.ALIAS,
    FactKind.BIRTH_DATE,
    FactKind.SEX,
    FactKind.NATIONALITY,
    FactKind.FOREIGN_NATIONAL,
    FactKind.PNC_ID,
    FactKind.NI_NUMBER,
    FactKind.PASSPORT,
    FactKind.PHONE,
    FactKind.ADDRESS,
)
_FINANCIAL = re.compile(r"fraud|launder|money|brib|corrupt|tax|benefit|counterfeit|forg", re.IGNORECASE)
_FIREARMS = re.compile(r"firearm|gun|ammunition", re.IGNORECASE)
_DRUG_SUPPLY = re.compile(
    r"drug (trafficking|supply)|supply of|class a|county lines|trafficking in drugs", re.IGNORECASE
)
_SLAVERY = re.compile(r"slavery|trafficking of|human trafficking|forced labour|servitude", re.IGNORECASE)
_FINANCIAL_THREATS = {ThreatCategory.FRAUD, ThreatCategory.MONEY_LAUNDERING, ThreatCategory.BRIBERY}
_CLOSURE_KINDS = {PremisesKind.RESIDENTIAL, PremisesKind.CANNABIS_FACTORY, PremisesKind.STORAGE, PremisesKind.OTHER}
_LICENSING_KINDS = {PremisesKind.BUSINESS, PremisesKind.CAR_WASH, PremisesKind.NAIL_BAR}


def _listed(items: Iterable[str], limit: int = 4) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def disruption_suggestions(
    *,
    vehicles: Sequence[str],
    premises: Sequence[tuple[str, str]],
    offence_types: Sequence[str],
    convicted: bool,
    marker_keys: Sequence[str],
    threat_categories: Sequence[str],
    roles: Sequence[str],
    has_phone: bool,
    foreign_national: bool,
    protected: bool,
) -> list[Suggestion]:
    """Disruption options suggested by the recorded facts alone (no assessment), as plain data.

    ``premises`` are (label, PremisesKind value); ``roles`` are MemberRole values. A person recorded
    as a victim or vulnerable gets a safeguarding suggestion only: enforcement options are withheld.
    """
    if protected:
        return [
            Suggestion(
                "Safeguarding first",
                "Recorded as a victim or vulnerable person.",
                "Refer through your safeguarding process (MASH, National Referral Mechanism for modern "
                "slavery). Enforcement options are not suggested for a person recorded as a victim or vulnerable.",
            )
        ]
    out: list[Suggestion] = []
    if vehicles:
        out.append(
            Suggestion(
                "ANPR and roadside disruption",
                f"Vehicles recorded: {_listed(vehicles)}.",
                "Add the registrations to ANPR through your force's process; stop checks; seizure where a "
                "vehicle is driven without insurance or a licence (Road Traffic Act 1988, s.165A).",
            )
        )
    closure = [label for label, kind in premises if kind in _CLOSURE_KINDS]
    if closure:
        out.append(
            Suggestion(
                "Premises closure",
                f"Premises recorded: {_listed(closure)}.",
                "Closure notice and order where premises are linked to nuisance or disorder (Anti-social "
                "Behaviour, Crime and Policing Act 2014, Part 4, Chapter 3); engage the landlord.",
            )
        )
    licensed = [label for label, kind in premises if kind in _LICENSING_KINDS]
    if licensed:
        out.append(
            Suggestion(
                "Licensing and regulatory review",
                f"Business premises recorded: {_listed(licensed)}.",
                "Review of a premises licence (Licensing Act 2003, s.51); joint visits with HMRC, Immigration "
                "Enforcement and the GLAA where labour exploitation is suspected.",
            )
        )
    financial = [t for t in offence_types if _FINANCIAL.search(t)]
    financial_threats = [ThreatCategory(t).label for t in threat_categories if t in _FINANCIAL_THREATS]
    if financial or financial_threats:
        out.append(
            Suggestion(
                "Financial investigation and asset recovery",
                f"Recorded: {_listed([*financial, *financial_threats])}.",
                "Proceeds of Crime Act 2002: cash seizure and forfeiture, account freezing orders, restraint and "
                "confiscation. Refer to a financial investigator.",
            )
        )
    firearms = "firearms" in marker_keys or any(_FIREARMS.search(t) for t in offence_types)
    if firearms:
        out.append(
            Suggestion(
                "Firearms licensing review",
                "Firearms warning marker or firearms offending recorded.",
                "Check whether they hold a firearm or shotgun certificate; the chief officer may revoke it "
                "(Firearms Act 1968, s.30A to 30C).",
            )
        )
    drugs = [t for t in offence_types if _DRUG_SUPPLY.search(t)]
    if drugs and has_phone:
        out.append(
            Suggestion(
                "Drug dealing telecommunications restriction order",
                f"Drug supply offending ({_listed(drugs)}) and a phone recorded.",
                "Apply for a DDTRO to disconnect phones used in drug dealing (Digital Economy Act 2017, s.80).",
            )
        )
    slavery = [t for t in offence_types if _SLAVERY.search(t)]
    if slavery or ThreatCategory.MSHT in threat_categories:
        out.append(
            Suggestion(
                "Slavery and trafficking prevention or risk order",
                f"Recorded: {_listed(slavery or [ThreatCategory.MSHT.label])}.",
                "Modern Slavery Act 2015, Part 2: prevention orders on conviction, risk orders without one.",
            )
        )
    if convicted and any(r in ("principal", "significant") for r in roles):
        out.append(
            Suggestion(
                "Serious crime prevention order",
                "A principal or significant OCG member with a conviction.",
                "Serious Crime Act 2007, Part 1: an order on conviction for a serious offence restricting "
                "association, travel, communication or finances.",
            )
        )
    if foreign_national:
        out.append(
            Suggestion(
                "Immigration status check",
                "Recorded as a foreign national.",
                "Check immigration status with Home Office Immigration Enforcement; deportation may follow a "
                "conviction (UK Borders Act 2007, s.32).",
            )
        )
    return out


def _offence_summary(user: User, nominal: Nominal) -> tuple[OffenceSummary, list[str], bool]:
    offences = list(policies.visible_offences(user, nominal.offences.select_related("agency")))
    counted = [o for o in offences if o.outcome != OffenceOutcome.NO_FURTHER_ACTION]
    by_type = Counter(o.offence_type for o in counted)
    by_outcome = Counter(o.outcome for o in offences)
    summary = OffenceSummary(
        by_type=sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
        by_outcome=[
            (label, by_outcome[value], value != OffenceOutcome.NO_FURTHER_ACTION)
            for value, label in OffenceOutcome.choices
            if by_outcome[value]
        ],
        counted=len(counted),
        not_counted=len(offences) - len(counted),
        recent=[
            OffenceRow(
                offence_date=o.offence_date,
                offence_type=o.offence_type,
                outcome=o.get_outcome_display(),
                agency=o.agency.name,
                counted=o.outcome != OffenceOutcome.NO_FURTHER_ACTION,
            )
            for o in offences[:8]
        ],
    )
    convicted = any(o.outcome == OffenceOutcome.CONVICTED for o in offences)
    return summary, [o.offence_type for o in counted], convicted


def intelligence_package(*, user: User, nominal: Nominal, purpose: str) -> IntelPackage:
    """One person's package from what ``user`` may see: a selector, it writes nothing."""
    profile = selectors.nominal_profile(user=user, nominal=nominal)
    facts = profile.facts
    identity = [
        IdentityRow(FactKind(kind).label, f.value, f.agency.name)
        for kind in _IDENTITY_KINDS
        for f in facts.get(kind, [])
    ]
    markers = [IdentityRow("Warning marker", f.value, f.agency.name) for f in facts.get(FactKind.WARNING_MARKER, [])]
    safeguarding = [IdentityRow("Safeguarding", f.value, f.agency.name) for f in facts.get(FactKind.VULNERABILITY, [])]
    visible_memberships = list(
        policies.visible_memberships(user, nominal.memberships.select_related("ocg", "ocg__agency"))
    )
    memberships = [
        MembershipRow(
            urn=m.ocg.urn,
            name=m.ocg.name,
            role=m.get_role_display(),
            since=m.date_from,
            threats=", ".join(m.ocg.threat_labels),
            agency=m.ocg.agency.name,
            classification=m.ocg.classification,
        )
        for m in visible_memberships
    ]
    network = selectors.nominal_network(user=user, nominal=nominal, hops=PACKAGE_HOPS, max_nodes=PACKAGE_MAX_NODES)
    intelligence = [
        IntelRow(
            urn=r.urn,
            title=r.title,
            text=r.text,
            date_of_intelligence=r.date_of_intelligence,
            grading=r.grading,
            source_evaluation=SourceEvaluation(r.source_evaluation).label,
            intelligence_assessment=IntelligenceAssessment(r.intelligence_assessment).label,
            handling_code=r.handling_code,
            handling=HandlingCode(r.handling_code).label,
            handling_conditions=r.handling_conditions,
            classification=r.classification,
            agency=r.agency.name,
        )
        for r in profile.intelligence
    ]
    offences, counted_types, convicted = _offence_summary(user, nominal)
    assets = nominal_assets(user=user, nominal_pks=[nominal.pk])
    threat_categories = [t for m in visible_memberships for t in m.ocg.threat_categories]
    roles = [m.role for m in visible_memberships]
    suggestions = disruption_suggestions(
        vehicles=[a.label for a in assets if a.kind == "vehicle"],
        premises=[(a.label, a.category) for a in assets if a.kind == "premises"],
        offence_types=counted_types,
        convicted=convicted,
        marker_keys=[f.key for f in facts.get(FactKind.WARNING_MARKER, [])],
        threat_categories=threat_categories,
        roles=roles,
        has_phone=bool(facts.get(FactKind.PHONE)),
        foreign_national=bool(facts.get(FactKind.FOREIGN_NATIONAL)),
        protected=bool(safeguarding),
    )
    classification = selectors.highest_classification(
        [network.classification, *(r.classification for r in intelligence), *(m.classification for m in memberships)]
    )
    nominals, _ = _network_objects(network)
    return IntelPackage(
        nominal_id=str(nominal.pk),
        short_id=nominal.short_id,
        name=profile.display_name,
        classification=classification,
        identity=identity,
        memberships=memberships,
        network=network,
        links=network_rows(network),
        chart_svg=network_chart_svg(network, title=f"Associations of {profile.display_name}", uid="package-chart"),
        intelligence=intelligence,
        offences=offences,
        markers=markers,
        safeguarding=safeguarding,
        assets=assets,
        suggestions=suggestions,
        produced_by=_producer(user),
        produced_at=timezone.localtime(),
        purpose=purpose,
        handling_statement=_handling_statement(classification, any(r.conditional for r in intelligence)),
        others_hold_information=profile.others_hold_information,
        object_ids=[*dict.fromkeys([str(nominal.pk), *nominals])],
    )


def _package_audit(actor: Actor, package: IntelPackage, operation: Operation, purpose: str, fmt: str) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type="nominal",
        object_ids=package.object_ids,
        purpose=purpose,
        detail={
            "view" if operation == Operation.CONSULTATION else "export": fmt,
            "package": True,
            "intelligence": [r.urn for r in package.intelligence],
            "ocgs": [m.urn for m in package.memberships],
            "classification": package.classification,
        },
    )


def package_consult(*, actor: Actor, nominal_id: str) -> IntelPackage:
    """The package on screen: needs a purpose, logged as a consultation."""
    nominal = _resolve_nominal(actor.user, nominal_id)
    purpose = require_purpose(actor.purpose)
    package = intelligence_package(user=actor.user, nominal=nominal, purpose=purpose)
    _package_audit(actor, package, Operation.CONSULTATION, purpose, "package")
    return package


def package_export(*, actor: Actor, nominal_id: str, fmt: str) -> IntelPackage:
    """The package as a file (``fmt`` "pdf" or "html"): needs a purpose, logged as a disclosure naming
    the person, everyone on the chart, the intelligence records and the purpose."""
    if fmt not in ("pdf", "html"):
        raise NotFound
    nominal = _resolve_nominal(actor.user, nominal_id)
    purpose = require_purpose(actor.purpose)
    package = intelligence_package(user=actor.user, nominal=nominal, purpose=purpose)
    _package_audit(actor, package, Operation.DISCLOSURE, purpose, fmt)
    return package


def package_filename(package: IntelPackage, ext: str) -> str:
    return f"{package.classification}-intelligence-package-{package.short_id}-{package.produced_at:%Y%m%d}.{ext}"


__all__ = [
    "Asset",
    "IntelPackage",
    "LinkRow",
    "Suggestion",
    "chart_parts",
    "disruption_suggestions",
    "i2_entities",
    "i2_export",
    "intelligence_package",
    "network_chart_svg",
    "network_json",
    "network_rows",
    "nominal_assets",
    "nominal_network_consult",
    "ocg_network_consult",
    "package_consult",
    "package_export",
]
