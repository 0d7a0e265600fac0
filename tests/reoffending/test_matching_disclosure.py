"""Disclosure in the matched report: a suppressed count cannot be worked out from what is shown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rehabresearch.disclosure import SUPPRESSED
from rehabresearch.reoffending import matched as M


def _small_service(n_treated=70, reoffenders=7, seed=4):
    """70 treated people of whom exactly 7 reoffend, in a pool of 3,000 (matched 1:1 without replacement)."""
    rng = np.random.default_rng(seed)
    n = 3000
    df = pd.DataFrame({"id": np.arange(n), "age": rng.normal(35, 10, n), "custody": (rng.random(n) < 0.4).astype(int)})
    df["treated"] = 0
    df.loc[rng.choice(n, n_treated, replace=False), "treated"] = 1
    df["reoffended"] = (rng.random(n) < 0.3).astype(int)
    t = df.index[df["treated"] == 1]
    df.loc[t, "reoffended"] = 0
    df.loc[t[:reoffenders], "reoffended"] = 1
    df["days"] = np.where(df["reoffended"] == 1, rng.integers(1, 365, n).astype(float), np.nan)
    return df


def _comparison(df):
    return M.matched_comparison(df, "treated", ["age", "custody"], {"reoffended": "binary", "days": "continuous"},
                                among_observed=["days"], caliper_sd=None)


def test_rate_with_denominator_and_mean_of_a_small_group_are_hidden():
    res = _comparison(_small_service())
    assert res.matching.n_matched_treated == 70
    shown = M.effects_display(res.effects, threshold=10)
    rate, days = shown.iloc[0], shown.iloc[1]
    assert rate["People, treatment group"] == "70"  # the group size itself is not small
    assert rate["Treatment group"] == SUPPRESSED and "10.0%" not in shown.to_string()
    assert (rate[["Difference", "95% confidence interval", "p-value"]] == SUPPRESSED).all()
    assert rate["Comparison group"] != SUPPRESSED  # the comparison group's rate reveals nothing small
    assert days["People, treatment group"] == SUPPRESSED and days["Treatment group"] == SUPPRESSED
    # Try to recover the 7 (and the 63 without the outcome) from every figure on the table.
    recovered = M.recoverable_counts(shown)
    assert 7 not in recovered and 63 not in recovered
    assert M.suppression_note(shown, 10).startswith(SUPPRESSED)


def test_without_the_rule_the_count_is_recoverable():
    # The same table before this rule: the attempt above does find the 7, so the test can fail.
    res = _comparison(_small_service())
    shown = M.effects_display(res.effects)
    assert 7 in M.recoverable_counts(shown)


def test_nearly_everyone_reoffending_is_hidden_too():
    res = _comparison(_small_service(reoffenders=65))  # 5 people did NOT reoffend
    shown = M.effects_display(res.effects, threshold=10)
    assert shown.iloc[0]["Treatment group"] == SUPPRESSED
    assert shown.iloc[1]["People, treatment group"] == SUPPRESSED  # 65 shown beside 70 would give 5
    assert 5 not in M.recoverable_counts(shown)


def test_large_groups_are_not_hidden():
    res = _comparison(_small_service(reoffenders=30))
    shown = M.effects_display(res.effects, threshold=10)
    assert not (shown == SUPPRESSED).any().any() and M.suppression_note(shown, 10) is None
