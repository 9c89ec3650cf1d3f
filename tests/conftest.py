"""Shared fixtures: the read-only data mirror, a temporary project home filled from it, notebooks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers.data import catalog

ROOT = Path(__file__).resolve().parents[1]


def _mirror_path() -> Path | None:
    env = os.environ.get("QTLAB_MIRROR")
    if env:
        path = Path(env).expanduser().resolve()
        if not (path / "fred").is_dir():
            raise RuntimeError(f"QTLAB_MIRROR={env} is set but has no fred/ folder")
        return path
    default = (ROOT / ".." / "shared" / "data").resolve()
    return default if (default / "fred").is_dir() else None


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The read-only mirror (``$QTLAB_MIRROR`` or ``../shared/data``); skips when neither exists."""
    path = _mirror_path()
    if path is None:
        pytest.skip("no data mirror: set QTLAB_MIRROR to a directory laid out like ../shared/data")
    return path


@pytest.fixture(scope="session")
def mirror_home(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A temporary QTLAB_HOME whose cache holds every catalog series, read from the mirror."""
    from helpers.data.store import Store
    from helpers.sources.mirror import MirrorSource

    home = tmp_path_factory.mktemp("qtlab_home")
    saved = {k: os.environ.get(k) for k in ("QTLAB_HOME", "QTLAB_MIRROR")}
    os.environ["QTLAB_HOME"] = str(home)
    os.environ["QTLAB_MIRROR"] = str(mirror_dir)
    store, source = Store(), MirrorSource(mirror_dir)
    for sid in catalog.CATALOG:
        store.update(sid, source)
    yield home
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def run_notebook(mirror_home: Path) -> Callable[..., tuple[Any, dict[str, Any]]]:
    """Execute a notebook through papermill on the mirror (once per name and parameters).

    Returns ``(NotebookRun, per-notebook results dict)``.
    """
    from helpers.claims.results import read_notebook_results
    from helpers.report import runner

    done: dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[Any, dict[str, Any]]] = {}

    def _run(name: str, **parameters: Any) -> tuple[Any, dict[str, Any]]:
        key = (name, tuple(sorted(parameters.items())))
        if key not in done:
            out = mirror_home / "reports"
            run = runner.execute(name, parameters, out)
            path = out / "results" / f"{name}.json"
            done[key] = (run, read_notebook_results(path) if path.is_file() else {})
        return done[key]

    return _run


@pytest.fixture
def size_case() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Eight tokens over 120 days (two large that rise, three small that fall, three mid), their point-in-time
    ranks on two episode confirmations, the episodes, and an always-true rally mask (rotation size tests)."""
    idx = pd.date_range("2021-01-01", periods=120, freq="D")
    rng = np.random.default_rng(3)
    drift = {"big1": 0.004, "big2": 0.004, "s1": -0.004, "s2": -0.004, "s3": -0.004, "m1": 0.0, "m2": 0.0, "m3": 0.0}
    px = pd.DataFrame({k: 100 * np.exp(np.cumsum(d + 0.01 * rng.standard_normal(len(idx)))) for k, d in drift.items()},
                      index=idx)
    eps = pd.DataFrame({"confirmed": pd.to_datetime(["2021-01-10", "2021-03-01"]),
                        "ended": pd.to_datetime(["2021-02-20", pd.NaT])})
    ranks = pd.DataFrame([[1, 2, 6, 7, 8, 3, 4, 5]] * 2, index=eps["confirmed"], columns=list(drift), dtype=float)
    rally = pd.Series(True, index=idx)
    return px, ranks, eps, rally
