"""Random-date placebo tests for event studies: is the events' mean change unusual for this asset?

Two placebos of the mean h-day change over N events (Brown and Warner, 1985):

* :func:`placebo_test`: N start days drawn independently at random from the baseline sample, many times;
* :func:`spaced_placebo_test`: every shift of the real event set through the baseline sample (the
  events' spacing kept, an exact enumeration).

The p-value counts the observed arrangement (:func:`helpers.methods.inference.permutation_p_value`)
and the interval of the placebo means is :func:`helpers.methods.inference.percentile_interval` at
``level``; :func:`effect_interval` inverts the placebo into an interval for the excess over random days.

References
----------
.. [1] Brown, S. J. and Warner, J. B. (1985). Using daily stock returns: The case of event
   studies. *Journal of Financial Economics*, 14(1), 3-31. https://doi.org/10.1016/0304-405X(85)90042-X
.. [2] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero. *Statistical
   Applications in Genetics and Molecular Biology* 9(1), article 39. doi:10.2202/1544-6115.1585
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.aliases import DateLike, Events
from helpers.methods.eventstudy import Transform, horizon_changes, percentile_in, unconditional_changes
from helpers.methods.inference import percentile_interval, permutation_p_value


@dataclass(frozen=True)
class PlaceboResult:
    """The mean change over N events against the means over N random dates.

    Attributes
    ----------
    horizon : int
        Days.
    n_events : int
        Events whose horizon is reached (NaN events dropped).
    event_mean : float
        Mean change over those events.
    placebo_mean : float
        Mean of the placebo means (close to the unconditional mean by construction).
    placebo_lower, placebo_upper : float
        Central ``level`` percentile interval of the placebo means (2.5th and 97.5th percentiles at 0.95).
    p_value : float
        One-sided, events above random dates: (1 + #{placebo mean >= event mean}) / (draws + 1),
        ties up to rounding included (:func:`helpers.methods.inference.permutation_p_value`).
    percentile : float
        Percentile of the event mean among the placebo means.
    n_candidates : int
        Start days the random dates were drawn from.
    draws : np.ndarray
        The placebo means (for a histogram).
    level : float
        Coverage of ``placebo_lower`` to ``placebo_upper``.
    """

    horizon: int
    n_events: int
    event_mean: float
    placebo_mean: float
    placebo_lower: float
    placebo_upper: float
    p_value: float
    percentile: float
    n_candidates: int
    draws: np.ndarray = field(repr=False)
    level: float = 0.95


def placebo_test(values: pd.Series, events: Events, h: int, draws: int = 5000, seed: int = 0,
                 start: DateLike | None = None, end: DateLike | None = None,
                 transform: Transform = "log", level: float = 0.95) -> PlaceboResult:
    """Random-date placebo: is the mean h-day change after the events unusual for this asset?

    Parameters
    ----------
    values : pd.Series
        Daily closes (or yields).
    events : sequence or mapping of dates
        The N events; those whose horizon is not reached are dropped (N counts the rest).
    h : int
        Horizon in calendar days.
    draws : int
        Placebo replications (at least 5,000 for the notebook's p-values; tests may use fewer).
    seed : int
        Seed of ``numpy.random.default_rng``.
    start, end : date or None
        Baseline sample of start days (see :func:`helpers.methods.eventstudy.unconditional_changes`).
    transform : {"log", "diff"}
    level : float
        Coverage of the interval of the placebo means.

    Returns
    -------
    PlaceboResult

    Raises
    ------
    ValueError
        If no event reaches the horizon.

    Notes
    -----
    Each draw takes N start days uniformly (with replacement) from the baseline sample and
    averages their h-day changes; repeating this ``draws`` times gives the distribution of the
    mean over N *ordinary* days (Brown and Warner, 1985). Its centre equals the unconditional
    mean, so the test asks whether the events beat a random date, not whether prices rose.
    Random dates are drawn independently; the events are not (some share months), so the
    placebo spread is if anything too narrow for clustered events.
    """
    changes = horizon_changes(values, events, [h], transform)[h].dropna()
    if changes.empty:
        raise ValueError(f"no event reaches the {h}-day horizon; drop the horizon or wait for data")
    pool = unconditional_changes(values, h, start, end, transform).to_numpy()
    rng = np.random.default_rng(seed)
    means = pool[rng.integers(0, pool.size, size=(draws, changes.size))].mean(axis=1)
    return _result(h, changes, means, int(pool.size), level)


def spaced_placebo_test(values: pd.Series, events: Events, h: int, start: DateLike | None = None,
                        end: DateLike | None = None, transform: Transform = "log",
                        level: float = 0.95) -> PlaceboResult:
    """Placebo that keeps the events' spacing: every shift of the whole event set through the baseline sample.

    Parameters
    ----------
    values, events, h, start, end, transform, level
        As in :func:`placebo_test`.

    Returns
    -------
    PlaceboResult
        ``draws`` holds the mean h-day change of the shifted event set for *every* shift that keeps
        all shifted events inside the baseline sample (an exact enumeration, no random draws);
        ``p_value`` is (1 + #{shift mean >= event mean}) / (shifts + 1).

    Notes
    -----
    Independent random days understate how often a set of events clears a bar together when the
    events are spaced so that their windows overlap or fall in the same market phase: shifting
    the real set keeps that dependence (a "calendar-time" placebo).
    """
    changes = horizon_changes(values, events, [h], transform)[h].dropna().sort_index()
    if changes.empty:
        raise ValueError(f"no event reaches the {h}-day horizon; drop the horizon or wait for data")
    pool = unconditional_changes(values, h, start, end, transform)
    days = pd.DatetimeIndex(changes.index)
    offsets = (days - days[0]).days.to_numpy()
    x = pool.to_numpy()
    n_shifts = x.size - int(offsets[-1])
    if n_shifts < 1:
        raise ValueError(f"the events span {offsets[-1]} days, longer than the {x.size}-day baseline sample")
    means = np.mean([x[o:o + n_shifts] for o in offsets], axis=0)
    return _result(h, changes, means, int(pool.size), level)


def _result(h: int, changes: pd.Series, means: np.ndarray, n_candidates: int, level: float) -> PlaceboResult:
    """The placebo summary of the events' changes against the placebo means (one-sided, events above)."""
    event_mean = float(changes.mean())
    lower, upper = percentile_interval(means, level)
    p_value = permutation_p_value(event_mean, means, "greater")
    return PlaceboResult(h, int(changes.size), event_mean, float(means.mean()), lower, upper, p_value,
                         percentile_in(event_mean, means), n_candidates, means, level)


def effect_interval(result: PlaceboResult, coverage: float) -> tuple[float, float, float]:
    """Excess of the events' mean over the placebo mean, with the placebo test inverted at ``coverage``.

    Returns
    -------
    (effect, lower, upper)
        ``effect = event_mean - placebo_mean``; the interval holds the shifts ``d`` for which
        ``event_mean - d`` lies inside the central ``coverage`` range of the placebo means:
        ``[event_mean - q_hi, event_mean - q_lo]``.
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), got {coverage}")
    q_lo, q_hi = percentile_interval(result.draws, coverage)
    return result.event_mean - result.placebo_mean, result.event_mean - q_hi, result.event_mean - q_lo


