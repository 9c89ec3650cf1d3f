"""Rules of notebook 01's claims (C01, C02, C05, C06, C29): every branch on constructed inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.claims import mechanism as m
from helpers.claims import vocabulary as v
from helpers.claims.specs import ClaimSpec


def _spec(cid: str, effect: float = math.nan, **thresholds: str) -> ClaimSpec:
    return ClaimSpec(cid, f"{cid.lower()}_rule", "test", "window", thresholds=thresholds, minimum_effect=effect)


C01 = _spec("C01", 5, match_share="0.5", cap_use="0.9")


@pytest.mark.parametrize(("pace", "securities", "liabilities", "cap", "expected"), [
    ((-13, -17, -8), -2200, -2400, 0.96, v.SUPPORTED),  # shrinks, and the liabilities match
    ((-13, -17, -8), -2200, -500, 0.96, v.PARTLY),  # shrinks, but little of it drained reserves/RRP
    ((-13, -17, -8), -2200, -2400, 0.50, v.PARTLY),  # runoff well below its caps
    ((-13, -17, -8), 100, -10, 0.96, v.PARTLY),  # securities did not fall
    ((2, -1, 5), 100, 50, 0.96, v.NOT_SUPPORTED),  # grew: nothing holds
])
def test_c01_branches(pace: tuple[float, float, float], securities: float, liabilities: float, cap: float,
                      expected: str) -> None:
    d = m.c01_runoff_rule(*pace, securities_change=securities, liabilities_change=liabilities,
                          treasury_to_cap=cap, spec=C01)
    assert d.verdict == expected and d.rule == "c01_runoff_rule"


def test_c01_reads_the_declared_specification() -> None:
    d = m.c01_runoff_rule(-13, -17, -8, securities_change=-2200, liabilities_change=-2400, treasury_to_cap=0.96)
    assert d.verdict == v.SUPPORTED


C02 = _spec("C02", 1500, claimed_usd_bn="2000", tolerance="0.25")


@pytest.mark.parametrize(("decline", "change", "lo", "hi", "expected"), [
    (2400, -519, -552, -273, v.PARTLY),  # the balance sheet matches, net liquidity does not
    (2400, -2100, -2300, -1900, v.SUPPORTED),  # both match
    (900, -519, -552, -273, v.NOT_SUPPORTED),  # neither
    (900, -1600, -2400, 100, v.INCONCLUSIVE),  # balance sheet off; net liquidity's range holds both
])
def test_c02_branches(decline: float, change: float, lo: float, hi: float, expected: str) -> None:
    assert m.c02_magnitude_rule(decline, change, lo, hi, spec=C02).verdict == expected


C05 = _spec("C05", claimed_month="2025-12", stop_tolerance="5")
END = pd.Timestamp("2025-12-01")


@pytest.mark.parametrize(("curated", "reference", "change", "n", "expected"), [
    (END, [END], 27.0, 8, v.SUPPORTED),
    (END, None, 27.0, 8, v.SUPPORTED),  # no reference table here: the curated date stands
    (END, [END], -20.0, 8, v.PARTLY),  # dated right, but holdings kept falling
    (END, [END], math.nan, 0, v.INCONCLUSIVE),  # no month after the end yet
    (END, [pd.Timestamp("2025-11-01")], 27.0, 8, v.NOT_SUPPORTED),  # disagrees with the reference
    (pd.Timestamp("2026-01-01"), [pd.Timestamp("2026-01-01")], 27.0, 8, v.NOT_SUPPORTED),  # not the claimed month
])
def test_c05_branches(curated: pd.Timestamp, reference: list[pd.Timestamp], change: float, n: int,
                      expected: str) -> None:
    assert m.c05_end_rule(curated, reference, change, n, spec=C05).verdict == expected


def _pace(mean: float, half: float) -> pd.Series:
    return pd.Series({"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": 40.0, "sd": 1.0})


def test_difference_interval_adds_standard_errors() -> None:
    d, lo, hi = m.difference_interval(_pace(4.0, 3.0), _pace(-13.0, 4.0))
    assert d == pytest.approx(17.0)
    assert hi - d == pytest.approx(5.0, rel=1e-9)  # sqrt(3^2 + 4^2) in units of the half-widths
    assert d - lo == pytest.approx(hi - d)


C06 = _spec("C06", 5, injection_band="10")


@pytest.mark.parametrize(("during", "after", "purchases", "expected"), [
    (_pace(-13, 4), _pace(4, 3), _pace(27, 8), v.PARTLY),  # stopped, but a fresh injection
    (_pace(-13, 4), _pace(0, 2), _pace(0, 5), v.SUPPORTED),  # stopped and flat
    (_pace(-13, 1), _pace(-13, 1), _pace(-30, 5), v.NOT_SUPPORTED),  # still contracting
    (_pace(-13, 4), _pace(-12, 30), _pace(8, 10), v.INCONCLUSIVE),  # neither part decided
])
def test_c06_branches(during: pd.Series, after: pd.Series, purchases: pd.Series, expected: str) -> None:
    d = m.c06_after_qt_rule(during, after, purchases, spec=C06)
    assert d.verdict == expected and d.rule == "c06_after_qt_rule"


def test_window_outcome_against_known_windows() -> None:
    """A series rising 1 a step, then 10 a step after the turn: every 3-step base window gains 3."""
    idx = pd.date_range("2015-01-07", periods=40, freq="W-WED")
    values = np.r_[np.arange(30.0), 29 + 10 * np.arange(1, 11)]
    out = m.window_outcome(pd.Series(values, index=idx, name="x"), idx[29], 3, base_start=idx[0])
    assert out["change"] == 30 and out["base_mean"] == 3 and out["effect"] == 27
    assert out["low"] == 27 and out["high"] == 27 and out["percentile"] == 1.0 and out["n_base"] == 27
    assert out["start"] == f"{idx[29]:%Y-%m-%d}" and out["end"] == f"{idx[32]:%Y-%m-%d}"
    to_end = m.window_outcome(pd.Series(values, index=idx, name="x"), idx[29], None, base_start=idx[0])
    assert to_end["steps"] == 10 and to_end["change"] == 100


def test_window_outcome_logs_and_errors() -> None:
    idx = pd.date_range("2015-01-01", periods=30, freq="D")
    s = pd.Series(np.exp(np.arange(30.0) * 0.1), index=idx, name="p")
    assert m.window_outcome(s, idx[20], 5, base_start=idx[0], log=True)["change"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no observation on or before"):
        m.window_outcome(s, "2014-01-01", 5, base_start=idx[0])
    with pytest.raises(ValueError, match="do not reach"):
        m.window_outcome(s, idx[27], 5, base_start=idx[0])
    with pytest.raises(ValueError, match="comparison windows"):
        m.window_outcome(s, idx[8], 5, base_start=idx[0])


C29 = _spec("C29", 100, price_minimum_effect="0.1")


def _outcome(effect: float, low: float, high: float) -> dict[str, float | int | str]:
    return {"effect": effect, "low": low, "high": high}


@pytest.mark.parametrize(("liq", "prices", "flows", "expected"), [
    (_outcome(90, -800, 570), _outcome(-0.7, -2.8, 0.7), None, v.INCONCLUSIVE),  # today's shape
    (_outcome(400, 200, 600), _outcome(0.5, 0.2, 0.9), None, v.PARTLY),  # two parts hold, flows untestable
    (_outcome(-400, -600, -200), _outcome(-0.5, -0.9, -0.2), None, v.INCONCLUSIVE),  # fails, flows open
    (_outcome(-400, -600, -200), None, "ETF flows", v.INCONCLUSIVE),  # no prices after the turn yet
])
def test_c29_branches(liq: dict[str, float | int | str], prices: dict[str, float | int | str] | None,
                      flows: str | None, expected: str) -> None:
    d = m.c29_after_turn_rule(liq, prices, flows_data=flows, spec=C29)
    assert d.verdict == expected and d.rule == "c29_after_turn_rule"
    assert ("untestable" in d.reason) == (flows is None or prices is None)


def test_evidence_starts_with_a_plain_sentence_and_names_the_rule() -> None:
    d = v.Decision(v.PARTLY, "c02_magnitude_rule", "because")
    text = m.c02_evidence(d, decline=2413, nl_change=-519, nl_start=6169, nl_end=5651,
                          window=pd.Series({"min": -552, "max": -273, "n": 36}), pace=_pace(-2.9, 9.7))
    assert text.startswith("The Fed's balance sheet fell by 2,413 bn") and "519 bn" in text
    assert text.endswith("Rule c02_magnitude_rule: because.")
