from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine import hotspots as hs
from sochub.engine.hotspots.reference import DEFAULT_CONCERN, DEFAULT_HARM, DEFAULT_SOC


def data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_harm_weights_cover_the_fourteen_categories_and_say_what_they_are() -> None:
    harm = hs.load_harm()
    assert list(harm.categories) == list(hs.CATEGORIES) and len(hs.CATEGORIES) == 14
    assert harm.status == "SOC Hub approximation, not an ONS product"
    assert "Crime Severity Score" in harm.index and "volume-weighted mean" in harm.method
    assert any("ons.gov.uk" in s for s in harm.sources)
    assert "APPROXIMATE" in harm.caution
    assert not any(c.verified for c in harm.categories.values())
    assert all(c.basis for c in harm.categories.values())
    assert harm.weight_of("Anti-social behaviour") == 0
    assert harm.weight_of("robbery") == 800 > harm.weight_of("Burglary") > harm.weight_of("drugs") > 0
    assert harm.weight_of("violent-crime") == harm.weight_of("Violence and sexual offences")
    assert harm.weight_of("Fraud") is None
    assert "NOT an ONS product" in DEFAULT_HARM.read_text(encoding="utf-8")


def test_the_asb_weight_is_a_local_choice() -> None:
    harm = hs.load_harm(asb_weight=5)
    assert harm.weight_of("anti-social-behaviour") == 5
    assert "local choice" in harm.categories["Anti-social behaviour"].basis
    with pytest.raises(hs.ReferenceError, match="weight must be a number of 0 or more"):
        hs.load_harm(asb_weight=-1)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["categories"].pop("Drugs"), "categories: Value error, missing categories 'Drugs'"),
        (lambda d: d["categories"].update({"Fraud": {"weight": 1}}), "unknown police.uk category 'Fraud'"),
        (lambda d: d["categories"].update({"drugs": {"weight": 1}}), "category 'Drugs' is listed twice (as 'drugs')"),
        (lambda d: d["categories"]["Robbery"].update(weight=-3), "categories.Robbery.weight"),
        (lambda d: d["categories"]["Robbery"].update(weight=float("nan")), "must be a number of 0 or more"),
        (lambda d: d["categories"]["Robbery"].update(colour="red"), "categories.Robbery.colour: Extra inputs"),
        (lambda d: d.pop("sources"), "sources: Field required"),
        (lambda d: d.update(unrecognised_weight=-1), "unrecognised_weight"),
    ],
)
def test_a_bad_harm_file_names_the_key(change: Any, expected: str) -> None:
    d = data(DEFAULT_HARM)
    change(d)
    with pytest.raises(hs.ReferenceError) as caught:
        hs.parse_harm(d, source="local-harm.yaml")
    assert str(caught.value).startswith("local-harm.yaml: ") and expected in str(caught.value)


def test_soc_categories_are_configurable_in_any_spelling() -> None:
    soc = hs.load_soc()
    assert soc.categories == ["Drugs", "Possession of weapons", "Robbery"]
    mine = hs.parse_soc({"name": "x", "version": "1", "categories": ["drugs", "theft-from-the-person", "Drugs"]})
    assert mine.categories == ["Drugs", "Theft from the person"]
    with pytest.raises(hs.ReferenceError, match=r"categories: Value error, unknown police\.uk category 'County lines'"):
        hs.parse_soc({"name": "x", "version": "1", "categories": ["County lines"]})
    with pytest.raises(hs.ReferenceError, match="categories: List should have at least 1 item"):
        hs.parse_soc({"name": "x", "version": "1", "categories": []})
    assert "proxies" in DEFAULT_SOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["weights"].update(charisma=1), "weights: Value error, unknown component charisma"),
        (lambda d: d["weights"].update({k: 0 for k in d["weights"]}), "at least one component weight"),
        (lambda d: d["class_scores"].update({"hot 80": 1}), "unknown class hot 80"),
        (lambda d: d["class_scores"].update({"hot 90": 1.0, "hot 99": 0.2}), "must not rise as confidence falls"),
        (lambda d: d.update(most_deprived_deciles=11), "most_deprived_deciles"),
    ],
)
def test_a_bad_concern_file_names_the_key(change: Any, expected: str) -> None:
    d = data(DEFAULT_CONCERN)
    change(d)
    with pytest.raises(hs.ReferenceError) as caught:
        hs.parse_concern(d, source="concern.yaml")
    assert expected in str(caught.value)


def test_files_that_cannot_be_used_are_named(tmp_path: Path) -> None:
    with pytest.raises(hs.ReferenceError, match=r"nope\.yaml: cannot read the file"):
        hs.load_harm(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(hs.ReferenceError, match=r"bad\.yaml: not valid YAML"):
        hs.load_soc(bad)
    bad.write_text("- a list\n")
    with pytest.raises(hs.ReferenceError, match="expected a YAML mapping"):
        hs.load_concern(bad)


def test_fingerprints_change_with_the_content() -> None:
    assert hs.fingerprint(hs.load_harm()) == hs.fingerprint(hs.load_harm())
    assert hs.fingerprint(hs.load_harm()) != hs.fingerprint(hs.load_harm(asb_weight=1))
