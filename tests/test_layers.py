"""Arrows run one way: each layer of ``helpers`` imports only from the layers below it.

The layers, lowest first: ``errors``/``paths``/``aliases`` (settings), ``sources`` (HTTP and the mirror) beside
``methods`` (notebook-agnostic statistics on arrays and series; they know nothing of the data layer), ``data``
(catalog, cache, loaders, derived series such as net liquidity, which use the methods' as-of rule), ``studies`` (one module per
notebook), ``claims`` (verdict rules, the recorder, the ledger), ``figures``, ``report`` (runner and
site), ``cli``. An import that climbs (the data layer calling the recorder, a method reading a claim
spec) fails here, naming the module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import helpers

SRC = Path(helpers.__file__).parent
LAYERS: dict[str, int] = {"errors": 0, "paths": 0, "aliases": 0, "sources": 1, "methods": 1, "data": 2, "studies": 4, "claims": 5,
                          "figures": 6, "report": 7, "cli": 8}
#: Modules below their package's layer: the catalog's specs and the validation rules are plain definitions that the
#: sources use when they parse an answer (the spec is resolved once, in the data layer, and handed down).
MODULE_LAYERS: dict[str, int] = {"helpers.data.catalog": 0, "helpers.data.validation": 0}


def _layer_of(dotted: str) -> int | None:
    """Layer of ``helpers.<top>...`` (``None`` for a module outside the declared layers)."""
    if dotted in MODULE_LAYERS:
        return MODULE_LAYERS[dotted]
    parts = dotted.split(".")
    if parts[0] != "helpers" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    type_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and isinstance(block.test, ast.Name)
                 and block.test.id == "TYPE_CHECKING" for stmt in block.body for n in ast.walk(stmt)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:  # annotations only: no runtime arrow
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # ``from helpers.data import catalog`` imports the submodule
                sub = f"{node.module}.{alias.name}"
                is_module = (SRC.parent / sub.replace(".", "/")).with_suffix(".py").exists() or \
                    (SRC.parent / sub.replace(".", "/")).is_dir()
                names.add(sub if is_module else node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return {n for n in names if n.startswith("helpers.")}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if _layer_of(_dotted(p)) is not None)


def _dotted(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_imports_point_down(path: Path) -> None:
    own = _layer_of(_dotted(path))
    assert own is not None
    upward = sorted(n for n in _imports(path) if (_layer_of(n) or -1) > own)
    assert not upward, f"{_dotted(path)} (layer {own}) imports from a layer above it: {upward}"


def test_every_module_has_a_layer() -> None:
    """No module lives outside the declared layers (the package's shape is the list above)."""
    outside = sorted(_dotted(p) for p in SRC.rglob("*.py") if _layer_of(_dotted(p)) is None
                     and p.name != "__init__.py" and p.parent == SRC)
    assert outside == [], f"modules outside the layers: {outside}"


def test_layering_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from helpers.claims import results\nimport helpers.report.runner\n")
    assert _imports(bad) == {"helpers.claims.results", "helpers.report.runner"}
    assert max(_layer_of(n) or -1 for n in _imports(bad)) > LAYERS["data"]
