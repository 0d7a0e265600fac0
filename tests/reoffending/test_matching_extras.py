"""The matched report's extra parts assembled from a comparison: JDL form, sensitivity, robustness,
cluster-aware variance, survival after matching, and the disclosure rule applied to all of them."""

from __future__ import annotations

import pandas as pd
import pytest

from rehabresearch.reoffending import matched as M
from rehabresearch.reoffending import synthetic
from rehabresearch.reoffending.matched import extras, variance

COVS = ["age", "female", "prior_offences", "employed", "custody", "substance_misuse"]
OUTCOMES = {"reoffended": "binary", "reoffences": "continuous", "days_to_first_reoffence": "continuous"}


@pytest.fixture(scope="module")
def cohort():
    return synthetic.jdl_cohort(n=20000, seed=5)


def _compare(df, **kw):
    return M.matched_comparison(df, "treated", COVS, OUTCOMES, among_observed=["days_to_first_reoffence"], **kw)


def test_jdl_section_has_the_three_outcomes_the_table_and_the_forest_rows(cohort):
    res = _compare(cohort)
    j = extras.jdl_section(res)
    assert len(j["findings"]) == 3 and len(j["typical"]) == 3 and len(j["forest"]) == 3
    rate = res.effects.set_index("outcome").loc["reoffended"]
    assert j["forest"].iloc[0]["difference"] == pytest.approx(100 * rate["difference"])
    assert j["typical"].iloc[0]["Treatment group"] == round(100 * rate["treated mean"])
    assert ("This is a statistically significant result" in j["findings"][0]) == bool(rate["significant"])
    assert extras.treated_reoffenders(res) == round(rate["treated mean"] * rate["treated people"])


def test_small_group_outcomes_are_left_out_of_every_part(cohort):
    df = cohort.copy()
    t = df.index[df["treated"] == 1]
    df = df.drop(index=t[70:]).reset_index(drop=True)
    t = df.index[df["treated"] == 1]
    df.loc[t, "reoffended"] = 0
    df.loc[t[:7], "reoffended"] = 1
    df.loc[t, "reoffences"] = df.loc[t, "reoffended"]
    df["days_to_first_reoffence"] = df["days_to_first_reoffence"].where(df["reoffended"] == 1)
    df.loc[t[:7], "days_to_first_reoffence"] = 50.0
    res = _compare(df, caliper_sd=None)
    j = extras.jdl_section(res, threshold=10)
    assert set(j["hidden"]) == {"reoffended", "days_to_first_reoffence"}
    assert all("Proven reoffending rate" not in label for label in j["forest"]["label"])
    assert "One-year proven reoffending rate" not in set(j["typical"].get("Measure", []))
    assert sum("is not shown" in f for f in j["findings"]) == 2
    assert extras.robustness(res, "reoffended", threshold=10)[0] is None
    assert "not shown" in extras.sensitivity_findings(res, "reoffended", threshold=10)[0]
    assert extras.survival_curves(res, "days_to_first_reoffence", "reoffended", threshold=10) is None


def test_robustness_table_agrees_on_the_synthetic_cohort(cohort):
    res = _compare(cohort)
    table, sentence = extras.robustness(res, "reoffended")
    assert list(table["Estimator"])[0].startswith("Nearest-neighbour matching")
    assert len(table) == 4 and "agree" in sentence


def test_sensitivity_with_replacement_says_what_is_done_instead(cohort):
    res = M.matched_comparison(cohort, "treated", COVS, ["reoffended"], replace=True)
    texts = extras.sensitivity_findings(res, "reoffended", measure="the rate")
    assert "matched with replacement" in texts[0] and "What is done instead" in texts[0]
    assert texts[1].startswith("To explain away the estimated risk ratio")


def test_clustered_variance_option_matches_the_variance_module(cohort):
    res = _compare(cohort, variance="clustered")
    plain = _compare(cohort)
    e = res.effects.set_index("outcome")
    m = res.matching
    ref = variance.matched_difference_from_pairs(cohort["reoffences"].to_numpy(float), m.pair_treated, m.pair_control,
                                                 replace=False)
    assert e.loc["reoffences", "standard error"] == pytest.approx(ref["standard error"])
    assert e.loc["reoffences", "difference"] == pytest.approx(plain.effects.set_index("outcome").loc["reoffences",
                                                                                                    "difference"])
    assert e.loc["reoffences", "variance"].endswith("matched set")
    assert pd.isna(e.loc["days_to_first_reoffence"].get("variance"))  # defined only for some: default kept
    with pytest.raises(M.MatchingError, match="variance must be one of"):
        _compare(cohort, variance="bootstrap")


def test_survival_curves_and_attrition(cohort):
    res = _compare(cohort)
    curves, at_risk, logrank = extras.survival_curves(res, "days_to_first_reoffence", "reoffended")
    assert set(curves["group"]) == {"Treatment group", "Comparison group"}
    assert list(at_risk.columns[1:]) == ["0", "90", "180", "270", "365"]
    assert 0 <= logrank["p_value"] <= 1
    doubled = pd.concat([cohort, cohort[cohort["treated"] == 1].iloc[:12]], ignore_index=True)
    table = extras.attrition(_compare(doubled, duplicates="drop"))
    assert list(table["stage"])[:2] == ["Treatment group submitted", "After removing duplicate rows"]
    assert table["lost before this stage"].iloc[1] == 12
    items = extras.jdl_items(res, extras.DEFAULT_JDL_OUTCOMES, source="test")
    assert sum(1 for i in items if i[0] == "figure") == 2  # forest plot and attrition diagram
