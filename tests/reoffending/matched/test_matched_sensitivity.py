"""Sensitivity to unmeasured confounding against published worked examples.

E-value: VanderWeele & Ding (2017), Annals of Internal Medicine 167:268-274 — breastfeeding and infant
death from respiratory infection (Victora et al. 1987): RR 3.9 (95% CI 1.8 to 8.7), E-value 7.26 for the
estimate and 3.0 for the lower limit. Smoking and lung cancer (Hammond & Horn), as worked in the EValue
R package vignette: RR 10.73 (8.02, 14.36), E-values 20.94777 and 15.52336. The tipr R package
documentation: e_value(0.9) = 1.462475, e_value(1.3) = 1.9245.

Rosenbaum bounds: Rosenbaum (2002), Observational Studies, 2nd ed., §4.3.2 (p. 112; also the rbounds
binarysens example): Hammond's smoking study, 122 discordant pairs, the smoker died of lung cancer in 110
and the non-smoker in 12; Rosenbaum's conclusion is that the result becomes sensitive between Γ = 5 and
Γ = 6 ("a sixfold increase in the odds of smoking" would be needed). Lead in children's blood (Morton et
al. 1982; Rosenbaum 2002 §4.3.3; rbounds psens example): 33 pairs; the signed-rank statistic is V = 499
(Rosenbaum's Stat 921 course notes, exact Wilcoxon test), and the result is insensitive at Γ = 4 but
sensitive at Γ = 5 (one-sided 0.05).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rehabresearch.reoffending.matched.sensitivity import (
    SensitivityError,
    covariate_benchmarks,
    e_value,
    e_value_for_effect,
    e_value_point,
    matched_pairs,
    risk_ratio_from_effect,
    rosenbaum_binary,
    rosenbaum_binary_counts,
    rosenbaum_binary_sets,
    rosenbaum_for_matching,
    rosenbaum_signed_rank,
    to_risk_ratio,
)
from rehabresearch.reoffending.matched.sensitivity_text import (
    benchmark_sentence,
    e_value_sentence,
    robustness_sentence,
    rosenbaum_sentence,
)

LEAD_EXPOSED = [38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20, 15, 10, 45, 39, 22, 35, 49, 48, 44,
                35, 43, 39, 34, 13, 73, 25, 27]
LEAD_CONTROL = [16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16, 16, 24, 13, 9, 14, 21, 19, 7, 18, 19, 12,
                11, 22, 25, 16, 13, 11, 13]


# ---------------------------------------------------------------- E-value
def test_e_value_breastfeeding_example():
    r = e_value(3.9, 1.8, 8.7)
    assert r["e-value"] == pytest.approx(7.263034, abs=1e-6)
    assert r["e-value for interval"] == pytest.approx(3.0, abs=1e-9)  # 1.8 + sqrt(1.8 * 0.8) = 3.0 exactly
    assert r["limit used"] == 1.8


def test_e_value_smoking_example_from_evalue_vignette():
    r = e_value(10.73, 8.02, 14.36)
    assert r["e-value"] == pytest.approx(20.94777, abs=1e-5)
    assert r["e-value for interval"] == pytest.approx(15.52336, abs=1e-5)


@pytest.mark.parametrize("rr,expected", [(0.9, 1.462475), (1.3, 1.9245)])
def test_e_value_tipr_documentation(rr, expected):
    assert e_value_point(rr) == pytest.approx(expected, abs=1e-4 if rr == 1.3 else 1e-6)


def test_protective_estimate_uses_upper_limit_and_interval_crossing_one_gives_one():
    r = e_value(0.5, 0.3, 0.8)
    assert r["e-value"] == pytest.approx(e_value_point(2.0))
    assert r["limit used"] == 0.8
    assert r["e-value for interval"] == pytest.approx(e_value_point(1 / 0.8))
    crossing = e_value(1.2, 0.9, 1.6)
    assert crossing["e-value for interval"] == 1.0
    assert e_value(1.0)["e-value"] == 1.0


def test_e_value_is_vectorised():
    got = e_value_point(np.array([3.9, 10.73, 0.5]))
    assert got.shape == (3,) and got[0] == pytest.approx(7.263034, abs=1e-6)


def test_odds_and_hazard_ratio_conversion():
    assert to_risk_ratio(2.25, "OR", rare=False) == pytest.approx(1.5)
    assert to_risk_ratio(2.25, "OR", rare=True) == pytest.approx(2.25)
    hr = 2.0
    expected = (1 - 0.5 ** np.sqrt(hr)) / (1 - 0.5 ** np.sqrt(1 / hr))
    assert to_risk_ratio(hr, "HR", rare=False) == pytest.approx(expected)
    with pytest.raises(SensitivityError, match="rare"):
        e_value(1.5, measure="OR")


@pytest.mark.parametrize("bad", [0, -1.0, np.nan, "high"])
def test_e_value_refuses_bad_input(bad):
    with pytest.raises(SensitivityError):
        e_value(bad)


def test_estimate_outside_interval_is_refused():
    with pytest.raises(SensitivityError, match="outside"):
        e_value(2.0, 2.5, 3.0)


def test_risk_ratio_from_effect_matches_log_method():
    eff = {"treated mean": 0.30, "comparison mean": 0.40, "treated people": 200, "comparison effective size": 800}
    r = risk_ratio_from_effect(eff)
    se = np.sqrt(0.7 / (200 * 0.3) + 0.6 / (800 * 0.4))
    assert r["estimate"] == pytest.approx(0.75)
    assert r["low"] == pytest.approx(0.75 * np.exp(-1.959964 * se), rel=1e-6)
    with pytest.raises(SensitivityError, match="above 0"):
        risk_ratio_from_effect({**eff, "treated mean": 0.0})


# ---------------------------------------------------------------- Rosenbaum, binary
def test_hammond_smoking_becomes_sensitive_between_five_and_six():
    r = rosenbaum_binary_counts(110, 12, [1, 2, 3, 4, 5, 6], level=0.95, two_sided=False)
    assert 5 < r["critical gamma"] < 6
    # the bound is the exact binomial tail: compare with scipy's one-sided binomial test
    for g, p in zip(r["table"]["gamma"], r["table"]["p upper bound"]):
        assert p == pytest.approx(stats.binomtest(110, 122, g / (1 + g), alternative="greater").pvalue, rel=1e-9)
    assert r["table"]["p upper bound"].iloc[0] < 1e-15
    assert r["discordant pairs"] == 122


def test_binary_from_pairs_counts_discordant_pairs_and_direction():
    yt = np.r_[np.ones(110), np.zeros(12), np.ones(30), np.zeros(50)]
    yc = np.r_[np.zeros(110), np.ones(12), np.ones(30), np.zeros(50)]
    a = rosenbaum_binary(yt, yc, two_sided=False)
    assert (a["treated only"], a["control only"], a["pairs"]) == (110, 12, 202)
    b = rosenbaum_binary(yc, yt, two_sided=False)  # the mirror image: a reduction
    assert b["direction"] == "less"
    assert b["critical gamma"] == pytest.approx(a["critical gamma"])


def test_two_sided_bound_is_doubled_and_lowers_critical_gamma():
    one = rosenbaum_binary_counts(110, 12, two_sided=False)
    two = rosenbaum_binary_counts(110, 12, two_sided=True)
    assert two["critical gamma"] < one["critical gamma"]
    p_one = one["table"]["p upper bound"].to_numpy()
    assert np.allclose(two["table"]["p upper bound"], np.minimum(1, 2 * p_one))


def test_not_significant_without_bias_gives_gamma_one_and_no_discordant_pairs_is_handled():
    r = rosenbaum_binary_counts(11, 9)
    assert r["critical gamma"] == 1.0 and not r["significant without hidden bias"]
    z = rosenbaum_binary_counts(0, 0)
    assert z["critical gamma"] == 1.0
    assert "no result for hidden bias" in rosenbaum_sentence(z)


def test_binary_refuses_missing_and_non_binary_outcomes():
    with pytest.raises(SensitivityError, match="pair 2"):
        rosenbaum_binary([1, np.nan], [0, 1])
    with pytest.raises(SensitivityError, match="0 or 1"):
        rosenbaum_binary([1, 2], [0, 1])
    with pytest.raises(SensitivityError, match="whole numbers"):
        rosenbaum_binary_counts(2.5, 1)


# ---------------------------------------------------------------- Rosenbaum, signed rank
def test_lead_example_statistic_and_gamma_one_agree_with_wilcoxon():
    d = np.subtract(LEAD_EXPOSED, LEAD_CONTROL)
    r = rosenbaum_signed_rank(d, [1, 2, 3, 4, 5], two_sided=False)
    assert r["statistic"] == 499  # V = 499 as published
    assert r["nonzero pairs"] == 32
    ref = stats.wilcoxon(d, zero_method="wilcox", correction=False, method="approx", alternative="greater")
    assert r["table"]["p upper bound"].iloc[0] == pytest.approx(ref.pvalue, rel=1e-9)
    p = dict(zip(r["table"]["gamma"], r["table"]["p upper bound"]))
    assert p[4] < 0.05 < p[5]
    assert 4 < r["critical gamma"] < 5


def test_lead_bounds_moments_agree_with_simulated_bounding_distribution():
    """The bound at Γ is the tail of T when each pair's sign is + with probability Γ/(1+Γ). Simulate that
    distribution: its mean and variance must be the ones the normal bound uses, and here (an upper tail
    of a left-skewed statistic) the normal bound is the more cautious of the two."""
    d = np.subtract(LEAD_EXPOSED, LEAD_CONTROL)
    d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    rng = np.random.default_rng(20261202)
    for gamma in (2.0, 3.0, 4.0):
        p = gamma / (1 + gamma)
        t_sim = (rng.random((200_000, len(d))) < p).astype(float) @ ranks
        assert t_sim.mean() == pytest.approx(p * ranks.sum(), rel=2e-3)
        assert t_sim.var() == pytest.approx(p * (1 - p) * (ranks**2).sum(), rel=2e-2)
        simulated = np.mean(t_sim >= 499)
        got = rosenbaum_signed_rank(d, [gamma], two_sided=False)["table"]["p upper bound"].iloc[0]
        assert simulated <= got <= 3 * simulated + 0.002


def test_signed_rank_direction_ties_and_bad_input():
    d = np.subtract(LEAD_EXPOSED, LEAD_CONTROL)
    up = rosenbaum_signed_rank(d)
    down = rosenbaum_signed_rank(-d)
    assert down["direction"] == "less" and down["critical gamma"] == pytest.approx(up["critical gamma"])
    with pytest.raises(SensitivityError, match="pair 3"):
        rosenbaum_signed_rank([1.0, 2.0, np.nan])
    with pytest.raises(SensitivityError, match="level"):
        rosenbaum_signed_rank(d, level=95)
    with pytest.raises(SensitivityError, match="Gamma"):
        rosenbaum_signed_rank(d, [0.5])
    assert rosenbaum_signed_rank(np.zeros(10))["critical gamma"] == 1.0


def test_heavy_tailed_differences_large_input():
    rng = np.random.default_rng(3)
    d = rng.standard_t(1.5, size=200_000) + 0.05
    r = rosenbaum_signed_rank(d)
    assert 1 < r["critical gamma"] < 2


# ---------------------------------------------------------------- pairs
def test_pairs_with_replacement_are_refused_with_what_is_done_instead():
    with pytest.raises(SensitivityError, match="replace=False") as err:
        matched_pairs([0, 1, 2], [5, 5, 6], replace=True)
    assert "E-value" in str(err.value)
    with pytest.raises(SensitivityError, match="used twice"):
        matched_pairs([0, 1], [5, 5], replace=False)


def test_one_to_k_keeps_nearest_control():
    t, c, note = matched_pairs([0, 0, 1, 1], [5, 6, 7, 8], replace=False, distance=[0.3, 0.1, 0.05, 0.2])
    assert list(t) == [0, 1] and list(c) == [6, 7]
    assert "nearest" in note
    t, c, note = matched_pairs([0, 1], [5, 6], replace=False)
    assert note is None


# ---------------------------------------------------------------- benchmarks and wording
def test_covariate_benchmarks_by_hand():
    df = pd.DataFrame({
        "custody": [1] * 40 + [0] * 60 + [1] * 20 + [0] * 80,
        "age": np.arange(200),
        "y": [1] * 20 + [0] * 20 + [1] * 15 + [0] * 45 + [1] * 12 + [0] * 8 + [1] * 24 + [0] * 56,
    })
    treated = np.r_[np.ones(100, bool), np.zeros(100, bool)]
    b = covariate_benchmarks(df, treated, "y", ["custody", "age"], labels={"custody": "prior custody"})
    row = b.set_index("covariate").loc["custody"]
    # P(treated | custody) = 40/60, P(treated | none) = 60/140
    assert row["risk ratio with treatment"] == pytest.approx((40 / 60) / (60 / 140))
    # among controls: P(y | custody) = 12/20, P(y | none) = 24/80
    assert row["risk ratio with outcome"] == pytest.approx((12 / 20) / (24 / 80))
    rt, ry = row["risk ratio with treatment"], row["risk ratio with outcome"]
    bias = rt * ry / (rt + ry - 1)
    assert row["bias bound"] == pytest.approx(bias)
    assert row["as e-value"] == pytest.approx(e_value_point(bias))
    assert b["as e-value"].is_monotonic_decreasing
    sentence = benchmark_sentence(e_value(2.5, 1.5, 4.0), b)
    assert "prior custody" in sentence or "age" in sentence
    with pytest.raises(SensitivityError, match="row 2"):
        covariate_benchmarks(df.assign(age=[1.0, np.nan] + [1.0] * 198), treated, "y", ["age"])


def test_sentences_follow_level_and_name_numbers():
    r = rosenbaum_binary_counts(110, 12, level=0.9)
    s = rosenbaum_sentence(r)
    assert "90% confidence level" in s and "95%" not in s
    e = e_value_sentence(e_value(3.9, 1.8, 8.7))
    assert "7.26" in e and "3" in e
    assert "already includes" in e_value_sentence(e_value(1.2, 0.9, 1.6))


def test_robustness_sentence():
    ok = {"agree": True, "same sign": True, "intervals contain matched estimate": True, "disagreeing": []}
    assert "agree with the matched comparison" in robustness_sentence(ok, level=0.99) and "99%" in robustness_sentence(ok, level=0.99)
    bad = {"agree": False, "same sign": False, "intervals contain matched estimate": False,
           "disagreeing": ["Inverse-probability (odds) weighting"]}
    s = robustness_sentence(bad)
    assert "inverse-probability (odds) weighting gave an effect in the other direction and a 95%" in s


def test_rosenbaum_for_matching_never_raises_for_the_design():
    y = np.r_[np.ones(110), np.zeros(12), np.zeros(110), np.ones(12)]
    pt, pc = np.arange(122), np.arange(122, 244)
    got = rosenbaum_for_matching(y, pt, pc, replace=False, two_sided=False)
    direct = rosenbaum_binary_counts(110, 12, two_sided=False)
    assert got["result"]["critical gamma"] == pytest.approx(direct["critical gamma"])
    assert got["notes"] == [] and got["pairs used"] == 122
    refused = rosenbaum_for_matching(y, pt, np.r_[pc[:-1], pc[0]], replace=True)
    assert refused["result"] is None and "replace=False" in refused["notes"][0]


def test_rosenbaum_for_matching_drops_pairs_without_outcome_and_infers_kind():
    d = np.subtract(LEAD_EXPOSED, LEAD_CONTROL).astype(float)
    y = np.r_[np.array(LEAD_EXPOSED, float), np.array(LEAD_CONTROL, float), 20.0, np.nan]
    # 33 pairs plus one (rows 66 and 67) whose control has no outcome
    got = rosenbaum_for_matching(y, np.r_[np.arange(33), 66], np.r_[np.arange(33, 66), 67], replace=False)
    assert got["result"]["statistic"] == 499 and got["pairs used"] == 33
    assert "left out" in got["notes"][0]
    assert got["result"]["critical gamma"] == pytest.approx(rosenbaum_signed_rank(d)["critical gamma"])


def test_matched_sets_reduce_to_the_binomial_bound_for_pairs():
    # Hammond's pairs as sets of two: 110 sets (treated event, 1 event), 12 sets (control event), 50 with none
    te = np.r_[np.ones(110), np.zeros(12), np.zeros(50)]
    m = np.r_[np.ones(122), np.zeros(50)]
    r = rosenbaum_binary_sets(te, m, np.full(172, 2.0), [5.0, 6.0], two_sided=False)
    assert r["informative sets"] == 122
    for g, p in zip(r["table"]["gamma"], r["table"]["p upper bound"]):
        q = g / (1 + g)
        assert p == pytest.approx(stats.norm.sf((110 - 122 * q) / np.sqrt(122 * q * (1 - q))), rel=1e-12)
    assert 5 < r["critical gamma"] < 6


def test_matched_sets_bound_agrees_with_simulation_of_the_worst_case():
    """1:3 sets: under the worst case the treated member is drawn with odds Γ for members with the event."""
    rng = np.random.default_rng(11)
    n_sets, size = 400, 4
    y = (rng.random((n_sets, size)) < 0.35).astype(float)
    y[:, 0] = (rng.random(n_sets) < 0.5).astype(float)  # treated more often reoffend
    m = y.sum(axis=1)
    gamma = 1.5
    r = rosenbaum_binary_sets(y[:, 0], m, np.full(n_sets, size), [gamma], two_sided=False, direction="greater")
    p_event = gamma * m / (gamma * m + size - m)
    sims = (rng.random((100_000, n_sets)) < p_event).sum(axis=1)
    observed = y[:, 0].sum()
    informative = (m > 0) & (m < size)
    assert sims.mean() == pytest.approx(p_event.sum(), rel=2e-3)
    assert r["table"]["p upper bound"].iloc[0] == pytest.approx(np.mean(sims >= observed), abs=0.02)
    assert r["informative sets"] == informative.sum()


def test_matched_sets_used_for_binary_one_to_k_and_bad_sets_refused():
    rng = np.random.default_rng(12)
    n_t, k = 150, 2
    y = np.r_[(rng.random(n_t) < 0.25), (rng.random(n_t * k) < 0.45)].astype(float)
    pt = np.repeat(np.arange(n_t), k)
    pc = n_t + np.arange(n_t * k)
    got = rosenbaum_for_matching(y, pt, pc, replace=False)
    assert got["result"]["test"].startswith("matched sets") and "whole matched sets" in got["notes"][0]
    assert got["result"]["direction"] == "less"
    with pytest.raises(SensitivityError, match="matched set 2"):
        rosenbaum_binary_sets([1, 1], [1, 0], [2, 2])


def test_e_value_for_effect_binary_and_continuous():
    eff = {"treated mean": 0.30, "comparison mean": 0.40, "treated people": 200, "comparison effective size": 800,
           "difference": -0.1, "standard error": 0.04}
    b = e_value_for_effect(eff, kind="binary")
    assert b["risk ratio"] == pytest.approx(0.75) and b["e-value"] == pytest.approx(e_value_point(1 / 0.75))
    c = e_value_for_effect({"difference": -0.5, "standard error": 0.1}, kind="continuous", sd=2.0)
    assert c["risk ratio"] == pytest.approx(np.exp(0.91 * -0.25))
    assert c["high"] == pytest.approx(np.exp(0.91 * -0.25 + 0.91 * 1.959964 * 0.05), rel=1e-6)
    with pytest.raises(SensitivityError, match="standard deviation"):
        e_value_for_effect({"difference": -0.5, "standard error": 0.1}, kind="continuous")


def test_rare_outcome_pairs_and_extreme_ratios():
    rng = np.random.default_rng(21)
    n = 100_000
    yt = (rng.random(n) < 0.003).astype(float)  # 0.3% and 0.6%: rare events
    yc = (rng.random(n) < 0.006).astype(float)
    r = rosenbaum_binary(yt, yc, [1.0, 1.5], two_sided=False)
    a, b = r["treated only"], r["control only"]
    assert r["direction"] == "less"
    ref = stats.binomtest(b, a + b, 1.5 / 2.5, alternative="greater").pvalue
    assert r["table"]["p upper bound"].iloc[1] == pytest.approx(ref, rel=1e-9)
    assert 1.0 < r["critical gamma"] < 3.0
    assert e_value_point(1 + 1e-12) == pytest.approx(1.0, abs=1e-5)
    assert e_value_point(1e6) == pytest.approx(1e6 + np.sqrt(1e6 * (1e6 - 1)), rel=1e-12)


def test_benchmarks_undefined_and_null_associations():
    df = pd.DataFrame({"only_treated": [1.0] * 10 + [0.0] * 30, "flat": [0.0, 1.0] * 20,
                       "y": [0.0] * 40})
    treated = np.r_[np.ones(10, bool), np.zeros(30, bool)]
    b = covariate_benchmarks(df, treated, "y", ["only_treated", "flat"])
    assert b.attrs["not benchmarked"] == ["only_treated"]
    row = b.set_index("covariate").loc["flat"]
    assert row["risk ratio with outcome"] == 1.0 and row["bias bound"] == pytest.approx(1.0)
    assert np.isfinite(b["as e-value"]).all()
