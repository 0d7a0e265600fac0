"""The synthetic JDL cohort: calibration, determinism, and recovery of its known effect by matching."""

from __future__ import annotations

import numpy as np
import pytest

from rehabresearch import catalog
from rehabresearch.reoffending import matched as M
from rehabresearch.reoffending import synthetic

COVARIATES = synthetic.COVARIATES
OUTCOMES = ["reoffended", "reoffences", "days_to_first_reoffence"]


def test_calibrated_to_moj_rates_with_no_effect():
    df = synthetic.jdl_cohort(n=200_000, seed=11, true_effect=0.0)
    rate = df["reoffended"].mean()
    # 35.2% holds exactly in expectation; allow 3 binomial standard errors.
    assert abs(rate - synthetic.TARGET_RATE) < 3 * np.sqrt(0.352 * 0.648 / len(df))
    per_reoffender = df.loc[df["reoffended"] == 1, "reoffences"].mean()
    assert per_reoffender == pytest.approx(3.1, abs=0.05)
    assert df["treated"].mean() == pytest.approx(synthetic.DEFAULT_TREATED_SHARE, abs=0.003)
    assert df.attrs["true_att"] == 0.0 and df.attrs["true_att_sample"] == 0.0


def test_seeded_and_loadable_from_catalog():
    a = catalog.load("synthetic_jdl_cohort", seed=5, n=2000)
    b = synthetic.jdl_cohort(n=2000, seed=5)
    assert a.equals(b)
    assert not a.equals(synthetic.jdl_cohort(n=2000, seed=6))
    assert a.attrs["synthetic"] is True
    assert "SYNTHETIC" in catalog.get("synthetic_jdl_cohort").title
    assert a.loc[a["reoffended"] == 0, "days_to_first_reoffence"].isna().all()


def test_bad_parameters():
    with pytest.raises(ValueError, match="treated_share"):
        synthetic.jdl_cohort(n=1000, treated_share=0.7)
    with pytest.raises(ValueError, match="n must be"):
        synthetic.jdl_cohort(n=10)


def test_matching_recovers_known_effect_where_raw_comparison_fails():
    df = synthetic.jdl_cohort(n=60_000, seed=2024, true_effect=-0.05)
    res = M.matched_comparison(df, "treated", COVARIATES, OUTCOMES, among_observed=["days_to_first_reoffence"],
                               exact=["female"], seed=1)
    eff = res.effects.set_index("outcome").loc["reoffended"]
    truth = df.attrs["true_att"]
    assert eff["low"] < truth < eff["high"]
    assert eff["significant"]
    # The raw (unmatched) difference is biased by selection: well away from the truth.
    t = df["treated"] == 1
    raw = df.loc[t, "reoffended"].mean() - df.loc[~t, "reoffended"].mean()
    assert raw < truth - 0.04
    assert (res.balance["SMD after"].abs() < 0.1).all()
    assert res.balance["SMD before"].abs().max() > 0.2


def test_published_profile_headline():
    """The numbers the notebook's published profile reports (defaults of the generator and matcher)."""
    df = catalog.load("synthetic_jdl_cohort")
    res = M.matched_comparison(df, "treated", COVARIATES, OUTCOMES, among_observed=["days_to_first_reoffence"],
                               exact=["female"], seed=2024)
    eff = res.effects.set_index("outcome")
    truth = df.attrs["true_att"]
    assert truth == pytest.approx(synthetic.DEFAULT_TRUE_EFFECT, abs=1e-3)
    assert eff.loc["reoffended", "low"] < truth < eff.loc["reoffended", "high"]
    assert res.matching.n_matched_treated >= 0.95 * res.matching.n_treated
    assert not res.flags


def test_user_csv_path_runs_like_the_notebook(tmp_path):
    df = synthetic.jdl_cohort(n=8000, seed=3)
    path = tmp_path / "service.csv"
    df.to_csv(path, index=False)
    loaded = M.numeric_columns(catalog.load_csv(path), ["treated", *COVARIATES, *OUTCOMES])
    res = M.matched_comparison(loaded, "treated", COVARIATES, OUTCOMES, among_observed=["days_to_first_reoffence"])
    direct = M.matched_comparison(df, "treated", COVARIATES, OUTCOMES, among_observed=["days_to_first_reoffence"])
    np.testing.assert_allclose(res.effects["difference"], direct.effects["difference"])


def test_outcome_declared_binary_must_be_binary():
    df = synthetic.jdl_cohort(n=8000, seed=3)
    with pytest.raises(M.MatchingError, match="declared binary"):
        M.matched_comparison(df, "treated", COVARIATES, {"reoffences": "binary"})
