"""No notebook types a verdict: every verdict comes from a rule function in ``helpers.claims``.

A code cell holding a verdict word as a string literal (``"supported"``, ``"not supported"``...)
is a verdict decided, or compared against, by hand in a notebook, where it would not move when
the data move. Rules live in ``helpers/claims/`` and return a ``Decision``; notebooks pass
``decision.verdict`` on, and compare with the constants of ``helpers.claims.vocabulary``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from helpers.claims.vocabulary import VERDICTS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WORDS = {v.lower() for v in VERDICTS}


def verdict_literals(source: str) -> list[str]:
    """Verdict words appearing as a whole string literal (or a whole literal part of an f-string) in ``source``."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip().lower() in WORDS]


def test_the_checker_finds_literals_and_ignores_prose() -> None:
    assert verdict_literals('v = "supported" if x else "not supported"') == ["supported", "not supported"]
    assert verdict_literals("d = f'{x}' + 'Inconclusive'") == ["Inconclusive"]
    assert verdict_literals('print("the data supported the claim")\n%matplotlib inline') == []
    assert verdict_literals("verdict = decision.verdict") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_code_cell_types_a_verdict(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    found = {i: hits for i, c in enumerate(nb.cells) if c.cell_type == "code" and (hits := verdict_literals(c.source))}
    assert not found, f"{path.name}: verdict words typed in code cells {found}; use a rule in helpers.claims"
