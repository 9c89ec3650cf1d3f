"""The ledger's vocabulary table, rule column and forecast list (helpers.claims.ledger)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.claims import ledger, vocabulary


def _write(folder: Path, notebook: str, claims: dict[str, dict[str, str]], figures: dict | None = None) -> None:
    body = {"figures": figures or {}, "claims": {k: {**v, "notebook": notebook} for k, v in claims.items()}}
    (folder / f"{notebook}.json").write_text(json.dumps(body))


def test_vocabulary_table_is_read_from_the_vocabulary_module() -> None:
    table = ledger.vocabulary_table()
    assert list(table.index) == list(vocabulary.VERDICTS)
    assert "minimum meaningful effect" in table.loc[vocabulary.SUPPORTED, "requires"]
    assert table.loc[vocabulary.UNTESTABLE, "requires"].startswith("The deciding data are missing")


def test_vocabulary_table_fails_when_a_verdict_is_undefined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocabulary, "__doc__", "``supported``\n    The effect holds.\n")
    with pytest.raises(ValueError, match="does not define"):
        ledger.vocabulary_table()


def test_the_rule_travels_into_the_ledger(tmp_path: Path) -> None:
    _write(tmp_path, "01_qt_mechanism", {"C05": {"verdict": "supported", "evidence": "e", "test": "t",
                                                 "rule": "c05_end_rule"},
                                         "C01": {"verdict": "supported", "evidence": "e", "test": "t"}})
    table = ledger.ledger(tmp_path)
    assert table.loc["C05", "rule"] == "c05_end_rule" and table.loc["C01", "rule"] == ""
    assert table.loc["C30", "verdict"] == ledger.NOT_TESTED and table.loc["C30", "notebook"] == "02"


def test_forecasts_list_windows_verdicts_and_outcomes(tmp_path: Path) -> None:
    _write(tmp_path, "01_qt_mechanism", {"C29": {"verdict": "inconclusive", "rule": "c29_after_turn_rule", "test": "",
                                                 "evidence": "Net liquidity rose 1 bn. More detail."}})
    figures = {"btc_close_at_qt_end_usd": 86281.4952, "btc_max_close_after_qt_end_usd": 97008.0,
               "btc_min_close_after_qt_end_usd": 60000.0, "btc_last_close_usd": 64795.7, "btc_last_date": "2026-07-18"}
    _write(tmp_path, "06_risk_scenarios", {"C23": {"verdict": "inconclusive", "test": "",
                                                   "evidence": "BTC touched 90,000 once. Detail."}},
           {k: {"value": v, "unit": "", "note": ""} for k, v in figures.items()})
    table = ledger.ledger(tmp_path)
    fc = ledger.forecasts(table, tmp_path)
    assert list(fc.index) == list(ledger.FORECASTS)
    assert fc.loc["C29", "outcome so far"].startswith("Net liquidity rose 1 bn. BTC closed at")
    assert fc.loc["C29", "window"] == "2025-12-01..end of data"  # from data/claim_specs.csv
    assert fc.loc["C23", "outcome so far"].startswith("BTC touched 90,000 once. BTC closed at 86,281 USD")
    assert "64,796 on 2026-07-18" in fc.loc["C23", "outcome so far"]
    assert fc.loc["C26", "outcome so far"] == "no outcome recorded yet" and fc.loc["C26", "verdict"] == ledger.NOT_TESTED
    assert fc.loc["C26", "window"]  # declared in data/claim_specs.csv or the ledger default


def test_forecasts_without_notebook_06_keys_skip_the_btc_path(tmp_path: Path) -> None:
    _write(tmp_path, "06_risk_scenarios", {"C27": {"verdict": "inconclusive", "test": "", "evidence": "No new high."}},
           {"btc_last_close_usd": {"value": 1.0, "unit": "", "note": ""}})
    fc = ledger.forecasts(ledger.ledger(tmp_path), tmp_path)
    assert fc.loc["C27", "outcome so far"] == "No new high."


def test_specification_agreement_from_notebook_09_sits_beside_the_verdict(tmp_path: Path) -> None:
    _write(tmp_path, "02_liquidity_vs_btc", {"C04": {"verdict": "inconclusive", "evidence": "e", "test": "t"}})
    _write(tmp_path, ledger.SPEC_NOTEBOOK, {}, figures={
        "spec_share_agree_c04": {"value": 0.1875, "unit": "ratio", "note": ""},
        "spec_count_c04": {"value": 48, "unit": "count", "note": ""},
        "spec_share_agree_c07": {"value": 0.5, "unit": "ratio", "note": ""},
        "spec_share_agree_c11": {"value": None, "unit": "ratio", "note": ""},
    })
    table = ledger.ledger(tmp_path)
    assert table.loc["C04", "specifications"] == "19% of 48 agree"
    assert table.loc["C07", "specifications"] == "50% agree"
    assert table.loc["C11", "specifications"] == "" and table.loc["C01", "specifications"] == ""
    assert ledger.spec_agreement(tmp_path / "nowhere").empty
