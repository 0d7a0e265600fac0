"""The matched_comparison report on a user's own CSV: it runs, says what it analysed, and fails clearly."""

from __future__ import annotations

import html
import json

import pytest

from rehabresearch import runner
from rehabresearch.reoffending import synthetic

pytestmark = pytest.mark.notebook


def _user_csv(tmp_path, n_treated=None):
    df = synthetic.jdl_cohort(n=5000, seed=11).rename(columns={"treated": "in_programme", "reoffended": "rearrested"})
    if n_treated is not None:
        treated = df.index[df["in_programme"] == 1]
        df = df.drop(index=treated[n_treated:])
    path = tmp_path / "service.csv"
    df.drop(columns=["reoffences", "days_to_first_reoffence"]).to_csv(path, index=False)
    return path


def _run(tmp_path, overrides):
    return runner.run_notebook(runner.find("matched_comparison"), "quick", overrides=overrides,
                               reports_dir=tmp_path / "reports", progress=lambda *_: None)


def test_user_csv_other_outcome_and_lowered_minimum(tmp_path):
    path = _user_csv(tmp_path, n_treated=40)
    result = _run(tmp_path, {"data": str(path), "treatment": "in_programme", "outcomes": {"rearrested": "binary"},
                             "min_group_size": 30})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    assert "user-supplied CSV" in page and "not the published synthetic example" in page
    assert "minimum treatment group was lowered from the Justice Data Lab's 60 to 30 people" in page
    assert "Previous offences (number)" in page and "Table 7: Known true effect" not in page
    results = json.loads((tmp_path / "reports" / "matched_comparison" / "results.json").read_text())["results"]
    assert results["matched_treated"]["value"] == 40 and "difference_pp" in results


def test_user_csv_missing_column_names_the_parameter(tmp_path):
    path = _user_csv(tmp_path)
    result = _run(tmp_path, {"data": str(path), "treatment": "in_programme", "outcomes": {"rearrested": "binary"},
                             "covariates": ["age", "employment_status"]})
    assert result.status != "ok"
    assert "no column 'employment_status' (named in the parameter covariates)" in result.error


def test_user_csv_with_text_categories_gaps_and_a_formula(tmp_path):
    df = synthetic.jdl_cohort(n=5000, seed=12)
    rng = __import__("numpy").random.default_rng(0)
    df["region"] = rng.choice(["North", "Midlands", "South", "Wales"], len(df))
    df["sex"] = df["female"].map({0: "Male", 1: "Female"})
    df.loc[rng.random(len(df)) < 0.04, "age"] = None
    df.loc[rng.random(len(df)) < 0.02, "region"] = None
    path = tmp_path / "service.csv"
    df.drop(columns=["female"]).to_csv(path, index=False)
    formula = "age + I(age**2) + C(region) + sex + prior_offences * custody + employed"
    common = {"data": str(path), "covariates": formula, "exact": [], "outcomes": {"reoffended": "binary"}}
    refused = _run(tmp_path, common)
    assert refused.status != "ok" and "'age': " in refused.error and "missing to 'indicator'" in refused.error
    result = _run(tmp_path, {**common, "missing": "indicator", "level": 0.9})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    for text in ["Region: Midlands (reference level)", "Region: Wales", "Region: (missing)", "Age (years): value missing",
                 "filled with the observed mean", "Sex: Male", "90% confidence interval", "reference level (Region: Midlands"]:
        assert text in page, text
    assert "95% confidence interval" not in page
    assert "C(region)" not in page  # formula syntax stays out of reader text: tables and sentences use the labels
    record = json.loads((tmp_path / "reports" / "matched_comparison" / "run.json").read_text())
    assert record["parameters"]["covariates"] == formula  # the run record keeps the model as given


def test_small_group_figures_that_reveal_a_count_are_suppressed_on_the_page(tmp_path):
    df = synthetic.jdl_cohort(n=5000, seed=11)
    treated = df.index[df["treated"] == 1]
    df = df.drop(index=treated[70:]).reset_index(drop=True)
    t = df.index[df["treated"] == 1]
    df.loc[t, "reoffended"] = 0
    df.loc[t[:7], "reoffended"] = 1
    df["days_to_first_reoffence"] = df["days_to_first_reoffence"].where(df["reoffended"] == 1, None)
    df.loc[t[:7], "days_to_first_reoffence"] = 100.0
    path = tmp_path / "service.csv"
    df.to_csv(path, index=False)
    result = _run(tmp_path, {"data": str(path), "min_group_size": 60, "caliper_sd": None})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    assert "10.0%" not in page and "100.00" not in page  # the treated rate (7 of 70) and the 7 people's mean
    assert "is not shown: fewer than 10 people" in page
    results = json.loads((tmp_path / "reports" / "matched_comparison" / "results.json").read_text())["results"]
    assert "treated_rate" not in results and "difference_pp" not in results


def test_quick_report_has_the_jdl_form_sensitivity_robustness_and_survival(tmp_path):
    result = _run(tmp_path, {"level": 0.9})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    for text in ["Table 8: For 100 typical people", "Table 9: What you can and cannot say",
                 "(90% confidence interval)", "Rosenbaum", "To explain away the estimated risk ratio",
                 "Table 10: The effect on the treated by other estimators", "log-rank test"]:
        assert text in page, text
    assert "95% confidence interval" not in page
    assert page.count("<img") >= 5  # love plot, recovery chart, forest plot, attrition diagram, survival curves


def test_lalonde_like_csv_renders_instead_of_a_false_no_overlap(tmp_path):
    # The reported failure: ~1% treated, earnings in dollars with many zeros; the first propensity fit ran away
    # and the report refused with "no overlap". Now the report renders with one command.
    from test_matching_propensity import lalonde_like

    path = tmp_path / "nsw_like.csv"
    lalonde_like(3).to_csv(path, index=False)
    covs = ["age", "educ", "black", "hispanic", "married", "nodegree", "re74", "re75", "u74", "u75"]
    result = _run(tmp_path, {"data": str(path), "treatment": "treat", "covariates": covs, "exact": [],
                             "outcomes": {"re78": "continuous"}, "among_observed": [], "replace": True,
                             "outcome_text": {"re78": ["earnings in 1978", None, "dollars"]}})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    assert "no overlap" not in page and "earnings in 1978" in page
    assert "matched with replacement" in page  # the sensitivity section says what is done instead of the bounds
