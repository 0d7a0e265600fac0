"""Published-figure charts: bars on a linear axis from zero, and a legend for every colour that carries meaning."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rehabresearch import catalog  # noqa: E402
from rehabresearch.published import commissioning as cm  # noqa: E402
from rehabresearch.published import evidence, figures  # noqa: E402


@pytest.fixture(scope="module")
def evidence_tables():
    return {k: catalog.load(v) for k, v in {"prison": "evidence_prison_population", "starts": "evidence_probation_starts",
                                           "comparators": "evidence_population_comparators"}.items()}


def _bar_axis_is_linear_from_zero(ax):
    assert ax.get_xscale() == "linear"
    assert ax.get_xlim()[0] == 0


def test_budgets_linear_from_zero_with_legend():
    fig = figures.plot_budgets(cm.budget_table(catalog.load("commissioning_budgets")), source="s")
    ax = fig.axes[0]
    _bar_axis_is_linear_from_zero(ax)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths[-1] / widths[0] > 10  # £280m is drawn 10+ times the smallest budget, not 1.4 times as on a log axis
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "stated amount"


def test_representation_ratios_linear_from_zero_with_legend(evidence_tables):
    t = evidence_tables
    ratios = evidence.disproportionality(t["prison"], t["starts"], t["comparators"])
    ax = figures.plot_ratios(ratios, source="s").axes[0]
    _bar_axis_is_linear_from_zero(ax)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"over-represented (above 1)", "under-represented (below 1)"}


def test_income_profile_colours_have_a_legend():
    ax = figures.plot_income_profile(catalog.load("commissioning_income_profile"), source="s").axes[0]
    assert len(ax.get_legend().get_texts()) == 3
