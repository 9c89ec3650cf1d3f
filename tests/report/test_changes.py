"""helpers.report.changes on small constructed results bodies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers.report import changes as ch


def _body(verdicts: dict[str, str], figures: dict[str, Any], last: dict[str, str] | None = None,
          evidence: str = "x N=3") -> dict[str, Any]:
    return {
        "generated_at": "2026-01-01",
        "data_last_date": last or {"WALCL": "2026-01-01"},
        "notebooks": {"01_qt": {k: {"value": v, "unit": "USD bn", "note": "N=1"} for k, v in figures.items()}},
        "claims": {c: {"verdict": v, "evidence": evidence, "notebook": "01_qt"} for c, v in verdicts.items()},
    }


@pytest.mark.parametrize(("value", "digits"), [(0.2141, 4), (2233.5, 1), (12, 0), (1e-05, 5), (1.5e-05, 6),
                                                (3.0, 0), (0.123456789, 6), (True, 0)])
def test_printed_decimals(value: float, digits: int) -> None:
    assert ch.printed_decimals(value) == digits


@pytest.mark.parametrize(("before", "after", "moved"), [
    (0.21, 0.2141, False),  # same at the coarser printed precision
    (0.21, 0.23, True),
    (0.2141, 0.2142, True),
    (12, 12.4, False),
    (12, 13, True),
    (None, 0.5, True),
    (0.5, None, True),
    ("2026-07-18", "2026-07-19", True),
    ("a", "a", False),
    (float("nan"), float("nan"), False),
    (float("nan"), 1.0, True),
])
def test_figure_moved(before: Any, after: Any, moved: bool) -> None:
    assert ch.figure_moved(before, after) is moved


def test_compare_finds_every_kind_of_change() -> None:
    old = _body({"C01": "supported", "C02": "inconclusive", "C03": "not supported"},
                {"a": 1.25, "b": 0.5, "gone": 3.0}, {"WALCL": "2026-01-01", "OLD": "2020-01-01"})
    new = _body({"C01": "supported", "C02": "partly supported", "C04": "inconclusive"},
                {"a": 1.25, "b": 0.75, "fresh": 2.0}, {"WALCL": "2026-01-08", "NEW": "2026-01-08"})
    new["claims"]["C01"]["evidence"] = "changed N=4"
    c = ch.compare(old, new)
    assert c.verdicts == [("C02", "inconclusive", "partly supported", "01_qt")]
    assert c.new_claims == [("C04", "inconclusive", "01_qt")]
    assert c.removed_claims == [("C03", "not supported", "01_qt")]
    assert c.evidence_only == ["C01"]
    assert c.moved == [("01_qt", "b", 0.5, 0.75, "USD bn")]
    assert c.new_figures == [("01_qt", "fresh", 2.0, "USD bn")]
    assert c.removed_figures == [("01_qt", "gone", 3.0, "USD bn")]
    assert c.last_dates == [("NEW", None, "2026-01-08"), ("OLD", "2020-01-01", None),
                            ("WALCL", "2026-01-01", "2026-01-08")]
    assert not c.empty


def test_markdown_puts_verdict_moves_in_bold() -> None:
    old = _body({"C02": "inconclusive", "C05": "supported"}, {"b": 0.5})
    new = _body({"C02": "partly supported", "C05": "supported"}, {"b": 0.75})
    text = ch.summarize(old, new)
    assert "**1 verdict moved.**" in text
    assert "| **C02** | **inconclusive** | **partly supported** | 01_qt |" in text
    assert "C05" not in text  # unchanged claims are not listed
    assert "| 01_qt | b | 0.5 | 0.75 | USD bn |" in text
    assert text.index("verdict moved") < text.index("Headline figures")


def test_markdown_of_no_change_and_of_a_first_run() -> None:
    body = _body({"C01": "supported"}, {"a": 1.0})
    assert "Nothing changed" in ch.summarize(body, json.loads(json.dumps(body)))
    first = ch.summarize({}, body)
    assert "No verdict moved." in first and "### New claims" in first and "| C01 | supported | 01_qt |" in first


def test_markdown_escapes_table_cells() -> None:
    old = _body({}, {"s": "a|b"})
    new = _body({}, {"s": "a|c\nd"})
    assert "a\\|c d" in ch.summarize(old, new)


def test_cli_writes_markdown(tmp_path: Path) -> None:
    old, new, out = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "changes.md"
    old.write_text(json.dumps(_body({"C02": "inconclusive"}, {"b": 0.5})))
    new.write_text(json.dumps(_body({"C02": "not supported"}, {"b": 0.5})))
    proc = subprocess.run([sys.executable, "-m", "helpers.report.changes", str(old), str(new), "-o", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "**not supported**" in out.read_text()
    assert ch.main([str(old), str(new)]) == 0


def test_cli_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SystemExit, match="bad.json is not JSON"):
        ch.main([str(bad), str(bad)])
    with pytest.raises(SystemExit, match="missing.json"):
        ch.main([str(tmp_path / "missing.json"), str(bad)])
    listing = tmp_path / "list.json"
    listing.write_text("[]")
    with pytest.raises(SystemExit, match="not a results object"):
        ch.main([str(listing), str(listing)])
