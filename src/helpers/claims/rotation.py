"""Verdict rules and evidence text of notebook 04 (sector rotation): C15-C18.

The size and risk claims of the same notebook (C19, C25, C26 and the survivorship reading) are in
:mod:`helpers.claims.rotation_sizes`.

One function per rule, each returning a :class:`~helpers.claims.vocabulary.Decision` built on the
generic rules of :mod:`helpers.claims.vocabulary` where they fit (``interval_rule`` for one
effect with its interval, ``compound_rule`` for a claim made of parts). Evidence text is
generated here from computed values, with a first sentence in plain words (effect, interval, N).

Rules
-----
C15 :func:`c15_leader_rule`
    BTC's uptrend first (sign test) and weekly lead asymmetry; "not supported" needs the
    bootstrap interval of the best weekly lag to exclude a BTC lead for every sector.
C16 :func:`c16_risk_on_rule`
    ``interval_rule`` on ETH/BTC's mean next-week log return in the primary risk-on definition,
    the other definitions as the robustness share.
C17 :func:`c17_rule`
    Compound: timing (:func:`c17_timing_part`), amplified gains and amplified volatility
    (:func:`amplification_part`), each part's interval at the level that agrees with Holm's
    correction over the notebook's C17 family (:func:`holm_levels`).
C18 :func:`c18_rule`
    Compound of two ``interval_rule`` parts: DeFi rises more after expanding weeks, and more
    than BTC.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.claims.vocabulary import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Decision,
    compound_rule,
    interval_rule,
)
from helpers.methods import inference

# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def mean_interval(values: pd.Series, level: float) -> tuple[float, float, float, int]:
    """Mean of ``values`` (NaN dropped) with a Student-t interval at ``level``.

    Returns
    -------
    tuple
        ``(mean, low, high, n)``; the interval is NaN with fewer than two values.
    """
    v = values.dropna().to_numpy(float)
    n = len(v)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(v.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * float(v.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


def share_interval(k: int, n: int, level: float) -> tuple[float, float]:
    """Clopper-Pearson (exact) interval of a share ``k / n`` at ``level``."""
    ci = sps.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def with_reason(decision: Decision, reason: str) -> Decision:
    """The same verdict and rule with a reason written by the claim's rule."""
    return Decision(decision.verdict, decision.rule, reason)


# ---------------------------------------------------------------------------------------------
# C15: BTC leads
# ---------------------------------------------------------------------------------------------


def c15_leader_rule(first: pd.DataFrame, leads: pd.DataFrame, alpha: float = 0.05, min_episodes: int = 3) -> Decision:
    """Verdict on "BTC benefits first and most directly; it usually leads the market up".

    Parameters
    ----------
    first : DataFrame
        Per follower: ``n`` (episodes), ``share_positive`` (BTC's uptrend first) and ``p_holm``
        (sign test, Holm-adjusted within C15).
    leads : DataFrame
        Per follower (:func:`helpers.methods.leadlag.lead_lag_table`): ``asym_lo`` (lower end of the lead
        asymmetry interval) and ``hi`` (upper end of the best weekly lag's bootstrap interval).
    alpha : float
        Level after Holm's correction.
    min_episodes : int
        With fewer episodes for every follower the data cannot decide.

    Returns
    -------
    Decision
        ``supported``: BTC's uptrend comes first significantly for every follower *and* every
        asymmetry interval lies above zero; ``partly supported``: one of the two holds for at
        least one follower; ``not supported``: neither holds and the best weekly lag's interval
        excludes a BTC lead (upper end below one week) for every follower, so a lead of a week or
        more is ruled out; ``inconclusive``: otherwise, or too few episodes.
    """
    rule = "c15_leader_rule"
    if bool((first["n"] < min_episodes).all()):
        return Decision(INCONCLUSIVE, rule, f"fewer than {min_episodes} episodes for every sector")
    is_first = (first["share_positive"] > 0.5) & (first["p_holm"] < alpha)
    is_lead = leads["asym_lo"] > 0
    if bool(is_first.all()) and bool(is_lead.all()):
        return Decision(SUPPORTED, rule, "BTC's uptrend came first significantly and led weekly returns for every sector")
    if bool(is_first.any()) or bool(is_lead.any()):
        which = sorted(set(is_first.index[is_first]) | set(is_lead.index[is_lead]))
        return Decision("partly supported", rule, f"BTC led for some sectors only ({', '.join(which)})")
    if bool((leads["hi"] < 1).all()):
        return Decision(NOT_SUPPORTED, rule, "BTC was not first significantly for any sector, and the interval of the "
                        "best weekly lag excludes a BTC lead of a week or more for every sector")
    return Decision(INCONCLUSIVE, rule, "BTC was not first significantly, but a weekly lead is not ruled out")


