"""Unit tests of helpers.methods.sizeranks on series built by hand, whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.methods import episodes as epi
from helpers.methods import sizeranks as size

SEED = 4242


def test_size_buckets_rank_by_median_cap() -> None:
    caps = pd.DataFrame({"x": [1e9, 3e9, 2e9], "y": [10e9, 10e9, 10e9], "z": [5e8, 5e8, np.nan],
                         "w": [4e9, 4e9, 4e9]}, index=pd.date_range("2021-01-01", periods=3))
    out = size.size_buckets(caps, "2021-01-01", "2021-01-03", n_large=1, n_mid=2)
    assert list(out.index) == ["y", "w", "x", "z"]
    assert list(out["bucket"]) == ["large", "mid", "mid", "small"]
    assert out.loc["x", "median_cap_usd_bn"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="no market cap"):
        size.size_buckets(caps, "2021-01-03", "2021-01-03")


def test_point_in_time_ranks_use_only_days_before_each_date() -> None:
    idx = pd.date_range("2021-01-01", periods=10, freq="D")
    caps = pd.DataFrame({"a": [1.0] * 5 + [100.0] * 5, "b": [50.0] * 10, "c": [np.nan] * 10}, index=idx)
    ranks = size.point_in_time_ranks(caps, [pd.Timestamp("2021-01-06"), pd.Timestamp("2021-01-10")], trailing_days=3)
    assert ranks.loc["2021-01-06", "a"] == 2 and ranks.loc["2021-01-06", "b"] == 1  # a's jump on 01-06 not yet seen
    assert ranks.loc["2021-01-10", "a"] == 1 and np.isnan(ranks.loc["2021-01-10", "c"])
    buckets = size.rank_buckets(ranks, n_large=1, n_mid=0)
    assert buckets.loc["2021-01-06", "a"] == "small" and buckets.loc["2021-01-10", "a"] == "large"
    assert pd.isna(buckets.loc["2021-01-10", "c"])


def test_bucket_membership_follows_each_episode() -> None:
    idx = pd.date_range("2021-01-01", periods=20, freq="D")
    buckets = pd.DataFrame({"a": ["large", "small"], "b": ["small", "large"]},
                           index=pd.DatetimeIndex(["2021-01-03", "2021-01-12"]))
    episodes = pd.DataFrame({"confirmed": pd.to_datetime(["2021-01-03", "2021-01-12"]),
                             "ended": pd.to_datetime(["2021-01-08", None])})
    large = size.bucket_membership(buckets, episodes, idx, "large")
    assert large.loc["2021-01-03":"2021-01-08", "a"].all() and not large.loc["2021-01-09":, "a"].any()
    assert large.loc["2021-01-12":, "b"].all() and not large.loc[:"2021-01-11", "b"].any()


def test_with_point_in_time_size_percentiles() -> None:
    e = pd.Timestamp("2021-01-03")
    ranks = pd.DataFrame({"a": [1.0], "b": [3.0], "c": [2.0], "d": [np.nan]}, index=[e])
    buckets = size.rank_buckets(ranks, 1, 1)
    rallies = pd.DataFrame({"episode": [e] * 4, "asset": ["a", "b", "c", "d"]})
    out = size.with_point_in_time_size(rallies, ranks, buckets)
    assert_allclose(out["size_pct"].to_numpy(float), [0.0, 1.0, 0.5, np.nan])
    assert list(out["bucket"].iloc[:3]) == ["large", "small", "mid"]


def test_rank_buckets_rule_by_rank_and_by_share() -> None:
    ranks = pd.DataFrame({"a": [1.0, 1], "b": [2.0, 2], "c": [3.0, 3], "d": [4.0, np.nan], "e": [5.0, np.nan],
                          "f": [6.0, np.nan]}, index=pd.to_datetime(["2021-01-01", "2019-01-01"]))
    by_rank = size.rank_buckets_rule(ranks, 2, "rank 5")
    assert list(by_rank.iloc[0]) == ["large", "large", "mid", "mid", "small", "small"]
    pd.testing.assert_frame_equal(by_rank, size.rank_buckets(ranks, 2, 2))  # "rank K" is rank_buckets with n_mid=K-3
    by_share = size.rank_buckets_rule(ranks, 2, "bottom 0.5")
    assert list(by_share.iloc[0]) == ["large", "large", "mid", "small", "small", "small"]  # bottom 3 of 6
    assert list(by_share.iloc[1, :3]) == ["large", "large", "small"] and by_share.iloc[1, 3:].isna().all()
    with pytest.raises(ValueError, match="small-bucket rule"):
        size.rank_buckets_rule(ranks, 2, "rank 2")
    with pytest.raises(ValueError, match="small-bucket rule"):
        size.rank_buckets_rule(ranks, 2, "top 0.3")


def test_size_basket_returns_and_episode_days(size_case: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]) -> None:
    px, ranks, eps, _ = size_case
    daily = size.size_basket_returns(px, size.rank_buckets_rule(ranks, 2, "rank 6"), eps,
                                    {"large": 2, "mid": 3, "small": 3}, "2021-01-01")
    expected = np.log1p(px[["s1", "s2", "s3"]].pct_change().mean(axis=1))
    pd.testing.assert_series_equal(daily["small"], expected.loc[daily.index], check_names=False)
    assert daily.index.min() > pd.Timestamp("2021-01-10") and pd.Timestamp("2021-02-25") not in daily.index
    days = epi.episode_days(eps, px.index, pd.Timestamp("2021-03-01"))
    assert days.sum() == (px.index >= "2021-03-01").sum()
    with pytest.raises(ValueError, match="no episode"):
        epi.episode_days(eps, px.index, pd.Timestamp("2021-05-01"))
