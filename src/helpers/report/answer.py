"""The front page's plain-language answer, generated from ``results.json`` (never typed numbers).

Each function takes the merged results dictionary (``{"data_last_date": ..., "notebooks": ...,
"claims": ...}``) and returns plain text. A figure or claim missing from the results drops the
clause that needs it instead of failing, so a partial run still gives an honest, shorter answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

Results = Mapping[str, Any]

#: Verdict words in the order a reader sees them (strongest support first).
VERDICT_ORDER: tuple[str, ...] = ("supported", "partly supported", "not supported", "inconclusive",
                                  "untestable here", "not yet tested")
#: Claims that tie liquidity or Fed easing to crypto prices: the "extremely bullish" argument.
MARKET_LINK_CLAIMS: tuple[str, ...] = ("C03", "C04", "C07", "C08", "C09", "C24", "C28", "C30")
#: Below this absolute correlation of monthly changes the answer says the two "barely move together".
WEAK_CORRELATION = 0.3
#: Claims about the mechanism itself (QT drains, QT ended, liquidity after QT).
MECHANISM_CLAIMS: tuple[str, ...] = ("C01", "C02", "C05", "C06")
#: Code names in evidence text and their plain words.
PLAIN_WORDS: Mapping[str, str] = {
    "cvar05": "CVaR 5%", "mdd_mean": "mean drawdown", "buy_and_hold": "buy-and-hold",
    "trailing_stop": "trailing stop", "above_median": "above the median", "plus_50pct": "+50%",
    "plus_100pct": "+100%", "size_rank": "size rank", "excess_gain": "gain over BTC",
    "half_within": "half the fall within", "lump_sum": "lump sum",
}
_STAGED = re.compile(r"\bstaged_(\d+)w_(daily|weekly)\b")
_CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_N = re.compile(r"\bN\s*=\s*([\d,]+(?:\.\d+)?)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def verdict_of(results: Results, claim_id: str) -> str:
    """The verdict recorded for ``claim_id``, or ``not yet tested`` when no notebook recorded it."""
    return str(results.get("claims", {}).get(claim_id, {}).get("verdict", "not yet tested"))


def verdict_counts(results: Results) -> list[tuple[str, int]]:
    """Verdict counts over the recorded claims, in :data:`VERDICT_ORDER`, zero counts left out."""
    counts = Counter(str(c.get("verdict", "not yet tested")) for c in results.get("claims", {}).values())
    known = [(v, counts[v]) for v in VERDICT_ORDER if counts[v]]
    return known + sorted((v, n) for v, n in counts.items() if v not in VERDICT_ORDER)


def figure(results: Results, notebook: str, key: str) -> Any:
    """The value recorded under ``key`` by ``notebook``, or None when it is missing."""
    entry = results.get("notebooks", {}).get(notebook, {}).get(key)
    return entry.get("value") if isinstance(entry, Mapping) else None


def bullish_sentence(results: Results) -> str:
    """Sentence 1: is the end of QT "extremely bullish" for crypto, judged by the market-link claims.

    The rule: *yes* only if most tested market-link claims are ``supported``; *no* if none is
    supported or partly supported; otherwise *not as claimed* (some parts hold, the link does not).
    """
    verdicts = [verdict_of(results, c) for c in MARKET_LINK_CLAIMS]
    tested = [v for v in verdicts if v != "not yet tested"]
    if not tested:
        return 'Whether the end of QT is "extremely bullish" for crypto is not yet tested: no notebook has recorded it.'
    n_sup, n_part = tested.count("supported"), tested.count("partly supported")
    if n_sup > len(tested) / 2:
        head = "Largely yes"
    elif n_sup + n_part == 0:
        head = "No"
    else:
        head = "Not as claimed"
    verb = "so the data back the article: the end of QT is" if head == "Largely yes" else \
        "so the data do not show that the end of QT is"
    claims = f"{len(tested)} claims that tie" if len(tested) > 1 else "one claim that ties"
    return (f"{head}: of the {claims} liquidity or Fed easing to crypto prices, "
            f"{_count_phrase(n_sup, 'is', 'are')} supported and {n_part} only partly, {verb} \"extremely bullish\" "
            f"for crypto.")


def mechanism_sentence(results: Results, qt_end: str | None = None) -> str:
    """Sentence 2: what held, the mechanism (QT ran off securities; QT ended), with its numbers."""
    nb = "01_qt_mechanism"
    decline = figure(results, nb, "securities_decline_qt2_usd_bn")
    amount = f" USD {_bn(decline)} of" if decline is not None else ""
    text = (f"What held is the mechanism: QT ran off{amount} the Fed's securities ({_tag(results, 'C01')}) and "
            f"ended{' on ' + qt_end if qt_end else ''} ({_tag(results, 'C05')})")
    netliq = figure(results, nb, "net_liquidity_qt2_change_usd_bn")
    if netliq is not None:
        moved = "fell only" if netliq < 0 else "rose by"
        text += f", but net liquidity, the money markets see, {moved} USD {_bn(netliq)} ({_tag(results, 'C02')})"
    return text + "."


def link_sentence(results: Results) -> str:
    """Sentence 3: what did not hold, the link in changes (C09) and pivot rallies vs the base rate (C08)."""
    clauses = []
    r = figure(results, "02_liquidity_vs_btc", "corr_monthly_dlog_btc_netliq_2015_2025")
    n = figure(results, "02_liquidity_vs_btc", "n_months_2015_2025")
    if r is not None:
        size = f", {n:.0f} months" if isinstance(n, int | float) else ""
        how = "barely move together" if abs(r) < WEAK_CORRELATION else "move together only in part"
        clauses.append(f"BTC and net liquidity {how} month to month (correlation {r:+.2f}{size}; "
                       f"{_tag(results, 'C09')})")
    base = figure(results, "03_pivot_event_studies", "btc_rally_base_rate_plus_50pct")
    if base is not None and base >= 0.5:  # a common outcome: three rallies out of three prove little
        clauses.append(f"a rally after an easing turn says little, since a 50% gain within "
                       f"6-18 months followed {base:.0%} of all days ({_tag(results, 'C08')})")
    if not clauses:
        return ""
    return "What did not hold is the link to prices: " + ", and ".join(clauses) + "."


def _tag(results: Results, claim_id: str) -> str:
    return f"{claim_id} {verdict_of(results, claim_id)}"


def last_dates_sentence(results: Results, series: Sequence[tuple[str, str]] = (
        ("WALCL", "the Fed's balance sheet"), ("RRPONTSYD", "the reverse repo"), ("btc", "BTC prices"))) -> str:
    """Sentence 4: the last date of the data the answer rests on."""
    last = results.get("data_last_date", {})
    parts = [f"{last[sid]} for {label}" for sid, label in series if sid in last]
    if not parts:
        return ""
    return "The data end on " + _join(parts) + "."


def front_answer(results: Results, qt_end: str | None = None) -> list[str]:
    """The front page's answer: three or four plain sentences, empty ones left out."""
    sentences = [bullish_sentence(results), mechanism_sentence(results, qt_end), link_sentence(results),
                 last_dates_sentence(results)]
    return [s for s in sentences if s]


