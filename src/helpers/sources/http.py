"""The one HTTP layer of the remote sources: rate limits, retries, total deadlines, size and page limits.

Every remote call goes through :meth:`HttpClient.call`: a plain ``GET`` over requests
(:meth:`HttpClient.get`) or another client's call (fredapi over urllib, :mod:`helpers.sources.fred`).
What a caller can rely on:

* **rate limit** - one pyrate-limiter :class:`~pyrate_limiter.Limiter` per host, shared by every
  source object and both FRED paths, acquired before every attempt, retries included;
* **retries** (tenacity) - HTTP 429 and 5xx, timeouts, refused connections and connections dropped
  mid-answer are retried with exponential backoff; a ``Retry-After`` is honoured up to
  :attr:`HttpPolicy.max_delay`, and a longer one fails at once saying how long the server asked for;
  a host name that does not resolve (no network) is not retried;
* **bounded waits** - each attempt has a total :class:`Deadline`: connecting and the headers are
  waited for at most the time left (:func:`within`), the body is read in chunks with the deadline
  checked before each (a server trickling bytes holds an attempt at most the deadline plus one
  read timeout); the whole call, retries and waits included, has a budget;
* **bounded answers** - at most :attr:`HttpPolicy.max_bytes` bytes per answer, at most
  :attr:`HttpPolicy.max_redirects` redirects (a loop is a one-line error), at most
  :attr:`HttpPolicy.max_pages` pages per paged request with repeated page tokens refused
  (:class:`~helpers.sources.remote.PageGuard`);
* **one-line errors** - :class:`~helpers.errors.SourceUnavailableError` naming the host (never the
  URL, whose query may hold a key) with no chained cause.
"""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import tenacity
import urllib3
from pyrate_limiter import Duration, Limiter, Rate
from requests.structures import CaseInsensitiveDict

from helpers.errors import SourceContractError, SourceUnavailableError, offline_hint
from helpers.sources.redaction import get_logger, redact

logger = get_logger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], None]
Clock = Callable[[], float]
#: Bytes asked for per read of an answer body.
CHUNK = 64 * 1024

__all__ = [
    "Answer",
    "Deadline",
    "Duration",
    "HttpClient",
    "HttpPolicy",
    "Rate",
    "Transient",
    "host_limiter",
    "host_of",
    "parse_retry_after",
    "read_body",
    "unlimited",
    "utc_now",
    "within",
]


@dataclass(frozen=True)
class HttpPolicy:
    """How patient and how trusting the HTTP layer is.

    Parameters
    ----------
    max_retries : int
        Retries after the first attempt (``0`` = try once).
    base_delay : float
        Seconds before the first retry; each further retry doubles it (``0`` in tests).
    max_delay : float
        Longest single wait; a ``Retry-After`` longer than this fails at once.
    timeout : float
        Seconds to connect, and seconds to wait for each read.
    deadline : float
        Total seconds for one attempt: connecting, headers and the whole body.
    budget : float
        Total seconds for one call, all attempts and waits included; no retry starts after it.
    max_bytes : int
        Largest answer body accepted.
    max_pages : int
        Most pages one paged request may take (:class:`PageGuard`).
    max_redirects : int
        Most redirects followed before the answer is called a redirect loop.
    """

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0
    timeout: float = 30.0
    deadline: float = 120.0
    budget: float = 600.0
    max_bytes: int = 64 * 1024 * 1024
    max_pages: int = 500
    max_redirects: int = 10

    def __post_init__(self) -> None:
        numbers = {k: v for k, v in vars(self).items() if k != "max_retries"}
        bad = [k for k, v in numbers.items() if not v > 0 and not (k == "base_delay" and v == 0)]
        if self.max_retries < 0 or bad:
            raise ValueError(f"HttpPolicy needs max_retries >= 0 and positive limits; got {bad or ['max_retries']}")


