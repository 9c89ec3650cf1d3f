"""Every notebook is stored valid (nbformat 4.5 with cell ids) and stripped of outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)  # raises on a cell without an id in 4.5
    assert all("id" in cell for cell in nb.cells), f"{path.name}: a cell has no id"
    ids = [cell["id"] for cell in nb.cells]
    assert len(ids) == len(set(ids)), f"{path.name}: cell ids repeat"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.outputs or c.execution_count for c in code), f"{path.name} is stored with outputs"
