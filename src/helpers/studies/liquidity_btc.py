"""Notebook 02: liquidity against BTC, the glue that is specific to the notebook's questions.

The statistics live in :mod:`helpers.methods` (transforms, correlation, timeseries, regimes, nulls,
agreement, declines); net liquidity in :mod:`helpers.data.liquidity`. What remains here is the one
comparison the notebook makes of two weekly alignments (:func:`weekly_link_summary`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from helpers.methods.correlation import lead_lag_corr
from helpers.methods.regimes import liquidity_regime_returns
from helpers.methods.transforms import log_returns


@dataclass(frozen=True)
class LinkSummary:
    """What one weekly alignment gives (:func:`weekly_link_summary`).

    Attributes
    ----------
    r_same_week, r_next_week : float
        Correlation of the weekly changes in the same week, and with the liquidity change leading by one week.
    regime_diff : float
        Forward-return difference, expanding minus contracting liquidity.
    n : int
        Weekly changes in the same-week correlation.
    """

    r_same_week: float
    r_next_week: float
    regime_diff: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (for tables)."""
        return asdict(self)


def weekly_link_summary(price: pd.Series, level: pd.Series, start: str, horizon: int = 13, window: int = 13,
                        reps: int = 2000, block_size: int = 26, seed: int = 0) -> LinkSummary:
    """Same-week and next-week correlation, and the regime difference, for one weekly alignment.

    Used to show what an alignment choice changes (publication lag): pass the same price and
    liquidity level sampled two ways and compare the outputs.

    Parameters
    ----------
    price, level : Series
        Weekly price and liquidity level on one grid (from :func:`helpers.methods.transforms.weekly_frame`).
    start : str
        First date of the changes used.
    horizon, window : int
        Forward-return horizon and regime window, in weeks.
    reps, block_size, seed : int
        Passed to :func:`helpers.methods.regimes.regime_forward_returns`.

    Returns
    -------
    LinkSummary
    """
    both = pd.concat([price.rename("p"), level.rename("l")], axis=1).dropna()
    ch = log_returns(both).loc[start:]
    ll = lead_lag_corr(ch["l"], ch["p"], 1)
    reg = liquidity_regime_returns(both["p"], both["l"], start, horizon, window, reps, block_size, seed)
    return LinkSummary(float(ll.loc[0, "r"]), float(ll.loc[1, "r"]), reg.diff, int(ll.loc[0, "n"]))
