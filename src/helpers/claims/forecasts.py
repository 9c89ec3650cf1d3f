"""Rules and evidence text for the dated price forecasts of notebook 06: C23 and C27.

* :func:`c23_range_rule` and :func:`c27_high_rule`: dated price forecasts, credited by the
  information a touch carries: a level declared *before the outcome* from its ex-ante probability.

Forecast levels (:func:`touch_part`): a level whose ex-ante probability of being touched in the
window is at least ``near_certain`` earns no credit when reached (it was the base case), but
missing it is evidence against; a level at most ``1 - near_certain`` likely earns credit when
reached and no blame when missed; between the two, both outcomes inform. The same band applies to
every level of a claim (symmetrically), from the main simulation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.claims import vocabulary as v
from helpers.claims.scenarios import format_date
from helpers.claims.vocabulary import Decision
from helpers.methods.simulation import RealisedPath, RealisedPercentiles

__all__ = ["LevelOutcome", "c23_range_rule", "c23_reachable", "c27_high_rule"]


@dataclass(frozen=True)
class LevelOutcome:
    """A forecast level: its ex-ante touch probability and what happened in the window.

    Attributes
    ----------
    level : float
        Price level (USD).
    probability : float
        Ex-ante probability that a close reaches it within the window (main simulation).
    touched : bool
        Whether a close in the window reached it.
    """

    level: float
    probability: float
    touched: bool


def informative(probability: float, near_certain: float) -> bool:
    """A level is informative when its ex-ante probability lies strictly between ``1 - near_certain`` and it."""
    if not 0.5 < near_certain < 1:
        raise ValueError(f"near_certain must be in (0.5, 1), got {near_certain}")
    return 1 - near_certain < probability < near_certain


def touch_part(outcome: LevelOutcome, complete: bool, near_certain: float, rule: str) -> Decision:
    """Decide one forecast level by the information its outcome carries.

    Returns
    -------
    Decision
        Touched: ``supported`` unless it was near certain ex ante (then ``inconclusive``: the
        base case came true). Not touched and the window over: ``not supported`` unless it was a
        long shot ex ante (then ``inconclusive``). Not touched and the window open: ``inconclusive``.
    """
    p, lv = outcome.probability, f"{outcome.level:,.0f}"
    if outcome.touched:
        if p >= near_certain:
            return Decision(v.INCONCLUSIVE, rule, f"{lv} was reached, but ex ante it was near certain (p={p:.2f}): "
                                                  "no credit")
        return Decision(v.SUPPORTED, rule, f"{lv} was reached with an ex-ante probability of {p:.2f}")
    if not complete:
        return Decision(v.INCONCLUSIVE, rule, f"{lv} not reached yet and the window is still open (p={p:.2f})")
    if p <= 1 - near_certain:
        return Decision(v.INCONCLUSIVE, rule, f"{lv} not reached, but ex ante it was a long shot (p={p:.2f})")
    return Decision(v.NOT_SUPPORTED, rule, f"{lv} not reached in the window, ex-ante probability {p:.2f}")


def c23_range_rule(low: LevelOutcome, high: LevelOutcome, *, complete: bool, near_certain: float = 0.85) -> Decision:
    """C23: "BTC may test USD low-high after QT ends" within the declared window.

    ``supported`` if the top of the range decides so (:func:`touch_part`); ``partly supported``
    if only the bottom does; ``not supported`` if the top was missed when it was not a long shot;
    ``inconclusive`` otherwise (window open, or only near-certain levels reached).
    """
    rule = "c23_range_rule"
    top, bottom = touch_part(high, complete, near_certain, rule), touch_part(low, complete, near_certain, rule)
    why = f"top: {top.reason}; bottom: {bottom.reason}"
    if top.verdict == v.SUPPORTED:
        return Decision(v.SUPPORTED, rule, why)
    if bottom.verdict == v.SUPPORTED:
        return Decision(v.PARTLY, rule, why)
    if top.verdict == v.NOT_SUPPORTED:
        return Decision(v.NOT_SUPPORTED, rule, why)
    return Decision(v.INCONCLUSIVE, rule, why)


def c27_high_rule(high: LevelOutcome, *, complete: bool, near_certain: float = 0.85,
                  momentum_held: bool | None = None) -> Decision:
    """C27: "if momentum holds, BTC may reach new all-time highs after QT ends".

    Parameters
    ----------
    high : LevelOutcome
        The prior record close, its ex-ante probability and whether a close in the window beat it.
    complete : bool
        Whether the window is over.
    near_certain : float
        See :func:`touch_part`.
    momentum_held : bool, optional
        The claim's condition, read as declared in ``data/claim_specs.csv``: the close at the end of
        the window (the last close while it is open) at or above the close on the QT-end day.
        ``None``: the condition is ignored (the unconditional reading).

    Returns
    -------
    Decision
        A new record: :func:`touch_part` (``supported`` unless it was near certain). No record and
        the window open: ``inconclusive``. No record, the window over and the condition failed:
        ``untestable here`` by the declared conditional reading (a claim "if A then B" says nothing
        when A did not happen; the deciding data, a window in which momentum held, do not exist).
        No record, the window over and the condition held (or ignored): :func:`touch_part`
        (``not supported`` unless the record was a long shot).
    """
    rule = "c27_high_rule"
    d = touch_part(high, complete, near_certain, rule)
    if not high.touched and complete and momentum_held is False:
        return v.untestable(f"a 12-month window after the QT end in which momentum held (the condition of the claim "
                            f"failed: the window closed below the QT-end close, and the prior record close "
                            f"{high.level:,.0f} was not beaten)", rule=rule)
    cond = ("" if momentum_held is None else
            "; the condition 'if momentum holds' " + ("holds so far" if momentum_held else "fails so far"))
    return Decision(d.verdict, d.rule, f"prior record close {d.reason}{cond}")


def c23_evidence(realised: RealisedPath, touch: pd.DataFrame, date: str, levels: Sequence[float],
                 n_paths: int, complete: bool, percentiles: RealisedPercentiles, window_end: object,
                 decision: Decision, band: tuple[float, float] | None, main: str, near_certain: float = 0.85,
                 zero_drift: str | None = None) -> str:
    """Evidence for C23: plain first sentence, the realised closes, the ex-ante probabilities, the rule's reason.

    Parameters
    ----------
    realised : RealisedPath
        :func:`helpers.methods.simulation.realised_after` over the claim's window.
    touch : DataFrame
        :func:`helpers.methods.simulation.touch_table` (rows samples, the main one named ``main``).
    date : str
        Forecast day.
    levels : sequence of float
        The range (first and last are used).
    n_paths : int
        Simulated paths per sample.
    complete : bool
        Whether the window is over.
    percentiles : RealisedPercentiles
        :func:`helpers.methods.simulation.realised_percentiles` of the realised path among the main paths.
    window_end : date
        Last day of the window.
    decision : Decision
        :func:`c23_range_rule`.
    band : (float, float) or None
        Lowest and highest level above the start declared informative ex ante.
    main : str
        Name of the main sample.
    near_certain : float
        The informative band's upper edge (:func:`informative`).
    zero_drift : str, optional
        Name of the zero-drift sample in ``touch``: how much the classification rests on the drift.
    """
    low, high = levels[0], levels[-1]
    h = max(d for lv, d in touch.columns if lv != "median close")
    p_low, p_high = touch[(low, h)], touch[(high, h)]
    state = "complete" if complete else "still open"
    first = (f"BTC's highest close in the 12 months after {date} so far is USD {realised.max:,.0f} (first close >= "
             f"{low:,.0f} on {format_date(realised.first_touch[float(low)])}, >= {high:,.0f}: "
             f"{format_date(realised.first_touch[float(high)])}; N={realised.n_days} closes to "
             f"{format_date(realised.last_date)}, window to {pd.Timestamp(str(window_end)):%Y-%m-%d} {state}), while the "
             f"simulation gave {low:,.0f} a {p_low[main]:.0%} and {high:,.0f} a {p_high[main]:.0%} chance ex ante.")
    def kind(p: float) -> str:
        return "informative" if informative(p, near_certain) else ("near certain" if p >= near_certain else "a long shot")

    declared = (f" Declared before the outcome, from the main simulation: a level is informative when its ex-ante "
                f"touch probability lies between {1 - near_certain:.2f} and {near_certain:.2f}; of the levels tested "
                f"above the start, USD {band[0]:,.0f} to {band[1]:,.0f} were; {low:,.0f} was {kind(p_low[main])} and "
                f"{high:,.0f} {kind(p_high[main])}" if band else "")
    reachable = c23_reachable(float(p_low[main]), float(p_high[main]), near_certain, low, high)
    can = (f" Under the main simulation the rule can end this window only as {' or '.join(reachable)}"
           + (": C23 can never be supported, because both ends of the range were near certain ex ante"
              if v.SUPPORTED not in reachable and v.PARTLY not in reachable else "") + ".")
    drift = ""
    if zero_drift is not None and zero_drift in touch.index:
        z_low, z_high = float(p_low[zero_drift]), float(p_high[zero_drift])
        drift = (f" The classification rests on the drift the sample carries: with zero drift ({zero_drift}) "
                 f"{low:,.0f} had {z_low:.2f} ({kind(z_low)}) and {high:,.0f} {z_high:.2f} ({kind(z_high)})"
                 + (f", so a touch of {high:,.0f} would earn credit there." if informative(z_high, near_certain)
                    else "."))
    return (f"{first} Close on {date} USD {realised.close_at_date:,.0f}; highest close USD {realised.max:,.0f} on "
            f"{format_date(realised.max_date)}; lowest USD {realised.min:,.0f} on {format_date(realised.min_date)}. "
            f"Ex ante, stationary bootstrap of daily log returns up to {date} (N={n_paths} paths per sample, "
            f"{len(touch)} samples, main: {main}): P(touch {low:,.0f} within {h} d) {p_low.min():.2f}-"
            f"{p_low.max():.2f}, P(touch {high:,.0f}) {p_high.min():.2f}-{p_high.max():.2f} over the samples."
            + (declared + "." if band else "")
            + f" Over the {percentiles.days:.0f} days observed, the realised highest close sits at the "
            f"{percentiles.max:.0f}th and the last close at the {percentiles.last:.0f}th percentile of the "
            f"simulated paths ({main}).{can}{drift} Rule: {decision.reason}.")


def c23_reachable(p_low: float, p_high: float, near_certain: float, low: float = 0.0, high: float = 1.0) -> list[str]:
    """The verdicts :func:`c23_range_rule` can still give when the window closes, for every possible outcome.

    The outcomes are: neither end touched, only the bottom, both (the top implies the bottom).
    """
    out: list[str] = []
    for touched_low, touched_high in ((False, False), (True, False), (True, True)):
        d = c23_range_rule(LevelOutcome(low, p_low, touched_low), LevelOutcome(high, p_high, touched_high),
                           complete=True, near_certain=near_certain)
        if d.verdict not in out:
            out.append(d.verdict)
    return out


def c27_evidence(record: float, record_date: object, realised: RealisedPath, probability: float,
                 probability_range: tuple[float, float], complete: bool, window_end: object, decision: Decision,
                 date: str, n_paths: int, main: str, last_close: float | None = None,
                 zero_drift_probability: float | None = None, zero_drift: str = "zero drift") -> str:
    """Evidence for C27: the prior record close, the best close since, the ex-ante chance, the condition, the window.

    ``last_close`` (the last close in the window) against the close on ``date`` states the claim's
    condition "if momentum holds" (:func:`c27_high_rule`); ``zero_drift_probability`` the chance of a
    new record in the zero-drift sample named ``zero_drift``.
    """
    state = "complete" if complete else "still open"
    gap = realised.max / record - 1
    start = realised.close_at_date
    cond = ("" if last_close is None else
            f" The claim's condition, 'if momentum holds' (declared: the window's last close at or above the close on "
            f"{date}), {'holds' if last_close >= start else 'fails'} so far: the last close USD {last_close:,.0f} is "
            f"{last_close / start - 1:+.0%} against USD {start:,.0f}. If the window closes without a record "
            + ("while the condition has failed, the declared conditional reading makes C27 untestable here (the "
               "antecedent did not occur), not refuted; with the condition holding it would be not supported."
               if last_close < start else "while the condition holds, C27 is not supported."))
    drift = ("" if zero_drift_probability is None else
             f" The chance rests on the drift of the sample: with {zero_drift} it was {zero_drift_probability:.2f}.")
    return (f"BTC's highest close after {date} was USD {realised.max:,.0f} on {format_date(realised.max_date)}, "
            f"{gap:+.0%} against the prior record close of USD {record:,.0f} ({format_date(record_date)}); the window to "
            f"{pd.Timestamp(str(window_end)):%Y-%m-%d} is {state} (N={realised.n_days} closes to "
            f"{format_date(realised.last_date)}). Ex ante, the simulation ({main}, N={n_paths} paths) gave a new record "
            f"close within the window a probability of {probability:.2f} ({probability_range[0]:.2f}-"
            f"{probability_range[1]:.2f} over the samples).{drift}{cond} Rule: {decision.reason}.")
