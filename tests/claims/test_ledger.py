"""The claims ledger on result files built by hand (through the old import path, which must keep working)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.claims import ledger


def _write(folder: Path, notebook: str, claims: dict[str, dict[str, str]]) -> None:
    body = {"figures": {}, "claims": {k: {**v, "notebook": notebook} for k, v in claims.items()}}
    (folder / f"{notebook}.json").write_text(json.dumps(body))


def test_every_claim_has_a_row_and_untested_ones_say_so(tmp_path: Path) -> None:
    _write(tmp_path, "01_qt_mechanism", {"C01": {"verdict": "supported", "evidence": "e1", "test": "t1"}})
    _write(tmp_path, "02_liquidity_vs_btc", {"C09": {"verdict": "not supported", "evidence": "e9", "test": "t9"}})
    table = ledger.ledger(tmp_path)
    assert len(table) == 30 and list(table.index[:2]) == ["C01", "C02"] and table.index[-1] == "C30"
    assert table.loc["C01", "verdict"] == "supported" and table.loc["C01", "evidence"] == "e1"
    assert table.loc["C09", "notebook"] == "02_liquidity_vs_btc"
    assert table.loc["C02", "verdict"] == ledger.NOT_TESTED
    assert table.loc["C02", "notebook"] == "01"  # the planned notebook from data/claims.csv
    assert table.loc["C09", "check"] == "qtlab run 02 && pytest tests/test_notebook_02.py"


def test_verdict_counts_keep_zeros_in_order(tmp_path: Path) -> None:
    _write(tmp_path, "01_qt_mechanism", {"C01": {"verdict": "supported", "evidence": "", "test": ""},
                                         "C02": {"verdict": "partly supported", "evidence": "", "test": ""}})
    counts = ledger.verdict_counts(ledger.ledger(tmp_path))
    assert list(counts.index) == list(ledger.VERDICT_ORDER)
    assert counts["supported"] == 1 and counts["partly supported"] == 1 and counts["inconclusive"] == 0
    assert counts[ledger.NOT_TESTED] == 28 and counts.sum() == 30


def test_the_same_claim_from_two_notebooks_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "01_qt_mechanism", {"C01": {"verdict": "supported", "evidence": "", "test": ""}})
    _write(tmp_path, "02_liquidity_vs_btc", {"C01": {"verdict": "not supported", "evidence": "", "test": ""}})
    with pytest.raises(ValueError, match="C01 recorded by both"):
        ledger.recorded_claims(tmp_path)


def test_the_ledger_notebook_own_file_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "07_claims_ledger", {"C05": {"verdict": "supported", "evidence": "", "test": ""}})
    assert ledger.recorded_claims(tmp_path).empty
