"""Declared specifications of the claims: the committed table ``data/claim_specs.csv``.

Each claim's rule reads its thresholds and minimum meaningful effect from this table, so that a
change to a declared specification (a threshold, a window, a horizon) is a visible edit of a
committed file rather than a number moved inside a notebook. One row per claim C01-C30; a row
whose ``rule`` is empty is a placeholder for a claim whose rule is not yet declared.

Columns
-------
claim_id
    ``C01`` .. ``C30``.
rule
    Name of the rule function in ``helpers.claims`` that decides the claim.
primary_test
    The declared primary test, in a few words.
window
    The data window of the primary test (``start..end``; ``end`` may be ``end of data``).
thresholds
    ``name=value`` pairs separated by ``;`` (numbers or short strings) that the rule reads.
horizons
    Horizons of the primary test, ``;``-separated (weeks, months or days as the test says).
alternatives
    The alternative specifications the robustness section varies, ``;``-separated.
family
    The tests corrected together (multiple testing), ``;``-separated.
minimum_effect
    The smallest effect that would count as the claimed effect, in the test's own units
    (empty where the rule is not an interval rule).
source_notebook
    The notebook that records the claim's verdict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers import paths

COLUMNS: tuple[str, ...] = ("claim_id", "rule", "primary_test", "window", "thresholds", "horizons", "alternatives",
                            "family", "minimum_effect", "source_notebook")
_CLAIM_ID = re.compile(r"^C(0[1-9]|[12][0-9]|30)$")


@dataclass(frozen=True)
class ClaimSpec:
    """One claim's declared specification (a row of ``data/claim_specs.csv``).

    Attributes
    ----------
    claim_id, rule, primary_test, window, source_notebook : str
        As in the table.
    thresholds : dict of str to str
        Parsed ``name=value`` pairs; read numbers with :meth:`threshold`.
    horizons, alternatives, family : tuple of str
        The ``;``-separated lists.
    minimum_effect : float
        NaN where the table leaves it empty or declares it in words (several effects, say).
    minimum_effect_text : str
        The declared text as written.
    """

    claim_id: str
    rule: str
    primary_test: str
    window: str
    thresholds: dict[str, str] = field(default_factory=dict)
    horizons: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    minimum_effect: float = math.nan
    source_notebook: str = ""
    minimum_effect_text: str = ""

    def threshold(self, name: str) -> float:
        """The threshold ``name`` as a number.

        Raises
        ------
        KeyError
            Naming the claim and the thresholds it declares, if ``name`` is not one of them.
        ValueError
            If the declared value is not a number.
        """
        if name not in self.thresholds:
            raise KeyError(f"data/claim_specs.csv: {self.claim_id} declares no threshold {name!r} "
                           f"(it declares {sorted(self.thresholds)})")
        try:
            return float(self.thresholds[name])
        except ValueError:
            raise ValueError(f"data/claim_specs.csv: {self.claim_id} threshold {name}={self.thresholds[name]!r} "
                             "is not a number") from None

    def text(self, name: str) -> str:
        """The threshold ``name`` as declared (for dates and labels)."""
        if name not in self.thresholds:
            raise KeyError(f"data/claim_specs.csv: {self.claim_id} declares no threshold {name!r}")
        return self.thresholds[name]

    def horizon_values(self) -> list[int]:
        """The horizons as integers."""
        return [int(h) for h in self.horizons]

    def effect(self) -> float:
        """The minimum meaningful effect; an error if the specification declares none."""
        if math.isnan(self.minimum_effect):
            declared = f" as a number (it declares {self.minimum_effect_text!r})" if self.minimum_effect_text else ""
            raise ValueError(f"data/claim_specs.csv: {self.claim_id} declares no minimum_effect{declared}")
        return self.minimum_effect


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(";") if p.strip())


def parse_thresholds(text: str, where: str = "") -> dict[str, str]:
    """Parse ``"a=0.5; b=2025-12-01"`` into ``{"a": "0.5", "b": "2025-12-01"}``.

    Raises
    ------
    ValueError
        On a part without exactly one ``=`` or a repeated name.
    """
    out: dict[str, str] = {}
    for part in _split(text):
        if part.count("=") != 1:
            raise ValueError(f"{where}thresholds part {part!r} must be name=value")
        name, value = (s.strip() for s in part.split("="))
        if not name or name in out:
            raise ValueError(f"{where}threshold name {name!r} is empty or repeated")
        out[name] = value
    return out


def read_table(path: Path | None = None) -> pd.DataFrame:
    """The specification table as strings, indexed by ``claim_id``, after checking its shape.

    Raises
    ------
    ValueError
        Naming the file: wrong columns, a bad or repeated claim id.
    """
    path = path or paths.curated_dir() / "claim_specs.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if tuple(table.columns) != COLUMNS:
        raise ValueError(f"{path}: columns must be {list(COLUMNS)}, got {list(table.columns)}")
    bad = [c for c in table["claim_id"] if not _CLAIM_ID.match(c)]
    if bad:
        raise ValueError(f"{path}: claim ids {bad} are not C01..C30")
    if table["claim_id"].duplicated().any():
        raise ValueError(f"{path}: repeated claim ids {sorted(table.loc[table['claim_id'].duplicated(), 'claim_id'])}")
    return table.set_index("claim_id")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _from_row(claim_id: str, row: pd.Series, where: str) -> ClaimSpec:
    effect = row["minimum_effect"].strip()
    return ClaimSpec(
        claim_id=claim_id, rule=row["rule"].strip(), primary_test=row["primary_test"].strip(),
        window=row["window"].strip(), thresholds=parse_thresholds(row["thresholds"], where),
        horizons=_split(row["horizons"]), alternatives=_split(row["alternatives"]), family=_split(row["family"]),
        minimum_effect=_number(effect) if effect else math.nan, source_notebook=row["source_notebook"].strip(),
        minimum_effect_text=effect,
    )


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> dict[str, ClaimSpec | ValueError]:
    """Each row parsed on its own, so that one malformed row fails only the lookups of its own claim."""
    table = read_table(Path(path))
    out: dict[str, ClaimSpec | ValueError] = {}
    for cid, row in table.iterrows():
        try:
            out[str(cid)] = _from_row(str(cid), row, f"{path}, {cid}: ")
        except ValueError as exc:
            out[str(cid)] = exc
    return out


def _parsed(path: Path | None) -> dict[str, ClaimSpec | ValueError]:
    path = path or paths.curated_dir() / "claim_specs.csv"
    return _cached(str(path), path.stat().st_mtime)


def all_specs(path: Path | None = None) -> dict[str, ClaimSpec]:
    """Every well-formed row of the table as a :class:`ClaimSpec`, by claim id (see :func:`row_errors`)."""
    return {cid: s for cid, s in _parsed(path).items() if isinstance(s, ClaimSpec)}


def row_errors(path: Path | None = None) -> dict[str, str]:
    """The rows that do not parse, by claim id, with the reason (empty when the table is well formed)."""
    return {cid: str(s) for cid, s in _parsed(path).items() if isinstance(s, ValueError)}


def spec(claim_id: str, path: Path | None = None) -> ClaimSpec:
    """The declared specification of one claim.

    Raises
    ------
    KeyError
        If the table has no row for ``claim_id``.
    ValueError
        If the row is a placeholder (no rule declared yet).
    """
    parsed = _parsed(path)
    if claim_id not in parsed:
        raise KeyError(f"data/claim_specs.csv has no row for {claim_id}")
    found = parsed[claim_id]
    if isinstance(found, ValueError):
        raise found
    if not found.rule:
        raise ValueError(f"data/claim_specs.csv: {claim_id} is a placeholder (no rule declared yet)")
    return found
