"""What every remote source shares: one :class:`~helpers.sources.http.HttpClient`, a UTC clock, redaction.

:class:`RemoteSource` is the base of the FRED, Coin Metrics, DefiLlama and Binance sources. A
subclass states its hosts' rate limit (:attr:`RemoteSource.rates`) and implements
:meth:`RemoteSource._fetch`; :meth:`RemoteSource.fetch` runs it through
:func:`~helpers.sources.redaction.run_redacted`, so that no exception, of any type, leaves a source
with a secret in its message or chain. Also here: what several sources use to read answers -
:class:`PageGuard` (page limits), :func:`ensure_ok` and :func:`refusal` (HTTP errors as one line),
:func:`fetched`, :func:`number`, :func:`utc_day`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import ClassVar, TypedDict, TypeVar

import pandas as pd
import requests
from pyrate_limiter import Limiter, Rate

from helpers.data.catalog import SeriesSpec, SourceName
from helpers.errors import SourceContractError, SourceUnavailableError
from helpers.sources.base import Fetched
from helpers.sources.http import Answer, HttpClient, HttpPolicy, Sleep, host_of, utc_now
from helpers.sources.redaction import one_line, redact, register_secret, run_redacted

T = TypeVar("T")


class HttpOptions(TypedDict, total=False):
    """The keyword arguments every :class:`RemoteSource` takes; see its Parameters."""

    policy: HttpPolicy | None
    limiter: Limiter | None
    session: requests.Session | None
    sleep: Sleep
    clock: Callable[[], datetime]


class RemoteSource:
    """Base of the remote sources.

    Parameters
    ----------
    policy : HttpPolicy, optional
        Retries, timeouts, deadlines, size and page limits; default :class:`HttpPolicy()`.
    limiter : pyrate_limiter.Limiter, optional
        Limiter for every host the source calls; default: each host's process-wide limiter at
        :attr:`rates`.
    session : requests.Session, optional
        Session to send requests with.
    sleep : callable, optional
        Waits between retries; injectable for tests.
    clock : callable, optional
        Returns the current UTC time, stamped on results as ``as_of``.
    """

    #: Source name, stamped on results (``Fetched.source``).
    name: SourceName
    #: Rate limit of the source's hosts.
    rates: ClassVar[list[Rate]]

    def __init__(
        self,
        *,
        policy: HttpPolicy | None = None,
        limiter: Limiter | None = None,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._clock = clock
        for secret in self._secrets:
            register_secret(secret)
        self._http = HttpClient(
            self.rates, policy=policy, limiter=limiter, session=session, sleep=sleep, secrets=self._secrets
        )
        self.policy = self._http.policy

    def fetch(self, spec: SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        """Fetch ``spec`` from ``start`` (inclusive; ``None`` = full history); every error redacted.

        See the subclass's ``_fetch`` for what it returns and raises: always
        :class:`~helpers.errors.SourceUnavailableError` (unreachable, refused, kept failing) or
        :class:`~helpers.errors.SourceContractError` (the answer is not what the API documents).
        """
        return run_redacted(lambda: self._fetch(spec, start), self._secrets, f"{self.name} series {spec.id!r}")

    def _fetch(self, spec: SeriesSpec, start: pd.Timestamp | None) -> Fetched:
        raise NotImplementedError

    def redacted(self, call: Callable[[], T], what: str) -> T:
        """Run another call of this source (ALFRED, a check) with its errors redacted like :meth:`fetch`'s."""
        return run_redacted(call, self._secrets, what)

    def _as_of(self) -> str:
        """The retrieval time, ISO 8601 UTC."""
        return self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

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
    """Return ``page_size`` if it is between 1 and ``largest`` (the API's largest page), else raise ValueError."""
    if not 1 <= page_size <= largest:
        raise ValueError(f"page_size must be between 1 and {largest}, got {page_size}")
    return page_size


def utc_day(start: pd.Timestamp) -> pd.Timestamp:
    """00:00 of the UTC day of ``start``, tz-naive (tz-naive input is taken as UTC)."""
    stamp = pd.Timestamp(start)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def number(value: object, what: str = "value") -> float:
    """A value (number or numeric string; ``None`` or ``""`` is missing) as float; missing is NaN."""
    if value is None or value == "":
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"{what} {value!r} is not a number")
    return float(value)


def fetched(
    frame: pd.DataFrame,
    source: SourceName,
    as_of: str,
    *,
    expected_rows: int | None = None,
    expected_last: pd.Timestamp | str | None = None,
) -> Fetched:
    """Build a :class:`Fetched`, with the row count or last date the API announced when it announced one.

    The Store refuses an answer that does not match them (a truncated answer).
    """
    last = None if expected_last is None else pd.Timestamp(expected_last).strftime("%Y-%m-%d")
    return Fetched(
        frame=frame,
        source=source,
        as_of=as_of,
        expected_rows=None if expected_rows is None else int(expected_rows),
        expected_last=last,
    )


class PageGuard:
    """Stops paged requests that repeat a page token or never end.

    Parameters
    ----------
    what : str
        What is paged, for messages (``Coin Metrics asset 'btc'``).
    max_pages : int
        Most pages allowed.
    """

    def __init__(self, what: str, max_pages: int) -> None:
        self.what = what
        self.max_pages = max_pages
        self.pages = 0
        self._seen: set[str] = set()

    def more(self, marker: object | None) -> bool:
        """Record one page; whether to fetch the page that ``marker`` (token, URL or cursor) names.

        Raises
        ------
        SourceContractError
            ``marker`` was seen before, or :attr:`max_pages` pages were fetched and another is named.
        """
        self.pages += 1
        if marker is None or marker == "":
            return False
        key = str(marker)
        if key in self._seen:
            raise SourceContractError(f"{self.what}: the pagination repeated a page token after {self.pages} pages")
        if self.pages >= self.max_pages:
            raise SourceContractError(
                f"{self.what}: the pagination did not end after {self.max_pages} pages; refused "
                "(raise HttpPolicy.max_pages if the history really is that long)"
            )
        self._seen.add(key)
        return True


def ensure_ok(response: Answer, what: str, secrets: Iterable[str] = ()) -> None:
    """Raise a clear error when ``response`` is an HTTP error the caller did not handle.

    Parameters
    ----------
    response : Answer
        Answer returned by :meth:`HttpClient.get`.
    what : str
        What was asked for (``FRED series 'WALCL'``).
    secrets : iterable of str, optional
        Literal values to redact from the quoted body (a server may echo the key).

    Raises
    ------
    SourceUnavailableError
        HTTP 451 (not served in this location) or 403 (refused): use the mirror.
    SourceContractError
        For any other status >= 400, quoting the start of the body, redacted.
    """
    status = response.status_code
    if status < 400:
        return
    host = host_of(response.url)
    body = one_line(response.text[:200], secrets, limit=200)
    if status in (401, 403, 451):
        raise SourceUnavailableError(refusal(host, status, what, body))
    raise SourceContractError(redact(f"{host} answered HTTP {status} for {what}: {body}", secrets))


def refusal(host: str, status: int, what: str, body: str = "") -> str:
    """The one-line message for a server that refuses to serve us (401, 403, 451)."""
    why = {401: "it needs credentials", 403: "it refused access", 451: "it is not available from this location"}
    detail = f" ({body})" if body else ""
    return (
        f"{host} answered HTTP {status} for {what}: {why.get(status, 'refused')}{detail}; "
        "use the mirror instead (set QTLAB_MIRROR or pass --mirror DIR)"
    )
