"""Deprecated facade: the statistics moved to :mod:`helpers.methods`; removed in the final pass.

Re-exports, under their old names, only what files of other owners still import from here:
``transforms`` (changes, weekly frames, as-of), ``correlation`` (lead-lag), ``hac`` (bandwidth rule),
``timeseries`` (Granger), ``regimes`` (regime returns and tables) and ``inference`` (adjustment).
"""

from __future__ import annotations

from helpers.methods.correlation import lead_lag_corr
from helpers.methods.hac import newey_west_lags
from helpers.methods.inference import adjust_pvalues, with_adjusted
from helpers.methods.regimes import (
    RegimeComparison,
    liquidity_regime_returns,
    regime_forward_returns,
    regime_from_change,
    regime_table,
)
from helpers.methods.timeseries import granger_both_ways
from helpers.methods.transforms import available_asof, log_returns, month_end_values, weekly_frame

__all__ = ["RegimeComparison", "adjust_pvalues", "available_asof", "granger_both_ways", "lead_lag_corr",
           "liquidity_regime_returns", "log_returns", "month_end_values", "newey_west_lags", "regime_forward_returns",
           "regime_from_change", "regime_table", "weekly_frame", "with_adjusted"]
