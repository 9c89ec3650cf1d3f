"""Benchmarks of the data cache (issue 12): cold fetch, no-change refresh, and loading every series.

``run()`` returns seconds per figure (best of three); goals: loading every cached series <= 0.5 s,
a no-change refresh from the mirror well under the 5 s budget of a no-change ``make reports``.
Needs the data mirror (``QTLAB_MIRROR`` or ``../shared/data``); works in a temporary project home
and restores the environment afterwards.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Goal of each figure in seconds (``None``: reported, no goal).
GOALS: dict[str, float | None] = {
    "data_fetch_cold_s": None,
    "data_refresh_nochange_s": 5.0,
    "data_load_all_s": 0.5,
    "data_load_all_again_s": None,
}


def _best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def run() -> dict[str, float]:
    """Time the cache on the mirror.

    Returns
    -------
    dict of str to float
        ``data_fetch_cold_s``: every catalog series from the mirror into an empty cache;
        ``data_refresh_nochange_s``: ``--refresh`` of every series when nothing changed;
        ``data_load_all_s``: :func:`helpers.data.primary` of every series from a filled cache, as a
        new kernel sees it (the per-process memo cleared: parquet copies are read);
        ``data_load_all_again_s``: the same a second time in one process (memoised).
    """
    mirror = os.environ.get("QTLAB_MIRROR") or str(ROOT.parent / "shared" / "data")
    saved = {k: os.environ.get(k) for k in ("QTLAB_MIRROR", "QTLAB_HOME")}
    os.environ["QTLAB_MIRROR"] = mirror
    os.environ["QTLAB_HOME"] = tempfile.mkdtemp(prefix="qtlab-bench-data-")
    try:
        from helpers import data
        from helpers.data import catalog
        from helpers.data import store as store_module
        from helpers.data.store import Store
        from helpers.sources.mirror import MirrorSource

        source = MirrorSource(mirror)
        ids = list(catalog.CATALOG)
        cold = _best_of(lambda: [Store(Path(tempfile.mkdtemp(prefix="qtlab-bench-cold-"))).update(s, source)
                                 for s in ids], repeat=1)
        store = Store()
        for sid in ids:
            store.update(sid, source)
        refresh = _best_of(lambda: [store.update(s, source, refresh=True) for s in ids])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gap warnings are the tests' business
            [data.primary(s) for s in ids]  # warm-up: imports
            load = _best_of(lambda: store_module._READ_MEMO.clear() or [data.primary(s) for s in ids])
            again = _best_of(lambda: [data.primary(s) for s in ids])
        return {"data_fetch_cold_s": cold, "data_refresh_nochange_s": refresh, "data_load_all_s": load,
                "data_load_all_again_s": again}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


if __name__ == "__main__":
    for key, seconds in run().items():
        goal = GOALS.get(key)
        verdict = "    " if goal is None else ("ok  " if seconds <= goal else "SLOW")
        print(f"{verdict} {seconds:7.3f} s" + (f" (goal {goal} s)" if goal else "") + f"  {key}")
