"""Every notebook runs in its quick profile, renders offline HTML, and is committed without outputs.

The list of notebooks is explicit (as in PUDL): adding or removing a report is a deliberate change here.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from rehabresearch import paths, runner

NOTEBOOKS = sorted(
    [
        "commissioning",
        "compas_cohorts",
        "contact_sweep",
        "contact_tiers",
        "contract_sensitivity",
        "contract_sweep",
        "equalities_evidence",
        "matched_comparison",
        "moj_proven_reoffending",
        "rossi_financial_aid",
    ]
)


def test_the_tested_list_is_every_notebook():
    assert sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_clean_and_well_formed(name):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{name}: commit notebooks without outputs"
    assert nb.metadata["kernelspec"]["name"] == runner.KERNEL_NAME
    info = runner.find(name)
    assert "disclosure_threshold" in info.parameters, f"{name}: every report takes a disclosure threshold"
    assert {"published", "quick"} <= set(info.profiles), f"{name}: needs published and quick profiles"
    assert info.title and info.summary


@pytest.mark.notebook
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_quick_profile(name, quick_reports):
    folder, page = quick_reports.page(name)
    results = json.loads((folder / "results.json").read_text())
    assert results["results"], f"{name} saved no headline numbers"
    assert not re.search(r"""(src|href)=["']https?://""", page), f"{name}: page loads something from the network"
    assert "Traceback" not in page, f"{name}: a traceback reached the rendered page"


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["contact_tiers", "contract_sensitivity", "matched_comparison"])
def test_seeded_reports_reproduce_their_numbers(name, tmp_path, monkeypatch, quick_reports):
    """Two runs of a report that draws random numbers give byte-identical results.json (the first is the
    session's shared quick run, the second a fresh one)."""
    folder, _ = quick_reports.page(name)
    first = (folder / "results.json").read_text()
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    result = runner.run_notebook(runner.find(name), "quick", progress=lambda *_: None)
    assert result.status == "ok", result.error
    assert first == (tmp_path / name / "results.json").read_text()
