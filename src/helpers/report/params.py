"""Checked notebook parameters: known names, the default's type, upper bounds, no secrets.

``qtlab run -p key=value`` passes through :func:`check`. Names come from
``papermill.inspect_notebook`` (what papermill itself will see); defaults are read exactly
from the parameters cell with :mod:`ast` (papermill's own reading keeps only the first line of
a default that spans several).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Largest count accepted for draws, paths, repetitions and permutations.
MAX_COUNT = 100_000
_COUNT_NAME = re.compile(r"(draws|reps|paths|perm|boot)")
_SECRET_NAME = re.compile(r"(key|token|secret|password)", re.IGNORECASE)
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)", re.IGNORECASE)


class ParameterError(ValueError):
    """A parameter ``qtlab run`` refuses; the message names the notebook and the parameter."""


def refuse_secret_name(name: str) -> None:
    """Refuse a parameter name that looks like a secret (key, token, secret, password anywhere)."""
    if _SECRET_NAME.search(name):
        raise ParameterError(f"parameter {name!r} looks like a secret; pass secrets by environment, never as parameters")


def refuse_secret_value(name: str, value: object) -> None:
    """Refuse a value equal to (or containing) the value of a secret-looking environment variable.

    The message names the parameter and the variable, never the value.
    """
    text = json.dumps(value) if not isinstance(value, str) else value
    for var, secret in os.environ.items():
        if not secret or not _SECRET_ENV.search(var):
            continue
        if text == secret or (len(secret) >= 8 and secret in text):
            raise ParameterError(f"parameter {name!r} holds the value of the environment variable {var}; "
                                 "secrets never go into parameters (they would land in the report)")


@lru_cache(maxsize=64)
def _defaults_cached(path: str, mtime_ns: int) -> tuple[tuple[str, Any], ...]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            out: list[tuple[str, Any]] = []
            for node in ast.parse(cell.source).body:
                target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
                    node.target if isinstance(node, ast.AnnAssign) else None)
                if isinstance(target, ast.Name) and node.value is not None:  # type: ignore[union-attr]
                    try:
                        out.append((target.id, ast.literal_eval(node.value)))  # type: ignore[union-attr]
                    except ValueError:
                        out.append((target.id, None))
            return tuple(out)
    return ()


def defaults(notebook: Path) -> dict[str, Any]:
    """The parameters cell's assignments as ``{name: default}`` (literal values; else None)."""
    return dict(_defaults_cached(str(notebook), notebook.stat().st_mtime_ns))


def declared(notebook: Path) -> list[str]:
    """Parameter names papermill sees in ``notebook`` (``papermill.inspect_notebook``)."""
    import papermill as pm

    return list(pm.inspect_notebook(str(notebook)))


def check(notebook: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """Check ``parameters`` against the notebook's parameters cell; return them unchanged.

    Raises
    ------
    ParameterError
        For an unknown name (listing the valid ones), a value whose type differs from the default's
        (an int is accepted for a float; a None default accepts a string), a count beyond
        :data:`MAX_COUNT` or below 0, or a secret.
    """
    if not parameters:
        return {}
    known = declared(notebook)
    values = defaults(notebook)
    for name, value in parameters.items():
        refuse_secret_name(name)
        refuse_secret_value(name, value)
        if name not in known:
            raise ParameterError(f"{notebook.stem}: unknown parameter {name!r}; valid: {', '.join(sorted(known))}")
        default = values.get(name)
        if not _same_type(default, value):
            raise ParameterError(f"{notebook.stem}: parameter {name!r} must be {_type_name(default)} like its "
                                 f"default {default!r}, got {_type_name(value)} {value!r}")
        if isinstance(value, int) and not isinstance(value, bool) and _COUNT_NAME.search(name):
            if not 0 <= value <= MAX_COUNT:
                raise ParameterError(f"{notebook.stem}: parameter {name!r}={value} must lie in 0..{MAX_COUNT}")
    return dict(parameters)


def _same_type(default: object, value: object) -> bool:
    if default is None:
        return value is None or isinstance(value, str)
    if isinstance(default, bool) or isinstance(value, bool):
        return type(default) is type(value)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list | tuple):
        return isinstance(value, list | tuple)
    return isinstance(value, type(default))


def _type_name(value: object) -> str:
    return "None or a string" if value is None else type(value).__name__


def slug(parameters: dict[str, Any]) -> str:
    """A stable, readable folder name for a parameter set, e.g. ``asset-eth_n_paths-300-1a2b3c4d``."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"))
    readable = "_".join(f"{k}-{v}" for k, v in sorted(parameters.items()))
    readable = re.sub(r"[^A-Za-z0-9._-]+", "", readable.replace(" ", ""))[:60].strip("._-")
    return f"{readable}-{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"
