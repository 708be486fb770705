"""Reads of the intelligence picture. Every query starts from a policy-filtered queryset."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When

from sochub.engine import names
from sochub.partners.models import User

from . import policies
from .models import (
    OCG,
    Association,
    Classification,
    FactKind,
    IntelligenceRecord,
    MemberRole,
    NameToken,
    Nominal,
    NominalFact,
    OCGMembership,
    Premises,
    Vehicle,
)

# How many best-scoring name facts the database hands over for fine ranking: enough for a
# common name at national scale, few enough to rank in milliseconds.
_NAME_CANDIDATES = 1_000
MAX_RESULTS = 500


@dataclass
class SearchHit:
    nominal_id: str
    name: str
    score: float
    matched_on: str
    birth_date: str = ""


def _name_hits(user: User, query: str) -> dict[str, SearchHit]:
    """Name facts in which every query word matches some word, ranked in the database first.

    Each name word row scores 2 for the query word itself and 1 for a sound-alike, prefix or
    (on PostgreSQL) trigram match; a fact's score is the sum over query words of its best row.
    The best ``_NAME_CANDIDATES`` facts by that score are then ranked by ``name_similarity``,
    so exact names are never cut off by a common surname.
    """
    words = list(dict.fromkeys(names.name_tokens(query)))[:6]
    if not words:
        return {}
    per_word: dict[str, Any] = {}
    any_word = Q()
    for n, word in enumerate(words):
        soundex, metaphone = names.phonetic_keys(word)
        near = Q(soundex=soundex) | Q(metaphone=metaphone)
        if len(word) > 2:
            near |= Q(token__startswith=word)
        if settings.IS_POSTGRES and len(word) > 3:
            near |= Q(token__trigram_similar=word)
        per_word[f"w{n}"] = Max(Case(When(token=word, then=2), When(near, then=1), default=0))
        any_word |= Q(token=word) | near
    total = sum((F(k) for k in per_word), start=Value(0))
    ranked = (
        NameToken.objects.filter(any_word)
        .filter(Q(agency_id=user.agency_id) | policies.shared_nominal_exists(user))
        .values("fact_id")
        .annotate(**per_word)
        .annotate(total=total)
        .filter(**{f"{k}__gt": 0 for k in per_word})
        .order_by("-total", "fact_id")
        .values_list("fact_id", flat=True)[:_NAME_CANDIDATES]
    )
    hits: dict[str, SearchHit] = {}
    facts = NominalFact.objects.filter(pk__in=list(ranked), nominal__merged_into__isnull=True)
    for nominal_id, value in facts.values_list("nominal_id", "value"):
        score = names.name_similarity(query, value)
        if score < 55:
            continue
        key = str(nominal_id)
        if key not in hits or hits[key].score < score:
            hits[key] = SearchHit(key, value, score, "exact name" if score >= 100 else "similar name")
    return hits


def _looks_like_identifier(query: str) -> bool:
    """Dates, postcodes, PNC IDs, NI numbers and phone numbers are not names."""
    return any(
        f(query)
        for f in (
            names.parse_date,
            names.postcode_key,
            names.normalise_pnc_id,
            names.normalise_ni_number,
            names.normalise_phone,
        )
    )


def _identifier_hits(user: User, query: str) -> dict[str, SearchHit]:
    """Exact matches on date of birth, PNC ID, NI number, passport, phone, postcode and vehicle."""
    probes: list[tuple[str, str, str]] = []  # (fact kind, key, label)
    born = names.parse_date(query)
    if born:
        probes.append((FactKind.BIRTH_DATE, born.isoformat(), "date of birth"))
    if pnc := names.normalise_pnc_id(query):
        probes.append((FactKind.PNC_ID, pnc, "PNC ID"))
    if ni := names.normalise_ni_number(query):
        probes.append((FactKind.NI_NUMBER, ni, "NI number"))
    if (phone := names.normalise_phone(query)) and not born:
        probes.append((FactKind.PHONE, phone, "phone"))
    if pc := names.postcode_key(query):
        probes.append((FactKind.ADDRESS, pc, "postcode"))
    compact = query.replace(" ", "").upper()
    if compact.isalnum() and 6 <= len(compact) <= 12 and any(c.isdigit() for c in compact):
        probes.append((FactKind.PASSPORT, compact, "passport"))
    hits: dict[str, SearchHit] = {}
    facts = policies.visible_facts(user)
    for kind, key, label in probes:
        for nominal_id in facts.filter(kind=kind, key=key).values_list("nominal_id", flat=True)[:MAX_RESULTS]:
            hits.setdefault(str(nominal_id), SearchHit(str(nominal_id), "", 100.0 + 1, label))
    if vrm := names.normalise_vrm(query):
        vehicles = Vehicle.objects.filter(vrm=vrm).values_list("nominals", flat=True)
        for nominal_id in vehicles[:MAX_RESULTS]:
            if nominal_id and policies.can_view_nominal(user, Nominal(pk=nominal_id)):
                hits.setdefault(str(nominal_id), SearchHit(str(nominal_id), "", 101.0, "vehicle"))
    return hits


def nominal_search(*, user: User, query: str) -> list[SearchHit]:
    """Nominals the user may see that match the query, best first (exact matches first)."""
    query = query.strip()[:200]
    if not query or not user.works_with_intel:
        return []
    hits = {} if _looks_like_identifier(query) else _name_hits(user, query)
    for key, hit in _identifier_hits(user, query).items():
        if key not in hits or hits[key].score < hit.score:
            hits[key] = hit
    # Every hit came through a fact the user may see, so the nominal is visible to them.
    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.name))
    ranked = ranked[:MAX_RESULTS]
    _fill_headlines(user, ranked)
    return ranked


def _fill_headlines(user: User, hits: list[SearchHit]) -> None:
    """Give each hit a visible name and date of birth to show."""
    by_id = {h.nominal_id: h for h in hits}
    facts = policies.visible_facts(user).filter(
        nominal_id__in=list(by_id), kind__in=[FactKind.NAME, FactKind.BIRTH_DATE]
    )
    for nominal_id, kind, value in facts.values_list("nominal_id", "kind", "value"):
        hit = by_id[str(nominal_id)]
        if kind == FactKind.NAME and not hit.name:
            hit.name = value
        elif kind == FactKind.BIRTH_DATE and not hit.birth_date:
            hit.birth_date = value


def nominal_list(*, user: User, limit: int, offset: int) -> tuple[list[SearchHit], int]:
    """A page of every nominal the user may see, with the total."""
    qs = policies.visible_nominals(user).order_by("created_at", "pk")
    total = qs.count()
    hits = [SearchHit(str(pk), "", 0.0, "") for pk in qs.values_list("pk", flat=True)[offset : offset + limit]]
    _fill_headlines(user, hits)
    return hits, total


def nominal_resolve(*, user: User, nominal_id: str) -> Nominal | None:
    """The nominal the user asked for, following merges to the survivor; None if not visible."""
    try:
        nominal = Nominal.objects.get(pk=nominal_id)
    except (Nominal.DoesNotExist, ValueError, ValidationError):
        return None
    seen = 0
    while nominal.merged_into_id and seen < 20:
        nominal = Nominal.objects.get(pk=nominal.merged_into_id)
        seen += 1
    return nominal if policies.can_view_nominal(user, nominal) else None


@dataclass
class NominalProfile:
    """Everything about one nominal that one user may see."""

    nominal: Nominal
    facts: dict[str, list[NominalFact]]
    display_name: str
    intelligence: list[IntelligenceRecord]
    associations: list[tuple[Association, Nominal, str]]
    memberships: list[OCGMembership]
    premises: list[Premises]
    vehicles: list[Vehicle]
    agencies: list[str]
    others_hold_information: bool
    absorbed_ids: list[str] = field(default_factory=list)


def nominal_profile(*, user: User, nominal: Nominal) -> NominalProfile:
    facts = list(policies.visible_facts(user, nominal.facts.select_related("agency")).order_by("kind", "-recorded_at"))
    grouped: dict[str, list[NominalFact]] = defaultdict(list)
    for f in facts:
        grouped[f.kind].append(f)
    display = grouped[FactKind.NAME][0].value if grouped.get(FactKind.NAME) else "Name not visible"
    intel = list(policies.visible_intelligence(user, nominal.intelligence.select_related("agency")))
    links = list(
        policies.visible_associations(
            user, Association.objects.filter(Q(nominal_a=nominal) | Q(nominal_b=nominal)).select_related("agency")
        )
    )
    others = [
        SearchHit(str(a.nominal_b_id if a.nominal_a_id == nominal.pk else a.nominal_a_id), "", 0, "") for a in links
    ]
    _fill_headlines(user, others)
    associations = [
        (a, Nominal(pk=o.nominal_id), o.name or "Name not visible") for a, o in zip(links, others, strict=True)
    ]
    memberships = list(policies.visible_memberships(user, nominal.memberships.select_related("ocg")))
    # Premises and vehicles show when recorded by the user's agency or by one whose facts they see.
    seen_agencies: set[int] = {f.agency_id for f in facts} | ({user.agency_id} if user.agency_id else set())
    premises = list(nominal.premises.filter(agency_id__in=seen_agencies))
    vehicles = list(nominal.vehicles.filter(agency_id__in=seen_agencies))
    return NominalProfile(
        nominal=nominal,
        facts=dict(grouped),
        display_name=display,
        intelligence=intel,
        associations=associations,
        memberships=memberships,
        premises=premises,
        vehicles=vehicles,
        agencies=sorted({f.agency.name for f in facts}),
        others_hold_information=policies.other_agencies_hold(user, nominal),
        absorbed_ids=[str(i) for i in nominal.absorbed.values_list("pk", flat=True)],
    )


def intelligence_search(*, user: User, query: str = "") -> QuerySet[IntelligenceRecord]:
    qs = policies.visible_intelligence(user).select_related("agency")
    query = query.strip()[:200]
    if not query:
        return qs
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "text", weight="B", config="english"
        )
        sq = SearchQuery(query, search_type="websearch", config="english")
        # ts_rank is never exactly 0 for multi-word queries: filter on the match itself.
        return (
            qs.annotate(document=vector, rank=SearchRank(vector, sq))
            .filter(Q(document=sq) | Q(urn__iexact=query))
            .order_by("-rank", "-date_of_intelligence")
        )
    words = [w for w in query.split() if w]
    match = Q(urn__iexact=query)
    every = Q()
    for w in words:
        every &= Q(title__icontains=w) | Q(text__icontains=w)
    return qs.filter(match | every)


def ocg_list(*, user: User, query: str = "", status: str = "") -> QuerySet[OCG]:
    qs = policies.visible_ocgs(user).select_related("agency", "lead_officer")
    if query:
        qs = qs.filter(Q(name__icontains=query.strip()[:100]) | Q(urn__iexact=query.strip()[:20]))
    if status:
        qs = qs.filter(status=status)
    return qs


def ocg_get(*, user: User, ocg_id: int) -> OCG | None:
    return ocg_list(user=user).filter(pk=ocg_id).first()


def intelligence_subjects(*, user: User, record: IntelligenceRecord) -> list[SearchHit]:
    """The record's subjects that the user may see, with a name to show."""
    ids = policies.visible_nominals(user, record.subjects.all()).values_list("pk", flat=True)
    hits = [SearchHit(str(pk), "", 0, "") for pk in ids]
    _fill_headlines(user, hits)
    return hits


