"""What every remote source shares: a rate-limited, retrying HTTP session and a UTC clock.

:class:`HttpSource` is the base of the Coin Metrics, Binance, DefiLlama and FRED sources. A
subclass states its host's rate limit as class attributes and takes its own constructor
parameters (API roots, page size, API key); the shared ones (:class:`HttpOptions`) it passes on
to :class:`HttpSource`, which documents them once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, TypedDict

import requests

from helpers.sources._http import (
    DEFAULT_TIMEOUT,
    RateLimitedSession,
    RateLimiter,
    RetryPolicy,
    Sleep,
    utc_now,
)


class HttpOptions(TypedDict, total=False):
    """The keyword arguments every :class:`HttpSource` takes; see its Parameters."""

    policy: RetryPolicy | None
    limiter: RateLimiter | None
    session: requests.Session | None
    timeout: float
    sleep: Sleep
    clock: Callable[[], datetime]


class HttpSource:
    """Base of the remote sources: one rate-limited, retrying HTTP session and a UTC clock.

    Subclasses set :attr:`name` and their host's rate limit (:attr:`max_calls` requests per
    :attr:`period` seconds), take their own parameters and pass these on.

    Parameters
    ----------
    policy : RetryPolicy, optional
        Retries and backoff; default :class:`~helpers.sources._http.RetryPolicy()`.
    limiter : RateLimiter, optional
        Rate limiter for every host the source calls; default: the process-wide limiter of
        each host, allowing :attr:`max_calls` requests per :attr:`period` seconds.
    session : requests.Session, optional
        Session to send requests with.
    timeout : float, optional
        Seconds to wait for each answer.
    sleep : callable, optional
        Waits between retries; injectable for tests.
    clock : callable, optional
        Returns the current UTC time, stamped on results as ``as_of``.
    """

    #: Source name, stamped on results (``Fetched.source``).
    name: str
    #: Rate limit of the source's hosts: at most ``max_calls`` requests per ``period`` seconds.
    max_calls: ClassVar[int]
    period: ClassVar[float] = 1.0

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Sleep = time.sleep,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._clock = clock
        self._http = RateLimitedSession(
            self.max_calls,
            self.period,
            policy=policy,
            limiter=limiter,
            session=session,
            timeout=timeout,
            sleep=sleep,
            secrets=self._secrets,
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self._repr_fields().items())
        return f"{type(self).__name__}({shown})"

    def _repr_fields(self) -> dict[str, object]:
        """What ``repr`` shows, by name: the roots called, never a secret."""
        raise NotImplementedError

    @property
    def _secrets(self) -> tuple[str, ...]:
        """Literal values to redact from messages (an API key); set before ``__init__`` runs."""
        return ()


def checked_page_size(page_size: int, largest: int) -> int:
    """Return ``page_size`` if a page of that many rows can be asked for.

    Parameters
    ----------
    page_size : int
        Rows per request asked for.
    largest : int
        Largest page the API serves.

    Returns
    -------
    int
        ``page_size``.

    Raises
    ------
    ValueError
        ``page_size`` is not between 1 and ``largest``.
    """
    if not 1 <= page_size <= largest:
        raise ValueError(f"page_size must be between 1 and {largest}, got {page_size}")
    return page_size