def c15_evidence(lags: pd.DataFrame, first: pd.DataFrame, leads: Mapping[str, object], names: Sequence[str],
                 granger_min_p_holm: float, liquidity_sd: pd.Series, last_date: pd.Timestamp) -> str:
    """Evidence of C15: onset lags, the sign test, the weekly lead-lag and Granger tests.

    ``leads`` maps each sector to its :class:`helpers.methods.leadlag.LeadLag`; ``liquidity_sd`` holds
    the 13-week liquidity response in SD units per series (``btc`` and the sectors).
    """
    alt = leads["alt"]
    lag_text = ", ".join(f"{k} {lags[k].median() + 0:+.0f} days (N={int(lags[k].notna().sum())})" for k in names)
    best = ", ".join(f"{k} {leads[k].lag} [{leads[k].lo:.0f}, {leads[k].hi:.0f}]" for k in names)  # type: ignore[attr-defined]
    return (f"Sectors start their uptrends with BTC, not after it: median lag from BTC's uptrend to each sector's "
            f"own {lag_text}, data to {last_date:%Y-%m-%d}. BTC first in {first.loc['alt', 'share_positive']:.0%} of "
            f"alt episodes (sign test p={first.loc['alt', 'p']:.2f}). Best weekly lag in weeks, 95% bootstrap: "
            f"{best}; alt lead asymmetry {alt.asymmetry:+.2f} [{alt.asym_lo:+.2f}, {alt.asym_hi:+.2f}] "  # type: ignore[attr-defined]
            f"(N={alt.n} weeks); smallest Granger Holm p {granger_min_p_holm:.2f}. BTC's 13-week "  # type: ignore[attr-defined]
            f"liquidity response in SD units ({liquidity_sd['btc']:.2f}) is not larger than the sectors' "
            f"(max {liquidity_sd[list(names)].max():.2f}).")


# ---------------------------------------------------------------------------------------------
# C16: ETH outperforms in risk-on phases
# ---------------------------------------------------------------------------------------------


def c16_risk_on_rule(table: pd.DataFrame, primary: str, minimum_effect: float, min_n: int = 0) -> Decision:
    """Verdict on "ETH may outperform BTC in a risk-on phase".

    Parameters
    ----------
    table : DataFrame
        One row per risk-on definition: ``estimate`` (mean next-week ETH/BTC log return in risk-on
        weeks), ``lo``, ``hi`` (its interval) and ``n`` (the smaller of the risk-on and risk-off
        week counts).
    primary : str
        The declared primary definition (a row of ``table``); the others are the alternatives.
    minimum_effect : float
        Smallest weekly mean that would count as outperformance (log return per week).
    min_n : int
        With fewer weeks in a regime of the primary definition the data cannot decide.

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.interval_rule` on the primary definition, with the share
        of alternatives whose interval lies above zero as its robustness share.
    """
    rule = "c16_risk_on_rule"
    row = table.loc[primary]
    if "n" in table and row["n"] < min_n:
        return Decision(INCONCLUSIVE, rule, f"fewer than {min_n} weeks in a regime of the primary definition")
    alternatives = table.drop(index=primary)
    share = float((alternatives["lo"] > 0).mean()) if len(alternatives) else None
    d = interval_rule(float(row["estimate"]), float(row["lo"]), float(row["hi"]), minimum_effect=minimum_effect,
                      robust_share=share, rule=rule)
    return with_reason(d, f"primary definition '{primary}': {d.reason}")


def c16_evidence(table: pd.DataFrame, late: Mapping[str, float], late_label: str, last_date: pd.Timestamp) -> str:
    """Evidence of C16 from :func:`helpers.methods.masked_bootstrap.regime_means_table` rows and the late sub-period."""
    first = table.iloc[0]
    parts = "; ".join(f"{k} {r['mean_on']:+.4f} [{r['lo_on']:+.4f}, {r['hi_on']:+.4f}] (N={int(r['n_on'])}, "
                      f"two-sided p={r['p_on']:.2f})" for k, r in table.iterrows())
    return (f"ETH/BTC rose {np.expm1(first['mean_on']):+.1%} a week on average in BTC-uptrend weeks (95% interval "
            f"{np.expm1(first['lo_on']):+.1%} to {np.expm1(first['hi_on']):+.1%}, N={int(first['n_on'])} weeks to "
            f"{last_date:%Y-%m-%d}). Mean next-week ETH/BTC log return in risk-on weeks, 95% stationary bootstrap: "
            f"{parts}. BTC-uptrend mean {late_label} {late['mean']:+.4f} [{late['lo']:+.4f}, {late['hi']:+.4f}] "
            f"(N={int(late['n'])}).")


