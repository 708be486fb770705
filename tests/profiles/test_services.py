"""Profiles, layers, builds, findings and the 4P action plan: rules, audit and a refresh that keeps actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sochub.audit.models import AuditEvent
from sochub.intel.models import OCG, Premises
from sochub.partners.models import Agency, Role, User, Vetting
from sochub.profiles import building, policies, selectors, services
from sochub.profiles.models import ActionStatus, BuildStatus, Finding, LayerKind, Profile, ProfileBuild
from tests.engine.hotspots.police import HEADER, row, write_street
from tests.helpers import SHARED_DATA, act
from tests.profiles.files import month_file


def _upload(actor_user: User, profile: Profile, kind: str, path: Path, name: str = "") -> Any:
    return services.layer_add(
        actor=act(actor_user), profile=profile, kind=kind, filename=path.name, chunks=[path.read_bytes()], name=name
    )


def _build(user: User, profile: Profile) -> ProfileBuild:
    build = services.build_create(actor=act(user), profile=profile)
    building.run_build(build=build, actor=act(user))
    build.refresh_from_db()
    return build


@pytest.fixture
def profile(analyst: User, agencies: dict[str, Agency]) -> Profile:
    return services.profile_create(
        actor=act(analyst), name="Durham SOC local profile", area_name="Durham", partners=[agencies["hmrc"]]
    )


def test_who_sees_and_manages_a_profile(
    profile: Profile, analyst: User, analyst2: User, officer: User, make_user: Callable[..., User]
) -> None:
    partner = make_user("council", "hmrc", (Role.PARTNER,), Vetting.NPPV2)
    assert policies.can_manage(analyst, profile)
    assert policies.can_view(partner, profile) and policies.can_plan(partner, profile)
    assert not policies.can_manage(partner, profile)
    assert not policies.can_view(analyst2, profile)  # another force, not a partner
    assert not policies.can_view(officer, profile)  # NPPV1: not cleared for OFFICIAL-SENSITIVE
    with pytest.raises(PermissionDenied):
        services.build_create(actor=act(partner), profile=profile)


def test_profile_form_rules(analyst: User, officer: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.profile_create(actor=act(analyst), name=" ", area_name="", marking="OFFICIAL", resolution=12)
    assert {"name", "area_name", "marking", "resolution"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.profile_create(actor=act(officer), name="x", area_name="y")


def test_bad_crime_rows_are_set_aside_and_bad_files_refused(profile: Profile, analyst: User, tmp_path: Path) -> None:
    mixed = write_street(tmp_path / "mixed-street.csv", [row(), row(month="2021-13"), row(lat="91.5")])
    layer = _upload(analyst, profile, LayerKind.CRIMES, mixed)
    assert layer.description.startswith("3 rows, 1 usable")
    assert "1 set aside: month missing or not YYYY-MM (first: row 3" in layer.description
    assert str(tmp_path) not in layer.description  # the server's paths are not shown, the file's name is

    no_type = write_street(tmp_path / "no-type-street.csv", [row()[:9]], header=HEADER[:9])
    with pytest.raises(ValidationError) as error:
        _upload(analyst, profile, LayerKind.CRIMES, no_type)
    message = " ".join(error.value.message_dict["file"])
    assert "no-type-street.csv" in message and "crime_type" in message
    nothing = write_street(tmp_path / "nothing-street.csv", [row(lat=""), row(month="x")])
    with pytest.raises(ValidationError, match="no usable rows"):
        _upload(analyst, profile, LayerKind.CRIMES, nothing)
    assert profile.layers.count() == 1
    assert len(list((Path(services.profiles_dir()) / str(profile.pk) / "layers").iterdir())) == 1
    with pytest.raises(ValidationError):
        _upload(analyst, profile, LayerKind.BOUNDARIES, mixed)  # not GeoJSON
    with pytest.raises(ValidationError):
        _upload(analyst, profile, LayerKind.POINTS, mixed, name="<script>")


def test_build_refresh_keeps_actions_tied_to_findings(
    profile: Profile, analyst: User, agencies: dict[str, Agency], tmp_path: Path, make_user: Callable[..., User]
) -> None:
    _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-01"))
    first = _build(analyst, profile)
    assert first.status == BuildStatus.DONE
    assert first.summary["rows"]["read"] == 310
    out = Path(first.output_dir)
    for name in ("report.html", "report.pdf", "hotspots.csv", "areas_of_concern.csv", "areas.geojson"):
        assert (out / name).is_file(), name
    concern = profile.findings.filter(kind="area of concern").order_by("rank").first()
    assert concern is not None

    partner = make_user("council", "hmrc", (Role.PARTNER,), Vetting.NPPV2)
    actions = [
        services.action_create(
            actor=act(user),
            profile=profile,
            strand=strand,
            title=title,
            owner_agency=agency,
            lead="DS Smith",
            due=date.today() + timedelta(days=days),
            findings=[concern],
        )
        for user, strand, title, agency, days in (
            (analyst, "pursue", "Drugs warrant plan for the hot spot", agencies["gmp"], 30),
            (analyst, "prevent", "Youth diversion outreach near the hot spot", agencies["gmp"], -3),
            (partner, "protect", "Licensing visits to premises in the area", agencies["hmrc"], 60),
        )
    ]
    assert [a.overdue for a in actions] == [False, True, False]
    assert selectors.overdue_actions(profile) == 1
    with pytest.raises(PermissionDenied):  # a partner cannot update another agency's action
        services.action_update(actor=act(partner), action=actions[0], status=ActionStatus.DONE, note="done")
    services.action_update(actor=act(analyst), action=actions[1], status=ActionStatus.DONE, note="Delivered")
    actions[1].refresh_from_db()
    assert not actions[1].overdue

    # A new month arrives: upload it and refresh; the same area is found again and keeps its actions.
    _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-02", seed=2))
    second = _build(analyst, profile)
    assert second.summary["rows"]["read"] == 620
    assert second.summary["period"] == "January 2021 to February 2021"
    concern.refresh_from_db()
    assert concern.first_seen_id == first.pk and concern.last_seen_id == second.pk
    assert concern.actions.count() == 3
    rows = {r.finding.pk: r for r in selectors.findings(profile)}
    assert rows[concern.pk].current and rows[concern.pk].actions == 3
    assert selectors.latest_build(profile) == second
    assert profile.refresh_due == (second.finished_at + timedelta(days=90)).date()  # type: ignore[operator]


def test_actions_need_a_finding_an_allowed_owner_and_a_due_date(
    profile: Profile, analyst: User, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-01"))
    _build(analyst, profile)
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=act(analyst),
            profile=profile,
            strand="attack",
            title="",
            owner_agency=agencies["mersey"],
            lead="",
            due=None,
            findings=[],
        )
    assert {"strand", "title", "lead", "due", "findings", "owner_agency"} <= set(error.value.message_dict)


def test_ocg_addresses_come_from_what_the_builder_may_see(
    profile: Profile, analyst: User, analyst2: User, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    ocg = OCG.objects.create(urn="OCG-D1", name="Durham Firm", agency=agencies["gmp"])
    mine = Premises.objects.create(
        address="1 A St",
        postcode="DH1 1AA",
        kind="residential",
        agency=agencies["gmp"],
        latitude=54.7762,
        longitude=-1.5751,
    )
    mine.ocgs.add(ocg)
    unplaced = Premises.objects.create(address="2 B St", postcode="DH1 1AB", kind="residential", agency=agencies["gmp"])
    unplaced.ocgs.add(ocg)
    other_ocg = OCG.objects.create(urn="OCG-M1", name="Scouse Firm", agency=agencies["mersey"])
    theirs = Premises.objects.create(
        address="3 C St",
        postcode="DH1 1AC",
        kind="residential",
        agency=agencies["mersey"],
        latitude=54.7763,
        longitude=-1.5752,
    )
    theirs.ocgs.add(other_ocg)
    _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-01"))
    build = _build(analyst, profile)
    assert build.summary["point_layers"] == {"ocg addresses": 1}  # Merseyside's premises are not visible
    used = [layer for layer in build.layers if layer["kind"] == "ocg addresses"]
    assert "1 premises placed, 1 without coordinates" in used[0]["sha256"]
    event = AuditEvent.objects.filter(operation="combination", object_type="premises").latest("id")
    assert event.object_ids == [str(mine.pk)]
    assert Finding.objects.filter(profile=profile, key="data:ocg").count() == 0


def test_uploads_that_would_count_crimes_twice_or_are_too_big_are_refused(
    profile: Profile, analyst: User, tmp_path: Path, settings: Any
) -> None:
    january = month_file(tmp_path, "2021-01")
    _upload(analyst, profile, LayerKind.CRIMES, january)
    with pytest.raises(ValidationError, match="already loaded"):
        _upload(analyst, profile, LayerKind.CRIMES, january)
    again = month_file(tmp_path / "other", "2021-01", seed=9)  # different rows, same month
    with pytest.raises(ValidationError, match=r"holds 2021-01, already loaded from 2021-01-durham-street\.csv"):
        _upload(analyst, profile, LayerKind.CRIMES, again)
    settings.SOCHUB_PROFILE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than 1,000 bytes"):
        _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-02"))
    assert profile.layers.count() == 1
    assert len(list((Path(services.profiles_dir()) / str(profile.pk) / "layers").iterdir())) == 1


def test_ocg_names_and_fine_hexagons_are_refused_when_they_would_reveal_addresses(
    profile: Profile, analyst: User, tmp_path: Path
) -> None:
    points = tmp_path / "ocg.csv"
    points.write_text("latitude,longitude\n54.77,-1.57\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="intelligence picture"):
        _upload(analyst, profile, LayerKind.POINTS, points, name="OCG addresses")
    with pytest.raises(ValidationError) as error:
        services.profile_create(actor=act(analyst), name="Fine", area_name="Durham", resolution=10)
    assert "resolution" in error.value.message_dict


def test_a_build_whose_job_failed_does_not_block_the_next(profile: Profile, analyst: User, tmp_path: Path) -> None:
    from sochub.jobs.models import Job, JobStatus

    _upload(analyst, profile, LayerKind.CRIMES, month_file(tmp_path, "2021-01"))
    stuck = services.build_create(actor=act(analyst), profile=profile)
    with pytest.raises(ValidationError, match="already being built"):
        services.build_create(actor=act(analyst), profile=profile)
    stuck.job = Job.objects.create(kind="profile", title="t", created_by=analyst, status=JobStatus.FAILED)
    stuck.save()
    assert services.build_create(actor=act(analyst), profile=profile).pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == BuildStatus.FAILED and "stopped without finishing" in stuck.error


def test_outcomes_uploaded_on_their_own_are_joined(profile: Profile, analyst: User) -> None:
    city = SHARED_DATA / "policeuk" / "city-of-london" / "2016-01"
    if not city.exists():
        pytest.skip(f"real data not found: {city} (the shared data folder sits beside the repository)")
    _upload(analyst, profile, LayerKind.CRIMES, city / "2016-01-city-of-london-street.csv")
    layer = _upload(analyst, profile, LayerKind.OUTCOMES, city / "2016-01-city-of-london-outcomes.csv")
    assert layer.description == "1 outcomes file(s)"
    build = _build(analyst, profile)
    assert any(line.startswith("outcomes: 1 file(s); ") for line in build.summary["rows"]["lines"])
