"""Unit tests of helpers.methods.weekday: the HAC interval of a day-minus-rest difference is exact in ``level``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.methods import weekday as wd


def _frame(n: int = 70, seed: int = 4) -> pd.DataFrame:
    idx = pd.date_range("2020-01-06", periods=n, freq="D")
    close = pd.Series(np.exp(np.cumsum(np.random.default_rng(seed).normal(0, 0.02, n))), index=idx)
    return wd.weekday_frame(close, "2020-01-07")


def test_day_minus_rest_interval_scales_with_the_normal_quantile() -> None:
    frame = _frame()
    a, b = wd.day_minus_rest(frame, "monday", level=0.95), wd.day_minus_rest(frame, "monday", level=0.5)
    assert a.diff == b.diff and a.p == b.p
    half95, half50 = a.hi - a.diff, b.hi - b.diff
    assert a.diff - a.lo == pytest.approx(half95)
    assert half95 / half50 == pytest.approx(1.959963984540054 / 0.6744897501960817)


def test_weekday_effects_holm_is_the_adjusted_p_and_rows_are_dataclass_fields() -> None:
    table = wd.weekday_effects(_frame())
    assert set(table.columns) == {"mean", "diff", "lo", "hi", "p", "p_t", "n_day", "n", "p_holm"}
    worst = table["p"].min()
    assert table["p_holm"].min() == pytest.approx(min(1.0, 7 * worst))  # Holm's first step is Bonferroni
    assert wd.weekday_anova(_frame()).as_dict()["n"] == len(_frame())


def _weekday_close(n: int = 700, monday_bump: float = 0.0, seed: int = 2) -> pd.Series:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2016-01-04", periods=n, freq="D")  # a Monday
    ret = 0.01 * rng.standard_normal(n) + np.where(days.day_of_week == 0, monday_bump, 0.0)
    return pd.Series(100 * np.exp(np.cumsum(ret)), index=days)


def test_weekday_frame_labels_and_gaps() -> None:
    close = _weekday_close(30).drop(pd.Timestamp("2016-01-10"))  # a missing Sunday
    frame = wd.weekday_frame(close, "2016-01-01")
    assert pd.Timestamp("2016-01-11") not in frame.index  # no return across the gap
    assert frame.loc["2016-01-12", "day"] == "tuesday"
    assert frame.loc["2016-01-12", "ret"] == pytest.approx(math.log(close["2016-01-12"] / close["2016-01-11"]))
    snap = wd.weekday_frame(close, "2016-01-01", label="snapshot")
    assert snap.loc["2016-01-12", "day"] == "wednesday"
    assert snap["ret"].equals(frame["ret"])
    with pytest.raises(ValueError, match="label"):
        wd.weekday_frame(close, "2016-01-01", label="utc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no daily returns"):
        wd.weekday_frame(close, "2030-01-01")


def test_day_minus_rest_is_the_difference_of_means() -> None:
    frame = wd.weekday_frame(_weekday_close(monday_bump=0.01), "2016-01-01")
    res = wd.day_minus_rest(frame, "monday")
    mon = frame.loc[frame["day"] == "monday", "ret"]
    rest = frame.loc[frame["day"] != "monday", "ret"]
    assert res.diff == pytest.approx(mon.mean() - rest.mean())
    assert res.lo < res.diff < res.hi
    assert res.p < 0.01  # the constructed Monday premium is found
    assert res.p_t == pytest.approx(sps.ttest_ind(mon, rest, equal_var=False).pvalue)
    assert res.n_day == len(mon) and res.n == len(frame)
    with pytest.raises(ValueError, match="day"):
        wd.day_minus_rest(frame, "mon")


def test_weekday_effects_and_anova() -> None:
    frame = wd.weekday_frame(_weekday_close(monday_bump=0.01), "2016-01-01")
    table = wd.weekday_effects(frame)
    assert list(table.index) == list(wd.DAY_NAMES)
    assert (table["p_holm"] >= table["p"] - 1e-12).all()
    assert table["p_holm"].idxmin() == "monday"
    assert table.loc["friday", "mean"] == pytest.approx(frame.loc[frame["day"] == "friday", "ret"].mean())
    anova = wd.weekday_anova(frame)
    groups = [frame.loc[frame["day"] == d, "ret"] for d in wd.DAY_NAMES]
    assert anova.p_kruskal == pytest.approx(sps.kruskal(*groups).pvalue)
    assert anova.p_anova < 0.05 and anova.n == len(frame)
    flat = wd.weekday_anova(wd.weekday_frame(_weekday_close(seed=9), "2016-01-01"))
    assert flat.p_anova > 0.01
