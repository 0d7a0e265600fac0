"""Attrition diagram and forest plot: house style (titled, labelled axes), numbers drawn, small counts hidden."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from rehabresearch.reoffending.matched.jdl_figures import attrition_plot, attrition_table, forest_plot  # noqa: E402

STAGES = [("People submitted", 1200), ("Identified in the reoffending data", 1100), ("Matched", 1095),
          ("Analysed", 1095)]
REASONS = ["not found in the Police National Computer", "no comparison person within the caliper", None]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_attrition_table_counts_losses():
    t = attrition_table(STAGES, REASONS)
    assert list(t["lost before this stage"]) == [0, 100, 5, 0]
    assert t["reason"].iloc[1].startswith("not found")


def test_attrition_plot_draws_counts_and_hides_small_losses():
    fig, ax = attrition_plot(attrition_table(STAGES, REASONS), source="Synthetic cohort")
    texts = _texts(ax)
    assert "1,200" in texts and "1,095" in texts
    assert any(s.startswith("100 not carried forward: not found") for s in texts)
    assert any(s.startswith("fewer than 10 not carried forward") for s in texts)  # 5 people: suppressed
    assert not any(s.startswith("5 ") for s in texts)
    assert ax.get_title(loc="left") and ax.get_xlabel() == "Number of people"
    assert [t.get_text() for t in ax.get_yticklabels()] == [s[0] for s in STAGES]
    plt.close(fig)


@pytest.mark.parametrize("stages,reasons,match", [
    ([("Submitted", 10)], None, "two stages"),
    ([("Submitted", 10), ("Matched", 12)], None, "more people"),
    ([("Submitted", 10), ("Matched", 2.5)], None, "whole numbers"),
    ([("Submitted", "ten"), ("Matched", 8)], None, "whole numbers"),
    ([("Submitted", 10), ("Matched", 8)], ["a", "b"], "one reason per step"),
])
def test_attrition_refuses_inconsistent_stages(stages, reasons, match):
    with pytest.raises(ValueError, match=match):
        attrition_table(stages, reasons)


def test_forest_plot_draws_every_outcome_with_interval_and_level():
    rows = pd.DataFrame({
        "label": ["Proven reoffending rate (people per 100)", "Reoffences (per 100 people)", "Days to first reoffence"],
        "difference": [-5.0, -40.0, 12.0], "low": [-9.0, -70.0, -10.0], "high": [-1.0, -10.0, 34.0],
    })
    fig, ax = forest_plot(rows, level=0.9)
    assert "90%" in ax.get_title(loc="left") and "90%" in ax.get_xlabel()
    segs = ax.collections[0].get_segments()
    assert len(segs) == 3
    assert np.allclose([s[0][0] for s in segs], rows["low"]) and np.allclose([s[1][0] for s in segs], rows["high"])
    filled, hollow = ax.collections[1], ax.collections[2]
    assert len(filled.get_offsets()) == 2 and len(hollow.get_offsets()) == 1
    plt.close(fig)
    with pytest.raises(ValueError, match="row 2"):
        forest_plot(rows.assign(low=[-9.0, np.nan, -10.0]))
    with pytest.raises(ValueError, match="lack"):
        forest_plot(rows.drop(columns="high"))
