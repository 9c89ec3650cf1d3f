"""A Sphinx math renderer that needs no network: simple TeX becomes HTML text with sub- and superscripts.

MathJax loads from a CDN, which an offline build cannot bundle and an offline reader cannot fetch
(a console error on every page with a formula). The notebooks' formulas are short identities
(``NL_t = \\text{WALCL}_t - \\text{TGA}_t - \\text{RRP}_t``), which read well as text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes

NAME = "qtlab_text"
_SYMBOLS = {r"\cdot": "·", r"\times": "×", r"\approx": "≈", r"\leq": "≤", r"\geq": "≥", r"\le": "≤", r"\ge": "≥",
            r"\neq": "≠", r"\pm": "±", r"\sum": "Σ", r"\Delta": "Δ", r"\rho": "ρ", r"\sigma": "σ", r"\mu": "μ",
            r"\beta": "β", r"\alpha": "α", r"\varepsilon": "ε", r"\epsilon": "ε", r"\ln": "ln", r"\log": "log",
            r"\to": "→", r"-": "−"}


def tex_to_html(tex: str) -> str:
    """Simple TeX as HTML text: ``\\text{}`` unwrapped, spacing dropped, ``_x``/``^x`` as sub/sup, symbols."""
    text = re.sub(r"\\(?:text|mathrm|operatorname|mathit|mathbf)\{([^{}]*)\}", r"\1", tex)
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\(?:left|right|,|;|!|quad|qquad)", " ", text)
    for tex_symbol, char in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(tex_symbol, char)
    text = html.escape(re.sub(r"\s+", " ", text).strip())
    text = re.sub(r"_\{([^{}]*)\}", r"<sub>\1</sub>", text)
    text = re.sub(r"_(\w)", r"<sub>\1</sub>", text)
    text = re.sub(r"\^\{([^{}]*)\}", r"<sup>\1</sup>", text)
    text = re.sub(r"\^(\w)", r"<sup>\1</sup>", text)
    return text.replace("{", "").replace("}", "")


def _visit_inline(self: Any, node: nodes.Element) -> None:
    self.body.append(f'<span class="math-text">{tex_to_html(node.astext())}</span>')
    raise nodes.SkipNode


def _visit_block(self: Any, node: nodes.Element) -> None:
    self.body.append(f'<div class="math-text math-block">{tex_to_html(str(node.get("latex", node.astext())))}</div>')
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    """Register the renderer (select it with ``html_math_renderer = "qtlab_text"``)."""
    app.add_html_math_renderer(NAME, (_visit_inline, None), (_visit_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
