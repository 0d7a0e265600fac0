"""Disclosure control: small counts and whatever would reveal them never reach a reader."""

import pandas as pd
import pytest

from rehabresearch import disclosure
from rehabresearch.reporting import Report


def _suppress(df, counts, threshold, **kwargs):
    """What a report table shows: the mask applied with the [c] marker."""
    return disclosure.apply_mask(df, disclosure.suppression_mask(df, counts, threshold, **kwargs))


def test_primary_suppression_hides_small_nonzero_counts():
    df = pd.DataFrame({"group": ["a", "b", "c"], "n": [0, 7, 12]})
    out = _suppress(df, ["n"], 10)
    assert list(out["n"]) == [0, "[c]", 12]


def test_secondary_suppression_protects_row_and_column_totals():
    df = pd.DataFrame({"g": ["a", "b", "c", "Total"], "men": [5, 20, 30, 55], "women": [40, 30, 50, 120],
                       "all": [45, 50, 80, 175]})
    mask = disclosure.suppression_mask(df, ["men", "women"], 10, row_total="all", total_row_label="Total", label_column="g")
    # a/men is primary; row a shows its total so a/women goes too; column men shows its total so b/men goes too,
    # then row b shows its total so b/women goes as well.
    assert mask.loc[0, "men"] and mask.loc[0, "women"] and mask.loc[1, "men"] and mask.loc[1, "women"]
    assert not mask.loc[2, ["men", "women"]].any() and not mask.loc[3].any()
    # no line with a shown total holds exactly one hidden cell
    for i in range(3):
        assert mask.loc[i, ["men", "women"]].sum() != 1
    for c in ["men", "women"]:
        assert mask.loc[0:2, c].sum() != 1


def test_linked_rates_are_hidden_with_their_counts():
    df = pd.DataFrame({"g": ["a", "b"], "reoffenders": [3, 40], "rate": [0.3, 0.4]})
    out = _suppress(df, ["reoffenders"], 10, linked={"reoffenders": ["rate"]})
    assert out.loc[0, "rate"] == "[c]" and out.loc[1, "rate"] == 0.4


def test_safe_count():
    assert disclosure.safe_count(4, 10) == "fewer than 10"
    assert disclosure.safe_count(1234, 10) == "1,234"
    assert disclosure.safe_count(0, 10) == "0"


def test_direct_identifiers_are_dropped():
    df = pd.DataFrame({"name": ["x"], "DOB": ["1990-01-01"], "c_case_number": ["1"], "age": [30]})
    assert list(disclosure.drop_identifiers(df).columns) == ["age"]


def test_report_table_and_results_never_show_suppressed_values():
    report = Report("t", threshold=10, display=False)
    df = pd.DataFrame({"group": ["a", "b"], "people": [4, 250]})
    report.table(df, "Table 1: people by group", counts=["people"])
    assert report.tables[-1].loc[0, "people"] == "[c]" and "4" not in report.shown[-1].split()
    report.result("small", 4, label="a small count", count=True)
    assert report.results["small"]["value"] == "[c]"
    assert report.count(4) == "fewer than 10"


def test_threshold_is_a_parameter_and_must_be_positive():
    df = pd.DataFrame({"g": ["a"], "n": [40]})
    assert _suppress(df, ["n"], 60).loc[0, "n"] == "[c]"
    with pytest.raises(ValueError):
        Report("t", threshold=0, display=False)


def test_formatters_refuse_missing_values_and_unknown_units():
    from rehabresearch.reporting import fmt_money, fmt_pct

    assert fmt_money(46e6, unit="m") == "£46m" and fmt_money(-1234) == "-£1,234"
    with pytest.raises(ValueError, match="unit"):
        fmt_money(1, unit="x")
    with pytest.raises(ValueError, match="NaN"):
        fmt_pct(float("nan"))


# -- disclosure that survives arithmetic (docs/disclosure.md) -------------------------------------------------

def test_two_small_cells_under_a_shown_total_take_a_large_one_with_them():
    # today: 3 and 4 are hidden but the total 117 gives their sum, 7, a count below the threshold
    df = pd.DataFrame({"g": ["a", "b", "c", "d", "Total"], "n": [3, 4, 50, 60, 117]})
    mask = disclosure.suppression_mask(df, ["n"], 10, total_row_label="Total", label_column="g")
    assert mask["n"].tolist() == [True, True, True, False, False]


def test_a_total_shown_by_another_table_protects_the_hidden_cells_of_this_one():
    # COMPAS after ProPublica's filter: reoffenders by sex sum to 2,809; by race two groups are small (8 and 5).
    # Today the race table shows 2,796 in its other rows, so 2,809 - 2,796 = 13 gives the two hidden cells together.
    report = Report("t", threshold=10, display=False)
    by_sex = pd.DataFrame({"Sex": ["Female", "Male"], "Reoffended": [413, 2396]})
    by_race = pd.DataFrame({"Race": ["African-American", "Asian", "Caucasian", "Hispanic", "Native American", "Other"],
                            "Reoffended": [1661, 8, 822, 189, 5, 124]})
    report.table(by_sex, "Table 1", counts=["Reoffended"])
    report.table(by_race, "Table 2", counts=["Reoffended"])
    shown = report.tables[-1]["Reoffended"]
    hidden = [v for v, s in zip(by_race["Reoffended"], shown) if s == "[c]"]
    assert sorted(hidden) == [5, 8, 124]  # the two small groups and the smallest group not below the threshold
    derivable = sum(by_sex["Reoffended"]) - sum(int(s.replace(",", "")) for s in shown if s != "[c]")
    assert derivable == 137 and derivable > 9 * len(hidden)  # cannot be made of small counts only


