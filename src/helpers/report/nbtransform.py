"""Build-time transforms of an executed notebook into a reader page (the source notebook is never changed).

Each transform takes and returns an ``nbformat`` notebook (modified in place). In order, the site
build applies: :func:`clean_outputs` (stderr, progress text and raw Python reprs out; data-gap
warnings kept and styled), :func:`hide_code` (code behind per-cell toggles, exercise solutions
collapsed), :func:`rewrite_links` (``*.ipynb`` to the site's pages), :func:`link_glossary` (each
term's first use), :func:`add_alt_text` (figures say what they show), :func:`mark_claims` (a target
per claim for the front page's links) and :func:`replace_findings` (a curated Findings section).
"""

from __future__ import annotations

import ast
import html
import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_output

from helpers.report.glossary import TERMS, Term

DATA_GAP = "DataGapWarning"
#: Sections of the notebook frame that are not the evidence for a claim.
FRAME_SECTIONS = ("question and short answer", "overview", "prerequisites", "parameters", "imports", "caveats",
                  "findings", "summary", "exercises", "what's next", "references")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
_PROGRESS = re.compile(r"\r|\d+%\|[█▏▎▍▌▋▊▉ #]*\||\bit/s\b|\[\d+:\d+<\d+:\d+")
_SERIES_FOOTER = re.compile(r"^(?:Name: .*, )?(?:Length: \d+, )?dtype: \w+$")
_FIGURE_REPR = re.compile(r"^<(?:Figure|matplotlib|Axes|AxesSubplot)[^>]*>$")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+?)\.ipynb(?P<frag>#[^)\s]*)?\)")
_HREF = re.compile(r"href=(['\"])(?P<target>[^'\"#]+?)\.ipynb(?P<frag>#[^'\"]*)?\1")
_CLAIM = re.compile(r"\bC(0[1-9]|[12][0-9]|30)\b")
VERDICT_WORDS = ("supported", "partly supported", "not supported", "inconclusive", "untestable here", "not yet tested")


# ----------------------------------------------------------------------------------------------- outputs


def clean_outputs(nb: NotebookNode) -> NotebookNode:
    """Remove what a reader should not see in outputs, keep and style data-gap warnings.

    - stderr streams are dropped, except lines naming ``DataGapWarning``, which become a styled
      warning box (data gaps must stay visible);
    - progress text (carriage returns, tqdm bars) is dropped from stdout;
    - outputs with only ``text/plain`` are raw reprs: figure reprs and ``None`` are dropped;
      a verdict string becomes a badge, other strings a paragraph, a flat dict a two-column
      table and a pandas Series repr a table without its ``dtype`` footer. Outputs with HTML,
      images or markdown (real tables, figures) are left alone.
    """
    for cell in _code_cells(nb):
        outputs = []
        for out in cell.get("outputs", []):
            outputs.extend(_clean_output(out))
        cell["outputs"] = outputs
    return nb


def _clean_output(out: NotebookNode) -> list[NotebookNode]:
    kind = out.get("output_type")
    if kind == "stream":
        text = _text(out.get("text", ""))
        if out.get("name") == "stderr":
            gaps = [line for line in text.splitlines() if DATA_GAP in line]
            return [_html_output(data_gap_html(gaps))] if gaps else []
        kept = "\n".join(line for line in text.split("\n")
                         if not _PROGRESS.search(line) and not _SERIES_FOOTER.match(line.strip()))
        if not kept.strip():
            return []
        out["text"] = kept
        return [out]
    if kind in ("execute_result", "display_data"):
        data = out.get("data", {})
        if set(data) - {"text/plain"}:
            return [out]
        replacement = repr_to_html(_text(data.get("text/plain", "")))
        return [] if replacement is None else [_html_output(replacement)]
    if kind == "error":
        return [out]
    return []


def data_gap_html(lines: Sequence[str]) -> str:
    """A visible warning box for data-gap warnings (one line each, the Python location stripped)."""
    items = "".join(f"<li>{html.escape(_strip_warning_location(line))}</li>" for line in lines)
    return (f'<div class="admonition warning data-gap" role="note"><p class="admonition-title">Data gap</p>'
            f"<ul>{items}</ul></div>")


def _strip_warning_location(line: str) -> str:
    m = re.search(rf"{DATA_GAP}:\s*(.*)", line)
    return m.group(1) if m else line.strip()


def repr_to_html(text: str) -> str | None:
    """HTML for a raw ``text/plain`` repr, or None when it should be dropped (see :func:`clean_outputs`)."""
    text = text.strip()
    if not text or text == "None" or _FIGURE_REPR.match(text):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = _NOT_LITERAL
    if isinstance(value, str):
        if value in VERDICT_WORDS:
            return f"<p>{verdict_badge(value)}</p>"
        return f"<p>{html.escape(value)}</p>"
    if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
        return _key_value_table({str(k): v for k, v in value.items()})
    lines = text.splitlines()
    if lines and _SERIES_FOOTER.match(lines[-1]):
        return _series_table(lines[:-1])
    if value is not _NOT_LITERAL:
        return f"<pre>{html.escape(text)}</pre>"
    return f"<pre>{html.escape(text)}</pre>"


_NOT_LITERAL = object()


def verdict_badge(verdict: str) -> str:
    """A verdict badge: colour plus the word and a symbol, so it reads in greyscale too."""
    symbol = {"supported": "✔", "partly supported": "◐", "not supported": "✘", "inconclusive": "?",
              "untestable here": "∅"}.get(verdict, "·")
    slug = re.sub(r"[^a-z]+", "-", verdict.lower()).strip("-")
    return (f'<span class="verdict v-{slug}"><span class="v-sym" aria-hidden="true">{symbol}</span> '
            f"{html.escape(verdict)}</span>")


def _key_value_table(items: Mapping[str, Any]) -> str:
    rows = []
    for key, value in items.items():
        shown = verdict_badge(value) if key == "verdict" and isinstance(value, str) else html.escape(str(value))
        rows.append(f"<tr><th scope='row'>{html.escape(key.replace('_', ' '))}</th><td>{shown}</td></tr>")
    return f"<table class='table kv-table'><tbody>{''.join(rows)}</tbody></table>"


def _series_table(lines: Sequence[str]) -> str:
    rows = []
    for line in lines:
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) != 2:
            return f"<pre>{html.escape(chr(10).join(lines))}</pre>"
        rows.append(f"<tr><th scope='row'>{html.escape(parts[0])}</th><td>{html.escape(parts[1])}</td></tr>")
    return f"<table class='table kv-table'><tbody>{''.join(rows)}</tbody></table>"


