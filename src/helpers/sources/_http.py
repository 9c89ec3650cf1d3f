"""Polite HTTP for the remote sources: a rate limit, retries with backoff, and redacted errors.

Every remote call goes through :func:`call_with_retries`, either as a plain ``GET`` made by
:class:`RateLimitedSession` (requests) or as a wrapped library call (fredapi, which uses urllib).
The helpers here guarantee three things:

* at most ``max_calls`` requests per ``period`` seconds per host (:class:`RateLimiter`);
* HTTP 429, 5xx, timeouts and connection failures are retried with exponential backoff,
  honouring ``Retry-After``, and end in a one-line :class:`~helpers.errors.SourceUnavailableError`
  naming the host (never the URL with its query);
* no API key reaches a message, a log line or an exception chain (:func:`redact`).
"""

from __future__ import annotations

import email.utils
import logging
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

import requests

from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint

logger = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], None]
Clock = Callable[[], float]

#: Seconds to wait for a server to answer one request.
DEFAULT_TIMEOUT = 30.0

_API_KEY = re.compile(r"(api_key(?:=|%3D))[^&\s'\"<>#]+", re.IGNORECASE)
_REDACTED = "***"


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove API keys from ``text``.

    Parameters
    ----------
    text : str
        Any text: a URL, an exception message, a log line.
    secrets : iterable of str or None, optional
        Literal values to remove as well (the key itself, in case a server echoes it back
        outside an ``api_key=`` parameter). ``None`` and empty values are ignored.

    Returns
    -------
    str
        ``text`` with every ``api_key=<value>`` replaced by ``api_key=***`` and every literal
        secret replaced by ``***``.
    """
    cleaned = _API_KEY.sub(r"\g<1>" + _REDACTED, str(text))
    for secret in secrets:
        if secret:
            cleaned = cleaned.replace(secret, _REDACTED)
    return cleaned


def host_of(url: str) -> str:
    """Return the ``host[:port]`` part of ``url``, the only part of a URL errors may show.

    Parameters
    ----------
    url : str
        An absolute URL.

    Returns
    -------
    str
        Host name, with the port when the URL gives one; ``url`` redacted if it has no host.
    """
    parts = urlsplit(url)
    if not parts.hostname:
        return redact(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock that stamps ``Fetched.as_of``)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure.

    Parameters
    ----------
    max_retries : int
        Retries after the first attempt (``0`` = try once).
    base_delay : float
        Seconds before the first retry; each further retry doubles it. ``0`` in tests.
    max_delay : float
        Longest single wait. A ``Retry-After`` longer than this is not waited out: the call
        fails at once, saying how long the server asked to wait.
    """

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based), without ``Retry-After``.

        Parameters
        ----------
        retry : int
            0 for the first retry, 1 for the second, ...

        Returns
        -------
        float
            ``base_delay * 2**retry``, capped at ``max_delay``.
        """
        return min(self.max_delay, self.base_delay * 2.0**retry)


class RateLimiter:
    """At most ``max_calls`` calls in any window of ``period`` seconds (a sliding window).

    Parameters
    ----------
    max_calls : int
        Calls allowed per window (FRED: 2 per second; Coin Metrics community: 10 per 6 s).
    period : float
        Window length in seconds.
    clock : callable, optional
        Monotonic clock in seconds; injectable for tests.
    sleep : callable, optional
        Function that waits a number of seconds; injectable for tests.
    """

    def __init__(
        self, max_calls: int, period: float = 1.0, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        if max_calls < 1 or period <= 0:
            raise ValueError(f"rate limit needs max_calls >= 1 and period > 0, got {max_calls} per {period}")
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until one more call fits in the window, then record it."""
        with self._lock:
            now = self._clock()
            self._forget_before(now - self.period)
            if len(self._calls) >= self.max_calls:
                wait = self._calls[0] + self.period - now
                if wait > 0:
                    self._sleep(wait)
                now = self._clock()
                self._forget_before(now - self.period)
                while len(self._calls) >= self.max_calls:  # a clock that did not advance
                    self._calls.popleft()
            self._calls.append(now)

    def _forget_before(self, cutoff: float) -> None:
        while self._calls and self._calls[0] <= cutoff:
            self._calls.popleft()


