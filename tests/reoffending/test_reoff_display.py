"""Display helpers: estimate and interval in one cell, p-values, readable model terms."""

from __future__ import annotations

import numpy as np
import pytest

from rehabresearch.reoffending import compas
from rehabresearch.reoffending.intervals import interval_text, p_text


def test_interval_text_cells():
    assert interval_text([0.5, 13.2, np.nan], [0.1, 10.5, np.nan], [0.9, 15.9, np.nan]) == [
        "0.5 (0.1 to 0.9)", "13.2 (10.5 to 15.9)", ""]
    assert interval_text(0.0, np.nan, np.nan, "{:+.1f}") == ["+0.0"]
    assert interval_text([0.684], [0.470], [0.996], "{:.2f}") == ["0.68 (0.47 to 1.00)"]


def test_p_text():
    assert p_text([0.0501, 0.00083, 4.3e-84, 1.0]) == ["0.05", "<0.001", "<0.001", "1"]
    with pytest.raises(ValueError, match="between 0 and 1"):
        p_text([0.2, 1.5])


def test_term_labels():
    assert compas.term_label("race[African-American]") == "Race: African-American (vs Caucasian)"
    assert compas.term_label("c_charge_degree[M]") == "Misdemeanour charge (vs felony)"
    assert compas.term_label("const") == "Baseline (intercept)"
    with pytest.raises(KeyError, match="juv_fel_count"):
        compas.term_label("juv_fel_count")
