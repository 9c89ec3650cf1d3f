"""The curated pivot table (data/fed_pivots.csv) agrees with the mirror's reference event tables."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.data import facts

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_pivot_event_studies.ipynb"

#: The events the issue names, with their direction.
NAMED = {
    "2019-01-30": "easing", "2019-07-31": "easing", "2019-08-01": "easing", "2020-03-15": "easing",
    "2023-07-26": "easing", "2024-09-18": "easing", "2025-10-29": "easing", "2025-12-01": "easing",
    "2021-11-03": "tightening", "2022-03-16": "tightening", "2022-06-01": "tightening",
}


@pytest.fixture(scope="module")
def pivots() -> pd.DataFrame:
    return facts.curated("fed_pivots")


def test_columns_and_sources(pivots: pd.DataFrame) -> None:
    assert list(pivots.columns) == ["date", "event_type", "direction", "description", "source"]
    assert set(pivots["direction"]) == {"easing", "tightening"}
    assert pivots["source"].str.len().min() > 20
    assert pivots["date"].is_unique


def test_every_named_event_is_there_with_its_direction(pivots: pd.DataFrame) -> None:
    table = dict(zip(pivots["date"].dt.strftime("%Y-%m-%d"), pivots["direction"], strict=True))
    for date, direction in NAMED.items():
        assert table.get(date) == direction, f"{date} should be a {direction} turn in data/fed_pivots.csv"


def test_every_row_matches_the_reference_table(pivots: pd.DataFrame, mirror_dir: Path) -> None:
    """Same date and event type as a row of events/fed_events.csv (a typo in a date would break this)."""
    ref = facts.reference("fed_events", mirror=mirror_dir)
    known = set(zip(ref["date"], ref["event_type"], strict=True))
    for _, row in pivots.iterrows():
        assert (row["date"], row["event_type"]) in known, f"{row['date']:%Y-%m-%d} {row['event_type']} not in reference"


def _parameters() -> dict[str, object]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    out = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign):
            out[node.targets[0].id] = ast.literal_eval(node.value)  # type: ignore[attr-defined]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out[node.target.id] = ast.literal_eval(node.value)  # annotated, as NOTEBOOKS.md requires
    return out


def test_notebook_event_dates_are_in_the_curated_table(pivots: pd.DataFrame) -> None:
    params = _parameters()
    dates = set(pivots["date"].dt.strftime("%Y-%m-%d"))
    for name in ("article_pivots", "readings_2019", "readings_2023", "c07_events", "required_dates"):
        missing = set(params[name]) - dates  # type: ignore[arg-type]
        assert not missing, f"{name} uses dates not in data/fed_pivots.csv: {missing}"


def test_confounder_dates_match_the_crypto_reference(mirror_dir: Path) -> None:
    """Halvings, spot ETF approval and the COVID crash as in events/crypto_events.csv."""
    params = _parameters()
    ref = facts.reference("crypto_events", mirror=mirror_dir)
    known = dict(zip(ref["date"].dt.strftime("%Y-%m-%d"), ref["event_type"], strict=False))
    expected = {"COVID crash": "crash", "halving 3": "halving", "spot ETF approval": "etf", "halving 4": "halving"}
    for label, date in zip(params["confounder_labels"], params["confounder_dates"], strict=True):  # type: ignore[call-overload]
        assert known.get(date) == expected[label], f"{label} {date} not a {expected[label]} row in the reference"
