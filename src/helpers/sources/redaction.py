"""Keep secrets (the FRED API key) out of every message, exception chain and log line.

Libraries put the request URL, and with it ``api_key=...``, into their errors: urllib3's
``Max retries exceeded with url: ...?api_key=...``, http.client's ``InvalidURL`` for a key with a
space, a server echoing the key in its error body. Three tools, used at the source boundary:

* :func:`redact` cleans one text: ``api_key=<value>`` parameters and every registered or given
  secret, also in its URL-encoded forms;
* :func:`run_redacted` runs a source call and lets no exception out unredacted: the project's own
  errors keep their type with cleaned arguments and notes and no chained cause; any other
  exception becomes one :class:`~helpers.errors.SourceContractError` line;
* :class:`RedactingFilter`, installed on the loggers that may see URLs (``urllib3``, ``requests``,
  ``helpers.sources``), cleans log records before any handler formats them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import quote, quote_plus

from helpers.errors import QtlabError, SourceContractError

T = TypeVar("T")

#: What a secret is replaced with.
REDACTED = "***"
_API_KEY = re.compile(r"(api_key(?:=|%3D)|api_key['\"]?\s*[:=]\s*['\"]?)[^&\s'\"<>#]+", re.IGNORECASE)
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
#: Loggers of other libraries whose records may carry request URLs (a filter sees only the records
#: logged on its own logger, not those of its children, so each is named).
LOGGERS: tuple[str, ...] = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
    "tenacity",
)


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` so that every later :func:`redact` and log record removes it.

    Parameters
    ----------
    secret : str or None
        A key or token; ``None`` and values shorter than 4 characters are ignored (too short to
        redact without destroying ordinary text).
    """
    if secret and len(secret) >= 4:
        with _LOCK:
            _SECRETS.add(secret)
    install_log_filter()


def _variants(secrets: Iterable[str | None]) -> list[str]:
    """Each secret as given, URL-encoded and form-encoded, longest first."""
    found: set[str] = set()
    for secret in (*secrets, *tuple(_SECRETS)):
        if secret and len(secret) >= 4:
            found.update({secret, quote(secret, safe=""), quote_plus(secret), secret.strip()})
    return sorted((v for v in found if v), key=len, reverse=True)


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """Remove API keys and secrets from ``text``.

    Parameters
    ----------
    text : object
        Any text (a URL, an exception message, a log line); non-strings are converted with ``str``.
    secrets : iterable of str or None, optional
        Literal values to remove besides the registered ones (:func:`register_secret`).

    Returns
    -------
    str
        ``text`` with every ``api_key=<value>`` replaced by ``api_key=***`` and every secret
        (as given, URL-encoded or form-encoded) replaced by ``***``.
    """
    cleaned = str(text)
    for secret in _variants(secrets):
        cleaned = cleaned.replace(secret, REDACTED)
    return _API_KEY.sub(r"\g<1>" + REDACTED, cleaned)


def one_line(text: object, secrets: Iterable[str | None] = (), limit: int = 300) -> str:
    """``text`` redacted, on one line (whitespace runs collapsed) and at most ``limit`` characters."""
    flat = " ".join(redact(text, secrets).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def scrub(exc: BaseException, secrets: Iterable[str | None] = ()) -> BaseException:
    """Redact ``exc`` in place: its arguments and notes, and cut its chained cause and context.

    Parameters
    ----------
    exc : BaseException
        An exception about to leave a source.
    secrets : iterable of str or None, optional
        Literal values to remove besides the registered ones.

    Returns
    -------
    BaseException
        ``exc`` itself, with string arguments redacted, ``__notes__`` redacted, and
        ``__cause__``/``__context__`` cleared (a chained urllib3 error would carry the URL).
    """
    values = tuple(secrets)
    exc.args = tuple(redact(a, values) if isinstance(a, str) else a for a in exc.args)
    notes = getattr(exc, "__notes__", None)
    if notes:
        exc.__notes__ = [redact(note, values) for note in notes]
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    return exc


def run_redacted(call: Callable[[], T], secrets: Iterable[str | None] = (), what: str = "the source") -> T:
    """Run ``call``; whatever it raises leaves redacted, on one line, with no chained cause.

    Parameters
    ----------
    call : callable
        The source call (a fetch).
    secrets : iterable of str or None, optional
        Literal values to remove besides the registered ones.
    what : str
        What was being done, for errors that are not the project's own (``FRED series 'WALCL'``).

    Returns
    -------
    object
        What ``call`` returns.

    Raises
    ------
    QtlabError
        The project's own errors, same type, redacted (:func:`scrub`).
    SourceContractError
        For any other exception: ``<what> failed: <Type>: <message>``, redacted, one line.
    """
    values = tuple(secrets)
    error: BaseException
    try:
        return call()
    except QtlabError as exc:
        error = scrub(exc, values)
    except Exception as exc:  # noqa: BLE001 - the boundary: nothing unredacted gets out
        error = SourceContractError(one_line(f"{what} failed: {type(exc).__name__}: {exc}", values))
    raise error  # outside the except block: no implicit __context__ that could carry a URL


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message (and drops its arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace ``record.msg`` with its redacted, formatted text; always keep the record."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            scrub(record.exc_info[1])
            record.exc_text = None
        return True


_FILTER = RedactingFilter()


def install_log_filter() -> None:
    """Attach :class:`RedactingFilter` to :data:`LOGGERS` (idempotent)."""
    for name in LOGGERS:
        get_logger(name)


def get_logger(name: str) -> logging.Logger:
    """The logger called ``name`` with :class:`RedactingFilter` attached (each sources module uses one)."""
    target = logging.getLogger(name)
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
    return target


install_log_filter()
