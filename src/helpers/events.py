"""Deprecated facade: the event-study engine now lives in :mod:`helpers.methods` and :mod:`helpers.studies.events`.

Re-exports, under their old names, exactly the names that files of other owners still import from
``helpers.events`` (studies.scenarios, methods.simulation, methods.strategy_comparison, notebook 06,
benchmarks/bench_stats.py). New code imports from the new homes:

- :mod:`helpers.methods.eventstudy`: calendar grid, event paths, horizon changes, the unconditional
  distribution, percentiles, bootstrap baselines, confounders, indicator periods;
- :mod:`helpers.methods.placebo`: random-date and spacing-kept placebo tests, effect intervals;
- :mod:`helpers.methods.rallies`: best change over a span, rally definitions, base rates;
- :mod:`helpers.methods.cycles`: return gap and drawdowns in tightening cycles;
- :mod:`helpers.studies.events`: notebook 03's tables (placebo table, leave-one-out, baselines,
  rally study and grid, loading the assets).

This module is removed in the final pass of issue 10 (or as soon as nothing imports it).
"""

from __future__ import annotations

from helpers.methods.eventstudy import (
    calendar_daily,
    change_after,
    horizon_changes,
    indicator_periods,
    runups,
    unconditional_changes,
)
from helpers.methods.placebo import effect_interval, placebo_test
from helpers.studies.events import placebo_table

__all__ = [
    "calendar_daily",
    "change_after",
    "effect_interval",
    "horizon_changes",
    "indicator_periods",
    "placebo_table",
    "placebo_test",
    "runups",
    "unconditional_changes",
]
