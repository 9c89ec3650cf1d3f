"""Fixtures of the event-study method tests: a jump, a trend and a seeded random walk (see ``event_series``)."""

from __future__ import annotations

import pandas as pd
import pytest
from event_series import jump_series, trend_series, walk_series


@pytest.fixture
def jump() -> pd.Series:
    return jump_series()


@pytest.fixture
def trend() -> pd.Series:
    return trend_series()


@pytest.fixture
def walk() -> pd.Series:
    return walk_series()
