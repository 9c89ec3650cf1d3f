"""Drawdown and CVaR of helpers.methods.risk on paths whose answer is exact by construction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.methods import risk


def test_drawdown_is_a_positive_fraction_of_the_running_peak() -> None:
    path = np.array([100.0, 120.0, 90.0, 130.0, 117.0])
    assert risk.drawdowns(path) == pytest.approx([0, 0, 0.25, 0, 0.1])
    assert risk.max_drawdown(path) == pytest.approx(0.25)
    assert risk.max_drawdown(np.array([1.0, 2.0, 3.0])) == 0.0


def test_max_drawdown_of_many_paths_row_by_row() -> None:
    paths = np.array([[1.0, 0.5, 1.0], [1.0, 2.0, 1.5]])
    assert risk.max_drawdown(paths) == pytest.approx([0.5, 0.25])


def test_log_returns_and_values_give_the_same_drawdown() -> None:
    values = np.array([100.0, 120.0, 90.0, 130.0, 117.0])
    r = np.diff(np.log(values))
    assert risk.max_drawdown_of_returns(r) == pytest.approx(risk.max_drawdown(values))
    assert risk.max_drawdown_of_returns(np.array([np.nan, 0.1])) == 0.0


def test_drawdowns_refuse_non_positive_values() -> None:
    with pytest.raises(ValueError, match="positive"):
        risk.drawdowns(np.array([1.0, 0.0]))


def test_cvar_whole_and_fractional_tail() -> None:
    x = np.arange(1.0, 11.0)  # 1 .. 10
    assert risk.cvar(x, 0.2) == pytest.approx(1.5)  # alpha n = 2: mean of 1 and 2
    # alpha n = 2.5: (1 + 2 + 0.5 * 3) / 2.5 = 1.8 (not 2.0, the mean of the worst 3)
    assert risk.cvar(x, 0.25) == pytest.approx(1.8)
    assert risk.cvar(x[::-1], 0.25) == pytest.approx(1.8)  # order does not matter
    assert risk.cvar(x, 1.0) == pytest.approx(5.5)
    assert math.isnan(risk.cvar(np.array([np.nan]), 0.5))
    with pytest.raises(ValueError, match="alpha"):
        risk.cvar(x, 0.0)
