"""Running a notebook outside ``qtlab run`` (plain papermill, nbclient) never touches the published reports/."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).resolve().parents[1] / "notebooks" / "90_tiny.ipynb"


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project home whose reports/ holds a published edition (a copy of the repository's), and a scratch dir."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "reports", home / "reports", ignore=shutil.ignore_patterns(".executed"))
    (home / "reports" / "results" / "90_tiny.json").write_text('{"claims": {}, "figures": {}}\n')
    monkeypatch.setenv("QTLAB_HOME", str(home))
    monkeypatch.setenv("QTLAB_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.delenv("QTLAB_RESULTS_DIR", raising=False)
    yield home / "reports"


def test_plain_papermill_records_to_scratch(published: Path, tmp_path: Path) -> None:
    import papermill as pm

    before = _tree(published)
    pm.execute_notebook(str(TINY), str(tmp_path / "out.ipynb"), parameters={"reps": 7}, kernel_name="python3",
                        progress_bar=False, cwd=str(tmp_path))
    assert _tree(published) == before
    assert '"value": 10.5' in (tmp_path / "scratch" / "results" / "90_tiny.json").read_text()


def test_nbclient_records_to_scratch(published: Path, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    before = _tree(published)
    nb = nbformat.read(TINY, as_version=4)
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert _tree(published) == before
    assert (tmp_path / "scratch" / "results" / "90_tiny.json").is_file()


def test_a_real_notebook_through_plain_papermill(mirror_home: Path, published: Path, tmp_path: Path) -> None:
    """Notebook 00 on the mirror, run as an analyst would with papermill, leaves reports/ as it was."""
    import papermill as pm

    assert os.environ["QTLAB_HOME"] == str(published.parent)
    shutil.copytree(mirror_home / "data" / "raw", published.parent / "data" / "raw")
    before = _tree(published)
    pm.execute_notebook(str(ROOT / "notebooks" / "00_data_tour.ipynb"), str(tmp_path / "00.ipynb"),
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT / "notebooks"))
    assert _tree(published) == before
    assert "net_liquidity_2022_06_01_usd_bn" in (tmp_path / "scratch" / "results" / "00_data_tour.json").read_text()
