"""Where the project keeps things: the cache, curated facts and reports.

``$QTLAB_HOME`` overrides the project root (tests use a temporary one); otherwise the root
is the checkout that holds this package (``src/helpers`` -> two levels up).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "QTLAB_HOME"


def project_root() -> Path:
    """The project root: ``$QTLAB_HOME`` when set, else the checkout containing ``src/helpers``."""
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser().resolve() if env else Path(__file__).resolve().parents[2]


def raw_dir() -> Path:
    """The fetched-data cache, ``data/raw/`` (git-ignored)."""
    return project_root() / "data" / "raw"


def curated_dir() -> Path:
    """Curated fact tables committed with the project (``data/``); never overridden by QTLAB_HOME."""
    return Path(__file__).resolve().parents[2] / "data"


def reports_dir() -> Path:
    """Rendered reports, ``reports/``."""
    return project_root() / "reports"
