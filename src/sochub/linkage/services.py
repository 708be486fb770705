"""Imports: every write that brings an agency's file into SOC Hub.

A file is stored, mapped, then imported row by row: valid rows land as source records (and the
nominals, associations, memberships or intelligence they describe), invalid rows go to a rejects
file with a reason per field. Re-importing the same rows changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import imports as engine
from sochub.engine import names
from sochub.intel.models import (
    OCG,
    Association,
    Classification,
    FactKind,
    IntelligenceRecord,
    NameToken,
    Nominal,
    NominalFact,
    OCGMembership,
)
from sochub.intel.policies import cleared_for
from sochub.intel.services import build_fact, name_tokens_for, next_urn
from sochub.intel.validation import clean_text
from sochub.partners.models import Agency

from . import policies
from .models import (
    Decision,
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportStatus,
    MatchJudgement,
    SourceRecord,
    new_fact_ref,
)

Progress = Callable[[str, int, int], None]
ALLOWED_SUFFIXES = (".csv", ".xlsx")


# Files and mappings ---------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(name).name).strip(" .") or "upload"
    return stem[-120:]


@transaction.atomic
def import_upload(
    *, actor: Actor, agency: Agency, kind: str, file_name: str, chunks: Iterable[bytes], sheet: str = ""
) -> ImportBatch:
    """Keep an uploaded file under the import folder and open a batch for it (not yet imported)."""
    if not policies.can_import_for(actor.user, agency):
        raise PermissionDenied(f"You may not import files for {agency.name}.")
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose what the file holds."})
    name = _safe_name(file_name)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError({"file": f"{name}: only CSV and Excel (.xlsx) files can be imported."})
    folder = Path(settings.SOCHUB_IMPORT_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > settings.SOCHUB_IMPORT_MAX_BYTES:
                out.close()
                path.unlink()
                raise ValidationError({"file": f"{name} is larger than {settings.SOCHUB_IMPORT_MAX_BYTES:,} bytes."})
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink()
        raise ValidationError({"file": f"{name} is empty."})
    try:
        engine.read_table(path, sheet=sheet or None).headers  # noqa: B018 - fail now on an unreadable file
    except engine.TableError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    batch = ImportBatch.objects.create(
        agency=agency,
        kind=kind,
        file_name=name,
        stored_path=str(path),
        sha256=digest.hexdigest(),
        sheet=sheet,
        created_by=actor.user,
    )
    audit.record(
        actor=actor,
        operation=Operation.COLLECTION,
        object_type="import",
        object_ids=[batch.pk],
        detail={"agency": agency.code, "kind": kind, "file": name, "bytes": size, "stage": "uploaded"},
    )
    return batch


def import_upload_path(*, actor: Actor, agency: Agency, kind: str, path: Path, sheet: str = "") -> ImportBatch:
    """The CLI's way in: the same checks and storage as an upload."""

    def read() -> Iterable[bytes]:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                yield block

    return import_upload(actor=actor, agency=agency, kind=kind, file_name=path.name, chunks=read(), sheet=sheet)


def mapping_check(*, batch: ImportBatch, mapping_yaml: str) -> engine.Mapping:
    """Parse a mapping and check it names columns this file has."""
    try:
        mapping = engine.load_mapping(mapping_yaml)
    except engine.MappingError as exc:
        raise ValidationError({"mapping": str(exc)}) from exc
    if mapping.kind != batch.kind:
        raise ValidationError({"mapping": f"This mapping is for {mapping.kind}, but the file holds {batch.kind}."})
    headers = engine.read_table(Path(batch.stored_path), sheet=batch.sheet or None).headers
    if problems := engine.mapping_problems(mapping, headers):
        raise ValidationError({"mapping": f"{batch.file_name}: {'; '.join(problems)}."})
    return mapping


def import_set_mapping(*, actor: Actor, batch: ImportBatch, mapping_yaml: str) -> ImportBatch:
    if not policies.can_import_for(actor.user, batch.agency):
        raise PermissionDenied
    if batch.status != ImportStatus.DRAFT:
        raise ValidationError({"mapping": "This file has already been imported; upload it again to re-import."})
    mapping = mapping_check(batch=batch, mapping_yaml=mapping_yaml)
    batch.mapping_yaml = engine.dump_mapping(mapping)
    batch.save(update_fields=["mapping_yaml"])
    return batch


