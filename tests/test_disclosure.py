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
