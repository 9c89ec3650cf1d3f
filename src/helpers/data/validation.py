"""One data contract for every source: checked before anything is cached, naming the file or series and row.

Two entry points share the rules:

- :func:`parse_csv_frame` reads a dated CSV (a mirror file or a cached copy) into a typed frame: a
  first column of ISO dates (``date`` or FRED's ``observation_date``), parseable, ascending and
  unique; numeric, finite value columns ("." and empty mean missing); complete rows.
- :func:`check_frame` (and :func:`validate_fetched`) checks a typed frame against the catalog, for
  live answers exactly as for mirror files: ascending unique dates (a duplicate is an error, never
  silently collapsed), numeric and finite values, non-negative where the catalog says so, not all
  missing, no date after today, the row count and last date the source announced (when it did),
  otherwise no last row cut shorter than its neighbours, and a plausible tail (no x100 level jump
  between consecutive observations).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.errors import DataValidationError

if TYPE_CHECKING:
    from helpers.data.catalog import SeriesSpec
    from helpers.sources.base import Fetched

DATE_HEADERS = ("date", "observation_date", "DATE")
#: Columns that may never be negative (prices, caps, volumes, supplies), whatever the series.
NON_NEGATIVE = ("price_usd", "market_cap_usd", "volume_usd", "supply")
#: Observations at the end of a series checked for implausible level jumps.
TAIL_ROWS = 90
#: Rows before the last one that a possibly truncated last row is compared with.
NEIGHBOURS = 10
#: A last value under 1/CUT_RATIO of the one before, with fewer digits than its neighbours, looks cut short.
CUT_RATIO = 9.5
#: Value columns of a crypto asset whose level is checked for jumps (volumes may spike).
_CRYPTO_LEVELS = ("price_usd", "market_cap_usd", "supply")


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
    stamps = dates.to_numpy()
    dup = np.zeros(len(dates), dtype=bool)
    dup[1:] = stamps[1:] == stamps[:-1]
    _first_bad(where, raw, dup, "dates must be ascending and unique (duplicate date)")
    order_bad = np.zeros(len(dates), dtype=bool)
    order_bad[1:] = stamps[1:] < stamps[:-1]
    _first_bad(where, raw, order_bad, "dates must be ascending and unique")
    values = {}
    for col in columns:
        text = raw[col].astype(str).str.strip().replace({".": "", "nan": "", "NaN": ""})
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        _first_bad(where, raw, (numbers.isna() & (text != "")).to_numpy(), f"column {col!r} is not numeric")
        _first_bad(where, raw, np.isinf(numbers.to_numpy(dtype=float)), f"column {col!r} is not finite")
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


def level_columns(spec: SeriesSpec) -> tuple[str, ...]:
    """Columns of ``spec`` whose level is checked for implausible jumps (volumes may spike, so not those)."""
    columns = spec.value_columns
    if set(_CRYPTO_LEVELS) <= set(columns):
        return _CRYPTO_LEVELS
    return columns[:1]


def check_frame(
    frame: pd.DataFrame,
    spec: SeriesSpec,
    where: str,
    *,
    today: pd.Timestamp | None = None,
    expected_rows: int | None = None,
    expected_last: str | None = None,
    tail_start: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Check a typed frame of ``spec`` (a :class:`helpers.data.catalog.SeriesSpec`) and return it as floats.

    Parameters
    ----------
    frame : DataFrame
        Indexed by date, with the columns ``spec.value_columns``.
    spec : SeriesSpec
        The catalog entry: value columns, ``non_negative``, ``max_jump``.
    where : str
        What to name in errors (``series 'WALCL' from fred``).
    today : Timestamp, optional
        Dates after it are refused (default: today, UTC).
    expected_rows, expected_last : optional
        Row count and last date (``YYYY-MM-DD``) the source said it would send; when neither is
        given, a last row whose numbers are cut shorter than its neighbours' is refused instead
        (for level series, those with a ``max_jump``).
    tail_start : Timestamp, optional
        Check level jumps from the observation before this date as well as in the last
        :data:`TAIL_ROWS` (a refresh passes its first new date, so the seam is checked).

    Raises
    ------
    DataValidationError
        One line naming ``where``, the rule broken and the first offending date.
    """
    columns = spec.value_columns
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataValidationError(f"{where}: index must hold dates, got {type(index).__name__}")
    if index.tz is not None:
        raise DataValidationError(f"{where}: dates must be tz-naive (UTC days), got tz {index.tz}")
    if index.hasnans:
        raise DataValidationError(f"{where}: a date is missing (NaT) at row {int(np.argmax(index.isna())) + 1}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{where}: missing column(s) {missing}; columns are {list(frame.columns)}")
    if len(frame) == 0:
        raise DataValidationError(f"{where}: no rows")
    dup = index.duplicated()
    if dup.any():
        raise DataValidationError(f"{where}: duplicate date {index[dup][0]:%Y-%m-%d}; dates must be ascending and unique")
    if not index.is_monotonic_increasing:
        i = int(np.argmax(index[1:] < index[:-1])) + 1
        raise DataValidationError(
            f"{where}: dates must be ascending and unique; {index[i]:%Y-%m-%d} follows {index[i - 1]:%Y-%m-%d}")
    values: dict[str, np.ndarray] = {}
    for col in columns:
        try:
            numbers = pd.to_numeric(frame[col], errors="raise").astype(float).to_numpy()
        except (ValueError, TypeError) as exc:
            raise DataValidationError(f"{where}: column {col!r} is not numeric ({exc})") from None
        _first_date(where, index, np.isinf(numbers), f"column {col!r} is not finite")
        if spec.non_negative or col in NON_NEGATIVE:
            _first_date(where, index, numbers < 0, f"column {col!r} is negative")
        values[col] = numbers
    if np.isnan(values[columns[0]]).all():
        raise DataValidationError(f"{where}: every value of {columns[0]!r} is missing")
    day = (today if today is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)).normalize()
    _first_date(where, index, np.asarray(index > day), f"date after today ({day:%Y-%m-%d})")
    out = pd.DataFrame(values, index=pd.DatetimeIndex(index, name="date"))
    last = f"{index[-1]:%Y-%m-%d}"
    if expected_rows is not None and expected_rows != len(frame):
        raise DataValidationError(
            f"{where}: the source announced {expected_rows} rows but sent {len(frame)} (answer truncated?)")
    if expected_last is not None and expected_last != last:
        raise DataValidationError(
            f"{where}: the source announced data to {expected_last} but the last row is {last} (answer truncated?)")
    max_jump = spec.max_jump
    if expected_rows is None and expected_last is None and max_jump is not None:
        _check_last_row_length(out, level_columns(spec), where)  # levels only: signed rates carry no such shape
    if max_jump is not None:
        for col in level_columns(spec):
            _check_jumps(out[col], float(max_jump), where, col, tail_start)
    return out


