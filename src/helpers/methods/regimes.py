"""Regimes: label dates by the direction of a level or by periods, and compare forward returns across them.

A regime is read from information available at the date (:func:`regime_from_change` uses only
values up to ``t``; :func:`period_labels` uses fixed calendar periods), and the forward return
that follows it is compared between two regimes with a stationary-bootstrap interval and a HAC
p-value (:func:`regime_forward_returns`). :func:`liquidity_regime_table` tests a family of such
comparisons with Holm and Bonferroni corrections; :func:`regime_spec_curve` shows how far the
answer depends on the window and horizon chosen.

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *JASA* 89(428),
   1303-1313. doi:10.1080/01621459.1994.10476870
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.aliases import FloatArray
from helpers.methods.inference import adjust_pvalues, bootstrap_draws, percentile_interval
from helpers.methods.transforms import forward_log_return


def regime_from_change(level: pd.Series, window: int, labels: tuple[str, str] = ("expanding", "contracting")) -> pd.Series:
    """Label each date by the sign of the change of ``level`` over the last ``window`` observations.

    Returns
    -------
    Series
        ``labels[0]`` where :math:`x_t - x_{t-w} > 0`, ``labels[1]`` where it is :math:`\\le 0`,
        missing where the change is undefined. Uses only values up to ``t``.
    """
    change = level.diff(window)
    out = pd.Series(np.where(change > 0, labels[0], labels[1]), index=level.index, dtype=object)
    return out.where(change.notna())


def period_labels(index: pd.DatetimeIndex, periods: Sequence[tuple[pd.Timestamp, pd.Timestamp | None]],
                  inside: str = "inside", outside: str = "outside") -> pd.Series:
    """Label each date ``inside`` when it falls in one of ``periods`` (start exclusive, end inclusive; None = open)."""
    out = pd.Series(outside, index=index, dtype=object)
    for start, end in periods:
        mask = (index > pd.Timestamp(start)) & (index <= (pd.Timestamp(end) if end is not None else index.max()))
        out[mask] = inside
    return out


def mean_difference(values: FloatArray, is_first: FloatArray) -> float:
    """Mean of ``values`` where ``is_first`` is 1 minus the mean where it is 0 (NaN if a group is empty)."""
    first = is_first > 0.5
    if first.all() or not first.any():
        return math.nan
    return float(values[first].mean() - values[~first].mean())


@dataclass(frozen=True)
class RegimeComparison:
    """Forward returns by regime and the difference between the first two regimes.

    Attributes
    ----------
    table : DataFrame
        Per regime: ``mean``, ``median``, ``share_up`` and ``n``.
    diff : float
        Mean of the first regime minus mean of the second.
    lo, hi : float
        Stationary-bootstrap percentile interval of ``diff``.
    p_hac : float
        Two-sided p-value of ``diff`` from a regression on a regime dummy with HAC errors.
    n : int
        Observations used (overlapping when the horizon exceeds the spacing).
    block_size : int
        Mean block length of the bootstrap.
    sd : float
        Standard deviation of all forward returns used; ``diff / sd`` is the effect in SD units,
        comparable across assets of different volatility.
    """

    table: pd.DataFrame
    diff: float
    lo: float
    hi: float
    p_hac: float
    n: int
    block_size: int
    sd: float


def regime_forward_returns(forward: pd.Series, regime: pd.Series, order: tuple[str, str] = ("expanding", "contracting"),
                           reps: int = 2000, block_size: int = 26, seed: int = 0, hac_lags: int | None = None,
                           level: float = 0.95) -> RegimeComparison:
    """Compare forward returns across two regimes, with a stationary-bootstrap interval for the difference.

    Parameters
    ----------
    forward : Series
        Forward returns (e.g. 13-week log return from :func:`~helpers.methods.transforms.forward_log_return`).
    regime : Series
        Regime label at the start of each forward window (:func:`regime_from_change`).
    order : (str, str)
        The regimes compared; ``diff = mean(order[0]) - mean(order[1])``.
    reps : int
        Bootstrap repetitions.
    block_size : int
        Mean block length; keep it at least the forward horizon, since overlapping windows and
        persistent regimes make neighbouring observations dependent.
    seed : int
        Seed of the bootstrap generator.
    hac_lags : int, optional
        Newey-West bandwidth for ``p_hac``; default ``block_size``.
    level : float
        Coverage of the interval.

    Returns
    -------
    RegimeComparison

    Notes
    -----
    The bootstrap resamples (return, regime) pairs jointly in blocks, so a resample can put
    more or fewer weeks in each regime, as another history could have.
    """
    both = pd.concat([forward.rename("f"), regime.rename("g")], axis=1, join="inner").dropna()
    both = both[both["g"].isin(order)]
    table = both.groupby("g")["f"].agg(mean="mean", median="median", share_up=lambda v: float((v > 0).mean()),
                                       n="count").reindex(list(order))
    f, d = both["f"].to_numpy(float), (both["g"] == order[0]).to_numpy(float)
    diff = mean_difference(f, d)
    draws = bootstrap_draws(np.column_stack([f, d]), lambda a: mean_difference(a[:, 0], a[:, 1]), block_size, reps, seed)
    lo, hi = percentile_interval(draws, level)
    fit = sm.OLS(f, sm.add_constant(d)).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags or block_size})
    return RegimeComparison(table, diff, lo, hi, float(fit.pvalues[1]), len(both), block_size, float(f.std(ddof=1)))


def liquidity_regime_returns(price: pd.Series, level: pd.Series, start: str, horizon: int = 13, window: int = 13,
                             reps: int = 2000, block_size: int = 26, seed: int = 0,
                             level_ci: float = 0.95) -> RegimeComparison:
    """Forward returns of ``price`` when ``level`` was expanding versus contracting (one call of the pipeline).

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level on one grid, the level as public on each date
        (:func:`~helpers.methods.transforms.weekly_frame`).
    start : str
        First date of the sample (the regime and the forward window start on or after it).
    horizon : int
        Forward-return horizon (:func:`~helpers.methods.transforms.forward_log_return`).
    window : int
        Regime window (:func:`regime_from_change`).
    reps, block_size, seed : int
        Passed to :func:`regime_forward_returns`.
    level_ci : float
        Coverage of the bootstrap interval (``1 - 0.05 / m`` for a Bonferroni interval over
        ``m`` measures); with the same ``seed`` the resamples are the same at every coverage.

    Returns
    -------
    RegimeComparison
    """
    fwd = forward_log_return(price.dropna(), horizon).loc[start:]
    lab = regime_from_change(level.dropna(), window).loc[start:]
    return regime_forward_returns(fwd, lab, reps=reps, block_size=block_size, seed=seed, level=level_ci)


def regime_table(comparisons: Mapping[str, RegimeComparison]) -> pd.DataFrame:
    """One row per labelled :class:`RegimeComparison`: means, difference, interval, p-value, N, SD units.

    Returns
    -------
    DataFrame
        Indexed by label; ``mean_first``, ``mean_second``, ``diff``, ``lo``, ``hi``, ``p_hac``,
        ``n``, ``n_first``, ``n_second`` and ``diff_sd`` (``diff / sd``).
    """
    rows = {}
    for label, c in comparisons.items():
        first, second = c.table.index[0], c.table.index[1]
        rows[label] = {"mean_first": c.table.loc[first, "mean"], "mean_second": c.table.loc[second, "mean"],
                       "diff": c.diff, "lo": c.lo, "hi": c.hi, "p_hac": c.p_hac, "n": c.n,
                       "n_first": c.table.loc[first, "n"], "n_second": c.table.loc[second, "n"],
                       "diff_sd": c.diff / c.sd}
    return pd.DataFrame.from_dict(rows, orient="index")


def liquidity_regime_table(specs: Mapping[str, tuple[pd.Series, pd.Series]], start: str, family: Sequence[str],
                           horizon: int = 13, window: int = 13, reps: int = 2000, block_size: int = 26,
                           seed: int = 0, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`regime_table` of several (price, level) pairs, with a multiple-testing correction over a family.

    Parameters
    ----------
    specs : mapping of str to (Series, Series)
        Label to weekly (price, liquidity level), as for :func:`liquidity_regime_returns`. The
        ``k``-th pair is bootstrapped with seed ``seed + k``.
    start : str
        First date of the sample.
    family : sequence of str
        Labels tested together for one claim (BTC against three liquidity measures, say).
    horizon, window, reps, block_size, seed : int
        Passed to :func:`liquidity_regime_returns`.
    alpha : float
        Family-wise error rate.

    Returns
    -------
    DataFrame
        :func:`regime_table` (95% intervals ``lo``, ``hi``) plus, for the ``family`` rows only,
        ``p_holm`` (Holm-adjusted ``p_hac``) and ``lo_bonf``, ``hi_bonf`` (bootstrap interval of
        coverage :math:`1 - \\alpha / m` for ``m`` members, from the same resamples), and
        ``shows_effect``: a positive difference with ``p_holm < alpha`` and ``lo_bonf > 0``.

    Raises
    ------
    ValueError
        If a ``family`` label is not in ``specs``.
    """
    missing = [k for k in family if k not in specs]
    if missing:
        raise ValueError(f"family labels {missing} are not in specs")
    level_bonf = 1 - alpha / len(family)
    main, wide = {}, {}
    for k, (label, (price, level)) in enumerate(specs.items()):
        args = (price, level, start, horizon, window, reps, block_size, seed + k)
        main[label] = liquidity_regime_returns(*args)
        if label in family:
            wide[label] = liquidity_regime_returns(*args, level_ci=level_bonf)
    table = regime_table(main)
    fam = list(family)
    table.loc[fam, "p_holm"] = adjust_pvalues(table.loc[fam, "p_hac"], "holm").to_numpy()
    table.loc[fam, "lo_bonf"] = [wide[k].lo for k in fam]
    table.loc[fam, "hi_bonf"] = [wide[k].hi for k in fam]
    shows = (table["diff"] > 0) & (table["p_holm"] < alpha) & (table["lo_bonf"] > 0)
    table["shows_effect"] = shows.where(table.index.isin(fam))
    return table


