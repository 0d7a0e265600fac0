"""The propensity fit on hard cases, against statsmodels ``Logit`` (a reference we did not write).

The data are generated here: rare and common treatment, covariates on scales from 1 to 100,000 with
heavy tails and many exact zeros (money in dollars), quasi-complete and complete separation, a
near-constant indicator, a Lalonde-like observational dataset (about 1% treated, earnings with many
zeros: the case where the first version of the fit diverged within three Newton iterations), and one
million rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, special

from rehabresearch.reoffending import matched as M


def _statsmodels(df: pd.DataFrame, treatment: str, covariates: list[str]):
    x = sm.add_constant(df[covariates].astype(float), has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(df[treatment].astype(float), x).fit(method="newton", tol=1e-12, maxiter=300, disp=0)


def _hard_covariates(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Scales 1 to 100,000; heavy tails; many exact zeros."""
    earned = rng.random(n) < 0.45
    return pd.DataFrame({
        "age": rng.normal(32, 10, n).round().clip(16, 80),  # scale 10
        "priors": rng.negative_binomial(0.6, 0.1, n).astype(float),  # counts, ~40% zeros, long tail
        "earnings": np.where(earned, np.exp(rng.normal(np.log(15_000), 1.2, n)), 0.0).round(2),  # dollars, 55% zeros
        "benefit_days": np.where(rng.random(n) < 0.7, 0.0, rng.pareto(1.8, n) * 40),  # Pareto tail, 70% zeros
        "female": (rng.random(n) < 0.15).astype(float),
        "savings": np.where(rng.random(n) < 0.8, 0.0, rng.lognormal(np.log(4_000), 2.0, n)),  # up to ~100,000s
    })


def _treat(x: pd.DataFrame, prevalence: float, rng: np.random.Generator) -> np.ndarray:
    linear = (-0.03 * (x["age"] - 32) + 0.08 * np.log1p(x["priors"]) - 0.5 * (x["earnings"] > 0)
              - 0.25 * np.log1p(x["earnings"] / 1000) + 0.004 * x["benefit_days"].clip(upper=500)
              + 0.4 * x["female"] - 0.00002 * x["savings"].clip(upper=50_000)).to_numpy()
    a = optimize.brentq(lambda a: special.expit(a + linear).mean() - prevalence, -40, 40)
    return (rng.random(len(x)) < special.expit(a + linear)).astype(int)


COVS = ["age", "priors", "earnings", "benefit_days", "female", "savings"]


@pytest.mark.parametrize("prevalence, n", [(0.005, 40_000), (0.01, 20_000), (0.5, 20_000)])
def test_hard_scales_agree_with_statsmodels(prevalence, n):
    rng = np.random.default_rng(int(prevalence * 1000) + n)
    df = _hard_covariates(n, rng)
    df["t"] = _treat(df, prevalence, rng)
    assert df[COVS].max().max() > 100_000 and (df["earnings"] == 0).mean() > 0.5
    fit = M.fit_propensity(df, "t", COVS)
    ref = _statsmodels(df, "t", COVS)
    assert fit.converged and ref.mle_retvals["converged"]
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6, atol=0)
    np.testing.assert_allclose(fit.logit, ref.fittedvalues.to_numpy(), rtol=0, atol=1e-6)
    assert fit.loglik == pytest.approx(ref.llf, rel=1e-10)


def lalonde_like(seed: int, n_treated: int = 185, n_control: int = 15_992) -> pd.DataFrame:
    """An observational dataset shaped like the National Supported Work treated group against a survey
    comparison pool (LaLonde 1986; Dehejia and Wahba 1999): ~1.1% treated, earnings in dollars with
    most treated people earning nothing, a long tail in the pool. Generated, not the real data."""
    rng = np.random.default_rng(seed)

    def group(n, treated):
        age = np.clip(rng.normal(25 if treated else 33, 7 if treated else 11, n).round(), 16, 55)
        educ = np.clip(rng.normal(10.3 if treated else 12.0, 2 if treated else 2.9, n).round(), 0, 18)
        black = rng.random(n) < (0.84 if treated else 0.07)
        hisp = ~black & (rng.random(n) < (0.4 if treated else 0.08))

        def earn(pzero, median):
            e = np.minimum(np.exp(rng.normal(np.log(median), 0.9, n)), 100_000.0)
            return np.where(rng.random(n) < pzero, 0.0, e.round(2))

        re74 = earn(0.71 if treated else 0.12, 4000 if treated else 14000)
        re75 = np.where(re74 == 0, earn(0.8 if treated else 0.5, 2000 if treated else 9000),
                        earn(0.2, 4000 if treated else 14000))
        return pd.DataFrame({"treat": int(treated), "age": age, "educ": educ, "black": black.astype(int),
                             "hispanic": hisp.astype(int), "married": (rng.random(n) < (0.19 if treated else 0.71)).astype(int),
                             "nodegree": (educ < 12).astype(int), "re74": re74, "re75": re75})

    df = pd.concat([group(n_treated, True), group(n_control, False)], ignore_index=True)
    df["u74"], df["u75"] = (df["re74"] == 0).astype(int), (df["re75"] == 0).astype(int)
    df.insert(0, "id", np.arange(1, len(df) + 1))
    df["re78"] = np.where(rng.random(len(df)) < 0.3, 0.0, np.exp(rng.normal(np.log(9000), 1.0, len(df))))
    return df