def test_a_later_table_keeps_hidden_the_total_an_earlier_table_relied_on():
    report = Report("t", threshold=10, display=False)
    by_race = pd.DataFrame({"Race": ["A", "B", "C", "D"], "People": [1661, 8, 822, 5]})
    by_sex = pd.DataFrame({"Sex": ["Female", "Male"], "People": [413, 2083]})
    report.table(by_race, "Table 1", counts=["People"])
    assert report.tables[-1]["People"].tolist() == ["1,661", "[c]", "822", "[c]"]
    report.table(by_sex, "Table 2", counts=["People"])
    assert report.tables[-1]["People"].tolist() == ["[c]", "2,083"]  # else 2,496 - 2,483 = 13 = 8 + 5


def test_unrelated_tables_are_not_over_suppressed():
    report = Report("t", threshold=10, display=False)
    report.table(pd.DataFrame({"g": ["a", "b"], "People": [40, 50]}), "Table 1", counts=["People"])
    report.table(pd.DataFrame({"g": ["a", "b", "c"], "People": [7, 20, 30]}), "Table 2", counts=["People"])
    assert report.tables[-1]["People"].tolist() == ["[c]", "20", "30"]


def test_rates_and_means_of_a_suppressed_group_are_hidden_with_its_count():
    df = pd.DataFrame({"group": ["treated", "comparison"], "people": [70, 400], "reoffenders": [7, 120],
                       "rate": [0.1, 0.3], "mean_days": [101.0, 150.0]})
    out = _suppress(df, ["people", "reoffenders"], 10, linked={"reoffenders": ["rate", "mean_days"]})
    assert out.loc[0, "rate"] == "[c]" and out.loc[0, "mean_days"] == "[c]" and out.loc[0, "people"] == 70


def test_published_tables_are_shown_as_published():
    report = Report("t", threshold=10, display=False)
    report.table(pd.DataFrame({"region": ["a"], "contracts": [3]}), "Table 1", published=True)
    assert report.tables[-1].loc[0, "contracts"] == 3
    with pytest.raises(ValueError, match="published"):
        report.table(pd.DataFrame({"region": ["a"], "contracts": [3]}), "Table 2", published=True, counts=["contracts"])


@pytest.fixture
def individual_data(monkeypatch):
    """As if the report had loaded a real individual-level dataset."""
    from rehabresearch import catalog

    monkeypatch.setattr(catalog, "LOADED", {"compas_two_year": "abc"})
    monkeypatch.setattr(catalog, "INDIVIDUAL_LEVEL", {"compas_two_year"})


def test_lowered_threshold_on_individual_level_data_needs_explicit_permission(individual_data):
    report = Report("t", threshold=1, display=False)
    with pytest.raises(disclosure.ThresholdRefused, match="allow_low_threshold"):
        report.table(pd.DataFrame({"g": ["a"], "n": [3]}), "Table 1", counts=["n"])
    with pytest.raises(disclosure.ThresholdRefused):
        report.count(3)
    with pytest.raises(disclosure.ThresholdRefused):
        report.save()


def test_allowed_lowered_threshold_is_stated_first_and_recorded_with_who_asked(individual_data):
    import getpass

    report = Report("t", threshold=1, display=False, allow_low_threshold=True)
    report.table(pd.DataFrame({"g": ["a"], "n": [3]}), "Table 1", counts=["n"])
    assert report.shown[0].startswith("Disclosure threshold lowered to 1 (default 10) on real individual-level data")
    assert report.tables[-1].loc[0, "n"] == "3"
    report.save()
    record = report.payload["disclosure"]
    assert record["threshold"] == 1 and record["lowered"] and record["individual_level_data"] == ["compas_two_year"]
    assert record["requested_by"]["user"] == getpass.getuser() and record["requested_by"]["allow_low_threshold"]
    assert report.notes[0].startswith("Disclosure threshold lowered")


def test_lowered_threshold_on_aggregate_data_is_stated_but_allowed(monkeypatch):
    from rehabresearch import catalog

    monkeypatch.setattr(catalog, "LOADED", {"evidence_workforce": "abc"})
    monkeypatch.setattr(catalog, "INDIVIDUAL_LEVEL", set())
    report = Report("t", threshold=5, display=False)
    report.count(3)
    assert report.shown[0].startswith("Disclosure threshold lowered to 5 (default 10):")
    report.save()
    assert report.payload["disclosure"]["lowered"] and "requested_by" in report.payload["disclosure"]


def test_default_threshold_says_nothing_and_records_no_requester(individual_data):
    report = Report("t", display=False)
    report.count(30)
    report.save()
    assert report.shown == [] and report.payload["disclosure"] == {
        "threshold": 10, "default": 10, "lowered": False, "individual_level_data": ["compas_two_year"]}


def test_tables_with_any_index_are_checked_against_page_totals():
    report = Report("t", threshold=10, display=False)
    df = pd.DataFrame({"g": ["a", "b", "Total"], "n": [5, 40, 45]}, index=["x", "y", "z"])
    report.table(df, "Table 1", counts=["n"], total_row_label="Total", label_column="g")
    assert report.tables[-1]["n"].tolist() == ["[c]", "[c]", "45"]
