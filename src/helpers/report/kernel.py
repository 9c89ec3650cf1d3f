"""The project's Jupyter kernel: a user kernelspec named ``qtlab`` that runs this environment's Python.

A global JupyterLab, JupyterHub or VS Code that opens a notebook whose metadata names ``qtlab``
starts this interpreter, so ``import helpers`` works wherever the notebook is opened from.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

KERNEL_NAME = "qtlab"


def display_name() -> str:
    """``"QT Lab (Python 3.x)"`` with the running interpreter's version."""
    return f"QT Lab (Python {sys.version_info.major}.{sys.version_info.minor})"


def _installed() -> tuple[str | None, str | None, str | None]:
    """(python, display name, folder) of the installed ``qtlab`` spec, or Nones when there is none."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return None, None, None
    return (spec.argv[0] if spec.argv else None), spec.display_name, spec.resource_dir


def _user_spec() -> tuple[str | None, str | None]:
    """(python, display name) of the USER spec ``qtlab`` (not the first on Jupyter's path), or Nones."""
    from jupyter_core.paths import jupyter_data_dir

    path = Path(jupyter_data_dir()) / "kernels" / KERNEL_NAME / "kernel.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    argv = spec.get("argv") or [None]
    return argv[0], spec.get("display_name")


def ensure_kernel() -> str:
    """Install (or repair) the user kernelspec ``qtlab`` for this interpreter; return its name.

    Raises
    ------
    RuntimeError
        If another ``qtlab`` kernelspec, earlier on Jupyter's search path, points at another Python.
    """
    if _user_spec() == (sys.executable, display_name()):
        return KERNEL_NAME
    from ipykernel.kernelspec import install

    install(user=True, kernel_name=KERNEL_NAME, display_name=display_name())
    python, name, folder = _installed()
    if python != sys.executable:
        raise RuntimeError(f"kernelspec {KERNEL_NAME!r} in {folder} runs {python}, not {sys.executable}; "
                           f"remove that folder or run `jupyter kernelspec remove {KERNEL_NAME}`, then `qtlab kernel`")
    return KERNEL_NAME


def runner_kernel() -> str:
    """The kernel ``qtlab run`` executes with: ``qtlab`` as this environment's own spec.

    The user spec is one per user and is rewritten by whichever environment ran ``qtlab kernel`` last,
    so two checkouts running at once would start each other's Python. The runner therefore installs
    ``qtlab`` into this environment's prefix, which Jupyter searches before the user folder inside a
    virtual environment; where it does not (``JUPYTER_PREFER_ENV_PATH=0``), a private name
    ``qtlab-<hash of the prefix>`` is used.
    """
    from ipykernel.kernelspec import install

    python, name, _ = _installed()
    if python == sys.executable and name == display_name():
        return KERNEL_NAME
    install(kernel_name=KERNEL_NAME, display_name=display_name(), prefix=sys.prefix)
    python, _, _ = _installed()
    if python == sys.executable:
        return KERNEL_NAME
    private = f"{KERNEL_NAME}-{hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]}"
    install(kernel_name=private, display_name=display_name(), prefix=sys.prefix)
    return private
