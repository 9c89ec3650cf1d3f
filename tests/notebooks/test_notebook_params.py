"""Every assignment of every notebook's parameters cell is a parameter papermill sees (and so can be passed).

A comment containing ``=`` once hid four of notebook 02's parameters from ``papermill --help-notebook``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _assigned(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged 'parameters', found {len(cells)}"
    names = []
    for node in ast.parse(cells[0].source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_sees_every_parameter(path: Path) -> None:
    assigned = _assigned(path)
    seen = list(pm.inspect_notebook(str(path)))
    assert assigned, f"{path.name}: the parameters cell assigns nothing"
    missing = [n for n in assigned if n not in seen]
    assert not missing, f"{path.name}: papermill does not see {missing} (a comment with '=' on the line?)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernelspec_is_the_projects(path: Path) -> None:
    spec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    assert spec.get("name") == "qtlab", f"{path.name}: metadata.kernelspec.name is {spec.get('name')!r}"
