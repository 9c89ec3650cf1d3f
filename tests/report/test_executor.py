"""The grid executor: a local pool and a Dask LocalCluster give identical results in input order."""

from __future__ import annotations

import functools

import pytest

from helpers.methods import speccurve as sc
from helpers.report import executor as ex


def _compute(choices: sc.Choices, offset: float = 0.0) -> sc.SpecResult:
    e = choices["a"] * 10 + choices["b"] + offset
    return sc.SpecResult(e, e - 0.5, e + 0.5, n=choices["a"])


def test_local_pool_keeps_input_order() -> None:
    items = list(range(20))
    assert ex.LocalExecutor(2).map(abs, [-i for i in items]) == items
    assert ex.LocalExecutor(1).map(abs, [-3]) == [3]


def test_get_executor_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ex.SCHEDULER_ENV, raising=False)
    assert isinstance(ex.get_executor(workers=1), ex.LocalExecutor)
    monkeypatch.setenv(ex.SCHEDULER_ENV, "tcp://127.0.0.1:1")
    with pytest.raises(ConnectionError, match="127.0.0.1:1"):
        ex.get_executor(timeout="1s")


def test_dask_cluster_matches_local_pool() -> None:
    distributed = pytest.importorskip("distributed")
    specs = sc.grid({"a": [1, 2, 3], "b": [0, 5]})
    fn = functools.partial(_compute, offset=0.25)
    local = sc.run(fn, specs, mapper=ex.LocalExecutor(2).map)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = ex.get_executor(scheduler=cluster.scheduler_address)
        assert dask.name.startswith("dask")
        remote = sc.run(fn, specs, mapper=dask.map)
        dask.client.close()  # type: ignore[attr-defined]
    assert remote.equals(local)
    assert remote["estimate"].tolist() == [10.25, 15.25, 20.25, 25.25, 30.25, 35.25]
