"""One interface for running many independent tasks: a local process pool or a Dask cluster.

Specification curves and notebook sweeps hand their grid to :func:`get_executor`. Without a
scheduler address the tasks run on a local process pool (or serially with one worker); with
``--scheduler ADDRESS`` or ``$QTLAB_DASK_SCHEDULER`` they run on that Dask distributed
cluster. Results come back in the order of the inputs either way, so the two give the same
table for the same grid.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Environment variable naming a Dask scheduler (``tcp://host:8786``).
SCHEDULER_ENV = "QTLAB_DASK_SCHEDULER"


class Executor(Protocol):
    """Anything that maps a function over inputs and returns the results in input order."""

    name: str

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Apply ``fn`` to each item; results in the order of ``items``."""
        ...


class LocalExecutor:
    """A local process pool (serial when ``workers`` is 1, which keeps tracebacks simple)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"local ({self.workers} process{'es' if self.workers > 1 else ''})"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Run ``fn`` over ``items`` on the pool."""
        if self.workers == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ProcessPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            return list(pool.map(fn, items))


class DaskExecutor:
    """Tasks on a Dask distributed cluster reached at ``address`` (or an existing client)."""

    def __init__(self, address: str | None = None, client: Any = None, timeout: str = "10s") -> None:
        from distributed import Client

        if client is None and not address:
            raise ValueError(f"a Dask executor needs a scheduler address (--scheduler or ${SCHEDULER_ENV})")
        try:
            self.client = client if client is not None else Client(address, timeout=timeout)
        except OSError as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.name = f"dask ({self.client.scheduler.address})"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Submit one task per item and gather the results in order."""
        futures = self.client.map(fn, list(items), pure=False)
        return list(self.client.gather(futures))


def get_executor(scheduler: str | None = None, workers: int | None = None, timeout: str = "10s") -> Executor:
    """The Dask executor when a scheduler is given (argument or environment), else a local pool."""
    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        return DaskExecutor(address, timeout=timeout)
    return LocalExecutor(workers)
