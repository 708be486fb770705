"""Every write to the intelligence picture, and every audited read of a person's full record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import names
from sochub.partners.models import Agency

from . import policies, selectors
from .models import (
    OCG,
    Association,
    Classification,
    FactKind,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceRecord,
    MemberRole,
    NameToken,
    Nominal,
    NominalFact,
    OCGMembership,
    Offence,
    Premises,
    Share,
    SourceEvaluation,
    ThreatCategory,
    Vehicle,
)
from .validation import clean_date, clean_text, fact_value_and_key


class NotFound(Exception):
    """The record does not exist or the user may not know that it does (shown as 404)."""


def _require_recorder(actor: Actor) -> None:
    if not policies.can_record(actor.user):
        raise PermissionDenied("Your role does not allow recording intelligence.")


def require_purpose(purpose: str) -> str:
    purpose = clean_text(purpose, field="purpose", max_length=500)
    if len(purpose) < settings.SOCHUB_PURPOSE_MIN_LENGTH:
        raise ValidationError({"purpose": "Say why you need to see this record, in a few words."})
    return purpose


def name_tokens_for(fact: NominalFact) -> list[NameToken]:
    out = []
    for token in dict.fromkeys(names.name_tokens(fact.value)):
        soundex, metaphone = names.phonetic_keys(token)
        out.append(
            NameToken(
                fact=fact,
                nominal_id=fact.nominal_id,
                agency_id=fact.agency_id,
                token=token[:60],
                soundex=soundex,
                metaphone=metaphone,
            )
        )
    return out


def build_fact(*, nominal: Nominal, agency: Agency, kind: str, value: object, source_ref: str = "") -> NominalFact:
    """A validated, unsaved fact (imports and the demo save these in bulk)."""
    shown, key, data = fact_value_and_key(kind, value)
    return NominalFact(
        nominal=nominal,
        agency=agency,
        kind=kind,
        value=shown,
        key=key,
        data=data,
        source_ref=clean_text(source_ref, field="source_ref", max_length=100, required=False),
    )


@transaction.atomic
def nominal_create(*, actor: Actor, facts: list[tuple[str, Any]], source_ref: str = "") -> Nominal:
    """Record a new person from facts held by the actor's agency. A name is required."""
    _require_recorder(actor)
    if not any(kind == FactKind.NAME for kind, _ in facts):
        raise ValidationError({"name": "Enter the person's name."})
    nominal = Nominal.objects.create()
    agency = actor.user.agency
    assert agency is not None
    built = [build_fact(nominal=nominal, agency=agency, kind=k, value=v, source_ref=source_ref) for k, v in facts]
    for f in built:
        f.recorded_by = actor.user
    NominalFact.objects.bulk_create(built)
    NameToken.objects.bulk_create(
        [t for f in built if f.kind in (FactKind.NAME, FactKind.ALIAS) for t in name_tokens_for(f)]
    )
    audit.record(actor=actor, operation=Operation.COLLECTION, object_type="nominal", object_ids=[nominal.pk])
    return nominal


@transaction.atomic
def fact_add(*, actor: Actor, nominal: Nominal, kind: str, value: object, source_ref: str = "") -> NominalFact:
    _require_recorder(actor)
    if not policies.can_view_nominal(actor.user, nominal):
        raise NotFound
    agency = actor.user.agency
    assert agency is not None
    fact = build_fact(nominal=nominal, agency=agency, kind=kind, value=value, source_ref=source_ref)
    fact.recorded_by = actor.user
    fact.save()
    if kind in (FactKind.NAME, FactKind.ALIAS):
        NameToken.objects.bulk_create(name_tokens_for(fact))
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="nominal",
        object_ids=[nominal.pk],
        detail={"added": kind},
    )
    return fact


def nominal_consult(*, actor: Actor, nominal_id: str) -> selectors.NominalProfile:
    """Open a person's full record: needs a purpose, and is logged as a consultation."""
    nominal = selectors.nominal_resolve(user=actor.user, nominal_id=nominal_id)
    if nominal is None:
        raise NotFound
    purpose = require_purpose(actor.purpose)
    profile = selectors.nominal_profile(user=actor.user, nominal=nominal)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=[nominal.pk],
        purpose=purpose,
        detail={"facts": sum(len(v) for v in profile.facts.values()), "intelligence": len(profile.intelligence)},
    )
    return profile


