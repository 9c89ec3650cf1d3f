"""Unit tests of helpers.studies.seasonality (notebook 05): the flush proxy and purchase clustering, by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.studies import seasonality as se

# --------------------------------------------------------------------------------------------
# flush proxy
# --------------------------------------------------------------------------------------------


def _flush_world() -> tuple[pd.Series, pd.Series]:
    """100 days at 100 with three crashes: day 20 (flush), day 25 (same episode), day 60 (no funding fall)."""
    days = pd.date_range("2021-01-01", periods=100, freq="D")
    ret = np.zeros(100)
    ret[20], ret[25], ret[60] = np.log(0.85), np.log(0.9), np.log(0.8)
    ret[61:] = 0.01  # a rally after the last crash
    close = pd.Series(100 * np.exp(np.cumsum(ret)), index=days)
    funding = pd.Series(0.0001, index=days)
    funding.iloc[19], funding.iloc[20] = 0.0005, 0.0001  # crowded longs, then a reset on the crash day
    funding.iloc[59], funding.iloc[60] = -0.0001, -0.0001  # shorts paying: no flush
    return close, funding


def test_flush_detection_on_a_built_series() -> None:
    close, funding = _flush_world()
    drops = se.drop_days(close, funding, -0.07)
    assert [f"{d:%Y-%m-%d}" for d in drops.index] == ["2021-01-21", "2021-01-26", "2021-03-02"]
    assert drops["logret"].iloc[0] == pytest.approx(np.log(0.85))
    assert drops["funding_prev"].iloc[0] == pytest.approx(0.0005)
    assert drops["funding_change"].iloc[0] == pytest.approx(-0.0004)
    flush = se.is_flush(drops, 0.0, 0.00005)
    assert flush.tolist() == [True, False, False]
    eps = se.flush_episodes(drops, flush, 30)
    assert eps["flush"].tolist() == [True, False]
    assert eps["n_drop_days"].tolist() == [2, 1]
    assert eps.index[0] == pd.Timestamp("2021-01-21")
    out = se.episode_returns(close, eps, (10,))
    assert out["ret_10d"].iloc[0] == pytest.approx(np.log(0.9))  # the second crash falls inside 10 days
    assert out["ret_10d"].iloc[1] == pytest.approx(0.1)


def test_flush_episode_day_is_first_flush_day() -> None:
    close, funding = _flush_world()
    funding.iloc[24], funding.iloc[25] = 0.0008, 0.0001  # the second crash is a flush too
    funding.iloc[19], funding.iloc[20] = -0.0001, -0.0001  # and the first is not
    drops = se.drop_days(close, funding, -0.07)
    eps = se.flush_episodes(drops, se.is_flush(drops), 30)
    assert eps.index[0] == pd.Timestamp("2021-01-26") and eps["first_drop"].iloc[0] == "2021-01-21"



# --------------------------------------------------------------------------------------------
# corporate purchases
# --------------------------------------------------------------------------------------------


def _purchases(months: list[int], companies: list[str] | None = None, amounts: list[float] | None = None) -> pd.DataFrame:
    companies = companies or [f"C{i}" for i in range(len(months))]
    return pd.DataFrame({"date": [pd.Timestamp(2024, m, 15) for m in months], "company": companies,
                         "btc_amount": amounts or [1.0] * len(months)})


def test_purchase_clustering_detects_a_year_end_cluster() -> None:
    res = se.purchase_clustering(_purchases([12, 1, 2] * 5 + [6]), n_perm=2000, seed=0)
    assert res.n_purchases == 16 and res.n_companies == 16
    assert res.share_in_window == pytest.approx(15 / 16)
    assert res.expected_share == pytest.approx(90.25 / 365.25)
    assert res.p_binomial < 1e-6 and res.p_chi2 < 1e-3 and res.p_btc_perm < 0.01
    assert res.monthly["count"].sum() == 16 and res.monthly.loc[12, "count"] == 5


def test_purchase_clustering_uniform_table_shows_nothing() -> None:
    res = se.purchase_clustering(_purchases(list(range(1, 13)) * 2), expected="uniform", n_perm=2000, seed=0)
    assert res.share_in_window == pytest.approx(0.25)
    assert res.expected_share == pytest.approx(0.25)
    assert res.chi2 == pytest.approx(0.0) and res.p_chi2 == pytest.approx(1.0)
    assert res.p_binomial > 0.4


def test_purchase_clustering_btc_weighting_and_dedupe() -> None:
    # one company buys every week of December (4 rows) plus 11 single purchases in other months
    table = pd.concat([
        pd.DataFrame({"date": pd.date_range("2024-12-02", periods=4, freq="7D"), "company": "Serial",
                      "btc_amount": 1000.0}),
        _purchases([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3]),
    ])
    none = se.purchase_clustering(table, dedupe="none", n_perm=1000)
    once = se.purchase_clustering(table, dedupe="company_month", n_perm=1000)
    assert none.n_purchases == 15 and once.n_purchases == 12
    assert once.share_in_window == pytest.approx(2 / 12)  # Serial's December once, plus the January purchase
    assert once.btc_share_in_window == pytest.approx(4001 / 4011)
    assert once.monthly.loc[12, "btc"] == pytest.approx(4000.0)


def test_purchase_clustering_rejects_bad_tables() -> None:
    with pytest.raises(ValueError, match="missing"):
        se.purchase_clustering(pd.DataFrame({"date": [], "company": []}))
    with pytest.raises(ValueError, match="empty"):
        se.purchase_clustering(pd.DataFrame({"date": [], "company": [], "btc_amount": []}))
    with pytest.raises(ValueError, match="window"):
        se.purchase_clustering(_purchases([1]), window=(13,))
