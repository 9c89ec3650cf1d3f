"""Statistics over a subset of days (a regime, a mask) with a stationary bootstrap of all days.

The resample draws blocks of whole rows (value, label, mask together) from arch's stationary
bootstrap, so the number of days in each regime varies as it would in another history and the
serial dependence of returns and the persistence of regimes are kept:

* :func:`regime_means`: the mean of a return series in each of two labelled regimes and their
  difference, with percentile intervals and two-sided p-values;
* :func:`risk_adjusted_difference`: annualised return per unit of volatility of two series on
  the mask days, and their difference;
* :func:`return_per_vol_table`: return per unit of volatility and the worst drawdown within one
  run of mask days, per column (no bootstrap).

The resamples are computed for all replications at once from :func:`bootstrap_indices`; the
intervals and p-values come from :mod:`helpers.methods.inference` and the drawdowns from
:mod:`helpers.methods.risk` (a positive fraction of the running peak).

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the
   American Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
.. [2] Liu, Y. and Tsyvinski, A. (2021). Risks and returns of cryptocurrency. *Review of
   Financial Studies* 34(6), 2689-2727. doi:10.1093/rfs/hhaa113
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap

from helpers.methods.inference import percentile_interval, sign_p_value
from helpers.methods.risk import max_drawdown_of_returns


def bootstrap_indices(n: int, block: int, reps: int, seed: int) -> np.ndarray:
    """Row positions of ``reps`` stationary-bootstrap resamples of ``n`` rows (mean block ``block``).

    The draws are those of :class:`arch.bootstrap.StationaryBootstrap` seeded with
    ``numpy.random.default_rng(seed)``, so a statistic computed from them with numpy equals the
    one :func:`bootstrap_frame` computes from resampled frames.

    Returns
    -------
    ndarray
        Shape ``(reps, n)`` of integer positions.
    """
    if block < 1 or reps < 1:
        raise ValueError(f"block ({block}) and reps ({reps}) must be positive")
    bs = StationaryBootstrap(min(block, n), np.arange(n), seed=np.random.default_rng(seed))
    return np.vstack([data[0][0] for data in bs.bootstrap(reps)])


def bootstrap_frame(frame: pd.DataFrame, func: Callable[[pd.DataFrame], np.ndarray], block: int, reps: int,
                    seed: int) -> np.ndarray:
    """Stationary-bootstrap draws of ``func`` applied to resampled rows of ``frame``.

    Rows are resampled in blocks of random length (mean ``block``), so a statistic computed
    within a regime (rows with a label) keeps the serial dependence of the returns and the
    persistence of the regimes.

    Returns
    -------
    ndarray
        Shape ``(reps, k)`` for a ``func`` returning ``k`` values.
    """
    idx = bootstrap_indices(len(frame), block, reps, seed)
    draws = [np.atleast_1d(func(frame.iloc[i])) for i in idx]
    return np.vstack(draws).astype(float)


def _masked_means(values: np.ndarray, masks: Sequence[np.ndarray], idx: np.ndarray) -> np.ndarray:
    """Mean of ``values[idx]`` over each mask, per resample row of ``idx`` (NaN for an empty group)."""
    v = values[idx]
    out = []
    for m in masks:
        sel = m[idx]
        cnt = sel.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(cnt > 0, np.where(sel, v, 0.0).sum(axis=1) / cnt, np.nan))
    return np.column_stack(out)


@dataclass(frozen=True)
class RegimeMeans:
    """Mean of a return series in each of two regimes, and their difference, with intervals.

    Attributes
    ----------
    table : DataFrame
        Per regime: ``mean``, ``lo``, ``hi``, ``share_positive`` and ``n``.
    diff, lo, hi : float
        Mean of the first regime minus the second, with its percentile interval.
    p_diff : float
        Two-sided bootstrap p-value of ``diff = 0`` (:func:`helpers.methods.inference.sign_p_value`:
        twice the smaller share of draws on either side of zero, at least ``1 / (reps + 1)``).
    p_first : float
        The same for "the first regime's mean = 0".
    block, reps : int
        Bootstrap settings.
    """

    table: pd.DataFrame
    diff: float
    lo: float
    hi: float
    p_diff: float
    p_first: float
    block: int
    reps: int


def regime_means(values: pd.Series, regime: pd.Series, order: tuple[str, str], reps: int = 2000, block: int = 8,
                 seed: int = 0, level: float = 0.95) -> RegimeMeans:
    """Means of ``values`` in two regimes with a stationary-bootstrap interval for each and for the difference.

    Parameters
    ----------
    values : Series
        Returns over the period that *follows* each label (e.g. next week's ETH/BTC log return).
    regime : Series
        Label known at the start of each period.
    order : (str, str)
        The two labels compared; ``diff = mean(order[0]) - mean(order[1])``.
    reps, block, seed, level
        Bootstrap settings (block in observations).

    Returns
    -------
    RegimeMeans

    Notes
    -----
    Interval of a regime mean and p-values are percentile-based: the resample draws blocks of
    (value, label) pairs, so the number of periods in each regime varies as in another history.
    """
    both = pd.concat([values.rename("v"), regime.rename("g")], axis=1, join="inner").dropna()
    both = both[both["g"].isin(order)]

    v = both["v"].to_numpy(float)
    masks = [(both["g"] == g).to_numpy(bool) for g in order]
    ab = _masked_means(v, masks, np.arange(len(v))[None, :])[0]
    est = np.array([ab[0], ab[1], ab[0] - ab[1]])
    m = _masked_means(v, masks, bootstrap_indices(len(v), block, reps, seed))
    draws = np.column_stack([m[:, 0], m[:, 1], m[:, 0] - m[:, 1]])
    q = np.array([percentile_interval(draws[:, j], level) for j in range(3)]).T  # rows: lower, upper
    grp = both.groupby("g")["v"]
    table = pd.DataFrame({"mean": est[:2], "lo": q[0, :2], "hi": q[1, :2],
                          "share_positive": [float((grp.get_group(g) > 0).mean()) for g in order],
                          "n": [int(grp.size()[g]) for g in order]}, index=list(order))
    return RegimeMeans(table, float(est[2]), float(q[0, 2]), float(q[1, 2]), sign_p_value(draws[:, 2]),
                       sign_p_value(draws[:, 0]), block, reps)


def regime_means_table(results: Mapping[str, RegimeMeans]) -> pd.DataFrame:
    """One row per labelled :class:`RegimeMeans`: both regime means with intervals and N, the difference, p-values."""
    rows = {}
    for label, r in results.items():
        on, off = r.table.index
        rows[label] = {"mean_on": r.table.loc[on, "mean"], "lo_on": r.table.loc[on, "lo"],
                       "hi_on": r.table.loc[on, "hi"], "n_on": int(r.table.loc[on, "n"]),
                       "mean_off": r.table.loc[off, "mean"], "n_off": int(r.table.loc[off, "n"]),
                       "diff": r.diff, "diff_lo": r.lo, "diff_hi": r.hi, "p_on": r.p_first, "p_diff": r.p_diff}
    return pd.DataFrame.from_dict(rows, orient="index")


def regime_means_long(results: Mapping[str, RegimeMeans]) -> pd.DataFrame:
    """Every regime mean of several :class:`RegimeMeans` as rows ``"<label>: <regime>"`` (for :func:`interval_plot`)."""
    rows = {}
    for label, r in results.items():
        for regime, row in r.table.iterrows():
            rows[f"{label}: {regime}"] = {"mean": row["mean"], "lo": row["lo"], "hi": row["hi"], "n": int(row["n"])}
    return pd.DataFrame.from_dict(rows, orient="index")


def return_per_vol_table(returns: pd.DataFrame, mask: pd.Series | None = None,
                         periods_per_year: int = 365) -> pd.DataFrame:
    """Return per unit of volatility and drawdown of each column, over the days where ``mask`` is True.

    Parameters
    ----------
    returns : DataFrame
        Daily log returns, one column per asset or basket.
    mask : Series, optional
        Days to use (e.g. liquidity-driven rallies); all days if None.
    periods_per_year : int
        365 for daily crypto returns.

    Returns
    -------
    DataFrame
        Per column: ``mean_ann`` (mean log return x periods), ``vol_ann`` (SD x sqrt(periods)),
        ``ratio`` (their quotient: return per unit of volatility), ``worst_drawdown`` (the deepest
        :func:`helpers.methods.risk.max_drawdown_of_returns` within one contiguous run of mask days:
        a positive fraction of the running peak) and ``n`` days.
    """
    m = pd.Series(True, index=returns.index) if mask is None else mask.reindex(returns.index).fillna(False).astype(bool)
    runs = m.ne(m.shift(1, fill_value=False)).cumsum()[m]
    rows = {}
    for col in returns.columns:
        r = returns.loc[m, col].dropna()
        mean, sd = float(r.mean()) * periods_per_year, float(r.std()) * math.sqrt(periods_per_year)
        dd = max((max_drawdown_of_returns(g) for _, g in returns.loc[m, col].groupby(runs)), default=math.nan)
        rows[col] = {"mean_ann": mean, "vol_ann": sd, "ratio": mean / sd if sd > 0 else math.nan,
                     "worst_drawdown": dd, "n": len(r)}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class RiskAdjustedDifference:
    """Return per unit of volatility of two baskets on the same days, and their difference.

    Attributes
    ----------
    ratio_a, ratio_b : float
        Annualised mean / annualised SD of daily log returns of ``a`` and ``b`` on the mask days.
    diff, lo, hi : float
        ``ratio_a - ratio_b`` with its stationary-bootstrap percentile interval.
    p : float
        Two-sided bootstrap p-value of ``diff = 0``.
    n : int
        Mask days with both returns.
    """

    ratio_a: float
    ratio_b: float
    diff: float
    lo: float
    hi: float
    p: float
    n: int


def _masked_sharpe(values: np.ndarray, sel: np.ndarray, periods: int) -> np.ndarray:
    """Annualised mean / SD (ddof 1) of ``values`` per row where ``sel``; NaN with 2 or fewer values."""
    cnt = sel.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(sel, values, 0.0).sum(axis=1) / cnt
        dev = np.where(sel, values - mean[:, None], 0.0)
        sd = np.sqrt((dev * dev).sum(axis=1) / (cnt - 1))
        return np.where(cnt > 2, mean / sd * math.sqrt(periods), np.nan)


def risk_adjusted_difference(a: pd.Series, b: pd.Series, mask: pd.Series, reps: int = 2000, block: int = 30,
                             seed: int = 0, level: float = 0.95) -> RiskAdjustedDifference:
    """Return-per-volatility of ``a`` minus that of ``b`` over the mask days, with a bootstrap interval.

    Parameters
    ----------
    a, b : Series
        Daily log returns (e.g. the large-cap and the small-cap basket).
    mask : Series
        Days to use (True), on the same grid.
    reps, block, seed, level
        Stationary bootstrap over all days (rows of a, b and the mask together; block in days).

    Returns
    -------
    RiskAdjustedDifference
    """
    frame = pd.concat([a.rename("a"), b.rename("b"), mask.rename("m")], axis=1, join="inner").dropna()
    va, vb = frame["a"].to_numpy(float), frame["b"].to_numpy(float)
    m = frame["m"].astype(bool).to_numpy()

    def stat(idx: np.ndarray) -> np.ndarray:
        sel = m[idx]
        ra, rb = _masked_sharpe(va[idx], sel, 365), _masked_sharpe(vb[idx], sel, 365)
        return np.column_stack([ra, rb, ra - rb])

    est = stat(np.arange(len(frame))[None, :])[0]
    draws = stat(bootstrap_indices(len(frame), block, reps, seed))
    lo, hi = percentile_interval(draws[:, 2], level)
    return RiskAdjustedDifference(float(est[0]), float(est[1]), float(est[2]), float(lo), float(hi),
                                  sign_p_value(draws[:, 2]), int(m.sum()))
