"""Every worked case of the tiering service (tests/contact/data/tier_cases.csv) reproduced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rehabresearch.contact.tiering import tier_v2, tier_v3

CASES = pd.read_csv(Path(__file__).parent / "data" / "tier_cases.csv", dtype=str, keep_default_na=False)
V2 = CASES[CASES.model_version == "v2"].set_index("case_id")
V3 = CASES[CASES.model_version == "v3"].set_index("case_id")


def test_cases_cover_both_versions_and_every_rule_with_a_named_source():
    assert len(V2) == 21 and len(V3) == 42 and len(CASES) == 63
    assert (CASES.source_file != "").all() and (CASES.source_test != "").all()
    assert CASES.case_id.is_unique
    # the rules added from the service's current tests each have worked cases
    assert V2.expected_tier.str.endswith("S").sum() >= 1  # unsupervised suffix
    assert (V2.historic_registrations != "").sum() >= 3  # historic registrations
    assert (V2.mandate_for_change == "").sum() >= 8  # mandate derived from sentence and requirements
    assert {"NOT_SUPERVISED", "MISSING"} <= set(V3.expected_tier)
    assert set(V3.expected_provisional) == {"", "true", "false"}


@pytest.mark.parametrize("case_id", list(V2.index))
def test_v2_case(case_id):
    row = V2.loc[[case_id]]
    got = tier_v2(row).iloc[0]
    expected = row.iloc[0]
    assert got["tier"] == expected["expected_tier"]
    assert got["protect_level"] == expected["expected_tier"][0]
    assert got["change_level"] == int(expected["expected_tier"][1])
    assert got["unsupervised"] == expected["expected_tier"].endswith("S")
    assert got["protect_points"] == int(expected["derived_protect_points"])
    assert got["change_points"] == int(expected["derived_change_points"])


@pytest.mark.parametrize("case_id", list(V3.index))
def test_v3_case(case_id):
    row = V3.loc[[case_id]]
    got = tier_v3(row).iloc[0]
    assert got["tier"] == row.iloc[0]["expected_tier"]
    if row.iloc[0]["expected_provisional"]:  # asserted by the service's test
        assert bool(got["provisional"]) == (row.iloc[0]["expected_provisional"] == "true")


def test_all_cases_at_once_match_one_by_one():
    together = tier_v2(V2)
    assert list(together.index) == list(V2.index)
    assert (together["tier"] == V2["expected_tier"]).all()
    assert (tier_v3(V3)["tier"] == V3["expected_tier"]).all()
