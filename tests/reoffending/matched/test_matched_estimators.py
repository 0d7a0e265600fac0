"""Alternative ATT estimators against statsmodels on the same data, and their statistical properties on
simulated data with a known effect on the treated."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from rehabresearch.reoffending.matched.estimators import (
    EstimatorError,
    agreement,
    aipw_att,
    ipw_att,
    regression_att,
    robustness_table,
)


def _cohort(rng, n=20_000, effect=-0.5):
    x1 = rng.normal(size=n)
    x2 = np.where(rng.random(n) < 0.4, 0.0, rng.lognormal(8, 1, n)) / 1e4  # money: many zeros, long tail
    lin = -2.0 + 0.8 * x1 + 0.5 * x2
    e = 1 / (1 + np.exp(-lin))
    t = rng.random(n) < e
    y = 1.0 + 1.5 * x1 + 2.0 * x2 + effect * t + rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2}), t, e, y


def test_ipw_matches_statsmodels_wls_hc0():
    rng = np.random.default_rng(5)
    X, t, e, y = _cohort(rng, 5000)
    got = ipw_att(y, t, e)
    w = np.where(t, 1.0, e / (1 - e))
    ref = sm.WLS(y, sm.add_constant(t.astype(float)), weights=w).fit(cov_type="HC0")
    assert got["estimate"] == pytest.approx(ref.params[1], abs=1e-10)
    assert got["standard error"] == pytest.approx(ref.bse[1], rel=1e-9)


def test_aipw_is_the_odds_weighted_difference_of_outcome_model_residuals():
    rng = np.random.default_rng(6)
    X, t, e, y = _cohort(rng, 5000)
    got = aipw_att(y, t, e, X)
    om = sm.OLS(y[~t], sm.add_constant(X[~t])).fit()
    assert got["outcome model"]["x1"] == pytest.approx(om.params["x1"], rel=1e-9)
    r = y - om.predict(sm.add_constant(X)).to_numpy()
    w = np.where(t, 1.0, e / (1 - e))
    ref = sm.WLS(r, sm.add_constant(t.astype(float)), weights=w).fit(cov_type="HC0")
    assert got["estimate"] == pytest.approx(ref.params[1], abs=1e-10)
    assert got["standard error"] == pytest.approx(ref.bse[1], rel=1e-9)


def test_aipw_is_doubly_robust_where_ipw_is_not():
    """With a wrong (constant) propensity score, IPW is biased but AIPW, with the right outcome model, is not."""
    rng = np.random.default_rng(7)
    X, t, e, y = _cohort(rng, 40_000, effect=-0.5)
    wrong = np.full(len(t), t.mean())
    assert abs(ipw_att(y, t, wrong)["estimate"] + 0.5) > 0.5
    got = aipw_att(y, t, wrong, X)
    assert got["low"] < -0.5 < got["high"]
    right = aipw_att(y, t, e, X)
    assert right["low"] < -0.5 < right["high"]
    assert ipw_att(y, t, e)["low"] - 0.05 < -0.5 < ipw_att(y, t, e)["high"] + 0.05


def test_regression_on_matched_sample_matches_statsmodels_cluster():
    rng = np.random.default_rng(8)
    X, t, e, y = _cohort(rng, 3000)
    treated_rows = np.flatnonzero(t)
    controls = rng.choice(np.flatnonzero(~t), size=len(treated_rows), replace=False)
    w = np.zeros(len(t))
    w[treated_rows] = 1
    w[controls] = 1
    sets = np.full(len(t), -1)
    sets[treated_rows] = np.arange(len(treated_rows))
    sets[controls] = np.arange(len(treated_rows))
    got = regression_att(y, t, X, w, sets)
    keep = w > 0
    design = np.column_stack([np.ones(keep.sum()), t[keep].astype(float), X[keep].to_numpy()])
    ref = sm.WLS(y[keep], design, weights=w[keep]).fit(cov_type="cluster", cov_kwds={"groups": sets[keep]})
    assert got["estimate"] == pytest.approx(ref.params[1], abs=1e-10)
    assert got["standard error"] == pytest.approx(ref.bse[1], rel=1e-9)
    assert got["clustered by"] == "matched set"


def test_robustness_table_and_agreement():
    matched = {"estimate": -0.5, "low": -0.7, "high": -0.3}
    others = [{"estimator": "A", "estimate": -0.45, "low": -0.6, "high": -0.3},
              {"estimator": "B", "estimate": -0.2, "low": -0.35, "high": -0.05}]
    table, agree = robustness_table(matched, others)
    assert list(table["estimator"])[0].startswith("Nearest-neighbour")
    assert list(table["contains matched estimate"]) == [True, True, False]
    assert not agree["agree"] and agree["disagreeing"] == ["B"] and agree["same sign"]
    assert agreement(matched, others[:1])["agree"]
    flipped = agreement(matched, [{"estimator": "C", "estimate": 0.1, "low": -0.6, "high": 0.4}])
    assert not flipped["same sign"] and not flipped["agree"]


def test_bad_input_names_rows_and_columns():
    rng = np.random.default_rng(9)
    X, t, e, y = _cohort(rng, 200)
    with pytest.raises(EstimatorError, match="row 3"):
        ipw_att(np.r_[y[:2], np.nan, y[3:]], t, e)
    e_bad = e.copy()
    e_bad[np.flatnonzero(~t)[0]] = 1.0
    with pytest.raises(EstimatorError, match="strictly between 0 and 1"):
        ipw_att(y, t, e_bad)
    with pytest.raises(EstimatorError, match="'x2'.*row 5"):
        aipw_att(y, t, e, X.assign(x2=[*X["x2"][:4], "abc", *X["x2"][5:]]))
    with pytest.raises(EstimatorError, match="constant"):
        aipw_att(y, t, e, X.assign(k=1.0))
    with pytest.raises(EstimatorError, match="0/1"):
        ipw_att(y, np.where(t, 2, 0), e)
