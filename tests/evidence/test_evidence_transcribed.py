"""rehabresearch.published.transcribed: the helpers both reports use on transcribed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch import catalog
from rehabresearch.published.transcribed import for_display, question_labels, require_columns, value_of


def test_require_columns_names_the_table_and_the_missing_column():
    require_columns(pd.DataFrame({"a": [1]}), ["a"], "toy table")
    with pytest.raises(KeyError, match=r"toy table: missing column\(s\) \['b'\]"):
        require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "toy table")
    with pytest.raises(TypeError, match="toy table: expected a DataFrame, got list"):
        require_columns([1], ["a"], "toy table")


def test_value_of_reads_a_printed_value():
    # Clinks response, Question 7 (Wales): 572 women sentenced to immediate imprisonment in 2017
    assert value_of(catalog.load("clinks_response_figures"), "wales_women_immediate_custody") == 572
    with pytest.raises(KeyError, match="no measure 'nope'"):
        value_of(pd.DataFrame({"measure": ["a"], "value": [1.0]}), "nope")


def test_for_display_blanks_missing_values():
    df = pd.DataFrame({"a": ["x", None], "n": pd.array([1, None], dtype="Int64"), "p": [1.5, np.nan]})
    out = for_display(df)
    assert out["a"].tolist() == ["x", ""]
    assert out["n"].dtype == float and np.isnan(out["n"].iloc[1])
    with pytest.raises(TypeError, match="expected a DataFrame"):
        for_display([1, 2])


def test_question_labels():
    labels = question_labels(pd.Series(["All", "Q1", "Q2", "Q2"]), pd.Series(["whole", "whole", "first", "second"]))
    assert labels.tolist() == ["All questions", "Q1", "Q2 (first part)", "Q2 (second part)"]
    with pytest.raises(ValueError, match="unknown value"):
        question_labels(pd.Series(["Q2"]), pd.Series(["third"]))
