"""Read a dated CSV and check the data contract, naming the file and the first bad row.

The contract: a first column of ISO dates (``date`` or FRED's ``observation_date``), parseable,
ascending and unique; numeric value columns ("." and empty mean missing); no negative prices.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import DataValidationError

DATE_HEADERS = ("date", "observation_date", "DATE")
#: Columns that may never be negative (prices, caps, volumes, supplies).
NON_NEGATIVE = ("price_usd", "market_cap_usd", "volume_usd", "supply")


def parse_csv_frame(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Parse ``path`` into a validated frame indexed by ``date`` with float ``columns``.

    Parameters
    ----------
    path : Path
        CSV file whose first column holds the dates.
    columns : sequence of str
        Value columns that must be present.

    Returns
    -------
    DataFrame
        Index ``date`` (tz-naive, ascending, unique), float columns in ``columns`` order.

    Raises
    ------
    DataValidationError
        Naming ``path`` and the first offending row (1-based line number in the file).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"{path}: not UTF-8 text ({exc})") from exc
    _check_complete_rows(text, str(path))
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataValidationError(f"{path}: cannot be parsed as CSV ({exc})") from exc
    return validate_frame(raw, columns, str(path))


def _check_complete_rows(text: str, where: str) -> None:
    """A truncated file ends mid-row: no final newline, or a row with fewer fields than the header."""
    lines = text.splitlines()
    if not lines:
        raise DataValidationError(f"{where}: empty file")
    if not text.endswith("\n"):
        raise DataValidationError(f"{where}, line {len(lines)}: last row is incomplete (file truncated?): {lines[-1]!r}")
    fields = lines[0].count(",")
    for i, line in enumerate(lines[1:], start=2):
        if line.count(",") != fields:
            raise DataValidationError(f"{where}, line {i}: {line.count(',') + 1} fields, header has {fields + 1}: {line!r}")


def validate_frame(raw: pd.DataFrame, columns: Sequence[str], where: str) -> pd.DataFrame:
    """Check a frame of strings (first column dates) and return it typed; see :func:`parse_csv_frame`."""
    if raw.shape[1] == 0 or raw.columns[0] not in DATE_HEADERS:
        raise DataValidationError(f"{where}: first column must be one of {DATE_HEADERS}, got {list(raw.columns)[:1]}")
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataValidationError(f"{where}: missing column(s) {missing}; header is {list(raw.columns)}")
    dates = pd.to_datetime(raw.iloc[:, 0], format="%Y-%m-%d", errors="coerce")
    _first_bad(where, raw, dates.isna().to_numpy(), "date is not YYYY-MM-DD")
    order_bad = np.zeros(len(dates), dtype=bool)
    order_bad[1:] = (dates.to_numpy()[1:] <= dates.to_numpy()[:-1])
    _first_bad(where, raw, order_bad, "dates must be ascending and unique")
    values = {}
    for col in columns:
        text = raw[col].astype(str).str.strip().replace({".": "", "nan": "", "NaN": ""})
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        _first_bad(where, raw, (numbers.isna() & (text != "")).to_numpy(), f"column {col!r} is not numeric")
        if col in NON_NEGATIVE:
            _first_bad(where, raw, (numbers < 0).to_numpy(), f"column {col!r} is negative")
        values[col] = numbers.astype(float).to_numpy()
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(dates, name="date"))
    return frame


def _first_bad(where: str, raw: pd.DataFrame, bad: np.ndarray, reason: str) -> None:
    """Raise for the first ``True`` in ``bad``; line numbers count the header as line 1."""
    if bad.any():
        i = int(np.argmax(bad))
        row = ",".join(str(v) for v in raw.iloc[i].tolist())
        raise DataValidationError(f"{where}, line {i + 2}: {reason}: {row!r}")
