"""rehabresearch.published.shares: the share and interval helpers both published-figure reports use."""

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from rehabresearch.published import commissioning, evidence, shares


def test_share_interval_is_wilson_from_statsmodels():
    out = shares.share_interval([23, 73, 0], [26, 81, 10], level=0.9)
    lo, hi = proportion_confint(np.array([23, 73, 0]), np.array([26, 81, 10]), alpha=0.1, method="wilson")
    np.testing.assert_allclose(out["lo"], lo, atol=1e-15)
    np.testing.assert_allclose(out["hi"], hi, atol=1e-15)
    np.testing.assert_allclose(out["share"], [23 / 26, 73 / 81, 0])
    with pytest.raises(ValueError, match="x: row 2: expected a number"):
        shares.share_interval([1, "a"], [10, 10])


def test_compare_proportions_is_newcombe_from_statsmodels():
    out = shares.compare_proportions(572, 3500, 3900, 83263).iloc[0]
    lo, hi = confint_proportions_2indep(572, 3500, 3900, 83263, method="newcomb", compare="diff")
    assert out["diff_low"] == pytest.approx(lo, abs=1e-15) and out["diff_high"] == pytest.approx(hi, abs=1e-15)


def test_both_reports_use_the_same_helpers():
    assert evidence.compare_proportions is shares.compare_proportions
    assert evidence.parse_shares is shares.parse_shares
    assert commissioning.parse_shares is shares.parse_shares
