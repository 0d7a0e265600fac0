"""The report's headline numbers, computed by the library as the notebook does (published profile)."""

import ast

import numpy as np
import pytest
import yaml

from rehabresearch import paths
from rehabresearch.contracts import analysis
from rehabresearch.contracts.inputs import default_contracts, load_contract
from rehabresearch.contracts.model import evaluate, period_table
from rehabresearch.contracts.montecarlo import simulate
from rehabresearch.contracts.scenarios import break_even_points
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
    return analysis.headlines(c, mc, p["high_volume_factor"], p["reserve_level"])


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
    turnover = analysis.staff_turnover(c)
    assert h.year_one_redundancies == turnover["redundant_first_period"] > 0 and turnover["rehired_later"] > 0
    # The one-off cost the report states is every redundancy and hire at the per-FTE costs (period table by hand).
    t = period_table(c)
    assert turnover["rehired_later"] == pytest.approx(t["hires (FTE)"].iloc[1:].sum())
    assert turnover["one_off_cost"] == pytest.approx(t["redundancies (FTE)"].sum() * c.input("redundancy_cost_per_fte")
                                                     + t["hires (FTE)"].sum() * c.input("hiring_cost_per_fte"))
    # Break-even volume sits between the profile and the high-volume scenario when the base case is in surplus.
    assert h.surplus > 0 and 1 < h.break_even_volume < p["high_volume_factor"]
    assert 0 < h.probability_of_deficit < 1 and h.reserve_needed > 0
    assert headline(c, p) == h  # same seed, same numbers
    assert headline(c, p, seed=1).probability_of_deficit != h.probability_of_deficit


@pytest.mark.parametrize("lot", ["womens_services", "accommodation"])
def test_break_even_unit_costs_zero_the_surplus(lot):
    p = params()
    c = default_contracts()[lot]
    costs = analysis.break_even_unit_costs(c, p["high_volume_factor"])
    assert costs["funded"] == pytest.approx(c.value.sum() / c.profile.sum())
    # Paying the break-even unit cost leaves no surplus, at the profile and at the high volume.
    at_profile = c.with_inputs(price_factor=costs["at_profile"] / costs["funded"])
    assert evaluate(at_profile).total_surplus[0] == pytest.approx(0, abs=1.0)
    high = c.with_inputs(volume_factor=p["high_volume_factor"], price_factor=costs["at_high_volume"] / costs["funded"])
    assert evaluate(high).total_surplus[0] == pytest.approx(0, abs=1.0)
    # More real volume for the same funding needs a higher unit cost per profiled person.
    assert costs["at_high_volume"] > costs["at_profile"]


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
    assert np.isfinite(h.surplus) and 0 <= h.probability_of_deficit <= 1 and h.reserve_needed >= 0
    assert one_way(c).loc[0, "input"] in {"volume_factor", "price_factor", "referral_rate", "expected_referral_rate", "caseload_per_worker"}
    grid, unit_costs = analysis.unit_cost_grid(c, 0.5, 2.0, 5)
    assert grid.shape == (5, 5) and unit_costs[2] == pytest.approx(c.value.sum() / c.profile.sum())


def test_facts_display_formats_values():
    import pandas as pd

    facts = pd.DataFrame({"fact_id": ["a", "b", "c", "d"], "description": ["w", "x", "y", "z"],
                          "value": [195_000_000.0, 0.075, 0.13, 110.0],
                          "unit": ["GBP", "share", "share", "contracts"], "source_document": ["d"] * 4, "source_section": ["s"] * 4})
    shown = analysis.facts_display(facts)
    assert shown["Value"].tolist() == ["£195,000,000", "7.5%", "13%", "110 contracts"]
    assert shown["Source (document; section)"].tolist() == ["d; s"] * 4
    assert "fact_id" not in shown.columns


def test_every_input_and_mechanism_has_a_readable_label():
    from rehabresearch.contracts.labels import LABELS, MECHANISM_LABELS, fmt_input, money_short
    from rehabresearch.contracts.model import INPUTS, MECHANISMS

    assert set(LABELS) == set(INPUTS) and set(MECHANISM_LABELS) == set(MECHANISMS)
    assert all("_" not in v for v in LABELS.values())
    assert [fmt_input("referral_rate", 0.6), fmt_input("overhead_rate", 0.107), fmt_input("volume_factor", 1.3),
            fmt_input("estates_it_per_year", 120000), fmt_input("initial_staff", 12)] == ["60%", "10.7%", "1.30×", "£120,000", "12.0"]
    assert [money_short(1_500_000), money_short(-392_805), money_short(2e6), money_short(0)] == ["£1.5m", "-£393k", "£2m", "£0"]


def test_display_tables_use_plain_english_and_units():
    c = default_contracts()["womens_services"]
    prov = analysis.provenance_display(c).set_index("Item")
    assert prov.loc["Caseload (people per case worker a year)", "Value"] == "95"
    assert prov.loc["Value of the whole service category (£)", ["Value", "Basis"]].tolist() == ["£46,000,000", "published"]
    assert prov.loc["This lot's share of the category", "Value"] == "4.00%"
    assert prov.loc["Uncertainty: Real volume (× profile)", "Value"].startswith("triangular: 0.80× / 1.00× / 1.50×")
    assert not any("_" in item for item in prov.index)
    periods = analysis.period_display(c).set_index("Measure")
    assert list(periods.columns) == list(c.periods)
    assert periods.loc["Income (£)", "2021/22"] == "£496,800"  # 0.27 x £1.84m
    be = analysis.break_even_display(break_even_points(c)).set_index("Break-even")
    assert be.loc["Real volume", "Input"] == "Real volume (× profile)" and be.loc["Real volume", "Assumed"] == "1.00×"
    sweep = analysis.mechanism_sweep(c, 0.5, 2.0, 3)
    assert "Fixed price with a volume cap (this contract)" in set(sweep["mechanism"])


def test_scale_table_against_the_average_contract():
    from rehabresearch import catalog

    lots = default_contracts()
    t = analysis.scale_table(lots, catalog.load("contract_facts")).set_index("contract")
    women = t.loc[lots["womens_services"].title]
    # £195m / 110 contracts / 3 years = £590,909 a year; the women's lot is £1.84m / 3 = £613,333 a year.
    assert women["average day-one contract a year (£)"] == pytest.approx(195e6 / 110 / 3)
    assert women["value a year (£)"] == pytest.approx(613_333.33, abs=0.01)
    assert women["funded unit cost (£ per profiled person)"] == pytest.approx(1_840_000 / 2_400)


def test_sobol_and_money_display():
    import pandas as pd

    sob = pd.DataFrame({"input": ["volume_factor", "hiring_cost_per_fte"], "first order": [0.19, 0.0004],
                        "first order low": [0.168, -0.001], "first order high": [0.212, 0.001],
                        "total": [0.289, 0.0], "total low": [0.273, 0.0], "total high": [0.304, 0.0]})
    shown = analysis.sobol_display(sob)
    assert shown["Input"].tolist() == ["Real volume (× profile)", "Hiring cost (£ per FTE)"]
    assert shown["Share of variance, input alone"].tolist() == ["19% (17% to 21%)", "<1% (0% to <1%)"]
    assert shown["Share of variance, with interactions"].tolist() == ["29% (27% to 30%)", "0% (0% to 0%)"]
    money = analysis.formatted(pd.DataFrame({"surplus (£)": [-392_805.4, 37_366.0], "hires (FTE)": [2.55, 0.0]}))
    assert money["surplus (£)"].tolist() == ["-£392,805", "£37,366"] and money["hires (FTE)"].tolist() == ["2.5", "0.0"]
