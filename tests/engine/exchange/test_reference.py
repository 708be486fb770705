"""GAIN exchange reference data and pure checks: due dates in working days, overdue, bands, best grading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from sochub.engine import exchange as engine


@pytest.fixture
def ref() -> engine.Reference:
    return engine.load_reference()


def test_shipped_reference_is_valid_and_says_what_is_assumed(ref: engine.Reference) -> None:
    assert not ref.official
    assert {u.id for u in ref.urgencies} == set(engine.URGENCY_IDS)
    assert ref.gateway("cda1998_s115") is not None and ref.gateway("poca2002_s436_s439") is not None
    assert all(not g.official for g in ref.gateways)
    assert "urgencies.routine" in ref.assumed and "match_bands.probable" in ref.assumed
    assert ref.share_days.default == 30
    # Gateways that suit a government agency come first.
    assert "government" in ref.gateways_for("government")[0].suits
    assert len(engine.fingerprint(ref)) == 16


def _data() -> dict:
    return yaml.safe_load(engine.DEFAULT_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["urgencies"].pop(), "urgencies: must be exactly"),
        (lambda d: d["gateways"][0]["suits"].append("pirates"), "unknown agency kind pirates"),
        (lambda d: d["match_bands"].reverse(), "strongest first"),
        (lambda d: d.update(official=True), "official: true"),
        (lambda d: d["share_days"].update(default=400), "share_days.default"),
        (lambda d: d["purposes"].append(dict(d["purposes"][0])), "ids written twice"),
        (lambda d: d["urgencies"][0].update(working_days=0), "urgencies"),
    ],
)
def test_bad_reference_data_is_refused_with_the_key(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _data()
    change(data)
    with pytest.raises(engine.ReferenceError, match=message):
        engine.parse_reference(data, "gain.yaml")


def test_duplicate_key_in_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "gain.yaml"
    bad.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(engine.ReferenceError, match="appears twice"):
        engine.load_reference(bad)


def test_due_dates_count_working_days_without_bank_holidays(ref: engine.Reference) -> None:
    # Wednesday 1 April 2026: Good Friday (3rd) and Easter Monday (6th) do not count.
    assert engine.due_date(ref, urgency="routine", sent_on=date(2026, 4, 1)) == date(2026, 4, 17)
    assert engine.due_date(ref, urgency="urgent", sent_on=date(2026, 4, 1)) == date(2026, 4, 7)
    # Friday: the next working day is Monday.
    assert engine.due_date(ref, urgency="immediate", sent_on=date(2026, 3, 6)) == date(2026, 3, 9)
    with pytest.raises(ValueError, match="unknown urgency"):
        engine.due_date(ref, urgency="whenever", sent_on=date(2026, 3, 6))


def test_overdue_is_past_due_and_still_open() -> None:
    due = date(2026, 3, 9)
    assert engine.is_overdue(status="approved", due=due, today=date(2026, 3, 10))
    assert not engine.is_overdue(status="approved", due=due, today=due)
    for closed in ("answered", "refused", "withdrawn"):
        assert not engine.is_overdue(status=closed, due=due, today=date(2026, 5, 1))
    assert not engine.is_overdue(status="draft", due=None, today=date(2026, 5, 1))


def test_bands(ref: engine.Reference) -> None:
    band = engine.band_for(ref, 0.95)
    assert band is not None and band.id == "probable"
    band = engine.band_for(ref, 0.9)
    assert band is not None and band.id == "probable"
    band = engine.band_for(ref, 0.6)
    assert band is not None and band.id == "possible"
    assert engine.band_for(ref, 0.49) is None


def test_best_grading_prefers_reliable_source_then_assessment() -> None:
    assert engine.best_grading([("2", "B", "P"), ("1", "C", "C"), ("2", "A", "P")]) == "1C C"
    assert engine.best_grading([("3", "E", "P"), ("3", "A", "C"), ("3", "A", "P")]) == "3A P"
    assert engine.best_grading([]) is None
    assert engine.best_grading([("9", "Z", "Q"), ("", "", "")]) is None


def test_request_problems_name_each_field(ref: engine.Reference) -> None:
    ok = engine.request_problems(
        ref,
        purpose="asset_recovery",
        legal_basis="poca2002_s436_s439",
        urgency="urgent",
        question="What accounts does this person hold?",
        handling_code="P",
        handling_conditions="",
        has_subject=True,
        has_destination=True,
    )
    assert ok == {}
    bad = engine.request_problems(
        ref,
        purpose="curiosity",
        legal_basis="because",
        urgency="yesterday",
        question="?",
        handling_code="C",
        handling_conditions="",
        has_subject=False,
        has_destination=False,
    )
    assert set(bad) == {"purpose", "legal_basis", "urgency", "question", "handling_conditions", "subjects", "provider"}
