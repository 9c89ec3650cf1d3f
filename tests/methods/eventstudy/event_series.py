"""Series built by hand for the event-study tests, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS = pd.date_range("2018-01-01", "2022-12-31", freq="D")
EVENT = pd.Timestamp("2020-01-01")


def jump_series() -> pd.Series:
    """Flat at 100, doubling to 200 on 2020-01-11 (day 10 after the event) and flat after."""
    return pd.Series(np.where(DAYS >= EVENT + pd.Timedelta(days=10), 200.0, 100.0), index=DAYS)


def trend_series() -> pd.Series:
    """A deterministic log-linear trend: ln P rises by 0.01 a day, so every h-day log return is 0.01 h."""
    return pd.Series(np.exp(0.01 * np.arange(DAYS.size)), index=DAYS)


def walk_series() -> pd.Series:
    """A seeded Gaussian random walk in logs (drift 0.001, sd 0.03 a day)."""
    rng = np.random.default_rng(7)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0.001, 0.03, DAYS.size))), index=DAYS)


def rally_path(peak_day: int, peak: float, early_spike: float | None = None) -> pd.Series:
    """100 on the event day, a linear rise to ``peak`` on ``peak_day``, then back to 120 by day 600."""
    k = np.arange(-100, 601)
    up = np.interp(k, [0, peak_day, 600], [100.0, peak, 120.0])
    up[k < 0] = 100.0
    if early_spike is not None:
        up[(k >= 100) & (k <= 110)] = early_spike
    return pd.Series(up, index=EVENT + pd.to_timedelta(k, unit="D"))
