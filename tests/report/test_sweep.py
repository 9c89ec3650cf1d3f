"""Notebook sweeps: a parameter grid through papermill into reports/sweeps/, locally and on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import cli
from helpers.report import executor as ex
from helpers.report import params, sweep

TINY = Path(__file__).resolve().parents[1] / "notebooks" / "90_tiny.ipynb"


def test_split_values_and_grid_parsing() -> None:
    assert sweep.split_values("btc,eth") == ["btc", "eth"]
    assert sweep.split_values("90, 365") == [90, 365]
    assert sweep.split_values("[1,2],[3]") == [[1, 2], [3]]
    assert sweep.parse_grid(["asset=btc,sol", "n=1"]) == {"asset": ["btc", "sol"], "n": [1]}
    with pytest.raises(ValueError, match="empty value"):
        sweep.split_values("a,,b")
    with pytest.raises(ValueError, match="key=value1,value2"):
        sweep.parse_grid(["asset"])
    with pytest.raises(ValueError, match="twice"):
        sweep.parse_grid(["a=1", "a=2"])


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project home whose only notebook is the tiny recorder notebook."""
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nbformat.read(TINY, as_version=4), tmp_path / "notebooks" / "90_tiny.ipynb")
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    return tmp_path


def test_plan_checks_every_combination_before_running(home: Path) -> None:
    assert sweep.plan("90_tiny", {"reps": [1, 2], "label": ["a"]}) == [{"reps": 1, "label": "a"},
                                                                         {"reps": 2, "label": "a"}]
    with pytest.raises(params.ParameterError, match="unknown parameter 'horizon'"):
        sweep.plan("90_tiny", {"horizon": [1]})
    with pytest.raises(params.ParameterError, match="'reps' must be int"):
        sweep.plan("90_tiny", {"reps": [1, "many"]})


@pytest.mark.slow
def test_sweep_runs_the_grid_apart_from_the_published_edition(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["sweep", "90", "-p", "reps=1,2", "-p", "fail=False,True", "--jobs", "2"])
    assert code == 1  # two combinations fail on purpose: the exit code says so
    base = home / "reports" / "sweeps" / "90_tiny"
    table = pd.read_csv(base / "summary.csv")
    assert len(table) == 4 and sorted(table["status"]) == ["failed", "failed", "ok", "ok"]
    ok = table[table["status"] == "ok"]
    assert sorted(ok["reps_times_scale"]) == [1.5, 3.0]  # reps * scale, recorded by each run
    assert set(ok["verdict C30"]) == {"inconclusive"}
    assert table.loc[table["status"] == "failed", "error"].str.contains("broken on purpose").all()
    for folder in table["folder"]:
        assert (base / folder / "90_tiny.html").is_file() and (base / folder / "parameters.json").is_file()
    assert "90_tiny.html" in (base / "summary.html").read_text()
    assert not (home / "reports" / "results").exists() and not (home / "reports" / "results.json").exists()
    assert "4 runs, 2 failed" in capsys.readouterr().out


@pytest.mark.slow
def test_dask_cluster_gives_the_same_summary_as_the_local_pool(home: Path) -> None:
    distributed = pytest.importorskip("distributed")
    grid = {"reps": [3, 4]}
    local = sweep.run_sweep("90", grid, executor=ex.LocalExecutor(1))
    # one single-threaded worker: a run sets process environment variables (see run_sweep's docstring)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = ex.get_executor(scheduler=cluster.scheduler_address)
        remote = sweep.run_sweep("90", grid, executor=dask)
        dask.client.close()  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(local, remote)
    assert remote["reps_times_scale"].tolist() == [4.5, 6.0]


def test_unreachable_scheduler_is_one_line(home: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ex, "DaskExecutor", lambda address, timeout="10s": (_ for _ in ()).throw(
        ConnectionError(f"cannot reach the Dask scheduler at {address}: refused")))
    assert cli.main(["sweep", "90", "-p", "reps=1", "--scheduler", "tcp://127.0.0.1:1"]) == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in capsys.readouterr().err