class Transient(Exception):
    """One attempt failed in a way another attempt may not (internal signal to the retry loop).

    Parameters
    ----------
    reason : str
        Short, already redacted description (``HTTP 503 Service Unavailable``).
    retry_after : float or None
        Seconds the server asked to wait (``Retry-After``), if it said.
    offline : bool
        The host could not be reached at all; the final error is :func:`~helpers.errors.offline_hint`.
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


class Deadline:
    """The total time one attempt may take.

    Parameters
    ----------
    seconds : float
        Length of the deadline.
    clock : callable, optional
        Monotonic clock in seconds.
    """

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self._end - self._clock()

    def check(self) -> None:
        """Raise :class:`Transient` once the deadline has passed."""
        if self.remaining() <= 0:
            raise Transient(f"no complete answer within the {self.seconds:g} s deadline")

    def timeout(self, per_read: float) -> float:
        """Socket timeout for the next operation: ``per_read``, or less when the deadline is near."""
        self.check()
        return max(0.001, min(per_read, self.remaining()))


def within(deadline: Deadline, call: Callable[[], T], on_late: Callable[[T], None] | None = None) -> T:
    """Run ``call`` (connecting and reading the headers), giving up when ``deadline`` passes.

    A socket timeout bounds each read, not their sum: a server sending its headers one byte at a
    time would hold a plain call forever. ``call`` runs in a daemon thread that is waited for at
    most the time left; when it is late it is left to end on its own (at its next socket timeout
    or when the server stops) and ``on_late`` closes whatever it returns.

    Raises
    ------
    Transient
        The deadline passed first.
    """
    box: dict[str, Any] = {}
    lock = threading.Lock()
    done = threading.Event()

    def run() -> None:
        try:
            value = call()
        except BaseException as exc:  # noqa: BLE001 - handed over to the waiting thread
            with lock:
                box["error"] = exc
        else:
            with lock:
                box["value"] = value
                late = box.get("abandoned", False)
            if late and on_late is not None:
                on_late(value)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="qtlab-http").start()
    if not done.wait(max(0.0, deadline.remaining())):
        with lock:
            box["abandoned"] = True
            value = box.get("value")
        if value is not None and on_late is not None:
            on_late(value)
        raise Transient(f"no complete answer within the {deadline.seconds:g} s deadline")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def read_body(read1: Callable[[int], bytes], *, deadline: Deadline, max_bytes: int, host: str) -> bytes:
    """Read a whole answer body in chunks, within ``deadline`` and ``max_bytes``.

    Parameters
    ----------
    read1 : callable
        Returns up to ``n`` bytes with at most one read of the socket (``read1``), ``b""`` at the end.
    deadline : Deadline
        Checked before every read.
    max_bytes : int
        Largest body accepted.
    host : str
        Named in the error.

    Returns
    -------
    bytes
        The body.

    Raises
    ------
    Transient
        The deadline passed before the body was complete.
    SourceContractError
        The body is longer than ``max_bytes``.
    """
    parts: list[bytes] = []
    size = 0
    while True:
        deadline.check()
        chunk = read1(CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise SourceContractError(too_large(host, max_bytes))
        parts.append(chunk)


def too_large(host: str, max_bytes: int) -> str:
    """The message for an answer longer than ``max_bytes``."""
    return (
        f"{host} sent an answer larger than {max_bytes:,} bytes; refused "
        "(raise HttpPolicy.max_bytes if the series really is that large)"
    )


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer (the body read within the limits).

    ``url`` is the address without its query (which may hold a key).
    """

    url: str
    status_code: int
    reason: str
    headers: Mapping[str, str]
    content: bytes
    encoding: str = "utf-8"
    history: tuple[int, ...] = field(default=())

    @property
    def text(self) -> str:
        """The body decoded (undecodable bytes replaced)."""
        return self.content.decode(self.encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.content)


def _charset(content_type: str) -> str:
    """The ``charset`` a ``Content-Type`` names, else UTF-8 (what every source here sends)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


def utc_now() -> datetime:
    """The current time in UTC (the default clock that stamps ``Fetched.as_of``)."""
    return datetime.now(UTC)


def host_of(url: str) -> str:
    """The ``host[:port]`` of ``url``: the only part of a URL an error may show."""
    parts = urlsplit(url)
    if not parts.hostname:
        return redact(url.split("?", 1)[0])
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (seconds or an HTTP date); ``None`` if absent."""
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
    """Whether an HTTP status is worth retrying: 429 and every 5xx."""
    return status == 429 or 500 <= status <= 599


def is_name_resolution_failure(exc: BaseException) -> bool:
    """Whether a :class:`socket.gaierror` (a host name that does not resolve) is anywhere behind ``exc``."""
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


