"""The cache: atomic writes, manifest, validation on read, incremental refresh."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import catalog
from helpers.data.store import REFRESH_OVERLAP_DAYS, Store, atomic_write
from helpers.errors import DataValidationError, MissingDataError
from helpers.sources.base import Fetched


def _frame(dates: list[str], values: list[float], col: str = "WALCL") -> pd.DataFrame:
    return pd.DataFrame({col: values}, index=pd.DatetimeIndex(pd.to_datetime(dates), name="date"))


class FakeSource:
    """Serves a fixed frame and remembers the ``start`` of each fetch."""

    name = "fake"

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.starts: list[pd.Timestamp | None] = []

    def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        self.starts.append(start)
        f = self.frame if start is None else self.frame.loc[self.frame.index >= start]
        return Fetched(f, self.name, "2026-01-01T00:00:00Z")


def test_write_then_read_round_trips_and_records_manifest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    entry = store.write("WALCL", Fetched(_frame(["2024-01-03", "2024-01-10"], [1.5, np.nan]), "fred", "2026-01-01T00:00:00Z"))
    back = store.read("WALCL")
    assert back.index.equals(pd.DatetimeIndex(["2024-01-03", "2024-01-10"], name="date"))
    assert back["WALCL"].iloc[0] == 1.5 and np.isnan(back["WALCL"].iloc[1])
    assert (entry.first_date, entry.last_date, entry.rows, entry.source) == ("2024-01-03", "2024-01-10", 2, "fred")
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["WALCL"]["sha256"] == entry.sha256 and len(entry.sha256) == 64


def test_crash_between_write_and_rename_keeps_previous_file(tmp_path: Path) -> None:
    """A failure inside the atomic block must leave the old bytes and no temporary file."""
    target = tmp_path / "x.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("new, half-written")
        raise RuntimeError("crash before rename")
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_crash_in_rename_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame(["2024-01-03"], [1.0]), "fred", "t0"))
    before = store.path("WALCL").read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full at rename")

    monkeypatch.setattr("helpers.data.store.os.replace", boom)
    with pytest.raises(OSError):
        store.write("WALCL", Fetched(_frame(["2024-01-03", "2024-01-10"], [1.0, 2.0]), "fred", "t1"))
    assert store.path("WALCL").read_bytes() == before
    assert store.manifest()["WALCL"].rows == 1
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("date,WALCL\n2024-01-03,1\n2024-13-10,2\n", 3, "not YYYY-MM-DD"),
        ("date,WALCL\n2024-01-10,1\n2024-01-03,2\n", 3, "ascending"),
        ("date,WALCL\n2024-01-03,1\n2024-01-03,2\n", 3, "ascending and unique"),
        ("date,WALCL\n2024-01-03,1\n2024-01-10,abc\n", 3, "not numeric"),
    ],
    ids=["bad-date", "descending", "duplicate", "non-numeric"],
)
def test_corrupt_file_is_reported_by_name_and_row(tmp_path: Path, body: str, line: int, reason: str) -> None:
    store = Store(tmp_path)
    store.path("WALCL").write_text(body)
    with pytest.raises(DataValidationError) as err:
        store.read("WALCL")
    assert str(store.path("WALCL")) in str(err.value)
    assert f"line {line}" in str(err.value) and reason in str(err.value)


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("btc", Fetched(pd.DataFrame({c: [1.0, 2.0] for c in catalog.CRYPTO_COLUMNS},
                                            index=pd.DatetimeIndex(["2024-01-01", "2024-01-02"], name="date")), "mirror", "t"))
    text = store.path("btc").read_text()
    store.path("btc").write_text(text[: len(text) // 2 + 3])  # cut mid-row
    with pytest.raises(DataValidationError, match=r"btc\.csv, line \d"):
        store.read("btc")


def test_negative_price_is_rejected(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.path("btc").write_text("date,price_usd,market_cap_usd,volume_usd,supply\n2024-01-01,5,,,\n2024-01-02,-1,,,\n")
    with pytest.raises(DataValidationError, match="line 3: column 'price_usd' is negative"):
        store.read("btc")


def test_missing_series_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="qtlab fetch --series WALCL"):
        Store(tmp_path).read("WALCL")


def test_refresh_fetches_only_after_last_date_with_overlap_and_takes_revisions(tmp_path: Path) -> None:
    dates = pd.date_range("2024-01-03", periods=10, freq="7D")
    store = Store(tmp_path)
    first = FakeSource(_frame([d.strftime("%Y-%m-%d") for d in dates[:6]], [float(i) for i in range(6)]))
    store.update("WALCL", first)
    assert first.starts == [None]
    revised = _frame([d.strftime("%Y-%m-%d") for d in dates], [float(i) for i in range(10)])
    revised.iloc[5, 0] = 99.0  # a revision inside the overlap window
    second = FakeSource(revised)
    store.update("WALCL", second, refresh=True)
    assert second.starts == [dates[5] - pd.Timedelta(days=REFRESH_OVERLAP_DAYS)]
    back = store.read("WALCL")["WALCL"]
    assert len(back) == 10 and back.iloc[5] == 99.0 and back.iloc[0] == 0.0


def test_update_without_refresh_does_not_refetch(tmp_path: Path) -> None:
    store = Store(tmp_path)
    src = FakeSource(_frame(["2024-01-03"], [1.0]))
    store.update("WALCL", src)
    store.update("WALCL", src)
    assert src.starts == [None]


def test_unchanged_content_keeps_manifest_entry(tmp_path: Path) -> None:
    """Re-fetching identical data must not move retrieved_at (reports stay byte-identical)."""
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame(["2024-01-03"], [1.0]), "fred", "2026-01-01T00:00:00Z"))
    entry = store.write("WALCL", Fetched(_frame(["2024-01-03"], [1.0]), "fred", "2026-02-02T00:00:00Z"))
    assert entry.retrieved_at == "2026-01-01T00:00:00Z"
