"""Specification-curve compute functions (helpers.studies.speccurves, helpers.claims.speccurves) on constructed data with known answers,
the declared grids of data/claim_specs.csv, the primary specifications against the published numbers, and one
real compute function through a Dask LocalCluster."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.claims import speccurves as curve_claims
from helpers.methods import speccurve
from helpers.report import executor as ex
from helpers.studies import speccurves as sc

ROOT = Path(__file__).resolve().parents[2]
CURVED = ["C04", "C07", "C08", "C10", "C11", "C12", "C13", "C16", "C18", "C21", "C22"]


# ------------------------------------------------------------------------------------ grid parsing


def test_parse_grid_reads_blocks_types_and_the_primary() -> None:
    g = sc.parse_declared_grid("grid: a=1 *2 & b=x *y 0.5 | a=3 & b=z", "C99")
    assert g.choices == ["a", "b"]
    assert g.primary == {"a": 2, "b": "y"}
    specs = g.specs()
    assert len(specs) == 2 * 3 + 1
    assert specs[0] == {"a": 1, "b": "x"} and specs[-1] == {"a": 3, "b": "z"}
    assert {"a": 1, "b": 0.5} in specs and isinstance(specs[2]["b"], float)


def test_parse_grid_drops_duplicate_specifications_across_blocks() -> None:
    g = sc.parse_declared_grid("grid: a=*1 2 & b=*x | a=2 3 & b=x")
    assert g.specs() == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}, {"a": 3, "b": "x"}]


def test_parse_grid_keeps_dates_and_signed_numbers() -> None:
    g = sc.parse_declared_grid("grid: start=*2015-01-01 2018-01-01 & drop=-0.05 *-0.07")
    assert g.primary == {"start": "2015-01-01", "drop": -0.07}


@pytest.mark.parametrize("text, message", [
    ("a=*1 2", "must start with"),
    ("grid: a=1 2", "exactly one starred"),
    ("grid: a=*1 *2", "exactly one starred"),
    ("grid: a=*1 & b", "name=values"),
    ("grid: a=*1 & b=", "no values"),
    ("grid: a=*1 | b=*2", "different choices"),
    ("grid: a=1 & b=*x | a=*2 & b=y", "not in the grid"),
])
def test_parse_grid_refuses_malformed_text_naming_the_claim(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        sc.parse_declared_grid(text, "C42")
    assert text.startswith("a=") or "C42" in str(err.value)


# -------------------------------------------------------------------------- C04 / C18: regime split


def _weekly(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2014-01-02", periods=n, freq="W-THU")
    level = 100 + np.cumsum(rng.normal(0, 1, n))
    price = np.exp(np.cumsum(rng.normal(0.002, 0.05, n)))
    other = np.exp(np.cumsum(rng.normal(0.0, 0.06, n)))
    return pd.DataFrame({"btc": price, "netliq": level, "walcl": level[::-1].copy(), "reserves": level * 2,
                         "defi": other, "defi_ex": other * 1.5, "eth": other * 0.5}, index=idx)


def _regime_diff(price: pd.Series, level: pd.Series, window: int, horizon: int, start: str) -> tuple[float, int]:
    """Expanding minus contracting mean forward log return, with plain numpy (independent of helpers.methods.regimes)."""
    lp = np.log(price.to_numpy())
    lv = level.to_numpy()
    rows = []
    for t in range(len(lp)):
        if t < window or t + horizon >= len(lp) or price.index[t] < pd.Timestamp(start):
            continue
        rows.append((lp[t + horizon] - lp[t], lv[t] - lv[t - window] > 0))
    f = np.array([r[0] for r in rows])
    g = np.array([r[1] for r in rows])
    return float(f[g].mean() - f[~g].mean()), len(rows)


def test_c04_matches_an_independent_regime_split_and_does_not_swap_window_and_horizon() -> None:
    w = _weekly()
    choices = {"window": 4, "horizon": 13, "measure": "walcl"}
    d = sc.c04_detail(choices, inputs={"weekly": w}, start="2015-01-01", reps=50)
    diff, n = _regime_diff(w["btc"], w["walcl"], 4, 13, "2015-01-01")
    assert d.estimate == pytest.approx(diff, abs=1e-12)
    assert d.n == n
    assert d.low <= d.estimate <= d.high
    swapped = sc.c04_detail({"window": 13, "horizon": 4, "measure": "walcl"}, inputs={"weekly": w}, reps=50)
    assert swapped.estimate != pytest.approx(diff)


def test_c18_ratio_basket_is_defi_over_btc() -> None:
    w = _weekly(seed=3)
    d = sc.c18_detail({"basket": "defi_ex/btc", "window": 8, "horizon": 13}, inputs={"weekly": w}, reps=50)
    diff, n = _regime_diff(w["defi_ex"] / w["btc"], w["netliq"], 8, 13, "2015-01-01")
    assert d.estimate == pytest.approx(diff, abs=1e-12) and d.n == n
    with pytest.raises(ValueError, match="basket"):
        sc.c18_detail({"basket": "alt", "window": 8, "horizon": 13}, inputs={"weekly": w}, reps=10)


def test_c16_liquidity_label_matches_a_plain_mean() -> None:
    w = _weekly(seed=4)
    d = sc.c16_detail({"definition": "liquidity_expanding", "rule": "none", "start": "2015-01-01"},
                      inputs={"weekly": w, "btc": w["btc"]}, regime_window=13, reps=50)
    ratio = np.log(w["eth"] / w["btc"])
    nxt = (ratio.shift(-1) - ratio).loc["2015-01-01":]
    expanding = (w["netliq"].diff(13) > 0).reindex(nxt.index)
    valid = nxt.notna() & w["netliq"].diff(13).reindex(nxt.index).notna()
    expected = nxt[valid & expanding].mean()
    assert d.estimate == pytest.approx(float(expected), abs=1e-12)
    assert d.n == int((valid & expanding).sum())


# ------------------------------------------------------------------------------- C07 / C08: events


def test_c07_event_sets_named_and_left_out() -> None:
    sets = {"cuts_or_qt_end": ["2019-07-31", "2020-03-15"], "combined": ["2019-07-31"]}
    assert sc.c07_event_set("combined", sets) == ["2019-07-31"]
    assert sc.c07_event_set("without_2020-03-15", sets) == ["2019-07-31"]
    with pytest.raises(ValueError, match="not one of"):
        sc.c07_event_set("without_2021-01-01", sets)
    with pytest.raises(ValueError, match="neither"):
        sc.c07_event_set("other", sets)


def _daily_growth(rate: float = 0.001, start: str = "2015-01-01", days: int = 2500) -> pd.Series:
    idx = pd.date_range(start, periods=days, freq="D")
    return pd.Series(np.exp(rate * np.arange(days)), index=idx)


def test_c07_on_steady_growth_has_no_excess_and_nan_when_no_event_reaches_the_horizon() -> None:
    price = _daily_growth()
    inputs = {"prices": {"btc": price}, "event_sets": {"cuts_or_qt_end": ["2017-03-01", "2018-06-01"]}}
    for spacing in ("independent", "kept"):
        d = sc.c07_detail({"events": "cuts_or_qt_end", "spacing": spacing, "asset": "btc", "horizon": 180},
                          inputs=inputs, draws=200, start="2015-06-01")
        assert d.extra["event_mean"] == pytest.approx(0.18, abs=1e-9)
        assert d.estimate == pytest.approx(0.0, abs=1e-9) and d.n == 2
    late = {"prices": {"btc": price}, "event_sets": {"cuts_or_qt_end": ["2021-10-01"]}}
    d = sc.c07_detail({"events": "cuts_or_qt_end", "spacing": "independent", "asset": "btc", "horizon": 365},
                      inputs=late, draws=50, start="2015-06-01")
    assert math.isnan(d.estimate) and d.n == 0


def test_c08_rates_and_exact_intervals_on_steady_growth() -> None:
    # best log return over days 180-540 is 0.54 for every start day: +50% (0.405) always cleared, +100% (0.693) never
    inputs = {"prices": {"btc": _daily_growth()}}
    base = {"reading_2019": "2016-01-30", "reading_2023": "2017-07-26", "asset": "btc"}
    above = sc.c08_detail(base | {"definition": "plus_50pct"}, inputs=inputs, start="2015-01-01",
                          middle=["2016-09-15"])
    assert (above.extra["k"], above.n, above.extra["base_rate"]) == (3, 3, 1.0)
    assert above.estimate == pytest.approx(0.0) and above.high == pytest.approx(0.0)
    assert above.low == pytest.approx(0.025 ** (1 / 3) - 1, abs=1e-9)
    never = sc.c08_detail(base | {"definition": "plus_100pct"}, inputs=inputs, start="2015-01-01",
                          middle=["2016-09-15"])
    assert (never.extra["k"], never.extra["base_rate"]) == (0, 0.0)
    assert never.high == pytest.approx(1 - 0.025 ** (1 / 3), abs=1e-9) and never.low == pytest.approx(0.0)
    with pytest.raises(ValueError, match="definition"):
        sc.c08_detail(base | {"definition": "plus_7pct"}, inputs=inputs)


# ------------------------------------------------------------------------------ C11-C13: calendar


def _seasonal_prices() -> pd.Series:
    """Daily prices, 2013-12-01..2019-12-31: +0.10 log on 15 December and on 15 February, flat otherwise."""
    idx = pd.date_range("2013-12-01", "2019-12-31", freq="D")
    jumps = np.where(((idx.month == 12) | (idx.month == 2)) & (idx.day == 15), 0.10, 0.0)
    return pd.Series(np.exp(np.cumsum(jumps)), index=idx)


def _season_inputs() -> dict[str, Any]:
    p = _seasonal_prices()
    return {"btc": p, "sp500": p, "stable": p, "stable_raw": p, "market_cap": p}


def test_seasonal_effects_have_the_constructed_size_and_the_claimed_sign() -> None:
    inputs = _season_inputs()
    dec = sc.season_detail({"measure": "btc", "start": "2014-01-01"}, inputs=inputs, claim="C11", n_perm=50, reps=50)
    # December +0.10, February +0.10, ten months 0: December minus the other eleven months' mean
    assert dec.estimate == pytest.approx(0.10 - 0.10 / 11, abs=1e-9)
    assert dec.low == pytest.approx(dec.estimate) and dec.n == 6
    novdec = sc.season_detail({"test": "novdec", "measure": "btc", "start": "2014-01-01", "days": 0}, inputs=inputs,
                              claim="C12", n_perm=50, reps=50)
    # Nov-Dec mean 0.05 against 0.01 for the rest: stronger, so negative in the claimed (weaker) direction
    assert novdec.extra["raw"] == pytest.approx(0.05 - 0.01, abs=1e-9)
    assert novdec.estimate == pytest.approx(-0.04, abs=1e-9) and novdec.high <= 0
    q1 = sc.season_detail({"measure": "stablecoin", "start": "2014-01-01"}, inputs=inputs, claim="C13", n_perm=50,
                          reps=50)
    assert q1.estimate == pytest.approx(0.10 - 0.10 / 3, abs=1e-9)
    with pytest.raises(ValueError, match="measure"):
        sc.season_detail({"measure": "gold", "start": "2014-01-01"}, inputs=inputs, claim="C11")


# ---------------------------------------------------------------------------- C21 / C22: strategies


def _random_prices(days: int = 900, seed: int = 7) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2015-01-01", periods=days, freq="D")
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0.001, 0.03, days))), index=idx)


def test_c21_sd_reduction_matches_a_plain_staged_entry() -> None:
    p = _random_prices()
    h = 180
    x = p.to_numpy()
    starts = np.arange(len(x) - h)
    lump = x[starts + h] / x[starts] - 1
    staged = np.array([np.mean(x[s + h] / x[s + np.arange(0, 14, 7)]) - 1 for s in starts])  # 2 weekly tranches
    expected = (lump.std(ddof=1) - staged.std(ddof=1)) / lump.std(ddof=1)
    d = sc.c21_detail({"variant": "staged_2w_weekly", "measure": "sd", "horizon": h, "baseline": "lump_sum"},
                      inputs={"prices": p}, reps=30)
    assert d.estimate == pytest.approx(expected, rel=1e-9)
    assert d.n == len(starts) and d.low <= d.high
    with pytest.raises(ValueError, match="baseline"):
        sc.c21_detail({"variant": "staged_2w_weekly", "measure": "sd", "horizon": h, "baseline": "cash"},
                      inputs={"prices": p}, reps=10)


def test_c22_lock_part_counts_paper_gains_turned_into_losses() -> None:
    p = _random_prices(seed=11)
    h = 180
    x = p.to_numpy()
    paths = np.array([x[s:s + h + 1] / x[s] for s in range(len(x) - h)])
    up = paths.max(axis=1) >= 1.2
    bh = float(np.mean(paths[up, -1] < 1))
    d = sc.c22_detail({"part": "lock", "horizon": h, "trail": 0.25, "scope": "rest", "lock_gain": 0.2},
                      inputs={"prices": p}, reps=30)
    assert d.extra["buy_and_hold"] == pytest.approx(bh, abs=1e-12)
    assert d.estimate == pytest.approx(bh - d.extra["ladder"], abs=1e-12)
    assert d.n == int(up.sum())
    keep = sc.c22_detail({"part": "keep", "horizon": h, "trail": 0.25, "scope": "rest", "lock_gain": "none"},
                         inputs={"prices": p}, reps=30, keep=0.5)
    assert keep.estimate == pytest.approx(keep.extra["capture"] - 0.5)


# ------------------------------------------------------------------------------------ summaries


def test_spec_detail_keeps_the_curve_numbers_and_the_extras_apart() -> None:
    d = sc.c08_detail({"reading_2019": "2016-01-30", "reading_2023": "2017-07-26", "asset": "btc",
                       "definition": "plus_50pct"}, inputs={"prices": {"btc": _daily_growth()}}, start="2015-01-01",
                      middle=["2016-09-15"])
    assert isinstance(d, sc.SpecDetail) and set(d.extra) == {"k", "base_rate", "threshold"}
    assert d.result == speccurve.SpecResult(d.estimate, d.low, d.high, d.n)


def test_curve_summary_share_text_and_keys() -> None:
    def compute(choices: speccurve.Choices) -> speccurve.SpecResult:
        e = float(choices["a"])
        return speccurve.SpecResult(e, e - 1.5, e + 1.5, 10)

    grid = sc.parse_declared_grid("grid: a=-2 *1 2 3")
    s = sc.compute_curve("C99", compute, grid=grid)
    # primary 1 [-0.5, 2.5] includes zero; agreeing: 1 and 2 ([0.5, 3.5] is clear: no), so 1 of 4
    assert s.count == 4 and s.share == pytest.approx(0.25)
    assert curve_claims.result_keys("C04") == ("spec_share_agree_c04", "spec_count_c04")
    text = sc.curve_text(s, "a test", "units")
    assert "1 of 4 (25%)" in text and "+1.000 units" in text
    table = sc.summary_table({"C99": s})
    assert table.loc["C99", "share_agree"] == pytest.approx(0.25) and table.loc["C99", "min"] == -2


# -------------------------------------------------------------------------- executors: local vs Dask


def test_c04_compute_gives_the_same_curve_on_a_dask_cluster_and_a_local_pool() -> None:
    distributed = pytest.importorskip("distributed")
    grid = sc.parse_declared_grid("grid: window=4 *13 & horizon=4 *13 & measure=*netliq walcl")
    fn = functools.partial(sc.c04_spec, inputs={"weekly": _weekly(seed=5)}, reps=40, seed=3)
    local = sc.compute_curve("C04", fn, ex.LocalExecutor(2).map, grid=grid)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = ex.get_executor(scheduler=cluster.scheduler_address)
        remote = sc.compute_curve("C04", fn, dask.map, grid=grid)
        dask.client.close()  # type: ignore[attr-defined]
    assert remote.curve.equals(local.curve)
    assert remote.share == local.share and local.count == 8
    assert local.curve["estimate"].nunique() == 8


# ----------------------------------------------------------------- primaries against published numbers


def _published() -> dict[str, Any]:
    path = ROOT / "reports" / "results.json"
    if not path.is_file():
        pytest.skip("no published reports/results.json")
    return dict(json.loads(path.read_text(encoding="utf-8"))["notebooks"])


def _value(pub: dict[str, Any], notebook: str, key: str) -> float:
    try:
        return float(pub[notebook][key]["value"])
    except KeyError:
        pytest.skip(f"{notebook} has not published {key}")


def test_primary_specifications_reproduce_the_published_numbers(mirror_home: Path) -> None:
    from helpers import data
    from helpers.studies import events as ev
    from helpers.studies import seasonality as se

    pub = _published()
    g = {cid: curve_claims.declared_grid(cid).primary for cid in CURVED}
    n02, n03, n04 = "02_liquidity_vs_btc", "03_pivot_event_studies", "04_sector_rotation"
    n05, n06 = "05_seasonality_flows", "06_risk_scenarios"

    d04 = sc.c04_detail(g["C04"], inputs=sc.c04_inputs(), reps=2000, seed=20251201)
    assert d04.estimate == pytest.approx(_value(pub, n02, "regime_diff_btc_fwd13w_netliq"), abs=1e-9)
    assert d04.low == pytest.approx(_value(pub, n02, "regime_diff_btc_fwd13w_netliq_lo"), abs=1e-9)
    assert d04.high == pytest.approx(_value(pub, n02, "regime_diff_btc_fwd13w_netliq_hi"), abs=1e-9)

    prices = ev.load_assets(["btc", "eth", "SP500", "NASDAQCOM"])
    events = ["2019-07-31", "2020-03-15", "2024-09-18", "2025-12-01"]
    inp07 = {"prices": prices, "event_sets": {"cuts_or_qt_end": events, "combined": ["2019-07-31", "2025-10-29"]}}
    d07 = sc.c07_detail(g["C07"], inputs=inp07, draws=200)
    reached = [d for d in events if f"btc_logret_365d_after_{d.replace('-', '_')}" in pub[n03]]
    assert d07.n == len(reached)
    assert d07.extra["event_mean"] == pytest.approx(np.mean([_value(pub, n03, f"btc_logret_365d_after_{d.replace('-', '_')}")
                                                       for d in reached]), abs=1e-9)
    d08 = sc.c08_detail(g["C08"], inputs=inp07)
    assert d08.extra["base_rate"] == pytest.approx(_value(pub, n03, "btc_rally_base_rate_above_median"), abs=1e-9)

    d10 = sc.c10_detail(g["C10"], inputs={"btc": data.closes("btc"), "funding": se.funding_rates()}, draws=200)
    assert d10.extra["event_mean"] == pytest.approx(_value(pub, n05, "flush_mean_logret_90d"), abs=1e-9)
    assert d10.n == _value(pub, n05, "flush_n_episodes")

    inp05 = sc.seasonality_inputs()
    for cid, key, sign in [("C11", "btc_dec_minus_rest", 1), ("C12", "btc_novdec_minus_rest", -1),
                           ("C13", "stable_q1_minus_rest", 1)]:
        d = sc.season_detail(g[cid], inputs=inp05, claim=cid, n_perm=50, reps=50)
        assert d.estimate == pytest.approx(sign * _value(pub, n05, key), abs=1e-9), cid

    inp04 = sc.rotation_inputs(["sol", "bnb", "xrp", "ada", "doge", "avax", "dot", "ltc", "trx", "link"],
                               ["uni", "aave", "mkr", "comp", "crv", "ldo", "snx", "sushi"])
    d16 = sc.c16_detail(g["C16"], inputs=inp04, reps=50)
    assert d16.estimate == pytest.approx(_value(pub, n04, "eth_btc_logret_risk_on_mean"), abs=1e-9)
    d18 = sc.c18_detail(g["C18"], inputs=inp04, reps=50)
    assert d18.estimate == pytest.approx(_value(pub, n04, "defi_fwd13w_liq_expanding_minus_contracting"),
                                            abs=1e-9)

    inp06 = {"prices": data.closes("btc")}
    d21 = sc.c21_detail(g["C21"], inputs=inp06, reps=20)
    assert d21.estimate == pytest.approx(_value(pub, n06, "staged_4w_daily_sd_improvement_365d"), abs=1e-9)
    d22 = sc.c22_detail(g["C22"], inputs=inp06, reps=20)
    assert d22.extra["ladder"] == pytest.approx(_value(pub, n06, "ladder_share_up20pct_then_loss_365d"), abs=1e-9)
    assert d22.extra["buy_and_hold"] == pytest.approx(_value(pub, n06, "buy_and_hold_share_up20pct_then_loss_365d"),
                                                abs=1e-9)
