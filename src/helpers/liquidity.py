"""Deprecated facade: net liquidity moved to :mod:`helpers.data.liquidity` and the QT arithmetic to
:mod:`helpers.studies.qt_mechanism`; removed in the final pass.

Re-exports, under their old names, only what files of other owners still import from here.
"""

from __future__ import annotations

from helpers.data.liquidity import net_liquidity
from helpers.studies.qt_mechanism import regimes

__all__ = ["net_liquidity", "regimes"]
