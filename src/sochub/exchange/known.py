"""'Is this person known to you?': score what a user knows about a person against other agencies' people.

The query person is scored with the linkage engine (Splink) and the model of the latest finished resolution
run, against one record per (nominal, holding agency) built from that agency's own facts, so a person the
searcher cannot see is compared only with what each holder itself knows. The answer names, per holding agency,
only the agency, its contact point, the match band and the best 3x5x2 grade of its intelligence on the person:
never the record, the nominal or any fact. The matched nominal is kept server-side on a KnownSearchHit so a
request raised from the hit tells the holder which person is meant.

No model, no search: when no resolution run has trained one, the search is refused with a message rather than
training on the spot. Training takes seconds to minutes, would give scores that differ from the ones analysts
reviewed, and a model trained on a handful of records is unreliable; the matching must use the same reviewed
model as resolution.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import exchange as engine
from sochub.engine import names
from sochub.intel.models import FactKind, IntelligenceRecord, NameToken, NominalFact
from sochub.intel.validation import EARLIEST_BIRTH, clean_text
from sochub.linkage.models import ResolutionRun
from sochub.partners.models import Agency, Role, User

from . import policies, selectors
from .models import KnownSearch, KnownSearchHit

if TYPE_CHECKING:
    import pandas as pd

MAX_CANDIDATES = 5000
QUERY_ID = "query"
NAME_KINDS = (FactKind.NAME, FactKind.ALIAS)
USED_KINDS = (
    *NAME_KINDS,
    FactKind.BIRTH_DATE,
    FactKind.ADDRESS,
    FactKind.PNC_ID,
    FactKind.NI_NUMBER,
    FactKind.PHONE,
    FactKind.PASSPORT,
    FactKind.SEX,
)


class MatchingUnavailable(Exception):
    """No trained linkage model yet: the search cannot be scored (the message says what to do)."""


@dataclass(frozen=True)
class KnownQuery:
    """What the searcher knows, normalised (empty strings where not given)."""

    given_name: str
    surname: str
    dob: date | None
    postcode: str
    pnc_id: str
    ni_number: str
    phone: str
    passport: str

    def summary(self) -> str:
        """A one-line description for the audit row and the searcher's own list."""
        parts = [f"{self.given_name} {self.surname}".strip()]
        parts += [f"born {self.dob:%d/%m/%Y}"] if self.dob else []
        parts += [f"{label} {value}" for label, value in self._ids() if value]
        return ", ".join(p for p in parts if p)[:300]

    def _ids(self) -> list[tuple[str, str]]:
        return [
            ("postcode", self.postcode),
            ("PNC", self.pnc_id),
            ("NI", self.ni_number),
            ("phone", self.phone),
            ("passport", self.passport),
        ]


@dataclass(frozen=True)
class KnownHit:
    """What the searcher is told about one holding agency: never the record, the nominal or any fact."""

    hit_id: int
    agency_code: str
    agency_name: str
    contact: str
    band: str
    band_label: str
    grading: str


@dataclass(frozen=True)
class KnownResult:
    search_id: int
    hits: list[KnownHit]


def parse_query(data: dict[str, str]) -> KnownQuery:
    """The form's or API's fields as a :class:`KnownQuery`, or ValidationError per field.

    A surname and one more thing (given name with date of birth or postcode, or an identifier) are needed, so
    the search cannot fish by name alone.
    """
    errors: dict[str, list[str]] = {}

    def text(key: str, limit: int = 100) -> str:
        value = str(data.get(key) or "").strip()
        if len(value) > limit:
            errors.setdefault(key, []).append(f"Enter {limit} characters or fewer.")
            return ""
        return value

    given, surname = text("given_name"), text("surname")
    dob: date | None = None
    if raw := text("date_of_birth", 20):
        dob = names.parse_date(raw)
        if dob is None or not EARLIEST_BIRTH <= dob <= date.today():
            errors.setdefault("date_of_birth", []).append("Enter a real date of birth, like 14/03/1985.")
            dob = None
    checks = (
        ("postcode", names.postcode_key, "Enter a real UK postcode, like M14 5AB."),
        ("pnc_id", names.normalise_pnc_id, "PNC ID must look like 98/1234567A."),
        ("ni_number", names.normalise_ni_number, "National Insurance number must look like QQ123456C."),
        ("phone", names.normalise_phone, "Phone number must have 9 to 13 digits."),
    )
    found: dict[str, str] = {}
    for key, normalise, message in checks:
        if raw := text(key, 40):
            value = normalise(raw)
            if value is None:
                errors.setdefault(key, []).append(message)
            found[key] = value or ""
    passport = "".join(names.fold(text("passport", 20)).split())
    if passport and not passport.isalnum():
        errors.setdefault("passport", []).append("Passport number must be 6 to 12 letters or digits.")
    if not surname or not names.name_tokens(surname):
        errors.setdefault("surname", []).append("Enter the person's surname.")
    identifiers = any(found.get(k) for k in ("pnc_id", "ni_number", "phone")) or bool(passport)
    if not errors and not (identifiers or (given and (dob or found.get("postcode")))):
        errors.setdefault("given_name", []).append(
            "Enter the given name with a date of birth or postcode, or an identifier such as a PNC ID: "
            "a surname alone is not enough to search on."
        )
    if errors:
        raise ValidationError(errors)
    return KnownQuery(
        given_name=given,
        surname=surname,
        dob=dob,
        postcode=found.get("postcode", ""),
        pnc_id=found.get("pnc_id", ""),
        ni_number=found.get("ni_number", ""),
        phone=found.get("phone", ""),
        passport=passport,
    )