def ocg_members(*, user: User, ocg: OCG) -> list[tuple[OCGMembership, str]]:
    rank = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(MemberRole.values)], output_field=IntegerField())
    memberships = list(policies.visible_memberships(user, ocg.memberships.all()).order_by(rank, "date_from"))
    hits = [SearchHit(str(m.nominal_id), "", 0, "") for m in memberships]
    _fill_headlines(user, hits)
    return [(m, h.name or "Name not visible") for m, h in zip(memberships, hits, strict=True)]


def dashboard_counts(*, user: User) -> dict[str, int]:
    return {
        "nominals": policies.visible_nominals(user).count(),
        "ocgs": policies.visible_ocgs(user).count(),
        "intelligence": policies.visible_intelligence(user).count(),
        "intelligence_this_year": policies.visible_intelligence(user)
        .filter(date_of_intelligence__year=date.today().year)
        .count(),
    }


# Link charts: a nominal's or an OCG's network, policy-filtered ----------------------------

STRENGTH_LABELS = {1: "Weak", 2: "Moderate", 3: "Strong"}
MEMBER_EDGE = "member"


@dataclass
class NetworkNode:
    """One person or OCG on a link chart, with only what the user may see.

    ``id`` is ``n:<nominal uuid>`` or ``o:<OCG pk>``. A protected person (a victim or vulnerable
    person: a visible safeguarding fact) is a safeguarding concern, never a threat.
    """

    id: str
    pk: str
    kind: str  # "nominal" or "ocg"
    label: str
    hop: int
    is_focus: bool = False
    birth_date: str = ""
    birth_date_iso: str = ""
    markers: list[str] = field(default_factory=list)
    marker_keys: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    is_protected: bool = False
    urn: str = ""
    classification: str = "OFFICIAL"


