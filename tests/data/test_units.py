"""Units pinned on real data: a wrong scale moves net liquidity by trillions."""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from helpers import data
from helpers.data import catalog
from helpers.data import liquidity as liq


@pytest.mark.parametrize(
    ("series_id", "scale"),
    [("WALCL", 1e-3), ("WDTGAL", 1e-3), ("WTREGEN", 1e-3), ("TREAST", 1e-3), ("WSHOMCB", 1e-3),
     ("WRESBAL", 1e-3), ("RRPONTSYD", 1.0), ("M2SL", 1.0)],
)
def test_money_series_scale_to_usd_bn(series_id: str, scale: float) -> None:
    """H.4.1 series are USD millions, RRPONTSYD and M2SL billions; a swap is a 1000x error."""
    assert catalog.get(series_id).scale_to_usd_bn == scale


def test_net_liquidity_on_2022_06_01_from_the_mirror(mirror_home: Path) -> None:
    """WALCL 8,915,050 and WDTGAL 780,575 (USD mn), RRPONTSYD 1,965.015 (USD bn) -> 6169.46 USD bn.

    Without the millions-to-billions scale the answer would be about 8.13 million "bn".
    """
    row = liq.net_liquidity().loc["2022-06-01"]
    assert_allclose(row["walcl"], 8915.050, atol=1e-9)
    assert_allclose(row["tga"], 780.575, atol=1e-9)
    assert_allclose(row["rrp"], 1965.015, atol=1e-9)
    assert_allclose(row["net_liquidity"], 6169.46, atol=0.01)
    assert row["tga_source"] == "WDTGAL"


def test_raw_values_are_as_published(mirror_home: Path) -> None:
    assert data.series("WALCL").loc["2022-06-01"] == 8915050
    assert data.series("RRPONTSYD").loc["2022-06-01"] == 1965.015


def test_usd_bn_refused_for_non_money(mirror_home: Path) -> None:
    with pytest.raises(ValueError, match="DGS10 is in percent"):
        data.series("DGS10", usd_bn=True)


def test_rrp_on_each_wednesday_follows_the_one_as_of_rule() -> None:
    """data.liquidity reads RRP with pandas' as-of; it must agree with methods.transforms.available_asof (lag 0, 7 days)."""
    import numpy as np
    import pandas as pd

    from helpers.methods import transforms as tf

    wednesdays = pd.date_range("2022-01-05", periods=12, freq="W-WED")
    business = pd.bdate_range("2021-12-20", "2022-03-31")
    rrp = pd.Series(np.arange(len(business), dtype=float), index=business)
    rrp = rrp.drop(business[(business >= "2022-02-01") & (business <= "2022-02-14")])  # a gap: one Wednesday stale
    walcl = pd.Series(8000.0, index=wednesdays)
    tga = pd.Series(500.0, index=wednesdays)
    out = liq.net_liquidity_from(walcl, tga, tga, rrp)
    expected = tf.available_asof(rrp, wednesdays, 0, 7)["value"]
    assert expected.isna().sum() == 1  # the Wednesday 2022-02-09 has no value within 7 days
    assert out.index.equals(pd.DatetimeIndex(expected.dropna().index))
    np.testing.assert_allclose(out["rrp"].to_numpy(), expected.dropna().to_numpy())
    sheet = liq.balance_sheet(walcl, walcl / 2, walcl / 4, walcl / 8, tga, rrp)
    np.testing.assert_allclose(sheet["rrp"].to_numpy(), expected.to_numpy())