def nominal_search_audited(*, actor: Actor, query: str) -> list[selectors.SearchHit]:
    hits = selectors.nominal_search(user=actor.user, query=query)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="nominal_search",
        object_ids=[h.nominal_id for h in hits[:50]],
        query=query,
        detail={"results": len(hits)},
    )
    return hits


def nominal_search_export(*, actor: Actor, query: str) -> list[selectors.SearchHit]:
    """Search results for a file the user takes away: needs a purpose, logged as an export."""
    purpose = require_purpose(actor.purpose)
    hits = selectors.nominal_search(user=actor.user, query=query)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="nominal_search",
        object_ids=[h.nominal_id for h in hits],
        query=query,
        purpose=purpose,
        detail={"results": len(hits), "export": "csv"},
    )
    return hits


@transaction.atomic
def nominal_merge(*, actor: Actor, keep: Nominal, absorb: Nominal, reason: str) -> Nominal:
    """Move every fact and link of ``absorb`` onto ``keep``; ``absorb``'s id then redirects."""
    _require_recorder(actor)
    reason = clean_text(reason, field="reason", max_length=1000)
    if keep.pk == absorb.pk or keep.merged_into_id or absorb.merged_into_id:
        raise ValidationError({"absorb": "Choose two different nominals that have not been merged."})
    if not (policies.can_view_nominal(actor.user, keep) and policies.can_view_nominal(actor.user, absorb)):
        raise NotFound
    NominalFact.objects.filter(nominal=absorb).update(nominal=keep)
    NameToken.objects.filter(nominal=absorb).update(nominal=keep)
    nominal_absorb_links(keep=keep, absorb=absorb)
    audit.record(
        actor=actor,
        operation=Operation.COMBINATION,
        object_type="nominal",
        object_ids=[keep.pk, absorb.pk],
        purpose=reason,
        detail={"kept": str(keep.pk), "absorbed": str(absorb.pk)},
    )
    return keep


def nominal_absorb_links(*, keep: Nominal, absorb: Nominal) -> None:
    """Move ``absorb``'s links (not its facts) onto ``keep`` and make ``absorb`` redirect there.

    Callers check permission and write the audit row: a manual merge and record linkage both use it.
    """
    nominals_absorb_links({absorb.pk: keep.pk})


def nominals_absorb_links(keep_of: dict[Any, Any]) -> None:
    """``nominal_absorb_links`` for many nominals at once: {absorbed id: kept id}.

    Resolution merges thousands of nominals in one run, so this moves links in bulk.
    """
    if not keep_of:
        return
    ids = list(keep_of)
    moved = []
    for a in Association.objects.filter(Q(nominal_a_id__in=ids) | Q(nominal_b_id__in=ids)):
        a.nominal_a_id = keep_of.get(a.nominal_a_id, a.nominal_a_id)
        a.nominal_b_id = keep_of.get(a.nominal_b_id, a.nominal_b_id)
        moved.append(a)
    Association.objects.bulk_update(moved, ["nominal_a", "nominal_b"], batch_size=500)
    memberships = list(OCGMembership.objects.filter(nominal_id__in=ids))
    held = set(
        OCGMembership.objects.filter(nominal_id__in=set(keep_of.values())).values_list("ocg_id", "nominal_id")
    )
    stay, drop = [], []
    for m in memberships:
        target = keep_of[m.nominal_id]
        if (m.ocg_id, target) in held:
            drop.append(m.pk)
        else:
            m.nominal_id = target
            held.add((m.ocg_id, target))
            stay.append(m)
    OCGMembership.objects.filter(pk__in=drop).delete()
    OCGMembership.objects.bulk_update(stay, ["nominal"], batch_size=500)
    offences = list(Offence.objects.filter(nominal_id__in=ids))
    for offence in offences:
        offence.nominal_id = keep_of[offence.nominal_id]
    Offence.objects.bulk_update(offences, ["nominal"], batch_size=500)
    shares = list(Share.objects.filter(nominal_id__in=ids))
    for share in shares:
        share.nominal_id = keep_of[share.nominal_id]
    Share.objects.bulk_update(shares, ["nominal"], batch_size=500)
    throughs: tuple[tuple[Any, str], ...] = (
        (IntelligenceRecord.subjects.through, "intelligencerecord_id"),
        (Premises.nominals.through, "premises_id"),
        (Vehicle.nominals.through, "vehicle_id"),
    )
    for through, owner in throughs:
        rows = through.objects.filter(nominal_id__in=ids).values_list(owner, "nominal_id")
        through.objects.bulk_create(
            [through(**{owner: o, "nominal_id": keep_of[n]}) for o, n in rows], ignore_conflicts=True
        )
    now = timezone.now()
    absorbed = list(Nominal.objects.filter(pk__in=ids))
    for n in absorbed:
        n.merged_into_id, n.merged_at = keep_of[n.pk], now
    Nominal.objects.bulk_update(absorbed, ["merged_into", "merged_at"], batch_size=500)


