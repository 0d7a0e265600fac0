"""Caseload microsimulation: hand-checkable schedules, Probation Reset, step-up, breach and recall rules,
determinism, conservation of totals and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact.microsim import (
    CohortParams,
    SimParams,
    compliance_sensitivity,
    interval_summary,
    month_of_week,
    rate_summary,
    run_replicates,
    simulate,
    synthetic_cohort,
    tier_distribution,
    workload_by_month,
)
from rehabresearch.contact.policies import compile_policy, load_policy


def people(n=1, **cols):
    base = {"tier": "C2", "case_type": "community", "sex": "male", "length_weeks": 104, "start_week": 0,
            "caring": False, "mappa": False, "very_high_rosh": False, "child_protection": False,
            "miss_propensity": 0.0, "progress_propensity": 1.0}
    base.update(cols)
    return pd.DataFrame({k: (v if isinstance(v, list) else [v] * n) for k, v in base.items()})


def policy(schedule=None, **kw):
    raw = {"name": "p", "schedule": {"default": schedule or [{"weeks": 8, "every": 1}, {"every": 2}]}, **kw}
    return compile_policy(raw)


def run(cohort, pol, weeks=26, seed=0, **sim):
    return simulate(cohort, pol, np.random.default_rng(seed), SimParams(weeks=weeks, **sim))


def test_weekly_then_fortnightly_gives_17_contacts_in_26_weeks():
    # weeks 0-7 weekly (8 contacts), then 8, 10, ..., 24 (9 contacts)
    res = run(people(), policy())
    assert res.people["attended"].tolist() == [17]
    assert res.monthly["attended"].sum() == 17 and res.monthly["missed"].sum() == 0


def test_taper_on_progress_slows_the_clock():
    # progress 0.5: 8 clock-weeks take 16 weeks of weekly contact, then 16, 18, ..., 24 (5 more)
    res = run(people(progress_propensity=0.5), policy(taper="progress"))
    assert res.people["attended"].tolist() == [21]


def test_flat_monthly_counts_and_late_start():
    res = run(people(2, start_week=[0, 10]), load_policy("flat_monthly"), weeks=52)
    # first person: weeks 0, 4, ..., 48 = 13; second: 10, 14, ..., 50 = 11
    assert res.people["attended"].tolist() == [13, 11]


def test_probation_reset_stops_licences_at_two_thirds_except_exceptions():
    cohort = people(4, case_type=["licence", "licence", "community", "licence"], length_weeks=39,
                    mappa=[False, True, False, False], child_protection=[False, False, False, True])
    weekly_reset = policy([{"every": 1}], probation_reset={"enabled": True, "fraction": 0.6666667})
    res = run(cohort, weekly_reset, weeks=52)
    assert res.people["supervision_end_week"].tolist() == [26, 39, 39, 39]
    assert res.people["attended"].tolist() == [26, 39, 39, 39]
    no_reset = run(cohort, policy([{"every": 1}]), weeks=52)
    assert no_reset.people["attended"].tolist() == [39] * 4


def test_step_up_after_missed_contact():
    never_attends = people(miss_propensity=1.0)
    lenient = {"acceptable_absence_share": 1.0}
    with_step = policy([{"every": 4}], step_up={"weeks": 4, "every": 1}, enforcement=lenient)
    without = policy([{"every": 4}], rebook_after_miss_weeks=4, enforcement=lenient)
    assert run(never_attends, with_step, weeks=12).people["missed"].tolist() == [12]
    assert run(never_attends, without, weeks=12).people["missed"].tolist() == [3]


def test_second_unacceptable_absence_within_window_is_a_breach():
    strict = {"acceptable_absence_share": 0.0, "absences_for_breach": 2, "window_weeks": 52}
    pol = policy([{"every": 4}], rebook_after_miss_weeks=4, enforcement=strict)
    res = run(people(miss_propensity=1.0), pol, weeks=24)  # misses at 0, 4, ..., 20
    assert res.people[["warnings", "breaches"]].iloc[0].tolist() == [3, 3]
    assert res.monthly["warnings"].sum() == 3 and res.monthly["breaches"].sum() == 3


@pytest.mark.parametrize("window, breaches", [(26, 0), (31, 2)])
def test_breach_window(window, breaches):
    strict = {"acceptable_absence_share": 0.0, "window_weeks": window}
    pol = policy([{"every": 30}], rebook_after_miss_weeks=30, enforcement=strict)
    res = run(people(miss_propensity=1.0), pol, weeks=104)  # misses at 0, 30, 60, 90
    assert res.people["breaches"].iloc[0] == breaches
    assert res.people["warnings"].iloc[0] == 4 - breaches


def test_three_absences_for_breach():
    strict = {"acceptable_absence_share": 0.0, "absences_for_breach": 3}
    pol = policy([{"every": 4}], rebook_after_miss_weeks=4, enforcement=strict)
    res = run(people(miss_propensity=1.0), pol, weeks=24)  # w, w, B, w, w, B
    assert res.people[["warnings", "breaches"]].iloc[0].tolist() == [4, 2]


def test_licence_breach_recalls_and_ends_contact():
    strict = {"acceptable_absence_share": 0.0, "recall_share_of_licence_breaches": 1.0}
    pol = policy([{"every": 4}], rebook_after_miss_weeks=4, enforcement=strict)
    res = run(people(2, case_type=["licence", "community"], miss_propensity=1.0), pol, weeks=24)
    assert res.people["recalled"].tolist() == [True, False]
    assert res.people["missed"].tolist() == [2, 6]
    assert res.monthly["recalls"].sum() == 1
    # the recalled person stops counting towards the caseload after week 4
    assert res.monthly["person_weeks"].sum() == 5 + 24


def _miss_rate(res, cohort):
    by = res.people.groupby(cohort["caring"])[["missed", "attended"]].sum()
    return by["missed"] / (by["missed"] + by["attended"])


def test_caring_raises_face_to_face_misses_only():
    cohort = people(40_000, miss_propensity=0.1, caring=[True, False] * 20_000)
    res = run(cohort, policy([{"every": 4}]), weeks=8, caring_miss_multiplier=2.0)
    rate = _miss_rate(res, cohort)
    assert rate[True] / rate[False] == pytest.approx(2.0, rel=0.08)
    remote = policy([{"every": 4}], modes={"telephone": 1.0})
    res_remote = run(cohort, remote, weeks=8, caring_miss_multiplier=2.0, remote_miss_multiplier=0.5)
    rate_r = _miss_rate(res_remote, cohort)
    assert rate_r[True] == pytest.approx(0.05, rel=0.1) and rate_r[False] == pytest.approx(0.05, rel=0.1)


def test_same_seed_same_numbers_different_seed_different():
    cohort = synthetic_cohort(3_000, np.random.default_rng(5))
    pol = load_policy("tiered_front_loaded")
    a, b, c = (run(cohort, pol, weeks=52, seed=s).monthly for s in (1, 1, 2))
    pd.testing.assert_frame_equal(a, b)
    assert not a["missed"].equals(c["missed"])
    pd.testing.assert_frame_equal(synthetic_cohort(500, np.random.default_rng(9)),
                                  synthetic_cohort(500, np.random.default_rng(9)))


@pytest.mark.parametrize("name", ["flat_monthly", "flat_weekly", "tiered_front_loaded", "tiered_front_loaded_reset"])
def test_aggregates_conserve_totals(name):
    cohort = synthetic_cohort(4_000, np.random.default_rng(11), CohortParams(start_spread_weeks=20))
    pol = load_policy(name)
    res = run(cohort, pol, weeks=60, seed=3)
    m, p = res.monthly, res.people
    assert len(m) == 14 * 16 * 2 * 2 * 2  # 60 weeks = 14 months, 16 tiers x 2 sexes x 2 case types x caring
    assert m["starts"].sum() == len(cohort)
    by_tier = m.groupby("tier")["starts"].sum()
    assert (by_tier == cohort["tier"].astype(str).value_counts().reindex(by_tier.index, fill_value=0)).all()
    assert (m["scheduled"] == m["attended"] + m["missed"]).all()
    assert (m["attended"] == m["face_to_face"] + m["remote"]).all()
    assert m["attended"].sum() == p["attended"].sum() and m["missed"].sum() == p["missed"].sum()
    assert m["warnings"].sum() == p["warnings"].sum() and m["breaches"].sum() == p["breaches"].sum()
    assert m["recalls"].sum() == p["recalled"].sum()
    unacceptable = m["missed"].sum() - m["acceptable_absences"].sum()
    assert unacceptable == m["warnings"].sum() + m["breaches"].sum()
    # without recalls the caseload is exactly each person's supervised weeks inside the horizon
    if m["recalls"].sum() == 0:
        expected = (np.minimum(p["supervision_end_week"], 60) - cohort["start_week"]).clip(lower=0).sum()
        assert m["person_weeks"].sum() == expected
    if pol.mode_names == ("face_to_face",):  # default minutes: 60 per contact, 15 missed, 30 warning, 120 breach
        assert m["officer_minutes"].sum() == pytest.approx(
            (m["attended"] * 60 + m["missed"] * 15 + m["warnings"] * 30 + m["breaches"] * 120).sum())


def test_month_of_week_maps_52_weeks_to_12_months():
    months = month_of_week(104)
    assert months[0] == 0 and months[-1] == 23 and np.bincount(months).sum() == 104
    assert set(np.bincount(months[:52]).tolist()) == {4, 5}


def test_replicates_and_interval_summary():
    pols = [load_policy("flat_monthly"), load_policy("tiered_front_loaded")]
    reps = run_replicates(800, pols, seeds=[1, 2, 3], sim_params=SimParams(weeks=26))
    assert set(reps["policy"]) == {"flat_monthly", "tiered_front_loaded"} and reps["replicate"].nunique() == 3
    s = interval_summary(reps, ["policy"], ["attended"])
    per_rep = reps.groupby(["policy", "replicate"])["attended"].sum()
    monthly_row = s.set_index("policy").loc["flat_monthly"]
    assert monthly_row["attended_mean"] == pytest.approx(per_rep["flat_monthly"].mean())
    assert monthly_row["attended_lo"] <= monthly_row["attended_mean"] <= monthly_row["attended_hi"]
    hand = pd.DataFrame({"g": ["x"] * 3, "replicate": [0, 1, 2], "v": [1.0, 2.0, 3.0]})
    out = interval_summary(hand, ["g"], ["v"], level=0.5)
    assert out[["v_mean", "v_lo", "v_hi"]].iloc[0].tolist() == [2.0, 1.5, 2.5]


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"column 'tier', row 1: 'E9'"):
        run(people(2, tier=["C2", "E9"]), policy())
    with pytest.raises(ValueError, match=r"column 'miss_propensity', row 0"):
        run(people(miss_propensity=1.5), policy())
    with pytest.raises(ValueError, match=r"column 'mappa', row 1: nan is not true/false"):
        run(people(2, mappa=[False, float("nan")]), policy())
    with pytest.raises(ValueError, match=r"missing column\(s\) \['caring'\]"):
        run(people().drop(columns="caring"), policy())
    with pytest.raises(ValueError, match="tier_mix: unknown key"):
        synthetic_cohort(10, np.random.default_rng(0), CohortParams(tier_mix={"Z9": 1.0}))
    with pytest.raises(ValueError, match="licence_share"):
        synthetic_cohort(10, np.random.default_rng(0), CohortParams(licence_share=2.0))


def test_synthetic_cohort_follows_its_parameters():
    c = synthetic_cohort(50_000, np.random.default_rng(2), CohortParams(female_share=0.2, licence_share=0.3))
    assert (c["sex"] == "female").mean() == pytest.approx(0.2, abs=0.01)
    assert (c["case_type"] == "licence").mean() == pytest.approx(0.3, abs=0.01)
    assert c.loc[c["case_type"] == "licence", "length_weeks"].isin([26, 52, 104]).all()
    a_share = c["tier"].astype(str).str[0].eq("A").mean()
    assert a_share == pytest.approx(0.03, abs=0.005)
    assert c["mappa"][c["tier"].astype(str).str[0] == "D"].sum() == 0


def test_workload_by_month_hand_case():
    monthly = pd.DataFrame({"month": [1, 1], "tier": ["B2", "D0"], "case_type": ["community", "licence"],
                            "caseload": [10.0, 5.0], "officer_hours": [40.0, 8.0], "weeks_in_month": [4, 4]})
    out = workload_by_month(monthly, officers=2, contracted_hours=37, reduction_hours=1.8).iloc[0]
    # B2 community 115 points x 10 + D0 licence 0 points x 5 = 1,150; 2 officers x 2,070 available
    assert out["points"] == 1150 and out["available_points"] == 4140
    assert out["capacity_percent"] == pytest.approx(1150 / 4140 * 100)
    assert out["officers_needed"] == pytest.approx(1150 / 2070)
    assert out["contact_hours_per_officer_week"] == pytest.approx(48 / 4 / 2)
    with pytest.raises(ValueError, match="officers must be positive"):
        workload_by_month(monthly, officers=0)


def test_rate_summary_per_100_people():
    hand = pd.DataFrame({"policy": ["p"] * 4, "replicate": [0, 0, 1, 1], "starts": [40, 60, 50, 50],
                         "breaches": [3, 7, 5, 15]})
    out = rate_summary(hand, ["policy"], ["breaches"], level=0.5).iloc[0]
    # replicate 0: 10 per 100 people; replicate 1: 20 per 100
    assert out["breaches_mean"] == pytest.approx(15) and out["people_mean"] == 100
    assert (out["breaches_lo"], out["breaches_hi"]) == (pytest.approx(12.5), pytest.approx(17.5))
    with pytest.raises(ValueError, match="no people start"):
        rate_summary(hand.assign(starts=0), ["policy"], ["breaches"])


def test_worse_compliance_means_more_breaches():
    out = compliance_sensitivity(3_000, [load_policy("flat_monthly")], seeds=[1, 2], multipliers=[0.5, 2.0],
                                 sim_params=SimParams(weeks=52))
    rates = out.set_index("compliance_multiplier")["breaches_mean"]
    assert rates[2.0] > 2 * rates[0.5]


def test_tier_distribution_counts_everyone():
    cohort = people(5, tier=["A3", "B2", "B2", "D0", "C1"])
    t = tier_distribution(cohort).set_index("protect level")
    assert t.loc["B", "change 2"] == 2 and t.loc["D", "change 0"] == 1 and t["total"].sum() == 5
