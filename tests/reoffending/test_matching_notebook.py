"""The matched_comparison report on a user's own CSV: it runs, says what it analysed, and fails clearly."""

from __future__ import annotations

import html
import json

import pytest

from rehabresearch import runner
from rehabresearch.reoffending import synthetic

pytestmark = pytest.mark.notebook


def _user_csv(tmp_path, n_treated=None):
    df = synthetic.jdl_cohort(n=5000, seed=11).rename(columns={"treated": "in_programme", "reoffended": "rearrested"})
    if n_treated is not None:
        treated = df.index[df["in_programme"] == 1]
        df = df.drop(index=treated[n_treated:])
    path = tmp_path / "service.csv"
    df.drop(columns=["reoffences", "days_to_first_reoffence"]).to_csv(path, index=False)
    return path


def _run(tmp_path, overrides):
    return runner.run_notebook(runner.find("matched_comparison"), "quick", overrides=overrides,
                               reports_dir=tmp_path / "reports", progress=lambda *_: None)


def test_user_csv_other_outcome_and_lowered_minimum(tmp_path):
    path = _user_csv(tmp_path, n_treated=40)
    result = _run(tmp_path, {"data": str(path), "treatment": "in_programme", "outcomes": {"rearrested": "binary"},
                             "min_group_size": 30})
    assert result.status == "ok", result.error
    page = html.unescape((tmp_path / "reports" / "matched_comparison" / "index.html").read_text())
    assert "user-supplied CSV" in page and "not the published synthetic example" in page
    assert "minimum treatment group was lowered from the Justice Data Lab's 60 to 30 people" in page
    assert "Previous offences (number)" in page and "Table 7: Known true effect" not in page
    results = json.loads((tmp_path / "reports" / "matched_comparison" / "results.json").read_text())["results"]
    assert results["matched_treated"]["value"] == 40 and "difference_pp" in results


def test_user_csv_missing_column_names_the_parameter(tmp_path):
    path = _user_csv(tmp_path)
    result = _run(tmp_path, {"data": str(path), "treatment": "in_programme", "outcomes": {"rearrested": "binary"},
                             "covariates": ["age", "employment_status"]})
    assert result.status != "ok"
    assert "no column 'employment_status' (named in the parameter covariates)" in result.error
