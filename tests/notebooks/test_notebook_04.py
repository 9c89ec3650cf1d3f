"""Notebook 04 executed through papermill on the mirror: headline keys, the six claims, two keys recomputed.

The recomputations read the mirror's CSV files directly (not ``helpers.data``), so the date shift that
turns the mirror's 00:00 UTC snapshots into closes is checked too: close(D) = ``price_usd`` labelled D+1.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.claims.results import VERDICTS

NAME = "04_sector_rotation"
CLAIMS = ["C15", "C16", "C17", "C18", "C19", "C25", "C26"]
#: Headline keys and their units.
REQUIRED: dict[str, str] = {
    "btc_uptrend_episodes_n": "count",
    "btc_time_to_peak_days_median": "days",
    "eth_lag_after_btc_uptrend_days_median": "days",
    "alt_basket_lag_after_btc_uptrend_days_median": "days",
    "defi_basket_lag_after_btc_uptrend_days_median": "days",
    "alt_basket_lag_in_claim_band_share": "share",
    "alt_basket_lag_in_claim_band_binomial_p": "probability",
    "alt_btc_rs_change_30_90d_after_btc_uptrend_mean": "log return",
    "defi_btc_rs_change_30_90d_after_btc_uptrend_mean": "log return",
    "alt_btc_weekly_best_lag_weeks": "weeks",
    "alt_btc_weekly_lead_asymmetry": "correlation",
    "alt_outperformance_lag_weeks": "weeks",
    "alt_beta_on_btc_weekly": "ratio",
    "alt_basket_excess_gain_over_btc_median": "log return",
    "alt_basket_vol_ratio_to_btc_median": "ratio",
    "defi_basket_vol_ratio_to_btc_median": "ratio",
    "eth_btc_logret_risk_on_mean": "log return per week",
    "eth_btc_logret_liq_expanding_mean": "log return per week",
    "eth_btc_logret_risk_on_minus_off": "log return per week",
    "eth_btc_logret_risk_on_mean_late": "log return per week",
    "defi_fwd13w_liq_expanding_minus_contracting": "log return",
    "defi_btc_fwd13w_liq_expanding_minus_contracting": "log return",
    "altseason_share_of_days": "share",
    "altseason_onset_after_btc_uptrend_days_median": "days",
    "btc_dominance_change_90d_after_btc_uptrend_mean": "percentage points",
    "small_cap_rally_gain_median": "log return",
    "small_cap_drawdown_after_peak_median": "log return",
    "spearman_size_rank_vs_excess_drawdown": "rank correlation",
    "large_minus_small_return_per_vol_liquidity_rallies": "ratio",
    "large_cap_worst_drawdown_liquidity_rallies": "fraction",
    "small_cap_worst_drawdown_liquidity_rallies": "fraction",
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, bootstrap_reps=200, placebo_draws=500)


def _uptrend_state(price: pd.Series, window: int = 200, confirm: int = 30) -> pd.Series:
    """The 200-day rule written again with plain pandas: on after 30 closes above the average, off after 30 below."""
    sma = price.rolling(window).mean()
    above, below = price > sma, price < sma
    run_above = above.astype(int).groupby((~above).cumsum()).cumsum()
    run_below = below.astype(int).groupby((~below).cumsum()).cumsum()
    state, on = [], False
    for a, b in zip(run_above, run_below, strict=True):
        on = (a >= confirm) if not on else not (b >= confirm)
        state.append(on)
    return pd.Series(state, index=price.index)


def _closes(mirror: Path, symbol: str, seasoning: int = 30) -> pd.Series:
    """Daily closes from the mirror's CSV: the price at 00:00 UTC of D+1 is the close of D; first 30 days dropped."""
    raw = pd.read_csv(mirror / "crypto" / f"{symbol}.csv", usecols=["date", "price_usd"], parse_dates=["date"])
    s = raw.dropna().set_index("date")["price_usd"].sort_index()
    s.index = s.index - pd.Timedelta(days=1)
    return s.loc[s.index[0] + pd.Timedelta(days=seasoning):]


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, _ = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()


