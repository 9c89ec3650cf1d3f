"""Benchmarks for the data layer and the notebooks (``make bench``).

Performance goals live here, not in tests: each line prints the best of several runs and
the goal it is held to. Needs the data mirror (``QTLAB_MIRROR`` or ``../shared/data``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> int:
    mirror = os.environ.get("QTLAB_MIRROR") or str(ROOT.parent / "shared" / "data")
    os.environ["QTLAB_MIRROR"] = mirror
    os.environ["QTLAB_HOME"] = tempfile.mkdtemp(prefix="qtlab-bench-")
    from helpers import catalog, data, liquidity
    from helpers.sources.mirror import MirrorSource
    from helpers.store import Store

    source = MirrorSource(mirror)
    store = Store()
    goals = [
        ("fetch every series from the mirror into an empty cache", 10.0,
         lambda: [Store(Path(tempfile.mkdtemp())).update(s, source) for s in catalog.CATALOG]),
        ("read and validate every cached series", 3.0,
         lambda: [store.update(s, source) for s in catalog.CATALOG] and [data.primary(s) for s in catalog.CATALOG]),
        ("net liquidity, 2002 to date", 1.0, liquidity.net_liquidity),
    ]
    failed = 0
    for label, goal, fn in goals:
        seconds = best_of(fn)
        ok = seconds <= goal
        failed += not ok
        print(f"{'ok  ' if ok else 'SLOW'} {seconds:7.3f} s (goal {goal:.0f} s)  {label}")
    if "--notebooks" in sys.argv:
        from helpers import runner

        for name in runner.discover():
            run = runner.execute(name, {}, Path(os.environ["QTLAB_HOME"]) / "reports")
            print(f"{run.status:<4} {run.seconds:7.1f} s (goal 180 s)  notebook {name}")
            failed += run.seconds > 180 or run.status != "ok"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
