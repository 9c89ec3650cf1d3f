"""The claims ledger: every claim of the article, the test used, the evidence, the verdict and its rule.

It gathers what the notebooks recorded with :func:`helpers.claims.results.claim` (in the per-notebook
result files) and sets it beside the claim texts of ``data/claims.csv`` (C01-C30) and their
declared specifications (``data/claim_specs.csv``). A claim no notebook has recorded yet is
listed as ``not yet tested``, never dropped, so the ledger always has one row per claim. It also
states the verdict vocabulary once, read from :mod:`helpers.claims.vocabulary`, and lists the
article's dated forecasts with their windows and outcomes so far.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.claims import specs, vocabulary
from helpers.claims.results import read_notebook_results, results_dir
from helpers.data import facts

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

NOT_TESTED = "not yet tested"
#: Verdicts in the order a reader should see them, strongest support first.
VERDICT_ORDER: tuple[str, ...] = (*vocabulary.VERDICTS, NOT_TESTED)
#: The article's dated forecasts (CLAIMS.md), listed together with their windows and outcomes.
FORECASTS: tuple[str, ...] = ("C23", "C26", "C27", "C29")
#: Window of each forecast where its declared specification does not state one yet.
FORECAST_WINDOWS: dict[str, str] = {
    "C23": "after QT ended on 2025-12-01; the article names no end",
    "C26": "Q1 2026 (2026-01-01..2026-03-31)",
    "C27": "after QT ended on 2025-12-01; the article names no end",
    "C29": "weeks to months after 2025-12-01",
}


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
                              "evidence": entry["evidence"], "test": entry.get("test", ""),
                              "rule": entry.get("rule", "")}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["notebook", "verdict", "evidence", "test", "rule"])


def ledger(folder: Path | None = None) -> pd.DataFrame:
    """One row per claim of ``data/claims.csv`` with its verdict, evidence, test and a check command.

    Returns
    -------
    DataFrame
        Index ``claim_id``; columns ``claim``, ``verdict``, ``rule`` (the rule function that
        produced the verdict, empty where the notebook recorded none), ``specifications`` (the
        share of the declared alternative specifications that agree, from notebook 09), ``evidence``, ``test``,
        ``notebook`` and ``check`` (the command that re-runs the notebook and its test).
    """
    claims = facts.curated("claims", date_columns=()).set_index("claim_id")
    found = recorded_claims(folder)
    table = claims[["claim", "notebook"]].rename(columns={"notebook": "planned_notebook"}).join(found)
    table["verdict"] = table["verdict"].fillna(NOT_TESTED)
    table["evidence"] = table["evidence"].fillna("")
    table["test"] = table["test"].fillna("")
    table["rule"] = table["rule"].fillna("")
    nb = table["notebook"].fillna(table["planned_notebook"])
    table["notebook"] = nb
    table["check"] = [_check_command(n) for n in nb]
    table["specifications"] = spec_agreement(folder).reindex(table.index).fillna("")
    return table[["claim", "verdict", "rule", "specifications", "evidence", "test", "notebook", "check"]]


#: The notebook that computes the specification curves and the keys it records per claim.
SPEC_NOTEBOOK = "09_specification_curves"


def spec_agreement(folder: Path | None = None) -> pd.Series:
    """Per claim, the share of its declared specifications that agree with the primary one.

    Read from the figures ``spec_share_agree_<claim>`` and ``spec_count_<claim>`` that the
    specification-curve notebook records; a claim without a curve is absent from the result.

    Returns
    -------
    Series
        Index claim id (``"C04"``), values such as ``"19% of 48 agree"``.
    """
    path = (folder or results_dir()) / f"{SPEC_NOTEBOOK}.json"
    figures = read_notebook_results(path).get("figures", {}) if path.is_file() else {}
    out: dict[str, str] = {}
    for key, entry in figures.items():
        if not key.startswith("spec_share_agree_") or entry.get("value") is None:
            continue
        claim = key.removeprefix("spec_share_agree_").upper()
        count = figures.get(f"spec_count_{claim.lower()}", {}).get("value")
        out[claim] = f"{entry['value']:.0%} of {count} agree" if count is not None else f"{entry['value']:.0%} agree"
    return pd.Series(out, dtype=object, name="specifications").sort_index()


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


def vocabulary_table() -> pd.DataFrame:
    """What each verdict requires, read from the docstring of :mod:`helpers.claims.vocabulary`.

    The vocabulary is written once, in that module; the ledger and the glossary show it from
    there, so the words and their meaning cannot drift apart.

    Returns
    -------
    DataFrame
        Index ``verdict`` in :data:`vocabulary.VERDICTS` order; column ``requires``.

    Raises
    ------
    ValueError
        If the docstring does not define every verdict.
    """
    doc = vocabulary.__doc__ or ""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith("``") and stripped.endswith("``") and stripped.strip("`") in vocabulary.VERDICTS:
            current = stripped.strip("`")
            found[current] = []
        elif current is not None and line.startswith("    ") and stripped:
            found[current].append(stripped)
        elif current is not None and not stripped and found[current]:
            current = None
    missing = [v for v in vocabulary.VERDICTS if not found.get(v)]
    if missing:
        raise ValueError(f"helpers.claims.vocabulary's docstring does not define {missing}")
    return pd.DataFrame({"requires": [" ".join(found[v]) for v in vocabulary.VERDICTS]},
                        index=pd.Index(list(vocabulary.VERDICTS), name="verdict"))


def _first_sentence(text: str) -> str:
    head = text.split(". ")[0].strip()
    return head if head.endswith(".") else head + "."


def forecasts(table: pd.DataFrame, folder: Path | None = None) -> pd.DataFrame:
    """The dated forecasts (:data:`FORECASTS`) with their window, verdict and outcome so far.

    Parameters
    ----------
    table : DataFrame
        :func:`ledger` (verdicts and evidence as recorded by the owning notebooks).
    folder : Path, optional
        Folder of the per-notebook result files; the BTC path after QT (notebook 06's
        ``btc_*_after_qt_end_usd`` keys) is added where recorded.

    Returns
    -------
    DataFrame
        Index ``claim_id``; ``claim``, ``window`` (the declared specification's, else
        :data:`FORECAST_WINDOWS`), ``verdict``, ``rule``, ``outcome so far`` (the first sentence of the
        recorded evidence) and ``notebook``.
    """
    declared = specs.all_specs()
    btc = _btc_after_qt(folder)
    rows = {}
    for cid in FORECASTS:
        s = declared.get(cid)
        window = s.window if s is not None and s.rule and s.window else FORECAST_WINDOWS[cid]
        evidence = str(table.loc[cid, "evidence"])
        outcome = _first_sentence(evidence) if evidence else "no outcome recorded yet"
        if btc and cid in ("C23", "C27", "C29"):
            outcome += " " + btc
        rows[cid] = {"claim": table.loc[cid, "claim"], "window": window, "verdict": table.loc[cid, "verdict"],
                     "rule": table.loc[cid, "rule"], "outcome so far": outcome, "notebook": table.loc[cid, "notebook"]}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("claim_id")


def _btc_after_qt(folder: Path | None) -> str:
    """BTC's path after QT as notebook 06 recorded it, in one sentence ('' when not recorded)."""
    path = (folder or results_dir()) / "06_risk_scenarios.json"
    if not path.is_file():
        return ""
    figures = read_notebook_results(path).get("figures", {})
    keys = ("btc_close_at_qt_end_usd", "btc_max_close_after_qt_end_usd", "btc_min_close_after_qt_end_usd",
            "btc_last_close_usd", "btc_last_date")
    if not all(k in figures and figures[k].get("value") is not None for k in keys):
        return ""
    v = {k: figures[k]["value"] for k in keys}
    return (f"BTC closed at {v['btc_close_at_qt_end_usd']:,.0f} USD on 2025-12-01, ranged "
            f"{v['btc_min_close_after_qt_end_usd']:,.0f} to {v['btc_max_close_after_qt_end_usd']:,.0f} since, and "
            f"closed at {v['btc_last_close_usd']:,.0f} on {v['btc_last_date']}.")
