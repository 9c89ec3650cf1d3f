"""The project's Jupyter kernel: a user kernelspec named ``qtlab`` that runs this environment's Python.

A global JupyterLab, JupyterHub or VS Code that opens a notebook whose metadata names ``qtlab``
starts this interpreter, so ``import helpers`` works wherever the notebook is opened from.
"""

from __future__ import annotations

import sys

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


def ensure_kernel() -> str:
    """Install (or repair) the user kernelspec ``qtlab`` for this interpreter; return its name.

    Raises
    ------
    RuntimeError
        If another ``qtlab`` kernelspec, earlier on Jupyter's search path, points at another Python.
    """
    python, name, _ = _installed()
    if python == sys.executable and name == display_name():
        return KERNEL_NAME
    from ipykernel.kernelspec import install

    install(user=True, kernel_name=KERNEL_NAME, display_name=display_name())
    python, name, folder = _installed()
    if python != sys.executable:
        raise RuntimeError(f"kernelspec {KERNEL_NAME!r} in {folder} runs {python}, not {sys.executable}; "
                           f"remove that folder or run `jupyter kernelspec remove {KERNEL_NAME}`, then `qtlab kernel`")
    return KERNEL_NAME
