"""Notebook 08 executed through papermill on the mirror: every replication recorded with its published figure,
and our figures recomputed independently from the raw mirror CSVs with plain numpy and pandas."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

NAME = "08_replications"
PERIODS = {"2017_2019": ("2017-01-01", "2019-12-31"), "2020_2021": ("2020-01-01", "2021-12-31"),
           "2022_2023": ("2022-01-01", "2023-12-31"), "2024_2025": ("2024-01-01", "2025-12-31")}
#: The published figures as the studies state them.
PUBLISHED = {"aiq_corr_btc_spx_2017_2019": 0.01, "aiq_corr_btc_spx_2020_2021": 0.36,
             "ca_btc_m2_agree_12m": 0.83, "ca_btc_m2_agree_6m": 0.74}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(run_notebook: Any) -> tuple[Any, dict[str, Any]]:
    return run_notebook(NAME, bootstrap_reps=200)


@pytest.fixture(scope="module")
def figures(executed: tuple[Any, dict[str, Any]]) -> dict[str, Any]:
    run, body = executed
    assert run.status == "ok", run.error
    return {k: v["value"] for k, v in body["figures"].items()}


@pytest.fixture(scope="module")
def raw(mirror_dir: Path) -> dict[str, pd.Series]:
    btc = pd.read_csv(mirror_dir / "crypto" / "btc.csv", parse_dates=["date"]).set_index("date")["price_usd"].dropna()
    btc.index = btc.index - pd.Timedelta(days=1)  # the mirror labels the 00:00 UTC price of D+1 with D+1
    spx = pd.read_csv(mirror_dir / "fred" / "SP500.csv", parse_dates=["observation_date"],
                      na_values=".").set_index("observation_date")["SP500"].dropna()
    m2 = pd.read_csv(mirror_dir / "fred" / "M2SL.csv", parse_dates=["observation_date"],
                     na_values=".").set_index("observation_date")["M2SL"].dropna()
    return {"btc": btc, "spx": spx, "m2": m2}


def test_notebook_runs(executed: tuple[Any, dict[str, Any]], mirror_home: Path) -> None:
    run, body = executed
    assert run.status == "ok", run.error
    assert (mirror_home / "reports" / f"{NAME}.html").is_file()
    assert body["claims"] == {}  # no verdicts here: notebooks 02 and 06 own C09, C20, C24


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_published_figures_recorded_beside_ours(executed: tuple[Any, dict[str, Any]], key: str) -> None:
    entries = executed[1]["figures"]
    assert entries[f"{key}_published"]["value"] == PUBLISHED[key]
    ours = entries[key]
    assert isinstance(ours["value"], float) and math.isfinite(ours["value"])
    assert "N=" in ours["note"] and entries[f"{key}_published"]["unit"] == ours["unit"]


@pytest.mark.parametrize("label", sorted(PERIODS))
def test_correlations_match_a_recomputation(figures: dict[str, Any], raw: dict[str, pd.Series], label: str) -> None:
    both = pd.concat([raw["btc"].rename("btc"), raw["spx"].rename("spx")], axis=1, join="inner").dropna()
    rets = np.log(both).diff().dropna().loc[slice(*PERIODS[label])]
    r = float(np.corrcoef(rets["btc"], rets["spx"])[0, 1])
    key = f"aiq_corr_btc_spx_{label}"
    assert figures[key] == pytest.approx(r, abs=1e-9)
    assert figures[f"{key}_n"] == len(rets)
    assert figures[f"{key}_lo"] < figures[key] < figures[f"{key}_hi"]


def _agreement(btc: pd.Series, m2: pd.Series, start: str, end: str, window: int) -> tuple[float, float, float, int]:
    months = pd.period_range(start, end, freq="M")
    month_end = btc.reindex(months.to_timestamp(how="end").normalize()).to_numpy()
    m2_month = m2.groupby(m2.index.to_period("M")).last().reindex(months).to_numpy()
    frame = pd.DataFrame({"b": month_end, "m": m2_month}, index=months).dropna()
    db, dm = frame["b"].diff(window), frame["m"].diff(window)
    ok = db.notna() & dm.notna()
    up_b, up_m = (db[ok] > 0), (dm[ok] > 0)
    return float((up_b == up_m).mean()), float(up_b.mean()), float(up_m.mean()), int(ok.sum())


@pytest.mark.parametrize("window", [12, 6])
def test_agreement_matches_a_recomputation(figures: dict[str, Any], raw: dict[str, pd.Series], window: int) -> None:
    agree, btc_up, m2_up, n = _agreement(raw["btc"], raw["m2"], "2013-05", "2024-07", window)
    assert figures[f"ca_btc_m2_agree_{window}m"] == pytest.approx(agree, abs=1e-12)
    assert figures[f"ca_btc_up_{window}m"] == pytest.approx(btc_up, abs=1e-12)
    assert figures[f"ca_m2_up_{window}m"] == pytest.approx(m2_up, abs=1e-12)
    assert figures[f"ca_agree_expected_{window}m"] == pytest.approx(btc_up * m2_up + (1 - btc_up) * (1 - m2_up))
    assert 0 < figures[f"ca_agree_shift_p_{window}m"] <= 1
    assert n > 100
    last = min(raw["btc"].index[-1], raw["m2"].index[-1]).strftime("%Y-%m")
    latest = _agreement(raw["btc"], raw["m2"], "2013-05", last, window)[0]
    assert figures[f"ca_btc_m2_agree_{window}m_to_latest"] == pytest.approx(latest, abs=1e-12)
    assert figures["ca_m2_vintage"] in ("latest revised", "latest revised and real-time")


@pytest.mark.parametrize(("suffix", "start", "end"), [("in_sample", "2013-01-01", "2017-12-31"),
                                                      ("after", "2018-01-01", None)])
def test_monday_effect_matches_a_recomputation(figures: dict[str, Any], raw: dict[str, pd.Series], suffix: str,
                                               start: str, end: str | None) -> None:
    close = raw["btc"]
    ret = np.log(close).diff()
    ret = ret[close.index.to_series().diff() == pd.Timedelta(days=1)].loc[start:end]
    monday = ret.index.day_of_week == 0
    diff = float(ret[monday].mean() - ret[~monday].mean())
    assert figures[f"cp_monday_minus_rest_{suffix}"] == pytest.approx(diff, abs=1e-12)
    assert 0 < figures[f"cp_monday_minus_rest_p_{suffix}"] <= 1
    assert 0 < figures[f"cp_min_p_holm_{suffix}"] <= 1
    if suffix == "in_sample":  # the snapshot label names Sunday's return "Monday"
        sunday = ret.index.day_of_week == 6
        snap = float(ret[sunday].mean() - ret[~sunday].mean())
        assert figures["cp_monday_minus_rest_in_sample_snapshot_label"] == pytest.approx(snap, abs=1e-12)


def test_keys_follow_the_parameters(mirror_home: Path, tmp_path: Path) -> None:
    from helpers.claims.results import read_notebook_results
    from helpers.report import runner

    params = {"bootstrap_reps": 0, "aiq_periods": [["2018-01-01", "2019-12-31"]], "cp_day": "sunday"}
    run = runner.execute(NAME, params, tmp_path, render=False)
    assert run.status == "ok", run.error
    body = read_notebook_results(tmp_path / "results" / f"{NAME}.json")
    keys = set(body["figures"])
    assert "aiq_corr_btc_spx_2018_2019" in keys and "aiq_corr_btc_spx_2017_2019" not in keys
    assert "cp_sunday_minus_rest_in_sample" in keys and "cp_monday_minus_rest_in_sample" not in keys