def latest_model() -> tuple[Any, int]:
    """The trained model of the latest finished resolution run, with the run's id."""
    run = ResolutionRun.objects.filter(finished_at__isnull=False).exclude(model={}).order_by("-created_at").first()
    if run is None:
        raise MatchingUnavailable(
            "Matching is not available yet: no resolution run has trained the linkage model. Ask an analyst or "
            "GAIN coordinator to run resolution on the imported records, then search again."
        )
    from sochub.engine.linkage import LinkageModel

    return LinkageModel.from_json(json.dumps(run.model)), run.pk


def _candidates(q: KnownQuery, exclude_agency: int) -> list[tuple[Any, int]]:
    """(nominal id, agency id) pairs worth scoring: an identifier in common first, then a sound-alike surname."""
    keys = [
        (FactKind.BIRTH_DATE, q.dob.isoformat() if q.dob else ""),
        (FactKind.ADDRESS, q.postcode),
        (FactKind.PNC_ID, q.pnc_id),
        (FactKind.NI_NUMBER, q.ni_number),
        (FactKind.PHONE, q.phone),
        (FactKind.PASSPORT, q.passport),
    ]
    by_key = Q(pk__in=[])
    for kind, key in keys:
        if key:
            by_key |= Q(kind=kind, key=key)
    live = {"nominal__merged_into__isnull": True}
    id_pairs = set(
        NominalFact.objects.filter(by_key, **live)
        .exclude(agency_id=exclude_agency)
        .values_list("nominal_id", "agency_id")
    )
    surname_tokens = NameToken.objects.filter(_sounds_like(q.surname), **live).exclude(agency_id=exclude_agency)
    # A common surname can have more holders than the cap: those whose given name sounds alike come first, so
    # the cap never cuts the likeliest people at random.
    both: list[tuple[Any, int]] = []
    if names.name_tokens(q.given_name):
        given = NameToken.objects.filter(_sounds_like(q.given_name)).values("nominal_id")
        both = list(
            surname_tokens.filter(nominal_id__in=given)
            .values_list("nominal_id", "agency_id")
            .distinct()[:MAX_CANDIDATES]
        )
    name_pairs = surname_tokens.values_list("nominal_id", "agency_id").distinct()[: MAX_CANDIDATES * 2]
    ordered = list(dict.fromkeys([*id_pairs, *both, *name_pairs]))
    return ordered[:MAX_CANDIDATES]


def _sounds_like(name: str) -> Q:
    """Name tokens sharing a Soundex or Metaphone key with a word of ``name``."""
    found = Q(pk__in=[])
    for soundex, metaphone in (names.phonetic_keys(t) for t in names.name_tokens(name)):
        found |= Q(soundex=soundex) | Q(metaphone=metaphone)
    return found


def _split_name(value: str, data: dict[str, Any]) -> tuple[str, str, str]:
    if data.get("surname"):
        return str(data.get("given") or ""), "", str(data["surname"])
    tokens = value.split()
    if len(tokens) == 1:
        return "", "", tokens[0]
    return tokens[0], " ".join(tokens[1:-1]), tokens[-1]


