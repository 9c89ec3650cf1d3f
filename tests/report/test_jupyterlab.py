"""The notebooks in a real Jupyter server: opened over the REST API, each in a kernel of its own kernelspec
(``qtlab``), the parameters and imports cells run over the kernel websocket, and ``reports/`` left untouched.

The server serves the real ``notebooks/`` folder; ``QTLAB_HOME`` points at a temporary copy of ``reports/``
and the kernelspec is installed into a temporary ``JUPYTER_DATA_DIR``, so the test writes nothing into the
project or the user's Jupyter folders. A server or kernel that cannot start fails the test with the reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
START_TIMEOUT = 90.0
CELL_TIMEOUT = 180.0

pytestmark = pytest.mark.slow


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path (empty when the folder is missing)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``jupyter server`` on 127.0.0.1."""

    url: str
    token: str
    process: subprocess.Popen[str]
    scratch: Path
    log: Path

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=60, **kw)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.is_file() else ""


def _environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    home = tmp / "home"
    (home / "reports").mkdir(parents=True)
    if (ROOT / "reports" / "results").is_dir():
        shutil.copytree(ROOT / "reports" / "results", home / "reports" / "results")
    env.update({
        "QTLAB_HOME": str(home), "QTLAB_SCRATCH": str(tmp / "scratch"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter_data"), "JUPYTER_CONFIG_DIR": str(tmp / "jupyter_config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter_runtime"), "IPYTHONDIR": str(tmp / "ipython"),
        "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    env.pop("QTLAB_RESULTS_DIR", None)
    return env


def _install_kernel(env: dict[str, str]) -> None:
    """``qtlab kernel`` into the temporary JUPYTER_DATA_DIR; fail with its output if it cannot."""
    qtlab = Path(sys.executable).with_name("qtlab")
    command = [str(qtlab), "kernel"] if qtlab.is_file() else [sys.executable, "-m", "helpers.cli", "kernel"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    spec = Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "qtlab" / "kernel.json"
    if proc.returncode != 0 or not spec.is_file():
        pytest.fail(f"`qtlab kernel` did not install the qtlab kernelspec into {spec.parent} "
                    f"(exit {proc.returncode}): {proc.stderr.strip()[-800:]}")
    argv = json.loads(spec.read_text())["argv"]
    assert Path(argv[0]).resolve() == Path(sys.executable).resolve(), f"qtlab kernel runs {argv[0]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("jupyterlab")
    env = _environment(tmp)
    _install_kernel(env)
    port, token = _free_port(), secrets.token_hex(24)
    log = tmp / "server.log"
    command = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", "--ServerApp.open_browser=False", "--ServerApp.allow_root=True", f"--ServerApp.root_dir={ROOT}",
               f"--IdentityProvider.token={token}", "--ServerApp.allow_remote_access=False"]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=tmp)
    srv = Server(f"http://127.0.0.1:{port}", token, process, tmp / "scratch", log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"jupyter server exited with {process.returncode} before answering: {srv.log_tail()}")
        try:
            if srv.api("GET", "/api/status").status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"jupyter server did not answer on {srv.url} within {START_TIMEOUT:.0f} s: {srv.log_tail()}")
        time.sleep(0.5)
    yield srv
    try:
        srv.api("POST", "/api/shutdown")
        process.wait(timeout=30)
    except (requests.RequestException, subprocess.TimeoutExpired):
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def reports_before() -> dict[str, str]:
    return tree_digest(ROOT / "reports")


def _message(code: str, session: str) -> dict[str, Any]:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "test",
                   "session": session, "date": dt.datetime.now(dt.UTC).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }


async def _run_cells(ws_url: str, cells: list[str]) -> list[dict[str, Any]]:
    """Execute ``cells`` in order over the kernel websocket; per cell: reply status and any error output."""
    from tornado.websocket import websocket_connect

    conn = await asyncio.wait_for(websocket_connect(ws_url), timeout=60)
    session, results = uuid.uuid4().hex, []
    try:
        for code in cells:
            msg = _message(code, session)
            await conn.write_message(json.dumps(msg))
            reply: dict[str, Any] | None = None
            idle, errors = False, []
            while reply is None or not idle:
                raw = await asyncio.wait_for(conn.read_message(), timeout=CELL_TIMEOUT)
                if raw is None:
                    raise ConnectionError("the kernel websocket closed (did the kernel die?)")
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                    continue
                kind = m["header"]["msg_type"]
                if kind == "execute_reply":
                    reply = m["content"]
                elif kind == "error":
                    errors.append(f"{m['content']['ename']}: {m['content']['evalue']}")
                elif kind == "status" and m["content"]["execution_state"] == "idle":
                    idle = True
            results.append({"status": reply.get("status"), "errors": errors,
                            "ename": reply.get("ename"), "evalue": reply.get("evalue")})
            if reply.get("status") != "ok":
                break
    finally:
        conn.close()
    return results


