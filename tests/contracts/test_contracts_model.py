"""Hand-computed checks of the contract model's arithmetic, payment mechanisms and break-even points."""

import numpy as np
import pytest

from rehabresearch.contracts.model import Contract, StaffGrade, evaluate, period_table
from rehabresearch.contracts.scenarios import (
    NoBreakEven,
    break_even,
    break_even_points,
    compare,
    with_profile,
)

HAND = {"caseload_per_worker": 50, "on_cost_rate": 0.2, "variable_cost_per_person": 100, "overhead_rate": 0.1,
            "estates_it_per_year": 10_000, "mobilisation_cost": 5_000, "initial_staff": 0, "tupe_cost_per_fte": 0,
            "redundancy_cost_per_fte": 0, "hiring_cost_per_fte": 1_000}


def hand_contract(**kw):
    args = {"name": "hand", "periods": ("Year 1", "Year 2"), "period_years": 1.0, "profile": [100, 200],
                "value": [100_000, 200_000], "staff": (StaffGrade("Case worker", 30_000, 1.0),), "inputs": HAND}
    args.update(kw)
    return Contract(**args)


def test_income_cost_surplus_per_period_by_hand():
    # Year 1: 100 people / 50 = 2 FTE; staff 2 x 30,000 x 1.2 = 72,000; variable 10,000; estates 10,000;
    # overhead 10% of 92,000 = 9,200; hires 2 x 1,000; mobilisation 5,000 -> cost 108,200.
    # Year 2: 4 FTE; 144,000 + 20,000 + 10,000 = 174,000; overhead 17,400; hires 2,000 -> 193,400.
    r = evaluate(hand_contract())
    np.testing.assert_allclose(r.income[0], [100_000, 200_000])
    np.testing.assert_allclose(r.cost[0], [108_200, 193_400])
    np.testing.assert_allclose(r.surplus[0], [-8_200, 6_600])
    np.testing.assert_allclose(r.reserve_drawn[0], [8_200, 1_600])
    assert r.peak_reserve[0] == pytest.approx(8_200)
    np.testing.assert_allclose(r.staff_needed[0], [2, 4])
    np.testing.assert_allclose(r.hires[0], [2, 2])
    np.testing.assert_allclose(r.funded_unit_cost[0], [1_000, 1_000])
    np.testing.assert_allclose(r.actual_unit_cost[0], [1_082, 967])
    # staff funded: (100,000 / 1.1 - 10,000 - 100 x 100) / 36,000 FTE cost
    assert r.staff_funded[0, 0] == pytest.approx((100_000 / 1.1 - 20_000) / 36_000)


def test_period_table_columns_carry_units():
    t = period_table(hand_contract())
    assert t["surplus (£)"].tolist() == pytest.approx([-8_200, 6_600])
    assert "staff needed (FTE)" in t and "volume (people)" in t


def test_quarters_scale_annual_costs():
    # Same annual volume in four quarters: staff cost and estates per quarter are a quarter of the annual.
    c = Contract("q", ("2021Q1", "2021Q2", "2021Q3", "2021Q4"), 0.25, [25] * 4, [25_000] * 4,
                 staff=(StaffGrade("Case worker", 30_000, 1.0),), inputs={**HAND, "hiring_cost_per_fte": 0, "mobilisation_cost": 0})
    r = evaluate(c)
    # 25 people a quarter at 50 a year -> 2 FTE; cost per quarter = (2 x 36,000 + 100 x 25 + 10,000) / 4 ... per quarter:
    staff = 2 * 36_000 * 0.25
    np.testing.assert_allclose(r.cost[0], (staff + 2_500 + 2_500) * 1.1)
    np.testing.assert_allclose(r.staff_needed[0], 2.0)


def test_grades_and_on_costs_weight_the_cost_per_fte():
    staff = (StaffGrade("Case worker", 30_000, 1.0), StaffGrade("Manager", 45_000, 0.5))
    r = evaluate(hand_contract(staff=staff), {"volume_factor": 1.0})
    # 2 case workers + 1 manager in year 1: (2 x 30,000 + 45,000) x 1.2 = 126,000; FTE needed 3
    assert r.staff_cost[0, 0] == pytest.approx(126_000)
    assert r.staff_needed[0, 0] == pytest.approx(3)


