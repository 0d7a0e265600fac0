"""rehabresearch.published.commissioning against hand computations, the seeds' numbers, and bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rehabresearch import catalog
from rehabresearch.published import commissioning as cm


def _funnel(rows):
    return pd.DataFrame(rows, columns=["stage_order", "stage", "group", "organisations", "qualifier"])


TOY = _funnel([
    (1, "sector", "voluntary", 100, "about"),
    (2, "expressed_interest", "voluntary", 50, "exact"),
    (3, "qualified", "voluntary", 20, "exact"),
    (4, "supply_chain", "all", 10, "exact"),
    (4, "supply_chain", "voluntary", 8, "exact"),
    (5, "lead_provider", "all", 4, "exact"),
    (5, "lead_provider", "voluntary", 2, "exact"),
])


def test_funnel_hand_computed():
    f = cm.funnel(TOY)
    assert f["organisations"].tolist() == [100, 50, 20, 8, 2]
    assert math.isnan(f["share_of_previous"].iloc[0])
    assert f["share_of_previous"].iloc[1:].tolist() == pytest.approx([0.5, 0.4, 0.4, 0.25])
    assert f["share_of_first"].tolist() == pytest.approx([1, 0.5, 0.2, 0.08, 0.02])
    # a share resting on the "about 100" sector figure is approximate; exact over exact stays exact
    assert f["share_basis"].tolist() == ["", "approximate", "exact", "exact", "exact"]


def test_funnel_reproduces_the_rr3_report():
    # 000, Part one, Qualification process para 3: 400 expressed interest, 204 qualified, of about 1,700.
    f = cm.funnel(catalog.load("commissioning_funnel")).set_index("stage")
    assert f.loc["qualified", "share_of_previous"] == pytest.approx(204 / 400)  # 51%
    assert round(100 * f.loc["qualified", "share_of_first"]) == 12  # "a very small proportion" of ~1,700
    assert round(100 * f.loc["expressed_interest", "share_of_first"], 1) == 23.5
    assert f.loc["lead_provider", "organisations"] == 23


def test_voluntary_shares_with_wilson_interval():
    v = cm.voluntary_shares(TOY).set_index("stage")
    assert v.loc["supply_chain", "share"] == pytest.approx(0.8)
    assert v.loc["lead_provider", "share"] == pytest.approx(0.5)
    # Wilson 95% for 2/4 by hand: centre (0.5 + z²/8)/(1 + z²/4), half-width z·sqrt(0.0625 + z²/64)/(1 + z²/4)
    z = 1.959963984540054
    centre = (0.5 + z**2 / 8) / (1 + z**2 / 4)
    half = z * math.sqrt(0.25 / 4 + z**2 / 64) / (1 + z**2 / 4)
    assert v.loc["lead_provider", ["lo", "hi"]].tolist() == pytest.approx([centre - half, centre + half])


def test_voluntary_shares_in_the_seed():
    # 000, Part two, Contract outcomes paras 3-4: 23 of 26 leads, 73 of 81 supply-chain organisations.
    v = cm.voluntary_shares(catalog.load("commissioning_funnel")).set_index("stage")
    assert round(100 * v.loc["lead_provider", "share"], 1) == 88.5
    assert round(100 * v.loc["supply_chain", "share"], 1) == 90.1
    assert v.loc["lead_provider", "lo"] < 23 / 26 < v.loc["lead_provider", "hi"] < 1


def test_income_comparison_is_a_lower_bound():
    # 000, Part two, Contract outcomes para 4: "over half" vs 27% with income over £1m.
    c = cm.income_comparison(catalog.load("commissioning_income_profile"))
    assert c["difference"] == pytest.approx(0.23)
    assert c["ratio"] == pytest.approx(0.5 / 0.27)
    assert c["comparison_bound"] == "lower bound" and c["population_bound"] == "lower bound"


def test_budgets_per_area_and_growth():
    assert cm.per_area(12.5e6, 12) == pytest.approx(1_041_666.67, abs=0.01)  # 000, Part three para 2
    g = cm.growth(5e6, 20e6, 3)
    assert g["multiple"] == 4
    assert g["annual_growth"] == pytest.approx(4 ** (1 / 3) - 1)
    t = cm.budget_table(catalog.load("commissioning_budgets"))
    assert t["amount_m"].iloc[0] == 280 and t["figure"].iloc[0] == "approximate"
    assert set(t.loc[t["period"] == "2024-25", "figure"]) == {"projection"}


def test_respondent_mix_from_the_shared_themes_table():
    # 004, Executive Summary para 12: 44% probation professionals, 17% voluntary sector, 8% judges and magistrates
    mix = cm.respondent_mix(catalog.load("consultation_themes")).set_index("respondent_group")["share"]
    assert mix.to_dict() == pytest.approx({"Probation professionals": 0.44, "Voluntary sector": 0.17, "Judges and magistrates": 0.08,
                                           "Other respondents (not broken down)": 0.31})


def test_sector_evidence_adds_the_clinks_closure_figures_as_proportions():
    # 001, Question 8: 30% of BAME-tailored organisations at risk of closure against 5% of all respondents
    ev = cm.sector_evidence(catalog.load("commissioning_sector_evidence"), catalog.load("clinks_response_figures")).set_index("measure")
    assert ev.loc[["bame_tailored_orgs_closure_risk", "all_orgs_closure_risk"], "value"].tolist() == pytest.approx([0.30, 0.05])
    assert set(ev.loc[["bame_tailored_orgs_closure_risk", "all_orgs_closure_risk"], "unit"]) == {"proportion"}
    assert ev.loc["bame_tailored_orgs_closure_risk", "qualifier"] == "exact"
    assert len(ev) == 8 and ev.index.is_unique


def test_category_shares_and_response_rates():
    annex = cm.category_shares(catalog.load("commissioning_consultation_annex_a"), "category", "organisations_listed")
    assert annex["organisations_listed"].sum() == 146
    assert annex.iloc[0]["category"].startswith("Voluntary") and annex.iloc[0]["share"] == pytest.approx(66 / 146)
    rates = cm.response_rates(catalog.load("consultation_questions")).set_index("label")
    assert rates.loc["Q14", "share_of_all"] == pytest.approx(303 / 476)  # 004, Q14: 303 of the 476 responses
    assert rates.loc["Q2 (second part)", "responses"] == 332
    assert len(rates) == 18 and "All questions" not in rates.index


# -- bad input ------------------------------------------------------------------
def test_funnel_missing_column():
    with pytest.raises(KeyError, match="organisations"):
        cm.funnel(TOY.drop(columns="organisations"))


def test_funnel_that_grows_is_rejected():
    bad = TOY.copy()
    bad.loc[2, "organisations"] = 60  # qualified > expressed interest
    with pytest.raises(ValueError, match="'qualified' has 60 organisations, more than the 50"):
        cm.funnel(bad)


def test_funnel_negative_or_fractional_count():
    bad = TOY.copy()
    bad["organisations"] = bad["organisations"].astype(float)
    bad.loc[1, "organisations"] = 12.5
    with pytest.raises(ValueError, match="row 2.*12.5"):
        cm.funnel(bad)
    bad.loc[1, "organisations"] = -3
    with pytest.raises(ValueError, match="non-negative whole count"):
        cm.funnel(bad)


def test_funnel_unknown_group_and_stage():
    with pytest.raises(ValueError, match="no rows for group 'private'"):
        cm.funnel(TOY, group="private")
    bad = TOY.copy()
    bad.loc[0, "stage"] = "shortlisted"
    with pytest.raises(ValueError, match="unknown stage"):
        cm.funnel(bad)


def test_more_voluntary_than_all_is_rejected():
    bad = TOY.copy()
    bad.loc[6, "organisations"] = 5  # 5 voluntary leads of 4
    with pytest.raises(ValueError, match="more voluntary organisations \\(5\\) than organisations in all \\(4\\)"):
        cm.voluntary_shares(bad)


def test_income_comparison_bad_input():
    profile = catalog.load("commissioning_income_profile")
    with pytest.raises(ValueError, match="population 'nobody'"):
        cm.income_comparison(profile, population="nobody")
    bad = profile.copy()
    bad.loc[0, "share"] = 50.0  # a percentage where a proportion belongs
    with pytest.raises(ValueError, match="proportion in \\[0, 1\\]"):
        cm.income_comparison(bad)


def test_budget_and_arithmetic_bad_input():
    b = catalog.load("commissioning_budgets")
    bad = b.copy()
    bad.loc[1, "amount_gbp"] = -5
    with pytest.raises(ValueError, match="row 2"):
        cm.budget_table(bad)
    with pytest.raises(ValueError, match="areas"):
        cm.per_area(12.5e6, 0)
    with pytest.raises(ValueError, match="years"):
        cm.growth(5, 20, 0)


def test_respondent_and_question_bad_input():
    themes = catalog.load("consultation_themes")
    with pytest.raises(ValueError, match="no whole-consultation rows"):
        cm.respondent_mix(themes[~themes["theme"].str.startswith(cm.RESPONDENT_PREFIX)])
    bad = themes.copy()
    bad.loc[bad["theme"] == "Respondent type: voluntary sector", "share_text"] = "90%"
    with pytest.raises(ValueError, match="sum to 1.42"):
        cm.respondent_mix(bad)
    bad.loc[bad["theme"] == "Respondent type: voluntary sector", "share_text"] = "around 17%"
    with pytest.raises(ValueError, match="'around 17%' is not exact"):
        cm.respondent_mix(bad)
    q = catalog.load("consultation_questions")
    low = q.copy()
    low.loc[low["question"] == "All", "responses"] = 300
    with pytest.raises(ValueError, match="more responses than the total 300"):
        cm.response_rates(low)
    with pytest.raises(ValueError, match="exactly one 'All' row"):
        cm.response_rates(q[q["question"] != "All"])
    with pytest.raises(KeyError, match="no measure"):
        cm.sector_evidence(catalog.load("commissioning_sector_evidence"), catalog.load("clinks_response_figures"), measures=["nope"])
    with pytest.raises(TypeError):
        cm.funnel([1, 2, 3])
