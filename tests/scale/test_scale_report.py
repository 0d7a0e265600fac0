"""The sweep report renders from the Parquet file a sweep wrote, and reads its numbers from it."""

import json

import pytest

from rehabresearch import cli, paths, runner
from rehabresearch.sweeps import read_results, summary


@pytest.mark.notebook
def test_sweep_report_renders_from_sweep_results(tmp_path, monkeypatch):
    out = tmp_path / "sweep"
    spec = paths.PROJECT_ROOT / "examples" / "sweeps" / "contact_quick.yaml"
    assert cli.main(["sweep", "contact", str(spec), "--out", str(out), "--scheduler", ""]) == 0
    parquet = out / "contact_quick.parquet"
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    result = runner.run_notebook(runner.find("contact_sweep"), "quick", overrides={"results": str(parquet)},
                                 progress=lambda *_: None)
    assert result.status == "ok", result.error
    saved = json.loads((tmp_path / "reports" / "contact_sweep" / "results.json").read_text())
    table = summary.rates(read_results(parquet))
    expected = table[(table["policy"] == "flat_monthly") & (table["compliance_multiplier"] == 2.0)]["breaches_mean"]
    assert saved["results"]["flat_monthly_breaches_at_high_multiplier"]["value"] == round(float(expected.iloc[0]), 2)
    page = (tmp_path / "reports" / "contact_sweep" / "index.html").read_text()
    assert "Traceback" not in page and "Breaches per 100 people" in page


def test_report_refuses_results_that_are_not_a_contact_sweep(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not the results of a contact sweep"):
        summary.load_contact(str(bad))
    with pytest.raises(FileNotFoundError, match="no sweep results"):
        summary.load_contact(str(tmp_path / "absent.parquet"))


def test_contract_points_average_monte_carlo_across_seeds_only():
    from rehabresearch.sweeps import contracts_summary, parse_spec, run_sweep

    raw = {"sweep": "contracts", "contracts": ["womens_services"], "inputs": {"volume_factor": [0.8, 1.2]},
           "monte_carlo": {"draws": 300, "seeds": 3}}
    frame = run_sweep(parse_spec(raw, output="/tmp/unused"), write=False).frame
    table = contracts_summary.points(frame)
    assert len(table) == 2 and contracts_summary.swept_inputs(frame) == ["volume_factor"]
    for _, row in table.iterrows():
        runs = frame[frame["volume_factor"] == row["volume_factor"]]
        assert row["probability_of_deficit"] == pytest.approx(runs["probability_of_deficit"].mean())
        assert row["probability_of_deficit_lo"] == runs["probability_of_deficit"].min()
        assert runs["surplus"].nunique() == 1 and row["surplus"] == runs["surplus"].iloc[0]
    worst, best = contracts_summary.worst_and_best(table, "womens_services")
    assert worst["surplus"] <= best["surplus"]
    with pytest.raises(KeyError, match="no contract"):
        contracts_summary.worst_and_best(table, "absent")


def test_measures_such_as_the_unsupervised_count_are_not_taken_for_swept_settings(tmp_path):
    """A measure column that varies (the monthly unsupervised count under Probation Reset) must not split the groups."""
    out = tmp_path / "sweep"
    spec = paths.PROJECT_ROOT / "examples" / "sweeps" / "contact_quick.yaml"
    assert cli.main(["sweep", "contact", str(spec), "--out", str(out), "--scheduler", ""]) == 0
    frame = read_results(out / "contact_quick.parquet")
    with_measure = frame.assign(unsupervised=[i % 3 for i in range(len(frame))])
    assert summary.rates(with_measure).equals(summary.rates(frame.assign(unsupervised=0)))


def test_deficit_points_count_the_grid_points_below_zero():
    import pandas as pd

    from rehabresearch.sweeps import contracts_summary

    table = pd.DataFrame({"contract": ["a", "a", "a", "b"], "surplus": [-1.0, 0.0, 5.0, -2.0]})
    assert contracts_summary.deficit_points(table, "a") == (1, 3)  # a surplus of exactly zero is not a deficit
    assert contracts_summary.deficit_points(table, "b") == (1, 1)
    with pytest.raises(KeyError):
        contracts_summary.deficit_points(table, "c")
