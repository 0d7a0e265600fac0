"""Adjusted comparisons: saturated models with closed-form answers, and bad input named clearly."""

import numpy as np
import pandas as pd
import pytest

from rehabresearch.reoffending import adjusted as a
from rehabresearch.reoffending.intervals import newcombe_interval


@pytest.fixture
def two_groups():
    # Treated: 30 of 100 reoffend; comparison: 45 of 100. Reoffences: 60 and 120.
    treated = np.r_[np.ones(100), np.zeros(100)]
    y = np.r_[np.ones(30), np.zeros(70), np.ones(45), np.zeros(55)]
    counts = np.r_[np.full(30, 2), np.zeros(70), np.r_[np.full(30, 2), np.full(15, 4)], np.zeros(55)]
    return pd.DataFrame({"treated": treated.astype(int), "y": y.astype(int), "c": counts.astype(int),
                         "site": np.tile(["north", "south"], 100)})


def test_logistic_saturated_odds_ratio_and_ame(two_groups):
    res = a.logistic(two_groups, "y", ["treated"])
    row = res.table.set_index("term").loc["treated"]
    assert row["odds_ratio"] == pytest.approx((30 / 70) / (45 / 55), rel=1e-6)
    assert row["se"] == pytest.approx(np.sqrt(1 / 30 + 1 / 70 + 1 / 45 + 1 / 55), rel=1e-5)
    me = res.marginal.set_index("term").loc["treated"]
    # With one binary covariate the model is saturated: the AME is the raw difference, -15 points.
    assert me["ame"] == pytest.approx(-0.15, abs=1e-8)
    # Its delta-method interval is the Wald interval for p1 - p2.
    se = np.sqrt(0.3 * 0.7 / 100 + 0.45 * 0.55 / 100)
    assert (me["ame_lo"], me["ame_hi"]) == pytest.approx((-0.15 - 1.959964 * se, -0.15 + 1.959964 * se), abs=1e-5)
    # and close to (but not the same as) Newcombe's interval
    assert me["ame_lo"] == pytest.approx(newcombe_interval(30, 100, 45, 100)[1], abs=0.01)
    assert res.n == 200 and res.events == 75


def test_logistic_categorical_reference_level(two_groups):
    res = a.logistic(two_groups, "y", ["treated", "site"], categorical={"site": "south"})
    assert list(res.table["term"]) == ["const", "treated", "site[north]"]


def test_poisson_and_negbin_rate_ratio(two_groups):
    pois = a.count_model(two_groups, "c", ["treated"])
    rr = pois.table.set_index("term").loc["treated"]
    assert rr["rate_ratio"] == pytest.approx(60 / 120, rel=1e-6)
    assert rr["se"] == pytest.approx(np.sqrt(1 / 60 + 1 / 120), rel=1e-5)
    nb = a.count_model(two_groups, "c", ["treated"], family="negbin")
    assert nb.table.set_index("term").loc["treated", "rate_ratio"] == pytest.approx(0.5, rel=1e-4)
    assert nb.alpha > 0  # these counts are overdispersed (most are zero)
    assert nb.table.set_index("term").loc["treated", "se"] > rr["se"]


def test_exposure_offset(two_groups):
    df = two_groups.assign(years=np.where(two_groups["treated"] == 1, 2.0, 1.0))
    rr = a.count_model(df, "c", ["treated"], exposure="years").table.set_index("term").loc["treated", "rate_ratio"]
    assert rr == pytest.approx(0.25, rel=1e-6)


@pytest.mark.parametrize(
    "change,kwargs,exc,match",
    [
        (lambda d: d, {"covariates": ["nope"]}, KeyError, "nope"),
        (lambda d: d.assign(y=d["y"] + 1), {}, ValueError, "must be binary"),
        (lambda d: d.assign(y=1), {}, a.ModelError, "nothing to model"),
        (lambda d: d.assign(k=3), {"covariates": ["treated", "k"]}, a.ModelError, "covariate 'k' is constant"),
        (lambda d: d.assign(y=d["treated"]), {}, a.ModelError, "perfect separation"),
        (lambda d: d.assign(t2=d["treated"]), {"covariates": ["treated", "t2"]}, a.ModelError, "collinear"),
        (lambda d: d, {"covariates": ["site"]}, a.ModelError, "must be numeric"),
        (lambda d: d, {"covariates": ["site"], "categorical": {"site": "east"}}, a.ModelError, "reference level 'east'"),
    ],
)
def test_logistic_bad_input(two_groups, change, kwargs, exc, match):
    args = {"covariates": ["treated"], **kwargs}
    with pytest.raises(exc, match=match):
        a.logistic(change(two_groups), "y", **args)


def test_separation_by_continuous_covariate_is_an_error():
    df = pd.DataFrame({"x": np.arange(40, dtype=float), "y": (np.arange(40) >= 20).astype(int)})
    with pytest.raises(a.ModelError, match="separation|converge"):
        a.logistic(df, "y", ["x"])


def test_count_bad_input(two_groups):
    with pytest.raises(a.ModelError, match="non-negative whole counts"):
        a.count_model(two_groups.assign(c=-1), "c", ["treated"])
    with pytest.raises(a.ModelError, match="family"):
        a.count_model(two_groups, "c", ["treated"], family="gamma")
    with pytest.raises(a.ModelError, match="exposure 'years' must be positive"):
        a.count_model(two_groups.assign(years=0), "c", ["treated"], exposure="years")


def test_unadjusted_and_adjusted_side_by_side(two_groups):
    df = two_groups.assign(arm=np.where(two_groups["treated"] == 1, "service", "comparison"))
    res = a.logistic(df, "y", ["arm", "site"], categorical={"arm": "comparison", "site": "south"})
    table = a.unadjusted_and_adjusted(df, "y", "arm", "comparison", res).set_index("arm")
    assert list(table.index) == ["comparison", "service"]
    assert table.loc["service", "difference"] == pytest.approx(-0.15)
    # site is balanced across arms, so adjusting for it barely moves the difference.
    assert table.loc["service", "ame"] == pytest.approx(-0.15, abs=0.005)
    assert np.isnan(table.loc["comparison", "ame"])
    with pytest.raises(a.ModelError, match="no categorical term for 'treated'"):
        a.level_effects(res, "treated")