@dataclass
class NetworkEdge:
    """An association between two people, or a person's membership of an OCG (``type`` "member")."""

    source: str
    target: str
    type: str
    type_label: str
    strength: int
    recorded_by: str
    source_text: str = ""
    date: date | None = None
    role: str = ""

    @property
    def strength_label(self) -> str:
        return STRENGTH_LABELS.get(self.strength, str(self.strength))


@dataclass
class Network:
    focus: str
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool
    classification: str

    def node(self, node_id: str) -> NetworkNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)


def _nominal_node_id(pk: Any) -> str:
    return f"n:{pk}"


def _ocg_node_id(pk: Any) -> str:
    return f"o:{pk}"


def highest_classification(classifications: list[str]) -> str:
    """OFFICIAL-SENSITIVE when any of these is, else OFFICIAL: the marking of content combining them."""
    return (
        Classification.OFFICIAL_SENSITIVE.value
        if Classification.OFFICIAL_SENSITIVE in classifications
        else Classification.OFFICIAL.value
    )


def _nominal_nodes(user: User, hops: dict[Any, int], focus: Any) -> dict[Any, NetworkNode]:
    """Nodes for these nominals, filled from the facts the user may see (one query)."""
    nodes = {
        pk: NetworkNode(id=_nominal_node_id(pk), pk=str(pk), kind="nominal", label="", hop=hop, is_focus=pk == focus)
        for pk, hop in hops.items()
    }
    facts = (
        policies.visible_facts(user)
        .filter(
            nominal_id__in=list(hops),
            kind__in=[FactKind.NAME, FactKind.BIRTH_DATE, FactKind.WARNING_MARKER, FactKind.VULNERABILITY],
        )
        .order_by("nominal_id", "kind", "-recorded_at", "pk")
        .values_list("nominal_id", "kind", "value", "key")
    )
    for nominal_id, kind, value, key in facts:
        node = nodes[nominal_id]
        if kind == FactKind.NAME and not node.label:
            node.label = value
        elif kind == FactKind.BIRTH_DATE and not node.birth_date:
            node.birth_date, node.birth_date_iso = value, key
        elif kind == FactKind.WARNING_MARKER and key not in node.marker_keys:
            node.markers.append(value)
            node.marker_keys.append(key)
        elif kind == FactKind.VULNERABILITY:
            node.is_protected = True
    for node in nodes.values():
        node.label = node.label or "Name not visible"
    return nodes


