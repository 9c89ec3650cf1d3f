"""Our curated QE/QT tables (data/) against the mirror's reference tables (events/).

The curated tables are written by the project with a source per row; the reference tables
are an independent compilation. A disagreement means one of them is wrong and must be
checked against the cited sources before any notebook number can be trusted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from helpers.data import facts
from helpers.studies import qt_mechanism as qtm


@pytest.fixture(scope="module")
def fed_events(mirror_dir: Path) -> pd.DataFrame:
    return facts.reference("fed_events", mirror=mirror_dir)


@pytest.fixture(scope="module")
def reference_caps(mirror_dir: Path) -> pd.DataFrame:
    return facts.reference("qt_caps", date_columns=("effective_date",), mirror=mirror_dir)


@pytest.fixture(scope="module")
def regimes() -> pd.DataFrame:
    return qtm.regimes()


def test_caps_agree_with_reference(reference_caps: pd.DataFrame) -> None:
    """Same effective dates and the same Treasury and MBS caps, row for row."""
    ours = qtm.qt_caps()
    assert list(ours["effective_date"]) == list(reference_caps["effective_date"])
    for col in qtm.CAP_COLUMNS:
        assert_allclose(ours[col].to_numpy(), pd.to_numeric(reference_caps[col]).to_numpy(), err_msg=col)


def test_caps_cover_qt1_and_qt2_and_stop_at_their_ends(regimes: pd.DataFrame) -> None:
    """Every QT month has a positive Treasury cap; the first month after each QT has zero caps."""
    caps = qtm.qt_caps()
    for q in ("QT1", "QT2"):
        first, last = qtm.qt_months(regimes, q)
        monthly = qtm.monthly_caps(caps, first, last + 1)
        assert (monthly["treasury_cap_bn"].iloc[:-1] > 0).all(), q
        assert (monthly.iloc[-1] == 0).all(), f"{q}: runoff should stop in {last + 1}"
    assert qtm.qt_months(regimes, "QT1") == (pd.Period("2017-10", "M"), pd.Period("2019-07", "M"))
    assert qtm.qt_months(regimes, "QT2") == (pd.Period("2022-06", "M"), pd.Period("2025-11", "M"))


@pytest.mark.parametrize("kind", ["qe", "qt"])
def test_regime_dates_match_reference_events(regimes: pd.DataFrame, fed_events: pd.DataFrame, kind: str) -> None:
    """QE and QT starts and ends are reference ``*_start`` / ``*_end`` rows, and nothing is missing."""
    rows = regimes[regimes["kind"] == kind]
    ref_starts = set(fed_events.loc[fed_events["event_type"] == f"{kind}_start", "date"])
    ref_ends = set(fed_events.loc[fed_events["event_type"] == f"{kind}_end", "date"])
    assert set(rows["start"]) == ref_starts
    assert set(rows["end"].dropna()) == ref_ends


def test_announcements_are_reference_events(regimes: pd.DataFrame, fed_events: pd.DataFrame) -> None:
    """Each announcement date is a reference event date (QT announcements are ``other`` rows there)."""
    dates = set(fed_events["date"])
    missing = [f"{r}: {d:%Y-%m-%d}" for r, d in regimes["announced"].items() if d not in dates]
    assert not missing


def test_reserve_management_purchases_match_reference(regimes: pd.DataFrame, fed_events: pd.DataFrame) -> None:
    """RMP announcements are the reference ``rmp_start`` rows; the first purchase day is the one they name."""
    rmp = regimes[regimes["kind"] == "rmp"]
    ref = fed_events[fed_events["event_type"] == "rmp_start"].set_index("date")
    assert set(rmp["announced"]) == set(ref.index)
    for name, row in rmp.iterrows():
        text = ref.loc[row["announced"], "description"]
        assert f"{row['start']:%b} {row['start'].day}" in text, f"{name}: {row['start']:%Y-%m-%d} not in {text!r}"
    assert regimes.loc["RMP2025", "start"] == pd.Timestamp("2025-12-12")
    assert pd.isna(regimes.loc["RMP2025", "end"])


def test_qt_end_2025_is_reference_qt_end(regimes: pd.DataFrame, fed_events: pd.DataFrame) -> None:
    """C05 rests on this: QT2 ended on 2025-12-01, announced on 2025-10-29."""
    assert regimes.loc["QT2", "end"] == pd.Timestamp("2025-12-01")
    assert ((fed_events["event_type"] == "qt_end") & (fed_events["date"] == pd.Timestamp("2025-12-01"))).any()
    assert regimes.loc["QT2", "announced"] == pd.Timestamp("2022-05-04")
    oct29 = fed_events[fed_events["date"] == pd.Timestamp("2025-10-29")]
    assert oct29["description"].str.contains("QT end").any()


def test_regimes_are_ordered_and_sourced(regimes: pd.DataFrame) -> None:
    """Within a kind, regimes do not overlap; announcements precede starts; every row has a source."""
    assert (regimes["announced"] <= regimes["start"]).all()
    assert (regimes["end"].dropna() > regimes.loc[regimes["end"].notna(), "start"]).all()
    for kind, rows in regimes.groupby("kind"):
        rows = rows.sort_values("start")
        assert (rows["start"].iloc[1:].to_numpy() >= rows["end"].iloc[:-1].to_numpy()).all(), kind
    assert (regimes["source"].str.len() > 10).all()
