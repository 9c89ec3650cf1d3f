"""Specification curves and the claims: the declared grid, the recorded keys, what a share means.

The curves themselves are computed in :mod:`helpers.studies.speccurves`; this module holds the parts
that read or write claim state: :func:`declared_grid` reads a claim's ``grid:`` item from
``data/claim_specs.csv``, :func:`record_curve` records a curve's agreement share with the recorder,
:func:`robustness_reading` says in words what a share means for a verdict (against the vocabulary's
robust share), and :func:`published_verdicts` reads the verdict each owning notebook recorded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from helpers import paths
from helpers.claims import results, specs, vocabulary
from helpers.studies.speccurves.declared import GRID_PREFIX, CurveSummary, DeclaredGrid, parse_declared_grid


def declared_grid(claim_id: str, path: Path | None = None) -> DeclaredGrid:
    """The grid declared in the ``alternatives`` cell of ``claim_id`` in ``data/claim_specs.csv``.

    Raises
    ------
    ValueError
        If the claim declares no ``grid:`` item (or more than one).
    """
    items = [a for a in specs.all_specs(path)[claim_id].alternatives if a.startswith(GRID_PREFIX)]
    if len(items) != 1:
        raise ValueError(f"data/claim_specs.csv: {claim_id} declares {len(items)} '{GRID_PREFIX}' alternatives; "
                         "it needs exactly one")
    return parse_declared_grid(items[0], claim_id)


def result_keys(claim_id: str) -> tuple[str, str]:
    """The recorded keys of a claim's curve: ``spec_share_agree_c04`` (ratio) and ``spec_count_c04`` (count)."""
    cid = claim_id.lower()
    return f"spec_share_agree_{cid}", f"spec_count_{cid}"


def record_curve(summary: CurveSummary, unit: str = "estimate") -> tuple[str, str]:
    """Record a curve's agreement share and size with :func:`helpers.claims.results.record`; returns the two keys.

    Also records the primary specification's estimate as ``spec_primary_<claim>`` in ``unit``.
    """
    share_key, count_key = result_keys(summary.claim_id)
    p = summary.primary_row
    results.record(f"spec_primary_{summary.claim_id.lower()}", float(p["estimate"]), unit,
                   f"the primary specification of {summary.claim_id}'s curve ("
                   + ", ".join(f"{k}={v}" for k, v in summary.primary.items())
                   + f"): 95% interval {p['low']:+.4f} to {p['high']:+.4f}, N={int(p['n'])}")
    results.record(share_key, summary.share, "ratio",
                   f"share of the {summary.count} specifications declared for {summary.claim_id} in "
                   "data/claim_specs.csv (grid item) that agree with the primary one: same sign of the estimate, same "
                   "status of its 95% interval (clear of zero or not); the primary included")
    results.record(count_key, summary.count, "count",
                   f"specifications in {summary.claim_id}'s declared grid (data/claim_specs.csv)")
    return share_key, count_key


def robustness_reading(share: float, threshold: float | None = None) -> str:
    """What an agreement share means for a verdict, in words (the threshold is the vocabulary's robust share)."""
    cut = vocabulary.ROBUST_SHARE if threshold is None else threshold
    if share >= 0.8:
        return "the primary conclusion holds across nearly all the declared choices"
    if share >= cut:
        return (f"the primary conclusion holds in most declared specifications (at least {cut:.0%}), with a "
                "minority pointing elsewhere")
    return (f"fewer than {cut:.0%} of the declared specifications reach the primary conclusion: it rests on the "
            "choices, and a verdict that depends on it should be read as fragile")


#: The notebook that publishes each curved claim's verdict.
SOURCE_NOTEBOOKS: dict[str, str] = {"C04": "02_liquidity_vs_btc", "C07": "03_pivot_event_studies",
                                    "C08": "03_pivot_event_studies", "C10": "05_seasonality_flows",
                                    "C11": "05_seasonality_flows", "C12": "05_seasonality_flows",
                                    "C13": "05_seasonality_flows", "C16": "04_sector_rotation",
                                    "C18": "04_sector_rotation", "C21": "06_risk_scenarios",
                                    "C22": "06_risk_scenarios"}


def published_verdicts(folder: Path, claim_ids: Sequence[str]) -> dict[str, str]:
    """The verdict each owning notebook recorded (its ``<notebook>.json``); empty text if absent.

    Looks in ``folder`` (the run's results folder) first, then in the published ``reports/results``.
    """
    out: dict[str, str] = {}
    for cid in claim_ids:
        out[cid] = ""
        for where in (folder, paths.reports_dir() / "results"):
            try:
                body = json.loads((where / f"{SOURCE_NOTEBOOKS.get(cid, '')}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            found = str(body.get("claims", {}).get(cid, {}).get("verdict", ""))
            if found:
                out[cid] = found
                break
    return out