_SHARED_LIMITERS: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(host: str, max_calls: int, period: float = 1.0) -> RateLimiter:
    """Return the process-wide limiter of ``host``, so that every source object shares one budget.

    Parameters
    ----------
    host : str
        Host the limit applies to.
    max_calls, period
        Limit used when the host's limiter is first created.

    Returns
    -------
    RateLimiter
        The same object for every call with the same ``host``.
    """
    with _SHARED_LOCK:
        if host not in _SHARED_LIMITERS:
            _SHARED_LIMITERS[host] = RateLimiter(max_calls, period)
        return _SHARED_LIMITERS[host]


class TransientFailure(Exception):
    """Raised by one attempt to ask :func:`call_with_retries` for another try.

    Parameters
    ----------
    reason : str
        Short, already redacted description (``HTTP 503 Service Unavailable``).
    retry_after : float or None
        Seconds the server asked to wait (``Retry-After``), if it said.
    offline : bool
        The host could not be reached at all; the final error is :func:`offline_hint`.
    retryable : bool
        ``False`` when retrying cannot help (the host name does not resolve: no network).
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, offline: bool = False, retryable: bool = True
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.offline = offline
        self.retryable = retryable


def call_with_retries(
    attempt: Callable[[], T],
    *,
    host: str,
    policy: RetryPolicy,
    limiter: RateLimiter | None = None,
    sleep: Sleep = time.sleep,
) -> T:
    """Call ``attempt`` until it succeeds, retrying on :class:`TransientFailure`.

    Parameters
    ----------
    attempt : callable
        Makes one request. Raises :class:`TransientFailure` for failures worth retrying; any
        other exception propagates unchanged.
    host : str
        Host named in log lines and errors.
    policy : RetryPolicy
        Number of retries and backoff.
    limiter : RateLimiter or None
        Acquired before every attempt, retries included.
    sleep : callable
        Waits between attempts; injectable for tests.

    Returns
    -------
    object
        What ``attempt`` returns.

    Raises
    ------
    SourceUnavailableError
        When retries run out, when the server asks to wait longer than ``policy.max_delay``,
        or at once when the host does not resolve. The error has no chained cause or context.
    """
    failure: TransientFailure | None = None
    attempts = policy.max_retries + 1
    for number in range(1, attempts + 1):
        if limiter is not None:
            limiter.acquire()
        try:
            return attempt()
        except TransientFailure as exc:
            failure = exc
        if not failure.retryable or number == attempts:
            break
        delay = policy.backoff(number - 1) if failure.retry_after is None else failure.retry_after
        if delay > policy.max_delay:
            raise SourceUnavailableError(
                f"{host} answered {failure.reason} and asked to wait {delay:.0f} s before retrying; "
                "try again later"
            )
        logger.warning(
            "%s: %s; retry %d of %d in %.1f s", host, failure.reason, number, policy.max_retries, delay
        )
        sleep(delay)
    assert failure is not None
    raise _exhausted(host, failure, number)


def _exhausted(host: str, failure: TransientFailure, attempts: int) -> SourceUnavailableError:
    """The error raised when a host kept failing."""
    if failure.offline:
        return SourceUnavailableError(offline_hint(host))
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return SourceUnavailableError(
        f"{host} is unavailable: {failure.reason} after {tries}; "
        "try again later or use a mirror (QTLAB_MIRROR)"
    )


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header.

    Parameters
    ----------
    value : str or None
        Header value: delay in seconds or an HTTP date.
    now : datetime, optional
        Current UTC time, for HTTP dates; defaults to the system clock.

    Returns
    -------
    float or None
        Non-negative seconds, or ``None`` when the header is absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_retryable_status(status: int) -> bool:
    """Whether an HTTP status is worth retrying (429 and 5xx).

    Parameters
    ----------
    status : int
        HTTP status code.

    Returns
    -------
    bool
        ``True`` for 429 Too Many Requests and every 5xx.
    """
    return status == 429 or 500 <= status <= 599


def is_name_resolution_failure(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a host name that does not resolve (typically: no network).

    Walks the cause/context chain and the ``reason`` attributes used by urllib and urllib3.

    Parameters
    ----------
    exc : BaseException
        Any exception raised by requests or urllib.

    Returns
    -------
    bool
        ``True`` when a :class:`socket.gaierror` is somewhere in the chain.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return True
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo.extend(item for item in linked if isinstance(item, BaseException))
    return False


class RateLimitedSession:
    """``GET`` over requests with a per-host rate limit and retries.

    Parameters
    ----------
    max_calls, period
        Rate limit per host (used when ``limiter`` is not given): ``max_calls`` per ``period`` s.
    policy : RetryPolicy, optional
        Retries and backoff; default :class:`RetryPolicy()`.
    limiter : RateLimiter, optional
        Limiter to use instead of the process-wide one of the host (tests inject their own).
    session : requests.Session, optional
        Session to send requests with.
    timeout : float
        Seconds to wait for each answer.
    sleep : callable
        Waits between retries; injectable for tests.
    secrets : iterable of str, optional
        Literal values to redact from messages besides ``api_key=`` parameters.
    """

    def __init__(
        self,
        max_calls: int,
        period: float = 1.0,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Sleep = time.sleep,
        secrets: Iterable[str] = (),
    ) -> None:
        self.max_calls = max_calls
        self.period = period
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self._limiter = limiter
        self._session = session or requests.Session()
        self._sleep = sleep
        self._secrets = tuple(secrets)

    def get(self, url: str, params: Mapping[str, str] | None = None) -> requests.Response:
        """Send ``GET url?params``, retrying 429, 5xx, timeouts and connection failures.

        Parameters
        ----------
        url : str
            Absolute URL (may already carry a query, e.g. a ``next_page_url``).
        params : mapping, optional
            Query parameters to add.

        Returns
        -------
        requests.Response
            The first answer that is neither 429 nor 5xx; other 4xx are returned for the caller
            to interpret (see :func:`ensure_ok`).

        Raises
        ------
        SourceUnavailableError
            The host kept failing, or could not be reached (message: :func:`offline_hint`).
        """
        host = host_of(url)
        return self.call(lambda: self._attempt(url, params, host), host)

    def call(self, attempt: Callable[[], T], host: str) -> T:
        """Run ``attempt`` under this session's rate limit and retry policy.

        For remote calls made by another client (fredapi) that must share the budget and the
        retries of the ``GET`` requests.

        Parameters
        ----------
        attempt : callable
            Makes one request; raises :class:`TransientFailure` for failures worth retrying.
        host : str
            Host the request goes to: picks the process-wide limiter (unless one was given)
            and is named in log lines and errors.

        Returns
        -------
        object
            The result of the first attempt that does not raise :class:`TransientFailure`.

        Raises
        ------
        SourceUnavailableError
            The host kept failing or could not be reached (as in :func:`call_with_retries`).
        """
        limiter = self._limiter or shared_limiter(host, self.max_calls, self.period)
        return call_with_retries(attempt, host=host, policy=self.policy, limiter=limiter, sleep=self._sleep)

    def _attempt(self, url: str, params: Mapping[str, str] | None, host: str) -> requests.Response:
        """One request; transient failures become :class:`TransientFailure` with a redacted reason."""
        logger.debug("GET %s", redact(url.split("?", 1)[0], self._secrets))
        try:
            response = self._session.get(url, params=params, timeout=self.timeout)
        except requests.exceptions.Timeout:
            raise TransientFailure(f"no answer within {self.timeout:g} s (timed out)") from None
        except requests.exceptions.ConnectionError as exc:
            offline = is_name_resolution_failure(exc)
            raise TransientFailure(
                f"could not connect to {host}", offline=True, retryable=not offline
            ) from None
        if is_retryable_status(response.status_code):
            raise TransientFailure(
                f"HTTP {response.status_code} {response.reason or ''}".rstrip(),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        return response


def ensure_ok(response: requests.Response, what: str, secrets: Iterable[str] = ()) -> None:
    """Raise a clear error when ``response`` is an HTTP error the caller did not handle.

    Parameters
    ----------
    response : requests.Response
        Answer returned by :meth:`RateLimitedSession.get`.
    what : str
        What was asked for, for the message (``FRED series 'WALCL'``).
    secrets : iterable of str, optional
        Literal values to redact from the quoted body.

    Raises
    ------
    SourceContractError
        For any status >= 400, quoting the start of the body, redacted.
    """
    if response.status_code < 400:
        return
    body = " ".join(response.text[:200].split())
    raise SourceContractError(
        redact(
            f"{host_of(response.url or '')} answered HTTP {response.status_code} for {what}: {body}", secrets
        )
    )
