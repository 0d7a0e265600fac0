"""Cluster-aware standard errors for the matched difference, against statsmodels WLS with
cov_type='cluster' (and 'HC1' when every row is its own cluster) on the same data."""

import numpy as np
import pytest
import statsmodels.api as sm

from rehabresearch.reoffending.matched.variance import (
    VarianceError,
    long_format,
    matched_difference,
    matched_difference_from_pairs,
    wls,
)


def _pairs(rng, n_t=300, k=2, n_c=2000, replace=False):
    treated_rows = np.arange(n_t)
    if replace:
        controls = rng.integers(n_t, n_t + n_c, size=n_t * k)
    else:
        controls = n_t + rng.permutation(n_c)[: n_t * k]
    return np.repeat(treated_rows, k), controls


def _skewed_outcome(rng, n):
    # many zeros and a long tail, like counts of reoffences or money
    return np.where(rng.random(n) < 0.6, 0.0, rng.lognormal(1.0, 1.2, n))


@pytest.mark.parametrize("replace,k", [(False, 1), (False, 3), (True, 1), (True, 2)])
def test_matched_difference_matches_statsmodels_cluster(replace, k):
    rng = np.random.default_rng(9 + k)
    n_t, n_c = 300, 1500
    pt, pc = _pairs(rng, n_t, k, n_c, replace)
    # outcomes correlated within a set: the set effect is shared by the treated person and their controls
    set_effect = rng.normal(0, 2, n_t)
    y = _skewed_outcome(rng, n_t + n_c)
    y[pc] += set_effect[pt]
    y[:n_t] += set_effect + 0.5
    got = matched_difference_from_pairs(y, pt, pc, replace=replace)
    lf = long_format(pt, pc)
    X = sm.add_constant(lf["treated"].astype(float))
    groups = lf["row"] if replace else lf["set"]
    ref = sm.WLS(y[lf["row"]], X, weights=lf["weight"]).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert got["estimate"] == pytest.approx(ref.params[1], abs=1e-10)
    assert got["standard error"] == pytest.approx(ref.bse[1], rel=1e-9)
    assert got["clustered by"] == ("person" if replace else "matched set")
    # the point estimate is the weighted difference in means the matching implies
    wt = np.bincount(pc, minlength=n_t + n_c) / k
    assert got["estimate"] == pytest.approx(y[:n_t].mean() - np.sum(wt * y) / np.sum(wt), abs=1e-10)


def test_pairing_matters_when_outcomes_share_a_set_effect():
    rng = np.random.default_rng(1)
    pt, pc = _pairs(rng, 400, 1, 400)
    set_effect = rng.normal(0, 5, 400)
    y = rng.normal(0, 1, 800)
    y[pc] += set_effect
    y[:400] += set_effect
    paired = matched_difference_from_pairs(y, pt, pc, replace=False)
    unpaired = matched_difference(y[np.r_[pt, pc]], np.r_[np.ones(400, bool), np.zeros(400, bool)], None)
    assert paired["standard error"] < 0.5 * unpaired["standard error"]


def test_wls_hc1_when_every_row_is_its_own_cluster():
    rng = np.random.default_rng(2)
    n = 5000
    X = sm.add_constant(np.column_stack([rng.normal(size=n), rng.exponential(1e4, size=n)]))
    w = rng.uniform(0.1, 3, n)
    y = X @ [1.0, 2.0, 1e-4] + rng.standard_t(2.5, n)
    beta, cov = wls(y, X, w)
    ref = sm.WLS(y, X, weights=w).fit(cov_type="HC1")
    assert np.allclose(beta, ref.params, rtol=1e-9)
    assert np.allclose(np.sqrt(np.diag(cov)), ref.bse, rtol=1e-8)


def test_zero_weights_are_dropped_and_level_is_used():
    y = np.array([1.0, 2.0, 3.0, 4.0, 50.0, 6.0])
    t = np.array([1, 1, 1, 0, 0, 0], bool)
    w = np.array([1, 1, 1, 1, 0, 1.0])
    a = matched_difference(y, t, w, level=0.9)
    b = matched_difference(np.delete(y, 4), np.delete(t, 4), np.delete(w, 4), level=0.9)
    assert a["estimate"] == pytest.approx(b["estimate"]) and a["standard error"] == pytest.approx(b["standard error"])
    assert a["high"] - a["estimate"] == pytest.approx(1.6448536 * a["standard error"], rel=1e-6)


def test_bad_input_is_named():
    with pytest.raises(VarianceError, match="data row 3"):
        matched_difference_from_pairs(np.array([1.0, 2.0, np.nan, 4.0]), [0, 1], [2, 3], replace=False)
    with pytest.raises(VarianceError, match="singular"):
        wls(np.arange(5.0), np.ones((5, 2)))
    with pytest.raises(VarianceError, match="equal length"):
        long_format([0, 1], [2])
    with pytest.raises(VarianceError, match="too few clusters"):
        matched_difference(np.arange(4.0), [1, 1, 0, 0], None, groups=[1, 1, 1, 1])