def _records_frame(q: KnownQuery, pairs: list[tuple[Any, int]]) -> tuple[pd.DataFrame, dict[str, tuple[Any, int]]]:
    """The query row (is_new) and one row per name of each (nominal, agency) from that agency's own facts."""
    import pandas as pd

    from sochub.engine.linkage import CANONICAL, prepare

    wanted = set(pairs)
    facts: dict[tuple[Any, int], list[tuple[str, str, str, dict[str, Any]]]] = defaultdict(list)
    nominal_ids = list({n for n, _ in pairs})
    for i in range(0, len(nominal_ids), 500):
        rows = NominalFact.objects.filter(nominal_id__in=nominal_ids[i : i + 500], kind__in=USED_KINDS).values_list(
            "nominal_id", "agency_id", "kind", "value", "key", "data"
        )
        for nominal_id, agency_id, kind, value, key, data in rows.order_by("pk"):
            if (nominal_id, agency_id) in wanted:
                facts[(nominal_id, agency_id)].append((kind, value, key, data or {}))
    query_row = {
        "unique_id": QUERY_ID,
        "source_dataset": "query",
        "given_name": q.given_name or None,
        "surname": q.surname,
        "dob": q.dob.isoformat() if q.dob else None,
        "postcode": q.postcode or None,
        "pnc_id": q.pnc_id or None,
        "ni_number": q.ni_number or None,
        "phone": q.phone or None,
        "other_id": q.passport or None,
        "is_new": True,
    }
    rows_out: list[dict[str, Any]] = [query_row]
    owner: dict[str, tuple[Any, int]] = {}
    for (nominal_id, agency_id), held in facts.items():
        first: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for kind, value, key, data in held:
            first.setdefault(kind, (value, key, data))
        address = first.get(FactKind.ADDRESS)
        base = {
            "source_dataset": str(agency_id),
            "dob": first[FactKind.BIRTH_DATE][1] if FactKind.BIRTH_DATE in first else None,
            "postcode": (address[2].get("postcode") or address[1]) if address else None,
            "address": address[0].rsplit(",", 1)[0] if address else None,
            "pnc_id": first[FactKind.PNC_ID][1] if FactKind.PNC_ID in first else None,
            "ni_number": first[FactKind.NI_NUMBER][1] if FactKind.NI_NUMBER in first else None,
            "phone": first[FactKind.PHONE][1] if FactKind.PHONE in first else None,
            "other_id": first[FactKind.PASSPORT][1] if FactKind.PASSPORT in first else None,
            "gender": first[FactKind.SEX][1] if FactKind.SEX in first else None,
            "is_new": False,
        }
        for n, (_kind, value, _key, data) in enumerate(f for f in held if f[0] in NAME_KINDS):
            given, middle, surname = _split_name(value, data)
            uid = f"r{len(owner)}"
            owner[uid] = (nominal_id, agency_id)
            rows_out.append(
                {"unique_id": uid, "given_name": given or None, "middle_names": middle or None, "surname": surname}
                | base
            )
            if n >= 4:  # a handful of names per person is plenty
                break
    columns = [*CANONICAL, "is_new"]
    frame = pd.DataFrame(rows_out, columns=columns)
    return prepare(frame), owner


def score(q: KnownQuery, *, exclude_agency: int, model: Any) -> dict[tuple[Any, int], float]:
    """{(nominal id, agency id): best match probability} at or above the weakest band's minimum."""
    pairs = _candidates(q, exclude_agency)
    if not pairs:
        return {}
    frame, owner = _records_frame(q, pairs)
    if len(owner) == 0:
        return {}
    from sochub.engine.linkage import predict

    minimum = min(b.minimum for b in selectors.reference().match_bands)
    # Candidates all share the surname's sound, so name frequencies within them say nothing: no TF adjustment.
    scored = predict(frame, model, threshold=minimum, touching="is_new", term_frequencies=False)
    best: dict[tuple[Any, int], float] = {}
    for left, right, p in scored[["unique_id_l", "unique_id_r", "match_probability"]].itertuples(index=False):
        other = right if str(left) == QUERY_ID else left if str(right) == QUERY_ID else None
        if other is None or str(other) not in owner:
            continue
        key = owner[str(other)]
        best[key] = max(best.get(key, 0.0), float(p))
    return {k: p for k, p in best.items() if p >= minimum}


