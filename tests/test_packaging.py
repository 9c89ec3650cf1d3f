"""environment.yml (conda-forge) and pyproject.toml (PyPI) must name the same dependencies.

conda-forge names some packages differently from PyPI (:data:`CONDA_NAMES`), and its newest build
of a few packages is older than the PyPI release the project was tested with: there the conda lower
bound is conda-forge's newest version (:data:`CONDA_BOUNDS`, checked on anaconda.org/conda-forge),
never above the pip bound.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {"arch": "arch-py"}
#: conda-forge name -> its lower bound in environment.yml, where conda-forge lacks the pip bound's version.
#: Checked on anaconda.org/conda-forge (files pages): arch-py 8.0.0, fredapi 0.5.2, myst-nb 1.4.0, sphinx 9.0.4,
#: sphinx-exercise 1.2.1, numpy 2.4.6 and scipy 1.17.1 exist there, so those keep the pip bound.
CONDA_BOUNDS: dict[str, str] = {
    "pytest-httpserver": "1.1.5",
    "pyrate-limiter": "4.4.0",
    "sphinx-book-theme": "1.2.0",
    "jupyterlab-myst": "2.6.0",
    "pandas": "3.0.3",
    "statsmodels": "0.14.6",
    "papermill": "2.6.0",
    "responses": "0.26.1",
    "sphinx-design": "0.7.0",
    "sphinx-togglebutton": "0.3.2",
}


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


def _as_conda(name: str) -> str:
    return CONDA_NAMES.get(name, name)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text))


def test_conda_and_pip_name_the_same_packages() -> None:
    conda, pip = _conda_names(), {_as_conda(n) for n in _pip_names()}
    assert conda == pip, (f"only in environment.yml: {sorted(conda - pip)}; only in pyproject (conda-forge names): "
                          f"{sorted(pip - conda)}; a PyPI name that differs on conda-forge goes in CONDA_NAMES")


def test_environment_uses_conda_forge_names() -> None:
    conda = _conda_names()
    for pypi, forge in CONDA_NAMES.items():
        assert forge in conda and pypi not in conda, f"environment.yml: use conda-forge's {forge!r}, not {pypi!r}"


def test_the_user_named_packages_are_runtime_dependencies() -> None:
    runtime = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert {"jupyterlab", "pandas", "statsmodels", "seaborn", "fredapi", "papermill"} <= runtime


def _bounds(lines: list[str]) -> dict[str, str]:
    return {_name(x): x.split(">=")[1].split("#")[0].strip() for x in lines if ">=" in x}


def test_lower_bounds_agree() -> None:
    """The same lower bound in both files, so conda users run what was tested, except where conda-forge lags."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = {_as_conda(k): v for k, v in _bounds(project["dependencies"] + project["optional-dependencies"]["dev"]).items()}
    conda = _bounds(_conda_requirements())
    assert set(conda) == set(pip), "every dependency has a lower bound in both files"
    for name, bound in conda.items():
        expected = CONDA_BOUNDS.get(name, pip[name])
        assert bound == expected, f"environment.yml: {name}>={bound}, expected >={expected} (pip: >={pip[name]})"
        assert _version(bound) <= _version(pip[name]), f"{name}: the conda bound is above the pip bound"


def test_conda_bound_exceptions_are_in_use() -> None:
    """A stale exception (conda-forge caught up, or the package was dropped) must be removed, not kept silently."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = {_as_conda(k): v for k, v in _bounds(project["dependencies"] + project["optional-dependencies"]["dev"]).items()}
    for name, bound in CONDA_BOUNDS.items():
        assert name in pip, f"CONDA_BOUNDS names {name}, which pyproject.toml no longer lists"
        assert _version(bound) < _version(pip[name]), f"{name}: conda-forge has the pip bound now; drop the exception"


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