@transaction.atomic
def intelligence_create(
    *,
    actor: Actor,
    title: str,
    text: str,
    date_of_intelligence: date | str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    classification: str = Classification.OFFICIAL,
    subject_ids: list[str] | None = None,
) -> IntelligenceRecord:
    """Record a 3x5x2-graded report. Code C must state its conditions."""
    _require_recorder(actor)
    errors: dict[str, str] = {}
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = "Source evaluation must be 1, 2 or 3."
    if intelligence_assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = "Intelligence assessment must be A, B, C, D or E."
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = "Handling code must be P or C."
    if classification not in Classification.values:
        errors["classification"] = "Classification must be OFFICIAL or OFFICIAL-SENSITIVE."
    if errors:
        raise ValidationError(errors)
    conditions = clean_text(handling_conditions, field="handling_conditions", max_length=2000, required=False)
    if handling_code == HandlingCode.C and not conditions:
        raise ValidationError({"handling_conditions": "Handling code C needs the conditions that apply."})
    if not policies.cleared_for(actor.user, classification):
        raise PermissionDenied("Your vetting does not allow OFFICIAL-SENSITIVE material.")
    agency = actor.user.agency
    assert agency is not None
    record = IntelligenceRecord.objects.create(
        urn=next_urn(IntelligenceRecord, "IR"),
        agency=agency,
        title=clean_text(title, field="title", max_length=200),
        text=clean_text(text, field="text", max_length=20_000),
        date_of_intelligence=clean_date(date_of_intelligence, field="date_of_intelligence", not_after=date.today()),
        created_by=actor.user,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=conditions,
        classification=classification,
    )
    if subject_ids:
        subjects = list(policies.visible_nominals(actor.user, Nominal.objects.filter(pk__in=subject_ids)))
        record.subjects.set(subjects)
    audit.record(actor=actor, operation=Operation.COLLECTION, object_type="intelligence", object_ids=[record.pk])
    return record


def next_urn(model: type[IntelligenceRecord] | type[OCG], prefix: str) -> str:
    last = model.objects.filter(urn__startswith=prefix).order_by("-urn").values_list("urn", flat=True).first()
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:06d}"


def intelligence_consult(*, actor: Actor, record_id: int) -> IntelligenceRecord:
    record = policies.visible_intelligence(actor.user).select_related("agency").filter(pk=record_id).first()
    if record is None:
        raise NotFound
    audit.record(actor=actor, operation=Operation.CONSULTATION, object_type="intelligence", object_ids=[record.pk])
    return record