@pytest.mark.parametrize(("key", "unit"), list(REQUIRED.items()), ids=list(REQUIRED))
def test_required_keys(executed: tuple[Any, dict[str, Any]], key: str, unit: str) -> None:
    entry = executed[1]["figures"][key]
    assert entry["unit"] == unit
    assert isinstance(entry["value"], int | float) and math.isfinite(entry["value"])
    assert entry["note"]


def test_every_recorded_figure_is_finite_with_a_note(executed: tuple[Any, dict[str, Any]]) -> None:
    for key, entry in executed[1]["figures"].items():
        assert entry["value"] is not None and math.isfinite(entry["value"]), key
        assert entry["unit"] and entry["note"], key


@pytest.mark.parametrize("claim", CLAIMS)
def test_claims(executed: tuple[Any, dict[str, Any]], claim: str) -> None:
    entry = executed[1]["claims"][claim]
    assert entry["verdict"] in VERDICTS
    assert "N=" in entry["evidence"] and entry["test"]
    assert entry["notebook"] == NAME


def test_shares_and_lags_are_in_range(executed: tuple[Any, dict[str, Any]]) -> None:
    f = {k: v["value"] for k, v in executed[1]["figures"].items()}
    for key in ("alt_basket_lag_in_claim_band_share", "altseason_share_of_days"):
        assert 0 <= f[key] <= 1, key
    assert -13 <= f["alt_btc_weekly_best_lag_weeks"] <= 13
    assert f["btc_uptrend_episodes_n"] >= 3
    assert f["alt_basket_vol_ratio_to_btc_median"] > 0


def test_uptrend_episodes_recomputed_with_plain_pandas(executed: tuple[Any, dict[str, Any]],
                                                      mirror_dir: Path) -> None:
    """Count BTC's confirmations (off -> on) since 2014-08-01 with an independent implementation of the rule."""
    state = _uptrend_state(_closes(mirror_dir, "btc"))
    starts = state & ~state.shift(1, fill_value=False)
    n = int(starts.loc["2014-08-01":].sum())
    assert executed[1]["figures"]["btc_uptrend_episodes_n"]["value"] == n


def test_eth_btc_risk_on_mean_recomputed_with_plain_pandas(executed: tuple[Any, dict[str, Any]],
                                                          mirror_dir: Path) -> None:
    """Mean next-week ETH/BTC log return over Thursdays from 2015 on which BTC's uptrend was established."""
    btc, eth = _closes(mirror_dir, "btc"), _closes(mirror_dir, "eth")
    days = pd.date_range(btc.index[0], btc.index[-1], freq="D")
    thursdays = pd.date_range("2014-01-01", "2026-09-30", freq="W-THU")

    def weekly(s: pd.Series) -> pd.Series:
        w = s.reindex(days).ffill(limit=4).reindex(thursdays)
        return w[w.index <= s.index[-1]].reindex(thursdays)

    log_ratio = np.log(weekly(eth) / weekly(btc))
    next_week = (log_ratio.shift(-1) - log_ratio).loc["2015-01-01":]
    on = _uptrend_state(btc).reindex(thursdays).fillna(False).astype(bool).loc["2015-01-01":]
    expected = float(next_week[on].dropna().mean())
    got = executed[1]["figures"]["eth_btc_logret_risk_on_mean"]["value"]
    assert got == pytest.approx(expected, abs=1e-12)


