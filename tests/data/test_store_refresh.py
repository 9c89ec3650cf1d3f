"""A refresh merges and never truncates: stale, shorter, empty and header-only answers keep every cached row."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import cli
from helpers.data import catalog
from helpers.data.store import REFRESH_OVERLAP_DAYS, Store
from helpers.sources.base import Fetched
from helpers.sources.mirror import MirrorSource

TODAY = pd.Timestamp("2026-12-01")
DATES = pd.date_range("2024-01-03", periods=20, freq="7D")


def _frame(dates: pd.DatetimeIndex, values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"WALCL": values}, index=pd.DatetimeIndex(dates, name="date"))


CACHED = _frame(DATES[:12], [7_000_000.0 + 1000 * i for i in range(12)])


class Answer:
    """A source that sends a fixed frame (optionally cut from ``start``) and counts its fetches."""

    name = "fake"

    def __init__(self, frame: pd.DataFrame, honour_start: bool = True) -> None:
        self.frame, self.honour_start, self.calls = frame, honour_start, 0

    def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        self.calls += 1
        f = self.frame if start is None or not self.honour_start else self.frame.loc[self.frame.index >= start]
        return Fetched(f, self.name, f"t{self.calls}")


def _cached_store(tmp_path: Path) -> Store:
    store = Store(tmp_path)
    store.update("WALCL", Answer(CACHED), today=TODAY)
    return store


def _answers() -> dict[str, tuple[pd.DataFrame, bool, str]]:
    """Refresh answers that would lose data: (frame, honours start, note fragment)."""
    window = CACHED.index[CACHED.index >= CACHED.index[-1] - pd.Timedelta(days=REFRESH_OVERLAP_DAYS)]
    return {
        "header-only": (CACHED.iloc[:0], True, "returned no rows"),
        "stale": (CACHED.iloc[:11], True, "before the cache"),  # source a week behind
        "stale-weeks-behind": (CACHED.iloc[:9], True, "returned no rows"),  # nothing in the window
        "stale-full-history": (CACHED.iloc[:9], False, "before the cache"),  # ignores start and is behind
        "fewer-rows-in-window": (CACHED.drop(window[0]), True, "of the 3 cached dates"),
        "hole-in-window-with-new-rows": (
            pd.concat([CACHED.drop(window[1]), _frame(DATES[12:14], [7_012_000.0, 7_013_000.0])]), True,
            "first missing"),
    }


@pytest.mark.parametrize("kind", sorted(_answers()))
def test_refresh_that_would_lose_rows_keeps_the_cache_and_says_so(tmp_path: Path, kind: str) -> None:
    frame, honour, note = _answers()[kind]
    store = _cached_store(tmp_path)
    before = (store.path("WALCL").read_bytes(), store.manifest_path.read_bytes())
    for _ in range(3):  # repeated refreshes must not walk the last date back (issue 8: 09-30 -> 09-09 -> ...)
        result = store.update("WALCL", Answer(frame, honour), refresh=True, today=TODAY)
        assert result.status == "kept" and note in result.note
    assert (store.path("WALCL").read_bytes(), store.manifest_path.read_bytes()) == before
    assert len(store.read("WALCL")) == len(CACHED)


def test_refresh_merges_new_rows_and_counts_revisions(tmp_path: Path) -> None:
    store = _cached_store(tmp_path)
    full = _frame(DATES[:15], [7_000_000.0 + 1000 * i for i in range(15)])
    full.iloc[10, 0] += 5.0  # a revision inside the overlap window
    full.iloc[11, 0] = np.nan  # a missing value never replaces a cached one
    result = store.update("WALCL", Answer(full), refresh=True, today=TODAY)
    assert (result.status, result.added, result.revisions) == ("updated", 3, 1)
    back = store.read("WALCL")["WALCL"]
    assert len(back) == 15 and back.iloc[10] == CACHED.iloc[10, 0] + 5.0 and back.iloc[11] == CACHED.iloc[11, 0]
    assert back.iloc[0] == CACHED.iloc[0, 0]  # rows before the window untouched
    entry = store.manifest()["WALCL"]
    assert entry.revisions == 1 and entry.rows == 15 and entry.last_date == f"{DATES[14]:%Y-%m-%d}"


def test_refresh_with_nothing_new_is_unchanged(tmp_path: Path) -> None:
    store = _cached_store(tmp_path)
    before = store.manifest_path.read_bytes()
    result = store.update("WALCL", Answer(CACHED), refresh=True, today=TODAY)
    assert result.status == "unchanged" and store.manifest_path.read_bytes() == before


def test_force_replaces_deliberately(tmp_path: Path) -> None:
    store = _cached_store(tmp_path)
    shorter = CACHED.iloc[:5]
    result = store.update("WALCL", Answer(shorter), force=True, today=TODAY)
    assert result.status == "replaced" and len(store.read("WALCL")) == 5


def test_another_source_ending_earlier_does_not_replace_the_cache(tmp_path: Path) -> None:
    store = _cached_store(tmp_path)
    other = Answer(CACHED.iloc[:6])
    other.name = "other"
    result = store.update("WALCL", other, today=TODAY)
    assert result.status == "kept" and "--force" in result.note and store.manifest()["WALCL"].source == "fake"


def _mirror_copy(tmp_path: Path, mirror_dir: Path, btc: str | None = None) -> Path:
    root = tmp_path / "mirror"
    for sub in ("fred", "crypto"):
        (root / sub).mkdir(parents=True)
        shutil.copy(mirror_dir / sub / "PROVENANCE.md", root / sub)
    shutil.copy(mirror_dir / "fred" / "WALCL.csv", root / "fred")
    shutil.copy(mirror_dir / "crypto" / "btc.csv", root / "crypto")
    if btc is not None:
        (root / "crypto" / "btc.csv").write_text(btc)
    return root


def test_cli_refresh_against_a_header_only_mirror_keeps_btc(tmp_path: Path, mirror_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 8's reproduction: a header-only btc.csv took btc from 5,845 to 5,830 rows. Now it keeps all."""
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QTLAB_MIRROR", raising=False)
    good = _mirror_copy(tmp_path / "a", mirror_dir)
    assert cli.main(["fetch", "--source", "mirror", "--mirror", str(good), "--series", "btc", "WALCL"]) == 0
    rows = Store().manifest()["btc"].rows
    header = (mirror_dir / "crypto" / "btc.csv").read_text().splitlines()[0] + "\n"
    empty = _mirror_copy(tmp_path / "b", mirror_dir, btc=header)
    capsys.readouterr()
    code = cli.main(["fetch", "--refresh", "--source", "mirror", "--mirror", str(empty), "--series", "btc", "WALCL"])
    out = capsys.readouterr().out
    assert code == 0
    assert Store().manifest()["btc"].rows == rows == len(Store().read("btc"))
    assert "btc" in out and "kept" in out and "returned no rows" in out
    assert "summary:" in out and "cache kept for btc" in out