def test_ramp_up_forces_redundancies_then_rehiring():
    # 5 FTE transferred in; profile needs 2, 4, 6 FTE -> 3 made redundant in year one, 2 rehired in each later year.
    c = Contract("ramp", ("Year 1", "Year 2", "Year 3"), 1.0, [50, 100, 150], [100_000, 150_000, 200_000],
                 staff=(StaffGrade("Case worker", 30_000, 1.0),),
                 inputs={**HAND, "caseload_per_worker": 25, "initial_staff": 5, "redundancy_cost_per_fte": 8_000,
                         "hiring_cost_per_fte": 5_000, "tupe_cost_per_fte": 2_000, "mobilisation_cost": 0})
    r = evaluate(c)
    np.testing.assert_allclose(r.redundancies[0], [3, 0, 0])
    np.testing.assert_allclose(r.hires[0], [0, 2, 2])
    np.testing.assert_allclose(r.one_off[0], [3 * 8_000 + 5 * 2_000, 10_000, 10_000])


def test_funded_staffing_follows_value_and_forces_redundancies():
    c = hand_contract(value=[50_000, 200_000], staffing="funded", inputs={**HAND, "initial_staff": 3})
    r = evaluate(c)
    funded = (np.array([50_000, 200_000]) / 1.1 - 10_000 - 100 * np.array([100, 200])) / 36_000
    np.testing.assert_allclose(r.staff[0], funded)
    assert r.redundancies[0, 0] == pytest.approx(3 - funded[0])
    assert r.hires[0, 1] == pytest.approx(funded[1] - funded[0])


@pytest.mark.parametrize("mechanism, values, expected", [
    ("fixed", {"volume_factor": 1.5}, 100_000),
    ("per_referral", {"volume_factor": 1.5, "volume_cap_factor": 1.2}, 120_000),
    ("per_referral", {"volume_factor": 0.5}, 50_000),
    ("fixed_variable", {"volume_factor": 1.5, "fixed_share": 0.4, "volume_cap_factor": 2}, 130_000),
    ("fixed_variable", {"volume_factor": 0.5, "fixed_share": 0.4}, 70_000),
    ("bands", {"volume_factor": 1.5}, 110_000),
    ("bands", {"volume_factor": 0.5}, 90_000),
    ("bands", {"volume_factor": 0.85}, 100_000),
    ("payment_by_results", {"fixed_share": 0.5, "pbr_threshold": 0.075, "pbr_reduction": 0.09}, 110_000),
    ("payment_by_results", {"fixed_share": 0.5, "pbr_threshold": 0.075, "pbr_reduction": 0.07}, 50_000),
])
def test_payment_mechanisms(mechanism, values, expected):
    c = Contract("m", ("Year 1",), 1.0, [100], [100_000], mechanism=mechanism)
    assert evaluate(c, values).income[0, 0] == pytest.approx(expected)


def test_volume_above_cap_is_delivered_unpaid():
    c = Contract("m", ("Year 1",), 1.0, [100], [100_000], mechanism="fixed", inputs={"variable_cost_per_person": 100})
    r = evaluate(c, {"volume_factor": 1.5})
    assert r.volume[0, 0] == pytest.approx(150) and r.paid_volume[0, 0] == pytest.approx(100)
    assert r.variable_cost[0, 0] == pytest.approx(15_000)


def test_referral_rate_below_expectation_cuts_volume_and_per_referral_income():
    # Transforming Rehabilitation: 60% referred against an assumed 80% -> three quarters of the profile.
    c = Contract("tr", ("Year 1",), 1.0, [100], [100_000], mechanism="per_referral")
    r = evaluate(c, {"referral_rate": 0.6, "expected_referral_rate": 0.8})
    assert r.volume[0, 0] == pytest.approx(75)
    assert r.income[0, 0] == pytest.approx(75_000)


