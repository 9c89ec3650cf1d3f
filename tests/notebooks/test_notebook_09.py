"""Notebook 09 executed through papermill on the mirror with small resample counts: the recorded shares and
counts, the counts against the grids declared in data/claim_specs.csv, and C04's primary specification
recomputed independently with plain pandas from the cached series."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

NAME = "09_specification_curves"
CURVED = ["C04", "C07", "C08", "C10", "C11", "C12", "C13", "C16", "C18", "C21", "C22"]
SMALL = {"bootstrap_reps": 40, "strategy_reps": 10, "placebo_draws": 200, "n_perm": 100, "season_reps": 40,
         "workers": 2}
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run09(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    run, body = run_notebook(NAME, **SMALL)
    assert run.status == "ok", run.error
    return run, body


def _declared_size(cid: str) -> int:
    """The declared grid's size from the CSV text: each block's product of value counts, blocks added."""
    cell = pd.read_csv(ROOT / "data" / "claim_specs.csv", dtype=str, keep_default_na=False
                       ).set_index("claim_id").loc[cid, "alternatives"]
    (item,) = [p.strip() for p in cell.split(";") if p.strip().startswith("grid:")]
    return sum(math.prod(len(part.split("=")[1].split()) for part in block.split("&"))
               for block in item.removeprefix("grid:").split("|"))


def test_shares_are_ratios_and_counts_are_the_declared_grid_sizes(run09: tuple[Any, dict[str, Any]]) -> None:
    figures = run09[1]["figures"]
    for cid in CURVED:
        c = cid.lower()
        share, count = figures[f"spec_share_agree_{c}"], figures[f"spec_count_{c}"]
        assert share["unit"] == "ratio" and count["unit"] == "count"
        assert 0 <= share["value"] <= 1, cid
        assert count["value"] == _declared_size(cid), cid
        # the primary is one of the specifications and agrees with itself
        assert share["value"] >= 1 / count["value"] - 1e-12, cid


def _independent_c04_primary() -> float:
    """BTC 13-week forward log return, net liquidity's 13-week change > 0 minus <= 0, Thursdays from 2015."""
    from helpers import data
    from helpers.data import catalog
    from helpers.data.liquidity import net_liquidity

    btc = data.closes("btc")
    nl = net_liquidity()["net_liquidity"].dropna()
    ends = [btc, data.closes("eth"), nl, data.series("WALCL", usd_bn=True), data.series("WRESBAL", usd_bn=True),
            data.series("SP500"), data.series("NASDAQCOM"), data.series("DGS10")]
    end = max(s.dropna().index.max() for s in ends)
    thursdays = pd.date_range("2014-12-01", end, freq="W-THU")
    lag = catalog.get("WALCL").publication_lag_days
    # price: the last close on or before the Thursday, at most 4 days old
    px = btc.dropna()
    price = pd.Series([px.loc[:t].iloc[-1] if len(px.loc[:t]) and (t - px.loc[:t].index[-1]).days <= 4 else np.nan
                       for t in thursdays], index=thursdays)
    # level: the last Wednesday published (observation + lag) by the Thursday
    public = pd.Series(nl.to_numpy(), index=nl.index + pd.Timedelta(days=lag))
    level = pd.Series([public.loc[:t].iloc[-1] if len(public.loc[:t]) else np.nan for t in thursdays], index=thursdays)
    p = price.dropna()
    fwd = (np.log(p).shift(-13) - np.log(p)).loc["2015-01-01":]
    lv = level.dropna()
    change = lv.diff(13).loc["2015-01-01":]
    both = pd.DataFrame({"f": fwd, "c": change}).dropna()
    up = both["c"] > 0
    return float(both.loc[up, "f"].mean() - both.loc[~up, "f"].mean())


def test_c04_primary_matches_an_independent_recomputation(run09: tuple[Any, dict[str, Any]]) -> None:
    figures = run09[1]["figures"]
    assert figures["spec_primary_c04"]["value"] == pytest.approx(_independent_c04_primary(), abs=1e-9)