def regime_spec_curve(price: pd.Series, level: pd.Series, start: str, windows: Sequence[int], horizons: Sequence[int],
                      hac_lags: int = 26) -> pd.DataFrame:
    """The regime difference of :func:`liquidity_regime_returns` over a grid of regime windows and horizons.

    One row per (window, horizon): the forward-return difference, expanding minus contracting,
    and its HAC p-value (no bootstrap: the grid shows how far the answer depends on the choice).

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level as public on each date.
    start : str
        First date of the sample.
    windows, horizons : sequence of int
        Regime windows and forward horizons, in weeks.
    hac_lags : int
        Newey-West bandwidth; keep it at least the longest horizon's overlap.

    Returns
    -------
    DataFrame
        Columns ``window``, ``horizon``, ``diff``, ``p_hac``, ``n``.
    """
    rows = []
    for w in windows:
        lab = regime_from_change(level.dropna(), w).loc[start:]
        for h in horizons:
            fwd = forward_log_return(price.dropna(), h).loc[start:]
            both = pd.concat([fwd.rename("f"), lab.rename("g")], axis=1, join="inner").dropna()
            f, d = both["f"].to_numpy(float), (both["g"] == "expanding").to_numpy(float)
            fit = sm.OLS(f, sm.add_constant(d)).fit(cov_type="HAC", cov_kwds={"maxlags": max(hac_lags, h)})
            rows.append({"window": w, "horizon": h, "diff": mean_difference(f, d), "p_hac": float(fit.pvalues[1]),
                         "n": len(both)})
    return pd.DataFrame(rows)