def _cells_to_run(model: dict[str, Any], name: str) -> list[str]:
    """The parameters cell and the imports cell (the first code cell after a heading 'Imports')."""
    cells = model["content"]["cells"]
    params = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{name}: needs exactly one cell tagged 'parameters'"
    heading = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
               and any(line.strip().lower().lstrip("# ").startswith("imports") for line in
                       ("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).splitlines())]
    start = heading[0] if heading else params[0]
    imports = next((i for i in range(start + 1, len(cells)) if cells[i]["cell_type"] == "code" and i != params[0]),
                   None)
    assert imports is not None, f"{name}: no imports cell after the parameters"
    source = [cells[i]["source"] for i in (params[0], imports)]
    return ["".join(s) if isinstance(s, list) else s for s in source]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_and_its_first_cells_run(server: Server, reports_before: dict[str, str], path: Path) -> None:
    rel = f"notebooks/{path.name}"
    resp = server.api("GET", f"/api/contents/{rel}", params={"content": 1, "type": "notebook"})
    assert resp.status_code == 200, f"GET /api/contents/{rel}: {resp.status_code} {resp.text[:300]}"
    model = resp.json()
    kernel = model["content"]["metadata"].get("kernelspec", {}).get("name")
    specs = server.api("GET", "/api/kernelspecs").json()["kernelspecs"]
    assert kernel in specs, f"{path.name} asks for kernelspec {kernel!r}; the server has {sorted(specs)}"
    cells = _cells_to_run(model, path.name)
    resp = server.api("POST", "/api/sessions", json={"path": rel, "type": "notebook", "name": path.name,
                                                     "kernel": {"name": kernel}})
    if resp.status_code not in (200, 201):
        pytest.fail(f"kernel {kernel!r} for {path.name} did not start: {resp.status_code} {resp.text[:500]} "
                    f"{server.log_tail()}")
    session = resp.json()
    try:
        ws = server.url.replace("http", "ws", 1) + f"/api/kernels/{session['kernel']['id']}/channels?token=" \
            + server.token
        try:
            outcome = asyncio.run(_run_cells(ws, cells))
        except (TimeoutError, ConnectionError, OSError) as exc:
            pytest.fail(f"{path.name}: kernel {kernel!r} did not run the cells ({type(exc).__name__}: {exc}); "
                        f"{server.log_tail()}")
        for label, result in zip(("parameters", "imports"), outcome, strict=False):
            assert result["status"] == "ok", f"{path.name} {label} cell: {result['ename']}: {result['evalue']} " \
                f"{result['errors']}"
        assert len(outcome) == 2
    finally:
        server.api("DELETE", f"/api/sessions/{session['id']}")
    assert tree_digest(ROOT / "reports") == reports_before, f"{path.name} changed files under reports/"


def test_the_harness_sees_a_failing_cell(server: Server) -> None:
    """The websocket runner reports a cell that raises, so a broken imports cell cannot pass unnoticed."""
    resp = server.api("POST", "/api/sessions", json={"path": "scratch_probe.ipynb", "type": "notebook",
                                                     "name": "probe", "kernel": {"name": "qtlab"}})
    assert resp.status_code in (200, 201), resp.text[:300]
    session = resp.json()
    try:
        ws = server.url.replace("http", "ws", 1) + f"/api/kernels/{session['kernel']['id']}/channels?token=" \
            + server.token
        outcome = asyncio.run(_run_cells(ws, ["x = 1", "raise ValueError('probe')", "y = 2"]))
    finally:
        server.api("DELETE", f"/api/sessions/{session['id']}")
    assert [r["status"] for r in outcome] == ["ok", "error"]
    assert outcome[1]["ename"] == "ValueError" and outcome[1]["errors"] == ["ValueError: probe"]


def test_reports_unchanged_and_results_went_to_scratch(server: Server, reports_before: dict[str, str]) -> None:
    """Runs last (file order): the whole reports/ tree is byte-identical, and the recorders wrote to scratch."""
    assert tree_digest(ROOT / "reports") == reports_before
    recorded = {p.stem for p in (server.scratch / "results").glob("*.json")}
    started = {p.stem for p in NOTEBOOKS if f'results.start("{p.stem}")' in p.read_text()}
    assert started <= recorded, f"no scratch results for {sorted(started - recorded)} under {server.scratch}"
