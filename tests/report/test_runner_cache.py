"""The execution cache's inputs and reasons: a change to one input is detected and named."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.report import cache

TINY = Path(__file__).resolve().parents[1] / "notebooks" / "90_tiny.ipynb"
SHA = {"WALCL": "a" * 64, "btc": "b" * 64, "eth": "c" * 64}


def test_same_inputs_no_reasons() -> None:
    one = cache.notebook_inputs(TINY, {}, ["btc"], SHA)
    assert cache.reasons(one, cache.notebook_inputs(TINY, {}, ["btc"], dict(SHA))) == []
    assert cache.reasons(None, one) == ["never run"]


def test_a_series_the_notebook_read_changes() -> None:
    old = cache.notebook_inputs(TINY, {}, ["btc", "WALCL"], SHA)
    new = cache.notebook_inputs(TINY, {}, ["btc", "WALCL"], {**SHA, "btc": "d" * 64})
    assert cache.reasons(old, new) == ["series changed: btc"]


def test_a_series_it_did_not_read_changes_nothing() -> None:
    old = cache.notebook_inputs(TINY, {}, ["btc"], SHA)
    assert cache.reasons(old, cache.notebook_inputs(TINY, {}, ["btc"], {**SHA, "eth": "e" * 64})) == []


def test_unknown_series_used_depends_on_every_series() -> None:
    old = cache.notebook_inputs(TINY, {}, None, SHA)
    new = cache.notebook_inputs(TINY, {}, None, {**SHA, "eth": "e" * 64})
    assert cache.reasons(old, new) == ["data changed (series used not yet known)"]


def test_parameters_source_and_extra_inputs(tmp_path: Path) -> None:
    old = cache.notebook_inputs(TINY, {}, [], SHA)
    assert cache.reasons(old, cache.notebook_inputs(TINY, {"reps": 3}, [], SHA)) == ["parameters changed"]
    edited = tmp_path / TINY.name
    nb = json.loads(TINY.read_text())
    nb["cells"][1]["source"] = "reps = 11\n"
    edited.write_text(json.dumps(nb))
    assert cache.reasons(old, cache.notebook_inputs(edited, {}, [], SHA)) == ["source changed"]
    a = cache.notebook_inputs(TINY, {}, [], SHA, {"results 01_a": "1", "results 02_b": "2"})
    b = cache.notebook_inputs(TINY, {}, [], SHA, {"results 01_a": "1", "results 02_b": "3"})
    assert cache.reasons(a, b) == ["results changed: 02_b"]


def test_package_versions_and_imports(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert "pandas" in cache._helpers_state()[1]
    assert cache.notebook_imports(TINY) == set()  # helpers and sys only
    assert cache._imports("import numpy.linalg\nfrom scipy import stats\nimport os\n%matplotlib inline") == {
        "numpy", "scipy"}
    old = cache.notebook_inputs(TINY, {}, [], SHA)
    assert old["package pandas"] == cache.package_version("pandas") != "not installed"
    monkeypatch.setattr(cache, "package_version", lambda m: "0.0" if m == "pandas" else "1")
    new = cache.notebook_inputs(TINY, {}, [], SHA)
    assert "package changed: pandas" in cache.reasons({**old, **{k: "1" for k in old if k.startswith("package")
                                                                  and k != "package pandas"}}, new)


def test_helpers_digest_covers_its_sources() -> None:
    files = cache._helper_files()
    names = {str(p.relative_to(cache._HELPERS)) for p in files}
    assert "claims/results.py" in names and "paths.py" in names and "data/load.py" in names
    assert not any(n.startswith("report/") or n == "cli.py" for n in names)
