"""The prevent engine: reference data validation, ages, consent, phase completion, retention dates, the report
and its chart (no Django)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from sochub.engine import prevent as engine


def ref_data() -> dict:
    return yaml.safe_load(engine.DEFAULT_REFERENCE.read_text(encoding="utf-8"))


def test_shipped_reference_is_valid_and_marked_assumed() -> None:
    ref = engine.default_reference()
    assert [p.label for p in ref.default_phases] == ["Social education", "Community projects", "Reward activities"]
    assert (ref.default_age_range.min, ref.default_age_range.max) == (11, 16)
    assert ref.official is False and ref.retention.official is False and ref.completion.official is False
    assert ref.completion.attendance_threshold == 0.75
    assert ref.reoffending_checks.months == [6, 12]
    assert ref.is_risk_factor("county_lines") and ref.is_flag("child_protection_plan")
    assert len(engine.fingerprint(ref)) == 16


def test_bad_reference_names_the_key(tmp_path: Path) -> None:
    data = ref_data()
    data["completion"]["attendance_threshold"] = 1.5
    data["risk_factors"].append({"id": "county_lines", "label": "Again"})
    with pytest.raises(engine.ReferenceError, match=r"completion\.attendance_threshold"):
        engine.parse_reference(data, "x.yaml")
    data = ref_data()
    data["risk_factors"].append({"id": "county_lines", "label": "Again"})
    with pytest.raises(engine.ReferenceError, match="county_lines' appears twice"):
        engine.parse_reference(data, "x.yaml")
    data = ref_data()
    data["reoffending_checks"]["months"] = [12, 6]
    with pytest.raises(engine.ReferenceError, match=r"reoffending_checks\.months"):
        engine.parse_reference(data, "x.yaml")
    bad = tmp_path / "p.yaml"
    bad.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(engine.ReferenceError, match="appears twice"):
        engine.load_reference(bad)


def test_ages_and_range() -> None:
    assert engine.age_on(date(2012, 3, 1), date(2026, 2, 28)) == 13
    assert engine.age_on(date(2012, 3, 1), date(2026, 3, 1)) == 14
    assert engine.age_problem(birth=date(2012, 3, 1), on=date(2026, 3, 1), minimum=11, maximum=16) is None
    assert "is 10" in engine.age_problem(birth=date(2015, 6, 1), on=date(2026, 3, 1), minimum=11, maximum=16)
    assert "is 17" in engine.age_problem(birth=date(2009, 1, 1), on=date(2026, 3, 1), minimum=11, maximum=16)
    assert "before the referral" in engine.age_problem(
        birth=date(2027, 1, 1), on=date(2026, 3, 1), minimum=11, maximum=16
    )


def test_consent_rules() -> None:
    ref = engine.default_reference()
    under13 = engine.consent_state(
        ref=ref, birth=date(2014, 1, 1), on=date(2026, 1, 1), young_person_given=False, guardian_given=True
    )
    assert under13.complete and not under13.own_consent_needed
    thirteen = engine.consent_state(
        ref=ref, birth=date(2013, 1, 1), on=date(2026, 1, 1), young_person_given=False, guardian_given=True
    )
    assert not thirteen.complete and "young person must consent" in thirteen.missing[0]
    no_guardian = engine.consent_state(
        ref=ref, birth=date(2012, 1, 1), on=date(2026, 1, 1), young_person_given=True, guardian_given=False
    )
    assert not no_guardian.complete and "parent or guardian" in no_guardian.missing[0]


def test_phase_completion_threshold() -> None:
    ref = engine.default_reference()
    assert engine.completion_problem(ref=ref, marks=["attended"] * 3 + ["absent"]) is None  # 75%
    assert "67%" in engine.completion_problem(ref=ref, marks=["attended", "attended", "absent", "excused"])
    assert engine.completion_problem(ref=ref, marks=["excused"]) == "No attendance is recorded for this phase yet."


def test_retention_dates() -> None:
    ref = engine.default_reference()
    birth = date(2012, 5, 31)
    left = engine.retention_review_on(
        ref=ref, status="completed", birth=birth, referred_on=date(2025, 1, 1), left_on=date(2025, 8, 31)
    )
    assert left == date(2026, 8, 31)
    declined = engine.retention_review_on(
        ref=ref, status="declined", birth=birth, referred_on=date(2025, 1, 1), decided_on=date(2025, 8, 31)
    )
    assert declined == date(2026, 2, 28)
    active = engine.retention_review_on(ref=ref, status="active", birth=birth, referred_on=date(2025, 1, 1))
    assert active == date(2031, 5, 31)  # 18th birthday plus a year
    # Never after the age backstop.
    late = engine.retention_review_on(
        ref=ref, status="left", birth=date(2008, 1, 1), referred_on=date(2024, 6, 1), left_on=date(2026, 6, 1)
    )
    assert late == date(2027, 1, 1)
    assert engine.add_years(date(2012, 2, 29), 1) == date(2013, 2, 28)
    assert engine.retain_problem(ref=ref, today=date(2026, 1, 1), next_review=date(2026, 1, 1)) is not None
    assert engine.retain_problem(ref=ref, today=date(2026, 1, 1), next_review=date(2027, 1, 1)) is None
    assert engine.retain_problem(ref=ref, today=date(2026, 1, 1), next_review=date(2027, 1, 2)) is not None


def test_report_counts_and_csv_have_no_names() -> None:
    people = [
        engine.Participant("completed", date(2025, 2, 1), date(2025, 2, 10), date(2025, 9, 1)),
        engine.Participant("left", date(2025, 3, 1), date(2025, 3, 5), date(2026, 1, 10)),
        engine.Participant("active", date(2025, 11, 1), date(2026, 1, 5)),
        engine.Participant("declined", date(2026, 1, 3)),
        engine.Participant("referred", date(2026, 2, 1)),
    ]
    report = engine.programme_report(
        participants=people,
        marks=["attended"] * 6 + ["absent"] * 2 + ["excused"],
        outcomes=[engine.Outcome("qualification", "Community projects"), engine.Outcome("award", "")],
        checks=[engine.Check(6, "none"), engine.Check(12, "pending"), engine.Check(6, "offending")],
        capacity=100,
        check_months=[6, 12],
        today=date(2026, 3, 1),
    )
    y2025, y2026 = report.years
    assert (y2025.referred, y2025.accepted, y2025.active, y2025.completed) == (3, 2, 2, 1)
    assert (y2026.referred, y2026.accepted, y2026.active, y2026.completed) == (2, 1, 2, 0)
    assert report.completion_rate == 0.5 and report.attendance_rate == 0.75
    assert report.outcomes_by_phase == {"Community projects": 1, "Not tied to a phase": 1}
    assert report.reoffending == {
        6: {"none": 1, "offending": 1, "unknown": 0, "pending": 0},
        12: {"none": 0, "offending": 0, "unknown": 0, "pending": 1},
    }
    rows = engine.report_rows(report, {"qualification": "Qualification"})
    assert ["outcomes by type", "Qualification", "1"] in rows and ["year 2025", "capacity used", "2.0%"] in rows


def test_chart_escapes_text_and_uses_no_style() -> None:
    report = engine.programme_report(
        participants=[engine.Participant("active", date(2026, 1, 1), date(2026, 1, 2))],
        marks=[],
        outcomes=[],
        checks=[],
        capacity=10,
        check_months=[6],
        today=date(2026, 3, 1),
    )
    svg = engine.year_chart_svg(report, title="<script>alert(1)</script>")
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg and "2026" in svg
