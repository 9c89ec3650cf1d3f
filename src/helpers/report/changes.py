"""What a data refresh changed, as Markdown for the weekly pull request.

Compares two bodies of ``reports/results.json`` (schema in DESIGN.md): claim verdicts that
moved (in bold), claims added or removed, headline figures that moved beyond the precision at
which they were printed, figures added or removed, and the data's last dates.

Run as ``python -m helpers.report.changes OLD NEW [-o OUT]``; an empty ``{}`` stands for "no
previous results" (the first refresh).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Most decimals a figure is compared at, whatever its printed form (float noise beyond this).
MAX_DECIMALS = 6

Value = float | int | str | bool | None


@dataclass(frozen=True)
class Changes:
    """The differences between two results bodies.

    Attributes
    ----------
    verdicts : list of (claim, before, after, notebook)
        Claims whose verdict changed.
    new_claims, removed_claims : list of (claim, verdict, notebook)
    evidence_only : list of str
        Claims whose verdict stayed but whose evidence text changed.
    moved : list of (notebook, key, before, after, unit)
        Figures whose value changed beyond their printed precision.
    new_figures, removed_figures : list of (notebook, key, value, unit)
    last_dates : list of (series, before, after)
        Series whose last date changed (``None`` where absent).
    """

    verdicts: list[tuple[str, str, str, str]] = field(default_factory=list)
    new_claims: list[tuple[str, str, str]] = field(default_factory=list)
    removed_claims: list[tuple[str, str, str]] = field(default_factory=list)
    evidence_only: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, Value, Value, str]] = field(default_factory=list)
    new_figures: list[tuple[str, str, Value, str]] = field(default_factory=list)
    removed_figures: list[tuple[str, str, Value, str]] = field(default_factory=list)
    last_dates: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing changed at all."""
        return not any(getattr(self, f) for f in self.__dataclass_fields__)


def printed_decimals(value: float | int, cap: int = MAX_DECIMALS) -> int:
    """Digits after the decimal point in the value's shortest printed form (``repr``), at most ``cap``.

    ``0.2141`` -> 4, ``2233.5`` -> 1, ``12`` -> 0, ``1e-05`` -> 5.
    """
    if isinstance(value, bool) or isinstance(value, int):
        return 0
    text = repr(float(value))
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        frac = len(mantissa.split(".")[1].rstrip("0")) if "." in mantissa else 0
        return min(cap, max(0, frac - int(exponent)))
    digits = text.split(".")[1].rstrip("0") if "." in text else ""
    return min(cap, len(digits))


def figure_moved(before: Value, after: Value) -> bool:
    """Whether a headline figure moved beyond its printed precision.

    Numbers are compared rounded to the coarser of the two printed precisions
    (:func:`printed_decimals`): a figure printed as ``0.21`` that is now ``0.2141`` has not moved,
    ``0.21`` to ``0.23`` has. Strings, booleans and ``None`` move on any change.
    """
    numeric = (int, float)
    if (isinstance(before, numeric) and not isinstance(before, bool)
            and isinstance(after, numeric) and not isinstance(after, bool)):
        if math.isnan(float(before)) or math.isnan(float(after)):
            return math.isnan(float(before)) != math.isnan(float(after))
        digits = min(printed_decimals(before), printed_decimals(after))
        return round(float(before), digits) != round(float(after), digits)
    return before != after


