"""Headline measures on hand-made cohorts whose answers can be worked out on paper."""

import numpy as np
import pandas as pd
import pytest

from rehabresearch.reoffending import measures as m
from rehabresearch.reoffending.intervals import newcombe_interval, wilson_interval
from rehabresearch.reporting import Report


@pytest.fixture
def cohort():
    # Group a: 3 of 10 reoffend with 2+1+1 = 4 reoffences; group b: 6 of 10 with 1+1+1+2+2+3 = 10.
    return pd.DataFrame({
        "g": ["a"] * 10 + ["b"] * 10,
        "y": [1] * 3 + [0] * 7 + [1] * 6 + [0] * 4,
        "c": [2, 1, 1] + [0] * 7 + [1, 1, 1, 2, 2, 3] + [0] * 4,
        "days": [10, 20, 60] + [365] * 7 + [5, 15, 25, 35, 45, 55] + [365] * 4,
    })


def test_binary_rate_by_group(cohort):
    out = m.binary_rate(cohort, "y", by="g")
    assert list(out["people"]) == [10, 10] and list(out["reoffenders"]) == [3, 6]
    assert list(out["rate"]) == [0.3, 0.6]
    assert out.loc[0, "rate_lo"] == pytest.approx(wilson_interval(3, 10)[0])
    overall = m.binary_rate(cohort, "y")
    assert overall.loc[0, "group"] == "All" and overall.loc[0, "rate"] == 0.45


def test_frequency_per_person_and_per_reoffender(cohort):
    out = m.frequency(cohort, "c", by="g").set_index("g")
    assert out.loc["a", "reoffences"] == 4 and out.loc["b", "reoffences"] == 10
    assert out.loc["a", "per_person"] == pytest.approx(0.4)
    assert out.loc["b", "per_reoffender"] == pytest.approx(10 / 6)
    # Exact Poisson limits for 10 events over 10 people: 0.47954 to 1.83904.
    assert (out.loc["b", "per_person_lo"], out.loc["b", "per_person_hi"]) == pytest.approx((0.47954, 1.83904), abs=1e-5)


def test_time_to_first_among_reoffenders(cohort):
    out = m.time_to_first(cohort, "days", "y", by="g").set_index("g")
    assert out.loc["a", "median_time"] == 20 and out.loc["a", "mean_time"] == pytest.approx(30)
    assert out.loc["b", "median_time"] == 30 and out.loc["b", "reoffenders"] == 6
    # b: times 5..55 step 10, sd = 18.708, t(5) = 2.5706 -> half-width 19.633.
    assert out.loc["b", "mean_time_hi"] - 30 == pytest.approx(2.570582 * np.std([5, 15, 25, 35, 45, 55], ddof=1) / np.sqrt(6), rel=1e-6)


def test_compare_rates_newcombe_and_ratio(cohort):
    out = m.compare_rates(cohort, "y", "g", reference="a")
    row = out.iloc[0]
    assert row["g"] == "b" and row["difference"] == pytest.approx(0.3)
    assert (row["difference_lo"], row["difference_hi"]) == pytest.approx(newcombe_interval(6, 10, 3, 10)[1:])
    assert row["rate_ratio"] == pytest.approx(2.0)
    # pooled p = 0.45, se = sqrt(.45*.55*.2) = 0.22249, z = 1.3484, p = 0.1775
    assert row["p_value"] == pytest.approx(0.17753, abs=1e-5)


def test_compare_rates_leaves_the_ratio_undefined_when_a_group_has_no_reoffenders():
    df = pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10, "y": [0] * 10 + [1] * 4 + [0] * 6})
    row = m.compare_rates(df, "y", "g", reference="a").iloc[0]
    assert row["difference"] == pytest.approx(0.4)
    assert row[["rate_ratio", "rate_ratio_lo", "rate_ratio_hi"]].isna().all()


def test_compare_frequency_ratio(cohort):
    row = m.compare_frequency(cohort, "c", "g", reference="a").iloc[0]
    assert row["rate_ratio"] == pytest.approx(2.5)
    factor = np.exp(1.959964 * np.sqrt(1 / 10 + 1 / 4))
    assert row["rate_ratio_lo"] == pytest.approx(2.5 / factor, rel=1e-5)


def test_report_table_suppresses_small_counts(cohort):
    report = Report("t", threshold=10, display=False)
    out = m.binary_rate(cohort.iloc[:15], "y", by="g")  # group b has 5 people
    report.table(out, "Rates", counts=["people", "reoffenders"], linked=m.linked(out))
    shown = report.tables[-1]
    assert shown.loc[1, "people"] == "[c]" and shown.loc[1, "rate"] == "[c]"


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda d: m.binary_rate(d, "missing"), KeyError, "missing"),
        (lambda d: m.binary_rate(d.assign(y=d["y"] * 2), "y"), ValueError, "must be binary"),
        (lambda d: m.frequency(d.assign(c=-d["c"]), "c"), ValueError, "non-negative whole counts"),
        (lambda d: m.time_to_first(d.assign(y=0), "days", "y"), ValueError, "nobody reoffended"),
        (lambda d: m.compare_rates(d, "y", "g", reference="z"), ValueError, "reference level 'z'"),
        (lambda d: m.compare_rates(d.assign(g="a"), "y", "g", reference="a"), ValueError, "only one level"),
    ],
)
def test_bad_input(cohort, call, exc, match):
    with pytest.raises(exc, match=match):
        call(cohort)


def test_difference_statement_wording():
    assert m.difference_statement(-0.0833, -0.165, -0.0002) == (
        "8.3 percentage points lower (95% CI between 0.02 and 16.5 percentage points lower)")
    assert "between 0.0 and" not in m.difference_statement(-0.0833, -0.165, -0.000151)
    assert m.difference_statement(0.05, 0.02, 0.08) == "5.0 percentage points higher (95% CI between 2.0 and 8.0 percentage points higher)"
    text = m.difference_statement(-0.02, -0.05, 0.01)
    assert "consistent with no difference" in text and "5.0 percentage points lower to 1.0 higher" in text
    with pytest.raises(ValueError, match="lo is missing"):
        m.difference_statement(0.1, float("nan"), 0.2)


@pytest.mark.parametrize("p,words", [(0.001, "strong evidence"), (0.03, "evidence"), (0.0501, "weak evidence"), (0.5, "no clear evidence")])
def test_evidence_wording(p, words):
    assert m.evidence(p) == words


def test_two_grouping_columns(cohort):
    df = cohort.assign(sex=["F", "M"] * 10)
    out = m.binary_rate(df, "y", by=["g", "sex"])
    assert len(out) == 4 and out["people"].sum() == 20
    row = out[(out["g"] == "a") & (out["sex"] == "F")].iloc[0]
    assert (row["people"], row["reoffenders"]) == (5, 2)  # rows 0, 2, 4, 6, 8: reoffenders at 0 and 2
    with pytest.raises(ValueError, match="no reoffenders in group"):
        m.time_to_first(df.assign(y=np.where(df["g"] == "a", 0, df["y"])), "days", "y", by="g")


def test_rates_vs_reference_puts_reference_first(cohort):
    out = m.rates_vs_reference(cohort, "y", "g", reference="b")
    assert list(out["g"]) == ["b", "a"] and out.loc[0, "difference"] == 0
    assert out.loc[1, "difference"] == pytest.approx(-0.3)
