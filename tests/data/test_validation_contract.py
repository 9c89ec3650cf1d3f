"""One data contract for every source: bad answers are refused before anything is cached, naming series and date."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import catalog
from helpers.data.store import Store
from helpers.data.validation import check_frame, parse_csv_frame
from helpers.errors import DataValidationError
from helpers.sources.base import Fetched
from helpers.sources.mirror import MirrorSource

TODAY = pd.Timestamp("2026-12-01")
WALCL = catalog.get("WALCL")
BTC = catalog.get("btc")


def _walcl(values: list[float], start: str = "2024-01-03") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(values), freq="7D")
    return pd.DataFrame({"WALCL": values}, index=pd.DatetimeIndex(dates, name="date"))


def _btc(prices: list[float], start: str = "2024-01-01") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(prices), freq="D")
    frame = pd.DataFrame({c: np.nan for c in catalog.CRYPTO_COLUMNS}, index=pd.DatetimeIndex(dates, name="date"))
    frame["price_usd"] = prices
    return frame


def _levels(n: int = 30, base: float = 7_000_000.0) -> list[float]:
    return [base + 1000.0 * i + 17.0 for i in range(n)]


def _bad(kind: str) -> tuple[str, pd.DataFrame, Fetched | None, str]:
    """(series id, frame, optional Fetched with announcements, expected message fragment) for one bad answer."""
    if kind == "duplicate-date":
        f = _walcl(_levels(12))
        f.index = pd.DatetimeIndex([*f.index[:6], f.index[5], *f.index[7:]], name="date")
        return "WALCL", f, None, "duplicate date 2024-02-07"
    if kind == "descending":
        return "WALCL", _walcl(_levels(12)).iloc[::-1], None, "ascending"
    if kind == "not-numeric":
        f = _walcl(_levels(12)).astype(object)
        f.iloc[4, 0] = "8,915,050"
        return "WALCL", f, None, "not numeric"
    if kind == "infinite":
        f = _walcl(_levels(12))
        f.iloc[3, 0] = np.inf
        return "WALCL", f, None, "not finite on 2024-01-24"
    if kind == "minus-infinite":
        f = _walcl(_levels(12))
        f.iloc[3, 0] = -np.inf
        return "WALCL", f, None, "not finite"
    if kind == "negative-level":
        f = _walcl(_levels(12))
        f.iloc[2, 0] = -5.0
        return "WALCL", f, None, "'WALCL' is negative on 2024-01-17"
    if kind == "negative-price":
        f = _btc([40000.0 + i for i in range(12)])
        f.iloc[7, 0] = -1.0
        return "btc", f, None, "'price_usd' is negative on 2024-01-08"
    if kind == "all-missing":
        return "WALCL", _walcl([np.nan] * 12), None, "every value of 'WALCL' is missing"
    if kind == "future-date":
        return "WALCL", _walcl(_levels(12), start="2026-10-07"), None, "date after today (2026-12-01) on 2026-12-02"
    if kind == "x1000-jump":
        values = _levels(30)
        values[-3] *= 1000
        return "WALCL", _walcl(values), None, "implausible jump in WALCL on 2024-07-10"
    if kind == "div1000-jump":
        prices = [60000.0 + 13.3 * i for i in range(40)]
        prices[-1] /= 1000
        return "btc", _btc(prices), None, "implausible jump in price_usd on 2024-02-09"
    if kind == "cut-inside-number":
        values = _levels(30)
        values[-1] = float(str(int(values[-1]))[:-1])  # 7029017 -> 702901
        return "WALCL", _walcl(values), None, "looks cut short"
    if kind == "fewer-rows-than-announced":
        f = _walcl(_levels(12))
        return "WALCL", f, Fetched(f, "fred", "t", expected_rows=13), "announced 13 rows but sent 12"
    if kind == "ends-before-announced":
        f = _walcl(_levels(12))
        return "WALCL", f, Fetched(f, "fred", "t", expected_last="2024-03-27"), "announced data to 2024-03-27"
    if kind == "tz-aware":
        f = _walcl(_levels(12))
        f.index = f.index.tz_localize("UTC")
        return "WALCL", f, None, "tz-naive"
    if kind == "missing-column":
        return "WALCL", _walcl(_levels(12)).rename(columns={"WALCL": "value"}), None, "missing column"
    if kind == "no-rows":
        return "WALCL", _walcl([]), None, "no rows"
    raise AssertionError(kind)


BAD_ANSWERS = ["duplicate-date", "descending", "not-numeric", "infinite", "minus-infinite", "negative-level",
               "negative-price", "all-missing", "future-date", "x1000-jump", "div1000-jump", "cut-inside-number",
               "fewer-rows-than-announced", "ends-before-announced", "tz-aware", "missing-column", "no-rows"]


@pytest.mark.parametrize("kind", BAD_ANSWERS)
def test_bad_live_answer_is_refused_and_nothing_is_written(tmp_path: Path, kind: str) -> None:
    sid, frame, fetched, fragment = _bad(kind)
    store = Store(tmp_path)
    with pytest.raises(DataValidationError) as err:
        store.write(sid, fetched or Fetched(frame, "fred", "t"), today=TODAY)
    assert fragment in str(err.value)
    assert f"'{sid}'" in str(err.value)
    assert "\n" not in str(err.value)
    assert not store.path(sid).exists() and store.manifest() == {}


@pytest.mark.parametrize("kind", ["duplicate-date", "infinite", "negative-level", "all-missing", "x1000-jump",
                                  "cut-inside-number"])
def test_bad_answer_is_refused_on_refresh_and_the_cache_is_unchanged(tmp_path: Path, kind: str) -> None:
    """The same rules hold for a refresh: the cached file stays byte-identical."""
    sid, frame, _, fragment = _bad(kind)
    store = Store(tmp_path)
    good = _btc([40000.0 + i for i in range(12)]) if sid == "btc" else _walcl(_levels(6), start="2023-11-01")
    store.write(sid, Fetched(good, "fake", "t0"), today=TODAY)
    before = store.path(sid).read_bytes()

    class Answer:
        name = "fake"

        def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
            return Fetched(frame, "fake", "t1")

    with pytest.raises(DataValidationError, match=fragment.split(" on ")[0]):
        store.update(sid, Answer(), refresh=True, today=TODAY)
    assert store.path(sid).read_bytes() == before


MIRROR_FAULTS = {
    "duplicate": (lambda lines: [*lines[:-1], lines[-2], lines[-1]], "ascending and unique"),
    "negative": (lambda lines: [*lines[:-1], lines[-1].split(",")[0] + ",-1"], "negative"),
    "infinite": (lambda lines: [*lines[:-1], lines[-1].split(",")[0] + ",inf"], "not finite"),
    "x1000": (lambda lines: [*lines[:-1], f"{lines[-1].split(',')[0]},{float(lines[-1].split(',')[1]) * 1000:.0f}"],
              "implausible jump"),
    "header-only": (lambda lines: lines[:1], "no rows"),
    "all-missing": (lambda lines: [lines[0], *[ln.split(",")[0] + ",." for ln in lines[1:]]], "missing"),
}


@pytest.mark.parametrize("fault", sorted(MIRROR_FAULTS))
def test_mirror_file_is_checked_like_a_live_answer(tmp_path: Path, mirror_dir: Path, fault: str) -> None:
    """A broken mirror file is refused by the same contract, naming the file or series."""
    mirror = tmp_path / "mirror"
    (mirror / "fred").mkdir(parents=True)
    shutil.copy(mirror_dir / "fred" / "PROVENANCE.md", mirror / "fred")
    lines = (mirror_dir / "fred" / "WALCL.csv").read_text().splitlines()
    change, fragment = MIRROR_FAULTS[fault]
    (mirror / "fred" / "WALCL.csv").write_text("\n".join(change(lines)) + "\n")
    store = Store(tmp_path / "raw")
    with pytest.raises(DataValidationError, match=fragment) as err:
        store.update("WALCL", MirrorSource(mirror))
    assert "WALCL" in str(err.value)
    assert not store.path("WALCL").exists()


def test_every_mirror_series_passes_the_contract(mirror_dir: Path) -> None:
    """No false refusals on real data: every catalog series of the mirror passes every rule."""
    for sid, spec in catalog.CATALOG.items():
        frame = parse_csv_frame(mirror_dir / spec.mirror_path, spec.value_columns)
        check_frame(frame, spec, sid)


@pytest.mark.parametrize(
    ("sid", "values"),
    [("btc_funding_binance", [-2.7e-5, 1e-4, -3e-6, 5e-5] * 5),  # signed rates: no sign or ratio rule
     ("DFEDTARU", [4.75] * 20 + [5.0]),  # a target rate moving to a round value is not a cut number
     ("RRPONTSYD", [0.03, 1.15, 0.2, 2.5] * 5),  # near-zero levels: ratios under the x100 limit
     ("DGS10", [-0.1, 0.2] * 10)],  # rates may be negative
    ids=["signed-funding", "round-rate", "near-zero-rrp", "negative-rate"],
)
def test_genuine_values_pass(sid: str, values: list[float]) -> None:
    spec = catalog.get(sid)
    dates = pd.date_range("2024-01-01", periods=len(values), freq="D")
    frame = pd.DataFrame({c: values for c in spec.value_columns}, index=pd.DatetimeIndex(dates, name="date"))
    out = check_frame(frame, spec, sid, today=TODAY)
    assert list(out[spec.value_columns[0]]) == values


def test_jump_at_the_seam_of_a_refresh_is_refused(tmp_path: Path) -> None:
    """New rows in USD billions appended to a cache in USD millions: the x1000 step at the seam is named."""
    store = Store(tmp_path)
    cached = _walcl(_levels(40), start="2023-01-04")
    store.write("WALCL", Fetched(cached, "fake", "t0"), today=TODAY)
    seam = pd.date_range(cached.index[-1] + pd.Timedelta(days=7), periods=3, freq="7D")
    billions = pd.DataFrame({"WALCL": [7039.0, 7040.0, 7041.0]}, index=pd.DatetimeIndex(seam, name="date"))

    class Answer:
        name = "fake"

        def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
            return Fetched(pd.concat([cached.loc[cached.index >= start], billions]), "fake", "t1")

    with pytest.raises(DataValidationError, match=f"implausible jump in WALCL on {seam[0]:%Y-%m-%d}"):
        store.update("WALCL", Answer(), refresh=True, today=TODAY)
    assert store.read("WALCL").index[-1] == cached.index[-1]