def mapping_save(*, actor: Actor, agency: Agency, kind: str, name: str, mapping_yaml: str) -> ImportMapping:
    if not policies.can_import_for(actor.user, agency):
        raise PermissionDenied
    name = clean_text(name, field="name", max_length=100)
    try:
        mapping = engine.load_mapping(mapping_yaml)
    except engine.MappingError as exc:
        raise ValidationError({"mapping": str(exc)}) from exc
    if mapping.kind != kind:
        raise ValidationError({"mapping": f"This mapping is for {mapping.kind}, not {kind}."})
    saved, _ = ImportMapping.objects.update_or_create(
        agency=agency,
        kind=kind,
        name=name,
        defaults={"yaml": engine.dump_mapping(mapping), "created_by": actor.user, "updated_at": timezone.now()},
    )
    return saved


# Landing rows ---------------------------------------------------------------------------------


class AlreadyImported(Exception):
    """Another job has started (or finished) this batch: leave its status alone."""


class RowRefused(Exception):
    """A row that validated on its own but cannot land (e.g. it names a nominal nobody imported)."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in reasons.items()))
        self.reasons = reasons


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_iso(v) for v in value]
    return value


def nominal_facts(values: dict[str, Any]) -> list[tuple[str, Any, dict[str, str]]]:
    """What a nominals row says about the person, as (fact kind, value, structured data)."""
    out: list[tuple[str, Any, dict[str, str]]] = []
    parts = {k: values.get(k) or "" for k in ("given_name", "middle_names", "surname")}
    full = " ".join(p for p in parts.values() if p)
    out.append((FactKind.NAME, full, {"given": parts["given_name"], "surname": parts["surname"]}))
    for alias in values.get("alias") or []:
        out.append((FactKind.ALIAS, alias, {}))
    if values.get("dob"):
        out.append((FactKind.BIRTH_DATE, _iso(values["dob"]), {}))
    if values.get("gender"):
        out.append((FactKind.SEX, values["gender"], {}))
    for kind, field in ((FactKind.PNC_ID, "pnc_id"), (FactKind.NI_NUMBER, "ni_number"), (FactKind.PHONE, "phone")):
        if values.get(field):
            out.append((kind, values[field], {}))
    address = ", ".join(p for p in (values.get("address") or "", values.get("postcode") or "") if p)
    if address:
        out.append((FactKind.ADDRESS, address, {}))
    for marker in values.get("warning_markers") or []:
        out.append((FactKind.WARNING_MARKER, marker, {}))
    return out


def _build_nominal_facts(record: SourceRecord, nominal: Nominal) -> list[NominalFact]:
    built = []
    errors: dict[str, str] = {}
    for kind, value, data in nominal_facts(record.values):
        try:
            fact = build_fact(nominal=nominal, agency=record.agency, kind=kind, value=value, source_ref=record.fact_ref)
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
            continue
        if data:
            fact.data = {**fact.data, **data}
        built.append(fact)
    if errors:
        raise RowRefused(errors)
    return built


@dataclass
class _Landing:
    """State shared by one import: the agency's existing records and lookups for references."""

    batch: ImportBatch
    actor: Actor
    existing: dict[str, tuple[int, str]]

    def nominal_for(self, key: str, field: str) -> Nominal:
        """A nominal named in a row: the source key of one of the agency's nominals, or a PNC ID."""
        rec = (
            SourceRecord.objects.filter(agency=self.batch.agency, kind=ImportKind.NOMINALS, source_key=key)
            .select_related("nominal")
            .first()
        )
        if rec and rec.nominal:
            return rec.nominal.survivor()
        pnc = names.normalise_pnc_id(key)
        held = {
            f.nominal.survivor().pk: f.nominal.survivor()
            for f in NominalFact.objects.filter(agency=self.batch.agency, kind=FactKind.PNC_ID, key=pnc or "-")
            .select_related("nominal")
            .order_by("pk")
        }
        if len(held) > 1:
            raise RowRefused({field: f"PNC ID ‘{key}’ is held on {len(held)} nominals: use the record id instead."})
        if held:
            return next(iter(held.values()))
        raise RowRefused(
            {field: f"No nominal with record id or PNC ID ‘{key}’ has been imported for {self.batch.agency.name}."}
        )

    def ocg_for(self, ref: str) -> OCG:
        ocg = OCG.objects.filter(agency=self.batch.agency, urn__iexact=ref).first() or (
            OCG.objects.filter(agency=self.batch.agency, name__iexact=ref).first()
        )
        if ocg is None:
            raise RowRefused({"ocg": f"{self.batch.agency.name} holds no OCG with URN or name ‘{ref}’."})
        return ocg


