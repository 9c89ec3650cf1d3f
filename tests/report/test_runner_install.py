"""A non-editable ``pip install .`` in a fresh virtual environment runs ``qtlab list`` and ``qtlab run 00``.

The fresh environment gets the project as a built wheel (no source checkout on its path) and borrows the
dependencies of ``.venv`` through a ``.pth`` line, so nothing is downloaded except the build backend.
The project root comes from ``QTLAB_HOME`` (notebooks/, data/, reports/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


def test_non_editable_install_runs_list_and_notebook_00(tmp_path: Path, mirror_home: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(ROOT / "src", build / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, build / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QTLAB_", "VIRTUAL_ENV", "PYTHONPATH"))}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(build)],
         env, tmp_path)
    venv = tmp_path / "venv"
    _run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], env, tmp_path)  # type: ignore[attr-defined]
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "qtlab_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next((tmp_path / "wheel").glob("qtlab-*.whl"))
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps", "-q",
          str(wheel)], env, tmp_path)

    home = tmp_path / "home"
    shutil.copytree(ROOT / "notebooks", home / "notebooks")
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(mirror_home / "data" / "raw", home / "data" / "raw")
    env |= {"QTLAB_HOME": str(home), "QTLAB_SITE": "0", "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"),
            "QTLAB_SCRATCH": str(tmp_path / "scratch"),
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}  # nbconvert's templates, borrowed too
    where = _run([str(venv / "bin" / "python"), "-c", "import helpers; print(helpers.__file__)"], env, tmp_path)
    assert where.stdout.strip().startswith(str(site)), where.stdout  # the installed copy, not the checkout
    listed = _run([str(venv / "bin" / "qtlab"), "list"], env, tmp_path)
    assert "00_data_tour" in listed.stdout and "07_claims_ledger" in listed.stdout
    _run([str(venv / "bin" / "qtlab"), "run", "00"], env, tmp_path, timeout=300)
    assert (home / "reports" / "results" / "00_data_tour.json").is_file()
    assert (home / "reports" / "00_data_tour.html").is_file() and (home / "reports" / "index.html").is_file()
