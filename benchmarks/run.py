"""Benchmarks of the whole pipeline (``make bench``): performance goals live here, not in tests.

In a temporary copy of the project (notebooks, curated data, the cache filled from the mirror) it measures,
in one benchmark run on this machine:

- sequential ``jupyter nbconvert --to html --execute`` of every notebook (the baseline);
- a cold ``qtlab run --jobs N`` (no execution cache), as a ratio of the baseline (goal <= 0.55);
- a no-change ``qtlab run`` (goal <= 3 s) and a no-change ``make reports`` with the mirror (goal <= 5 s);
- the peak memory of the cold run, every process included: runner, workers, kernels (goal <= 1.5 GB);

then calls ``run()`` of every other ``benchmarks/bench_*.py`` module and merges its figures (a module's
``GOALS`` dict, if any, gives their goals). Prints every figure and writes ``reports/benchmarks.json``
(of ``$QTLAB_HOME`` or the checkout) with the machine's core count. Needs the data mirror
(``QTLAB_MIRROR`` or ``../shared/data``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: Goals: (value, "max") means the figure must not exceed the value.
GOALS: dict[str, float] = {
    "cold_run_ratio": 0.55,
    "no_change_run_s": 3.0,
    "no_change_make_reports_s": 5.0,
    "peak_memory_gb": 1.5,
}


class PeakMemory:
    """Sample the memory of a process and all its descendants; keep the peak (bytes).

    The figure is the sum of proportional set sizes (PSS: shared pages split between the processes
    that map them) where the OS reports it, else of resident sizes (which count shared libraries once
    per process, so overstate the total); :attr:`peak_rss` keeps the RSS sum too.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_rss = 0
        self._stop = threading.Event()
        self._pid: int | None = None
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def watch(self, pid: int) -> None:
        self._pid = pid
        self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                root = psutil.Process(self._pid)
                procs = [root, *root.children(recursive=True)]
                total = rss = 0
                for p in procs:
                    try:
                        full = p.memory_full_info()
                        rss += full.rss
                        total += getattr(full, "pss", full.rss)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
                self.peak_rss = max(self.peak_rss, rss)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak


FAILURES: list[str] = []


PEAK_RSS: list[int] = []


def timed(cmd: list[str], env: dict[str, str], cwd: Path, memory: bool = False,
          allow_fail: bool = False) -> tuple[float, int, str]:
    """Run ``cmd``; return (seconds, peak bytes of its process tree or 0, combined output).

    A failing command stops the benchmark, unless ``allow_fail`` (a failing notebook): then it is noted
    in :data:`FAILURES` and in ``benchmarks.json``.
    """
    began = time.perf_counter()
    watcher = PeakMemory() if memory else None
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if watcher:
        watcher.watch(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - began
    peak = watcher.stop() if watcher else 0
    if watcher:
        PEAK_RSS.append(watcher.peak_rss)
    if proc.returncode != 0 and allow_fail:
        FAILURES.append(f"{' '.join(Path(c).name if '/' in c else c for c in cmd)}: exit {proc.returncode}")
        print(f"       (failed: {FAILURES[-1]})", flush=True)
    elif proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{out[-3000:]}")
    return seconds, peak, out


def work_home(mirror: str) -> Path:
    """A temporary project home: a snapshot of the package, notebooks, curated data and reports (no caches).

    The snapshot of ``src/`` (first on ``PYTHONPATH`` for every command and kernel) keeps the code fixed
    for the whole benchmark, even while the checkout is being edited.
    """
    home = Path(tempfile.mkdtemp(prefix="qtlab-bench-"))
    shutil.copytree(ROOT / "src", home / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):  # make reports rewrites the README's headline block
        shutil.copy(ROOT / name, home / name)
    shutil.copytree(ROOT / "notebooks", home / "notebooks")
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("raw"))
    # reports/ as a fresh clone has it (runs.json gives the runner its longest-first order), minus the cache
    shutil.copytree(ROOT / "reports", home / "reports", ignore=shutil.ignore_patterns(".executed", "benchmarks.json"))
    return home