def contact_for(agency: Agency) -> str:
    """The agency's contact e-mail and phone; else its region's GAIN coordinator."""
    own = ", ".join(v for v in (agency.contact_email, agency.contact_phone) if v)
    if own:
        return own
    region = agency.region
    if region is None:
        return "No contact recorded: ask your GAIN coordinator."
    coordinators = [
        u
        for u in User.objects.filter(coordinator_region=region, is_active=True).order_by("username")
        if u.has_role(Role.COORDINATOR)
    ]
    people = ", ".join(
        f"{u.get_full_name() or u.username} ({u.email})" if u.email else (u.get_full_name() or u.username)
        for u in coordinators
    )
    region_contact = ", ".join(v for v in (region.contact_email, region.contact_phone) if v)
    details = "; ".join(v for v in (people, region_contact) if v)
    return f"GAIN coordinator, {region.name}" + (f": {details}" if details else "")


def grading_for(agency_id: int, nominal_id: Any) -> str:
    """The best 3x5x2 grade of the holder's intelligence on the person, e.g. "1A P" (blank when none)."""
    rows = IntelligenceRecord.objects.filter(agency_id=agency_id, subjects=nominal_id).values_list(
        "source_evaluation", "intelligence_assessment", "handling_code"
    )
    return engine.best_grading(rows) or ""


def hit_view(hit: KnownSearchHit) -> KnownHit:
    return KnownHit(
        hit_id=hit.pk,
        agency_code=hit.agency.code,
        agency_name=hit.agency.name,
        contact=contact_for(hit.agency),
        band=hit.band,
        band_label=hit.band_label,
        grading=hit.grading,
    )


@transaction.atomic
def known_search(*, actor: Actor, query: KnownQuery, purpose: str) -> KnownResult:
    """Run the search, keep one hit per holding agency, and audit it on both sides.

    The searcher's row (a consultation) holds the query and purpose but no nominal; each holder's row names the
    matched nominal, the searcher's agency as recipient and the holder in ``detail.holder``. Holder rows are
    written by the system (no agency code), so the searcher's own agency administrators never read them.
    """
    user = actor.user
    if not policies.can_search_known(user):
        raise PermissionDenied("Your role does not allow this search.")
    assert user.agency is not None
    purpose = clean_text(purpose, field="purpose", max_length=500)
    if len(purpose) < settings.SOCHUB_PURPOSE_MIN_LENGTH:
        raise ValidationError({"purpose": "Say why you need to know, in a few words."})
    model, run_id = latest_model()
    scores = score(query, exclude_agency=user.agency.pk, model=model)
    ref = selectors.reference()
    per_agency: dict[int, tuple[Any, float]] = {}
    for (nominal_id, agency_id), p in scores.items():
        if agency_id not in per_agency or p > per_agency[agency_id][1]:
            per_agency[agency_id] = (nominal_id, p)
    search = KnownSearch.objects.create(
        searched_by=user, agency=user.agency, purpose=purpose, summary=query.summary(), model_run=run_id
    )
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=list(per_agency)).select_related("region")}
    hits: list[KnownSearchHit] = []
    for agency_id, (nominal_id, p) in sorted(per_agency.items(), key=lambda kv: (-kv[1][1], agencies[kv[0]].name)):
        band = engine.band_for(ref, p)
        assert band is not None  # scores below the weakest band were dropped
        hits.append(
            KnownSearchHit.objects.create(
                search=search,
                agency=agencies[agency_id],
                nominal_id=nominal_id,
                probability=p,
                band=band.id,
                band_label=band.label,
                grading=grading_for(agency_id, nominal_id),
            )
        )
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="known_to_you_search",
        object_ids=[search.pk],
        purpose=purpose,
        query=query.summary(),
        detail={"hits": len(hits), "agencies": [h.agency.code for h in hits], "model_run": run_id},
    )
    for hit in hits:
        audit.record(
            actor=None,
            operation=Operation.CONSULTATION,
            object_type="known_to_you_hit",
            object_ids=[str(hit.nominal_id)],
            purpose=purpose,
            recipients=[user.agency.code],
            detail={
                "holder": hit.agency.code,
                "searched_by": user.username,
                "searcher_agency": user.agency.code,
                "search": search.pk,
                "hit": hit.pk,
                "band": hit.band,
                "channel": actor.channel,
            },
        )
    return KnownResult(search_id=search.pk, hits=[hit_view(h) for h in hits])
