"""Cache integrity: concurrent fetches keep the manifest whole, sha256 checked on read, crashes and OS errors."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli
from helpers.data import catalog
from helpers.data.store import Store
from helpers.errors import CacheIntegrityError, CacheIOError, DataValidationError
from helpers.sources.base import Fetched

TODAY = pd.Timestamp("2026-12-01")
ROOT = Path(__file__).resolve().parents[2]


def _frame(sid: str, n: int = 6, bump: float = 0.0) -> pd.DataFrame:
    spec = catalog.get(sid)
    dates = pd.date_range("2024-01-03", periods=n, freq="7D")
    return pd.DataFrame({c: [1000.0 + i + bump for i in range(n)] for c in spec.value_columns},
                        index=pd.DatetimeIndex(dates, name="date"))


_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pandas as pd
    from helpers.data import catalog
    from helpers.sources.base import Fetched
    from helpers.data.store import Store

    root, ids, go = Path(sys.argv[1]), sys.argv[2].split(","), float(sys.argv[3])
    store = Store(root)
    while time.time() < go:
        time.sleep(0.005)
    for rnd in range(3):
        for sid in ids:
            spec = catalog.get(sid)
            dates = pd.date_range("2024-01-03", periods=5, freq="7D")
            frame = pd.DataFrame({c: [1000.0 + i + rnd for i in range(5)] for c in spec.value_columns},
                                 index=pd.DatetimeIndex(dates, name="date"))
            store.write(sid, Fetched(frame, "fake", f"round {rnd}"))
""")


def test_two_concurrent_fetches_of_disjoint_series_keep_every_manifest_entry(tmp_path: Path) -> None:
    """Issue 8: two `qtlab fetch` at once lost 2-5 manifest entries in 9 of 10 trials; the lock keeps them all."""
    fred = [s for s in catalog.FRED_SERIES]
    crypto = [s for s in catalog.CATALOG if s not in fred]
    go = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), ",".join(ids), str(go)], env=env,
                              stderr=subprocess.PIPE, text=True) for ids in (fred, crypto)]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    manifest = Store(tmp_path).manifest()
    assert sorted(manifest) == sorted(catalog.CATALOG)
    assert all(e.retrieved_at == "round 2" for e in manifest.values())
    for sid in catalog.CATALOG:  # every entry matches its file
        assert Store(tmp_path).read(sid).iloc[-1, 0] == 1006.0


def test_file_changed_outside_qtlab_is_a_one_line_error_with_the_repair_command(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)
    text = store.path("WALCL").read_text()
    store.path("WALCL").write_text(text.replace("1003", "1033"))  # still a valid file
    with pytest.raises(CacheIntegrityError) as err:
        store.read("WALCL")
    message = str(err.value)
    assert str(store.path("WALCL")) in message and "qtlab fetch --series WALCL --force" in message
    assert "\n" not in message
    Store(tmp_path).update("WALCL", _Answer(_frame("WALCL")), force=True, today=TODAY)  # the repair works
    assert Store(tmp_path).read("WALCL").iloc[3, 0] == 1003.0


def test_corrupt_manifest_is_one_line_naming_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)
    store.manifest_path.write_text('{"WALCL": {"source": ')
    with pytest.raises(DataValidationError, match=r"manifest\.json: corrupt manifest .*qtlab fetch --force"):
        Store(tmp_path).manifest()


class _Answer:
    name = "fake"

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def fetch(self, spec: catalog.SeriesSpec, start: pd.Timestamp | None = None) -> Fetched:
        return Fetched(self.frame, self.name, "t")


class Crash(BaseException):
    """Stands in for the process dying (not an Exception: nothing may catch it)."""


