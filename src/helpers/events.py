"""Deprecated facade: the event-study engine now lives in :mod:`helpers.methods` and :mod:`helpers.studies.events`.

Re-exports, under their old names, exactly the names that modules, notebooks, tests and benchmarks
of other owners still import from ``helpers.events`` (rotation, scenarios, seasonality,
studies_speccurves, notebooks 04, 05, 06 and 09, tests of seasonality and spec curves, the
benchmarks). New code imports from the new homes:

- :mod:`helpers.methods.eventstudy`: calendar grid, event paths, horizon changes, the unconditional
  distribution, percentiles, bootstrap baselines, confounders, indicator periods;
- :mod:`helpers.methods.placebo`: random-date and spacing-kept placebo tests, effect intervals;
- :mod:`helpers.methods.rallies`: best change over a span, rally definitions, base rates;
- :mod:`helpers.methods.cycles`: return gap and drawdowns in tightening cycles;
- :mod:`helpers.studies.events`: notebook 03's tables (placebo table, leave-one-out, baselines,
  rally study and grid, loading the assets).

This module is removed in the final pass of issue 10.
"""

from __future__ import annotations

from helpers.methods.eventstudy import (
    calendar_daily,
    change_after,
    event_paths,
    horizon_changes,
    indicator_periods,
    percentile_in,
    runups,
    unconditional_changes,
)
from helpers.methods.placebo import PlaceboResult, effect_interval, placebo_test, spaced_placebo_test
from helpers.methods.rallies import best_change, rally_definitions, unconditional_best
from helpers.studies.events import load_assets, placebo_table

__all__ = [
    "PlaceboResult",
    "best_change",
    "calendar_daily",
    "change_after",
    "effect_interval",
    "event_paths",
    "horizon_changes",
    "indicator_periods",
    "load_assets",
    "percentile_in",
    "placebo_table",
    "placebo_test",
    "rally_definitions",
    "runups",
    "spaced_placebo_test",
    "unconditional_best",
    "unconditional_changes",
]