def test_cli_prints_revisions(tmp_path: Path, mirror_dir: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path / "home"))
    root = _mirror_copy(tmp_path, mirror_dir)
    assert cli.main(["fetch", "--source", "mirror", "--mirror", str(root), "--series", "WALCL"]) == 0
    lines = (root / "fred" / "WALCL.csv").read_text().splitlines()
    day, value = lines[-2].split(",")
    lines[-2] = f"{day},{int(value) + 7}"  # FRED revised the week before the last
    (root / "fred" / "WALCL.csv").write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert cli.main(["fetch", "--refresh", "--source", "mirror", "--mirror", str(root), "--series", "WALCL"]) == 0
    assert "updated: +0 rows, 1 revised" in capsys.readouterr().out
    assert Store().manifest()["WALCL"].revisions == 1
    assert Store().read("WALCL").loc[day, "WALCL"] == int(value) + 7


def test_fetch_source_accepts_every_source_the_catalog_uses() -> None:
    """Issue 13: `--source defillama` and `--source binance` were 'invalid choice'."""
    used = {name for spec in catalog.CATALOG.values() for name in spec.sources}
    parser = cli._parser()
    for name in sorted(used):
        assert parser.parse_args(["fetch", "--source", name]).source == name


def test_fetch_exits_non_zero_only_when_nothing_was_fetched(tmp_path: Path, mirror_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from helpers.errors import SourceUnavailableError

    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))

    def refuse(self: MirrorSource, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        raise SourceUnavailableError("fapi.binance.com answered 451: not available from this location")

    monkeypatch.setattr(MirrorSource, "fetch", refuse)
    assert cli.main(["fetch", "--source", "mirror", "--mirror", str(mirror_dir), "--series", "WALCL", "btc"]) == 1
    captured = capsys.readouterr()
    assert "could not fetch WALCL, btc" in captured.err and "missing 2: WALCL, btc" in captured.out
