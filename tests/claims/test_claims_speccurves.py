"""helpers.claims.speccurves: every curved claim declares one grid in data/claim_specs.csv, the recorded keys, the
verdict readings of an agreement share, and the published verdicts of the owning notebooks."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from helpers.claims import results, vocabulary
from helpers.claims import speccurves as curve_claims
from helpers.methods import speccurve
from helpers.studies import speccurves as sc

ROOT = Path(__file__).resolve().parents[2]
CURVED = ["C04", "C07", "C08", "C10", "C11", "C12", "C13", "C16", "C18", "C21", "C22"]


def _independent_size(text: str) -> int:
    """Grid size from the raw text: the product of each block's value counts, blocks added."""
    total = 0
    for block in text.removeprefix("grid:").split("|"):
        total += math.prod(len(part.split("=")[1].split()) for part in block.split("&"))
    return total


@pytest.mark.parametrize("cid", CURVED)
def test_every_curved_claim_declares_a_grid(cid: str) -> None:
    cell = pd.read_csv(ROOT / "data" / "claim_specs.csv", dtype=str, keep_default_na=False
                       ).set_index("claim_id").loc[cid, "alternatives"]
    items = [p.strip() for p in cell.split(";") if p.strip().startswith("grid:")]
    assert len(items) == 1, f"{cid}: one grid item expected in {cell!r}"
    g = curve_claims.declared_grid(cid)
    assert len(g.specs()) == _independent_size(items[0])
    assert g.primary in g.specs()
    assert cid in sc.COMPUTE


def test_declared_grid_without_a_grid_item_is_an_error(tmp_path: Path) -> None:
    table = pd.read_csv(ROOT / "data" / "claim_specs.csv", dtype=str, keep_default_na=False)
    table.loc[table["claim_id"] == "C04", "alternatives"] = "WALCL; reserves"
    path = tmp_path / "claim_specs.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValueError, match="C04 declares 0"):
        curve_claims.declared_grid("C04", path)


def test_result_keys_and_robustness_readings_at_the_thresholds() -> None:
    assert curve_claims.result_keys("C04") == ("spec_share_agree_c04", "spec_count_c04")
    cut = vocabulary.ROBUST_SHARE
    assert "fragile" in curve_claims.robustness_reading(cut - 0.01)
    assert "most" in curve_claims.robustness_reading(cut)
    assert "nearly all" in curve_claims.robustness_reading(0.8)
    assert "most" in curve_claims.robustness_reading(0.79)
    assert "fragile" in curve_claims.robustness_reading(0.5, threshold=0.6)


def test_record_curve_records_primary_share_and_count(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded: dict[str, tuple[float, str]] = {}
    monkeypatch.setattr(results, "record", lambda key, value, unit, note="", **_: recorded.update({key: (value, unit)}))

    def compute(choices: speccurve.Choices) -> speccurve.SpecResult:
        e = float(choices["a"])
        return speccurve.SpecResult(e, e - 1.5, e + 1.5, 10)

    s = sc.compute_curve("C99", compute, grid=sc.parse_declared_grid("grid: a=-2 *1 2 3"))
    assert curve_claims.record_curve(s, "units") == ("spec_share_agree_c99", "spec_count_c99")
    assert recorded == {"spec_primary_c99": (1.0, "units"), "spec_share_agree_c99": (0.25, "ratio"),
                        "spec_count_c99": (4, "count")}


def test_published_verdicts_reads_the_owning_notebooks_file(tmp_path: Path) -> None:
    (tmp_path / "02_liquidity_vs_btc.json").write_text(json.dumps({"claims": {"C04": {"verdict": "x"}}}))
    got = curve_claims.published_verdicts(tmp_path, ["C04"])
    assert got["C04"] == "x"