def validate_fetched(fetched: Fetched, spec: SeriesSpec, *, today: pd.Timestamp | None = None) -> pd.DataFrame:
    """:func:`check_frame` on what a source returned, with the row count and last date it announced."""
    return check_frame(
        fetched.frame, spec, f"series {spec.id!r} from {fetched.source}", today=today,
        expected_rows=fetched.expected_rows, expected_last=fetched.expected_last,
    )


def _first_date(where: str, index: pd.DatetimeIndex, bad: np.ndarray, reason: str) -> None:
    """Raise for the first ``True`` in ``bad``, naming its date."""
    if bad.any():
        raise DataValidationError(f"{where}: {reason} on {index[int(np.argmax(bad))]:%Y-%m-%d}")


def _shape(value: float) -> tuple[int, int]:
    """(characters, integer digits) of ``value`` as the cache writes it (``%.10g``)."""
    text = f"{abs(value):.10g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return len(mantissa.replace(".", "")), max(int(exp) + 1, 0)
    whole = text.split(".")[0].lstrip("0")
    return len(text.replace(".", "")), len(whole)


def _check_last_row_length(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """Refuse a last row whose numbers look cut short (a CSV truncated inside a number).

    A cut inside the integer part divides the level by ten or more: the value has fewer characters
    and fewer integer digits than every one of the :data:`NEIGHBOURS` rows before it and is under
    1/:data:`CUT_RATIO` of the previous value (``8915050`` cut to ``891505``). A cut inside the
    decimals moves the value by less than its last digit and cannot be told from a round value
    (CoinGecko prices switch between 4 and 10 digits): sources that announce a row count or last
    date catch it through ``expected_rows`` / ``expected_last``. On the mirror's last 1,500 rows of
    every level series this rule refuses one genuine value (WDTGAL falling 13-fold on 2009-09-09).
    """
    if len(frame) <= NEIGHBOURS:
        return
    for col in columns:
        series = frame[col].dropna()
        if len(series) <= NEIGHBOURS or series.index[-1] != frame.index[-1]:
            continue
        before = [_shape(float(v)) for v in series.iloc[-NEIGHBOURS - 1:-1]]
        chars, digits = _shape(float(series.iloc[-1]))
        fewer = (chars < min(c for c, _ in before) and digits < min(d for _, d in before)
                 and abs(float(series.iloc[-1])) < abs(float(series.iloc[-2])) / CUT_RATIO)
        if fewer:
            raise DataValidationError(
                f"{where}: last row {series.index[-1]:%Y-%m-%d} looks cut short: {col} = {series.iloc[-1]:.10g} "
                f"after values like {series.iloc[-2]:.10g} (answer truncated?)")


def _check_jumps(values: pd.Series, max_jump: float, where: str, col: str, tail_start: pd.Timestamp | None) -> None:
    """Refuse a ratio of ``max_jump`` or more between consecutive non-zero observations in the tail."""
    series = values.dropna()
    first = max(len(series) - TAIL_ROWS - 1, 0)
    if tail_start is not None:
        first = min(first, max(int(series.index.searchsorted(tail_start)) - 1, 0))
    tail = series.iloc[first:].abs().to_numpy()
    if len(tail) < 2:
        return
    a, b = tail[:-1], tail[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((a > 0) & (b > 0), np.maximum(a, b) / np.minimum(a, b), 1.0)
    bad = ratio >= max_jump
    if bad.any():
        i = int(np.argmax(bad))
        dates = series.index[first:]
        raise DataValidationError(
            f"{where}: implausible jump in {col} on {dates[i + 1]:%Y-%m-%d}: {series.iloc[first + i]:.10g} -> "
            f"{series.iloc[first + i + 1]:.10g} (x{ratio[i]:.0f}, limit x{max_jump:.0f}; a units mix-up?)")
