"""Deprecated facade: the names other modules still import from ``helpers.rotation``; removed in the final pass.

The sector-rotation code now lives in :mod:`helpers.methods.baskets`, :mod:`helpers.methods.episodes`,
:mod:`helpers.methods.rally_anatomy`, :mod:`helpers.methods.leadlag`, :mod:`helpers.methods.masked_bootstrap`,
:mod:`helpers.methods.sizeranks`, :mod:`helpers.methods.small_sample` and :mod:`helpers.studies.rotation`
(notebook 04). This module re-exports, under their old names, only what :mod:`helpers.studies.speccurves`
(notebook 09, and the legacy ``helpers.studies_speccurves`` while it exists) still imports.
"""

from __future__ import annotations

from helpers.methods.baskets import equal_weight_basket, prepare_prices, trim_after_last
from helpers.methods.episodes import episodes_by_rule, state_from_episodes
from helpers.methods.masked_bootstrap import regime_means

__all__ = ["episodes_by_rule", "equal_weight_basket", "prepare_prices", "regime_means", "state_from_episodes",
           "trim_after_last"]
