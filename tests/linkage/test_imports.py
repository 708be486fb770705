"""Importing partners' files: validation, rejects, re-import, references, access and audit."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sochub.audit.models import AuditEvent
from sochub.intel.models import OCG, Association, FactKind, IntelligenceRecord, NominalFact, OCGMembership
from sochub.linkage import services
from sochub.linkage.demo_files import GMP_MAPPING, MERSEY_MAPPING, PartnerFiles
from sochub.linkage.models import ImportBatch, ImportKind, ImportStatus, SourceRecord
from sochub.partners.models import Agency, User
from tests.helpers import act


def run_import(user: User, agency: Agency, kind: str, path: Path, mapping: str) -> ImportBatch:
    batch = services.import_upload_path(actor=act(user), agency=agency, kind=kind, path=path)
    services.import_set_mapping(actor=act(user), batch=batch, mapping_yaml=mapping)
    return services.import_run(actor=act(user), batch=batch)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_import_lands_valid_rows_and_sets_rejects_aside(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    batch = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    rows = sum(1 for k in partner_files.truth if k.startswith("gmp:"))
    assert batch.status == ImportStatus.DONE
    assert (batch.read, batch.rejected) == (rows, 3)
    assert batch.landed == rows - 3 and batch.unchanged == batch.changed == 0
    rejects = read_csv(Path(batch.rejects_path))
    assert sorted(r["Record ID"] for r in rejects) == sorted(partner_files.bad_gmp_refs)
    reasons = " | ".join(r["rejection_reasons"] for r in rejects)
    assert "Date of birth" in reasons and "PNC ID" in reasons and "Surname" in reasons
    # Each valid row is a source record with a nominal built from it.
    records = SourceRecord.objects.filter(agency=agencies["gmp"], kind=ImportKind.NOMINALS)
    assert records.count() == batch.landed
    record = records.get(source_key="GMP00001")
    assert record.nominal is not None and record.raw["Record ID"] == "GMP00001"
    facts = NominalFact.objects.filter(source_ref=record.fact_ref)
    assert {f.kind for f in facts} >= {FactKind.NAME, FactKind.BIRTH_DATE, FactKind.PNC_ID}
    assert all(f.nominal_id == record.nominal_id for f in facts)
    event = AuditEvent.objects.filter(object_type="import", operation="collection").order_by("-id").first()
    assert event is not None
    assert event.detail["rejected"] == 3 and event.detail["file"] == "gmp-nominals.csv"


def test_reimporting_the_same_file_changes_nothing(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    first = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    facts_before = NominalFact.objects.count()
    again = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    assert (again.landed, again.changed, again.unchanged, again.rejected) == (0, 0, first.landed, 3)
    assert NominalFact.objects.count() == facts_before


def test_fixed_rejects_reimport_and_changed_rows_keep_history(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles, tmp_path: Path
) -> None:
    first = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    rows = read_csv(Path(first.rejects_path))
    fixes = {"Date of birth": "1990-02-21", "PNC ID": "88/1234567K", "Surname": "Okafor"}
    for row in rows:
        for column, good in fixes.items():
            if column.split()[0].lower() in row["rejection_reasons"].lower() or not row[column]:
                row[column] = good
    fixed = tmp_path / "gmp-fixed.csv"
    with fixed.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    second = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, fixed, GMP_MAPPING)
    assert (second.read, second.landed, second.rejected) == (3, 3, 0)
    assert not second.rejects_path
    # A corrected value for a known row is a change: the old values are kept, the facts rebuilt.
    rows[0]["Postcode"] = "M1 1AE"
    with fixed.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    third = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, fixed, GMP_MAPPING)
    assert (third.changed, third.unchanged) == (1, 2)
    record = SourceRecord.objects.get(agency=agencies["gmp"], source_key=rows[0]["Record ID"])
    assert record.values["postcode"] == "M1 1AE" and len(record.history) == 1
    assert NominalFact.objects.filter(source_ref=record.fact_ref, kind=FactKind.ADDRESS, key="M11AE").exists()


def test_an_analyst_cannot_import_for_another_agency(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    with pytest.raises(PermissionDenied):
        services.import_upload_path(
            actor=act(analyst), agency=agencies["mersey"], kind=ImportKind.NOMINALS, path=partner_files.mersey
        )


def test_the_coordinator_imports_for_the_regions_agencies(
    coordinator: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    batch = run_import(coordinator, agencies["mersey"], ImportKind.NOMINALS, partner_files.mersey, MERSEY_MAPPING)
    assert batch.rejected == 0 and batch.landed == sum(1 for k in partner_files.truth if k.startswith("merseyside:"))
    with pytest.raises(PermissionDenied):
        services.import_upload_path(
            actor=act(coordinator), agency=agencies["hmrc"], kind=ImportKind.NOMINALS, path=partner_files.mersey
        )


def test_bad_files_and_mappings_are_refused_with_a_reason(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles, tmp_path: Path
) -> None:
    exe = tmp_path / "evil.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(ValidationError, match="only CSV and Excel"):
        services.import_upload_path(actor=act(analyst), agency=agencies["gmp"], kind=ImportKind.NOMINALS, path=exe)
    batch = services.import_upload_path(
        actor=act(analyst), agency=agencies["gmp"], kind=ImportKind.NOMINALS, path=partner_files.gmp
    )
    with pytest.raises(ValidationError, match="is not in the file"):
        services.import_set_mapping(
            actor=act(analyst), batch=batch, mapping_yaml=GMP_MAPPING.replace("Surname\n", "Last name\n")
        )
    with pytest.raises(ValidationError):
        services.import_set_mapping(actor=act(analyst), batch=batch, mapping_yaml="kind: [not, a, kind]")


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_associations_members_and_intelligence_refer_to_imported_nominals(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles, tmp_path: Path
) -> None:
    gmp = agencies["gmp"]
    run_import(analyst, gmp, ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    assoc = _write(
        tmp_path / "assoc.csv",
        ["id", "person_a", "person_b", "type", "strength"],
        [["A1", "GMP00001", "GMP00002", "criminal", "3"], ["A2", "GMP00001", "NOBODY", "family", "2"]],
    )
    mapping = (
        "kind: associations\ncolumns: {source_key: id, nominal_a: person_a, nominal_b: person_b, type: type, "
        "strength: strength}\nsource_key: [id]\n"
    )
    batch = run_import(analyst, gmp, ImportKind.ASSOCIATIONS, assoc, mapping)
    assert (batch.landed, batch.rejected) == (1, 1)
    assert "NOBODY" in read_csv(Path(batch.rejects_path))[0]["rejection_reasons"]
    a = Association.objects.get()
    first = SourceRecord.objects.get(agency=gmp, source_key="GMP00001")
    assert a.nominal_a_id == first.nominal_id and a.type == "criminal" and a.strength == 3

    OCG.objects.create(urn="OCG000001", name="Salford Crew", agency=gmp, threat_categories=["drugs"])
    members = _write(
        tmp_path / "members.csv",
        ["id", "group", "person", "role", "from"],
        [["M1", "Salford Crew", "GMP00001", "Principal", "2024-01-05"], ["M2", "OCG000001", "GMP00002", "boss", ""]],
    )
    mapping = (
        "kind: ocg-members\ncolumns: {source_key: id, ocg: group, nominal: person, role: role, date_from: from}\n"
        "source_key: [id]\n"
    )
    batch = run_import(analyst, gmp, ImportKind.OCG_MEMBERS, members, mapping)
    assert (batch.landed, batch.rejected) == (1, 1)
    assert OCGMembership.objects.get().role == "principal"

    intel = _write(
        tmp_path / "intel.csv",
        ["ref", "title", "text", "date", "s", "i", "h", "conditions", "subjects"],
        [
            ["I1", "Cash couriers", "Seen moving cash.", "2025-03-01", "2", "B", "P", "", "GMP00001;GMP00002"],
            ["I2", "No conditions", "Handling C without conditions.", "2025-03-01", "1", "A", "C", "", ""],
        ],
    )
    mapping = (
        "kind: intel\ncolumns: {source_key: ref, title: title, text: text, date_of_intelligence: date, "
        "source_evaluation: s, intelligence_assessment: i, handling_code: h, handling_conditions: conditions, "
        "subjects: subjects}\nsource_key: [ref]\n"
    )
    batch = run_import(analyst, gmp, ImportKind.INTEL, intel, mapping)
    assert (batch.landed, batch.rejected) == (1, 1)
    record = IntelligenceRecord.objects.get()
    assert record.grading == "2BP" and record.subjects.count() == 2 and record.agency == gmp


def test_rejects_download_is_audited_and_private(
    analyst: User, analyst2: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    batch = run_import(analyst, agencies["gmp"], ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    path = services.rejects_download(actor=act(analyst), batch=batch)
    assert path.exists()
    assert AuditEvent.objects.filter(operation="disclosure", object_type="import").exists()
    with pytest.raises(PermissionDenied):
        services.rejects_download(actor=act(analyst2), batch=batch)


def test_demo_style_facts_get_source_records(analyst: User, picture: dict[str, Any]) -> None:
    made = services.source_records_adopt(actor=act(analyst))
    assert made == SourceRecord.objects.count() and made >= 2
    record = SourceRecord.objects.get(nominal=picture["smith"], agency__code="gmp")
    assert record.values["surname"].upper() == "SMITH" and record.fact_ref
    assert services.source_records_adopt(actor=act(analyst)) == 0


def test_a_changed_membership_row_moves_the_membership(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles, tmp_path: Path
) -> None:
    gmp = agencies["gmp"]
    run_import(analyst, gmp, ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    OCG.objects.create(urn="OCG000001", name="Salford Crew", agency=gmp, threat_categories=["drugs"])
    mapping = (
        "kind: ocg-members\ncolumns: {source_key: id, ocg: group, nominal: person, role: role}\nsource_key: [id]\n"
    )
    header = ["id", "group", "person", "role"]
    run_import(
        analyst,
        gmp,
        ImportKind.OCG_MEMBERS,
        _write(tmp_path / "m1.csv", header, [["M1", "OCG000001", "GMP00001", "principal"]]),
        mapping,
    )
    batch = run_import(
        analyst,
        gmp,
        ImportKind.OCG_MEMBERS,
        _write(tmp_path / "m2.csv", header, [["M1", "OCG000001", "GMP00002", "peripheral"]]),
        mapping,
    )
    assert batch.changed == 1
    membership = OCGMembership.objects.get()
    assert membership.nominal_id == SourceRecord.objects.get(agency=gmp, source_key="GMP00002").nominal_id
    assert membership.role == "peripheral"


def test_unvetted_users_cannot_import_official_sensitive_intelligence(
    officer: User, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    intel = _write(
        tmp_path / "intel.csv",
        ["ref", "title", "text", "date", "s", "i", "h", "class"],
        [
            ["I1", "Cash couriers", "Seen moving cash.", "2025-03-01", "2", "B", "P", "OFFICIAL-SENSITIVE"],
            ["I2", "Lock-up", "A lock-up on Trafford Road.", "2025-03-02", "2", "B", "P", "OFFICIAL"],
        ],
    )
    mapping = (
        "kind: intel\ncolumns: {source_key: ref, title: title, text: text, date_of_intelligence: date, "
        "source_evaluation: s, intelligence_assessment: i, handling_code: h, classification: class}\n"
    )
    batch = run_import(officer, agencies["gmp"], ImportKind.INTEL, intel, mapping)
    assert (batch.landed, batch.rejected) == (1, 1)
    assert "not vetted" in read_csv(Path(batch.rejects_path))[0]["rejection_reasons"]
    assert IntelligenceRecord.objects.get().urn.startswith("IR")
    with pytest.raises(PermissionDenied):
        services.rejects_download(actor=act(officer), batch=batch)


def test_a_coordinator_who_moves_on_no_longer_sees_the_partners_imports(
    coordinator: User, agencies: dict[str, Agency], partner_files: PartnerFiles
) -> None:
    from sochub.linkage import policies

    batch = run_import(coordinator, agencies["mersey"], ImportKind.NOMINALS, partner_files.mersey, MERSEY_MAPPING)
    assert policies.visible_batches(coordinator).filter(pk=batch.pk).exists()
    coordinator.coordinator_region = None
    coordinator.save()
    assert not policies.visible_batches(coordinator).filter(pk=batch.pk).exists()


def test_associations_may_name_a_nominal_by_pnc_id_in_any_written_form(
    analyst: User, agencies: dict[str, Agency], partner_files: PartnerFiles, tmp_path: Path
) -> None:
    gmp = agencies["gmp"]
    run_import(analyst, gmp, ImportKind.NOMINALS, partner_files.gmp, GMP_MAPPING)
    first = SourceRecord.objects.get(agency=gmp, source_key="GMP00001")
    year, rest = first.values["pnc_id"].split("/")
    written = f"19{year}/{int(rest[:-1])}{rest[-1].lower()}"  # e.g. 1985/123456x
    assoc = _write(tmp_path / "a.csv", ["id", "a", "b", "type"], [["A1", written, "GMP00002", "family"]])
    mapping = "kind: associations\ncolumns: {source_key: id, nominal_a: a, nominal_b: b, type: type}\n"
    batch = run_import(analyst, gmp, ImportKind.ASSOCIATIONS, assoc, mapping)
    assert batch.landed == 1, read_csv(Path(batch.rejects_path))
    assert Association.objects.get().nominal_a_id == first.nominal_id
