"""Moved to :mod:`helpers.report.runner`; this alias keeps ``from helpers import runner`` working."""

from __future__ import annotations

from helpers.report.runner import (  # noqa: F401
    NotebookRun,
    Runner,
    discover,
    execute,
    kernel_name,
    notebooks_dir,
    resolve,
    run_all,
    title,
    write_index,
    write_results,
)
