"""Notebook 00 (data tour): its frame, its cross-check recomputed from the raw mirror, and keys named from its parameters."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

NAME = "00_data_tour"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"


def test_notebook_is_stored_stripped_with_annotated_parameters() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "qtlab", "display_name": "QT Lab (Python 3.11)", "language": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    (params,) = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    for stmt in ast.parse(params.source).body:
        assert isinstance(stmt, ast.AnnAssign) and stmt.value is not None, ast.dump(stmt)
        ast.literal_eval(stmt.value)


@pytest.mark.slow
def test_default_run_keeps_the_btc_keys_and_they_recompute(run_notebook: Callable[..., tuple[Any, dict[str, Any]]],
                                                           mirror_dir: Path) -> None:
    """Median |close / CBBTCUSD - 1| in percent, with close(D) = the mirror snapshot labelled D+1."""
    run, body = run_notebook(NAME)
    assert run.status == "ok", run.error
    figures = body["figures"]
    raw = pd.read_csv(mirror_dir / "crypto" / "btc.csv", usecols=["date", "price_usd"], parse_dates=["date"])
    close = raw.set_index("date")["price_usd"].dropna()
    close.index = close.index - pd.Timedelta(days=1)
    fred = pd.read_csv(mirror_dir / "fred" / "CBBTCUSD.csv", parse_dates=["observation_date"], na_values=["."])
    fred = fred.set_index("observation_date")["CBBTCUSD"].dropna()
    both = pd.concat([close, fred], axis=1, join="inner").dropna()
    expected = ((both.iloc[:, 0] / both.iloc[:, 1] - 1).abs() * 100).median()
    assert abs(figures["btc_vs_fred_median_abs_diff_pct"]["value"] - round(float(expected), 4)) < 1e-4
    assert 0 <= figures["btc_vs_fred_share_quarters_best_lag_0"]["value"] <= 1


@pytest.mark.slow
def test_an_eth_run_records_eth_named_keys(run_notebook: Callable[..., tuple[Any, dict[str, Any]]]) -> None:
    run, body = run_notebook(NAME, crypto_asset="eth", fred_check_series="CBETHUSD")
    assert run.status == "ok", run.error
    keys = set(body["figures"])
    assert {"eth_vs_fred_median_abs_diff_pct", "eth_vs_fred_share_quarters_best_lag_0"} <= keys
    assert not [k for k in keys if k.startswith("btc_")]
