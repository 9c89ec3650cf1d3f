"""Former home of the claims ledger, kept so that ``from helpers import ledger`` keeps working.

The ledger lives in :mod:`helpers.claims.ledger`; this module re-exports its names.
"""

from __future__ import annotations

from helpers.claims.ledger import (
    FORECASTS,
    NOT_TESTED,
    VERDICT_ORDER,
    forecasts,
    ledger,
    recorded_claims,
    styled,
    verdict_counts,
    vocabulary_table,
)

__all__ = ["FORECASTS", "NOT_TESTED", "VERDICT_ORDER", "forecasts", "ledger", "recorded_claims", "styled",
           "verdict_counts", "vocabulary_table"]
