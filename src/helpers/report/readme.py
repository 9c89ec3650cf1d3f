"""The README's headline block: the answer and three key figures, generated from ``reports/results.json``.

The block sits between two markers in ``README.md`` so that its numbers are never typed:
``make reports`` rewrites it after publishing (``python -m helpers.report.readme``) and a test
fails when the committed README disagrees with the committed results.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.report import answer

START = "<!-- headline:start (generated from reports/results.json by `python -m helpers.report.readme`) -->"
END = "<!-- headline:end -->"


def _figure(results: Mapping[str, Any], notebook: str, key: str) -> Mapping[str, Any] | None:
    entry = results.get("notebooks", {}).get(notebook, {}).get(key)
    return entry if isinstance(entry, Mapping) and entry.get("value") is not None else None


def key_figures(results: Mapping[str, Any]) -> list[str]:
    """Bullet lines for the three figures a reader should see first (each with its note: N, interval, dates)."""
    lines: list[str] = []
    netliq = _figure(results, "01_qt_mechanism", "net_liquidity_qt2_change_usd_bn")
    walcl = _figure(results, "01_qt_mechanism", "walcl_qt2_decline_usd_bn")
    if netliq is not None:
        tail = f", while the balance sheet (WALCL) fell {walcl['value']:,.0f} bn" if walcl is not None else ""
        lines.append(f"- **The drain:** over QT2 net liquidity changed by {netliq['value']:+,.0f} USD bn{tail} "
                     f"(notebook 01; {netliq['note']}).")
    corr = _figure(results, "02_liquidity_vs_btc", "corr_monthly_dlog_btc_netliq_2015_2025")
    levels = _figure(results, "02_liquidity_vs_btc", "corr_monthly_log_levels_btc_netliq_2015_2025")
    if corr is not None:
        tail = f"; in trending levels it is {levels['value']:.2f}, which is why levels mislead" if levels else ""
        lines.append(f"- **The link:** the correlation of monthly changes of BTC and net liquidity is "
                     f"{corr['value']:.2f}{tail} (notebook 02; {corr['note']}).")
    start = _figure(results, "06_risk_scenarios", "btc_close_at_qt_end_usd")
    last = _figure(results, "06_risk_scenarios", "btc_last_close_usd")
    last_date = _figure(results, "06_risk_scenarios", "btc_last_date")
    if start is not None and last is not None:
        change = last["value"] / start["value"] - 1
        when = f" on {last_date['value']}" if last_date is not None else ""
        lines.append(f"- **Since QT ended:** BTC closed at {start['value']:,.0f} USD on 2025-12-01 and at "
                     f"{last['value']:,.0f} USD{when} ({change:+.0%}; notebook 06).")
    return lines


#: The front page's forecast figure (the site writes it under this stable name), relative to the project root.
FORECAST_IMAGE = "reports/_images/forecast_btc.png"


def headline(results: Mapping[str, Any], image: bool = False) -> str:
    """The whole generated block (without the markers); ``image`` adds the front page's forecast figure."""
    counts = ", ".join(f"{n} {word}" for word, n in answer.verdict_counts(results) if n)
    parts = [" ".join(answer.front_answer(results)), "", f"Verdicts on the article's claims: {counts}.", "",
             *key_figures(results)]
    if image:
        parts += ["", f"![BTC since the end of QT against notebook 06's simulated paths and the article's "
                      f"90,000-100,000 band]({FORECAST_IMAGE})"]
    return "\n".join(parts).strip() + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the markers replaced by ``block``.

    Raises
    ------
    ValueError
        If the README lacks either marker (it names both).
    """
    if START not in text or END not in text:
        raise ValueError(f"README.md has no headline markers; add the lines {START!r} and {END!r}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}{END}{tail}"


def update(readme: Path, results_path: Path) -> bool:
    """Rewrite the README's block from ``results_path``; return whether the file changed."""
    from helpers.report import files

    results = json.loads(results_path.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    image = (readme.parent / FORECAST_IMAGE).is_file()
    return files.write_text(readme, replace_block(text, headline(results, image)))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.report.readme [--readme PATH] [--results PATH]``."""
    root = paths.project_root()
    p = argparse.ArgumentParser(prog="python -m helpers.report.readme", description=__doc__)
    p.add_argument("--readme", type=Path, default=root / "README.md")
    p.add_argument("--results", type=Path, default=paths.settings().reports / "results.json")
    args = p.parse_args(argv)
    try:
        changed = update(args.readme, args.results)
    except (OSError, ValueError) as exc:
        print(f"readme: {exc}", file=sys.stderr)
        return 1
    print(f"{args.readme}: headline {'updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
