"""People past the two-thirds point of a licence under Probation Reset are unsupervised: counted apart from the
supervised caseload and shown with the tiering service's suffix "S"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact import tiering
from rehabresearch.contact.microsim import (
    UNSUPERVISED_SUFFIX, CohortParams, SimParams, simulate, synthetic_cohort, tier_distribution, tiers_at,
    unsupervised_from,
)
from rehabresearch.contact.policies import load_policy

RESET, NO_RESET = load_policy("tiered_front_loaded_reset"), load_policy("tiered_front_loaded")


def people(n=1, **cols):
    base = {"tier": "C2", "case_type": "licence", "sex": "male", "length_weeks": 39, "start_week": 0,
            "caring": False, "mappa": False, "very_high_rosh": False, "child_protection": False,
            "miss_propensity": 0.0, "progress_propensity": 1.0}
    base.update(cols)
    return pd.DataFrame({k: (v if isinstance(v, list) else [v] * n) for k, v in base.items()})


def test_same_suffix_as_the_tier_calculator():
    assert UNSUPERVISED_SUFFIX == tiering.UNSUPERVISED_SUFFIX


def test_licence_is_unsupervised_from_two_thirds_until_it_ends():
    cohort = people(4, case_type=["licence", "licence", "community", "licence"], mappa=[False, True, False, False],
                    start_week=[0, 0, 0, 10])
    assert unsupervised_from(cohort, RESET).tolist() == [26, -1, -1, 36]  # 39 weeks: two-thirds at week 26
    assert (unsupervised_from(cohort, NO_RESET) == -1).all()
    res = simulate(cohort, RESET, np.random.default_rng(0), SimParams(weeks=52))
    m = res.monthly
    by_case = m.groupby("case_type")[["person_weeks", "unsupervised_weeks"]].sum()
    assert by_case.loc["licence", "unsupervised_weeks"] == 13 + 13  # weeks 26-38 and 36-48
    assert by_case.loc["licence", "person_weeks"] == 26 + 39 + 26
    assert by_case.loc["community", "unsupervised_weeks"] == 0
    assert (m["unsupervised"] == m["unsupervised_weeks"] / m["weeks_in_month"]).all()
    assert simulate(cohort, NO_RESET, np.random.default_rng(0), SimParams(weeks=52)).monthly["unsupervised_weeks"].sum() == 0


@pytest.mark.parametrize("week, expected", [(25, ["C2", "C2", "C2", "C2"]), (26, ["C2S", "C2", "C2", "C2"]),
                                            (38, ["C2S", "C2", "C2", "C2S"]), (39, ["C2", "C2", "C2", "C2S"])])
def test_tiers_carry_the_suffix_past_two_thirds(week, expected):
    cohort = people(4, case_type=["licence", "licence", "community", "licence"], mappa=[False, True, False, False],
                    start_week=[0, 0, 0, 10])
    assert tiers_at(cohort, RESET, week).tolist() == expected
    assert tiers_at(cohort, NO_RESET, week).tolist() == ["C2"] * 4


def test_tier_table_counts_the_unsupervised():
    cohort = people(5, tier=["B2", "B1", "D0", "B3", "A3"], case_type=["licence", "licence", "licence", "community", "licence"],
                    mappa=[False, False, False, False, True])
    table = tier_distribution(cohort, RESET).set_index("protect level")
    assert len(table) == 8 and table["total"].iloc[:4].sum() == 5
    later = table.iloc[4:]
    assert later["total"].tolist() == [0, 2, 0, 1]
    assert later.loc["B, of whom unsupervised after two-thirds (tiers B3S to B0S)", ["change 2", "change 1", "change 3"]].tolist() == [1, 1, 0]
    assert later.loc["D, of whom unsupervised after two-thirds (tiers D3S to D0S)", "change 0"] == 1
    pd.testing.assert_frame_equal(tier_distribution(cohort), tier_distribution(cohort, NO_RESET))
    assert len(tier_distribution(cohort)) == 4


def test_synthetic_cohort_supervised_plus_unsupervised_is_every_licence_week():
    cohort = synthetic_cohort(3_000, np.random.default_rng(4), CohortParams(start_spread_weeks=10))
    weeks = 80
    res = simulate(cohort, RESET, np.random.default_rng(1), SimParams(weeks=weeks))
    m, p = res.monthly, res.people
    full_end = cohort["start_week"] + cohort["length_weeks"]
    keep = ~p["recalled"].to_numpy()
    expected = (np.minimum(full_end, weeks) - cohort["start_week"]).clip(lower=0)[keep].sum()
    supervised = (np.minimum(p["supervision_end_week"], weeks) - cohort["start_week"]).clip(lower=0)[keep].sum()
    assert m["unsupervised_weeks"].sum() == expected - supervised > 0
    assert m.loc[m["case_type"] == "community", "unsupervised_weeks"].sum() == 0
    # everyone counted unsupervised is a licence without a Reset exception
    ever = unsupervised_from(cohort, RESET) >= 0
    assert not (ever & (cohort["mappa"] | cohort["very_high_rosh"] | cohort["child_protection"]).to_numpy()).any()
    assert set(tiers_at(cohort, RESET, 40)) - set(cohort["tier"].astype(str)) <= {t + "S" for t in cohort["tier"].astype(str)}
