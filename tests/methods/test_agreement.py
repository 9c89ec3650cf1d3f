"""Unit tests of helpers.methods.agreement on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from helpers.methods import agreement as agr


def test_directional_agreement_against_its_base_rate() -> None:
    months = pd.period_range("2015-01", periods=48, freq="M")
    a = pd.Series(np.arange(48.0), index=months)  # always up
    b = pd.Series(np.tile(np.r_[np.arange(6.0), np.arange(6.0)[::-1]], 4), index=months)  # up half the time
    out = agr.directional_agreement(a, b, 1)
    assert out.a_up == 1.0
    assert_allclose(out.agreement, out.b_up)
    assert_allclose(out.expected, out.b_up)  # a always up: agreement by chance equals b's base rate
    same = agr.directional_agreement(b, b * 2, 3)
    assert same.agreement == 1.0 and same.n == 45
