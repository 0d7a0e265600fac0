"""Matched comparison: propensity fit, matching rules, balance, effects, statements and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from rehabresearch.disclosure import GroupTooSmall
from rehabresearch.reoffending import matched as M


def _data(n=3000, seed=1, shift=0.5):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = (rng.random(n) < 0.4).astype(int)
    sex = (rng.random(n) < 0.3).astype(int)
    p = 1 / (1 + np.exp(-(-2 + shift * x1 + 0.5 * x2 + 0.3 * sex)))
    t = (rng.random(n) < p).astype(int)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + 0.6 * x1 + 0.4 * x2)))).astype(int)
    return pd.DataFrame({"x1": x1, "x2": x2, "sex": sex, "treated": t, "y": y, "score": x1 * 3 + rng.normal(size=n)})


def test_propensity_matches_statsmodels():
    df = _data()
    fit = M.fit_propensity(df, "treated", ["x1", "x2", "sex"])
    ref = sm.Logit(df["treated"], sm.add_constant(df[["x1", "x2", "sex"]])).fit(disp=0)
    assert fit.converged
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), atol=1e-7)
    np.testing.assert_allclose(fit.logit, ref.fittedvalues.to_numpy(), atol=1e-6)


def test_greedy_without_replacement_hand_case():
    # Treated at 0 and 0.08; controls at 0.05 and 0.5. The closer treated (0.08) takes 0.05;
    # the other must take 0.5 (no caliper), and no control is used twice.
    logit = np.array([0.0, 0.08, 0.05, 0.5])
    treated = np.array([True, True, False, False])
    m = M.match(logit, treated, caliper_sd=None)
    assert dict(zip(m.pair_treated, m.pair_control)) == {1: 2, 0: 3}
    np.testing.assert_array_equal(m.weights, [1, 1, 1, 1])


def test_caliper_drops_far_treated_and_is_respected():
    df = _data(shift=1.5)
    fit = M.fit_propensity(df, "treated", ["x1", "x2", "sex"])
    t = df["treated"].to_numpy() == 1
    m = M.match(fit.logit, t, caliper_sd=0.05)
    dist = np.abs(fit.logit[m.pair_treated] - fit.logit[m.pair_control])
    assert dist.max() <= m.caliper
    pooled = np.sqrt((fit.logit[t].var(ddof=1) + fit.logit[~t].var(ddof=1)) / 2)
    assert m.caliper == pytest.approx(0.05 * pooled)
    assert 0 < m.n_matched_treated < m.n_treated


def test_no_control_reused_without_replacement_ratio_2():
    df = _data()
    fit = M.fit_propensity(df, "treated", ["x1", "x2", "sex"])
    m = M.match(fit.logit, df["treated"].to_numpy() == 1, ratio=2, replace=False)
    assert len(np.unique(m.pair_control)) == len(m.pair_control)
    counts = np.bincount(m.pair_treated)
    assert counts.max() == 2
    # each control weighs 1/k of its treated person; the weights sum to the matched treated
    assert m.weights[df["treated"].to_numpy() == 0].sum() == pytest.approx(m.n_matched_treated)


def test_with_replacement_finds_the_k_nearest_like_brute_force():
    rng = np.random.default_rng(3)
    logit = rng.normal(size=400)
    treated = rng.random(400) < 0.2
    m = M.match(logit, treated, ratio=3, replace=True, caliper_sd=None)
    lt, lc = logit[treated], logit[~treated]
    brute = np.sort(np.abs(lt[:, None] - lc[None, :]), axis=1)[:, :3]
    got = np.abs(logit[m.pair_treated] - logit[m.pair_control]).reshape(-1, 3)
    np.testing.assert_allclose(np.sort(got, axis=1), brute)
    assert len(np.unique(m.pair_control)) < len(m.pair_control)  # reuse happens


def test_exact_strata_respected():
    df = _data()
    res = M.matched_comparison(df, "treated", ["x1", "x2"], ["y"], exact=["sex"])
    m = res.matching
    sex = df["sex"].to_numpy()
    np.testing.assert_array_equal(sex[m.pair_treated], sex[m.pair_control])


def test_balance_improves_and_smd_hand_computed():
    df = _data(shift=1.0)
    res = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], ["y"])
    b = res.balance.set_index("covariate")
    assert (b["SMD after"].abs() < b["SMD before"].abs()).all()
    assert (b["SMD after"].abs() < 0.1).all()
    t = df["treated"] == 1
    x = df["x1"]
    smd = (x[t].mean() - x[~t].mean()) / np.sqrt((x[t].var() + x[~t].var()) / 2)
    assert b.loc["x1", "SMD before"] == pytest.approx(smd)


def test_effect_hand_computed_continuous():
    # Two treated matched 1:1 to two controls: difference of means and Welch-type SE by hand.
    logit = np.array([0.0, 1.0, 0.01, 1.01, 5.0])
    treated = np.array([True, True, False, False, False])
    df = pd.DataFrame({"out": [3.0, 5.0, 1.0, 2.0, 100.0]})
    m = M.match(logit, treated, caliper_sd=None)
    e = M.estimate_effect(df, "out", m)
    assert e["difference"] == pytest.approx(4.0 - 1.5)
    se = np.sqrt(np.var([3, 5], ddof=1) / 2 + np.var([1, 2], ddof=1) / 2)
    assert e["standard error"] == pytest.approx(se)
    assert e["low"] == pytest.approx(2.5 - 1.959964 * se, rel=1e-6)


def test_binary_effect_uses_newcombe_for_one_to_one():
    from rehabresearch.reoffending.intervals import newcombe_interval

    df = _data()
    res = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], ["y"])
    e = res.effects.iloc[0]
    m = res.matching
    y = df["y"].to_numpy()
    diff, lo, hi = newcombe_interval(y[m.pair_treated].sum(), len(m.pair_treated), y[m.pair_control].sum(),
                                     len(m.pair_control))
    assert (e["difference"], e["low"], e["high"]) == pytest.approx((diff, lo, hi))
    assert e["kind"] == "binary"
    assert not res.effects.isna().any().any()


def test_statement_wording():
    eff = {"kind": "binary", "low": -0.08, "high": -0.02, "significant": True, "comparison mean": 0.23,
           "treated mean": 0.18}
    text = M.jdl_statement(eff, measure="one-year proven re-offending rate", per_100="committed a proven re-offence",
                           dp=0)
    assert "reduction in the one-year proven re-offending rate of between 2 and 8 percentage points" in text
    assert "For any 100 typical people in the comparison group, 23 committed a proven re-offence" in text
    assert "treatment group, 18 committed" in text
    eff.update(low=-0.03, high=0.01, significant=False)
    text = M.jdl_statement(eff, measure="rate", dp=0)
    assert "no significant difference" in text and "3 percentage points lower to 1 percentage points higher" in text
    cont = {"kind": "continuous", "low": 2.0, "high": 9.5, "significant": True, "comparison mean": 1, "treated mean": 2}
    assert "increase in the time of between 2.0 and 9.5 days" in M.jdl_statement(cont, measure="time", unit="days")


def test_determinism_same_seed():
    df = _data(n=5000)
    a = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], ["y"], seed=7)
    b = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], ["y"], seed=7)
    np.testing.assert_array_equal(a.matching.pair_control, b.matching.pair_control)
    pd.testing.assert_frame_equal(a.effects, b.effects)


def test_minimum_group_size_refusal_and_override():
    df = _data(n=3000)
    t_idx = np.flatnonzero(df["treated"] == 1)
    small = df.drop(index=t_idx[59:])
    assert (small["treated"] == 1).sum() == 59
    with pytest.raises(GroupTooSmall, match="59 people, below the minimum of 60 .* lower the parameter min_group_size"):
        M.matched_comparison(small, "treated", ["x1", "x2"], ["y"])
    res = M.matched_comparison(small, "treated", ["x1", "x2"], ["y"], min_group_size=30)
    assert res.flags and "lowered" in res.flags[0] and "30" in res.flags[0]
    assert res.flags == [M.minimum_group_flag(30)]
    full = M.matched_comparison(df, "treated", ["x1", "x2"], ["y"])
    assert full.flags == [] and M.minimum_group_flag(60) is None


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda d: d.drop(columns="x2"), M.MatchingError, "no column 'x2' .named in the parameter covariates."),
        (lambda d: d.assign(treated=d["treated"].replace({1: 2})), M.MatchingError, r"must hold only 0 and 1; data row \d+ .* holds 2$"),
        (lambda d: d.assign(x2=1), M.MatchingError, "single value"),
        (lambda d: d.assign(x1=d["x1"].where(d.index != 5)), M.MatchingError, r"'x1': 1 missing \(data row 6\)"),
        (lambda d: d.assign(x1=d["x1"].astype(str).where(d.index != 7, "abc")), M.MatchingError,
         "column 'x1' holds numbers except in data row 8 .* which holds 'abc'"),
        (lambda d: d.assign(y=d["y"].astype(float).where(d.index != 3)), M.MatchingError, "outcome column 'y'"),
        (lambda d: d.assign(treated=0), M.MatchingError, "only one group"),
    ],
)
def test_bad_input_errors(change, error, message):
    df = change(_data())
    with pytest.raises(error, match=message):
        M.matched_comparison(df, "treated", ["x1", "x2"], ["y"])


def test_complete_separation_is_named_not_slow_convergence():
    df = _data()
    df["treated"] = (df["x1"] > 1).astype(int)
    with pytest.raises(M.SeparationError, match="X1 separates treated from untreated people completely") as info:
        M.matched_comparison(df, "treated", ["x1", "x2"], ["y"])
    assert info.value.covariates == ("x1",) and info.value.complete


def test_continuous_outcome_among_observed_and_love_plot():
    df = _data()
    df["days"] = np.where(df["y"] == 1, df["score"].abs() * 10, np.nan)
    res = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], {"score": "continuous", "days": "continuous"},
                               among_observed=["days"])
    eff = res.effects.set_index("outcome")
    assert eff.loc["days", "treated people"] == int(df.loc[res.matching.matched_treated, "y"].sum())
    assert eff.loc["score", "kind"] == "continuous"
    _fig, ax = M.love_plot(res.balance, source="synthetic test data")
    assert ax.get_xlabel().startswith("Absolute standardised mean difference")


def test_numeric_columns_from_text_and_display_table():
    df = _data(n=400).astype(str)
    df.loc[2, "x1"] = None
    out = M.numeric_columns(df, ["x1", "treated"])
    assert np.isnan(out.loc[2, "x1"]) and out["treated"].dtype == float
    df.loc[4, "x2"] = "abc"
    with pytest.raises(M.MatchingError, match="column 'x2' data row 5 .* 'abc' is not a number"):
        M.numeric_columns(df, ["x2"])
    eff = {"outcome": "y", "kind": "binary", "treated people": 100, "comparison people": 100, "treated mean": 0.18,
           "comparison mean": 0.23, "difference": -0.05, "low": -0.08, "high": -0.02, "p value": 0.0004}
    row = M.effects_display(pd.DataFrame([eff]), {"y": "Proven reoffending"}).iloc[0]
    assert (row["Outcome"], row["Treatment group"], row["Difference"], row["95% confidence interval"],
            row["p-value"]) == ("Proven reoffending", "18.0%", "-5.0 pp", "-8.0 to -2.0 pp", "<0.001")


def test_statement_quotes_the_test_and_custom_words():
    eff = {"kind": "binary", "low": -0.083, "high": -0.013, "significant": True, "comparison mean": 0.29,
           "treated mean": 0.24, "p value": 0.0074}
    assert "(95% confidence interval; the difference is statistically significant, p = 0.007)." in M.jdl_statement(
        eff, measure="rate")
    days = {"kind": "continuous", "low": -8.8, "high": 20.0, "significant": False, "p value": 0.4471}
    text = M.jdl_statement(days, measure="time", unit="days", words=("shorter", "longer"))
    assert "from 8.8 days shorter to 20.0 days longer for the treatment group (p = 0.447, not significant" in text
    days.update(p=None, **{"p value": 0.0002})
    assert "p < 0.001" in M.jdl_statement(days, measure="time")


def test_balance_display_plain_names_and_no_negative_zero():
    balance = pd.DataFrame({
        "covariate": ["propensity score (logit)", "prior_offences", "age"],
        "treated mean (before)": [1.0, 2.0, 3.0], "comparison mean (before)": [1.0, 2.0, 3.0],
        "SMD before": [0.5, -0.25, 0.1], "treated mean (after)": [1.0, 2.0, 3.0],
        "comparison mean (after)": [1.0, 2.0, 3.0], "SMD after": [-0.0001, 0.02, -0.0304],
        "variance ratio after": [1.0, 1.1, 0.9], "imbalanced after": [False, False, False],
    })
    shown = M.balance_display(balance, {"age": "Age (years)"})
    assert shown["Characteristic"].tolist() == ["Propensity score (log-odds)", "Prior offences", "Age (years)"]
    assert shown["SMD after"].tolist() == ["0.000", "0.020", "-0.030"]
    assert not any("_" in c for c in shown.columns)
    _fig, ax = M.love_plot(balance, labels={"age": "Age (years)"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Propensity score (log-odds)", "Prior offences",
                                                            "Age (years)"]
    assert "(absolute SMD, SD units)" in ax.get_title("left")


def test_support_statement_in_words():
    support = M.common_support(np.array([-2.0, 0.0, 1.0, -3.0, -1.0, 0.5, 3.0, 4.0]),
                               np.array([True, True, True, False, False, False, False, False]))
    assert support["Outside the other group's range"].tolist() == [0, 3]
    text = M.support_statement(support, 3, service="the project", threshold=2)
    assert "chance of receiving the project ranges from 11.9% to 73.1% in the treatment group" in text
    assert "Every treated person lies inside the comparison pool's range" in text
    assert "3 people in the comparison pool lie outside" in text and "3 of 3 treated people found" in text
    text = M.support_statement(support, 2, threshold=10)
    assert "Fewer than 10 people in the comparison pool" in text and "(fewer than 10 did not and are left out)" in text


def test_recovery_table_marks_coverage():
    matched = {"difference": -0.048, "low": -0.083, "high": -0.013}
    raw = {"difference": -0.11, "low": -0.134, "high": -0.085}
    table = M.recovery_table(-0.04, matched, raw)
    assert table["Difference in the rate"].tolist() == ["-4.0 pp", "-4.8 pp", "-11.0 pp"]
    assert table["Interval contains the true effect?"].tolist() == ["", "yes", "no"]
    assert table["95% confidence interval"].iloc[1] == "-8.3 to -1.3 pp"
    _fig, ax = M.recovery_plot(-0.04, matched, raw, measure="rate", source="test")
    assert "percentage points" in ax.get_title("left") and "percentage points" in ax.get_xlabel()


def test_unadjusted_effect_is_raw_difference():
    df = _data()
    res = M.matched_comparison(df, "treated", ["x1", "x2", "sex"], ["y"])
    t = df["treated"] == 1
    raw = df.loc[t, "y"].mean() - df.loc[~t, "y"].mean()
    assert res.unadjusted.iloc[0]["difference"] == pytest.approx(raw)


def test_matching_memory_is_linear_not_all_pairs():
    """Not a timing test: 20,000 x 200,000 all-pairs distances would need 32 GB; sorted search needs a few MB."""
    import tracemalloc

    rng = np.random.default_rng(0)
    n_t, n_c = 20_000, 200_000
    treated = np.r_[np.ones(n_t, bool), np.zeros(n_c, bool)]
    logit = rng.normal(size=n_t + n_c) + 0.5 * treated
    tracemalloc.start()
    m = M.match(logit, treated, rng=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 100 * 2**20
    assert m.rounds < 30
    assert m.n_matched_treated > 0.95 * n_t
    assert len(np.unique(m.pair_control)) == len(m.pair_control)


def test_with_replacement_respects_strata_and_caliper():
    df = _data()
    res = M.matched_comparison(df, "treated", ["x1", "x2"], ["y"], exact=["sex"], replace=True, ratio=3,
                               caliper_sd=0.1)
    m = res.matching
    sex = df["sex"].to_numpy()
    np.testing.assert_array_equal(sex[m.pair_treated], sex[m.pair_control])
    logit = res.propensity.logit
    assert np.abs(logit[m.pair_treated] - logit[m.pair_control]).max() <= m.caliper


def test_outcome_wording_defaults_and_errors():
    text = {"days": ["time to first reoffence", None, "days", "shorter", "longer"], "y": ["rate", "reoffended", ""]}
    assert M.outcome_wording("days", text) == {"measure": "time to first reoffence", "per_100": None, "unit": "days",
                                               "words": ("shorter", "longer")}
    assert M.outcome_wording("y", text)["words"] == ("lower", "higher")
    assert M.outcome_wording("score", text) == {"measure": "'score' outcome", "per_100": None, "unit": "",
                                                "words": ("lower", "higher")}
    with pytest.raises(M.MatchingError, match="outcome_text for 'y' must be"):
        M.outcome_wording("y", {"y": ["rate", None]})


def test_recovery_statement_says_whether_each_interval_contains_the_truth():
    matched = {"difference": -0.048, "low": -0.083, "high": -0.013}
    raw = {"difference": -0.11, "low": -0.134, "high": -0.085}
    text = M.recovery_statement(-0.04, matched, raw)
    assert "matched estimate is -4.8 percentage points (95% CI -8.3 to -1.3), which contains the true effect" in text
    assert text.endswith("which does not: it is biased by who the service took on.")
    wide = {"difference": -0.083, "low": -0.145, "high": -0.011}
    assert "whose interval also contains it at this sample size, though it is centred further from it" in (
        M.recovery_statement(-0.04, matched, wide))
    assert "does NOT contain" in M.recovery_statement(-0.04, raw, raw)


def test_load_data_csv_catalog_and_unknown(tmp_path):
    df = _data(n=200)
    path = tmp_path / "service.CSV"
    df.to_csv(path, index=False)
    assert M.load_data(str(path)).shape == df.shape
    cohort = M.load_data("synthetic_jdl_cohort", {"n": 500, "seed": 1})
    assert len(cohort) == 500 and cohort.attrs["synthetic"]
    with pytest.raises(M.MatchingError, match="'service.xlsx' is neither a CSV file .* nor a dataset in the catalog"):
        M.load_data("service.xlsx")


def test_matching_rules_sentence():
    assert M.matching_rules(0.2, 0.1224, 1, False, ["female"], {"female": "Female (share)"}) == (
        "Caliper 0.2 standard deviations of the logit of the propensity score (0.122 on the logit scale); "
        "1 comparison person per treated person; a comparison person may not be used more than once; "
        "exact matching on Female (share).")
    assert M.matching_rules(None, None, 3, True, []) == (
        "No caliper; 3 comparison people per treated person; a comparison person may be used more than once; "
        "no exact matching.")
