"""Unit tests of helpers.methods.leadlag on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.methods import leadlag as lag

SEED = 4242


def _daily(values: np.ndarray | list[float], start: str = "2020-01-01", name: str | None = None) -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D", name="date"), name=name)


def _random_walk(n: int, seed: int = SEED, drift: float = 0.0, sd: float = 0.03) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _daily(100 * np.exp(np.cumsum(rng.normal(drift, sd, n))), name="btc")


def _shift_days(s: pd.Series, days: int, name: str) -> pd.Series:
    """The same path ``days`` later: value on D + days = value of ``s`` on D."""
    out = s.copy()
    out.index = out.index + pd.Timedelta(days=days)
    return out.rename(name)


@pytest.mark.parametrize("shift", [30, -30, 0], ids=["alt_follows", "alt_leads", "same_day"])
def test_best_lag_of_a_shifted_series(shift: int) -> None:
    """alt = BTC ``shift`` days later: the lead-lag peaks at ``shift`` and so does the outperformance lag."""
    btc = _random_walk(1500)
    alt = _shift_days(btc, shift, "alt")
    rb, ra = np.log(btc).diff(), np.log(alt).diff()
    ll = lag.best_lag(rb, ra, max_lag=40, reps=200, seed=SEED)
    assert ll.lag == shift and ll.lo == shift and ll.hi == shift
    assert ll.r == pytest.approx(1.0)
    assert (ll.asymmetry > 0.5) if shift > 0 else (ll.asymmetry < -0.5) if shift < 0 else abs(ll.asymmetry) < 0.3
    if shift != 0:
        op = lag.outperformance_lag(rb, ra, max_lag=40, reps=200, seed=SEED)
        assert op.lag == shift and op.lo == shift and op.hi == shift
    table = lag.lead_lag_table({"alt": ll})
    assert table.loc["alt", "lag"] == shift and table.loc["alt", "n"] == ll.n


def test_outperformance_lag_of_an_amplifier_is_zero() -> None:
    """An alt with twice BTC's daily log return outperforms in the same period as BTC rises."""
    btc = _random_walk(1500)
    rb = np.log(btc).diff()
    assert lag.outperformance_lag(rb, 2 * rb, max_lag=10, reps=0).lag == 0


def test_best_lag_needs_enough_data() -> None:
    s = _daily(np.arange(20.0))
    with pytest.raises(ValueError, match="too few"):
        lag.best_lag(s, s, max_lag=10, reps=0)


def test_beta_of_a_constructed_relation() -> None:
    rng = np.random.default_rng(SEED)
    x = _daily(rng.normal(0, 0.02, 3000))
    y = 2 * x + _daily(rng.normal(0, 0.005, 3000))
    out = lag.beta(y, x)
    assert out.beta == pytest.approx(2.0, abs=0.02)
    assert out.lo < 2 < out.hi and out.p_one < 1e-6 and out.n == 3000


def test_beta_interval_and_p_value_follow_one_standard_error() -> None:
    """Interval b -+ z(level) se and the two-sided normal p of beta = 1 from the same HAC standard error."""
    rng = np.random.default_rng(SEED)
    x = _daily(rng.normal(0, 0.02, 400))
    y = 1.05 * x + _daily(rng.normal(0, 0.02, 400))
    wide, narrow = lag.beta(y, x, 0.95), lag.beta(y, x, 0.5)
    se = (wide.hi - wide.lo) / (2 * sps.norm.ppf(0.975))
    assert wide.beta == pytest.approx((wide.lo + wide.hi) / 2)
    assert narrow.hi - narrow.lo == pytest.approx(2 * sps.norm.ppf(0.75) * se)
    assert 0.01 < wide.p_one < 0.99
    assert wide.p_one == pytest.approx(2 * sps.norm.sf(abs(wide.beta - 1) / se))
