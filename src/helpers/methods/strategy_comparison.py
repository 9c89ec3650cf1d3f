"""Risk measures of strategies and their differences from a baseline, with block-bootstrap intervals.

Outcomes (:func:`helpers.methods.strategies.strategy_outcomes`: final return and maximum drawdown per
path and strategy) are summarised by :data:`MEASURES` (:func:`risk_measures`); differences from a
baseline come with a stationary-bootstrap interval over start days (:func:`compare_to_baseline`,
and against each strategy's own exposure-matched lump sum :func:`compare_to_matched`), because
windows from neighbouring start days overlap. Gain locking and upside capture
(:func:`lock_and_capture`) and differences split by a start-day condition
(:func:`conditional_difference`) complete the picture. Intervals come from
:mod:`helpers.methods.inference`, CVaR from :mod:`helpers.methods.risk` (exact for a fractional
``alpha * n``).

References
----------
.. [1] Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of the American
   Statistical Association* 89(428), 1303-1313. doi:10.1080/01621459.1994.10476870
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from helpers.aliases import FloatArray
from helpers.methods import eventstudy as ev
from helpers.methods import inference, risk
from helpers.methods.strategies import final_returns, matched_weight, static_mix_values

#: Which way of a measure counts as *less risk* (or more return).
Direction: TypeAlias = Literal["higher", "lower"]

#: The risk measures of :func:`risk_measures`, with the direction that counts as *less risk*.
MEASURES: dict[str, Direction] = {"mean": "higher", "median": "higher", "sd": "lower", "q05": "higher",
                            "cvar05": "higher", "mdd_mean": "lower", "mdd_q95": "lower", "p_loss": "lower"}


@dataclass(frozen=True)
class RiskMeasures:
    """Distribution summary of outcomes over start days or simulated paths (the measures of :data:`MEASURES`).

    Attributes
    ----------
    mean, median, sd : float
        Of the final simple return.
    q05 : float
        Its ``alpha`` quantile.
    cvar05 : float
        The mean of its worst ``alpha`` share (:func:`helpers.methods.risk.cvar`, exact for a
        fractional ``alpha * n``).
    mdd_mean, mdd_q95 : float
        Mean and ``1 - alpha`` quantile of the maximum drawdown.
    p_loss : float
        Share of outcomes below zero (the probability of ending with a loss).
    """

    mean: float
    median: float
    sd: float
    q05: float
    cvar05: float
    mdd_mean: float
    mdd_q95: float
    p_loss: float

    def value(self, measure: str) -> float:
        """The measure named as in :data:`MEASURES`."""
        if measure not in MEASURES:
            raise ValueError(f"measure {measure!r} must be one of {list(MEASURES)}")
        return float(getattr(self, measure))


def risk_measures(final: FloatArray, mdd: FloatArray, alpha: float = 0.05) -> RiskMeasures:
    """Distribution summary of outcomes over start days (or simulated paths).

    Parameters
    ----------
    final : ndarray
        Final simple returns.
    mdd : ndarray
        Maximum drawdowns (positive fractions) of the same paths.
    alpha : float
        Tail share of ``q05``, ``cvar05`` and ``mdd_q95``.
    """
    return RiskMeasures(mean=float(np.mean(final)), median=float(np.median(final)), sd=float(np.std(final, ddof=1)),
                        q05=float(np.quantile(final, alpha)), cvar05=risk.cvar(final, alpha),
                        mdd_mean=float(np.mean(mdd)), mdd_q95=float(np.quantile(mdd, 1 - alpha)),
                        p_loss=float(np.mean(final < 0)))


def _measure_matrix(final: FloatArray, mdd: FloatArray, alpha: float) -> FloatArray:
    """Risk measures (rows in the order of :data:`MEASURES`) for each strategy column, vectorised.

    Same definitions as :func:`risk_measures` (which a test checks), computed for all columns at once
    because the bootstrap calls this once per replication.
    """
    tail = np.array([risk.cvar(final[:, j], alpha) for j in range(final.shape[1])])
    return np.vstack([final.mean(axis=0), np.median(final, axis=0), final.std(axis=0, ddof=1),
                      np.quantile(final, alpha, axis=0), tail, mdd.mean(axis=0), np.quantile(mdd, 1 - alpha, axis=0),
                      (final < 0).mean(axis=0)])


def compare_to_baseline(final: pd.DataFrame, mdd: pd.DataFrame, baseline: str, block: int, reps: int = 500,
                        seed: int = 0, alpha: float = 0.05, level: float = 0.95,
                        row_level: float | None = None) -> pd.DataFrame:
    """Risk measures of each strategy and their difference from ``baseline``, with block-bootstrap intervals.

    Parameters
    ----------
    final, mdd : DataFrame
        :func:`~helpers.methods.strategies.strategy_outcomes` (rows start days in time order, columns strategies).
    baseline : str
        Column compared against (``lump_sum`` or ``buy_and_hold``).
    block : int
        Mean block length in start days: windows of ``H`` days from neighbouring start days
        overlap, so use about ``H``.
    reps, seed : int
        Stationary-bootstrap replications and seed.
    alpha : float
        Tail share of ``q05``, ``cvar05`` and ``mdd_q95``.
    level : float
        Coverage of the intervals.
    row_level : float, optional
        A second coverage from the same resamples (columns ``lo_row``, ``hi_row``): for example
        each row's own 95% interval beside a Bonferroni-level ``level``.

    Returns
    -------
    DataFrame
        One row per (strategy, measure): ``value``, ``baseline``, ``diff`` (strategy minus
        baseline), ``lo``, ``hi`` (percentile interval of ``diff``), ``improvement`` (relative
        change in the good direction of :data:`MEASURES`: ``+0.05`` = 5% less risk or 5% more
        return, negative = worse), ``less_risk`` (``improvement > 0``) and ``n`` start days; with
        ``row_level`` also ``lo_row`` and ``hi_row``.

    Notes
    -----
    Rows are resampled jointly for all strategies (Politis and Romano 1994), so the interval of a
    difference reflects that the strategies face the same history.
    """
    names = list(final.columns)
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} must be one of the strategies {names}")
    f, d = final.to_numpy(float), mdd[names].to_numpy(float)
    point = _measure_matrix(f, d, alpha)
    b, k = names.index(baseline), len(names)

    def differences(x: FloatArray) -> FloatArray:
        m = _measure_matrix(x[:, :k], x[:, k:], alpha)
        return (m - m[:, [b]]).ravel()

    draws = inference.bootstrap_draws(np.column_stack([f, d]), differences, block, reps, seed).reshape(reps, -1)
    lo, hi = np.array([inference.percentile_interval(col, level) for col in draws.T]).T
    lo_row, hi_row = np.array([inference.percentile_interval(col, level if row_level is None else row_level)
                               for col in draws.T]).T
    rows = []
    for i, m in enumerate(MEASURES):
        for j, name in enumerate(names):
            diff = point[i, j] - point[i, b]
            sign = 1.0 if MEASURES[m] == "higher" else -1.0
            improvement = sign * diff / abs(point[i, b]) if point[i, b] != 0 else math.nan
            rows.append({"strategy": name, "measure": m, "value": point[i, j], "baseline": point[i, b],
                         "diff": diff, "lo": lo[i * len(names) + j], "hi": hi[i * len(names) + j],
                         "improvement": improvement, "less_risk": bool(sign * diff > 0), "n": len(final)})
            if row_level is not None:
                rows[-1].update(lo_row=lo_row[i * len(names) + j], hi_row=hi_row[i * len(names) + j])
    return pd.DataFrame(rows).set_index(["strategy", "measure"])


def compare_to_matched(paths: FloatArray, final: pd.DataFrame, mdd: pd.DataFrame, strategies: Sequence[str],
                       baseline: str = "lump_sum", block: int = 1, reps: int = 500, seed: int = 0,
                       alpha: float = 0.05, level: float = 0.95, row_level: float | None = None) -> pd.DataFrame:
    """Each strategy against the exposure-matched lump sum with the same mean return, with block-bootstrap intervals.

    A staged entry holds cash while it buys, so against the full lump sum it shows lower risk
    simply because less is invested on average. The fair benchmark puts the same mean exposure into
    the asset at once: :func:`~helpers.methods.strategies.static_mix_values` with :func:`~helpers.methods.strategies.matched_weight`. Less risk than *that*
    is a benefit of staging itself. For SD and CVaR the comparison is the same as comparing risk
    per unit of mean return with the full lump sum, because the mix scales the lump sum's mean, SD
    and CVaR by the same weight.

    Parameters
    ----------
    paths : ndarray, shape (n, H + 1)
        The relative price paths behind ``final`` and ``mdd``.
    final, mdd : DataFrame
        :func:`~helpers.methods.strategies.strategy_outcomes` on ``paths`` (must include ``baseline``).
    strategies : sequence of str
        Columns compared, each with its own matched weight.
    baseline : str
        The full lump sum column (the weight is matched to its mean).
    block, reps, seed, alpha, level, row_level
        As in :func:`compare_to_baseline` (strategy ``i`` uses seed ``seed + i``).

    Returns
    -------
    DataFrame
        The rows of :func:`compare_to_baseline` (``baseline`` = the matched mix's value) for each
        strategy, plus ``weight`` (the matched asset weight). The weight is fixed at its full-sample
        value; the interval of the ``mean`` difference shows how well the match holds in resamples.
    """
    parts = []
    for i, name in enumerate(strategies):
        w = matched_weight(final, name, baseline)
        mix = static_mix_values(paths, w)
        f = pd.DataFrame({name: final[name].to_numpy(float), "matched": final_returns(mix)}, index=final.index)
        d = pd.DataFrame({name: mdd[name].to_numpy(float), "matched": np.asarray(risk.max_drawdown(mix), dtype=float)}, index=final.index)
        table = compare_to_baseline(f, d, "matched", block, reps, seed + i, alpha, level, row_level).loc[[name]]
        parts.append(table.assign(weight=w))
    return pd.concat(parts)


def relative_interval(table: pd.DataFrame) -> pd.DataFrame:
    """The interval of each row's ``diff`` as a relative improvement, in the sign convention of ``improvement``.

    Parameters
    ----------
    table : DataFrame
        :func:`compare_to_baseline` or :func:`compare_to_matched` (index level ``measure``; columns
        ``lo``, ``hi``, ``baseline``).

    Returns
    -------
    DataFrame
        ``imp_lo`` and ``imp_hi``: the interval of the relative change, positive = less risk or more
        return (e.g. ``imp_hi = 0.02``: at most 2% less risk is consistent with the data); when the
        table has ``lo_row`` and ``hi_row`` (``row_level`` of :func:`compare_to_baseline`), also
        ``imp_lo_row`` and ``imp_hi_row``.
    """
    sign = np.where(table.index.get_level_values("measure").map(lambda m: MEASURES[m] == "higher"), 1.0, -1.0)
    scale = table["baseline"].abs().to_numpy(float)
    out = {}
    for lo, hi, suffix in (("lo", "hi", ""), ("lo_row", "hi_row", "_row")):
        if lo in table.columns:
            a, b = sign * table[lo].to_numpy(float) / scale, sign * table[hi].to_numpy(float) / scale
            out[f"imp_lo{suffix}"], out[f"imp_hi{suffix}"] = np.minimum(a, b), np.maximum(a, b)
    return pd.DataFrame(out, index=table.index)


def share_beating(final: pd.DataFrame, strategy: str, baseline: str) -> float:
    """Share of start days (or paths) on which ``strategy`` ended above ``baseline``."""
    return float((final[strategy] > final[baseline]).mean())


def upside_capture(final: pd.DataFrame, strategy: str, baseline: str, q: float = 0.9) -> float:
    """Share of the baseline's upper-tail gain that ``strategy`` kept.

    On the paths where the baseline's final return is at or above its ``q`` quantile,
    :math:`\\sum \\text{strategy} / \\sum \\text{baseline}` of the final simple returns: 1 keeps
    all of the best outcomes' gain, 0.4 keeps 40%.
    """
    top = final[baseline] >= final[baseline].quantile(q)
    return float(final.loc[top, strategy].sum() / final.loc[top, baseline].sum())


def gains_given_back(paths: FloatArray, final: FloatArray, gain: float = 0.2) -> float:
    """Share of the paths that were up at least ``gain`` at some close yet ended with a loss.

    ``final`` is a strategy's final return on the same paths: the share measures how often a
    gain on paper turned into a loss on exit, i.e. how well the strategy *locks* gains.
    """
    reached = np.max(paths, axis=1) >= 1 + gain
    if not reached.any():
        return math.nan
    return float(np.mean(final[reached] < 0))


def locked_gains_table(paths: FloatArray, final: pd.DataFrame, gain: float = 0.2) -> pd.Series:
    """:func:`gains_given_back` for each strategy column of ``final``."""
    return pd.Series({c: gains_given_back(paths, final[c].to_numpy(float), gain) for c in final.columns},
                     name=f"share_up_{round(100 * gain)}pct_then_loss")


def _interval(data: FloatArray, func: Callable[[FloatArray], float], block: int, reps: int, seed: int,
              level: float) -> tuple[float, float, float]:
    """Estimate and stationary-bootstrap percentile interval (coverage ``level``) of ``func`` of the rows of ``data``."""
    draws = inference.bootstrap_draws(data, func, block, reps, seed)
    lo, hi = inference.percentile_interval(draws, level)
    return float(func(data)), lo, hi


def locked_gain_difference(paths: FloatArray, final: pd.DataFrame, strategy: str, baseline: str, gain: float = 0.2,
                           block: int = 1, reps: int = 500, seed: int = 0,
                           level: float = 0.95) -> tuple[float, float, float]:
    """Difference (strategy minus baseline) in the share of paths up ``gain`` at some close that ended with a loss.

    Parameters
    ----------
    paths : ndarray
        The relative price paths behind ``final``.
    final : DataFrame
        Final returns per strategy (:func:`~helpers.methods.strategies.strategy_outcomes`).
    strategy, baseline : str
        Columns of ``final``.
    gain : float
        Paper gain that counts as "a gain to lock".
    block : int
        Mean block length over rows: about ``H`` for overlapping historical windows, 1 for
        independent simulated paths.
    reps, seed, level
        Bootstrap replications, seed and coverage.

    Returns
    -------
    (estimate, lo, hi)
        Negative: the strategy turned paper gains into losses less often.
    """
    reached = (np.max(paths, axis=1) >= 1 + gain).astype(float)
    data = np.column_stack([reached, final[strategy].to_numpy(float) < 0, final[baseline].to_numpy(float) < 0])

    def diff(x: FloatArray) -> float:
        r = x[:, 0] > 0.5
        return float(x[r, 1].mean() - x[r, 2].mean()) if r.any() else math.nan

    return _interval(data, diff, block, reps, seed, level)


def capture_interval(final: pd.DataFrame, strategy: str, baseline: str, q: float = 0.9, block: int = 1,
                     reps: int = 500, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """:func:`upside_capture` with a stationary-bootstrap interval over rows (block as in :func:`locked_gain_difference`)."""
    data = final[[strategy, baseline]].to_numpy(float)

    def cap(x: FloatArray) -> float:
        top = x[:, 1] >= np.quantile(x[:, 1], q)
        return float(x[top, 0].sum() / x[top, 1].sum())

    return _interval(data, cap, block, reps, seed, level)


def lock_and_capture(paths: FloatArray, final: pd.DataFrame, baseline: str, gain: float = 0.2, q: float = 0.9,
                     block: int = 1, reps: int = 500, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Gain locking and upside capture of every strategy against ``baseline``, with intervals at coverage ``level``.

    Returns
    -------
    DataFrame
        Rows strategies; ``up_then_loss`` (:func:`gains_given_back`), ``diff``, ``lo``, ``hi``
        (:func:`locked_gain_difference`), ``capture``, ``capture_lo``, ``capture_hi``
        (:func:`capture_interval`), ``n_reached`` (paths up ``gain`` at some close) and ``n``.
    """
    rows = {}
    n_reached = int(np.sum(np.max(paths, axis=1) >= 1 + gain))
    for i, name in enumerate(final.columns):
        d = locked_gain_difference(paths, final, name, baseline, gain, block, reps, seed + i, level)
        c = capture_interval(final, name, baseline, q, block, reps, seed + i, level)
        rows[name] = {"up_then_loss": gains_given_back(paths, final[name].to_numpy(float), gain), "diff": d[0],
                      "lo": d[1], "hi": d[2], "capture": c[0], "capture_lo": c[1], "capture_hi": c[2],
                      "n_reached": n_reached, "n": len(final)}
    return pd.DataFrame.from_dict(rows, orient="index").astype({"n_reached": int, "n": int})


def trend_flag(prices: pd.Series, days: int = 200) -> pd.Series:
    """True where the close is above its trailing ``days``-day mean (an up-trend known on the day)."""
    cal = ev.calendar_daily(prices)
    return (cal > cal.rolling(days).mean()).where(cal.rolling(days).mean().notna())


def conditional_difference(final: pd.DataFrame, strategies: Sequence[str], baseline: str,
                           condition: pd.Series, labels: tuple[str, str] = ("up-trend", "down-trend")) -> pd.DataFrame:
    """Mean final-return difference from ``baseline`` and share of wins, split by a start-day condition.

    Returns
    -------
    DataFrame
        Rows (strategy, condition label): ``mean_diff``, ``share_beating`` and ``n`` start days.
    """
    cond = condition.reindex(final.index)
    rows = []
    for name in strategies:
        d = final[name] - final[baseline]
        for flag, label in ((True, labels[0]), (False, labels[1])):
            m = (cond == flag).to_numpy()
            rows.append({"strategy": name, "condition": label, "mean_diff": float(d[m].mean()),
                         "share_beating": float((d[m] > 0).mean()), "n": int(m.sum())})
    return pd.DataFrame(rows).set_index(["strategy", "condition"])
