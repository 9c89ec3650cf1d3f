"""Curated fact tables committed in ``data/`` and the mirror's reference tables to check them against.

Every curated table has a ``source`` column: each row says where the fact was read. The
mirror's ``events/`` tables (``fed_events``, ``crypto_events``, ``qt_caps``) are a reference
only; tests check that our curated facts agree with them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.errors import DataValidationError, MissingDataError
from helpers.sources.mirror import mirror_root


def curated(name: str, date_columns: tuple[str, ...] = ("date",)) -> pd.DataFrame:
    """Read ``data/<name>.csv``, parse ``date_columns`` and check every row has a source.

    Raises
    ------
    DataValidationError
        Naming the file and the first row with an unparseable date or an empty source.
    """
    path = paths.curated_dir() / f"{name}.csv"
    if not path.is_file():
        available = sorted(p.stem for p in paths.curated_dir().glob("*.csv"))
        raise MissingDataError(f"no curated table {path}; available: {available}")
    return _read_table(path, date_columns, require_source=True)


def reference(name: str, date_columns: tuple[str, ...] = ("date",), mirror: str | Path | None = None) -> pd.DataFrame:
    """Read the mirror's reference table ``events/<name>.csv``."""
    root = mirror_root(mirror)
    if root is None:
        raise MissingDataError("reference tables live in the mirror: set QTLAB_MIRROR or pass mirror=")
    path = root / "events" / f"{name}.csv"
    if not path.is_file():
        raise MissingDataError(f"the mirror has no reference table {path}")
    return _read_table(path, date_columns, require_source=True)


def _read_table(path: Path, date_columns: tuple[str, ...], require_source: bool) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in date_columns:
        if col not in table.columns:
            raise DataValidationError(f"{path}: missing date column {col!r}; header is {list(table.columns)}")
        parsed = pd.to_datetime(table[col], format="%Y-%m-%d", errors="coerce")
        if parsed.isna().any():
            i = int(parsed.isna().to_numpy().argmax())
            raise DataValidationError(f"{path}, line {i + 2}: {col} {table[col].iloc[i]!r} is not YYYY-MM-DD")
        table[col] = parsed
    if require_source:
        if "source" not in table.columns:
            raise DataValidationError(f"{path}: every curated table needs a 'source' column")
        empty = table["source"].str.strip() == ""
        if empty.any():
            i = int(empty.to_numpy().argmax())
            raise DataValidationError(f"{path}, line {i + 2}: empty source")
    return table