def _association_edge(a: Association) -> NetworkEdge:
    return NetworkEdge(
        source=_nominal_node_id(a.nominal_a_id),
        target=_nominal_node_id(a.nominal_b_id),
        type=a.type,
        type_label=a.get_type_display(),
        strength=a.strength,
        recorded_by=a.agency.name,
        source_text=a.source,
        date=a.recorded_at.date() if a.recorded_at else None,
    )


def _membership_edges(
    user: User, nominal_ids: list[Any], nodes: dict[Any, NetworkNode], only_ocgs: list[int] | None = None
) -> tuple[list[NetworkEdge], dict[int, OCG]]:
    """Memberships the user may see of these nominals (each role also noted on the person's node)."""
    qs = OCGMembership.objects.filter(nominal_id__in=nominal_ids)
    if only_ocgs is not None:
        qs = qs.filter(ocg_id__in=only_ocgs)
    memberships = policies.visible_memberships(user, qs).select_related("ocg", "ocg__agency").order_by("ocg__urn")
    edges: list[NetworkEdge] = []
    ocgs: dict[int, OCG] = {}
    for m in memberships:
        ocgs[m.ocg_id] = m.ocg
        role = m.get_role_display()
        nodes[m.nominal_id].roles.append(f"{role}, {m.ocg.urn} {m.ocg.name}")
        edges.append(
            NetworkEdge(
                source=_nominal_node_id(m.nominal_id),
                target=_ocg_node_id(m.ocg_id),
                type=MEMBER_EDGE,
                type_label=f"OCG member ({role.lower()})",
                strength=3 if m.ocg.status == "mapped" else 2,
                recorded_by=m.ocg.agency.name,
                date=m.date_from,
                role=role,
            )
        )
    return edges, ocgs


