from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.prioritise import DEFAULT_MODEL, ModelError, load_model, parse_model


def default_data() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_MODEL.read_text(encoding="utf-8"))


def test_the_default_is_labelled_as_soc_hubs_own_and_versioned() -> None:
    model = load_model()
    assert model.official is False and "SOC Hub" in model.name and model.version
    text = DEFAULT_MODEL.read_text(encoding="utf-8")
    assert "NOT an official MoRiLE model" in text
    assert model.monte_carlo.draws == 1000


def test_the_harm_index_names_its_source_and_says_which_weights_are_verified() -> None:
    harm = load_model().harm_index
    assert "Office for National Statistics" in harm.source and harm.url.startswith("https://www.ons.gov.uk/")
    verified = {name for name, offence in harm.offences.items() if offence.verified}
    assert verified == {"homicide", "attempted murder", "possession of cannabis"}
    assert "APPROXIMATE" in harm.caution
    lookup = harm.lookup()
    assert lookup["murder"] == lookup["homicide"] == 7979


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["components"].update(charisma=0.2), "components: Value error, unknown component charisma"),
        (lambda d: d["components"].update(offending=-1), "'offending' must be a number of 0 or more"),
        (lambda d: d["network"]["measures"].update(degree=0, betweenness=0, pagerank=0, brokerage=0), "at least one"),
        (lambda d: d["markers"].update(firearms=3), "marker 'firearms' must be between 0 and 1"),
        (lambda d: d.pop("version"), "version: Field required"),
        (lambda d: d["monte_carlo"].update(draws="many"), "monte_carlo.draws"),
        (lambda d: d["harm_index"]["offences"]["robbery"].update(aliases=["murder"]), "listed twice"),
    ],
)
def test_a_bad_model_says_which_key_is_wrong(change: Any, expected: str) -> None:
    data = default_data()
    change(data)
    with pytest.raises(ModelError) as caught:
        parse_model(data, source="agency.yaml")
    assert str(caught.value).startswith("agency.yaml: ") and expected in str(caught.value)


def test_load_model_reports_unreadable_and_non_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read the model"):
        load_model(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("components: [unclosed\n", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid YAML"):
        load_model(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ModelError, match="expected a YAML mapping"):
        load_model(listy)


def test_an_agency_model_loads_from_a_file_without_code_changes(tmp_path: Path) -> None:
    data = default_data()
    data.update(name="Agency licensed model", version="agency-7", official=True)
    path = tmp_path / "agency.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    model = load_model(path)
    assert (model.name, model.version, model.official) == ("Agency licensed model", "agency-7", True)


def test_protected_roles_match_whole_words_in_any_case() -> None:
    pattern = load_model().protected_pattern()
    for role in ["victim", "Victim of exploitation", "CHILD", "juvenile", "vulnerable adult", "young_person"]:
        assert pattern.search(role), role
    for role in ["", "suspect", "principal", "victimiser"]:
        assert not pattern.search(role), role
