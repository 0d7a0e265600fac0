"""Covariates as users hold them (formulas, text categories, gaps) and the bad input a matched comparison refuses."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from rehabresearch.reoffending import matched as M


def _people(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    eth = rng.choice(["White", "Black", "Asian", "Mixed"], n, p=[0.7, 0.12, 0.1, 0.08])
    age = rng.normal(33, 10, n).round().clip(18, 70)
    priors = rng.negative_binomial(1.0, 0.2, n)
    custody = (rng.random(n) < 0.4).astype(int)
    lin = -2.2 + 0.02 * (age - 33) + 0.3 * (eth == "Black") - 0.2 * (eth == "Asian") + 0.05 * priors + 0.4 * custody
    t = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    y = (rng.random(n) < 0.3 + 0.02 * custody).astype(int)
    return pd.DataFrame({"id": np.arange(n), "age": age, "ethnicity": eth, "prior_offences": priors,
                         "custody": custody, "treated": t, "reoffended": y})


FORMULA = "age + I(age**2) + C(ethnicity) + prior_offences * custody"


def test_formula_fit_matches_statsmodels_formula_api():
    df = _people()
    fit = M.fit_propensity(df, "treated", FORMULA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = smf.logit("treated ~ " + FORMULA, df).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    assert list(fit.covariates) == list(ref.params.index[1:])  # the same design columns, in the same order
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6)


def test_text_column_in_a_list_is_indicators_with_a_stated_reference_and_every_level_balanced():
    df = _people()
    design = M.build_design(df, ["age", "ethnicity"])
    assert design.references == {"ethnicity": "Asian"}  # first in sorted order, as statsmodels does
    assert design.names == ("age", "ethnicity[Black]", "ethnicity[Mixed]", "ethnicity[White]")
    res = M.matched_comparison(df, "treated", ["age", "ethnicity", "custody"], ["reoffended"])
    shown = M.balance_display(res.balance, res.labels)["Characteristic"].tolist()
    assert {"Ethnicity: Asian (reference level)", "Ethnicity: Black", "Ethnicity: Mixed", "Ethnicity: White"} <= set(shown)
    b = res.balance.set_index("covariate")
    shares = b.loc[[c for c in b.index if c.startswith("ethnicity[")], "treated mean (before)"]
    assert shares.sum() == pytest.approx(1.0)  # every level is there, so the shares add up
    assert "reference level (Ethnicity: Asian)" in M.reference_note(res.design, res.labels)


def test_formula_balance_rows_show_every_level_and_readable_labels():
    df = _people()
    res = M.matched_comparison(df, "treated", FORMULA, ["reoffended"], labels={"age": "Age (years)"})
    shown = M.balance_display(res.balance, res.labels)["Characteristic"].tolist()
    for label in ["Ethnicity: Asian (reference level)", "Ethnicity: White", "Age (years), squared",
                  "Prior offences × Custody"]:
        assert label in shown
    assert not any("C(" in s or "I(" in s for s in shown)


def test_csv_text_numbers_are_read_as_numbers_and_typos_refused():
    df = _people().astype(str)
    design = M.build_design(df, ["age", "custody", "ethnicity"])
    assert design.names[:2] == ("age", "custody")
    df.loc[9, "age"] = "thirty"
    with pytest.raises(M.MatchingError, match=r"column 'age' holds numbers except in data row 10 .* 'thirty'"):
        M.build_design(df, ["age", "custody"])


def test_missing_covariates_refused_with_counts_and_rows():
    df = _people()
    df.loc[[4, 10, 11], "age"] = np.nan
    df.loc[[7], "ethnicity"] = None
    with pytest.raises(M.MatchingError) as e:
        M.matched_comparison(df, "treated", ["age", "ethnicity", "custody"], ["reoffended"])
    text = str(e.value)
    assert "'age': 3 missing (data rows 5, 11, 12)" in text and "'ethnicity': 1 missing (data row 8)" in text
    assert "missing to 'indicator'" in text


def test_missing_indicator_option_adds_indicators_says_so_and_balances_them():
    df = _people()
    rng = np.random.default_rng(0)
    df.loc[rng.random(len(df)) < 0.05, "age"] = np.nan
    df.loc[rng.random(len(df)) < 0.03, "ethnicity"] = None
    res = M.matched_comparison(df, "treated", ["age", "ethnicity", "custody"], ["reoffended"], missing="indicator")
    d = res.design
    assert "age (missing)" in d.names and d.filled["age"] == int(df["age"].isna().sum())
    assert d.fill_values["age"] == pytest.approx(df["age"].mean())
    assert "ethnicity[(missing)]" in d.names and d.references["ethnicity"] == "Asian"  # the gap level is never the reference
    shown = M.balance_display(res.balance, res.labels)["Characteristic"].tolist()
    assert "Age: value missing" in shown and "Ethnicity: (missing)" in shown
    note = next(n for n in res.notes if "missing values" in n)
    assert "filled with the observed mean" in note and "indicator" in note


@pytest.mark.parametrize(
    "change, covariates, outcomes, message",
    [
        (lambda d: d.assign(ethnicity="White"), ["age", "ethnicity"], ["reoffended"],
         "categorical covariate 'ethnicity' has the single value 'White'"),
        (lambda d: d, "age + C(region)", ["reoffended"], r"names 'region', which is not a column of the data"),
        (lambda d: d, "age + np.log(prior_offences + 1) + Q('custody')", ["nothing"], "no column 'nothing'"),
        (lambda d: d.assign(treated=d["treated"].astype(float).where(d.index != 12)), ["age"], ["reoffended"],
         r"treatment column 'treated' has 1 missing or infinite value\(s\); the first is in data row 13"),
        (lambda d: d.assign(reoffended=d["reoffended"].astype(float).where(~d.index.isin(
            d.index[d["treated"] == 1][:2]))), ["age"], ["reoffended"],
         "outcome column 'reoffended' is missing for 2 treated and 0 untreated people .* among_observed"),
        (lambda d: d, "age - 1", ["reoffended"], "removes the intercept"),
        (lambda d: d.assign(custody=d["custody"].astype(float).where(d.index != 2)), ["age"], ["reoffended"],
         r"exact-matching column values are missing — 'custody': 1 missing \(data row 3\)"),
        (lambda d: pd.concat([d, d.iloc[[5]]], ignore_index=True), ["age"], ["reoffended"],
         "1 exact duplicate row.*data row 4001 repeats data row 6"),
    ],
)
def test_bad_input_is_named(change, covariates, outcomes, message):
    with pytest.raises(M.MatchingError, match=message):
        M.matched_comparison(change(_people()), "treated", covariates, outcomes, exact=["custody"])


def test_duplicates_dropped_on_request_and_reported():
    df = _people()
    doubled = pd.concat([df, df.iloc[:25]], ignore_index=True)
    res = M.matched_comparison(doubled, "treated", ["age", "custody"], ["reoffended"], duplicates="drop")
    ref = M.matched_comparison(df, "treated", ["age", "custody"], ["reoffended"])
    assert res.duplicates_dropped == 25 and len(res.data) == len(df)
    assert res.effects["difference"].iloc[0] == pytest.approx(ref.effects["difference"].iloc[0])
    assert any("25 exact duplicate row(s) in the data" in n for n in res.notes)


def test_wording_follows_the_confidence_level():
    df = _people()
    res = M.matched_comparison(df, "treated", ["age", "custody"], ["reoffended"], level=0.9)
    e = res.effects.iloc[0]
    assert e["level"] == 0.9
    text = M.jdl_statement(e, measure="rate")
    assert "90% confidence interval" in text and "95%" not in text
    if not e["significant"]:
        assert "10% level" in text
    assert "90% confidence interval" in M.effects_display(res.effects).columns
    wide = M.matched_comparison(df, "treated", ["age", "custody"], ["reoffended"], level=0.99).effects.iloc[0]
    assert wide["high"] - wide["low"] > e["high"] - e["low"]


def test_formula_reference_level_quoted_names_and_functions_agree_with_statsmodels():
    df = _people().rename(columns={"prior_offences": "prior offences"})
    formula = 'C(ethnicity, Treatment("White")) + np.log(age) + Q("prior offences")'
    design = M.build_design(df, formula)
    assert design.references == {"ethnicity": "White"}
    fit = M.fit_propensity(df, "treated", design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = smf.logit("treated ~ " + formula, df).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6)
    assert M.design_label("np.log(age)") == "Age, logarithm"
    assert M.design_label('C(ethnicity, Treatment("White"))[T.Black]') == "Ethnicity: Black"


def test_category_dtype_keeps_its_own_level_order():
    df = _people()
    df["ethnicity"] = pd.Categorical(df["ethnicity"], categories=["White", "Black", "Asian", "Mixed"])
    design = M.build_design(df, ["ethnicity"])
    assert design.references == {"ethnicity": "White"}
    assert design.balance_names == ("ethnicity[White]", "ethnicity[Black]", "ethnicity[Asian]", "ethnicity[Mixed]")
