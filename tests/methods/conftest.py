"""Fixtures of the method tests."""

from __future__ import annotations

import numpy as np
import pytest
from weekly_series import SEED


@pytest.fixture
def noise() -> np.ndarray:
    """400 standard normal draws on the shared seed."""
    return np.random.default_rng(SEED).normal(size=400)