LALONDE = ["age", "educ", "black", "hispanic", "married", "nodegree", "re74", "re75", "u74", "u75"]


@pytest.mark.parametrize("seed", [0, 1])
def test_lalonde_like_data_fit_like_statsmodels_and_matches(seed):
    df = lalonde_like(seed)
    fit = M.fit_propensity(df, "treat", LALONDE)
    ref = _statsmodels(df, "treat", LALONDE)
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6, atol=0)
    assert fit.halvings > 0  # the plain Newton step overshoots here; step-halving is what saves the fit
    # The Dehejia-Wahba specification with squared terms, written as a formula.
    formula = "age + I(age**2) + educ + I(educ**2) + black + hispanic + married + nodegree + re74 + re75 + u74 + u75"
    fit2 = M.fit_propensity(df, "treat", formula)
    x = df[LALONDE].assign(age2=df["age"] ** 2, educ2=df["educ"] ** 2)
    ref2 = _statsmodels(x.assign(treat=df["treat"]), "treat", [*LALONDE, "age2", "educ2"])
    got = dict(zip(fit2.covariates, fit2.coef[1:]))
    assert got["I(age ** 2)"] == pytest.approx(ref2.params["age2"], rel=1e-6)
    assert got["re74"] == pytest.approx(ref2.params["re74"], rel=1e-6)
    res = M.matched_comparison(df, "treat", LALONDE, {"re78": "continuous"}, min_group_size=60, replace=True)
    assert res.matching.n_matched_treated > 150 and np.isfinite(res.effects["difference"]).all()


def test_quasi_separation_is_named():
    rng = np.random.default_rng(5)
    n = 5000
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "hostel": (rng.random(n) < 0.2).astype(int)})
    df["t"] = ((rng.random(n) < 0.1) & (df["hostel"] == 0)).astype(int)  # nobody in a hostel is treated
    with pytest.raises(M.SeparationError, match="Hostel separates treated from untreated people almost completely") as e:
        M.fit_propensity(df, "t", ["x", "z", "hostel"])
    assert e.value.covariates == ("hostel",) and not e.value.complete
    assert "not slow convergence" in str(e.value) and "no overlap" not in str(e.value)
    # the reference agrees that there is no finite estimate: its hostel coefficient runs off
    assert _statsmodels(df, "t", ["x", "z", "hostel"]).params["hostel"] < -15


def test_complete_separation_by_two_covariates():
    rng = np.random.default_rng(6)
    n = 3000
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n), "w": rng.normal(size=n)})
    df["t"] = (df["x"] + 2 * df["z"] > 0.5).astype(int)
    with pytest.raises(M.SeparationError) as e:
        M.fit_propensity(df, "t", ["x", "z", "w"])
    assert e.value.complete and set(e.value.covariates) == {"x", "z"}


def test_overlapping_tail_is_not_mistaken_for_separation():
    # Everyone with x > 1 is treated, but treated people also occur below 1: the estimate exists.
    rng = np.random.default_rng(7)
    n = 5000
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    df["t"] = np.where(df["x"] > 1, 1, rng.random(n) < 0.1).astype(int)
    fit = M.fit_propensity(df, "t", ["x", "z"])
    np.testing.assert_allclose(fit.coef, _statsmodels(df, "t", ["x", "z"]).params.to_numpy(), rtol=1e-6)


def test_near_constant_indicator_agrees():
    rng = np.random.default_rng(8)
    n = 20_000
    df = pd.DataFrame({"x": rng.normal(size=n), "rare": np.zeros(n)})
    df.loc[rng.choice(n, 40, replace=False), "rare"] = 1.0  # 0.2% of people
    df["t"] = (rng.random(n) < special.expit(-3 + df["x"] + 1.5 * df["rare"])).astype(int)
    df.loc[df.index[df["rare"] == 1][:3], "t"] = 1  # both groups present among the rare
    df.loc[df.index[df["rare"] == 1][3:6], "t"] = 0
    fit = M.fit_propensity(df, "t", ["x", "rare"])
    np.testing.assert_allclose(fit.coef, _statsmodels(df, "t", ["x", "rare"]).params.to_numpy(), rtol=1e-6)


