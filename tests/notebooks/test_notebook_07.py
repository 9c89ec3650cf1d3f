"""Notebook 07 gathers the verdicts other notebooks recorded, unchanged."""

from __future__ import annotations

import pytest

from helpers.claims import ledger


@pytest.mark.slow
def test_ledger_reflects_recorded_verdicts(run_notebook, mirror_home) -> None:  # type: ignore[no-untyped-def]
    _, nb01 = run_notebook("01_qt_mechanism")
    run, nb07 = run_notebook("07_claims_ledger")
    assert run.status == "ok", run.error
    table = ledger.ledger(mirror_home / "reports" / "results")  # the result files the notebook read
    for claim_id, entry in nb01["claims"].items():
        assert table.loc[claim_id, "verdict"] == entry["verdict"]
        assert table.loc[claim_id, "evidence"] == entry["evidence"]
    recorded = {k.removeprefix("claims_").replace("_", " "): v["value"]
                for k, v in nb07["figures"].items() if k.startswith("claims_")}
    assert recorded == ledger.verdict_counts(table).to_dict()
    assert sum(recorded.values()) == 30
    assert nb07["claims"] == {}  # the ledger gathers verdicts, it does not make its own
    for claim_id, entry in nb01["claims"].items():
        assert table.loc[claim_id, "rule"] == entry["rule"]  # the rule that produced each verdict travels along


def test_notebook_metadata_and_parameters() -> None:
    import ast
    from pathlib import Path

    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "07_claims_ledger.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "qtlab"
    (params,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert all(isinstance(s, ast.AnnAssign) for s in ast.parse(params.source).body)
