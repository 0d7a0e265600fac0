"""The report's headline numbers, recomputed from the catalog with the library, to the precision reported."""

from __future__ import annotations

import pytest

from rehabresearch import catalog
from rehabresearch import evidence as ev
from rehabresearch.transcribed import value_of


@pytest.fixture(scope="module")
def t():
    tables = {n: catalog.load(f"evidence_{n}") for n in (
        "prison_population", "probation_starts", "population_comparators", "inspection_ratings", "short_custody")}
    tables.update({n: catalog.load(n) for n in ("consultation_questions", "consultation_themes")})
    tables["clinks"] = catalog.load("clinks_response_figures")
    return tables


def test_headlines(t):
    d = ev.disproportionality(t["prison_population"], t["probation_starts"], t["population_comparators"])
    by = d.set_index(["population", "group"])["ratio"].round(2)
    assert by[("Prisoners", "Black or Black British")] == 4.17   # 10,427 / 83,263 against 3%
    assert by[("Prisoners", "Muslim")] == 3.08                   # 15.4% against 5%
    assert by[("Court order starts", "BAME")] == 1.36            # around 17% against 12.5%
    assert ev.prison_total(t["prison_population"]) == 83263
    comp = ev.sex_split(t["prison_population"], t["probation_starts"]).attrs["comparison"]
    assert (round(comp["p2"], 4), round(comp["p1"], 4)) == (0.0456, 0.1602)
    counts = ev.theme_counts(t["consultation_themes"], t["consultation_questions"]).set_index("theme")
    assert counts.loc["Frequency should vary with a thorough assessment of risk and needs", "count_low"] == 185
    assert counts.loc["Reduction in reoffending is the most important measure", "count_at_printed_share"] == 166
    tests = ev.exact_tests(ev.rating_table(t["inspection_ratings"], "overall_recent"))
    assert (round(tests["fisher_p"], 5), round(tests["boschloo_p"], 5)) == (0.00163, 0.00094)
    effect = value_of(t["short_custody"], "reduction_in_proven_reoffences")
    assert ev.per_thousand(effect) == 30
    assert ev.implied_base(value_of(t["short_custody"], "proven_reoffences_avoided"), effect) == 1_000_000
    assert ev.base_before_increase(572, value_of(t["clinks"], "wales_women_immediate_custody_increase"))["point"] == 469
    gap = ev.share_gap([value_of(t["clinks"], "bame_tailored_orgs_closure_risk")],
                       [value_of(t["clinks"], "all_orgs_closure_risk")]).iloc[0]
    assert gap["gap_pp"] == 25
