"""Checked parameters: unknown names, wrong types, bounds and secrets are refused, naming the parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.report import params

TINY = Path(__file__).resolve().parents[1] / "notebooks" / "90_tiny.ipynb"


def test_defaults_are_read_exactly() -> None:
    assert params.defaults(TINY) == {"reps": 10, "label": "base", "scale": 1.5, "fail": False}


def test_good_parameters_pass() -> None:
    assert params.check(TINY, {"reps": 20, "scale": 2, "label": "x"}) == {"reps": 20, "scale": 2, "label": "x"}
    assert params.check(TINY, {}) == {}


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(params.ParameterError, match=r"unknown parameter 'rep'; valid: fail, label, reps, scale"):
        params.check(TINY, {"rep": 1})


@pytest.mark.parametrize(("name", "value"), [("reps", 1.5), ("reps", "10"), ("reps", True), ("scale", "x"),
                                             ("fail", 1), ("label", 3)])
def test_mistyped_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(params.ParameterError, match=f"parameter '{name}' must be"):
        params.check(TINY, {name: value})


@pytest.mark.parametrize("value", [-1, -5, params.MAX_COUNT + 1, 10**9])
def test_counts_have_bounds(value: int) -> None:
    with pytest.raises(params.ParameterError, match=r"'reps'=.* must lie in 0\.\.100000"):
        params.check(TINY, {"reps": value})
    assert params.check(TINY, {"reps": 0}) == {"reps": 0}  # zero: the notebook skips that step
    assert params.check(TINY, {"reps": params.MAX_COUNT}) == {"reps": params.MAX_COUNT}


def test_none_default_accepts_a_string(tmp_path: Path) -> None:
    nb = tmp_path / "91_none.ipynb"
    text = TINY.read_text().replace('label = \\"base\\"', "label = None")
    assert text != TINY.read_text()
    nb.write_text(text)
    assert params.check(nb, {"label": "2024-01-01"}) == {"label": "2024-01-01"}
    with pytest.raises(params.ParameterError, match="None or a string"):
        params.check(nb, {"label": 3})


@pytest.mark.parametrize("name", ["api_key", "FRED_API_KEY", "fred_password", "token_x", "my_secret_thing", "keyring"])
def test_secret_looking_names_are_refused(name: str) -> None:
    with pytest.raises(params.ParameterError, match="looks like a secret"):
        params.refuse_secret_name(name)


def test_a_value_equal_to_a_secret_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRED_API_KEY", "abcd1234efgh5678")
    for value in ("abcd1234efgh5678", "prefix abcd1234efgh5678", ["abcd1234efgh5678"]):
        with pytest.raises(params.ParameterError, match="FRED_API_KEY") as err:
            params.check(TINY, {"label": value})
        assert "abcd1234" not in str(err.value)
    params.refuse_secret_value("label", "something else")


def test_slug_is_stable_and_distinct() -> None:
    a = params.slug({"asset": "eth", "n": 3})
    assert a == params.slug({"n": 3, "asset": "eth"})
    assert a != params.slug({"asset": "eth", "n": 4})
    assert a.startswith("asset-eth_n-3-") and "/" not in params.slug({"p": "a/b"})

