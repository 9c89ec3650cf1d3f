"""The declared specifications table and its reader."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from helpers.claims import specs

HEADER = ",".join(specs.COLUMNS)


def _table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "claim_specs.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_the_committed_table_has_one_row_per_claim_and_my_rules_declared() -> None:
    table = specs.read_table()
    assert list(table.index) == [f"C{i:02d}" for i in range(1, 31)]
    for cid in ("C01", "C02", "C03", "C04", "C05", "C06", "C09", "C24", "C29", "C30"):
        s = specs.spec(cid)
        assert s.rule.startswith(cid.lower()), cid
        assert s.primary_test and s.window and s.source_notebook, cid


def test_a_row_parses_thresholds_lists_and_effect(tmp_path: Path) -> None:
    path = _table(tmp_path, 'C04,c04_rule,test,2015..end,"a=0.05; month=2025-12","4; 13",alt1; alt2,x; y,0.05,02')
    s = specs.spec("C04", path)
    assert s.threshold("a") == 0.05 and s.text("month") == "2025-12"
    assert s.horizon_values() == [4, 13] and s.alternatives == ("alt1", "alt2") and s.family == ("x", "y")
    assert s.effect() == 0.05
    with pytest.raises(KeyError, match="no threshold 'b'"):
        s.threshold("b")
    with pytest.raises(KeyError, match="no threshold 'b'"):
        s.text("b")
    with pytest.raises(ValueError, match="not a number"):
        s.threshold("month")


def test_placeholders_missing_rows_and_missing_effects_are_errors(tmp_path: Path) -> None:
    path = _table(tmp_path, "C07,,,,,,,,,03", "C08,c08_rule,t,w,,,,,,03")
    with pytest.raises(ValueError, match="placeholder"):
        specs.spec("C07", path)
    with pytest.raises(KeyError, match="no row for C09"):
        specs.spec("C09", path)
    s = specs.spec("C08", path)
    assert math.isnan(s.minimum_effect)
    with pytest.raises(ValueError, match="no minimum_effect"):
        s.effect()


def test_an_effect_declared_in_words_is_kept_as_text(tmp_path: Path) -> None:
    path = _table(tmp_path, 'C13,c13_rule,t,w,,,,,"0.05 (BTC); 0.015 (stablecoins)",05')
    s = specs.spec("C13", path)
    assert math.isnan(s.minimum_effect) and s.minimum_effect_text == "0.05 (BTC); 0.015 (stablecoins)"
    with pytest.raises(ValueError, match="as a number"):
        s.effect()


@pytest.mark.parametrize(("rows", "message"), [
    (("C31,r,,,,,,,,01",), "not C01..C30"),
    (("C01,r,,,,,,,,01", "C01,r,,,,,,,,01"), "repeated claim ids"),
])
def test_bad_tables_are_refused_naming_the_file(tmp_path: Path, rows: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        specs.read_table(_table(tmp_path, *rows))


def test_wrong_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "claim_specs.csv"
    path.write_text("claim_id,rule\nC01,r\n")
    with pytest.raises(ValueError, match="columns must be"):
        specs.read_table(path)


def test_a_malformed_row_fails_only_its_own_claim(tmp_path: Path) -> None:
    path = _table(tmp_path, "C01,r,t,w,a=1,,,,5,01", 'C02,r,t,w,"free text without pairs",,,,5,01')
    assert specs.spec("C01", path).threshold("a") == 1
    with pytest.raises(ValueError, match="C02: thresholds part"):
        specs.spec("C02", path)
    assert list(specs.all_specs(path)) == ["C01"] and list(specs.row_errors(path)) == ["C02"]


def test_the_committed_table_parses_row_by_row() -> None:
    assert specs.row_errors() == {}


@pytest.mark.parametrize("text", ["a", "a=1=2", "a=1; a=2", "=1"])
def test_bad_thresholds_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="threshold"):
        specs.parse_thresholds(text)


def test_an_edited_table_is_read_again(tmp_path: Path) -> None:
    """The cache is keyed by modification time, so a changed specification is seen without restarting."""
    import os

    path = _table(tmp_path, "C01,r,t,w,a=1,,,,5,01")
    assert specs.spec("C01", path).threshold("a") == 1
    path.write_text(f"{HEADER}\nC01,r,t,w,a=2,,,,5,01\n")
    os.utime(path, (1, 2))
    assert specs.spec("C01", path).threshold("a") == 2
