"""Domain errors and their messages, kept in one place so each says how to fix the problem."""

from __future__ import annotations


class QtlabError(Exception):
    """Base class for every error raised by ``helpers``."""


class UnknownSeriesError(QtlabError, KeyError):
    """A series id that is not in :data:`helpers.data.catalog.CATALOG`."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else "unknown series"


class DataValidationError(QtlabError, ValueError):
    """A cached or downloaded file breaks the data contract (dates, order, numbers, signs)."""


class SourceUnavailableError(QtlabError, ConnectionError):
    """A remote source could not be reached or kept failing after retries."""


class SourceContractError(QtlabError, ValueError):
    """A source answered, but not in the format its documentation promises."""


class MissingDataError(QtlabError, LookupError):
    """A series is not in the local cache and no source is configured to fetch it."""


class CacheIntegrityError(DataValidationError):
    """A cached file no longer matches the sha256 the manifest recorded for it (changed outside qtlab)."""


class CacheIOError(QtlabError, OSError):
    """The operating system refused a cache operation (read-only directory, disk full, a directory where
    a file should be); the message is one line naming the path."""


class DataGapWarning(UserWarning):
    """A series read for an analysis has a hole longer than its catalog frequency allows in the window read."""


def offline_hint(host: str) -> str:
    """One line telling a user without network access how to use a mirror instead."""
    return (
        f"could not reach {host}; to work offline point QTLAB_MIRROR at a directory laid out "
        "like ../shared/data (fred/, crypto/) or pass --mirror DIR, then `qtlab fetch --source mirror`"
    )


def is_offline(exc: BaseException) -> bool:
    """Whether ``exc`` carries :func:`offline_hint`: no network at all, rather than one source refusing."""
    return isinstance(exc, SourceUnavailableError) and str(exc).startswith("could not reach ")


def cache_io_error(path: object, exc: OSError, doing: str) -> CacheIOError:
    """One-line :class:`CacheIOError` for ``exc`` raised while ``doing`` something to ``path``.

    The message names the path, what was attempted and the operating system's reason
    (``Read-only file system``, ``No space left on device``, ``Is a directory``), never a traceback.
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    err = CacheIOError(f"{path}: cannot {doing} ({reason}); check that the cache directory is writable, has free "
                       "space and holds no directory or file in the way")
    err.errno = exc.errno
    return err
