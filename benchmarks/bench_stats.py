"""Benchmarks of the statistics behind the notebooks (``make bench`` merges these figures).

Goals (issue 12): 10,000 stationary-bootstrap paths of 365 days in at most 2 s; a 5,000-draw random-date
placebo at 5 horizons in at most 1 s. Both run on BTC's real closes from the mirror (best of three).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

#: Goal of each figure in seconds.
GOALS: dict[str, float] = {"bootstrap_10000_paths_365d_s": 2.0, "placebo_5000_draws_5_horizons_s": 1.0}


def _best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return round(best, 4)


def _btc_closes():  # type: ignore[no-untyped-def]
    """BTC closes from a temporary cache filled from the mirror (``$QTLAB_MIRROR`` or ../shared/data)."""
    from helpers import data
    from helpers.data.store import Store
    from helpers.sources.mirror import MirrorSource

    mirror = Path(os.environ.get("QTLAB_MIRROR") or Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    home = tempfile.mkdtemp(prefix="qtlab_bench_stats_")
    os.environ["QTLAB_HOME"] = home
    Store().update("btc", MirrorSource(mirror.resolve()))
    return data.closes("btc")


def run() -> dict[str, float]:
    """Seconds per figure (best of three)."""
    from helpers.methods import simulation
    from helpers.studies import events as events_studies

    saved = os.environ.get("QTLAB_HOME")
    try:
        btc = _btc_closes()
    finally:
        if saved is None:
            os.environ.pop("QTLAB_HOME", None)
        else:
            os.environ["QTLAB_HOME"] = saved
    log_returns = np.diff(np.log(btc.to_numpy(dtype=float)))
    pivots = ["2019-07-31", "2020-03-15", "2023-07-26", "2024-09-18"]
    return {
        "bootstrap_10000_paths_365d_s": _best_of(
            lambda: simulation.bootstrap_paths(log_returns, 10_000, 365, 30, 20251201)),
        "placebo_5000_draws_5_horizons_s": _best_of(
            lambda: events_studies.placebo_table({"btc": btc}, pivots, [30, 90, 180, 365, 540], draws=5000, seed=1)),
    }


if __name__ == "__main__":
    for key, seconds in run().items():
        print(f"{seconds:7.3f} s (goal {GOALS[key]} s)  {key}")