def _land_nominal(land: _Landing, row: engine.ValidRow, record: SourceRecord, is_new: bool) -> None:
    nominal = record.nominal or Nominal.objects.create()
    if not is_new:
        NominalFact.objects.filter(source_ref=record.fact_ref, agency=record.agency).delete()
    record.nominal = nominal
    record.save()
    facts = _build_nominal_facts(record, nominal)
    for f in facts:
        f.recorded_by = land.actor.user
    NominalFact.objects.bulk_create(facts)
    NameToken.objects.bulk_create(
        [t for f in facts if f.kind in (FactKind.NAME, FactKind.ALIAS) for t in name_tokens_for(f)]
    )


def _land_association(land: _Landing, row: engine.ValidRow, record: SourceRecord, is_new: bool) -> None:
    v = row.values
    a, b = land.nominal_for(v["nominal_a"], "nominal_a"), land.nominal_for(v["nominal_b"], "nominal_b")
    if a.pk == b.pk:
        raise RowRefused({"nominal_b": "An association needs two different nominals."})
    fields = {"nominal_a": a, "nominal_b": b, "type": v["type"], "strength": int(v.get("strength") or 2)}
    existing = Association.objects.filter(pk=record.object_id).first() if record.object_id else None
    if existing:
        Association.objects.filter(pk=existing.pk).update(**fields)
    else:
        existing = Association.objects.create(agency=land.batch.agency, source=record.fact_ref, **fields)
    record.object_id = str(existing.pk)
    record.save()


def _land_membership(land: _Landing, row: engine.ValidRow, record: SourceRecord, is_new: bool) -> None:
    v = row.values
    ocg, nominal = land.ocg_for(v["ocg"]), land.nominal_for(v["nominal"], "nominal")
    fields = {
        "role": v["role"],
        "date_from": v.get("date_from"),
        "date_to": v.get("date_to"),
        "activities": v.get("activities") or [],
    }
    mine = OCGMembership.objects.filter(pk=record.object_id).first() if record.object_id else None
    others = OCGMembership.objects.filter(ocg=ocg, nominal=nominal)
    other = (others.exclude(pk=mine.pk) if mine else others).first()
    if other:  # the group already lists this person: the row updates that membership
        if mine:
            mine.delete()
        OCGMembership.objects.filter(pk=other.pk).update(**fields)
        membership = other
    elif mine:  # the row changed its group or person: move the membership it made
        OCGMembership.objects.filter(pk=mine.pk).update(ocg=ocg, nominal=nominal, **fields)
        membership = mine
    else:
        membership = OCGMembership.objects.create(ocg=ocg, nominal=nominal, **fields)
    record.object_id = str(membership.pk)
    record.save()


def _land_intelligence(land: _Landing, row: engine.ValidRow, record: SourceRecord, is_new: bool) -> None:
    v = row.values
    subjects = [land.nominal_for(k, "subjects") for k in v.get("subjects") or []]
    fields = {
        "title": v["title"],
        "text": v["text"],
        "date_of_intelligence": v["date_of_intelligence"],
        "source_evaluation": v["source_evaluation"],
        "intelligence_assessment": v["intelligence_assessment"],
        "handling_code": v["handling_code"],
        "handling_conditions": v.get("handling_conditions") or "",
    }
    fields["classification"] = v.get("classification") or Classification.OFFICIAL
    if not cleared_for(land.actor.user, fields["classification"]):
        raise RowRefused({"classification": f"You are not vetted to record {fields['classification']} material."})
    intel = IntelligenceRecord.objects.filter(pk=record.object_id).first() if record.object_id else None
    if intel:
        IntelligenceRecord.objects.filter(pk=intel.pk).update(**fields)
    else:
        intel = IntelligenceRecord.objects.create(
            urn=next_urn(IntelligenceRecord, "IR"), agency=land.batch.agency, created_by=land.actor.user, **fields
        )
    intel.subjects.set(subjects)
    record.object_id = str(intel.pk)
    record.save()


LANDERS: dict[str, Callable[[_Landing, engine.ValidRow, SourceRecord, bool], None]] = {
    ImportKind.NOMINALS: _land_nominal,
    ImportKind.ASSOCIATIONS: _land_association,
    ImportKind.OCG_MEMBERS: _land_membership,
    ImportKind.INTEL: _land_intelligence,
}


