"""The front page's generated answer (helpers.report.answer) on small constructed results."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.report import answer


def _results(verdicts: dict[str, str], **figures: Any) -> dict[str, Any]:
    notebooks: dict[str, dict[str, Any]] = {}
    for key, (nb, value) in figures.items():
        notebooks.setdefault(nb, {})[key] = {"value": value, "unit": "", "note": ""}
    return {"data_last_date": {"WALCL": "2026-09-30", "RRPONTSYD": "2026-09-04", "btc": "2026-07-18"},
            "notebooks": notebooks,
            "claims": {c: {"verdict": v, "evidence": f"evidence of {c}", "notebook": "01_x"} for c, v in verdicts.items()}}


@pytest.mark.parametrize(("verdicts", "start"), [
    ({"C03": "supported", "C04": "supported", "C09": "not supported"}, "Largely yes"),
    ({"C03": "inconclusive", "C09": "not supported", "C07": "not supported"}, "No:"),
    ({"C03": "inconclusive", "C08": "partly supported", "C09": "not supported"}, "Not as claimed"),
    ({"C03": "supported", "C04": "inconclusive", "C09": "not supported", "C24": "inconclusive"}, "Not as claimed"),
], ids=["majority-supported", "none-holds", "partly", "half-is-not-majority"])
def test_bullish_sentence_follows_the_rule(verdicts: dict[str, str], start: str) -> None:
    sentence = answer.bullish_sentence(_results(verdicts))
    assert sentence.startswith(start)
    assert f"of the {len(verdicts)} claims" in sentence


def test_bullish_sentence_counts_supported_and_partly() -> None:
    sentence = answer.bullish_sentence(_results({"C03": "supported", "C07": "partly supported",
                                                 "C08": "partly supported", "C09": "not supported",
                                                 "C01": "supported"}))
    assert "1 is supported and 2 only partly" in sentence
    assert "of the 4 claims" in sentence  # C01 is a mechanism claim, not a market-link claim


def test_bullish_sentence_when_nothing_tested() -> None:
    assert "not yet tested" in answer.bullish_sentence(_results({"C01": "supported"}))


def test_mechanism_sentence_reads_numbers_from_results() -> None:
    results = _results({"C01": "supported", "C05": "supported", "C02": "partly supported"},
                       securities_decline_qt2_usd_bn=("01_qt_mechanism", 1234.4),
                       net_liquidity_qt2_change_usd_bn=("01_qt_mechanism", -321.6))
    sentence = answer.mechanism_sentence(results, "2025-12-01")
    assert "USD 1,234 bn" in sentence and "fell only USD 322 bn" in sentence
    assert "ended on 2025-12-01 (C05 supported)" in sentence and "(C02 partly supported)" in sentence


def test_mechanism_sentence_drops_missing_numbers() -> None:
    sentence = answer.mechanism_sentence(_results({"C01": "supported"}))
    assert "bn" not in sentence and "C05 not yet tested" in sentence


def test_link_sentence_uses_correlation_and_base_rate() -> None:
    results = _results({"C09": "not supported", "C08": "partly supported"},
                       corr_monthly_dlog_btc_netliq_2015_2025=("02_liquidity_vs_btc", 0.1064),
                       n_months_2015_2025=("02_liquidity_vs_btc", 131),
                       btc_rally_base_rate_plus_50pct=("03_pivot_event_studies", 0.7935))
    sentence = answer.link_sentence(results)
    assert "+0.11, 131 months" in sentence and "79% of all days" in sentence
    assert answer.link_sentence(_results({})) == ""


def test_front_answer_has_three_or_four_sentences_and_last_dates() -> None:
    results = _results({"C09": "not supported"}, corr_monthly_dlog_btc_netliq_2015_2025=("02_liquidity_vs_btc", 0.1))
    sentences = answer.front_answer(results)
    assert 3 <= len(sentences) <= 4
    assert "2026-09-30" in sentences[-1] and "2026-07-18" in sentences[-1]


def test_verdict_counts_in_reading_order() -> None:
    counts = answer.verdict_counts(_results({"C01": "inconclusive", "C02": "supported", "C03": "inconclusive"}))
    assert counts == [("supported", 1), ("inconclusive", 2)]


def test_plain_evidence_prefers_plain_field() -> None:
    text = answer.plain_evidence({"plain": "BTC rose 5% (N = 12).", "evidence": "long; technical"}, "2026-07-18")
    assert text == "BTC rose 5% (N = 12) (data to 2026-07-18)."


def test_plain_evidence_first_sentence_with_n_and_code_names_replaced() -> None:
    claim = {"evidence": "The staged_2w_weekly entry cut cvar05 by 1% (N=4037 days). Second sentence here."}
    text = answer.plain_evidence(claim, "2026-07-18")
    assert "Second sentence" not in text
    assert "staged over 2 weeks (weekly)" in text and "CVaR 5%" in text and "_" not in text
    assert text.endswith("(data to 2026-07-18).")


def test_plain_evidence_cuts_long_sentences_and_keeps_n() -> None:
    claim = {"evidence": "Effect A +0.1 [0, 0.2]; " * 30 + "overall N=581 weeks"}
    text = answer.plain_evidence(claim, None, limit=120)
    assert len(text) < 160 and "…" in text and "N = 581" in text


def test_link_sentence_words_follow_the_numbers() -> None:
    strong = answer.link_sentence(_results({}, corr_monthly_dlog_btc_netliq_2015_2025=("02_liquidity_vs_btc", 0.55),
                                           btc_rally_base_rate_plus_50pct=("03_pivot_event_studies", 0.2)))
    assert "move together only in part" in strong and "barely" not in strong
    assert "of all days" not in strong  # a rare rally is not dismissed by its base rate
    weak = answer.link_sentence(_results({}, corr_monthly_dlog_btc_netliq_2015_2025=("02_liquidity_vs_btc", -0.05)))
    assert "barely move together" in weak
