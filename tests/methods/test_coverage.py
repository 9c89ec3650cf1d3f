"""Unit tests of helpers.methods.coverage: coverage jumps of an aggregate series, flagged and masked exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import coverage
from helpers.methods import seasonal as se

# --------------------------------------------------------------------------------------------
# coverage breaks
# --------------------------------------------------------------------------------------------


def _supply_with_jumps() -> pd.Series:
    """Daily supply growing 0.1% a day, with a +0.30 log jump on 2020-01-10 and a -0.20 one on 2020-03-05."""
    days = pd.date_range("2019-12-01", "2020-06-30", freq="D")
    step = np.full(len(days), 0.001)
    step[0] = 0.0
    step[days.get_loc(pd.Timestamp("2020-01-10"))] += 0.30
    step[days.get_loc(pd.Timestamp("2020-03-05"))] -= 0.20
    step[days.get_loc(pd.Timestamp("2019-12-15"))] += 0.50  # before the sample
    return pd.Series(100.0 * np.exp(np.cumsum(step)), index=days)


def test_coverage_breaks_flags_jumps_both_ways_from_start() -> None:
    s = _supply_with_jumps()
    got = coverage.coverage_breaks(s, 0.15, "2020-01-01")
    assert list(got.index) == [pd.Timestamp("2020-01-10"), pd.Timestamp("2020-03-05")]
    assert_allclose(got["log_change"].to_numpy(), [0.301, -0.199], atol=1e-12)
    assert_allclose(np.log(got["level_after"] / got["level_before"]).to_numpy(), got["log_change"].to_numpy())
    assert list(coverage.coverage_breaks(s, 0.15).index)[0] == pd.Timestamp("2019-12-15")
    assert list(coverage.coverage_breaks(s, 0.25, "2020-01-01").index) == [pd.Timestamp("2020-01-10")]
    assert coverage.coverage_breaks(s, 0.6).empty
    with pytest.raises(ValueError):
        coverage.coverage_breaks(s, 0.0)


def test_mask_breaks_removes_exactly_the_jump_from_its_period() -> None:
    s = _supply_with_jumps()
    clean = coverage.mask_breaks(s, coverage.coverage_breaks(s, 0.15, "2020-01-01").index)
    assert clean.iloc[-1] == pytest.approx(s.iloc[-1])
    raw_m = se.period_log_changes(s, "M", "2020-01-01")
    clean_m = se.period_log_changes(clean, "M", "2020-01-01")
    removed = pd.Series(0.0, index=raw_m.index)
    # the whole change of the masked day goes: the jump and that day's ordinary 0.001
    removed[pd.Period("2020-01", "M")], removed[pd.Period("2020-03", "M")] = 0.301, -0.199
    assert_allclose((raw_m - clean_m).to_numpy(), removed.to_numpy(), atol=1e-12)
    # the masked months keep the ordinary growth of their other days
    assert_allclose(clean_m.to_numpy(), 0.001 * np.array([30, 29, 30, 30, 31, 30]), atol=1e-12)
    assert_allclose(coverage.mask_breaks(s, []).to_numpy(), s.to_numpy(), rtol=1e-12)
