"""Figure fixes for the reader edition (helpers.figures) and the offline math renderer of the site."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.figures import data_tour, qt, rotation, scenarios  # noqa: E402
from helpers.report.sphinx_math import tex_to_html  # noqa: E402


def test_onset_lags_keep_lags_beyond_200_days_on_the_axes() -> None:
    lags = pd.DataFrame({"eth": [0.0, -610.0], "alt": [104.0, -507.0]},
                        index=pd.to_datetime(["2019-05-01", "2021-10-30"]))
    fig = rotation.onset_lags_figure(lags, (30, 90), "t", "s", "2026-07-18")
    left, right = fig.axes[0].get_xlim()
    assert left < -610 and right > 104
    offsets = np.concatenate([c.get_offsets()[:, 0] for c in fig.axes[0].collections if len(c.get_offsets())])
    assert offsets.min() == -610  # drawn where it is, not clipped to the edge
    plt.close(fig)


def test_sector_levels_not_labelled_usd() -> None:
    idx = pd.date_range("2020-01-01", periods=40)
    levels = pd.DataFrame({"btc": np.linspace(1, 2, 40), "alt": np.linspace(1, 3, 40)}, index=idx)
    members = pd.DataFrame({"alt": np.full(40, 3)}, index=idx)
    episodes = pd.DataFrame({"confirmed": [idx[5]], "ended": [idx[20]]})
    fig = rotation.sector_levels(levels, members, episodes, "t", "s", idx[-1])
    assert fig.axes[0].get_ylabel().startswith("index")
    plt.close(fig)


def test_coverage_axis_ends_with_the_data() -> None:
    values = {"a": pd.Series(1.0, index=pd.date_range("2003-01-01", "2026-10-02", freq="MS")),
              "b": pd.Series(1.0, index=pd.date_range("2015-01-01", "2026-03-29", freq="D"))}
    fig = data_tour.coverage_timeline(values, {"a": "fred", "b": "crypto"})
    right = matplotlib.dates.num2date(fig.axes[0].get_xlim()[1]).replace(tzinfo=None)
    assert pd.Timestamp("2026-10-02") < right < pd.Timestamp("2027-06-01")
    plt.close(fig)


def test_long_qt_titles_are_wrapped_not_cut() -> None:
    fig, ax = plt.subplots(figsize=(10, 4))
    fig.suptitle("2024-02: securities fell 75 bn; on the liability side the largest fall was in overnight "
                 "reverse repo, and some more words", fontweight="bold", fontsize=14)
    qt._finish(fig, "source")
    text = fig.get_suptitle()
    assert "\n" in text and max(len(line) for line in text.splitlines()) < 95
    plt.close(fig)


def test_strategy_codes_in_words() -> None:
    assert scenarios.strategy_label("staged_2w_daily") == "staged over 2 weeks, daily buys"
    assert scenarios.strategy_label("trailing_stop") == "trailing stop"
    assert "_" not in scenarios.strategy_label("some_new_code")


def test_math_as_text() -> None:
    html = tex_to_html(r"NL_t = \text{WALCL}_t - \text{TGA}_t - \text{RRP}_t")
    assert html == "NL<sub>t</sub> = WALCL<sub>t</sub> − TGA<sub>t</sub> − RRP<sub>t</sub>"
    assert tex_to_html(r"\frac{a}{b} \le x^{2}") == "(a)/(b) ≤ x<sup>2</sup>"


def test_notebook_parameters_read_annotated_and_injected_cells() -> None:
    import nbformat as _nbf

    from helpers.report.site import notebook_parameters

    nb = _nbf.v4.new_notebook()
    params_cell = _nbf.v4.new_code_cell("from typing import Optional\nseed: int = 1\nend: Optional[str] = None\nn = 5")
    params_cell.metadata["tags"] = ["parameters"]
    injected = _nbf.v4.new_code_cell("seed = 7\n")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [params_cell, injected]
    assert notebook_parameters(nb) == {"seed": 7, "end": None, "n": 5}
