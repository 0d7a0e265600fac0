"""The report's headline numbers, computed by the library as the notebook does (published profile)."""

import ast

import numpy as np
import pytest
import yaml

from rehabresearch import paths
from rehabresearch.contracts import analysis
from rehabresearch.contracts.inputs import default_contracts, load_contract
from rehabresearch.contracts.montecarlo import simulate
from rehabresearch.contracts.sensitivity import one_way


def params():
    import nbformat

    nb = nbformat.read(paths.NOTEBOOKS_DIR / "contract_sensitivity.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body}


def headline(c, p, seed=None):
    c, _ = analysis.with_uncertainty(c)
    mc = simulate(c, 50_000, np.random.default_rng(p["seed"] if seed is None else seed))
    return analysis.headlines(c, mc, one_way(c), p["high_volume_factor"], p["reserve_level"])


def test_parameters_cell_and_profiles():
    p = params()
    assert p["contract_file"] == "" and p["disclosure_threshold"] == 10
    assert p["actual_referral_rate"] == 0.6 and p["expected_referral_rate"] == 0.8
    quick = yaml.safe_load((paths.PARAMS_DIR / "contract_sensitivity" / "quick.yaml").read_text())
    assert set(quick) <= set(p)


@pytest.mark.parametrize("lot", ["womens_services", "accommodation"])
def test_headlines_tell_the_seed_story(lot):
    p = params()
    c = default_contracts()[lot]
    h = headline(c, p)
    # Volumes above profile with no extra funding cost the provider money.
    assert h.surplus_high_volume < h.surplus
    # The low year-one value forces redundancies, then the ramp-up forces rehiring.
    assert h.year_one_redundancies > 0 and h.later_hires > 0
    # Break-even volume sits between the profile and the high-volume scenario when the base case is in surplus.
    assert h.surplus > 0 and 1 < h.break_even_volume < p["high_volume_factor"]
    assert 0 < h.probability_of_deficit < 1 and h.reserve_needed > 0
    assert headline(c, p) == h  # same seed, same numbers
    assert headline(c, p, seed=1).probability_of_deficit != h.probability_of_deficit


def test_referral_shortfall_hurts_per_referral_payment_not_fixed_price():
    p = params()
    c = default_contracts()["womens_services"]
    t = analysis.scenarios(c, p["high_volume_factor"], p["actual_referral_rate"], p["expected_referral_rate"]).set_index("scenario")
    fixed = t.loc["referrals 60% against 80% assumed"]
    per_referral = t.loc["same, paid per referral"]
    assert fixed["volume (people)"] == pytest.approx(0.75 * c.profile.sum())
    assert fixed["income (£)"] == pytest.approx(c.value.sum())
    assert per_referral["income (£)"] == pytest.approx(0.75 * c.value.sum())


def test_user_contract_runs_through_the_same_analyses():
    p = params()
    c = load_contract("examples/my_contract.yaml")
    h = headline(c, p)
    assert h.top_input in {"volume_factor", "price_factor", "referral_rate", "expected_referral_rate", "caseload_per_worker"}
    grid, unit_costs = analysis.unit_cost_grid(c, 0.5, 2.0, 5)
    assert grid.shape == (5, 5) and unit_costs[2] == pytest.approx(c.value.sum() / c.profile.sum())


def test_facts_display_formats_values():
    import pandas as pd

    facts = pd.DataFrame({"fact_id": ["a", "b"], "description": ["x", "y"], "value": [195_000_000.0, 0.075],
                          "unit": ["GBP", "share"], "source_document": ["d", "d"], "source_section": ["s", "s"]})
    assert analysis.facts_display(facts)["value"].tolist() == ["195,000,000", "0.075"]


def test_scale_table_against_the_average_contract():
    from rehabresearch import catalog

    lots = default_contracts()
    t = analysis.scale_table(lots, catalog.load("contract_facts")).set_index("contract")
    women = t.loc[lots["womens_services"].title]
    # £195m / 110 contracts / 3 years = £590,909 a year; the women's lot is £1.84m / 3 = £613,333 a year.
    assert women["average day-one contract a year (£)"] == pytest.approx(195e6 / 110 / 3)
    assert women["value a year (£)"] == pytest.approx(613_333.33, abs=0.01)
    assert women["funded unit cost (£ per profiled person)"] == pytest.approx(1_840_000 / 2_400)
