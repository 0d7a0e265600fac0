"""Report helpers that put each estimate and its interval in one cell, and pivot long summaries."""

from __future__ import annotations

import pandas as pd
import pytest

from rehabresearch.contact.microsim import interval_text, pivot_interval

SUMMARY = pd.DataFrame({
    "policy": ["monthly", "monthly", "weekly", "weekly"],
    "sex": ["female", "male", "female", "male"],
    "breaches_mean": [62.25, 36.0, 168.9, 1126.4],
    "breaches_lo": [13.0, 27.04, 96.3, 996.6],
    "breaches_hi": [131.5, 51.1, 240.0, 1157.4],
})


def test_interval_text_formats_mean_and_interval():
    text = interval_text(SUMMARY, "breaches")
    assert text.tolist() == ["62.2 (13.0 to 131.5)", "36.0 (27.0 to 51.1)", "168.9 (96.3 to 240.0)",
                             "1,126.4 (996.6 to 1,157.4)"]
    assert interval_text(SUMMARY, "breaches", "{:,.0f}").iloc[3] == "1,126 (997 to 1,157)"


def test_pivot_interval_one_row_per_group_policies_in_order():
    wide = pivot_interval(SUMMARY.iloc[::-1], ["sex"], "policy", "breaches", "{:.0f}")
    assert list(wide.columns) == ["sex", "weekly", "monthly"]
    assert wide.set_index("sex").loc["female", "monthly"] == "62 (13 to 132)"


def test_bad_input_named():
    with pytest.raises(KeyError, match="breaches_lo"):
        interval_text(SUMMARY.drop(columns="breaches_lo"), "breaches")
    with pytest.raises(KeyError, match="tier"):
        pivot_interval(SUMMARY, ["tier"], "policy", "breaches")
    with pytest.raises(ValueError, match="more than one row"):
        pivot_interval(SUMMARY.assign(sex="all"), ["sex"], "policy", "breaches")