def _figures(body: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for nb, figures in (body.get("notebooks") or {}).items():
        for key, entry in (figures or {}).items():
            out[(nb, key)] = entry if isinstance(entry, Mapping) else {"value": entry}
    return out


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> Changes:
    """The :class:`Changes` from results body ``old`` to ``new``."""
    ch = Changes()
    oc, nc = old.get("claims") or {}, new.get("claims") or {}
    for cid in sorted(set(oc) | set(nc)):
        if cid not in oc:
            ch.new_claims.append((cid, nc[cid].get("verdict", ""), nc[cid].get("notebook", "")))
        elif cid not in nc:
            ch.removed_claims.append((cid, oc[cid].get("verdict", ""), oc[cid].get("notebook", "")))
        elif oc[cid].get("verdict") != nc[cid].get("verdict"):
            ch.verdicts.append((cid, oc[cid].get("verdict", ""), nc[cid].get("verdict", ""),
                                nc[cid].get("notebook", "")))
        elif oc[cid].get("evidence") != nc[cid].get("evidence"):
            ch.evidence_only.append(cid)
    of, nf = _figures(old), _figures(new)
    for nb, key in sorted(set(of) | set(nf)):
        if (nb, key) not in of:
            e = nf[(nb, key)]
            ch.new_figures.append((nb, key, e.get("value"), e.get("unit", "")))
        elif (nb, key) not in nf:
            e = of[(nb, key)]
            ch.removed_figures.append((nb, key, e.get("value"), e.get("unit", "")))
        elif figure_moved(of[(nb, key)].get("value"), nf[(nb, key)].get("value")):
            ch.moved.append((nb, key, of[(nb, key)].get("value"), nf[(nb, key)].get("value"),
                             nf[(nb, key)].get("unit", "")))
    od, nd = old.get("data_last_date") or {}, new.get("data_last_date") or {}
    ch.last_dates.extend((s, od.get(s), nd.get(s)) for s in sorted(set(od) | set(nd)) if od.get(s) != nd.get(s))
    return ch


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def to_markdown(ch: Changes, title: str = "What changed in this refresh") -> str:
    """The pull request's summary: verdict moves first (in bold), then claims, figures and data dates."""
    lines = [f"## {title}", ""]
    if ch.empty:
        return "\n".join(lines + ["Nothing changed: the same verdicts, figures and last dates.", ""])
    n_moves = len(ch.verdicts)
    lines.append(f"**{n_moves} verdict{'s' if n_moves != 1 else ''} moved.**" if n_moves else "No verdict moved.")
    lines.append("")
    if ch.verdicts:
        lines += _table(["claim", "before", "after", "notebook"],
                        [(f"**{c}**", f"**{b}**", f"**{a}**", nb) for c, b, a, nb in ch.verdicts])
    if ch.new_claims:
        lines += ["### New claims", ""] + _table(["claim", "verdict", "notebook"], ch.new_claims)
    if ch.removed_claims:
        lines += ["### Removed claims", ""] + _table(["claim", "last verdict", "notebook"], ch.removed_claims)
    if ch.evidence_only:
        lines += [f"Evidence text changed, verdict unchanged: {', '.join(ch.evidence_only)}.", ""]
    if ch.moved:
        lines += [f"### Headline figures that moved ({len(ch.moved)})", ""]
        lines += _table(["notebook", "figure", "before", "after", "unit"], ch.moved)
    if ch.new_figures:
        lines += [f"### New figures ({len(ch.new_figures)})", ""]
        lines += _table(["notebook", "figure", "value", "unit"], ch.new_figures)
    if ch.removed_figures:
        lines += [f"### Removed figures ({len(ch.removed_figures)})", ""]
        lines += _table(["notebook", "figure", "last value", "unit"], ch.removed_figures)
    if ch.last_dates:
        lines += ["### Data's last dates", ""]
        lines += _table(["series", "before", "after"], [(s, b or "-", a or "-") for s, b, a in ch.last_dates])
    return "\n".join(lines)


def summarize(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """Markdown of :func:`compare` (old, new)."""
    return to_markdown(compare(old, new))


def _read(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SystemExit(f"changes: cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise SystemExit(f"changes: {path} is not JSON (line {exc.lineno}): {exc.msg}") from exc
    if not isinstance(body, dict):
        raise SystemExit(f"changes: {path} holds a {type(body).__name__}, not a results object")
    return body


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m helpers.report.changes OLD NEW [-o OUT]``; prints or writes the Markdown."""
    parser = argparse.ArgumentParser(prog="python -m helpers.report.changes",
                                     description="Markdown summary of what changed between two results.json files")
    parser.add_argument("old", type=Path, help="results.json before the refresh ({} for none)")
    parser.add_argument("new", type=Path, help="results.json after the refresh")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown here instead of stdout")
    args = parser.parse_args(argv)
    text = summarize(_read(args.old), _read(args.new))
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