@transaction.atomic
def ocg_create(
    *,
    actor: Actor,
    name: str,
    threat_categories: list[str],
    area: str = "",
    aliases: list[str] | None = None,
    classification: str = Classification.OFFICIAL,
) -> OCG:
    _require_recorder(actor)
    bad = [t for t in threat_categories if t not in ThreatCategory.values]
    if bad or not threat_categories:
        raise ValidationError({"threat_categories": "Choose at least one threat category from the list."})
    agency = actor.user.agency
    assert agency is not None
    ocg = OCG.objects.create(
        urn=next_urn(OCG, "OCG"),
        name=clean_text(name, field="name", max_length=200),
        aliases=[clean_text(a, field="aliases", max_length=200) for a in aliases or []],
        threat_categories=threat_categories,
        area=clean_text(area, field="area", max_length=200, required=False),
        agency=agency,
        classification=classification,
    )
    audit.record(actor=actor, operation=Operation.COLLECTION, object_type="ocg", object_ids=[ocg.pk])
    return ocg


@transaction.atomic
def ocg_membership_add(
    *, actor: Actor, ocg: OCG, nominal: Nominal, role: str, date_from: date | None = None
) -> OCGMembership:
    _require_recorder(actor)
    if not policies.visible_ocgs(actor.user).filter(pk=ocg.pk).exists() or not policies.can_view_nominal(
        actor.user, nominal
    ):
        raise NotFound
    if role not in MemberRole.values:
        raise ValidationError({"role": "Role must be principal, significant or peripheral."})
    membership, _ = OCGMembership.objects.update_or_create(
        ocg=ocg, nominal=nominal, defaults={"role": role, "date_from": date_from}
    )
    audit.record(actor=actor, operation=Operation.ALTERATION, object_type="ocg", object_ids=[ocg.pk, nominal.pk])
    return membership


@transaction.atomic
def share_create(
    *,
    actor: Actor,
    recipient: Agency,
    purpose: str,
    legal_basis: str,
    handling: str = "",
    expires_at: datetime | None = None,
    nominal: Nominal | None = None,
    ocg: OCG | None = None,
    intelligence: IntelligenceRecord | None = None,
) -> Share:
    """Let another agency see one record. Logged as a disclosure naming the recipient."""
    user = actor.user
    assert user.agency_id is not None
    owner_id: int
    code: str | None
    classification: str
    if nominal is not None:
        if not policies.can_view_nominal(user, nominal):
            raise NotFound
        if not nominal.facts.filter(agency_id=user.agency_id).exists():
            raise PermissionDenied("Your agency holds nothing of its own on this person to share.")
        owner_id, code, classification = user.agency_id, None, Classification.OFFICIAL
        object_type, obj_id = "nominal", str(nominal.pk)
    elif ocg is not None:
        if not policies.visible_ocgs(user).filter(pk=ocg.pk).exists():
            raise NotFound
        owner_id, code, classification = ocg.agency_id, None, ocg.classification
        object_type, obj_id = "ocg", str(ocg.pk)
    elif intelligence is not None:
        if not policies.visible_intelligence(user).filter(pk=intelligence.pk).exists():
            raise NotFound
        owner_id, code, classification = intelligence.agency_id, intelligence.handling_code, intelligence.classification
        object_type, obj_id = "intelligence", str(intelligence.pk)
    else:
        raise ValidationError({"target": "Choose what to share."})
    if refusal := policies.share_refusal(user, owner_id=owner_id, handling_code=code, classification=classification):
        raise PermissionDenied(refusal)
    if recipient.pk == user.agency_id:
        raise ValidationError({"recipient": "Choose another agency to share with."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    share = Share.objects.create(
        owner_id=owner_id,
        recipient=recipient,
        nominal=nominal,
        ocg=ocg,
        intelligence=intelligence,
        purpose=clean_text(purpose, field="purpose", max_length=500),
        legal_basis=clean_text(legal_basis, field="legal_basis", max_length=300),
        handling=clean_text(handling, field="handling", max_length=500, required=False),
        created_by=user,
        expires_at=expires_at,
    )
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type=object_type,
        object_ids=[obj_id],
        purpose=share.purpose,
        recipients=[recipient.code],
        detail={"legal_basis": share.legal_basis, "share": share.pk},
    )
    return share


@transaction.atomic
def share_revoke(*, actor: Actor, share: Share) -> Share:
    if share.owner_id != actor.user.agency_id or not policies.can_record(actor.user):
        raise NotFound
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    audit.record(actor=actor, operation=Operation.ALTERATION, object_type="share", object_ids=[share.pk])
    return share