def _html_output(body: str) -> NotebookNode:
    return new_output("display_data", data={"text/html": body})


# ----------------------------------------------------------------------------------------------- code cells


def hide_code(nb: NotebookNode) -> NotebookNode:
    """Every code cell behind a toggle: ``hide-input`` normally; exercise solutions ``hide-cell``.

    A solution is a code cell in the ``Exercises`` section (after an ``## Exercises`` heading,
    before the next ``##`` heading); it collapses with its output under "Show solution".
    """
    for cell, section in _cells_with_section(nb):
        if cell.get("cell_type") != "code":
            continue
        tags = [t for t in cell.setdefault("metadata", {}).get("tags", []) if t not in ("hide-input", "hide-cell")]
        if section == "exercises":
            tags.append("hide-cell")
            cell["metadata"].setdefault("mystnb", {}).update(
                {"code_prompt_show": "Show solution", "code_prompt_hide": "Hide solution"})
        else:
            tags.append("hide-input")
        cell["metadata"]["tags"] = tags
    return nb


# ----------------------------------------------------------------------------------------------- links


def rewrite_links(nb: NotebookNode, pages: Iterable[str]) -> NotebookNode:
    """Links to ``NN_name.ipynb``: kept as document links when the page is in the site, else plain text.

    Markdown links stay ``.ipynb`` (MyST resolves them to the built page); ``href`` attributes in HTML
    outputs become ``.html``.
    """
    known = set(pages)

    def markdown(m: re.Match[str]) -> str:
        return m.group(0) if m.group("target") in known else m.group("text")

    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            source = _text(cell["source"])
            cell["source"] = _LINK.sub(markdown, source)
        elif cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "text/html" in data:
                    data["text/html"] = _HREF.sub(
                        lambda m: f'href={m.group(1)}{m.group("target")}.html{m.group("frag") or ""}{m.group(1)}',
                        _text(data["text/html"]))
    return nb