def test_collinear_and_constant_covariates_are_named():
    df = pd.DataFrame({"a": np.arange(200.0) % 7, "t": np.r_[np.ones(20), np.zeros(180)]})
    df["b"] = 2 * df["a"] + 1
    with pytest.raises(M.MatchingError, match=r"covariate\(s\) \['b'\] are exact combinations"):
        M.fit_propensity(df, "t", ["a", "b"])
    with pytest.raises(M.MatchingError, match="single value"):
        M.fit_propensity(df.assign(c=3.0), "t", ["a", "c"])


def test_one_million_rows_agree_with_statsmodels():
    rng = np.random.default_rng(9)
    n = 1_000_000
    df = _hard_covariates(n, rng)[["age", "priors", "earnings", "female"]]
    df["t"] = (rng.random(n) < special.expit(-5.2 + 0.02 * (df["age"] - 32) - 0.00003 * df["earnings"]
                                             + 0.05 * df["priors"].clip(upper=30) + 0.3 * df["female"])).astype(int)
    covs = ["age", "priors", "earnings", "female"]
    fit = M.fit_propensity(df, "t", covs)
    ref = _statsmodels(df, "t", covs)
    np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6, atol=0)


def _separable(x: np.ndarray, y: np.ndarray) -> bool:
    """Independent check by linear programming (the idea of Konis 2007): is there a direction d with
    X d >= 0 for every treated person, <= 0 for every untreated one, and X d != 0 somewhere? Maximise
    sum(s_i (X d)_i), s = +1 treated / -1 untreated, over |d_j| <= 1; the data are separated when the
    maximum is positive."""
    from scipy.optimize import linprog

    z = np.column_stack([np.ones(len(y)), (x - x.mean(0)) / x.std(0)])
    s = np.where(y > 0, 1.0, -1.0)
    res = linprog(-(s @ z), A_ub=-(s[:, None] * z), b_ub=np.zeros(len(y)), bounds=[(-1, 1)] * z.shape[1],
                  method="highs")
    return bool(res.status == 0 and -res.fun > 1e-7 * len(y))


def test_random_hard_designs_fit_like_statsmodels_or_are_separated():
    rng = np.random.default_rng(2026)
    seen = {"fit": 0, "separated": 0}
    for _ in range(40):
        n, p = int(rng.choice([300, 2000])), int(rng.integers(1, 5))
        cols = []
        for _ in range(p):
            if rng.random() < 0.5:  # money-like: many zeros, lognormal tail on a random scale
                cols.append(np.where(rng.random(n) < rng.uniform(0, 0.9), 0.0,
                                     rng.lognormal(rng.uniform(0, 10), rng.uniform(0.5, 2.5), n)))
            else:  # an indicator, from rare to common
                cols.append((rng.random(n) < rng.uniform(0.003, 0.5)).astype(float))
        x = np.column_stack(cols)
        if (x.std(axis=0) == 0).any():
            continue
        lin = (x - x.mean(0)) @ (rng.normal(0, 1, p) / x.std(0) * rng.uniform(0.1, 3))
        prevalence = rng.choice([0.01, 0.05, 0.5])
        a = optimize.brentq(lambda a, lin=lin, prev=prevalence: special.expit(a + lin).mean() - prev, -60, 60)
        y = (rng.random(n) < special.expit(a + lin)).astype(float)
        if not 2 <= y.sum() <= n - 2:
            continue
        try:
            fit = M.fit_logit(x, y, [f"x{j}" for j in range(p)])
        except M.SeparationError:
            assert _separable(x, y)  # never a false alarm
            seen["separated"] += 1
            continue
        assert not _separable(x, y)  # never a missed separation
        ref = _statsmodels(pd.DataFrame(x).assign(t=y), "t", list(range(p)))
        if ref.mle_retvals["converged"]:
            np.testing.assert_allclose(fit.coef, ref.params.to_numpy(), rtol=1e-6)
        else:  # statsmodels' plain Newton stalls on a flat likelihood; ours must be at least as good
            assert fit.loglik >= ref.llf - 1e-8
        seen["fit"] += 1
    assert seen["fit"] >= 10 and seen["separated"] >= 5, seen
