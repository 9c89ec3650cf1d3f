"""The README's headline block is generated from the committed results, never typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.report import readme

ROOT = Path(__file__).resolve().parents[2]


def _results() -> dict:
    return {
        "data_last_date": {"WALCL": "2026-09-30", "btc": "2026-07-18"},
        "notebooks": {
            "01_qt_mechanism": {"net_liquidity_qt2_change_usd_bn": {"value": -500.4, "unit": "USD bn", "note": "n1"},
                                "walcl_qt2_decline_usd_bn": {"value": 2400.0, "unit": "USD bn", "note": ""}},
            "02_liquidity_vs_btc": {"corr_monthly_dlog_btc_netliq_2015_2025": {"value": 0.1, "unit": "", "note": "N=9"}},
            "06_risk_scenarios": {"btc_close_at_qt_end_usd": {"value": 100.0, "unit": "USD", "note": ""},
                                  "btc_last_close_usd": {"value": 75.0, "unit": "USD", "note": ""},
                                  "btc_last_date": {"value": "2026-07-18", "unit": "date", "note": ""}},
        },
        "claims": {"C01": {"verdict": "supported", "evidence": "e"}, "C09": {"verdict": "not supported", "evidence": "e"}},
    }


def test_key_figures_follow_the_results() -> None:
    lines = readme.key_figures(_results())
    assert "-500 USD bn" in lines[0] and "2,400 bn" in lines[0]
    assert "is 0.10" in lines[1] and "N=9" in lines[1]
    assert "75 USD on 2026-07-18 (-25%" in lines[2]
    body = _results()
    del body["notebooks"]["06_risk_scenarios"]
    assert len(readme.key_figures(body)) == 2  # a missing figure drops its line, not the block


def test_the_forecast_image_is_linked_only_when_it_exists() -> None:
    assert readme.FORECAST_IMAGE in readme.headline(_results(), image=True)
    assert readme.FORECAST_IMAGE not in readme.headline(_results(), image=False)


def test_replace_block_keeps_the_rest_and_needs_both_markers() -> None:
    text = f"top\n{readme.START}\nold\n{readme.END}\nbottom\n"
    assert readme.replace_block(text, "new\n") == f"top\n{readme.START}\nnew\n{readme.END}\nbottom\n"
    with pytest.raises(ValueError, match="headline markers"):
        readme.replace_block("no markers", "x")


def test_committed_readme_matches_the_committed_results() -> None:
    results = json.loads((ROOT / "reports" / "results.json").read_text(encoding="utf-8"))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    image = (ROOT / readme.FORECAST_IMAGE).is_file()
    assert readme.replace_block(text, readme.headline(results, image)) == text, (
        "README.md's headline is stale: run `make reports` (or `.venv/bin/python -m helpers.report.readme`)")
