"""The engine of suspicious activity reports: reference data validation, DAML timelines in working days with
bank holidays, the moratorium and its extensions, counts by sector and period and the campaign % change."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine import suspicious_activity as engine

REF = engine.load_reference()
DAML = REF.daml


def _data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(engine.DEFAULT_REFERENCE.read_text(encoding="utf-8")))


def test_the_shipped_reference_is_marked_unofficial_and_holds_the_codes_domain_md_names() -> None:
    assert REF.official is False
    for code in ("XXS99XX", "XXGVTXX", "XXPRFXX", "XXTBMLXX", "XXPROPXX", "XXVAXX", "XXMSHTXX", "XXVICTXX"):
        assert REF.has_code(code), code
    assert [s.id for s in REF.sectors] == list(engine.SECTOR_IDS)
    assert REF.campaign("flag_it_up").sectors == ["accountants", "legal_professionals"]
    assert REF.campaign("flag_it_up").target_change_pct == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["glossary_codes"].append(dict(d["glossary_codes"][0])), "XXS99XX: 'XXS99XX' is listed twice"),
        (lambda d: d["glossary_codes"][0].update(code="S99"), "is not a glossary code"),
        (lambda d: d["glossary_codes"][0].update(source="nowhere"), "unknown source 'nowhere'"),
        (lambda d: d["sectors"].pop(), "expected the controlled list"),
        (lambda d: d["campaigns"][0].update(sectors=["lawyers"]), "unknown sector 'lawyers'"),
        (lambda d: d["daml"]["extension_max_days"].update(value=400), "one extension cannot be longer"),
        (lambda d: d.update(colour="red"), "colour: not a setting here"),
        (lambda d: d["daml"].pop("moratorium_days"), "daml.moratorium_days: this setting is missing"),
    ],
)
def test_bad_reference_data_is_refused_naming_the_key(change: Any, message: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(engine.ReferenceDataError) as exc:
        engine.parse_reference(data, "sar.yaml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("sar.yaml: ")


def test_a_key_written_twice_in_the_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "ref.yaml"
    file.write_text(engine.DEFAULT_REFERENCE.read_text(encoding="utf-8") + "\nversion: '2'\n", encoding="utf-8")
    with pytest.raises(engine.ReferenceDataError, match="appears twice"):
        engine.load_reference(file)


def test_glossary_code_rules() -> None:
    assert engine.code_problems(REF, ["xxprfxx", " XXPROPXX"], no_codes_apply=False, consent_request=False) == []
    assert engine.code_problems(REF, [], no_codes_apply=True, consent_request=False) == []
    assert 'or "No codes apply"' in engine.code_problems(REF, [], no_codes_apply=False, consent_request=False)[0]
    assert "not both" in engine.code_problems(REF, ["XXPRFXX"], no_codes_apply=True, consent_request=False)[0]
    assert (
        "XXNOPEXX is not a glossary code"
        in engine.code_problems(REF, ["XXNOPEXX"], no_codes_apply=False, consent_request=False)[0]
    )
    refused = engine.code_problems(REF, ["XXS99XX"], no_codes_apply=False, consent_request=False)
    assert refused and "marks a request for a defence" in refused[0]
    assert engine.code_problems(REF, ["XXS99XX"], no_codes_apply=False, consent_request=True) == []
    assert (
        "chosen twice"
        in engine.code_problems(REF, ["XXF1XX", "xxf1xx"], no_codes_apply=False, consent_request=False)[0]
    )


def test_the_notice_period_skips_a_bank_holiday_weekend() -> None:
    # Thursday 21 May 2026; the spring bank holiday is Monday 25 May. Working days: Fri 22, Tue 26, Wed 27,
    # Thu 28, Fri 29, Mon 1 June, Tue 2 June.
    starts, ends = engine.notice_period(date(2026, 5, 21), DAML)
    assert starts == date(2026, 5, 22)
    assert ends == date(2026, 6, 2)
    line = engine.daml_timeline(
        submitted_on=date(2026, 5, 21),
        decision="pending",
        decided_on=None,
        extensions=[],
        today=date(2026, 5, 26),
        daml=DAML,
    )
    assert line.consent == "pending"
    assert line.skipped == [(date(2026, 5, 25), "Spring Bank Holiday")]


def test_the_notice_period_over_christmas_and_a_saturday_submission() -> None:
    # Submitted Saturday 19 Dec 2026: Mon 21, Tue 22, Wed 23, Thu 24, (25 Christmas, 26-27 weekend, 28 Boxing Day
    # substitute) Tue 29, Wed 30, Thu 31.
    starts, ends = engine.notice_period(date(2026, 12, 19), DAML)
    assert starts == date(2026, 12, 21)
    assert ends == date(2026, 12, 31)


def test_consent_is_deemed_the_day_after_the_notice_period_ends_without_a_refusal() -> None:
    kwargs: dict[str, Any] = {
        "submitted_on": date(2026, 5, 21),
        "decision": "pending",
        "decided_on": None,
        "extensions": [],
    }
    assert engine.daml_timeline(**kwargs, today=date(2026, 6, 2), daml=DAML).consent == "pending"
    deemed = engine.daml_timeline(**kwargs, today=date(2026, 6, 3), daml=DAML)
    assert deemed.consent == "deemed"
    assert deemed.moratorium_ends is None
    assert any("Consent deemed" in e.label for e in deemed.events)


def test_a_refusal_starts_a_31_day_moratorium_counting_the_refusal_day() -> None:
    line = engine.daml_timeline(
        submitted_on=date(2026, 2, 24),
        decision="refused",
        decided_on=date(2026, 3, 1),
        extensions=[],
        today=date(2026, 3, 10),
        daml=DAML,
    )
    assert line.consent == "refused"
    assert line.moratorium_ends == date(2026, 3, 31)
    assert line.next_deadline(date(2026, 3, 10)) == ("moratorium", date(2026, 3, 31))
    assert line.next_deadline(date(2026, 4, 1)) is None


def test_extensions_add_to_the_moratorium_within_the_limits() -> None:
    ext = [engine.Extension(date(2026, 3, 30), 31), engine.Extension(date(2026, 4, 28), 31)]
    line = engine.daml_timeline(
        submitted_on=date(2026, 2, 24),
        decision="refused",
        decided_on=date(2026, 3, 1),
        extensions=ext,
        today=date(2026, 4, 1),
        daml=DAML,
    )
    assert line.moratorium_ends_first == date(2026, 3, 31)
    assert line.moratorium_ends == date(2026, 6, 1)  # 31 March + 31 days = 1 May, + 31 = 1 June
    assert line.extended_days == 62
    six = [engine.Extension(date(2026, 3, 30), 31)] * 6
    problems = engine.extension_problems(
        refused_on=date(2026, 3, 1),
        current_end=date(2026, 9, 30),
        previous=six,
        extension=engine.Extension(date(2026, 9, 1), 1),
        daml=DAML,
    )
    assert any("at most 186 days in all" in p for p in problems)
    assert engine.extension_problems(
        refused_on=date(2026, 3, 1),
        current_end=date(2026, 3, 31),
        previous=[],
        extension=engine.Extension(date(2026, 3, 30), 32),
        daml=DAML,
    ) == ["One extension may be at most 31 days."]


def test_a_decision_after_the_notice_period_is_refused() -> None:
    args: dict[str, Any] = {"submitted_on": date(2026, 5, 21), "daml": DAML}
    assert engine.decision_problems(decision="refused", decided_on=date(2026, 6, 2), **args) == []
    late = engine.decision_problems(decision="refused", decided_on=date(2026, 6, 3), **args)
    assert late and "consent was deemed" in late[0]
    assert engine.decision_problems(decision="maybe", decided_on=date(2026, 6, 1), **args)
    assert engine.decision_problems(decision="granted", decided_on=date(2026, 5, 20), **args)


def test_flags() -> None:
    assert engine.flag(date(2026, 6, 2), date(2026, 6, 2), 3) == "ends today"
    assert engine.flag(date(2026, 6, 5), date(2026, 6, 2), 3) == "ends soon"
    assert engine.flag(date(2026, 6, 6), date(2026, 6, 2), 3) == ""


ROWS = [
    *({"sector": "legal_professionals", "submitted_on": date(2025, 1, 10)} for _ in range(4)),
    *({"sector": "accountants", "submitted_on": date(2025, 2, 10)} for _ in range(6)),
    *({"sector": "legal_professionals", "submitted_on": date(2025, 7, 3)} for _ in range(7)),
    *({"sector": "accountants", "submitted_on": date(2025, 8, 20)} for _ in range(6)),
    *({"sector": "banks", "submitted_on": "2025-03-15"} for _ in range(9)),
]


def test_counts_by_sector_and_period_show_every_period_with_zeros() -> None:
    table = engine.counts_by_sector(ROWS, period="quarter")
    assert table.periods == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert table.count("2025-Q1", "banks") == 9
    assert table.count("2025-Q2", "banks") == 0
    assert table.count("2025-Q3", "legal_professionals") == 7
    assert table.total == 32
    monthly = engine.counts_by_sector(
        ROWS, period="month", sectors=["accountants"], start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert len(monthly.periods) == 12 and monthly.sectors == ["accountants"]
    assert monthly.count("2025-02", "accountants") == 6 and monthly.total == 12
    with pytest.raises(ValueError, match="not in the controlled list"):
        engine.counts_by_sector([{"sector": "<script>", "submitted_on": date(2025, 1, 1)}])
    with pytest.raises(ValueError, match="unknown period"):
        engine.counts_by_sector(ROWS, period="week")


def test_the_flag_it_up_comparison() -> None:
    c = engine.compare_periods(
        ROWS,
        sectors=["legal_professionals", "accountants"],
        before=(date(2025, 1, 1), date(2025, 6, 30)),
        after=(date(2025, 7, 1), date(2025, 12, 31)),
        target_pct=20,
    )
    assert (c.before, c.after) == (10, 13)
    assert c.change_pct == 30.0 and c.met is True
    by = {s.sector: s for s in c.by_sector}
    assert by["legal_professionals"].change_pct == 75.0 and by["accountants"].change_pct == 0.0
    assert engine.pct_change(0, 5) is None
    below = engine.compare_periods(
        ROWS,
        sectors=["accountants"],
        before=(date(2025, 1, 1), date(2025, 6, 30)),
        after=(date(2025, 7, 1), date(2025, 12, 31)),
        target_pct=20,
    )
    assert below.change_pct == 0.0 and below.met is False
    with pytest.raises(ValueError, match="second period must start after"):
        engine.compare_periods(
            ROWS,
            sectors=["banks"],
            before=(date(2025, 1, 1), date(2025, 7, 1)),
            after=(date(2025, 7, 1), date(2025, 8, 1)),
        )