@pytest.mark.parametrize("at", [1, 2, 3, 4], ids=["journal", "csv", "parquet", "manifest"])
def test_crash_at_any_rename_leaves_data_and_manifest_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  at: int) -> None:
    """Kill the writer at each rename of a commit; the next use of the cache sees the old or the new state whole."""
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame("WALCL"), "fred", "t0"), today=TODAY)
    real = os.replace
    calls = {"n": 0}

    def dying(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == at:
            raise Crash
        real(src, dst)

    monkeypatch.setattr("helpers.data.store.os.replace", dying)
    with pytest.raises(Crash):
        store.write("WALCL", Fetched(_frame("WALCL", n=8, bump=1.0), "fred", "t1"), today=TODAY)
    monkeypatch.setattr("helpers.data.store.os.replace", real)
    fresh = Store(tmp_path)
    frame = fresh.read("WALCL")  # sha verified against the manifest
    entry = fresh.manifest()["WALCL"]
    assert (len(frame), entry.rows) in ((6, 6), (8, 8))
    assert len(frame) == (6 if at == 1 else 8)  # journalled commits roll forward
    fresh.write("btc", Fetched(_frame("btc"), "mirror", "t"), today=TODAY)
    assert not list(tmp_path.glob(".*.tmp")) and not (tmp_path / ".journal.json").exists()


def test_stray_temporary_files_are_cleaned(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)
    for name in (".WALCL.csv.x1.tmp", ".manifest.json.x2.tmp"):
        (tmp_path / name).write_text("half")
    store.write("btc", Fetched(_frame("btc"), "mirror", "t"), today=TODAY)
    assert not list(tmp_path.glob(".*.tmp"))


def _disk_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("helpers.data.store.os.fsync", full)
    return tmp_path / "WALCL.csv"


def _read_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("helpers.data.store.tempfile.mkstemp", refuse)
    return tmp_path / "WALCL.csv"


def _csv_is_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    (tmp_path / "WALCL.csv").mkdir()
    return tmp_path / "WALCL.csv"


def _manifest_is_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    (tmp_path / "manifest.json").mkdir()
    return tmp_path / "manifest.json"


OS_FAULTS = {"disk-full": _disk_full, "read-only": _read_only, "csv-is-a-directory": _csv_is_directory,
             "manifest-is-a-directory": _manifest_is_directory}


@pytest.mark.parametrize("fault", sorted(OS_FAULTS))
def test_os_error_is_one_line_naming_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    tmp_path.mkdir(exist_ok=True)
    path = OS_FAULTS[fault](monkeypatch, tmp_path)
    store = Store(tmp_path)
    with pytest.raises(CacheIOError) as err:
        store.write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert not list(tmp_path.glob(".*.tmp"))


def test_cache_root_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    root.write_text("not a directory")
    with pytest.raises(CacheIOError, match=str(root)):
        Store(root).write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)


def test_cached_path_that_is_a_directory_is_one_line_on_read(tmp_path: Path) -> None:
    (tmp_path / "WALCL.csv").mkdir()
    with pytest.raises(CacheIOError, match=r"WALCL\.csv: is a directory.*--force"):
        Store(tmp_path).read("WALCL")


def test_cli_prints_an_os_error_in_one_line_and_exits_1(tmp_path: Path, mirror_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QTLAB_HOME", str(tmp_path))
    _disk_full(monkeypatch, tmp_path)
    code = cli.main(["fetch", "--source", "mirror", "--mirror", str(mirror_dir), "--series", "WALCL", "btc"])
    err = [ln for ln in capsys.readouterr().err.replace("\r", "\n").splitlines()
           if ln.strip() and not ln.startswith("fetch:")]
    assert code == 1 and len(err) == 1 and "No space left on device" in err[0] and "WALCL.csv" in err[0]


def test_a_lock_held_too_long_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holding the manifest lock past the timeout: a one-line error, not a hang or a traceback."""
    from filelock import FileLock

    monkeypatch.setattr("helpers.data.store.LOCK_TIMEOUT", 0.2)
    tmp_path.mkdir(exist_ok=True)
    with FileLock(tmp_path / ".manifest.lock"), pytest.raises(CacheIOError, match="held by another qtlab process"):
        Store(tmp_path).write("WALCL", Fetched(_frame("WALCL"), "fred", "t"), today=TODAY)
    assert not Store(tmp_path).path("WALCL").exists()