# ----------------------------------------------------------------------------------------------- glossary

#: Markdown spans never touched by glossary linking: code, math, links, roles, HTML, targets.
_PROTECTED = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|!?\[[^\]]*\]\([^)]*\)|\[[^\]]*\]|\{[a-z]+\}`[^`]*`"
    r"|<[^>\n]+>|^\([^\n]*\)=[ \t]*$|^#{1,6} [^\n]*$|^[ \t]*\|?[ \t]*:?-{3,}[^\n]*$",
    re.S | re.M)


def link_glossary(nb: NotebookNode, terms: Sequence[Term] = TERMS) -> NotebookNode:
    """Link the first use of each glossary term in the notebook's prose to its glossary entry.

    Headings, code, math, existing links and HTML are skipped; the title cell too.
    """
    todo = list(terms)
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "markdown" or not todo:
            continue
        source = _text(cell["source"])
        body = _first_heading_skipped(source) if index == 0 else source
        prefix = source[: len(source) - len(body)]
        new_body, todo = _link_terms(body, todo)
        cell["source"] = prefix + new_body
    return nb


def _first_heading_skipped(source: str) -> str:
    lines = source.split("\n", 1)
    return ("\n" + lines[1]) if lines[0].startswith("# ") and len(lines) > 1 else ("" if lines[0].startswith("# ")
                                                                                   else source)


def _link_terms(text: str, todo: list[Term]) -> tuple[str, list[Term]]:
    pieces: list[str] = []
    last = 0
    for m in _PROTECTED.finditer(text):
        pieces.append(text[last:m.start()])
        pieces.append("\0" + m.group(0))
        last = m.end()
    pieces.append(text[last:])
    remaining = []
    for term in todo:
        pattern = term.regex()
        for i, piece in enumerate(pieces):
            if piece.startswith("\0"):
                continue
            found = pattern.search(piece)
            if found:
                role = "{term}`" + found.group(0) + " <" + term.name + ">`"
                before, after = piece[:found.start()], piece[found.end():]
                pieces[i:i + 1] = [before, "\0" + role, after]
                break
        else:
            remaining.append(term)
    return "".join(p[1:] if p.startswith("\0") else p for p in pieces), remaining


# ----------------------------------------------------------------------------------------------- figures


def add_alt_text(nb: NotebookNode) -> NotebookNode:
    """Give every figure output alt text saying what it shows, and in which section.

    The text is the figure's title, read from the string arguments of the call to a
    ``helpers.figures`` function that drew it (the house style passes the finding as the title).
    Where the title is an f-string whose numbers are only known at run time, or there is none, the
    sentence before the cell that announces the figure is used; failing that, the title with its
    gaps, or "a figure". The section heading comes first, so a screen-reader user knows where it is.
    """
    aliases = figure_aliases(nb)
    previous_text, section = "", _notebook_title(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            previous_text = _text(cell["source"])
            headings = [m.group(2) for m in _HEADING.finditer(previous_text) if len(m.group(1)) >= 2]
            section = _strip_markup(headings[-1]).strip() if headings else section
            continue
        if cell.get("cell_type") != "code" or not _has_image(cell):
            continue
        source = _text(cell.get("source", ""))
        title = figure_title(source, aliases)
        announced = _announcing_sentence(previous_text)
        what = title if title and "…" not in title else (announced or _drawing_docstring(source, aliases) or title
                                                          or "a figure")
        alt = f"Figure in section {section}: {what}"
        cell.setdefault("metadata", {}).setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        previous_text = ""
    return nb


def figure_aliases(nb: NotebookNode) -> dict[str, str]:
    """Names the notebook binds to ``helpers.figures`` modules, to the module (``qtfig`` -> ``helpers.figures.qt``)."""
    names: dict[str, str] = {}
    for cell in _code_cells(nb):
        try:
            tree = ast.parse(_text(cell.get("source", "")))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers.figures"):
                for a in node.names:
                    module = node.module if node.module != "helpers.figures" else f"helpers.figures.{a.name}"
                    names[a.asname or a.name] = str(module)
            elif isinstance(node, ast.Import):
                names.update({a.asname: a.name for a in node.names if a.name.startswith("helpers.figures") and a.asname})
    return names


def figure_title(source: str, aliases: Iterable[str] | None = None) -> str:
    """The longest string argument of a figure call in ``source`` (its title), or "" if there is none.

    With ``aliases``, only calls ``<alias>.<function>(...)`` count (not ``results.record`` notes);
    without (or none found), any call. Run-time values of an f-string show as "…"; a parenthetical holding one is dropped.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    allowed = set(aliases) if aliases else None
    best = ""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if allowed is not None and not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                                        and node.func.value.id in allowed):
            continue
        for arg in [*node.args, *(k.value for k in node.keywords if k.arg in (None, "title"))]:
            text = re.sub(r"\s*\([^()]*…[^()]*\)", "", _literal_text(arg)).strip()
            if len(text) > len(best) and " " in text and not text.lower().startswith(("source", "coingecko", "fred")):
                best = text
    return best


def _drawing_docstring(source: str, aliases: Mapping[str, str]) -> str:
    """The first docstring line of the ``helpers.figures`` function the cell calls (what the figure draws)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                and node.func.value.id in aliases):
            try:
                function = getattr(importlib.import_module(aliases[node.func.value.id]), node.func.attr)
            except (ImportError, AttributeError):
                continue
            doc = (getattr(function, "__doc__", None) or "").strip().splitlines()
            if doc:
                return _strip_markup(doc[0]).strip()
    return ""


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "…"
                       for v in node.values)
    return ""


def _announcing_sentence(markdown: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", _strip_markup(markdown)).strip())
    for sentence in reversed(sentences):
        if re.search(r"\b(figure|chart|plot|draws?|shows?)\b", sentence, re.I):
            return sentence
    return ""


def _strip_markup(text: str) -> str:
    text = re.sub(r"\{term\}`([^<`]*?)\s*<[^>]*>`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#+ .*$", "", text, flags=re.M)
    return text.replace("**", "").replace("*", "").replace("`", "")


def _has_image(cell: NotebookNode) -> bool:
    return any(k.startswith("image/") for out in cell.get("outputs", []) for k in out.get("data", {}))


# ----------------------------------------------------------------------------------------------- claims


def claim_sections(nb: NotebookNode, claim_ids: Iterable[str]) -> dict[str, int]:
    """For each claim id, the index of the markdown cell holding the heading of its evidence section.

    The first body heading naming the claim; failing that, the heading above the first body
    paragraph naming it (the frame's question, overview and summary are not evidence); failing
    that, the Findings heading. Claims found nowhere are left out.
    """
    found: dict[str, int] = {}
    headings = _headings(nb)
    body = [(i, text, sec) for i, text, sec in headings if sec not in FRAME_SECTIONS]
    for claim in claim_ids:
        hit = next((i for i, text, _ in body if re.search(rf"\b{claim}\b", text)), None)
        if hit is None:
            hit = _first_body_mention(nb, claim)
        if hit is None:
            hit = next((i for i, _, sec in headings if sec == "findings"), None)
        if hit is not None:
            found[claim] = hit
    return found


def claim_anchor(claim_id: str) -> str:
    """The HTML id of a claim's evidence section (``claim-c07``)."""
    return f"claim-{claim_id.lower()}"


def mark_claims(nb: NotebookNode, claim_ids: Iterable[str]) -> dict[str, str]:
    """Put a MyST target ``(claim-cNN)=`` before each claim's evidence heading; return claim -> anchor."""
    sections = claim_sections(nb, claim_ids)
    by_cell: dict[int, list[str]] = {}
    for claim, index in sorted(sections.items()):
        by_cell.setdefault(index, []).append(claim)
    for index, claims in by_cell.items():
        cell = nb.cells[index]
        source = _text(cell["source"])
        m = _body_heading(source)
        if m is None:
            continue
        targets = "".join(f"({claim_anchor(c)})=\n" for c in claims)
        cell["source"] = source[:m.start()] + targets + source[m.start():]
    return {claim: claim_anchor(claim) for claim in sections}


def _body_heading(source: str) -> re.Match[str] | None:
    for m in _HEADING.finditer(source):
        if len(m.group(1)) >= 2:
            return m
    return None


def _first_body_mention(nb: NotebookNode, claim: str) -> int | None:
    current: int | None = None
    section = ""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = _text(cell["source"])
        for line in source.splitlines():
            h = _HEADING.match(line)
            if h and len(h.group(1)) >= 2:
                current, section = i, _section_name(h.group(2))
            elif section not in FRAME_SECTIONS and current is not None and re.search(rf"\b{claim}\b", line):
                return current
    return None


def _headings(nb: NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, heading text, top-level section name) for every heading of level 2 or deeper."""
    out = []
    section = ""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "markdown":
            continue
        for m in _HEADING.finditer(_text(cell["source"])):
            level, text = len(m.group(1)), m.group(2)
            if level == 2:
                section = _section_name(text)
            if level >= 2:
                out.append((i, text, section))
    return out


def _section_name(heading: str) -> str:
    return re.sub(r"^\d+\.\s*", "", heading).strip().lower()


def _cells_with_section(nb: NotebookNode) -> list[tuple[NotebookNode, str]]:
    out = []
    section = ""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            for m in _HEADING.finditer(_text(cell["source"])):
                if len(m.group(1)) == 2:
                    section = _section_name(m.group(2))
        out.append((cell, section))
    return out


# ----------------------------------------------------------------------------------------------- findings


def replace_findings(nb: NotebookNode, findings_markdown: str) -> NotebookNode:
    """Replace the Findings section's code cells (the raw key dump) with ``findings_markdown``.

    The ``## Findings`` heading stays; lines of its cell that announce "the next cell" go. Without
    a Findings heading, a new section goes before Summary (or at the end).
    """
    cells = nb.cells
    start = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"
                  and re.search(r"^## Findings\s*$", _text(c["source"]), re.M)), None)
    if start is None:
        at = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"
                   and re.search(r"^## Summary\s*$", _text(c["source"]), re.M)), len(cells))
        cells.insert(at, new_markdown_cell("## Findings\n\n" + findings_markdown))
        return nb
    source = _text(cells[start]["source"])
    head, _, rest = source.partition("## Findings")
    rest_lines = [line for line in rest.split("\n")[1:] if not re.search(r"next cell|cell below", line, re.I)]
    cells[start]["source"] = head + "## Findings\n\n" + findings_markdown + "\n" + "\n".join(rest_lines)
    end = start + 1
    while end < len(cells) and cells[end].get("cell_type") == "code":
        end += 1
    del cells[start + 1:end]
    return nb


# ----------------------------------------------------------------------------------------------- helpers


def _code_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.get("cell_type") == "code"]


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _notebook_title(nb: NotebookNode) -> str:
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^# (.+)$", _text(cell["source"]), re.M)
            if m:
                return m.group(1).strip()
    return "this notebook"


def notebook_title(nb: NotebookNode) -> str:
    """The notebook's ``#`` title (or "this notebook")."""
    return _notebook_title(nb)


def reading_minutes(nb: NotebookNode) -> int | None:
    """The reading time the notebook states ("Reading time: about N minutes"), or None."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            m = re.search(r"Reading time:\s*about\s*(\d+)\s*min", _text(cell["source"]))
            if m:
                return int(m.group(1))
    return None


def exercises(nb: NotebookNode) -> list[tuple[int, str]]:
    """The notebook's exercises: (number, text without markup), from ``**Exercise N.**`` paragraphs."""
    out = []
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        for m in re.finditer(r"\*\*Exercise (\d+)\.?\*\*\.?\s*(.*?)(?:\n\s*\n|\Z)", _text(cell["source"]), re.S):
            text = re.sub(r"\{term\}`([^<`]*?)\s*<[^>]*>`", r"\1", m.group(2))
            out.append((int(m.group(1)), re.sub(r"\s+", " ", text).strip()))
    return out
