"""Deprecated facade: notebook 06's scenarios and strategies now live in :mod:`helpers.methods` and :mod:`helpers.studies`.

Re-exports, under their old names, exactly the names that modules of other owners still import from
``helpers.scenarios``: the site's forecast figure (:func:`helpers.report.site.forecast_png`) finds
``scenario_paths`` and ``fan_quantiles`` here. New code imports from the new homes:

- :mod:`helpers.methods.simulation`: historical and bootstrapped paths, touch probabilities, fan
  quantiles, realised path against the simulation;
- :mod:`helpers.methods.strategies`: staged entry, exposure-matched mix, ladder, trailing stop;
- :mod:`helpers.methods.strategy_comparison`: risk measures, comparisons with a baseline, gain
  locking and upside capture;
- :mod:`helpers.studies.scenarios`: notebook 06's stress, recession, shock and "sell the news"
  tables and the four risks of C20 (:func:`~helpers.studies.scenarios.thesis_risk_table`).

This module is removed in the final pass of issue 10.
"""

from __future__ import annotations

from helpers.methods.simulation import fan_quantiles, scenario_paths

__all__ = ["fan_quantiles", "scenario_paths"]