def test_c26_median_chain_return_recomputed_from_the_mirror(executed: tuple[Any, dict[str, Any]],
                                                             mirror_dir: Path) -> None:
    """The declared chains' Q1-2026 log returns from the mirror's CSVs: close of 2025-12-31 to the last close."""
    chains = ["eth", "sol", "bnb", "avax", "trx", "xrp", "ltc", "dot", "ada"]
    rets = []
    for a in chains:
        s = _closes(mirror_dir, a, seasoning=0)
        rets.append(float(np.log(s.loc[:"2026-03-31"].iloc[-1] / s.loc["2025-12-31"])))
    got = executed[1]["figures"]["c26_chains_window_log_return_median"]["value"]
    assert got == pytest.approx(float(np.median(rets)), abs=1e-9)
    assert executed[1]["claims"]["C26"]["rule"] == "c26_rule"


def test_c17_is_decided_as_a_compound_claim(executed: tuple[Any, dict[str, Any]]) -> None:
    entry = executed[1]["claims"]["C17"]
    assert entry["rule"] == "c17_rule" and entry["evidence"].startswith("A compound claim:")


def test_runs_without_the_mirror_total_market_cap(mirror_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """No mirror and no cached ``market_total``: dominance comes from the proxy and the notebook still runs."""
    from helpers.claims.results import read_notebook_results
    from helpers.data import catalog
    from helpers.data.store import Store
    from helpers.report import runner
    from helpers.sources.mirror import MirrorSource

    home = tmp_path / "home"
    monkeypatch.setenv("QTLAB_HOME", str(home))
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    monkeypatch.setenv("QTLAB_RESULTS_DIR", str(tmp_path / "out" / "results"))
    store, source = Store(), MirrorSource(mirror_dir)
    for sid in catalog.CATALOG:
        if sid != "market_total":
            store.update(sid, source)
    run = runner.execute(NAME, {"bootstrap_reps": 100, "placebo_draws": 200}, tmp_path / "out")
    assert run.status == "ok", run.error
    body = read_notebook_results(tmp_path / "out" / "results" / f"{NAME}.json")
    assert "total_market_cap_proxy_to_mirror_median_ratio" not in body["figures"]
    assert "survivor_alts_minus_unlisted_log_change_median" not in body["figures"]
    assert "not quantified" in body["claims"]["C25"]["evidence"]
    assert set(CLAIMS) <= set(body["claims"])


def test_c25_verdict_follows_its_declared_alternatives(executed: tuple[Any, dict[str, Any]]) -> None:
    """The robustness share is recorded, and a share below one half cannot leave C25 ``supported``."""
    body = executed[1]
    share = body["figures"]["c25_robust_share_weakest_dimension"]["value"]
    entry = body["claims"]["C25"]
    assert 0.0 <= share <= 1.0 and "weakest declared dimension" in entry["evidence"]
    if share < 0.5:
        assert entry["verdict"] != "supported"
    assert "DeFi" in entry["evidence"] and "specific to liquidity" in entry["evidence"]


def test_c17_uses_its_declared_family_and_baseline(executed: tuple[Any, dict[str, Any]]) -> None:
    entry = executed[1]["claims"]["C17"]
    assert "the 7 C17 tests" in entry["evidence"] and "over the usual ratio" in entry["evidence"]
    assert "leaving out one episode" in entry["evidence"]
    assert "alt_basket_vol_amplification_over_baseline_mean" in executed[1]["figures"]


def test_c26_missing_days_recomputed_from_the_mirror(executed: tuple[Any, dict[str, Any]], mirror_dir: Path) -> None:
    chains = ["eth", "sol", "bnb", "avax", "trx", "xrp", "ltc", "dot", "ada"]
    last = max(_closes(mirror_dir, a, seasoning=0).loc[:"2026-03-31"].index[-1] for a in chains)
    figures = executed[1]["figures"]
    assert figures["c26_missing_days"]["value"] == (pd.Timestamp("2026-03-31") - last).days
    if figures["c26_missing_days"]["value"]:
        assert "which leaves the verdict unchanged" in executed[1]["claims"]["C26"]["evidence"] or (
            executed[1]["claims"]["C26"]["verdict"] == "inconclusive")