def pipeline(jobs: int, mirror: str) -> dict[str, float]:
    """The notebook figures: baseline, cold parallel run, no-change run and make reports, peak memory."""
    home = work_home(mirror)
    env = {**os.environ, "QTLAB_HOME": str(home), "QTLAB_MIRROR": mirror,
           "QTLAB_SCRATCH": str(home / "scratch"), "PYTHONWARNINGS": "ignore",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(home / "src"), os.environ.get("PYTHONPATH")]))}
    qtlab = str(BIN / "qtlab")
    figures: dict[str, float] = {}
    fetch, _, _ = timed([qtlab, "fetch", "--source", "mirror"], env, home)
    figures["fetch_mirror_cold_s"] = fetch
    timed([qtlab, "kernel"], env, home)
    notebooks = sorted((home / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    html = home / "nbconvert"
    began = time.perf_counter()
    for nb in notebooks:
        seconds, _, _ = timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--execute", str(nb),
                               "--output-dir", str(html), "--ExecutePreprocessor.timeout=1800",
                               "--ExecutePreprocessor.kernel_name=qtlab"], env, home / "notebooks",
                              allow_fail=True)
        figures[f"nbconvert_{nb.stem}_s"] = seconds
        print(f"       {seconds:7.1f} s  nbconvert {nb.stem}", flush=True)
    figures["sequential_nbconvert_s"] = time.perf_counter() - began
    cold, peak, out = timed([qtlab, "run", "--jobs", str(jobs)], env, home, memory=True, allow_fail=True)
    print(out.rstrip())
    figures["cold_run_s"] = cold
    figures["cold_run_ratio"] = cold / figures["sequential_nbconvert_s"]
    figures["peak_memory_gb"] = peak / 1e9
    figures["peak_memory_rss_sum_gb"] = PEAK_RSS[-1] / 1e9
    figures["no_change_run_s"] = min(timed([qtlab, "run"], env, home, allow_fail=True)[0] for _ in range(3))
    make = [shutil.which("make") or "make", "-C", str(ROOT), "-o", ".venv/.installed", "reports"]
    figures["no_change_make_reports_s"] = min(timed(make, env, home, allow_fail=True)[0] for _ in range(2))
    shutil.rmtree(home, ignore_errors=True)
    return figures


def module_figures() -> dict[str, dict[str, Any]]:
    """``run()`` of every other ``benchmarks/bench_*.py``, with goals from its ``GOALS`` dict."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(f"benchmarks_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        goals = getattr(module, "GOALS", {}) or {}
        for key, value in dict(module.run()).items():
            merged[key] = {"value": value, "goal": goals.get(key), "module": path.stem}
    return merged


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel notebooks (default: cores)")
    p.add_argument("--skip-notebooks", action="store_true", help="only the bench_*.py modules")
    p.add_argument("--notebooks", action="store_true", help=argparse.SUPPRESS)  # the old flag: now the default
    p.add_argument("--out", type=Path, default=None, help="default: reports/benchmarks.json of QTLAB_HOME")
    args = p.parse_args(argv)
    mirror = os.environ.get("QTLAB_MIRROR") or str(ROOT.parent / "shared" / "data")
    if not Path(mirror, "fred").is_dir():
        raise SystemExit(f"benchmarks need the data mirror: {mirror} has no fred/ (set QTLAB_MIRROR)")
    figures: dict[str, dict[str, Any]] = {}
    if not args.skip_notebooks:
        for key, value in pipeline(args.jobs, mirror).items():
            figures[key] = {"value": value, "goal": GOALS.get(key), "module": "run"}
    figures.update(module_figures())
    failed = 0
    cores = os.cpu_count()
    for key, f in figures.items():
        goal = f["goal"]
        ok = goal is None or f["value"] <= goal
        f["ok"] = ok
        failed += not ok
        mark = "    " if goal is None else ("ok  " if ok else "MISS")
        print(f"{mark} {f['value']:9.3f}  {key}" + (f" (goal <= {goal:g})" if goal is not None else "")
              + f"  [{cores} cores]")
    from helpers import paths

    out = args.out or paths.reports_dir() / "benchmarks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    body = {"cores": cores, "jobs": args.jobs, "machine": platform.machine(), "python": platform.python_version(),
            "figures": {k: {**v, "value": round(float(v["value"]), 4)} for k, v in figures.items()},
            "failures": FAILURES}
    out.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
