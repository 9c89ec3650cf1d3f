"""Domain errors and their messages, kept in one place so each says how to fix the problem."""

from __future__ import annotations


class QtlabError(Exception):
    """Base class for every error raised by ``helpers``."""


class UnknownSeriesError(QtlabError, KeyError):
    """A series id that is not in :data:`helpers.catalog.CATALOG`."""

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


def offline_hint(host: str) -> str:
    """One line telling a user without network access how to use a mirror instead."""
    return (
        f"could not reach {host}; to work offline point QTLAB_MIRROR at a directory laid out "
        "like ../shared/data (fred/, crypto/) or pass --mirror DIR, then `qtlab fetch --source mirror`"
    )


def is_offline(exc: BaseException) -> bool:
    """Whether ``exc`` carries :func:`offline_hint`: no network at all, rather than one source refusing."""
    return isinstance(exc, SourceUnavailableError) and str(exc).startswith("could not reach ")
