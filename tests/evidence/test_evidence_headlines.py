"""The report's headline numbers, recomputed from the catalog with the library, to the precision reported."""

from __future__ import annotations


from rehabresearch.published import evidence as ev
from rehabresearch.published.transcribed import value_of




def test_headlines(tables):
    d = ev.disproportionality(tables["prison_population"], tables["probation_starts"], tables["population_comparators"])
    by = d.set_index(["population", "group"])["ratio"].round(2)
    assert by[("Prisoners", "Black or Black British")] == 4.17   # 10,427 / 83,263 against 3%
    assert by[("Prisoners", "Muslim")] == 3.08                   # 15.4% against 5%
    assert by[("Court order starts", "BAME")] == 1.36            # around 17% against 12.5%
    assert ev.prison_total(tables["prison_population"]) == 83263
    comp = ev.sex_split(tables["prison_population"], tables["probation_starts"]).attrs["comparison"]
    assert (round(comp["p2"], 4), round(comp["p1"], 4)) == (0.0456, 0.1602)
    counts = ev.theme_counts(tables["consultation_themes"], tables["consultation_questions"]).set_index("theme")
    assert counts.loc["Frequency should vary with a thorough assessment of risk and needs", "count_low"] == 185
    assert counts.loc["Reduction in reoffending is the most important measure", "count_at_printed_share"] == 166
    tests = ev.exact_tests(ev.rating_table(tables["inspection_ratings"], "overall_recent"))
    assert (round(tests["fisher_p"], 5), round(tests["boschloo_p"], 5)) == (0.00163, 0.00094)
    effect = value_of(tables["short_custody"], "reduction_in_proven_reoffences")
    assert ev.per_thousand(effect) == 30
    assert ev.implied_base(value_of(tables["short_custody"], "proven_reoffences_avoided"), effect) == 1_000_000
    assert ev.base_before_increase(572, value_of(tables["clinks"], "wales_women_immediate_custody_increase"))["point"] == 469
    gap = ev.share_gap([value_of(tables["clinks"], "bame_tailored_orgs_closure_risk")],
                       [value_of(tables["clinks"], "all_orgs_closure_risk")]).iloc[0]
    assert gap["gap_pp"] == 25
