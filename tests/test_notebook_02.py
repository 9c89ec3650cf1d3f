"""Notebook 02 executed on the mirror: required results present, and the monthly correlations recomputed here.

The recomputation uses plain pandas on ``helpers.data`` and none of ``helpers.stats``, so a
wrong alignment rule in the helpers (a mid-month BTC price, a WALCL value from the wrong week,
an off-by-one month) shows up as a mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers import results

NAME = "02_liquidity_vs_btc"
#: Months of the required sample: levels from 2014-12 so that the first change is 2015-01.
LEVEL_MONTHS = pd.period_range("2014-12", "2025-11", freq="M")

REQUIRED = {
    "corr_monthly_dlog_btc_walcl_2015_2025": "correlation",
    "corr_monthly_dlog_btc_netliq_2015_2025": "correlation",
    "corr_monthly_log_levels_btc_netliq_2015_2025": "correlation",
}
HEADLINE = {
    "n_months_2015_2025": "months",
    "corr_weekly_dlog_btc_netliq_2015_2019": "correlation",
    "corr_weekly_dlog_btc_netliq_2020_2021": "correlation",
    "corr_weekly_dlog_btc_netliq_qt2_2022_06_2025_11": "correlation",
    "corr_weekly_dlog_btc_netliq_post_qt_2025_12": "correlation",
    "granger_p_holm_netliq_to_btc": "p-value",
    "granger_p_holm_btc_to_netliq": "p-value",
    "engle_granger_p_btc_netliq_monthly": "p-value",
    "regime_diff_btc_fwd13w_netliq": "log return",
    "regime_diff_btc_fwd13w_netliq_lo": "log return",
    "regime_diff_btc_fwd13w_netliq_hi": "log return",
    "lp_btc_cum_response_netliq_1sd_h13": "log return",
    "agreement_12m_btc_m2": "share",
    "base_rate_btc_up_12m": "share",
    "btc_share_of_decline_before_qt2": "share",
    "rolling52w_corr_btc_netliq_share_positive": "share",
}
CLAIMS = ("C03", "C04", "C09", "C24")


@pytest.fixture(scope="module")
def nb02(run_notebook: Callable[..., tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    run, body = run_notebook(NAME, bootstrap_reps=200)
    assert run.status == "ok", run.error
    return body


def _monthly_changes() -> pd.DataFrame:
    """BTC close on the month's last day, WALCL's last weekly value, net liquidity on the last Wednesday."""
    from helpers import data, liquidity

    btc = data.closes("btc")
    btc_m = btc[btc.index.is_month_end]
    btc_m.index = btc_m.index.to_period("M")
    walcl = data.series("WALCL", usd_bn=True)
    walcl_m = walcl.groupby(walcl.index.to_period("M")).last()
    nl = liquidity.net_liquidity()["net_liquidity"]
    wednesdays = pd.Series(pd.date_range("2014-12-01", "2025-11-30", freq="W-WED"))
    last_wed = wednesdays.groupby(wednesdays.dt.to_period("M")).max()
    nl_m = pd.Series(nl.reindex(pd.DatetimeIndex(last_wed.to_numpy())).to_numpy(), index=last_wed.index)
    levels = pd.DataFrame({"btc": btc_m, "walcl": walcl_m, "netliq": nl_m}).reindex(LEVEL_MONTHS)
    assert levels.notna().all().all(), "a month-end value is missing"
    return levels


@pytest.mark.slow
def test_required_keys_present_with_units(nb02: dict[str, Any]) -> None:
    figures = nb02["figures"]
    for key, unit in {**REQUIRED, **HEADLINE}.items():
        assert key in figures, f"missing result {key}"
        assert figures[key]["unit"] == unit, key
        assert isinstance(figures[key]["value"], int | float) and math.isfinite(figures[key]["value"]), key
        assert figures[key]["note"], key
    assert figures["n_months_2015_2025"]["value"] == 131


@pytest.mark.slow
def test_claims_recorded_with_verdict_and_evidence(nb02: dict[str, Any]) -> None:
    for cid in CLAIMS:
        entry = nb02["claims"][cid]
        assert entry["verdict"] in results.VERDICTS
        assert "N=" in entry["evidence"], cid
        assert entry["notebook"] == NAME


@pytest.mark.slow
@pytest.mark.parametrize(("key", "column"), [("corr_monthly_dlog_btc_walcl_2015_2025", "walcl"),
                                             ("corr_monthly_dlog_btc_netliq_2015_2025", "netliq")])
def test_monthly_change_correlation_recomputed(nb02: dict[str, Any], key: str, column: str) -> None:
    levels = _monthly_changes()
    changes = np.log(levels).diff().loc["2015-01":]
    assert len(changes) == 131 and str(changes.index[0]) == "2015-01"
    expected = changes["btc"].corr(changes[column])
    assert abs(nb02["figures"][key]["value"] - expected) < 1e-9


@pytest.mark.slow
def test_monthly_levels_correlation_recomputed(nb02: dict[str, Any]) -> None:
    levels = np.log(_monthly_changes().loc["2015-01":])
    expected = levels["btc"].corr(levels["netliq"])
    assert abs(nb02["figures"]["corr_monthly_log_levels_btc_netliq_2015_2025"]["value"] - expected) < 1e-9