def test_draws_are_rows():
    r = evaluate(hand_contract(), {"volume_factor": np.array([1.0, 2.0]), "salary_factor": 1.0})
    assert r.surplus.shape == (2, 2)
    assert r.surplus[0].tolist() == pytest.approx([-8_200, 6_600])


def test_break_even_volume_by_hand():
    # S(f) = 300,000 - 27,000 - 902 x 300 f - 4,000 f  (902 = (720 + 100) x 1.1 per person; 4 FTE hired x 1,000 x f)
    assert break_even(hand_contract(), "volume_factor", 0.1, 3) == pytest.approx(273_000 / 274_600, abs=1e-8)


def test_break_even_price_and_caseload():
    c = hand_contract()
    p = break_even(c, "price_factor", 0.1, 3)
    assert evaluate(c, {"price_factor": p}).total_surplus[0] == pytest.approx(0, abs=1e-4)
    assert p == pytest.approx(1 + 1_600 / 300_000)
    k = break_even(c, "caseload_per_worker", 10, 500)
    assert evaluate(c, {"caseload_per_worker": k}).total_surplus[0] == pytest.approx(0, abs=1e-4)
    assert k > 50


def test_no_break_even_in_range_is_a_clear_error():
    with pytest.raises(NoBreakEven, match="no break-even volume_factor between 2 and 3"):
        break_even(hand_contract(), "volume_factor", 2, 3)
    table = break_even_points(hand_contract(), volume=(2, 3))
    assert "no break-even" in table.loc[0, "note"]


def test_compare_with_a_flat_profile():
    c = hand_contract()
    t = compare(c, {"profile": {}, "flat": with_profile(c, [200, 200])})
    assert t["volume (people)"].tolist() == pytest.approx([300, 400])
    assert t.loc[1, "income (£)"] == pytest.approx(300_000)  # fixed price: extra volume unpaid


@pytest.mark.parametrize("kw, message", [
    ({"profile": [100, -1]}, "negative in period Year 2"),
    ({"profile": [100]}, "1 values but there are 2 periods"),
    ({"profile": [0, 100]}, "above 0 in every period"),
    ({"mechanism": "cost_plus"}, "mechanism 'cost_plus'"),
    ({"inputs": {"caseload": 3}}, "unknown input 'caseload'"),
    ({"inputs": {"on_cost_rate": -0.1}}, "outside"),
])
def test_bad_contracts_are_named(kw, message):
    with pytest.raises(ValueError, match=message):
        hand_contract(**kw)


def test_bad_draws_are_named():
    with pytest.raises(ValueError, match="'referral_rate' ranges"):
        evaluate(hand_contract(), {"referral_rate": np.array([0.5, 1.5])})
    with pytest.raises(KeyError, match="unknown input"):
        evaluate(hand_contract(), {"volume": 1.0})
    with pytest.raises(ValueError, match="different numbers of draws"):
        evaluate(hand_contract(), {"volume_factor": np.ones(2), "price_factor": np.ones(3)})


def test_per_referral_contract_has_two_break_even_volumes():
    # Paid per referral up to a cap of 1.2 x profile: fixed costs sink it at low volume, unpaid volume above the cap at high.
    from rehabresearch.contracts.scenarios import break_even_all

    c = hand_contract(mechanism="per_referral", inputs={**HAND, "volume_cap_factor": 1.2, "variable_cost_per_person": 0})
    roots = break_even_all(c, "volume_factor", 0.05, 5)
    assert len(roots) == 2 and roots[0] < 1 and roots[1] > 1.2  # one below the profile, one above the cap
    for r in roots:
        assert evaluate(c, {"volume_factor": r}).total_surplus[0] == pytest.approx(0, abs=1e-3)
    assert break_even(c, "volume_factor", 0.05, 5) == min(roots, key=lambda r: abs(r - 1))
    assert "crosses zero at" in break_even_points(c).loc[0, "note"]
