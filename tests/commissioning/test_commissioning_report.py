"""The commissioning report's figures and notebook: titled with units and source, parameters as the convention says."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pytest

from rehabresearch import catalog, paths
from rehabresearch.published import commissioning as cm


def _texts(fig):
    return [t.get_text() for t in fig.texts]


@pytest.fixture(scope="module")
def funnel_rows():
    return catalog.load("commissioning_funnel")


def test_figures_have_title_units_and_source(funnel_rows):
    figs = [
        cm.plot_funnel(cm.funnel(funnel_rows), source="RR3 final report, Part one"),
        cm.plot_voluntary_shares(cm.voluntary_shares(funnel_rows), source="RR3 final report, Part two"),
        cm.plot_income_profile(catalog.load("commissioning_income_profile"), source="RR3 final report, Part two"),
        cm.plot_budgets(cm.budget_table(catalog.load("commissioning_budgets")), source="RR3; MoJ"),
        cm.plot_shares(["a", "b"], [0.44, 0.17], "Respondents (% of responses)", "Share (%)", "Group", source="MoJ para 12"),
    ]
    for fig in figs:
        title = fig._suptitle.get_text()
        assert "(" in title and ")" in title, title  # units in the title
        assert any(t.startswith("Source: ") for t in _texts(fig))
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel()
        plt.close(fig)


def test_funnel_figure_labels_the_estimate(funnel_rows):
    fig = cm.plot_funnel(cm.funnel(funnel_rows), source="x")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "about 1,700" in labels
    assert any(label.startswith("204  (51% of the stage above)") for label in labels)
    plt.close(fig)


def test_plot_shares_rejects_percentages():
    with pytest.raises(ValueError, match="proportions"):
        cm.plot_shares(["a"], [44], "t (%)", "x (%)", "y", source="s")


def test_notebook_follows_the_convention():
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "commissioning.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "rehabresearch"
    assert nb.metadata["rehabresearch"]["external"] == []
    assert nb.cells[0].cell_type == "markdown"
    params = nb.cells[1]
    assert params.metadata.get("tags") == ["parameters"]
    assert "disclosure_threshold = 10" in params.source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "report.save()" in nb.cells[-1].source
    for profile in ("published", "quick"):
        assert (paths.PARAMS_DIR / "commissioning" / f"{profile}.yaml").is_file()
