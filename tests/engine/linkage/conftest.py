from __future__ import annotations

import pandas as pd
import pytest

from sochub.engine.linkage import LinkageModel, prepare, train

from .people import make_people


@pytest.fixture(scope="session")
def people() -> pd.DataFrame:
    return make_people(3000, seed=7)


@pytest.fixture(scope="session")
def records(people: pd.DataFrame) -> pd.DataFrame:
    return prepare(people)


@pytest.fixture(scope="session")
def model(records: pd.DataFrame) -> LinkageModel:
    return train(records, seed=1)
