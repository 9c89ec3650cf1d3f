"""Weekly series on a fixed seed, shared by the correlation, null and time-series method tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 12345


def weekly(values: np.ndarray, start: str = "2015-01-01", weekday: str = "THU") -> pd.Series:
    """``values`` on consecutive weeks ending on ``weekday`` from ``start`` (H.4.1 Thursdays by default)."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq=f"W-{weekday}"))
