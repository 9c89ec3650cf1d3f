"""Risk measures with one convention each: drawdowns as positive fractions, CVaR as a return.

Drawdown
    The fall from the running peak as a share of that peak, :math:`1 - V_t / \\max_{s \\le t} V_s`,
    in [0, 1): 0.25 means a quarter of the peak value was lost. Log returns are turned into a value
    path first, so a path of prices, of strategy values and of cumulated log returns give the same
    number for the same history.
CVaR (expected shortfall)
    The mean of the worst ``alpha`` share of outcomes, with the boundary outcome weighted by the
    fraction of it that falls inside the tail (Acerbi and Tasche, 2002), so the measure is exact when
    ``alpha * n`` is not a whole number. It is a return: lower is worse.

References
----------
.. [1] Acerbi, C. and Tasche, D. (2002). On the coherence of expected shortfall. *Journal of Banking &
   Finance* 26(7), 1487-1503. doi:10.1016/S0378-4266(02)00283-2
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def drawdowns(values: np.ndarray) -> np.ndarray:
    """Drawdown of each point of one or many value paths (last axis is time), in [0, 1)."""
    v = np.asarray(values, dtype=float)
    if np.any(v <= 0):
        raise ValueError("drawdowns need positive values (prices or portfolio values)")
    return 1.0 - v / np.maximum.accumulate(v, axis=-1)


def max_drawdown(values: np.ndarray) -> np.ndarray | float:
    """Largest drawdown of a value path (a float) or of each row of a 2-D array of paths."""
    dd = np.max(drawdowns(values), axis=-1)
    return float(dd) if np.ndim(dd) == 0 else dd


def max_drawdown_of_returns(log_returns: pd.Series | np.ndarray) -> float:
    """Largest drawdown of the value path that the log returns compound to (missing returns skipped)."""
    r = np.asarray(pd.Series(log_returns).dropna(), dtype=float)
    path = np.exp(np.concatenate([[0.0], np.cumsum(r)]))
    return float(max_drawdown(path))


def cvar(outcomes: np.ndarray, alpha: float = 0.05) -> float:
    """Expected shortfall: the mean of the worst ``alpha`` share of outcomes (lower is worse).

    With :math:`m = \\alpha n` and sorted outcomes :math:`x_{(1)} \\le \\dots \\le x_{(n)}`,
    :math:`\\text{CVaR} = \\big(\\sum_{i \\le \\lfloor m \\rfloor} x_{(i)} + (m - \\lfloor m \\rfloor)
    x_{(\\lfloor m \\rfloor + 1)}\\big) / m`.
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha ({alpha}) must lie in (0, 1]")
    x = np.sort(np.asarray(outcomes, dtype=float).ravel())
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan
    m = alpha * x.size
    whole = int(math.floor(m + 1e-9))
    part = m - whole if m - whole > 1e-9 else 0.0
    total = float(x[:whole].sum()) + (part * float(x[whole]) if part and whole < x.size else 0.0)
    return total / m
