"""Monte Carlo determinism and accuracy, Sobol on a function with known indices, tornado and two-way grids."""

import numpy as np
import pytest
from scipy import stats

from rehabresearch.contracts.inputs import default_contracts
from rehabresearch.contracts.model import Contract, StaffGrade
from rehabresearch.contracts.montecarlo import make_distribution, simulate
from rehabresearch.contracts.scenarios import break_even
from rehabresearch.contracts.sensitivity import one_way, sobol, sobol_table, two_way

HAND = {"caseload_per_worker": 50, "on_cost_rate": 0.2, "variable_cost_per_person": 100, "overhead_rate": 0.1,
            "estates_it_per_year": 10_000, "mobilisation_cost": 5_000, "initial_staff": 0, "tupe_cost_per_fte": 0,
            "redundancy_cost_per_fte": 0, "hiring_cost_per_fte": 1_000}


def uniform_volume_contract():
    return Contract("mc", ("Year 1", "Year 2"), 1.0, [100, 200], [100_000, 200_000],
                    staff=(StaffGrade("Case worker", 30_000, 1.0),), inputs=HAND,
                    distributions={"volume_factor": {"dist": "uniform", "low": 0.5, "high": 1.5}})


def test_monte_carlo_is_deterministic_with_a_seed():
    c = default_contracts()["womens_services"]
    a = simulate(c, 5_000, np.random.default_rng(42), chunk=1_000)
    b = simulate(c, 5_000, np.random.default_rng(42))
    np.testing.assert_array_equal(a.total_surplus, b.total_surplus)
    np.testing.assert_array_equal(a.peak_reserve, b.peak_reserve)
    c2 = simulate(c, 5_000, np.random.default_rng(43))
    assert not np.array_equal(a.total_surplus, c2.total_surplus)


def test_probability_of_deficit_matches_break_even():
    # Surplus falls with volume; volume ~ U(0.5, 1.5) so P(deficit) = (1.5 - f*) / 1.
    c = uniform_volume_contract()
    f_star = break_even(c, "volume_factor", 0.1, 3)
    mc = simulate(c, 200_000, np.random.default_rng(1))
    assert mc.probability_of_deficit == pytest.approx(1.5 - f_star, abs=0.005)
    # Reserve needed: year-one deficit grows linearly with volume; the 95th percentile sits near volume 1.45.
    assert mc.reserve_needed(0.95) == pytest.approx(np.quantile(mc.peak_reserve, 0.95))
    assert mc.summary()["total surplus (£)"].is_monotonic_increasing


def test_simulate_needs_a_generator_and_distributions():
    c = uniform_volume_contract()
    with pytest.raises(TypeError, match="Generator"):
        simulate(c, 10, 42)
    from dataclasses import replace
    with pytest.raises(ValueError, match="declares no input distributions"):
        simulate(replace(c, distributions={}), 10, np.random.default_rng(0))


def test_distribution_specs():
    d = make_distribution("on_cost_rate", {"dist": "normal", "mean": 0.3, "sd": 0.5})
    assert d.ppf(0.0) == pytest.approx(0.0) and d.ppf(1.0) == np.inf  # truncated at the input's range
    d = make_distribution("referral_rate", {"dist": "normal", "mean": 0.8, "sd": 0.5})
    assert d.ppf(1.0) == pytest.approx(1.0)
    t = make_distribution("volume_factor", {"dist": "triangular", "low": 0.8, "mode": 1.0, "high": 1.6})
    assert t.mean() == pytest.approx((0.8 + 1.0 + 1.6) / 3)
    with pytest.raises(ValueError, match="needs exactly"):
        make_distribution("volume_factor", {"dist": "uniform", "low": 1})


def test_sobol_recovers_known_indices_of_an_additive_model():
    # Y = X1 + 2 X2 + 0 X3, Xi ~ U(0, 1): variances 1/12, 4/12, 0 -> S1 = S_T = (0.2, 0.8, 0).
    table = sobol_table(lambda x: x[0] + 2 * x[1] + 0 * x[2], ["x1", "x2", "x3"], [stats.uniform()] * 3,
                        n=2 ** 12, rng=np.random.default_rng(3)).set_index("input")
    truth = {"x1": 0.2, "x2": 0.8, "x3": 0.0}
    for name, s in truth.items():
        assert table.loc[name, "first order"] == pytest.approx(s, abs=0.03)
        assert table.loc[name, "total"] == pytest.approx(s, abs=0.03)
        assert table.loc[name, "total low"] - 0.01 <= s <= table.loc[name, "total high"] + 0.01
    with pytest.raises(ValueError, match="power of 2"):
        sobol_table(lambda x: x[0], ["x1"], [stats.uniform()], n=1000, rng=np.random.default_rng(0))


def test_sobol_on_a_contract_with_one_influential_input_gives_it_everything():
    # TUPE cost has no effect when no staff transfer (initial_staff = 0).
    table = sobol(uniform_volume_contract(), 2 ** 10, np.random.default_rng(0),
                  distributions={"tupe_cost_per_fte": {"dist": "uniform", "low": 0, "high": 5_000}})
    assert table.loc[0, "input"] == "volume_factor"
    assert table.loc[0, "first order"] == pytest.approx(1.0, abs=0.02)
    assert table.loc[1, "total"] == 0 and table.loc[1, "total low"] == table.loc[1, "total high"] == 0


def test_tornado_ranks_by_swing_and_has_every_input():
    c = default_contracts()["womens_services"]
    t = one_way(c)
    assert len(t) == 19 and t["swing (£)"].is_monotonic_decreasing
    base = t.attrs["base"]
    assert t["swing (£)"].iloc[-1] == 0  # payment-by-results inputs do not move a fixed-price contract
    # Higher volume loses money under a fixed price.
    row = t.set_index("input").loc["volume_factor"]
    assert row["at high (£)"] < base < row["at low (£)"]


def test_two_way_grid_matches_single_evaluations():
    c = uniform_volume_contract()
    g = two_way(c, "volume_factor", [0.5, 1.0, 1.5], "price_factor", [0.9, 1.1])
    assert g.shape == (2, 3)
    from rehabresearch.contracts.model import evaluate
    assert g.loc[1.1, 1.5] == pytest.approx(evaluate(c, {"volume_factor": 1.5, "price_factor": 1.1}).total_surplus[0])


def test_generic_distributions_spread_around_the_contract():
    from rehabresearch.contracts.montecarlo import generic_distributions
    c = uniform_volume_contract()
    g = generic_distributions(c)
    assert g["caseload_per_worker"] == {"dist": "uniform", "low": 40.0, "high": 60.0}
    assert g["referral_rate"]["high"] <= 1.0
    assert "redundancy_cost_per_fte" not in g  # 0 in this contract
