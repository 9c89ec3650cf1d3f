"""Fast no-change refresh and fast loads: nothing already validated is parsed again (timings live in benchmarks/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from helpers.data import catalog
from helpers.data.store import Store
from helpers.sources.mirror import MirrorSource


def _no_csv_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every CSV parse (store and mirror) fail loudly; returns the list of attempted paths."""
    tried: list[str] = []

    def refuse(path: Path, columns: object) -> pd.DataFrame:
        tried.append(str(path))
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr("helpers.data.store.parse_csv_frame", refuse)
    monkeypatch.setattr("helpers.sources.mirror.parse_csv_frame", refuse)
    return tried


@pytest.fixture()
def mirror_copy(tmp_path: Path, mirror_dir: Path) -> Path:
    root = tmp_path / "mirror"
    for sub, ids in (("fred", ("WALCL", "RRPONTSYD")), ("crypto", ("btc",))):
        (root / sub).mkdir(parents=True)
        shutil.copy(mirror_dir / sub / "PROVENANCE.md", root / sub)
        for sid in ids:
            shutil.copy2(mirror_dir / catalog.get(sid).mirror_path, root / sub)
    return root


def test_no_change_refresh_reads_no_csv(tmp_path: Path, mirror_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, source = Store(tmp_path / "raw"), MirrorSource(mirror_copy)
    for sid in ("WALCL", "RRPONTSYD", "btc"):
        store.update(sid, source)
    tried = _no_csv_parsing(monkeypatch)
    for sid in ("WALCL", "RRPONTSYD", "btc"):
        assert store.update(sid, source, refresh=True).status == "unchanged"
    assert tried == []


def test_a_changed_mirror_file_is_read_again(tmp_path: Path, mirror_copy: Path) -> None:
    store, source = Store(tmp_path / "raw"), MirrorSource(mirror_copy)
    store.update("WALCL", source)
    path = mirror_copy / "fred" / "WALCL.csv"
    lines = path.read_text().splitlines()
    last = pd.Timestamp(lines[-1].split(",")[0]) + pd.Timedelta(days=7)
    path.write_text("\n".join([*lines, f"{last:%Y-%m-%d},{lines[-1].split(',')[1]}"]) + "\n")
    result = store.update("WALCL", source, refresh=True, today=last)
    assert (result.status, result.added) == ("updated", 1)


def test_loads_use_the_validated_copy_until_the_csv_changes(tmp_path: Path, mirror_copy: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "raw")
    store.update("btc", MirrorSource(mirror_copy))
    expected = store.read("btc")
    tried = _no_csv_parsing(monkeypatch)
    pd.testing.assert_frame_equal(store.read("btc"), expected)
    pd.testing.assert_frame_equal(data.load("btc", store=store), expected)
    assert tried == []
    monkeypatch.undo()
    st = store.path("btc").stat()
    os.utime(store.path("btc"), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched: the CSV is verified again
    tried = _no_csv_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed"):
        store.read("btc")
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.read("btc"), expected)  # sha matches: trusted again, stat remembered
    tried = _no_csv_parsing(monkeypatch)
    store.read("btc")
    assert tried == []


def test_a_stale_parquet_copy_is_ignored(tmp_path: Path, mirror_copy: Path) -> None:
    store = Store(tmp_path / "raw")
    store.update("WALCL", MirrorSource(mirror_copy))
    other = Store(tmp_path / "other")
    other.update("RRPONTSYD", MirrorSource(mirror_copy))
    shutil.copy(other.parquet_path("RRPONTSYD"), store.parquet_path("WALCL"))  # wrong content, wrong sha tag
    assert list(store.read("WALCL").columns) == ["WALCL"]
    store.parquet_path("WALCL").write_bytes(b"PAR1 truncated")
    assert len(store.read("WALCL")) == store.manifest()["WALCL"].rows


def test_manifest_records_size_mtime_and_sha(tmp_path: Path, mirror_copy: Path) -> None:
    import hashlib

    store = Store(tmp_path / "raw")
    store.update("WALCL", MirrorSource(mirror_copy))
    entry, st = store.manifest()["WALCL"], store.path("WALCL").stat()
    assert (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert entry.sha256 == hashlib.sha256(store.path("WALCL").read_bytes()).hexdigest()