def _ocg_node(ocg: OCG, hop: int, focus: bool = False) -> NetworkNode:
    return NetworkNode(
        id=_ocg_node_id(ocg.pk),
        pk=str(ocg.pk),
        kind="ocg",
        label=ocg.name,
        hop=hop,
        is_focus=focus,
        urn=ocg.urn,
        classification=ocg.classification,
    )


def _expand(
    user: User, start: dict[Any, int], hops: int, max_nominals: int
) -> tuple[dict[Any, int], dict[int, Association], bool]:
    """Breadth-first over the associations the user may see: nominal -> hop, associations, truncated.

    Within a hop, stronger links are taken first, so a cut keeps the closest and strongest people.
    """
    seen = dict(start)
    links: dict[int, Association] = {}
    frontier = list(start)
    truncated = False
    for hop in range(1, hops + 1):
        if not frontier:
            break
        found = policies.visible_associations(
            user, Association.objects.filter(Q(nominal_a_id__in=frontier) | Q(nominal_b_id__in=frontier))
        ).select_related("agency")
        nxt: list[Any] = []
        for a in sorted(found, key=lambda a: (-a.strength, a.pk)):
            links[a.pk] = a
            for pk in (a.nominal_a_id, a.nominal_b_id):
                if pk in seen:
                    continue
                if len(seen) >= max_nominals:
                    truncated = True
                    continue
                seen[pk] = hop
                nxt.append(pk)
        frontier = nxt
    kept = {pk: a for pk, a in links.items() if a.nominal_a_id in seen and a.nominal_b_id in seen}
    return seen, kept, truncated


def nominal_network(*, user: User, nominal: Nominal, hops: int = 2, max_nodes: int = 150) -> Network:
    """The people linked to ``nominal`` within ``hops`` associations, and the OCGs they belong to.

    Every person, association, membership and OCG passes the policy (``visible_*``); what the
    user may not see is simply absent. At most ``max_nodes`` nodes: people nearest first, then
    their OCGs while room remains (``truncated`` says when something was left out). OCGs are
    shown beside their members but the walk does not go through them: a large group would
    swamp the chart (its own chart is :func:`ocg_network`).
    """
    if not policies.can_view_nominal(user, nominal):
        return Network(focus="", nodes=[], edges=[], truncated=False, classification="OFFICIAL")
    hops = max(0, min(hops, 3))
    max_nodes = max(1, max_nodes)
    seen, links, truncated = _expand(user, {nominal.pk: 0}, hops, max_nodes)
    nodes = _nominal_nodes(user, seen, nominal.pk)
    edges = [_association_edge(a) for a in links.values()]
    member_edges, ocgs = _membership_edges(user, list(seen), nodes)
    room = max_nodes - len(nodes)
    hop_of = {_nominal_node_id(pk): hop for pk, hop in seen.items()}
    nearest: dict[str, int] = {}
    for e in member_edges:
        nearest[e.target] = min(nearest.get(e.target, hops + 1), hop_of[e.source])
    ocg_nodes: list[NetworkNode] = []
    for ocg in sorted(ocgs.values(), key=lambda o: (nearest[_ocg_node_id(o.pk)], o.urn)):  # nearest people's first
        if len(ocg_nodes) >= room:
            truncated = True
            break
        ocg_nodes.append(_ocg_node(ocg, hop=nearest[_ocg_node_id(ocg.pk)] + 1))
    kept_ocgs = {n.id for n in ocg_nodes}
    edges += [e for e in member_edges if e.target in kept_ocgs]
    all_nodes = sorted(nodes.values(), key=lambda n: (n.hop, not n.is_focus, n.label.lower())) + ocg_nodes
    return Network(
        focus=_nominal_node_id(nominal.pk),
        nodes=all_nodes,
        edges=edges,
        truncated=truncated,
        classification=highest_classification([n.classification for n in ocg_nodes]),
    )