# ---------------------------------------------------------------------------------------------
# C17: altcoins follow 1-3 months later, with amplified gains and volatility
# ---------------------------------------------------------------------------------------------


def holm_levels(p: pd.Series, one_sided: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Holm's correction over a claim's family of tests, with an interval level for each test that agrees with it.

    A rejected test gets the level ``1 - alpha * p / p_holm`` (its interval excludes the null
    exactly when Holm rejects it; for the smallest p that is Bonferroni's ``1 - alpha / m``). A
    test Holm does not reject gets ``1 - alpha / (m - r)`` with ``r`` rejections, the level of
    Holm-compatible simultaneous intervals (Strassburger and Bretz, 2008, *Statistics in Medicine*
    27, 4914-4927), so that the minimum-effect comparison is not made on a narrower interval than
    the family allows. A one-sided test's p is one tail of a two-sided interval: its tail share is
    doubled.

    Parameters
    ----------
    p : Series
        Raw p-values of the family (index: the test names).
    one_sided : Series of bool
        Per test, whether its p is one-sided.
    alpha : float
        Family-wise level.

    Returns
    -------
    DataFrame
        ``p``, ``p_holm``, ``rejected`` and ``level`` (two-sided confidence level), per test.

    Raises
    ------
    ValueError
        On a p outside (0, 1].
    """
    if p.isna().any() or ((p <= 0) | (p > 1)).any():
        raise ValueError(f"p-values must be in (0, 1], got {p.to_dict()}")
    p_holm = pd.Series(inference.adjust_pvalues(p, "holm"), index=p.index).clip(upper=1.0)
    rejected = p_holm < alpha
    m, r = len(p), int(rejected.sum())
    gamma = np.where(rejected, alpha * p / p_holm, alpha / max(m - r, 1))
    gamma = gamma * np.where(one_sided.reindex(p.index).fillna(False).astype(bool), 2.0, 1.0)
    level = np.clip(1 - gamma, 0.0, 1 - 1e-12)
    return pd.DataFrame({"p": p, "p_holm": p_holm, "rejected": rejected, "level": level}, index=p.index)


def c17_timing_part(lags: pd.Series, band: Sequence[int], window_mean: float, window_p_holm: float,
                    alpha: float = 0.05, level: float | None = None, claimed_share: float = 0.5,
                    min_episodes: int = 3) -> Decision:
    """The timing part of C17: do altcoins establish their uptrend 1-3 months after BTC?

    Parameters
    ----------
    lags : Series
        Onset lags of the alt basket in days (:func:`helpers.methods.episodes.onset_lags`).
    band : (int, int)
        The claimed lag in days, inclusive.
    window_mean, window_p_holm : float
        Mean change of the alt basket's relative strength in the claimed window, and its Holm p
        against random days within C17's family: a significant rise there also establishes the timing.
    alpha : float
        Family-wise level of the claim.
    level : float, optional
        Level of the share's exact interval: :func:`holm_levels` of the band-share test in C17's
        family (default ``1 - alpha``).
    claimed_share : float
        A claim about the usual lag implies at least this share of lags in the band.
    min_episodes : int
        With fewer lags the timing cannot be judged.

    Returns
    -------
    Decision
        ``supported`` if the median lag lies in the band or relative strength rises there
        significantly; otherwise :func:`~helpers.claims.vocabulary.interval_rule` on the share of
        lags in the band (Clopper-Pearson interval), whose minimum meaningful effect is
        ``claimed_share``: ``not supported`` when the interval lies below it.
    """
    rule = "c17_timing_part"
    v = lags.dropna()
    if len(v) < min_episodes:
        return Decision(INCONCLUSIVE, rule, f"fewer than {min_episodes} onset lags")
    median = float(v.median())
    if band[0] <= median <= band[1] or (window_mean > 0 and window_p_holm < alpha):
        return Decision(SUPPORTED, rule, f"median lag {median:+.0f} days or relative strength in days "
                        f"{band[0]}-{band[1]} (Holm p={window_p_holm:.3f}) fits the claimed timing")
    k = int(v.between(band[0], band[1]).sum())
    lvl = 1 - alpha if level is None else level
    lo, hi = share_interval(k, len(v), lvl)
    d = interval_rule(k / len(v), lo, hi, minimum_effect=claimed_share, rule=rule)
    return with_reason(d, f"{k} of N={len(v)} lags in {band[0]}-{band[1]} days, share interval [{lo:.2f}, {hi:.2f}] "
                 f"at {lvl:.2%} against a claimed share of at least {claimed_share:.2f}: {d.reason}")


def amplification_part(values: pd.Series, minimum_effect: float, what: str, alpha: float = 0.05,
                       level: float | None = None, robust_share: float | None = None) -> Decision:
    """One "amplified" part of C17: the mean per-episode effect, with a t interval.

    Parameters
    ----------
    values : Series
        Per BTC episode: the alt basket's log gain minus BTC's (gains), or the log of its in-rally
        volatility ratio to BTC over its usual ratio before the episode (volatility).
    minimum_effect : float
        Smallest mean effect that would count as amplification (in the same log units).
    what : str
        Name of the part for the reason (``"gains"``, ``"volatility"``).
    alpha : float
        Family-wise level of the claim.
    level : float, optional
        Level of the t interval: :func:`holm_levels` of the part's t test in C17's family
        (default ``1 - alpha``).
    robust_share : float, optional
        Share of the declared alternatives (leave one episode out) that agree; see
        :func:`~helpers.claims.vocabulary.interval_rule`.
    """
    rule = f"c17_amplified_{what}"
    lvl = 1 - alpha if level is None else level
    m, lo, hi, n = mean_interval(values, lvl)
    if n < 3 or math.isnan(lo):
        return Decision(INCONCLUSIVE, rule, f"fewer than 3 episodes with amplified {what} measured")
    d = interval_rule(m, lo, hi, minimum_effect=minimum_effect, robust_share=robust_share, rule=rule)
    return with_reason(d, f"mean {m:+.3f} log over N={n} episodes, interval [{lo:+.3f}, {hi:+.3f}] at {lvl:.2%}: {d.reason}")


def c17_rule(timing: Decision, gains: Decision, volatility: Decision) -> Decision:
    """Verdict on C17 from its three parts, with :func:`~helpers.claims.vocabulary.compound_rule`."""
    return compound_rule({"timing": timing, "amplified gains": gains, "amplified volatility": volatility},
                         rule="c17_rule")


def loo_agreement(loo: pd.DataFrame, reference: Decision, minimum_effect: float) -> float:
    """Share of leave-one-episode-out rows (``estimate``, ``low``, ``high``) whose interval rule gives ``reference``'s verdict."""
    if loo.empty:
        return math.nan
    same = [interval_rule(r["estimate"], r["low"], r["high"], minimum_effect=minimum_effect).verdict
            == reference.verdict for _, r in loo.iterrows()]
    return float(np.mean(same))


def c17_evidence(decision: Decision, parts: Mapping[str, Decision], lags: pd.Series, band_row: Mapping[str, float],
                 window_row: Mapping[str, float], vol_ratios: pd.Series, base_ratios: pd.Series,
                 vs_btc: tuple[float, float, float], loo: Mapping[str, pd.DataFrame], family_size: int,
                 band: str, last_date: pd.Timestamp) -> str:
    """Evidence of C17: which parts hold (first sentence), then each part's numbers.

    ``vol_ratios`` and ``base_ratios`` are the alt basket's in-rally and usual (pre-episode,
    non-uptrend) volatility ratios to BTC per episode; ``vs_btc`` the mean log in-rally ratio with
    its interval at the volatility part's level (the declared alternative: against a ratio of 1);
    ``loo`` maps a part's name to its :func:`helpers.methods.rally_anatomy.leave_one_episode_out` table.
    """
    held = [k for k, d in parts.items() if d.verdict == SUPPORTED]
    failed = [k for k, d in parts.items() if d.verdict == NOT_SUPPORTED]
    open_ = [k for k, d in parts.items() if k not in held + failed]
    geo = float(np.exp(np.log(vol_ratios.dropna()).mean()))
    base = float(np.exp(np.log(base_ratios.dropna()).mean()))
    lead = (f"A compound claim: {', '.join(held) or 'no part'} holds; {', '.join(failed) or 'no part'} fails"
            + (f"; {', '.join(open_)} cannot be decided" if open_ else "")
            + f". The alt basket swung {geo:.2f} times as hard as BTC in BTC's uptrends (geometric mean over "
            f"N={int(vol_ratios.notna().sum())} episodes to {last_date:%Y-%m-%d}) and {base:.2f} times in the year "
            f"before them outside uptrends, and its own uptrend came a median {lags.median() + 0:+.0f} days after "
            "BTC's, not 1-3 months later.")

    vol_holds = parts["amplified volatility"].verdict == SUPPORTED
    vs_note = ("" if not vs_btc[1] > 0 else ", so the alts are more volatile than BTC" if vol_holds else
               ", so the alts are more volatile than BTC, but not measurably more so in rallies than at other times")

    def loo_text(name: str) -> str:
        t = loo.get(name)
        if t is None or t.empty:
            return ""
        clear = int((t["low"] > 0).sum())
        return (f"; leaving out one episode at a time, the estimate runs {t['estimate'].min():+.3f} to "
                f"{t['estimate'].max():+.3f} and the interval is clear of zero in {clear} of {len(t)}")

    return (f"{lead} Family: the {family_size} C17 tests of the notebook, Holm; each part's interval at the level "
            f"that agrees with Holm's correction. Timing: {int(band_row['n_in_band'])} of N={int(band_row['n'])} lags in {band} "
            f"days (binomial p={band_row['p']:.4f}, Holm p={band_row['p_holm']:.3f} against 'at least half'); "
            f"relative strength changed {window_row['event_mean']:+.3f} in days {band} (random days "
            f"{window_row['placebo_lower']:+.3f} to {window_row['placebo_upper']:+.3f}, N={int(window_row['n_events'])}"
            f"): {parts['timing'].reason}. Gains (log gain minus BTC's per episode, survivor-only basket): "
            f"{parts['amplified gains'].reason}{loo_text('amplified gains')}. Volatility (log in-rally ratio to BTC "
            f"over the usual ratio): {parts['amplified volatility'].reason}{loo_text('amplified volatility')}; against "
            f"BTC's own volatility (ratio 1) the mean log ratio is {vs_btc[0]:+.3f} [{vs_btc[1]:+.3f}, "
            f"{vs_btc[2]:+.3f}] at the same level{vs_note}{loo_text('volatility vs BTC')}. Rule: {decision.reason}.")


# ---------------------------------------------------------------------------------------------
# C18: DeFi benefits directly when liquidity returns
# ---------------------------------------------------------------------------------------------


def c18_rule(defi: Mapping[str, float], defi_btc: Mapping[str, float], minimum_effect: float,
             min_n: int = 0) -> Decision:
    """Verdict on "DeFi tokens benefit directly when liquidity returns".

    Parameters
    ----------
    defi, defi_btc : mapping
        Rows of :func:`helpers.methods.regimes.regime_table` for the DeFi basket and for DeFi/BTC: ``diff``
        (13-week forward log return after expanding minus contracting weeks), ``lo``, ``hi``,
        ``n_first`` and ``n_second``.
    minimum_effect : float
        Smallest difference that would count as a benefit (log return over the horizon).
    min_n : int
        With fewer weeks in either regime a part cannot be decided.

    Returns
    -------
    Decision
        :func:`~helpers.claims.vocabulary.compound_rule` over two
        :func:`~helpers.claims.vocabulary.interval_rule` parts: DeFi rises more after expanding
        weeks ("benefit"), and more than BTC ("directly").
    """
    parts = {}
    for name, row in [("benefit", defi), ("more than BTC", defi_btc)]:
        rule = f"c18_{'benefit' if name == 'benefit' else 'directly'}"
        if min(row["n_first"], row["n_second"]) < min_n:
            parts[name] = Decision(INCONCLUSIVE, rule, f"fewer than {min_n} weeks in a regime")
        else:
            parts[name] = interval_rule(float(row["diff"]), float(row["lo"]), float(row["hi"]),
                                        minimum_effect=minimum_effect, rule=rule)
    return compound_rule(parts, rule="c18_rule")


def c18_evidence(defi: Mapping[str, float], defi_btc: Mapping[str, float], n_rows: int, start: str,
                 last_date: pd.Timestamp) -> str:
    """Evidence of C18 from the two regime rows."""
    return (f"The DeFi basket gained {defi['diff']:+.2f} log more over the 13 weeks after expanding than after "
            f"contracting net-liquidity weeks (95% interval {defi['lo']:+.2f} to {defi['hi']:+.2f}, N="
            f"{int(defi['n'])} overlapping weeks from {start} to {last_date:%Y-%m-%d}); DeFi/BTC {defi_btc['diff']:+.3f} "
            f"[{defi_btc['lo']:+.3f}, {defi_btc['hi']:+.3f}] (95% stationary bootstrap; Holm p {defi['p_holm']:.2f} "
            f"and {defi_btc['p_holm']:.2f} over {n_rows} rows). One liquidity cycle; survivor-only basket.")
