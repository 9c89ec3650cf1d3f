"""Notebook 03 (pivot event studies): the tables the notebook shows and the claims C07, C08 and C28 read.

Glue over :mod:`helpers.methods.eventstudy`, :mod:`helpers.methods.placebo` and
:mod:`helpers.methods.rallies`: the series by name, the placebo table over assets and horizons (Holm
p-values, Bonferroni effect intervals), each event left out in turn, the unconditional baselines, the
"strong rally" study of one asset and the grid of pivot readings. The verdict rules and evidence text
that read these tables are in :mod:`helpers.claims.events`.

References
----------
.. [1] Holm, S. (1979). A Simple Sequentially Rejective Multiple Test Procedure. *Scandinavian
   Journal of Statistics*, 6(2), 65-70. https://www.jstor.org/stable/4615733
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Literal, TypeAlias

import pandas as pd

from helpers.aliases import DateLike, Events
from helpers.methods.eventstudy import Transform, bootstrap_baseline, event_labels, unconditional_changes
from helpers.methods.inference import adjust_pvalues
from helpers.methods.placebo import effect_interval, placebo_test, spaced_placebo_test
from helpers.methods.rallies import (
    RALLY_SPAN,
    RallyDefinition,
    base_rates,
    best_change,
    chance_all,
    chance_all_spaced,
    classify_rallies,
    rally_definitions,
    unconditional_best,
)

#: How the random dates of a placebo are drawn: independent days, or the event set shifted with its spacing kept.
Spacing: TypeAlias = Literal["independent", "kept"]


def placebo_table(assets: Mapping[str, pd.Series], events: Events, horizons: Iterable[int], draws: int = 5000,
                  seed: int = 0, start: DateLike | None = None,
                  transforms: Mapping[str, Transform] | None = None,
                  spacing: Spacing = "independent", alpha: float = 0.05, level: float = 0.95) -> pd.DataFrame:
    """:func:`~helpers.methods.placebo.placebo_test` (or ``spaced_placebo_test``) for several assets and horizons.

    Parameters
    ----------
    assets, events, horizons, draws, seed, start, transforms
        As in :func:`helpers.methods.placebo.placebo_test` (asset ``i`` uses seed ``seed + i``).
    spacing : {"independent", "kept"}
        ``independent``: N random days per draw; ``kept``: every shift of the real event set.
    alpha : float
        Family-wise level: the effect intervals are Bonferroni-simultaneous over the table's rows,
        each at coverage ``1 - alpha / rows``.
    level : float
        Coverage of each row's interval of the placebo means (``placebo_lower``, ``placebo_upper``).

    Returns
    -------
    pd.DataFrame
        One row per (asset, horizon): ``n_events``, ``event_mean``, ``placebo_mean``,
        ``placebo_lower``, ``placebo_upper``, ``p_value``, ``p_holm`` (Holm, 1979, across all
        rows), ``effect`` (event minus placebo mean), ``effect_lo`` and ``effect_hi``
        (:func:`helpers.methods.placebo.effect_interval` at the Bonferroni coverage). A (asset,
        horizon) that no event reaches is left out.
    """
    if spacing not in ("independent", "kept"):
        raise ValueError(f"spacing {spacing!r} must be 'independent' or 'kept'")
    transforms = transforms or {}
    rows, results = [], []
    for i, (name, values) in enumerate(assets.items()):
        for h in horizons:
            try:
                if spacing == "kept":
                    res = spaced_placebo_test(values, events, h, start, None, transforms.get(name, "log"), level)
                else:
                    res = placebo_test(values, events, h, draws, seed + i, start, None, transforms.get(name, "log"),
                                       level)
            except ValueError:
                continue
            results.append(res)
            rows.append({"asset": name, "horizon": h, "n_events": res.n_events, "event_mean": res.event_mean,
                         "placebo_mean": res.placebo_mean, "placebo_lower": res.placebo_lower,
                         "placebo_upper": res.placebo_upper, "p_value": res.p_value})
    table = pd.DataFrame(rows)
    table["p_holm"] = adjust_pvalues(table["p_value"], "holm") if len(table) else []
    coverage = 1 - alpha / max(1, len(results))
    bounds = [effect_interval(r, coverage) for r in results]
    table["effect"] = [b[0] for b in bounds]
    table["effect_lo"] = [b[1] for b in bounds]
    table["effect_hi"] = [b[2] for b in bounds]
    return table.set_index(["asset", "horizon"])


def placebo_leave_one_out(assets: Mapping[str, pd.Series], events: Sequence[DateLike], horizons: Iterable[int],
                          draws: int = 5000, seed: int = 0, start: DateLike | None = None,
                          transforms: Mapping[str, Transform] | None = None, alpha: float = 0.05,
                          level: float = 0.95) -> pd.DataFrame:
    """:func:`placebo_table` with each event left out in turn (does one event carry the result?).

    Parameters
    ----------
    assets, events, horizons, draws, seed, start, transforms, alpha, level
        As in :func:`placebo_table`; ``events`` is the full list, each left out once.

    Returns
    -------
    pd.DataFrame
        The rows of :func:`placebo_table` for every event dropped, with an outer index level
        ``dropped`` (ISO date of the event left out).
    """
    horizons = list(horizons)
    parts = {}
    for d in events:
        label = f"{pd.Timestamp(d):%Y-%m-%d}"
        rest = [e for e in events if f"{pd.Timestamp(e):%Y-%m-%d}" != label]
        parts[label] = placebo_table(assets, rest, horizons, draws, seed, start, transforms, alpha=alpha, level=level)
    return pd.concat(parts, names=["dropped"])



def rally_grid(best: pd.Series, definitions: Sequence[RallyDefinition], rates: pd.DataFrame,
               readings: Sequence[Sequence[str]], unconditional: pd.Series | None = None) -> pd.DataFrame:
    """How the "every pivot rallied" verdict moves with the pivot dates and the rally definition.

    Parameters
    ----------
    best : pd.Series
        :func:`helpers.methods.rallies.best_change` per event, labelled by ISO date.
    definitions : sequence of RallyDefinition
    rates : pd.DataFrame
        :func:`helpers.methods.rallies.base_rates` (column ``base_rate``).
    readings : sequence of sequences of ISO dates
        Candidate dates for each pivot of the claim (e.g. two readings of "2019", one of
        "2020", three of "2023"); every combination is one pivot set.

    Returns
    -------
    pd.DataFrame
        One row per (pivot set, definition): ``pivots``, ``definition``, ``n``, ``all_rallied``,
        ``k`` (pivots that rallied) and ``chance_all`` (chance that as many random days all rally,
        :func:`~helpers.methods.rallies.chance_all`); with ``unconditional``
        (:func:`~helpers.methods.rallies.unconditional_best`) also ``chance_all_spaced``
        (:func:`~helpers.methods.rallies.chance_all_spaced`, the set's real spacing kept).
    """
    rows = []
    for combo in product(*readings):
        sub = best.loc[list(combo)]
        hits = classify_rallies(sub, definitions)
        for d in definitions:
            row = {"pivots": ", ".join(combo), "definition": d.name, "n": int(sub.notna().sum()),
                   "all_rallied": bool(hits[d.name].fillna(False).all()),
                   "k": int(hits[d.name].fillna(False).astype(bool).sum()),
                   "chance_all": chance_all(float(rates.at[d.name, "base_rate"]), len(combo))}
            if unconditional is not None:
                row["chance_all_spaced"] = chance_all_spaced(unconditional, d.threshold, list(combo))
            rows.append(row)
    return pd.DataFrame(rows)


def baseline_table(assets: Mapping[str, pd.Series], horizons: Iterable[int], start: DateLike | None = None,
                   reps: int = 1000, seed: int = 0, transforms: Mapping[str, Transform] | None = None,
                   level: float = 0.95) -> pd.DataFrame:
    """Unconditional h-day changes per asset: mean and median with block-bootstrap intervals.

    Returns
    -------
    pd.DataFrame
        Rows (asset, horizon); ``n_windows`` (overlapping), ``n_independent`` (days / h, the
        honest sample size), ``mean``, ``mean_lower``, ``mean_upper``, ``median``,
        ``median_lower``, ``median_upper`` (``level`` stationary-bootstrap intervals, block = h,
        :func:`helpers.methods.eventstudy.bootstrap_baseline`).
    """
    transforms = transforms or {}
    rows = []
    for i, (name, values) in enumerate(assets.items()):
        for h in horizons:
            u = unconditional_changes(values, h, start, None, transforms.get(name, "log"))
            m = bootstrap_baseline(u, "mean", h, reps, seed + i, level)
            md = bootstrap_baseline(u, "median", h, reps, seed + i, level)
            rows.append({"asset": name, "horizon": h, "n_windows": m.n, "n_independent": round((m.n + h) / h, 1),
                         "mean": m.estimate, "mean_lower": m.lower, "mean_upper": m.upper,
                         "median": md.estimate, "median_lower": md.lower, "median_upper": md.upper})
    return pd.DataFrame(rows).set_index(["asset", "horizon"])


def is_crypto(name: str) -> bool:
    """Whether ``name`` is a crypto asset of the catalog (daily closes) rather than a FRED series."""
    from helpers.data import catalog

    return bool(catalog.get(name).kind == "crypto")


def load_assets(names: Sequence[str]) -> dict[str, pd.Series]:
    """Daily series by name: crypto ids (``btc``) through :func:`helpers.data.closes`, FRED ids otherwise.

    Crypto values are closes (00:00 UTC of the next day); FRED values are as published.
    """
    from helpers import data

    return {n: data.closes(n) if is_crypto(n) else data.series(n) for n in names}


@dataclass(frozen=True)
class RallyStudy:
    """Everything about "a strong rally within 6-18 months" for one asset and one event list.

    Attributes
    ----------
    best : pd.Series
        Best change over the span per event, *so far* for events whose span is not complete.
    complete : pd.Series
        True where the data reach the end of the span.
    unconditional : pd.Series
        :func:`helpers.methods.rallies.unconditional_best` over the baseline sample.
    definitions : list of RallyDefinition
    rates : pd.DataFrame
        :func:`helpers.methods.rallies.base_rates`.
    hits : pd.DataFrame
        :func:`helpers.methods.rallies.classify_rallies` on complete spans (``pd.NA`` otherwise).
    """

    best: pd.Series
    complete: pd.Series
    unconditional: pd.Series
    definitions: list[RallyDefinition]
    rates: pd.DataFrame
    hits: pd.DataFrame


def rally_study(values: pd.Series, events: Events, span: tuple[int, int] = RALLY_SPAN,
                absolute: Sequence[float] = (0.5, 1.0), start: DateLike | None = None, reps: int = 1000,
                seed: int = 0, level: float = 0.95) -> RallyStudy:
    """Best 6-18 month change after each event, the definitions, their base rates and the hits.

    Parameters
    ----------
    values : pd.Series
        Daily closes.
    events : sequence or mapping of dates
    span : (int, int)
        Days over which the best change is taken (default 180-540).
    absolute : sequence of float
        Absolute thresholds as simple returns (+50%, +100%).
    start : date, optional
        Baseline sample start (the relative threshold is the median over start days from here).
    reps, seed : int
        Block bootstrap of the base rates (block = ``span[1]`` days).
    level : float
        Coverage of the base rates' intervals.
    """
    emap = event_labels(events)
    best = pd.Series({k: best_change(values, d, span, require_full=False) for k, d in emap.items()}, dtype=float)
    full = pd.Series({k: best_change(values, d, span, require_full=True) for k, d in emap.items()}, dtype=float)
    unconditional = unconditional_best(values, span, start)
    definitions = rally_definitions(float(unconditional.median()), absolute)
    rates = base_rates(unconditional, definitions, None, reps, seed, level=level)
    return RallyStudy(best, full.notna(), unconditional, definitions, rates, classify_rallies(full, definitions))


