"""The execution cache: rerun a notebook only when one of its inputs changed, and say which.

A notebook's inputs are its source, its parameters, the source of ``helpers`` (without the
runner and the site, which no notebook imports), the Python version, the installed versions of
the packages it and ``helpers`` import, and the sha256 (from the cache manifest) of every series
it read in its last run (``series_used`` in its result file; every series while that is unknown).
The claims ledger also depends on the other notebooks' published result files. Each input is
kept as a digest under a readable name, so a changed input is named in the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers.report.files import read_json, write_json

#: Import names whose distribution is named differently.
_DISTRIBUTIONS = {"yaml": "PyYAML", "sklearn": "scikit-learn", "PIL": "pillow", "dateutil": "python-dateutil",
                  "IPython": "ipython", "mpl_toolkits": "matplotlib", "jupyter_client": "jupyter-client"}
_HELPERS = Path(__file__).resolve().parents[1]
_NOT_IMPORTED_BY_NOTEBOOKS = ("report", "cli.py", "__pycache__")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _helper_files() -> list[Path]:
    return sorted(p for p in _HELPERS.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".json", ".mplstyle")
                  and p.relative_to(_HELPERS).parts[0] not in _NOT_IMPORTED_BY_NOTEBOOKS)


@lru_cache(maxsize=1)
def _helpers_state() -> tuple[str, frozenset[str]]:
    """(digest of the helpers source, top-level third-party modules it imports)."""
    h = hashlib.sha256()
    imported: set[str] = set()
    for path in _helper_files():
        data = path.read_bytes()
        h.update(str(path.relative_to(_HELPERS)).encode() + b"\0" + data + b"\0")
        if path.suffix == ".py":
            imported |= _imports(data.decode("utf-8", "replace"))
    return h.hexdigest(), frozenset(imported)


def helpers_digest() -> str:
    """sha256 over the source files of ``helpers`` that notebooks import."""
    return _helpers_state()[0]


_IMPORT = re.compile(r"^[ \t]*(?:import[ \t]+([\w., \t]+)|from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b)", re.MULTILINE)


def _imports(source: str) -> set[str]:
    """Top-level names of the modules ``source`` imports (third-party only).

    A line scan rather than a parse: it runs over every helpers module on each ``qtlab run``, and a
    name it picks up needlessly (an import in a docstring) only adds an input, never hides one.
    """
    names: set[str] = set()
    for plain, source_module in _IMPORT.findall(source):
        if source_module:
            names.add(source_module)
        for part in plain.split(","):
            words = part.split()
            if words:
                names.add(words[0].split(".")[0])
    return {n for n in names if n.isidentifier() and n not in sys.stdlib_module_names
            and n not in ("helpers", "__future__")}


def notebook_imports(notebook: Path) -> set[str]:
    """Third-party modules imported by the code cells of ``notebook``."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    source = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    return _imports(source)


@lru_cache(maxsize=256)
def package_version(module: str) -> str:
    """Installed version of the distribution that provides ``module`` (``"not installed"`` if none)."""
    try:
        return metadata.version(_DISTRIBUTIONS.get(module, module))
    except metadata.PackageNotFoundError:
        return "not installed"


def notebook_inputs(notebook: Path, parameters: dict[str, Any], series_used: list[str] | None,
                    series_sha: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Named digests of everything the notebook's outputs depend on.

    Parameters
    ----------
    notebook : Path
        The notebook's source file.
    parameters : dict
        The parameters it runs with (empty for the defaults).
    series_used : list of str or None
        Series it read last time; None when unknown (then every series counts).
    series_sha : dict
        sha256 of each cached series, from the manifest.
    extra : dict, optional
        Further named digests (the claims ledger: the other notebooks' result files).
    """
    parts = {
        "source": _sha(notebook.read_bytes()),
        "parameters": _sha(json.dumps(parameters, sort_keys=True).encode()),
        "helpers": helpers_digest(),
        "python": sys.version.split()[0],
    }
    for module in sorted(notebook_imports(notebook) | _helpers_state()[1]):
        parts[f"package {module}"] = package_version(module)
    if series_used is None:
        parts["every series"] = _sha(json.dumps(series_sha, sort_keys=True).encode())
    else:
        for sid in sorted(series_used):
            parts[f"series {sid}"] = series_sha.get(sid, "not cached")
    parts.update(extra or {})
    return parts


def reasons(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """Why a notebook with inputs ``new`` must rerun, given the inputs ``old`` of its last run."""
    if old is None:
        return ["never run"]
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    out: list[str] = []
    groups: dict[str, list[str]] = {}
    for k in changed:
        kind, _, name = k.partition(" ")
        if name:
            groups.setdefault(kind, []).append(name)
        else:
            out.append(f"{k} changed")
    for kind, names in groups.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        out.append(f"{kind} changed: {shown}" if kind != "every" else "data changed (series used not yet known)")
    return out


def digest_files(files: list[Path], root: Path) -> dict[str, str]:
    """Named digests of ``files`` (relative to ``root``); missing files get ``"missing"``."""
    return {str(p.relative_to(root)): (_sha(p.read_bytes()) if p.is_file() else "missing") for p in sorted(files)}


@dataclass
class ExecutionCache:
    """The cache file ``reports/.executed/cache.json``: inputs of each run that succeeded, and the site's."""

    path: Path
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    site: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ExecutionCache:
        """Read the cache (empty when missing or unreadable)."""
        body = read_json(path, {}) or {}
        return cls(path, dict(body.get("notebooks", {})), dict(body.get("site", {})))

    def save(self) -> None:
        """Write the cache atomically."""
        write_json(self.path, {"notebooks": dict(sorted(self.entries.items())), "site": self.site})
