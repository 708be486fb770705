"""Import and record-linkage pages through Django's test client: upload, map, import, rejects,
re-import, access, review with the waterfall, judgements, reversal and the nominal page."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from sochub.audit.models import AuditEvent
from sochub.jobs.models import Job, JobStatus
from sochub.linkage import resolution, services
from sochub.linkage.models import (
    CandidatePair,
    ChangeKind,
    ClusterChange,
    Decision,
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportStatus,
    MatchJudgement,
    PairStatus,
    ResolutionRun,
    SourceRecord,
)
from sochub.partners.models import Agency, User
from sochub.web.views.common import PURPOSE_SESSION_KEY
from tests.helpers import act

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PURPOSE = "Operation Kestrel: linking partner records"

GMP_HEADERS = ["Record ID", "First name", "Surname", "Date of birth", "Sex", "Postcode", "PNC ID"]
GMP_ROWS = [
    ["GMP001", "John", "Smith", "1985-03-14", "M", "M14 5AB", "85/123456X"],
    ["GMP002", "Mary", "Jones", "1990-11-02", "F", "L3 4AA", ""],
    ["GMP003", "Peter", "", "1972-05-09", "M", "M1 1AE", ""],  # no surname
    ["GMP004", "Aisha", "Khan", "1991-02-31", "F", "M13 9PL", ""],  # no 31 February
    ["GMP005", "Tom", "Brown", "1979-06-30", "male", "M20 2RN", "not a PNC"],  # bad PNC ID
]
BAD_REFS = {"GMP003", "GMP004", "GMP005"}
FORM_COLUMNS = {
    "col-source_key": "Record ID",
    "col-given_name": "First name",
    "col-surname": "Surname",
    "col-dob": "Date of birth",
    "col-gender": "Sex",
    "col-postcode": "Postcode",
    "col-pnc_id": "PNC ID",
    "source_key": "Record ID",
}


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def set_purpose(client: Client) -> None:
    response = client.post("/purpose/", {"purpose": PURPOSE, "next": "/"})
    assert response.status_code == 302, response.content[:500]


def forget_purpose(client: Client) -> None:
    session = client.session
    session.pop(PURPOSE_SESSION_KEY, None)
    session.save()


def body(response: Any) -> str:
    return response.content.decode()


def redirect_id(response: Any, pattern: str) -> int:
    assert response.status_code == 302, response.content[:1000]
    match = re.fullmatch(pattern, response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


# Imports ---------------------------------------------------------------------------------------


def test_upload_map_import_download_rejects_and_reimport_the_fixed_rows(
    signed_in: Callable[[User], Client], analyst: User, analyst2: User, agencies: dict[str, Agency]
) -> None:
    client = signed_in(analyst)
    assert client.get("/imports/new/")["Location"].startswith("/purpose/")  # collecting data needs a purpose
    set_purpose(client)
    form = body(client.get("/imports/new/"))
    assert 'enctype="multipart/form-data"' in form
    assert 'name="agency" value="gmp"' in form  # only one agency: no select to choose from
    assert "Nominals (people)" in form

    response = client.post(
        "/imports/new/",
        {
            "kind": ImportKind.NOMINALS,
            "agency": "gmp",
            "file": upload("custody-export.csv", csv_bytes(GMP_HEADERS, GMP_ROWS)),
        },
    )
    batch_id = redirect_id(response, r"/imports/(\d+)/mapping/")
    batch = ImportBatch.objects.get(pk=batch_id)
    assert (batch.agency, batch.status, batch.created_by) == (agencies["gmp"], ImportStatus.DRAFT, analyst)

    # The mapping page previews the first rows and guesses the columns from their names.
    page = body(client.get(f"/imports/{batch_id}/mapping/"))
    preview = page.split('data-testid="preview"', 1)[1].split("</table>", 1)[0]
    assert ">Date of birth</th>" in preview and ">Aisha</td>" in preview and ">not a PNC</td>" in preview
    assert re.search(r'id="col-given_name"[^>]*>.*?<option value="First name" selected', page, re.S)
    assert re.search(r'id="col-dob"[^>]*>.*?<option value="Date of birth" selected', page, re.S)
    assert "surname: Surname" in page  # the generated YAML

    # Leaving out a required field is refused with the field named.
    refused = client.post(f"/imports/{batch_id}/mapping/", {**FORM_COLUMNS, "col-surname": ""})
    assert refused.status_code == 400
    assert 'href="#col-surname"' in body(refused) and "Choose the column that holds surname" in body(refused)
    assert ImportBatch.objects.get(pk=batch_id).status == ImportStatus.DRAFT

    with override_settings(TASKS=IMMEDIATE_TASKS):
        response = client.post(f"/imports/{batch_id}/mapping/", {**FORM_COLUMNS, "save_as": "GMP custody export"})
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch_id}/"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE, batch.error
    assert (batch.read, batch.landed, batch.rejected) == (5, 2, 3)
    saved = ImportMapping.objects.get(agency=agencies["gmp"], name="GMP custody export")
    assert "Record ID" in saved.yaml

    page = body(client.get(f"/imports/{batch_id}/"))
    counts = page.split('data-testid="batch-counts"', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"Rows read</dt>\s*<dd[^>]*>5\b", counts)
    assert re.search(r"New</dt>\s*<dd[^>]*>2\b", counts)
    assert re.search(r"Rejected</dt>\s*<dd[^>]*>3\b", counts)
    assert "3 rows were not imported" in page
    assert f'href="/imports/{batch_id}/rejects.csv"' in page and "Download the rejected rows (CSV)" in page
    assert "rows already imported will not change" in page
    assert "/imports/new/?kind=nominals&amp;agency=gmp" in page
    # The page polls only while the import runs.
    assert "hx-get" not in page.split('id="batch-status"', 1)[1].split(">", 1)[0]
    fragment = body(client.get(f"/imports/{batch_id}/", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "3 rows were not imported" in fragment
    listing = body(client.get("/imports/"))
    assert "custody-export.csv" in listing and f"/imports/{batch_id}/rejects.csv" in listing

    # The rejects file needs a purpose (it is a disclosure), then comes as an attachment.
    forget_purpose(client)
    assert client.get(f"/imports/{batch_id}/rejects.csv")["Location"].startswith("/purpose/")
    set_purpose(client)
    response = client.get(f"/imports/{batch_id}/rejects.csv")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "rejects-custody-export.csv" in response["Content-Disposition"]
    )
    rejects = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {r["Record ID"] for r in rejects} == BAD_REFS
    reasons = {r["Record ID"]: r["rejection_reasons"] for r in rejects}
    assert "Surname" in reasons["GMP003"]
    assert "Date of birth" in reasons["GMP004"]
    assert "PNC ID" in reasons["GMP005"]
    assert AuditEvent.objects.filter(operation="disclosure", object_type="import", username="analyst").exists()

    # Another force's analyst cannot see the batch, its mapping page or its rejects.
    other = Client()
    other.post("/sign-in/", {"username": analyst2.username, "password": "a-long-test-password-42"})
    assert other.get(f"/imports/{batch_id}/").status_code == 404
    assert other.get(f"/imports/{batch_id}/mapping/").status_code == 404
    assert other.get(f"/imports/{batch_id}/rejects.csv").status_code == 404
    assert "custody-export.csv" not in body(other.get("/imports/"))

    # Fix the rows in the rejects file and import it again with the saved mapping.
    fixes = {"GMP003": {"Surname": "Walker"}, "GMP004": {"Date of birth": "1991-02-28"}, "GMP005": {"PNC ID": ""}}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rejects[0]))
    writer.writeheader()
    for row in rejects:
        writer.writerow({**row, **fixes[row["Record ID"]]})
    response = client.post(
        "/imports/new/",
        {"kind": "nominals", "agency": "gmp", "file": upload("rejects-fixed.csv", out.getvalue().encode("utf-8-sig"))},
    )
    fixed_id = redirect_id(response, r"/imports/(\d+)/mapping/")
    page = body(client.get(f"/imports/{fixed_id}/mapping/", {"saved": saved.pk}))
    assert "Filled in from the saved mapping ‘GMP custody export’" in page
    assert re.search(r'id="col-pnc_id"[^>]*>.*?<option value="PNC ID" selected', page, re.S)
    with override_settings(TASKS=IMMEDIATE_TASKS):
        response = client.post(f"/imports/{fixed_id}/mapping/", {**FORM_COLUMNS, "saved": saved.pk})
    assert response.status_code == 302
    fixed = ImportBatch.objects.get(pk=fixed_id)
    assert (fixed.read, fixed.landed, fixed.changed, fixed.rejected) == (3, 3, 0, 0), fixed.error
    page = body(client.get(f"/imports/{fixed_id}/"))
    assert "Every row imported" in page and "Download the rejected rows" not in page
    assert re.search(r"New</dt>\s*<dd[^>]*>3\b", page)
    keys = set(SourceRecord.objects.filter(agency=agencies["gmp"]).values_list("source_key", flat=True))
    assert keys == {"GMP001", "GMP002", "GMP003", "GMP004", "GMP005"}
    assert SourceRecord.objects.get(source_key="GMP003").values["surname"] == "Walker"


def test_upload_for_an_agency_the_user_may_not_import_for_is_refused(
    signed_in: Callable[[User], Client], analyst: User
) -> None:
    client = signed_in(analyst)
    set_purpose(client)
    response = client.post(
        "/imports/new/",
        {"kind": "nominals", "agency": "merseyside", "file": upload("theirs.csv", csv_bytes(GMP_HEADERS, GMP_ROWS))},
    )
    assert response.status_code == 403
    assert "There is a problem" in body(response) and "Merseyside Police" in body(response)
    assert not ImportBatch.objects.exists()


def test_upload_form_names_every_missing_answer(signed_in: Callable[[User], Client], analyst: User) -> None:
    client = signed_in(analyst)
    set_purpose(client)
    response = client.post("/imports/new/", {"agency": "gmp"})
    assert response.status_code == 400
    page = body(response)
    assert 'href="#kind"' in page and "Choose what the file holds" in page
    assert 'href="#file"' in page and "Choose a CSV or Excel file" in page
    response = client.post(
        "/imports/new/", {"kind": "nominals", "agency": "gmp", "file": upload("notes.txt", b"hello")}
    )
    assert response.status_code == 400 and "only CSV and Excel" in body(response)


def test_a_coordinator_chooses_which_partner_the_file_is_for(
    signed_in: Callable[[User], Client], coordinator: User, agencies: dict[str, Agency]
) -> None:
    client = signed_in(coordinator)
    set_purpose(client)
    form = body(client.get("/imports/new/?kind=nominals&agency=merseyside"))
    assert '<select class="govuk-select" id="agency" name="agency"' in form
    assert '<option value="merseyside" selected>' in form
    assert 'value="nominals" checked' in form
    response = client.post(
        "/imports/new/",
        {
            "kind": "nominals",
            "agency": "merseyside",
            "file": upload("mersey.csv", csv_bytes(GMP_HEADERS, GMP_ROWS[:2])),
        },
    )
    batch_id = redirect_id(response, r"/imports/(\d+)/mapping/")
    assert ImportBatch.objects.get(pk=batch_id).agency == agencies["mersey"]


def test_pages_need_an_intel_user(signed_in: Callable[[User], Client], volunteer: User, client: Client) -> None:
    assert client.get("/imports/")["Location"].startswith("/sign-in/")
    client = signed_in(volunteer)
    for url in ("/imports/", "/imports/new/", "/resolution/", "/resolution/review/"):
        assert client.get(url).status_code == 404, url


# Review and resolution -------------------------------------------------------------------------


def _import(user: User, agency: Agency, name: str, headers: list[str], rows: list[list[str]]) -> None:
    batch = services.import_upload(
        actor=act(user), agency=agency, kind="nominals", file_name=name, chunks=[csv_bytes(headers, rows)]
    )
    mapping = "kind: nominals\ncolumns:\n" + "".join(
        f"  {field}: {header}\n"
        for field, header in zip(
            ["source_key", "given_name", "surname", "dob", "gender", "postcode", "pnc_id"], headers, strict=False
        )
    )
    services.import_set_mapping(actor=act(user), batch=batch, mapping_yaml=mapping)
    services.import_run(actor=act(user), batch=batch)


def _contributions(*weights: tuple[str, str, float, Any, Any]) -> list[dict[str, Any]]:
    return [{"comparison": c, "level": lv, "match_weight": w, "value_l": a, "value_r": b} for c, lv, w, a, b in weights]


def _pair(left: SourceRecord, right: SourceRecord, run: ResolutionRun, status: str, contributions: list[Any]) -> Any:
    weight = sum(c["match_weight"] for c in contributions)
    return CandidatePair.objects.create(
        record_l=left,
        record_r=right,
        run=run,
        match_weight=weight,
        probability=2**weight / (1 + 2**weight),
        contributions=contributions,
        status=status,
    )


@pytest.fixture
def linked(coordinator: User, analyst2: User, agencies: dict[str, Agency]) -> dict[str, Any]:
    """GMP's John Smith and Merseyside's Jon Smith linked by the model into one nominal; a second,
    uncertain pair (Mary Jones / Marie Jones) waits for review."""
    headers = ["Ref", "Forename", "Surname", "DOB", "Gender", "Postcode", "PNC"]
    _import(
        coordinator,
        agencies["gmp"],
        "gmp.csv",
        headers,
        [
            ["G1", "John", "Smith", "1985-03-14", "M", "M14 5AB", "85/123456X"],
            ["G2", "Mary", "Jones", "1990-11-02", "F", "L3 4AA", ""],
        ],
    )
    _import(
        coordinator,
        agencies["mersey"],
        "mersey.csv",
        headers,
        [
            ["M1", "Jon", "Smith", "1985-03-14", "M", "M14 5AB", ""],
            ["M2", "Marie", "Jones", "1990-02-11", "F", "L8 1TT", ""],
        ],
    )
    rec = {r.source_key: r for r in SourceRecord.objects.select_related("agency")}
    run = ResolutionRun.objects.create(
        started_by=coordinator, link_threshold=0.95, review_threshold=0.5, finished_at=timezone.now()
    )
    smith = _pair(
        rec["G1"],
        rec["M1"],
        run,
        PairStatus.LINKED,
        _contributions(
            ("Prior", "Chance two random records are the same person", -9.5, None, None),
            ("Given name", "Nickname or close spelling", 4.2, "JOHN", "JON"),
            ("Surname", "Exact match", 6.1, "SMITH", "SMITH"),
            ("Date of birth", "Exact match", 7.4, "1985-03-14", "1985-03-14"),
            ("Postcode", "Exact match", 5.0, "M14 5AB", "M14 5AB"),
            ("PNC ID", "One or both missing", 0.0, "85/123456X", None),
        ),
    )
    jones = _pair(
        rec["G2"],
        rec["M2"],
        run,
        PairStatus.REVIEW,
        _contributions(
            ("Prior", "Chance two random records are the same person", -9.5, None, None),
            ("Given name", "Close spelling", 3.0, "MARY", "MARIE"),
            ("Surname", "Exact match", 6.1, "JONES", "JONES"),
            ("Date of birth", "Day and month swapped", 2.4, "1990-11-02", "1990-02-11"),
            ("Postcode", "Different", -1.2, "L3 4AA", "L8 1TT"),
        ),
    )
    resolution._apply(actor=act(coordinator), run=run, reason=f"Resolution run {run.pk}")
    rec = {r.source_key: r for r in SourceRecord.objects.select_related("agency")}
    assert rec["G1"].nominal_id == rec["M1"].nominal_id  # the model's link made one nominal
    assert rec["G2"].nominal_id != rec["M2"].nominal_id
    return {"smith": smith, "jones": jones, "records": rec, "run": run}


def test_review_page_shows_both_records_and_the_waterfall(
    signed_in: Callable[[User], Client], coordinator: User, linked: dict[str, Any]
) -> None:
    client = signed_in(coordinator)
    pair = linked["smith"]
    assert client.get(f"/resolution/review/{pair.pk}/")["Location"].startswith("/purpose/")
    set_purpose(client)
    response = client.get(f"/resolution/review/{pair.pk}/")
    assert response.status_code == 200
    page = body(response)
    side = page.split('data-testid="side-by-side"', 1)[1].split("</table>", 1)[0]
    assert "John Smith" in side and "Jon Smith" in side
    assert "Greater Manchester Police" in side and "Merseyside Police" in side
    assert "gmp.csv, row 2" in side and "85/0123456X" in side
    assert pair.probability > 0.9995 and "the same person at <strong>over 99.9%</strong>" in page
    # The chart: one bar per contribution plus the total, negative weights to the left in red.
    chart = page.split('data-testid="waterfall"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('class="sochub-wf-pos"') == 5  # four matches and the zero PNC ID weight
    assert chart.count('class="sochub-wf-neg"') == 1  # the prior
    assert chart.count('class="sochub-wf-total"') == 1
    widths = [float(w) for w in re.findall(r'class="sochub-wf-(?:pos|neg)"[^>]*width="([\d.]+)"', chart)]
    assert widths[3] > widths[2] > widths[1]  # width follows |weight|: 7.4 > 6.1 > 4.2
    assert "style=" not in chart  # CSP: no inline styles
    table = page.split('data-testid="waterfall-table"', 1)[1].split("</table>", 1)[0]
    assert "Starting point" in table and "Nickname or close spelling" in table and "+7.40" in table
    assert f"{pair.match_weight:+.2f}" in table
    # Opening the pair is audited as a consultation of both records.
    event = AuditEvent.objects.filter(object_type="source_record", operation="consultation").latest("id")
    assert event.detail == {"pair": pair.pk} and event.purpose == PURPOSE
    assert set(event.object_ids) == {str(pair.record_l_id), str(pair.record_r_id)}


def test_review_page_is_404_for_someone_who_cannot_see_both_records(
    signed_in: Callable[[User], Client], analyst: User, analyst2: User, officer: User, linked: dict[str, Any]
) -> None:
    pair = linked["smith"]
    for user in (analyst, analyst2):
        client = signed_in(user)
        set_purpose(client)
        assert client.get(f"/resolution/review/{pair.pk}/").status_code == 404, user.username
        assert (
            client.post(f"/resolution/review/{pair.pk}/", {"decision": "different", "reason": "x"}).status_code == 404
        )
        assert "Mary Jones" not in body(client.get("/resolution/review/"))
    assert not MatchJudgement.objects.exists()
    client = signed_in(officer)
    assert client.get("/resolution/review/").status_code == 404  # officers do not review


def test_queue_lists_uncertain_pairs_with_the_percentage(
    signed_in: Callable[[User], Client], coordinator: User, analyst: User, linked: dict[str, Any]
) -> None:
    client = signed_in(coordinator)
    set_purpose(client)
    page = body(client.get("/resolution/review/"))
    queue = page.split('data-testid="review-queue"', 1)[1].split("</table>", 1)[0]
    assert "Mary Jones" in queue and "Marie Jones" in queue
    assert f"{linked['jones'].probability * 100:.1f}%" in queue
    assert "John Smith" not in queue  # linked pairs are not in the queue
    overview = body(client.get("/resolution/"))
    assert re.search(r'data-testid="waiting">.*?>1<', overview, re.S)
    # A GMP analyst cannot judge the cross-force pair, but is told it waits for someone who can.
    other = signed_in(analyst)
    set_purpose(other)
    assert "1 pair involving your agency waits" in body(other.get("/resolution/"))


def test_judging_different_people_splits_the_nominal_and_moves_on(
    signed_in: Callable[[User], Client], coordinator: User, linked: dict[str, Any]
) -> None:
    client = signed_in(coordinator)
    set_purpose(client)
    pair, rec = linked["smith"], linked["records"]
    response = client.post(f"/resolution/review/{pair.pk}/", {"decision": "different"})
    assert response.status_code == 400 and 'href="#reason"' in body(response)
    assert not MatchJudgement.objects.exists()

    response = client.post(
        f"/resolution/review/{pair.pk}/", {"decision": "different", "reason": "PNC record shows a different father"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/resolution/review/{linked['jones'].pk}/"  # the next pair in the queue
    judgement = MatchJudgement.objects.get()
    assert (judgement.decision, judgement.decided_by) == (Decision.DIFFERENT, coordinator)
    g1, m1 = SourceRecord.objects.get(pk=rec["G1"].pk), SourceRecord.objects.get(pk=rec["M1"].pk)
    assert g1.nominal_id != m1.nominal_id
    assert g1.nominal_id == rec["G1"].nominal_id  # the older nominal keeps its id
    page = body(client.get(response["Location"]))
    assert "govuk-notification-banner--success" in page and "Your decision is saved: different people" in page
    assert "Mary Jones" in page

    # Judging the last pair returns to the (now empty) queue.
    response = client.post(f"/resolution/review/{linked['jones'].pk}/", {"decision": "same"})
    assert response["Location"] == "/resolution/review/"
    assert 'data-testid="queue-empty"' in body(client.get("/resolution/review/"))


def test_a_merge_can_be_reversed_from_the_resolution_page(
    signed_in: Callable[[User], Client], coordinator: User, analyst: User, linked: dict[str, Any]
) -> None:
    change = ClusterChange.objects.get(kind=ChangeKind.MERGE)
    client = signed_in(coordinator)
    set_purpose(client)
    page = body(client.get("/resolution/"))
    assert f"/resolution/changes/{change.pk}/reverse/" in page
    confirm = client.get(f"/resolution/changes/{change.pk}/reverse/")
    assert confirm.status_code == 200 and "Reverse the change" in body(confirm)
    refused = client.post(f"/resolution/changes/{change.pk}/reverse/", {"reason": ""})
    assert refused.status_code == 400 and "There is a problem" in body(refused)
    response = client.post(f"/resolution/changes/{change.pk}/reverse/", {"reason": "Linked in error: see OP-123"})
    assert response.status_code == 302 and response["Location"] == "/resolution/"
    rec = linked["records"]
    assert SourceRecord.objects.get(pk=rec["G1"].pk).nominal_id != SourceRecord.objects.get(pk=rec["M1"].pk).nominal_id
    change.refresh_from_db()
    assert change.reversed_by_change is not None
    assert "The change is reversed" in body(client.get("/resolution/"))
    # A GMP analyst does not see the Merseyside record moved, so cannot reverse.
    assert signed_in(analyst).get(f"/resolution/changes/{change.pk}/reverse/").status_code in (403, 404)


def test_nominal_page_shows_source_records_and_why_they_were_linked(
    signed_in: Callable[[User], Client], coordinator: User, analyst: User, linked: dict[str, Any]
) -> None:
    nominal_id = linked["records"]["G1"].nominal_id
    client = signed_in(coordinator)
    set_purpose(client)
    page = body(client.get(f"/nominals/{nominal_id}/"))
    section = page.split('data-testid="nominal-sources"', 1)[1].split("</section>", 1)[0]
    assert "Source records and why they were linked" in section
    assert "gmp.csv, row 2" in section and "mersey.csv, row 2" in section
    assert "John Smith" in section and "Jon Smith" in section and "PNC 85/0123456X" in section
    assert "linked by the model: over 99.9% chance" in section
    assert 'data-testid="waterfall"' in section
    assert "held by agencies you cannot see" not in section

    # After an analyst confirms the pair, the page says who linked them.
    set_purpose(client)
    client.post(f"/resolution/review/{linked['smith'].pk}/", {"decision": "same"})
    section = body(client.get(f"/nominals/{nominal_id}/")).split('data-testid="nominal-sources"', 1)[1]
    assert "Linked by Jane Analyst: same person" in section

    # A GMP analyst sees GMP's row and is told another agency holds one more.
    other = signed_in(analyst)
    set_purpose(other)
    section = body(other.get(f"/nominals/{nominal_id}/")).split('data-testid="nominal-sources"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert "gmp.csv, row 2" in section and "mersey.csv" not in section and "Jon Smith" not in section
    assert "1 more source record is held by agencies you cannot see" in section


def test_run_resolution_from_the_page(
    signed_in: Callable[[User], Client], coordinator: User, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    """The real engine on two forces' files: the run shows on the page and its pairs can be reviewed."""
    from sochub.linkage.demo_files import GMP_MAPPING, MERSEY_MAPPING, write_partner_files

    folder = tmp_path / "files"
    folder.mkdir()
    files = write_partner_files(folder, people=120, shared=40)
    for agency, path, mapping in (
        (agencies["gmp"], files.gmp, GMP_MAPPING),
        (agencies["mersey"], files.mersey, MERSEY_MAPPING),
    ):
        batch = services.import_upload_path(actor=act(coordinator), agency=agency, kind="nominals", path=path)
        services.import_set_mapping(actor=act(coordinator), batch=batch, mapping_yaml=mapping)
        services.import_run(actor=act(coordinator), batch=batch)
    client = signed_in(coordinator)
    set_purpose(client)
    with override_settings(TASKS=IMMEDIATE_TASKS):
        response = client.post("/resolution/run/", {"retrain": "1"})
    job_id = redirect_id(response, r"/jobs/(\d+)/")
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.DONE, job.error
    run = ResolutionRun.objects.get()
    assert run.retrained and run.stats["pairs_scored"] > 0
    page = body(client.get("/resolution/"))
    runs = page.split('data-testid="runs"', 1)[1].split("</table>", 1)[0]
    assert f"{run.stats['records']:,}" in runs and "Estimated again" in runs
    assert "Link at 95%, review from 50%" in runs
    pair = CandidatePair.objects.filter(status=PairStatus.LINKED).order_by("-probability").first()
    assert pair is not None
    page = body(client.get(f"/resolution/review/{pair.pk}/"))
    chart = page.split('data-testid="waterfall"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<rect ") == len(pair.contributions) + 1  # one bar per comparison, and the total
    assert f"{pair.match_weight:+.2f}" in page


def test_a_second_run_while_one_is_in_progress_is_refused_with_a_message(
    signed_in: Callable[[User], Client], coordinator: User
) -> None:
    ResolutionRun.objects.create(started_by=coordinator, link_threshold=0.95, review_threshold=0.5)
    client = signed_in(coordinator)
    set_purpose(client)
    response = client.post("/resolution/run/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/resolution/")
    assert "already in progress" in body(response)
    assert not Job.objects.filter(kind="resolution").exists()
