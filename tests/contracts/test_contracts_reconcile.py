"""The report's reconciliation of a surplus at the profile with a high Monte Carlo probability of deficit,
and the like-with-like unit-cost comparison, checked against scipy's distributions and the model."""

import numpy as np
import pytest
from scipy import stats

from rehabresearch.contracts import analysis, wording
from rehabresearch.contracts.inputs import default_contracts
from rehabresearch.contracts.model import Contract, evaluate
from rehabresearch.contracts.montecarlo import simulate
from rehabresearch.contracts.reconcile import reconcile


@pytest.mark.parametrize("lot", ["womens_services", "accommodation"])
def test_default_lots_in_surplus_as_profiled_but_mostly_in_deficit(lot):
    c = default_contracts()[lot]
    rec = reconcile(c)
    mc = simulate(c, 20_000, np.random.default_rng(7))
    assert rec.surplus_as_profiled > 0 and mc.probability_of_deficit > 0.5
    assert rec.surplus_as_profiled == pytest.approx(evaluate(c).total_surplus[0])
    # the explanation: most inputs skewed to the costly side, and the surplus at their means is a deficit
    assert len(rec.unfavourable) >= len(rec.inputs) // 2
    assert rec.surplus_at_means < 0
    text = wording.reconcile(c, rec, mc)
    assert "skewed to the costly side" in text and "%" in text and "£" in text
    assert "_" not in text  # no code names


def test_skew_shares_come_from_the_distributions():
    c = default_contracts()["womens_services"]
    rows = reconcile(c).inputs.set_index("input")
    # volume: triangular 0.8 / 1.0 / 1.5, assumed 1.0 -> share above = 1 - cdf(1.0); higher volume costs money
    tri = stats.triang(c=0.2 / 0.7, loc=0.8, scale=0.7)
    assert rows.loc["volume_factor", "share of draws above the assumed value"] == pytest.approx(1 - tri.cdf(1.0))
    assert rows.loc["volume_factor", "share of draws less favourable"] == pytest.approx(1 - tri.cdf(1.0))
    assert rows.loc["volume_factor", "mean"] == pytest.approx((0.8 + 1.0 + 1.5) / 3)
    # the change at the mean is the model's own one-way change
    base = evaluate(c).total_surplus[0]
    assert rows.loc["volume_factor", "surplus change at mean (£)"] == pytest.approx(
        evaluate(c, {"volume_factor": (0.8 + 1.0 + 1.5) / 3}).total_surplus[0] - base)


def test_symmetric_distributions_say_the_two_agree():
    c = Contract("s", ("Year 1",), 1.0, [100], [200_000], inputs={"variable_cost_per_person": 100},
                 distributions={"variable_cost_per_person": {"dist": "uniform", "low": 50, "high": 150}})
    rec = reconcile(c)
    assert rec.inputs.loc[0, "share of draws less favourable"] == pytest.approx(0.5)
    assert rec.unfavourable.empty
    mc = simulate(c, 2_000, np.random.default_rng(1))
    assert "agree" in wording.reconcile(c, rec, mc)


def test_unit_cost_compared_per_person_year():
    c = default_contracts()["womens_services"]
    per_referral = c.value.sum() / c.profile.sum()
    one = analysis.unit_cost_comparison(c, 652)
    assert one["per_referral"] == pytest.approx(per_referral) and one["per_person_year"] == pytest.approx(per_referral)
    half = analysis.unit_cost_comparison(c, 652, service_years=0.5)
    assert half["per_person_year"] == pytest.approx(2 * per_referral)
    assert half["ratio"] == pytest.approx(2 * per_referral / 652)
    with pytest.raises(ValueError, match="service_years"):
        analysis.unit_cost_comparison(c, 652, service_years=0)
    with pytest.raises(ValueError, match="published cost"):
        analysis.unit_cost_comparison(c, float("nan"))
    text = wording.unit_costs(c, analysis.break_even_unit_costs(c, 1.3), one, 1.3)
    assert "per person a year" in text and "£652 a year" in text


def test_key_deficit_sentence_reconciles_with_the_profile():
    c = default_contracts()["accommodation"]
    mc = simulate(c, 5_000, np.random.default_rng(3))
    text = wording.deficit(c, mc, 5_000, reconcile(c))
    assert f"{round(100 * mc.probability_of_deficit)}% of 5,000 simulated contracts end in deficit" in text
    assert "although the contract is in surplus by £37,000 at the profiled volume" in text
    assert "skewed to the costly side" in text
    reserve = wording.reserve(c, mc, 0.95)
    assert "A reserve of £" in reserve and "95% of draws" in reserve