def _land(land: _Landing, row: engine.ValidRow, counts: dict[str, int]) -> None:
    """Land one valid row: new, changed or unchanged. Raises RowRefused to reject it."""
    batch = land.batch
    known = land.existing.get(row.source_key)
    if known and known[1] == row.fingerprint:
        counts["unchanged"] += 1
        return
    values = {k: _iso(v) for k, v in row.values.items()}
    now = timezone.now()
    with transaction.atomic():  # a refused row leaves nothing behind
        if known:
            record = SourceRecord.objects.select_related("agency").get(pk=known[0])
            record.history = [
                *record.history,
                {"values": record.values, "file_name": record.file_name, "replaced_at": now.isoformat()},
            ]
            record.values, record.raw, record.fingerprint = values, row.raw, row.fingerprint
            record.batch, record.file_name, record.row_number = batch, batch.file_name, row.row_number
            record.updated_at, record.resolved_at = now, None
        else:
            record = SourceRecord(
                agency=batch.agency,
                kind=batch.kind,
                source_key=row.source_key,
                batch=batch,
                file_name=batch.file_name,
                row_number=row.row_number,
                raw=row.raw,
                values=values,
                fingerprint=row.fingerprint,
            )
        LANDERS[batch.kind](land, row, record, not known)
    land.existing[row.source_key] = (record.pk, row.fingerprint)
    counts["changed" if known else "landed"] += 1


def import_run_allowed(*, actor: Actor, batch: ImportBatch) -> None:
    if not policies.can_import_for(actor.user, batch.agency):
        raise PermissionDenied
    if not batch.mapping_yaml:
        raise ValidationError({"mapping": "Choose which column feeds which field before importing."})
    if batch.status not in (ImportStatus.DRAFT, ImportStatus.QUEUED):
        raise ValidationError({"mapping": "This file has already been imported; upload it again to re-import."})


