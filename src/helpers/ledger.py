"""The claims ledger: every claim of the article, the test used, the evidence and the verdict.

It gathers what notebooks 01-06 recorded with :func:`helpers.results.claim` (in
``reports/results/<notebook>.json``) and sets it beside the claim texts of
``data/claims.csv``. A claim no notebook has recorded yet is listed as ``not yet tested``,
never dropped, so the ledger always has one row per claim.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers import facts
from helpers.results import VERDICTS, read_notebook_results, results_dir

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

NOT_TESTED = "not yet tested"
#: Verdicts in the order a reader should see them, strongest support first.
VERDICT_ORDER: tuple[str, ...] = (*VERDICTS, NOT_TESTED)


def recorded_claims(folder: Path | None = None, exclude: tuple[str, ...] = ("07_claims_ledger",)) -> pd.DataFrame:
    """Claims recorded by notebooks, one row per claim id (index), from ``folder``'s result files.

    Raises
    ------
    ValueError
        If two notebooks recorded the same claim (the ledger would have to pick one silently).
    """
    rows: dict[str, dict[str, str]] = {}
    for path in sorted((folder or results_dir()).glob("*.json")):
        if path.stem in exclude:
            continue
        for claim_id, entry in read_notebook_results(path).get("claims", {}).items():
            if claim_id in rows and rows[claim_id]["notebook"] != entry.get("notebook", path.stem):
                raise ValueError(f"claim {claim_id} recorded by both {rows[claim_id]['notebook']} and {path.stem}")
            rows[claim_id] = {"notebook": entry.get("notebook", path.stem), "verdict": entry["verdict"],
                              "evidence": entry["evidence"], "test": entry.get("test", "")}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["notebook", "verdict", "evidence", "test"])


def ledger(folder: Path | None = None) -> pd.DataFrame:
    """One row per claim of ``data/claims.csv`` with its verdict, evidence, test and a check command.

    Returns
    -------
    DataFrame
        Index ``claim_id``; columns ``claim``, ``verdict``, ``evidence``, ``test``, ``notebook``
        and ``check`` (the command that re-runs the notebook and its test).
    """
    claims = facts.curated("claims", date_columns=()).set_index("claim_id")
    found = recorded_claims(folder)
    table = claims[["claim", "notebook"]].rename(columns={"notebook": "planned_notebook"}).join(found)
    table["verdict"] = table["verdict"].fillna(NOT_TESTED)
    table["evidence"] = table["evidence"].fillna("")
    table["test"] = table["test"].fillna("")
    nb = table["notebook"].fillna(table["planned_notebook"])
    table["notebook"] = nb
    table["check"] = [_check_command(n) for n in nb]
    return table[["claim", "verdict", "evidence", "test", "notebook", "check"]]


def verdict_counts(table: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in :data:`VERDICT_ORDER` (zeros kept)."""
    return table["verdict"].value_counts().reindex(list(VERDICT_ORDER), fill_value=0).rename("claims")


def _check_command(notebook: str) -> str:
    """The command that re-runs a notebook and the test that pins its results."""
    number = str(notebook)[:2]
    return f"qtlab run {number} && pytest tests/test_notebook_{number}.py"


def styled(table: pd.DataFrame) -> Styler:
    """The ledger left-aligned and wrapped for reading, with a fixed id so the HTML is reproducible."""
    return (
        table.style.set_uuid("ledger")
        .set_properties(**{"text-align": "left", "vertical-align": "top"})
        .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    )
