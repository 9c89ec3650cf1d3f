"""environment.yml (conda) and pyproject.toml (pip) must name the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _conda_requirements() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return [d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")]


def _conda_names() -> set[str]:
    return {_name(d) for d in _conda_requirements()}


def _pip_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {_name(r) for r in reqs}


def test_conda_and_pip_name_the_same_packages() -> None:
    conda, pip = _conda_names(), _pip_names()
    assert conda == pip, f"only in environment.yml: {sorted(conda - pip)}; only in pyproject: {sorted(pip - conda)}"


def test_the_user_named_packages_are_runtime_dependencies() -> None:
    runtime = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert {"jupyterlab", "pandas", "statsmodels", "seaborn", "fredapi", "papermill"} <= runtime


def test_lower_bounds_agree() -> None:
    """The same lower bound in both files, so conda users run what was tested."""
    def bounds(lines: list[str]) -> dict[str, str]:
        return {_name(x): x.split(">=")[1].strip() for x in lines if ">=" in x}

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = bounds(project["dependencies"] + project["optional-dependencies"]["dev"])
    assert bounds(_conda_requirements()) == pip


def test_environment_installs_the_project() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section and "-e ." in pip_section[0]["pip"]


def test_notebooks_are_stored_without_outputs() -> None:
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has stored outputs"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
