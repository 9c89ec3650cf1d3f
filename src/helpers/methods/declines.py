"""A peak-to-trough decline split at a date: how much of a fall came before an event, and whether that depends on the date.

The decline is measured in log terms (negative: ``ln(trough / peak)``), so the part before a date
and the part after it add up to the whole. This is a timing question about one fall, not a risk
measure: for drawdowns as a share of the running peak use :mod:`helpers.methods.risk`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal, TypeAlias

import pandas as pd

#: Whether a timing finding holds for every candidate date (:func:`timing_consensus`).
Timing: TypeAlias = Literal["before", "after", "mixed"]


@dataclass(frozen=True)
class DeclineSplit:
    """A peak-to-trough log decline split at a date (:func:`decline_split`).

    Attributes
    ----------
    peak, trough : Timestamp
        Dates of the highest and the lowest close.
    total, before, after : float
        Log changes: peak to trough, peak to the eve of the split, split to trough (``before + after = total``).
    share_before : float
        ``before / total``.
    """

    peak: pd.Timestamp
    trough: pd.Timestamp
    total: float
    before: float
    after: float
    share_before: float

    def as_dict(self) -> dict[str, float | pd.Timestamp]:
        """The fields as a plain dict (for tables and the claim rules)."""
        return asdict(self)


def decline_split(price: pd.Series, peak_window: tuple[str, str], trough_window: tuple[str, str],
                  split: str) -> DeclineSplit:
    """Split a peak-to-trough log decline into the parts before and after a date.

    Parameters
    ----------
    price : Series
        Daily closes.
    peak_window, trough_window : (str, str)
        Date ranges in which to look for the highest and the lowest close.
    split : str
        The date that splits the decline (e.g. the start of QT); the close of the day before is
        the split level.

    Returns
    -------
    DeclineSplit

    Raises
    ------
    ValueError
        If ``split`` does not fall between the peak and the trough.
    """
    peak = price.loc[peak_window[0]:peak_window[1]].idxmax()
    trough = price.loc[trough_window[0]:trough_window[1]].idxmin()
    cut = pd.Timestamp(split)
    if not peak < cut <= trough:
        raise ValueError(f"split {split} must fall after the peak {peak:%Y-%m-%d} and by the trough {trough:%Y-%m-%d}")
    at_split = float(price.loc[: cut - pd.Timedelta(days=1)].iloc[-1])
    before = math.log(at_split / float(price[peak]))
    total = math.log(float(price[trough]) / float(price[peak]))
    return DeclineSplit(peak, trough, total, before, total - before, before / total)


def decline_splits(price: pd.Series, peak_window: tuple[str, str], trough_window: tuple[str, str],
                   splits: Mapping[str, str]) -> pd.DataFrame:
    """:func:`decline_split` of one peak-to-trough decline at several candidate dates.

    Used when the date of an event is itself a choice (QT first signalled, announced, or
    started), to show how much a timing argument depends on that choice.

    Parameters
    ----------
    price : Series
        Daily closes.
    peak_window, trough_window : (str, str)
        Date ranges in which to look for the highest and the lowest close.
    splits : mapping of str to str
        Label to candidate split date, in any order.

    Returns
    -------
    DataFrame
        Indexed by label, in date order: ``date`` (Timestamp), ``before``, ``after`` (log
        changes before the split date and from it to the trough), ``total`` and
        ``share_before``. The peak and trough are the same for every row.

    Raises
    ------
    ValueError
        If a date does not fall between the peak and the trough.
    """
    rows = {}
    for label, date in sorted(splits.items(), key=lambda kv: pd.Timestamp(kv[1])):
        out = decline_split(price, peak_window, trough_window, date)
        rows[label] = {"date": pd.Timestamp(date), "before": out.before, "after": out.after, "total": out.total,
                       "share_before": out.share_before}
    return pd.DataFrame.from_dict(rows, orient="index")


def timing_consensus(shares: pd.Series, threshold: float) -> Timing:
    """Whether a timing finding holds for every candidate date of an event.

    Parameters
    ----------
    shares : Series
        Share of a decline that came before each candidate date (``share_before`` of
        :func:`decline_splits`).
    threshold : float
        A share at or above it counts as "a large part came before the event".

    Returns
    -------
    {"before", "after", "mixed"}
        ``before`` if every share is at least ``threshold``, ``after`` if every share is
        below it, ``mixed`` when the answer depends on the date chosen (then a verdict built
        on the timing would be an artefact of that choice).

    Raises
    ------
    ValueError
        If ``shares`` is empty or holds NaN.
    """
    if shares.empty or shares.isna().any():
        raise ValueError("timing_consensus needs at least one share and no NaN")
    at_least = shares >= threshold
    if at_least.all():
        return "before"
    if not at_least.any():
        return "after"
    return "mixed"
