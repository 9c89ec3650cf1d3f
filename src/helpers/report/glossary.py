"""The glossary of the reader site: each term a class meets, its definition, and how it is spotted in text.

One list serves both the glossary page (:func:`glossary_markdown`) and the linking of each term's
first use in every notebook (:mod:`helpers.report.nbtransform`), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A glossary entry.

    Attributes
    ----------
    name : str
        The term as the glossary lists it (also the target of ``{term}`` links).
    pattern : str
        Regular expression that finds the term in prose (word boundaries added around it).
    definition : str
        One or two plain sentences.
    case_sensitive : bool
        Acronyms match case-sensitively (``QT`` but not ``qt``); words match any case.
    """

    name: str
    pattern: str
    definition: str
    case_sensitive: bool = False

    def regex(self) -> re.Pattern[str]:
        """The compiled pattern, with word boundaries."""
        return re.compile(rf"(?<![\w-])(?:{self.pattern})(?![\w-])", 0 if self.case_sensitive else re.IGNORECASE)


TERMS: tuple[Term, ...] = (
    Term("QT", r"QT|quantitative tightening",
         "Quantitative tightening: the Fed lets the securities it holds mature without buying new ones, so its "
         "balance sheet, and the money it created, shrink. QT1 ran 2017-2019, QT2 from June 2022 to 2025-12-01.",
         case_sensitive=True),
    Term("QE", r"QE|quantitative easing",
         "Quantitative easing: the Fed buys Treasury securities and mortgage-backed securities (MBS) and pays with "
         "new bank reserves, so its balance sheet grows.", case_sensitive=True),
    Term("runoff", r"run-?off",
         "The securities that mature each month and are not replaced during QT; the Fed capped it per month "
         "(the runoff caps)."),
    Term("TGA", r"TGA|Treasury General Account",
         "The Treasury General Account: the US government's cash account at the Fed. When it rises, money leaves "
         "banks and markets.", case_sensitive=True),
    Term("RRP", r"RRP|ON RRP|reverse repo",
         "The Fed's overnight reverse repurchase facility, where money-market funds park cash at the Fed. Cash in it "
         "is idle; when it drains, that cash returns to markets.", case_sensitive=True),
    Term("net liquidity", r"net liquidity",
         "A market convention: the Fed's total assets (WALCL) minus the TGA minus the reverse repo, in USD bn; the "
         "part of the Fed's balance sheet that is left for banks and markets."),
    Term("log return", r"log returns?|log changes?|log differences?",
         "The change of the logarithm of a price, ln(P1/P0). A log return of 0.69 is a doubling, -0.69 a halving; "
         "log returns add up over time, so they can be averaged and compared."),
    Term("HAC (Newey-West)", r"HAC|Newey[-–]West",
         "Heteroskedasticity and autocorrelation consistent standard errors (Newey and West, 1987): intervals that "
         "stay honest when neighbouring observations are correlated, as overlapping returns are."),
    Term("stationary bootstrap", r"stationary bootstrap|block bootstrap|block-bootstrap",
         "A resampling method for time series (Politis and Romano, 1994): it redraws random blocks of consecutive "
         "days, so the intervals keep the data's clustering and trends."),
    Term("placebo", r"placebos?|random[- ]date placebo",
         "A test that repeats the analysis on random dates, where no event happened: if the real events look no "
         "different from the placebos, the events did not matter."),
    Term("event study", r"event stud(?:y|ies)",
         "Measuring what a price did in a fixed window around dated events (for example 180 days after a Fed "
         "pivot), and comparing it with what it did on other days."),
    Term("Holm", r"Holm",
         "Holm's correction (1979) for running several tests at once: it raises each p-value so that the chance of "
         "any false discovery stays at the chosen level.", case_sensitive=True),
    Term("Benjamini-Hochberg", r"Benjamini[-–]Hochberg|BH",
         "A correction for many tests (1995) that controls the expected share of false discoveries among the "
         "results called significant; less strict than Holm.", case_sensitive=True),
    Term("Granger causality", r"Granger(?: causality)?",
         "A series 'Granger-causes' another if its past helps forecast the other beyond the other's own past. It "
         "is about forecasting, not about cause.", case_sensitive=True),
    Term("ADF", r"ADF|augmented Dickey[-–]Fuller",
         "The augmented Dickey-Fuller test: does a series wander without a fixed mean (a unit root)? Trending "
         "levels usually do, which is why their correlation misleads.", case_sensitive=True),
    Term("cointegration", r"cointegrat(?:ion|ed)",
         "Two wandering series are cointegrated when a combination of them does not wander: they are tied together "
         "in the long run. Without it, a correlation of their levels is spurious."),
    Term("local projection", r"local projections?",
         "Jorda's (2005) method to trace the response of a series over the following weeks to a shock today, one "
         "regression per horizon."),
    Term("CVaR", r"CVaR|conditional value at risk|expected shortfall",
         "Conditional value at risk: the average of the worst outcomes, for example the mean of the worst 5% of "
         "returns (CVaR 5%).", case_sensitive=True),
    Term("drawdown", r"drawdowns?",
         "The fall from the highest value so far to a later low, as a share of the high; the maximum drawdown is "
         "the largest such fall."),
    Term("base rate", r"base rates?",
         "How often something happens on any day, not only after the events of interest. A rally after every pivot "
         "means little if rallies follow most days."),
    Term("survivorship", r"survivorship|survivor[- ]only|survivor bias",
         "Survivorship bias: studying only the assets that still exist today overstates past returns, because the "
         "ones that failed are missing."),
)


def term_by_name(name: str) -> Term:
    """The term called ``name`` (exact); raises ``KeyError`` naming the known terms."""
    for term in TERMS:
        if term.name == name:
            return term
    raise KeyError(f"unknown glossary term {name!r}; known: {', '.join(t.name for t in TERMS)}")


def glossary_markdown() -> str:
    """The glossary page in MyST: a Sphinx ``glossary`` directive, terms sorted as listed."""
    lines = ["# Glossary", "", "The words a class meets in these notebooks, in plain language. Every notebook links "
             "each term at its first use.", "", "```{glossary}"]
    for term in sorted(TERMS, key=lambda t: t.name.lower()):
        lines += [term.name, f"  {term.definition}", ""]
    return "\n".join(lines).rstrip() + "\n```\n\n" + verdicts_markdown()


def verdicts_markdown() -> str:
    """The verdict vocabulary as a glossary section, read from :mod:`helpers.claims.vocabulary` (written once there)."""
    from helpers.claims.ledger import vocabulary_table

    table = vocabulary_table()
    lines = ["## The verdicts", "", "Every claim gets one of five words, decided by a declared rule "
             "(`data/claim_specs.csv`); each means the same for every claim.", "", "```{glossary}"]
    for verdict, row in table.iterrows():
        lines += [str(verdict), f"  {row['requires']}", ""]
    return "\n".join(lines).rstrip() + "\n```\n"
