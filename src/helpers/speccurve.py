"""Deprecated facade: the specification-curve methods moved to :mod:`helpers.methods.speccurve`.

Re-exports only what modules not yet moved still import (``helpers.rotation`` uses :func:`agrees`);
removed in the final pass of issue 10.
"""

from __future__ import annotations

from helpers.methods.speccurve import agrees

__all__ = ["agrees"]
