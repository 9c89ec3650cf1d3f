"""The claim table (data/claims.csv) and the declared specifications (data/claim_specs.csv) agree: C01-C30."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.claims import specs
from helpers.data import facts

IDS = [f"C{i:02d}" for i in range(1, 31)]
CLAIMS_MD = Path(__file__).resolve().parents[3] / "shared" / "CLAIMS.md"


def test_every_claim_has_a_row_a_notebook_and_a_source() -> None:
    table = facts.curated("claims", date_columns=())
    assert list(table["claim_id"]) == IDS
    assert table["notebook"].str.fullmatch(r"\d\d").all()
    assert (table["claim"].str.len() > 20).all()


def test_specifications_name_the_notebook_of_the_claim_table() -> None:
    claims = facts.curated("claims", date_columns=()).set_index("claim_id")
    declared = specs.all_specs()
    assert sorted(declared) == IDS
    for cid, s in declared.items():
        assert s.source_notebook[:2] == claims.loc[cid, "notebook"], cid


def test_ids_match_the_shared_claims_list() -> None:
    if not CLAIMS_MD.is_file():
        pytest.skip(f"{CLAIMS_MD} is not here (it lives beside the data mirror)")
    listed = re.findall(r"^\| (C\d\d) \|", CLAIMS_MD.read_text(encoding="utf-8"), flags=re.M)
    assert listed == IDS