def plain_evidence(claim: Mapping[str, Any], last_date: str | None = None, limit: int = 260) -> str:
    """One plain sentence of evidence for a claim, with its N and the data's last date.

    Uses the claim's ``plain`` field when a notebook recorded one; otherwise the first sentence of
    ``evidence``, with code names turned into words and cut at a clause boundary near ``limit``.
    """
    text = str(claim.get("plain") or "").strip()
    source = text or str(claim.get("evidence", "")).strip()
    if not source:
        return "No evidence recorded yet."
    if not text:
        text = _first_sentence(plainer(source), limit)
    extras = []
    found = _N.search(source)
    if found and not _N.search(text):
        extras.append(f"N = {found.group(1)}")
    if last_date and last_date not in text:
        extras.append(f"data to {last_date}")
    if extras:
        text = text.rstrip(".") + f" ({'; '.join(extras)})."
    return text


def plainer(text: str) -> str:
    """Replace code names (``cvar05``, ``staged_2w_weekly``, ``mdd_mean``) with plain words."""
    text = _STAGED.sub(lambda m: f"staged over {m.group(1)} weeks ({m.group(2)})", text)
    for code, words in PLAIN_WORDS.items():
        text = re.sub(rf"\b{re.escape(code)}\b", words, text)
    return _CODE_NAME.sub(lambda m: m.group(0).replace("_", " "), text)


def _first_sentence(text: str, limit: int) -> str:
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first if first.endswith((".", "!", "?")) else first + "."
    cut = max(first.rfind("; ", 0, limit), first.rfind(", ", 0, limit))
    if cut < limit // 3:
        cut = first.rfind(" ", 0, limit)
    return first[:cut].rstrip(" ,;:") + " …"


def _bn(value: float, signed: bool = False) -> str:
    return f"{value:+,.0f} bn" if signed else f"{abs(value):,.0f} bn"


def _count_phrase(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}" if n else f"none {one}"


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