_LIMITERS: dict[str, Limiter] = {}
_LIMITERS_LOCK = threading.Lock()


def host_limiter(host: str, rates: Sequence[Rate]) -> Limiter:
    """The process-wide limiter of ``host`` (created with ``rates`` on first use), shared by all sources."""
    with _LIMITERS_LOCK:
        if host not in _LIMITERS:
            _LIMITERS[host] = Limiter(list(rates))
        return _LIMITERS[host]


def unlimited() -> Limiter:
    """A limiter that never waits in practice (a million calls a second): for tests.

    One shared object: every pyrate-limiter ``Limiter`` runs a background thread once used.
    """
    return host_limiter("<unlimited>", [Rate(1_000_000, Duration.SECOND)])


class HttpClient:
    """``GET`` over requests, and wrapped calls of other clients, under one host's limits.

    Parameters
    ----------
    rates : sequence of pyrate_limiter.Rate
        Rate limit of the hosts called (e.g. ``[Rate(2, Duration.SECOND)]``).
    policy : HttpPolicy, optional
        Retries, timeouts, deadlines and size limits; default :class:`HttpPolicy()`.
    limiter : pyrate_limiter.Limiter, optional
        Limiter to use for every host instead of each host's process-wide one (tests).
    session : requests.Session, optional
        Session to send requests with.
    sleep : callable, optional
        Waits between retries; injectable for tests.
    secrets : iterable of str, optional
        Literal values to redact from messages.
    """

    def __init__(
        self,
        rates: Sequence[Rate],
        *,
        policy: HttpPolicy | None = None,
        limiter: Limiter | None = None,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        secrets: Iterable[str] = (),
    ) -> None:
        self.rates = list(rates)
        self.policy = policy or HttpPolicy()
        self._limiter = limiter
        self._session = session or requests.Session()
        self._session.max_redirects = self.policy.max_redirects
        self._sleep = sleep
        self._secrets = tuple(secrets)

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Answer:
        """Send ``GET url?params`` and read the whole answer within the limits.

        Parameters
        ----------
        url : str
            Absolute URL (may already carry a query, e.g. a ``next_page_url``).
        params : mapping, optional
            Query parameters to add.

        Returns
        -------
        Answer
            The first answer that is neither 429 nor 5xx; other 4xx are returned for the caller
            to interpret (see :func:`~helpers.sources.remote.ensure_ok`).

        Raises
        ------
        SourceUnavailableError
            The host kept failing, asked to wait too long, or could not be reached.
        SourceContractError
            A redirect loop, or an answer larger than the policy allows.
        """
        host = host_of(url)
        return self.call(lambda deadline: self._get_once(url, params, host, deadline), host)

    def call(self, attempt: Callable[[Deadline], T], host: str) -> T:
        """Run ``attempt`` under the host's rate limit, the retry policy and a deadline per attempt.

        Parameters
        ----------
        attempt : callable
            Makes one request within the :class:`Deadline` it is given; raises :class:`Transient`
            for failures worth retrying. Any other exception propagates unchanged.
        host : str
            Host the request goes to: picks its limiter and is named in log lines and errors.

        Returns
        -------
        object
            What the first successful attempt returns.

        Raises
        ------
        SourceUnavailableError
            Retries ran out, the budget was spent, the server asked to wait longer than
            ``policy.max_delay``, or the host does not resolve; no chained cause or context.
        """
        policy = self.policy
        limiter = self._limiter or host_limiter(host, self.rates)
        attempts = 0

        def once() -> T:
            nonlocal attempts
            attempts += 1
            limiter.try_acquire(host)
            return attempt(Deadline(policy.deadline))

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Transient),
            stop=tenacity.stop_after_attempt(policy.max_retries + 1)
            | tenacity.stop_after_delay(policy.budget)
            | _stop_when_hopeless(policy.max_delay),
            wait=_wait_retry_after(policy),
            sleep=self._sleep,
            before_sleep=lambda state: _log_retry(host, state, policy.max_retries),
            reraise=True,
        )
        failure: Transient
        try:
            return retrying(once)
        except Transient as exc:
            failure = exc
        raise _final_error(host, failure, attempts, policy.max_delay)

    def _get_once(self, url: str, params: Mapping[str, str] | None, host: str, deadline: Deadline) -> Answer:
        """One ``GET``: transient failures become :class:`Transient` with a redacted reason."""
        timeout = deadline.timeout(self.policy.timeout)
        logger.debug("GET %s", redact(url.split("?", 1)[0], self._secrets))
        error: Exception | None = None
        try:
            response = within(
                deadline,
                lambda: self._session.get(url, params=params, timeout=(timeout, timeout), stream=True),
                on_late=lambda late: late.close(),
            )
        except requests.exceptions.TooManyRedirects:
            error = SourceContractError(
                f"{host} redirected more than {self.policy.max_redirects} times (a redirect loop); "
                "the address is wrong or the server is misconfigured"
            )
        except requests.exceptions.Timeout:
            error = Transient(f"no answer within {timeout:g} s (timed out)")
        except requests.exceptions.ConnectionError as exc:
            offline = is_name_resolution_failure(exc)
            error = Transient(f"could not connect to {host}", offline=True, retryable=not offline)
        if error is not None:
            raise error
        with response:
            if is_retryable_status(response.status_code):
                raise Transient(
                    f"HTTP {response.status_code} {response.reason or ''}".rstrip(),
                    retry_after=parse_retry_after(response.headers.get("Retry-After")),
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise SourceContractError(too_large(host, self.policy.max_bytes))
            body = self._read(response, host, deadline)
            return Answer(
                url=(response.url or url).split("?", 1)[0],
                status_code=response.status_code,
                reason=response.reason or "",
                headers=CaseInsensitiveDict(response.headers),
                content=body,
                encoding=_charset(response.headers.get("Content-Type", "")),
                history=tuple(r.status_code for r in response.history),
            )

    def _read(self, response: requests.Response, host: str, deadline: Deadline) -> bytes:
        """The body of ``response``; a dropped connection or a stalled read is :class:`Transient`."""
        error: Transient | None = None
        try:
            return read_body(
                lambda n: response.raw.read1(n, decode_content=True),
                deadline=deadline,
                max_bytes=self.policy.max_bytes,
                host=host,
            )
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
            error = Transient(f"the answer stalled for {self.policy.timeout:g} s mid-body (timed out)")
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, ConnectionError) as exc:
            error = Transient(f"the connection dropped mid-answer ({type(exc).__name__})")
        raise error


