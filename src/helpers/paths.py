"""Where the project keeps things: one settings object for the root, notebooks, data, reports and scratch.

The project root is ``$QTLAB_HOME`` when set; otherwise the checkout that holds this package
(``src/helpers`` -> two levels up, recognised by its ``pyproject.toml`` and ``notebooks/``); otherwise,
for a non-editable install, the first of the working directory and its parents that has a
``notebooks/`` folder. Every other module asks :func:`settings` (or the small functions below), so a
location is decided in one place.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "QTLAB_HOME"
#: Set by ``qtlab run`` for the kernels it starts: where the notebook's recorder writes.
RESULTS_ENV = "QTLAB_RESULTS_DIR"
#: Optional override of the scratch folder that runs outside ``qtlab run`` record into.
SCRATCH_ENV = "QTLAB_SCRATCH"


def _checkout() -> Path | None:
    """The source checkout containing this package, or None for an installed (non-editable) copy."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def project_root() -> Path:
    """The project root: ``$QTLAB_HOME``, else the checkout, else the nearest folder with ``notebooks/``."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    checkout = _checkout()
    if checkout is not None:
        return checkout
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir():
            return folder
    return here


@dataclass(frozen=True)
class Settings:
    """The project's locations, derived from one root.

    Attributes
    ----------
    root : Path
        The project root (``$QTLAB_HOME`` or the checkout).
    """

    root: Path

    @property
    def notebooks(self) -> Path:
        """The numbered notebooks, ``<root>/notebooks/``; the checkout's when the root has none (a test home)."""
        own = self.root / "notebooks"
        checkout = _checkout()
        return checkout / "notebooks" if checkout is not None and not own.is_dir() else own

    @property
    def curated(self) -> Path:
        """Curated fact tables (``data/*.csv``).

        In a checkout they are read from the checkout itself, whatever ``$QTLAB_HOME`` says (tests use
        an empty temporary home); an installed copy reads them from the project root.
        """
        checkout = _checkout()
        return (checkout if checkout is not None else self.root) / "data"

    @property
    def raw(self) -> Path:
        """The fetched-data cache, ``data/raw/`` (git-ignored)."""
        return self.root / "data" / "raw"

    @property
    def reports(self) -> Path:
        """The published reader edition, ``reports/``."""
        return self.root / "reports"

    @property
    def published_results(self) -> Path:
        """Per-notebook result files of the published edition, ``reports/results/``."""
        return self.reports / "results"

    @property
    def executed(self) -> Path:
        """Executed notebooks, the execution cache and staging folders, ``reports/.executed/`` (git-ignored)."""
        return self.reports / ".executed"

    @property
    def runs(self) -> Path:
        """Runs with non-default parameters, ``reports/runs/<notebook>/<slug>/``."""
        return self.reports / "runs"

    @property
    def scratch(self) -> Path:
        """Where notebooks run outside ``qtlab run`` record: ``$QTLAB_SCRATCH``, else a user cache folder.

        The folder is outside ``reports/`` and named after the project root, so two checkouts never mix.
        """
        env = os.environ.get(SCRATCH_ENV)
        if env:
            return Path(env).expanduser().resolve()
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        tag = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return cache / "qtlab" / f"{self.root.name}-{tag}"


def settings() -> Settings:
    """The current settings (read from the environment on every call, so tests may change it)."""
    return Settings(project_root())


def raw_dir() -> Path:
    """The fetched-data cache, ``data/raw/`` (git-ignored)."""
    return settings().raw


def curated_dir() -> Path:
    """Curated fact tables committed with the project (``data/``); see :attr:`Settings.curated`."""
    return settings().curated


def reports_dir() -> Path:
    """Rendered reports, ``reports/``."""
    return settings().reports


def notebooks_dir() -> Path:
    """The numbered notebooks, ``notebooks/``."""
    return settings().notebooks