def ocg_network(*, user: User, ocg: OCG, associates: bool = True, max_nodes: int = 150) -> Network:
    """An OCG, the members the user may see, the links between them and (``associates``) each
    member's direct associates outside the group, all policy-filtered like :func:`nominal_network`.
    """
    if not policies.visible_ocgs(user).filter(pk=ocg.pk).exists():
        return Network(focus="", nodes=[], edges=[], truncated=False, classification="OFFICIAL")
    max_nodes = max(2, max_nodes)
    members = list(
        policies.visible_memberships(user, ocg.memberships.all())
        .order_by("role", "nominal_id")
        .values_list("nominal_id", flat=True)
    )
    truncated = len(members) > max_nodes - 1
    start = {pk: 1 for pk in members[: max_nodes - 1]}
    seen, links, more = _expand(user, start, 1 if associates else 0, max_nodes - 1)
    if not associates:  # only the links between members
        found = policies.visible_associations(
            user, Association.objects.filter(nominal_a_id__in=list(start), nominal_b_id__in=list(start))
        ).select_related("agency")
        links = {a.pk: a for a in found}
    seen = {pk: (1 if pk in start else 2) for pk in seen}
    nodes = _nominal_nodes(user, seen, None)
    member_edges, _ = _membership_edges(user, list(start), nodes, only_ocgs=[ocg.pk])
    edges = member_edges + [_association_edge(a) for a in sorted(links.values(), key=lambda a: a.pk)]
    person_nodes = sorted(nodes.values(), key=lambda n: (n.hop, n.label.lower()))
    return Network(
        focus=_ocg_node_id(ocg.pk),
        nodes=[_ocg_node(ocg, hop=0, focus=True), *person_nodes],
        edges=edges,
        truncated=truncated or more,
        classification=ocg.classification,
    )


@dataclass(frozen=True)
class OcgAddresses:
    """Premises of OCGs and of their current members that the user may see, for maps and local profiles."""

    premises_ids: list[int]
    latitude: list[float]
    longitude: list[float]
    without_coordinates: int


def ocg_addresses(*, user: User, agency_only: bool = False) -> OcgAddresses:
    """Premises linked to a visible OCG, or to a visible nominal who is a current member of one;
    ``agency_only``: only those the user's own agency recorded (for outputs others will see)."""
    ocgs = policies.visible_ocgs(user)
    members = policies.visible_memberships(user, OCGMembership.objects.filter(date_to__isnull=True)).values(
        "nominal_id"
    )
    linked = policies.visible_premises(user).filter(Q(ocgs__in=ocgs) | Q(nominals__in=members)).distinct()
    if agency_only:
        linked = linked.filter(agency=user.agency)
    rows = list(linked.order_by("pk").values_list("pk", "latitude", "longitude"))
    placed = [(pk, lat, lon) for pk, lat, lon in rows if lat is not None and lon is not None]
    return OcgAddresses(
        premises_ids=[pk for pk, _, _ in placed],
        latitude=[lat for _, lat, _ in placed],
        longitude=[lon for _, _, lon in placed],
        without_coordinates=len(rows) - len(placed),
    )