def import_run(*, actor: Actor, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Import every row of a mapped file; return the batch with its counts.

    Each row lands in its own transaction so progress shows and one bad row never blocks the
    rest; every row read is counted as landed, changed, unchanged or rejected.
    """
    import_run_allowed(actor=actor, batch=batch)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=(ImportStatus.DRAFT, ImportStatus.QUEUED)).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        raise AlreadyImported(f"{batch.file_name} is already being imported.")
    mapping = engine.load_mapping(batch.mapping_yaml)
    table = engine.read_table(Path(batch.stored_path), sheet=batch.sheet or None)
    total = table.total_rows()
    existing = {
        key: (pk, fp)
        for key, pk, fp in SourceRecord.objects.filter(agency=batch.agency, kind=batch.kind).values_list(
            "source_key", "pk", "fingerprint"
        )
    }
    land = _Landing(batch=batch, actor=actor, existing=existing)
    counts = {"read": 0, "landed": 0, "changed": 0, "unchanged": 0, "rejected": 0}
    rejects_path = Path(batch.stored_path).with_name("rejects-" + Path(batch.file_name).stem + ".csv")
    with engine.RejectsWriter(rejects_path, table.headers) as rejects:
        for result in engine.validate_table(mapping, table):
            counts["read"] += 1
            if isinstance(result, engine.RejectedRow):
                rejects.write(result)
                counts["rejected"] += 1
            else:
                try:
                    _land(land, result, counts)
                except RowRefused as refused:
                    rejects.write(engine.RejectedRow(result.row_number, result.raw, refused.reasons))
                    counts["rejected"] += 1
            if progress and counts["read"] % 100 == 0:
                progress("Importing rows", counts["read"], total)
    if progress:
        progress("Importing rows", counts["read"], max(total, counts["read"]))
    batch.read, batch.landed, batch.changed = counts["read"], counts["landed"], counts["changed"]
    batch.unchanged, batch.rejected = counts["unchanged"], counts["rejected"]
    batch.blank = len(table.blank_rows)
    batch.rejects_path = str(rejects_path) if counts["rejected"] else ""
    if not counts["rejected"]:
        rejects_path.unlink(missing_ok=True)
    batch.status, batch.finished_at = ImportStatus.DONE, timezone.now()
    batch.save()
    audit.record(
        actor=actor,
        operation=Operation.COLLECTION,
        object_type="import",
        object_ids=[batch.pk],
        detail={"agency": batch.agency.code, "kind": batch.kind, "file": batch.file_name, **counts},
    )
    return batch


def import_fail(*, batch: ImportBatch, error: str) -> None:
    """Mark a batch this job was importing as failed (rows already landed stay)."""
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, error=error, finished_at=timezone.now()
    )


def rejects_download(*, actor: Actor, batch: ImportBatch) -> Path:
    """The rejects file holds personal data as sent: downloading it is a disclosure, audited."""
    if not policies.visible_batches(actor.user).filter(pk=batch.pk).exists() or not batch.rejects_path:
        raise PermissionDenied
    if batch.kind == ImportKind.INTEL and not cleared_for(actor.user, Classification.OFFICIAL_SENSITIVE):
        raise PermissionDenied("Rejected intelligence rows may be OFFICIAL-SENSITIVE: your vetting does not allow it.")
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type="import",
        object_ids=[batch.pk],
        detail={"rejects": batch.rejected, "file": batch.file_name},
    )
    return Path(batch.rejects_path)


def _values_from_facts(facts: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in facts:
        kind = f["kind"]
        if kind == FactKind.NAME and "surname" not in values:
            words = str(f["value"]).split()
            values["given_name"] = f["data"].get("given") or (words[0] if len(words) > 1 else "")
            values["surname"] = f["data"].get("surname") or words[-1]
            values["middle_names"] = " ".join(words[1:-1]) if not f["data"].get("given") else ""
        elif kind == FactKind.ALIAS:
            values.setdefault("alias", []).append(f["value"])
        elif kind == FactKind.BIRTH_DATE:
            values.setdefault("dob", f["key"])
        elif kind == FactKind.SEX:
            values.setdefault("gender", f["key"])
        elif kind in (FactKind.PNC_ID, FactKind.NI_NUMBER, FactKind.PHONE):
            values.setdefault(kind, f["key"])
        elif kind == FactKind.ADDRESS and "address" not in values:
            values["address"] = str(f["value"]).rsplit(",", 1)[0] if f["key"] else f["value"]
            values["postcode"] = f["data"].get("postcode", "")
    return values


def source_records_adopt(*, actor: Actor, progress: Progress | None = None) -> int:
    """Give facts recorded outside an import (the demo world, say) a source record per agency
    reference, so resolution covers them too. Returns how many records were made."""
    known = set(SourceRecord.objects.values_list("fact_ref", flat=True))
    unreferenced = NominalFact.objects.filter(source_ref="").values_list("nominal_id", "agency_id").distinct()
    for nominal_id, agency_id in list(unreferenced):  # recorded by hand: one reference per agency and nominal
        NominalFact.objects.filter(nominal_id=nominal_id, agency_id=agency_id, source_ref="").update(
            source_ref=new_fact_ref()
        )
    rows = NominalFact.objects.order_by("agency_id", "source_ref", "id").values(
        "nominal_id", "agency_id", "source_ref", "kind", "value", "key", "data"
    )
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows.iterator(chunk_size=5000):
        if row["source_ref"] not in known:
            groups.setdefault((row["agency_id"], row["source_ref"]), []).append(dict(row))
    pending = []
    for (agency_id, ref), facts in groups.items():
        values = _values_from_facts(facts)
        if not values.get("surname"):
            continue  # facts without a name (a marker recorded alone) are not a person's record
        pending.append(
            SourceRecord(
                agency_id=agency_id,
                kind=ImportKind.NOMINALS,
                source_key=ref,
                file_name="Recorded in SOC Hub",
                row_number=0,
                values=values,
                fingerprint=hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest(),
                nominal_id=facts[0]["nominal_id"],
                fact_ref=ref,
            )
        )
    for start in range(0, len(pending), 2000):
        SourceRecord.objects.bulk_create(pending[start : start + 2000])
        if progress:
            progress("Source records for facts recorded in SOC Hub", min(start + 2000, len(pending)), len(pending))
    # Records someone already put on one nominal were linked by a person: keep that as a label.
    first_of: dict[str, int] = {}
    labels = []
    for pk, person in sorted((r.pk, str(r.nominal_id)) for r in pending):
        if person in first_of:
            labels.append(
                MatchJudgement(
                    record_l_id=first_of[person],
                    record_r_id=pk,
                    decision=Decision.SAME,
                    reason="Recorded on one nominal before resolution",
                    decided_by=actor.user,
                )
            )
        else:
            first_of[person] = pk
    MatchJudgement.objects.bulk_create(labels, batch_size=2000)
    audit.record(
        actor=actor,
        operation=Operation.COLLECTION,
        object_type="source_record",
        detail={"adopted": len(pending)},
    )
    return len(pending)