def _stop_when_hopeless(max_delay: float) -> tenacity.stop.stop_base:
    """Stop at once when retrying cannot help: no network, or a ``Retry-After`` beyond ``max_delay``."""

    def hopeless(state: tenacity.RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if not isinstance(exc, Transient):
            return False
        return not exc.retryable or (exc.retry_after is not None and exc.retry_after > max_delay)

    return _StopFunction(hopeless)


class _StopFunction(tenacity.stop.stop_base):
    """A tenacity stop condition from a plain function."""

    def __init__(self, function: Callable[[tenacity.RetryCallState], bool]) -> None:
        self.function = function

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.function(retry_state)


def _wait_retry_after(policy: HttpPolicy) -> Callable[[tenacity.RetryCallState], float]:
    """Tenacity wait: the server's ``Retry-After`` when it gave one, else exponential backoff, capped."""
    backoff = tenacity.wait_exponential(multiplier=policy.base_delay, max=policy.max_delay)

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return min(exc.retry_after, policy.max_delay)
        return float(backoff(state))

    return wait


def _log_retry(host: str, state: tenacity.RetryCallState, max_retries: int) -> None:
    exc = state.outcome.exception() if state.outcome else None
    reason = exc.reason if isinstance(exc, Transient) else type(exc).__name__
    wait = state.next_action.sleep if state.next_action else 0.0
    logger.warning("%s: %s; retry %d of %d in %.1f s", host, reason, state.attempt_number, max_retries, wait)


def _final_error(host: str, failure: Transient, attempts: int, max_delay: float) -> SourceUnavailableError:
    """The one-line error raised when a host kept failing."""
    if failure.retry_after is not None and failure.retry_after > max_delay:
        return SourceUnavailableError(
            f"{host} answered {failure.reason} and asked to wait {failure.retry_after:.0f} s before retrying; "
            "try again later"
        )
    if failure.offline:
        return SourceUnavailableError(offline_hint(host))
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return SourceUnavailableError(
        f"{host} is unavailable: {failure.reason} after {tries}; try again later or use a mirror (QTLAB_MIRROR)"
    )
