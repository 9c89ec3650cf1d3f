"""Notebook 01 (the QT mechanism): its frame, and its results recomputed independently on the mirror."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from numpy.testing import assert_allclose

NAME = "01_qt_mechanism"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / f"{NAME}.ipynb"

#: Required keys of issue 3 and their units.
REQUIRED = {
    "walcl_peak_2022_usd_bn": "USD bn",
    "walcl_at_qt2_end_usd_bn": "USD bn",
    "walcl_qt2_decline_usd_bn": "USD bn",
    "net_liquidity_qt2_start_usd_bn": "USD bn",
    "net_liquidity_qt2_end_usd_bn": "USD bn",
    "net_liquidity_qt2_change_usd_bn": "USD bn",
    "walcl_change_since_qt_end_usd_bn": "USD bn",
    "treasury_runoff_to_cap_qt2": "ratio",
}
CLAIMS = ("C01", "C02", "C05", "C06", "C29")


def test_notebook_is_stored_stripped_with_one_parameters_cell() -> None:
    """Outputs stripped, the qtlab kernelspec, exactly one cell tagged ``parameters`` holding only annotated literals."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "qtlab", "display_name": "QT Lab (Python 3.11)", "language": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for stmt in ast.parse(params[0].source).body:  # only simple literals: papermill can override them
        assert isinstance(stmt, ast.AnnAssign) and stmt.value is not None, ast.dump(stmt)
        ast.literal_eval(stmt.value)


@pytest.fixture(scope="module")
def executed(run_notebook: Callable[..., tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    run, body = run_notebook(NAME)
    assert run.status == "ok", run.error
    return body


#: Units of the mirror's FRED CSVs (see fred/PROVENANCE.md): divisor to USD bn.
TO_USD_BN = {"WALCL": 1000.0, "WDTGAL": 1000.0, "TREAST": 1000.0, "RRPONTSYD": 1.0}


@pytest.fixture(scope="module")
def fred(mirror_dir: Path) -> Callable[[str], pd.Series]:
    """A FRED series read from the mirror's CSV with plain pandas, in USD bn, independently of ``helpers``.

    WALCL, WDTGAL and TREAST are in millions of USD, RRPONTSYD in billions.
    """

    def read(sid: str) -> pd.Series:
        raw = pd.read_csv(mirror_dir / "fred" / f"{sid}.csv", parse_dates=["observation_date"],
                          index_col="observation_date")[sid]
        return pd.to_numeric(raw, errors="coerce").dropna() / TO_USD_BN[sid]

    return read


@pytest.mark.slow
def test_every_required_key_is_recorded(executed: dict[str, Any]) -> None:
    figures = executed["figures"]
    for key, unit in REQUIRED.items():
        assert key in figures, key
        assert figures[key]["unit"] == unit, key
        assert isinstance(figures[key]["value"], float) and math.isfinite(figures[key]["value"]), key


@pytest.mark.slow
def test_claims_carry_verdicts_and_evidence(executed: dict[str, Any]) -> None:
    from helpers.claims.results import VERDICTS

    for cid in CLAIMS:
        entry = executed["claims"][cid]
        assert entry["verdict"] in VERDICTS, cid
        assert "N =" in entry["evidence"], cid
        assert entry["notebook"] == NAME
        assert entry["rule"] == f"{cid.lower()}_" + entry["rule"].split("_", 1)[1], cid  # a claim rule, not a literal


@pytest.mark.slow
def test_walcl_keys_recomputed(executed: dict[str, Any], fred: Callable[[str], pd.Series]) -> None:
    """Peak of 2022, the last value on or before 2025-12-01, their difference, and the change since."""
    walcl = fred("WALCL")
    peak = walcl[(walcl.index >= "2022-01-01") & (walcl.index <= "2022-12-31")].max()
    at_end = walcl[walcl.index <= pd.Timestamp("2025-12-01")].iloc[-1]
    got = {k: v["value"] for k, v in executed["figures"].items()}
    assert_allclose(got["walcl_peak_2022_usd_bn"], peak, rtol=1e-12)
    assert_allclose(got["walcl_at_qt2_end_usd_bn"], at_end, rtol=1e-12)
    assert_allclose(got["walcl_qt2_decline_usd_bn"], peak - at_end, rtol=1e-12)
    assert_allclose(got["walcl_change_since_qt_end_usd_bn"], walcl.iloc[-1] - at_end, rtol=1e-9)


@pytest.mark.slow
def test_net_liquidity_keys_recomputed(executed: dict[str, Any], fred: Callable[[str], pd.Series]) -> None:
    """WALCL - WDTGAL - RRPONTSYD (last RRP on or before the Wednesday), on 2022-06-01 and the last
    Wednesday on or before 2025-12-01 (2025-11-26); WDTGAL is present on both days, so no fill."""
    walcl, tga, rrp = fred("WALCL"), fred("WDTGAL"), fred("RRPONTSYD")

    def nl(day: pd.Timestamp) -> float:
        return float(walcl[day] - tga[day] - rrp[rrp.index <= day].iloc[-1])

    start = pd.Timestamp("2022-06-01")
    end = walcl[walcl.index <= pd.Timestamp("2025-12-01")].index[-1]
    got = {k: v["value"] for k, v in executed["figures"].items()}
    assert_allclose(got["net_liquidity_qt2_start_usd_bn"], nl(start), rtol=1e-12)
    assert_allclose(got["net_liquidity_qt2_end_usd_bn"], nl(end), rtol=1e-12)
    assert_allclose(got["net_liquidity_qt2_change_usd_bn"], nl(end) - nl(start), rtol=1e-9)


@pytest.mark.slow
def test_treasury_runoff_to_cap_recomputed(executed: dict[str, Any], fred: Callable[[str], pd.Series],
                                           mirror_dir: Path) -> None:
    """TREAST at the first Wednesday on/after 2022-06-01 minus at the first on/after 2025-12-01, over
    the reference table's Treasury caps summed month by month from June 2022 to November 2025."""
    treast = fred("TREAST")
    caps = pd.read_csv(mirror_dir / "events" / "qt_caps.csv", parse_dates=["effective_date"])
    caps = caps.sort_values("effective_date")
    total = 0.0
    for month in pd.period_range("2022-06", "2025-11", freq="M"):
        in_force = caps[caps["effective_date"] <= month.start_time].iloc[-1]
        total += in_force["treasury_cap_bn"]
    fall = treast[treast.index >= "2022-06-01"].iloc[0] - treast[treast.index >= "2025-12-01"].iloc[0]
    assert total == 1640.0
    assert_allclose(executed["figures"]["treasury_runoff_to_cap_qt2"]["value"], fall / total, rtol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("cid", CLAIMS)
def test_short_answer_states_the_recorded_verdict(executed: dict[str, Any], cid: str) -> None:
    """The short answer names each verdict in a parenthesis such as "(C01 and C05 *supported*)"; it must be
    the verdict the code recorded."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    short = " ".join(next(c.source for c in nb.cells if c.source.startswith("## Question and short answer")).split())
    stated = re.search(r"\([^()]*\b" + cid + r"\b[^()]*?\*([a-z ]+)\*\)", short)
    assert stated is not None, f"short answer names no verdict for {cid}"
    assert stated.group(1) == executed["claims"][cid]["verdict"]
