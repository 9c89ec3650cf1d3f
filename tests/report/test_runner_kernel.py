"""``qtlab kernel``: a user kernelspec named ``qtlab`` that runs this interpreter, repaired when it points elsewhere."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from helpers import cli
from helpers.report import kernel


@pytest.fixture()
def jupyter_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    return tmp_path / "jupyter" / "kernels" / "qtlab"


def test_kernel_installs_a_user_spec_for_this_python(jupyter_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["kernel"]) == 0
    assert capsys.readouterr().out.strip() == "qtlab"
    spec = json.loads((jupyter_home / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert spec["display_name"] == f"QT Lab (Python {sys.version_info.major}.{sys.version_info.minor})"


def test_a_spec_pointing_elsewhere_is_repaired(jupyter_home: Path) -> None:
    kernel.ensure_kernel()
    path = jupyter_home / "kernel.json"
    spec = json.loads(path.read_text())
    spec["argv"][0] = "/nonexistent/python"
    path.write_text(json.dumps(spec))
    assert kernel.ensure_kernel() == "qtlab"
    assert json.loads(path.read_text())["argv"][0] == sys.executable


def test_the_runner_uses_this_environments_spec_even_when_the_user_spec_points_elsewhere(
        jupyter_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    kernel.ensure_kernel()
    path = jupyter_home / "kernel.json"
    spec = json.loads(path.read_text())
    spec["argv"][0] = "/another/checkout/.venv/bin/python"  # a second checkout ran `qtlab kernel` last
    path.write_text(json.dumps(spec))
    import jupyter_core.paths

    env = tmp_path / "env"  # this environment's prefix, in a temporary folder (not the real .venv)
    monkeypatch.setattr(sys, "prefix", str(env))
    monkeypatch.setattr(jupyter_core.paths, "ENV_JUPYTER_PATH", [str(env / "share" / "jupyter")])
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")
    name = kernel.runner_kernel()
    assert KernelSpecManager().get_kernel_spec(name).argv[0] == sys.executable
    assert json.loads(path.read_text())["argv"][0] == "/another/checkout/.venv/bin/python"  # the user's spec untouched
