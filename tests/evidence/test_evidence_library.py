"""rehabresearch.published.evidence against hand computations, the published figures, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rehabresearch.published import evidence as ev
from rehabresearch.published.transcribed import value_of




# -- representation ----------------------------------------------------------------------------------
def test_representation_ratio_from_count_and_total_by_hand():
    r = ev.representation_ratios([3], count=[10427], total=[83263]).iloc[0]
    assert r["share"] == pytest.approx(10427 / 83263)
    assert r["ratio"] == pytest.approx(10427 / 83263 / 0.03)
    # Wilson 95% interval on 10427/83263, divided by the comparator
    p, n, z = 10427 / 83263, 83263, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert r["ratio_low"] == pytest.approx((centre - half) / 0.03)
    assert r["ratio_high"] == pytest.approx((centre + half) / 0.03)
    # the comparator is printed as "3%": anywhere from 2.5% to 3.5%
    assert r["ratio_round_low"] == pytest.approx(p / 0.035)
    assert r["ratio_round_high"] == pytest.approx(p / 0.025)
    assert r["basis"].startswith("count / total")


def test_representation_ratio_without_a_base_has_no_sampling_interval():
    r = ev.representation_ratios([12.5], percent=[17]).iloc[0]
    assert r["ratio"] == pytest.approx(17 / 12.5)
    assert np.isnan(r["ratio_low"]) and np.isnan(r["ratio_high"])
    assert "no sampling interval applies" in r["basis"]
    # 17 printed to the unit, 12.5 to one decimal
    assert r["ratio_round_low"] == pytest.approx(16.5 / 12.55)
    assert r["ratio_round_high"] == pytest.approx(17.5 / 12.45)


def test_representation_ratio_with_known_total_says_so():
    r = ev.representation_ratios([5], percent=[15.4], total=[83263]).iloc[0]
    assert r["ratio"] == pytest.approx(3.08)
    assert r["ratio_low"] < 3.08 < r["ratio_high"]
    assert "known total used as n" in r["basis"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"comparator_percent": [0], "count": [1], "total": [2]}, r"comparator_percent: row 1: 0 is outside \(0"),
        ({"comparator_percent": [3], "count": [5], "total": [4]}, r"row 1: count 5 exceeds total 4"),
        ({"comparator_percent": [3], "count": [5]}, r"row 1: give count and total, or percent"),
        ({"comparator_percent": [3], "percent": [120]}, r"percent: row 1: 120 is outside \[0.0, 100.0\]"),
        ({"comparator_percent": ["three"], "percent": [12]}, r"comparator_percent: row 1: expected a number, got 'three'"),
        ({"comparator_percent": [3, 4], "percent": [12]}, r"percent: 1 values, but comparator_percent has 2"),
    ],
)
def test_representation_ratio_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ev.representation_ratios(**kwargs)


def test_percent_consistency_finds_the_christian_share(tables):
    p = tables["prison_population"]
    rows = p[p["group"].isin(["White", "Black or Black British", "Christian", "No religion"]) & p["count"].notna()]
    out = ev.percent_consistency(rows["count"], [83263] * len(rows), rows["percent"])
    assert dict(zip(rows["group"], out["agrees"])) == {
        "White": True, "Black or Black British": True, "Christian": False, "No religion": True}
    assert out.loc[list(rows["group"]).index("Christian"), "computed_percent"] == pytest.approx(49.5178, abs=1e-4)


def test_printed_decimals():
    assert ev.printed_decimals([3, 12.5, 2.6, 15.4, 0.25]).tolist() == [0, 1, 1, 1, 2]
    with pytest.raises(ValueError, match="more than 4 decimals"):
        ev.printed_decimals([1 / 3])


def test_disproportionality_headlines(tables):
    d = ev.disproportionality(tables["prison_population"], tables["probation_starts"], tables["population_comparators"])
    by = d.set_index(["population", "group"])
    assert by.loc[("Prisoners", "Black or Black British"), "ratio"] == pytest.approx(10427 / 83263 / 0.03)
    assert by.loc[("Prisoners", "Muslim"), "ratio"] == pytest.approx(15.4 / 5)
    assert by.loc[("Prisoners", "BAME"), "ratio"] == pytest.approx(21992 / 83263 / 0.125)
    # sexual orientation shares are of those who declared (71,901 + 1,954)
    assert by.loc[("Prisoners", "Gay/Lesbian/Bisexual or Other (LGB)"), "share"] == pytest.approx(1954 / 73855)
    assert by.loc[("Court order starts", "BAME"), "ratio"] == pytest.approx(17 / 12.5)
    assert by.loc[("Court order starts", "Female"), "share"] == pytest.approx(20467 / 127790)
    assert ("Prisoners", "White") not in by.index  # no comparator printed for White


def test_prison_total_and_mismatch(tables):
    p = tables["prison_population"]
    assert ev.prison_total(p) == 83263
    broken = p.copy()
    broken.loc[broken["group"] == "Female", "count"] = 3801
    with pytest.raises(ValueError, match="ethnicity groups sum to 83,263 but sex groups to 83,264"):
        ev.prison_total(broken)
    with pytest.raises(ValueError, match="sex needs a printed count"):
        ev.characteristic_totals(p[p["group"] != "Male"])


# -- two proportions -----------------------------------------------------------------------------------
def test_compare_proportions_newcombe_1998_example():
    # Newcombe (1998) Table II, example (a): 56/70 vs 48/80, hybrid score interval 0.0524 to 0.3339
    r = ev.compare_proportions(56, 70, 48, 80).iloc[0]
    assert r["difference"] == pytest.approx(0.2)
    assert round(r["diff_low"], 4) == 0.0524 and round(r["diff_high"], 4) == 0.3339
    assert r["ratio"] == pytest.approx(0.8 / 0.6)


def test_sex_split_prison_against_court_orders(tables):
    s = ev.sex_split(tables["prison_population"], tables["probation_starts"])
    assert s["share_women"].tolist() == pytest.approx([3800 / 83263, 20467 / 127790])
    c = s.attrs["comparison"]
    assert c["difference"] == pytest.approx(20467 / 127790 - 3800 / 83263)
    assert c["diff_low"] < c["difference"] < c["diff_high"]


def test_compare_proportions_bad_input():
    with pytest.raises(ValueError, match="x1 must not exceed n1"):
        ev.compare_proportions(5, 4, 1, 2)
    with pytest.raises(ValueError, match=r"x2: row 1: expected a whole count, got 1.5"):
        ev.compare_proportions(1, 4, 1.5, 2)


def test_share_gap_states_no_interval():
    g = ev.share_gap([30], [5]).iloc[0]
    assert (g["gap_pp"], g["ratio"]) == (25, 6)
    assert "no sampling interval applies" in g["basis"]
    with pytest.raises(ValueError, match="percent2: row 1: 0 is outside"):
        ev.share_gap([30], [0])


# -- inspection ratings ---------------------------------------------------------------------------------
def test_rating_table_and_exact_tests_by_hand(tables):
    t = ev.rating_table(tables["inspection_ratings"], "overall_recent")
    assert t.to_numpy().tolist() == [[1, 13], [4, 0]]
    res = ev.exact_tests(t)
    # hypergeometric: 5 'good' among 18, NPS draws 4; P(all 4 good) = C(5,4)/C(18,4) = 5/3060, and
    # every other table is more probable, so the two-sided Fisher p-value is 5/3060
    assert res["fisher_p"] == pytest.approx(5 / 3060)
    assert res["boschloo_p"] < res["fisher_p"]
    assert (res["share_1"], res["share_2"], res["n_1"], res["n_2"]) == (pytest.approx(1 / 14), 1.0, 14, 4)


def test_rating_table_bad_input(tables):
    with pytest.raises(ValueError, match=r"no \['NPS'\] ratings to compare"):
        ev.rating_table(tables["inspection_ratings"], "unpaid_work")
    with pytest.raises(ValueError, match="no ratings for inspection_set 'nope'"):
        ev.rating_table(tables["inspection_ratings"], "nope")
    with pytest.raises(KeyError, match="needs a DataFrame with columns"):
        ev.rating_table(pd.DataFrame({"a": [1]}), "overall_recent")


@pytest.mark.parametrize(
    "table, message",
    [([[1, 2, 3], [4, 5, 6]], "need a 2x2 table"), ([[1, -2], [3, 4]], "non-negative whole counts"),
     ([[1, 2.5], [3, 4]], "non-negative whole counts"), ([[0, 0], [3, 4]], "each row needs at least one case")],
)
def test_exact_tests_bad_input(table, message):
    with pytest.raises(ValueError, match=message):
        ev.exact_tests(table)


def test_rating_summary_totals(tables):
    s = ev.rating_summary(tables["inspection_ratings"]).set_index(["inspection_set", "organisation"])
    assert s["Total"].to_dict() == {("overall_recent", "CRC"): 14, ("overall_recent", "NPS"): 4,
                                    ("supervision_implementation", "CRC"): 14, ("unpaid_work", "CRC"): 14}


# -- consultation shares ----------------------------------------------------------------------------------
def test_parse_shares():
    p = ev.parse_shares(["over 50%", "around a third", "nearly 40%", "just 10%", "44%", "around half", "2.6%"])
    assert p["qualifier"].tolist() == ["over", "around", "nearly", "exact", "exact", "around", "exact"]
    assert p["percent"].tolist() == pytest.approx([50, 100 / 3, 40, 10, 44, 50, 2.6])
    with pytest.raises(ValueError, match="row 2: cannot read the share 'a similar proportion'"):
        ev.parse_shares(["over 50%", "a similar proportion"])


def test_implied_counts_by_hand():
    c = ev.implied_counts(["over 50%", "nearly 30%", "around a third", "44%"], [368, 368, 332, 476], band_pp=5)
    # over 50% of 368: more than 184, at most 55% = 202.4
    assert c.loc[0, ["count_low", "count_high"]].tolist() == [185, 202]
    # nearly 30% of 368: from 25% (92) to below 30% (110.4)
    assert c.loc[1, ["count_low", "count_high"]].tolist() == [92, 110]
    # around a third of 332: 30.83% to 35.83% -> 102.4 to 119.0
    assert c.loc[2, ["count_low", "count_high"]].tolist() == [103, 118]
    # 44% of 476 printed to the unit: 43.5% (207.06) to 44.5% (211.82)
    assert c.loc[3, ["count_low", "count_high", "count_at_printed_share"]].tolist() == [208, 211, 209]
    assert "illustrative" in c.loc[0, "reading"] and "rounded" in c.loc[3, "reading"]


def test_implied_counts_bad_input():
    with pytest.raises(ValueError, match=r"row 1: n must be a positive whole number, got 0"):
        ev.implied_counts(["over 50%"], [0])
    with pytest.raises(ValueError, match="2 shares but 3 values of n"):
        ev.implied_counts(["over 50%", "44%"], [1, 2, 3])
    with pytest.raises(ValueError, match="band_pp must be a number in"):
        ev.implied_counts(["over 50%"], [10], band_pp=0)


def test_theme_counts_joins_each_question(tables):
    t = ev.theme_counts(tables["consultation_themes"], tables["consultation_questions"])
    weekly = t[t["theme"] == "Contact should be weekly"].iloc[0]
    assert (weekly["n"], weekly["count_low"], weekly["count_high"]) == (368, 148, 165)
    with pytest.raises(ValueError, match="no response count for question 'Q99'"):
        ev.theme_counts(pd.DataFrame({"question": ["Q99"], "part": ["whole"], "theme": ["x"], "share_text": ["5%"]}),
                        tables["consultation_questions"])


# -- short sentences and increases -------------------------------------------------------------------------
def test_short_sentence_estimate(tables):
    sc = tables["short_custody"]
    effect = value_of(sc, "reduction_in_proven_reoffences")
    assert ev.per_thousand(effect) == pytest.approx(30.0)  # about 3 points -> 30 per 1,000
    assert ev.implied_base(value_of(sc, "proven_reoffences_avoided"), effect) == pytest.approx(1_000_000)
    with pytest.raises(KeyError, match="no measure 'nope'"):
        value_of(sc, "nope")
    with pytest.raises(ValueError, match="effect_pp must be"):
        ev.per_thousand(float("nan"))
    with pytest.raises(ValueError, match="per must be a positive whole number"):
        ev.per_thousand(3, per=0)
    with pytest.raises(ValueError, match="effect_pct must be a positive number"):
        ev.implied_base(30000, 0)


def test_base_before_increase_wales(tables):
    ck = tables["clinks"]
    b = ev.base_before_increase(int(value_of(ck, "wales_women_immediate_custody")),
                                value_of(ck, "wales_women_immediate_custody_increase"))
    # 572 / 1.22 = 468.9; 22% printed to the unit -> 572/1.225 = 466.9 to 572/1.215 = 470.8
    assert b == {"point": 469, "low": 467, "high": 470}
    with pytest.raises(ValueError, match="final must be a non-negative whole count"):
        ev.base_before_increase(-1, 22)
    with pytest.raises(ValueError, match="increase_pct must be a number above -100"):
        ev.base_before_increase(572, -100)


def test_figures_are_titled_and_labelled(tables):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = ev.disproportionality(tables["prison_population"], tables["probation_starts"], tables["population_comparators"])
    s = ev.sex_split(tables["prison_population"], tables["probation_starts"])
    t = ev.theme_counts(tables["consultation_themes"], tables["consultation_questions"])
    figs = [ev.plot_ratios(d, source="x"), ev.plot_sex_split(s, 51, source="x"),
            ev.plot_theme_ranges(t[t["question"] == "Q2"], source="x", title="Q2 (% of those answering)"),
            ev.plot_ratings(ev.rating_summary(tables["inspection_ratings"]), source="x")]
    for fig in figs:
        ax = fig.axes[0]
        title = fig._suptitle.get_text()
        assert "(" in title and ")" in title, title  # units in the title
        assert ax.get_xlabel() and ax.get_ylabel()
        assert any("Source: x" in t.get_text() for t in fig.texts)
        plt.close(fig)
    with pytest.raises(KeyError, match="ratio table: missing column"):
        ev.plot_ratios(pd.DataFrame({"a": [1]}), source="x")


def test_ratio_display_is_a_readers_table(tables):
    d = ev.disproportionality(tables["prison_population"], tables["probation_starts"], tables["population_comparators"])
    shown = ev.ratio_display(d).set_index(["Population", "Group"])
    black = shown.loc[("Prisoners", "Black or Black British")]
    # 10,427 / 83,263 = 12.5% against a Census share printed as 3% (2.5% to 3.5%): 4.17, 3.58 to 5.01
    assert (black["Ratio"], black["Range allowed by rounding"]) == (4.17, "3.58 to 5.01")
    assert black["Comparator"] == "2011 Census, people aged 15 or over"
    assert shown.loc[("Court order starts", "BAME"), "Sampling interval (95%)"] == ""  # printed % without a base
    assert not any("_" in c for c in shown.reset_index().columns)
    with pytest.raises(KeyError, match="ratio table: missing column"):
        ev.ratio_display(d.drop(columns="basis"))
