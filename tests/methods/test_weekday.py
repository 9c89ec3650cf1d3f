"""Unit tests of helpers.methods.weekday: the HAC interval of a day-minus-rest difference is exact in ``level``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
