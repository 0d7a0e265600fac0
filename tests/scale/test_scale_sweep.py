"""Sweeps: byte-identical output wherever they run, survive a lost worker, resume from the cache, report failures."""

import os
import signal

import distributed
import numpy as np
import pandas as pd
import pytest
import yaml

from rehabresearch import cli
from rehabresearch.contracts import inputs as contract_inputs
from rehabresearch.contracts.model import evaluate
from rehabresearch.sweeps import parse_spec, read_results, run_sweep
from rehabresearch.sweeps.tasks import contact_task

GRID = {"sweep": "contact", "name": "grid", "people": 300, "weeks": 16, "seeds": [11, 12],
        "policies": ["flat_monthly", "tiered_front_loaded"], "compliance": [1.0, 2.0]}


def spec_in(folder, **change):
    return parse_spec({**GRID, **change}, output=folder)


def outputs(spec):
    return spec.parquet.read_bytes(), spec.csv.read_bytes()


def test_byte_identical_in_process_and_on_one_and_two_workers(tmp_path, client1, client2):
    here = spec_in(tmp_path / "here")
    assert run_sweep(here).ok
    for name, client in (("one", client1), ("two", client2)):
        there = spec_in(tmp_path / name)
        outcome = run_sweep(there, client)
        assert outcome.ok and len(outcome.computed) == 8
        assert outputs(there) == outputs(here), f"{name} worker(s) gave different bytes"
    frame = read_results(here.parquet)
    assert len(frame) == 8 * 4 * 128  # 8 tasks × 4 months × (16 tiers × sex × case type × caring)
    assert list(frame.columns[:5]) == ["people", "weeks", "compliance_multiplier", "policy", "seed"]


def test_common_random_numbers_across_policies_and_compliance(tmp_path):
    """At one seed every policy and compliance level sees the same cohort (same starts in every group)."""
    frame = run_sweep(spec_in(tmp_path), write=False).frame
    starts = frame.groupby(["seed", "policy", "compliance_multiplier", "tier", "sex"])["starts"].sum().unstack([1, 2])
    assert (starts.nunique(axis=1) == 1).all()
    per_seed = frame.groupby("seed")["starts"].sum()
    assert (per_seed == 300 * 4).all()  # each of 4 policy × compliance runs sees all 300 people start


def test_a_worker_killed_mid_sweep_gives_the_same_result(tmp_path):
    reference = spec_in(tmp_path / "ref", people=1500, weeks=40)
    run_sweep(reference)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        pids = client.run(os.getpid)
        killed = []

        def kill_one(done, total, task):
            if not killed:
                assert done < total, "the sweep finished before a worker could be killed"
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        spec = spec_in(tmp_path / "killed", people=1500, weeks=40)
        outcome = run_sweep(spec, client, progress=kill_one)
        assert killed and outcome.ok
        assert killed[0] not in client.run(os.getpid).values()  # the worker really went
        assert outputs(spec) == outputs(reference)
    finally:
        client.close()
        cluster.close()


def test_resumed_sweep_does_not_recompute_finished_tasks(tmp_path):
    spec = spec_in(tmp_path)
    first = run_sweep(spec)
    assert len(first.computed) == 8 and not first.cached
    whole = outputs(spec)
    kept = sorted(spec.cache.glob("*.parquet"))
    for path in kept[:3]:  # as if the first run had been interrupted after five tasks
        path.unlink()
    mtimes = {p: p.stat().st_mtime_ns for p in kept[3:]}
    spec.parquet.unlink()
    again = run_sweep(spec)
    assert sorted(again.computed) == sorted(p.stem for p in kept[:3])
    assert len(again.cached) == 5
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items()), "a finished task was written again"
    assert outputs(spec) == whole


def test_a_failing_task_is_reported_with_its_parameters_and_the_rest_are_kept(tmp_path, capsys):
    grid = {**GRID, "seeds": [1], "compliance": 1.0, "cohort": {"female_share": [0.1, 1.5]}}
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(grid))
    out = tmp_path / "out"
    code = cli.main(["sweep", "contact", str(path), "--out", str(out), "--scheduler", ""])
    captured = capsys.readouterr()
    assert code == 1
    assert "2 of 4 task(s) failed" in captured.err
    assert "female_share=1.5" in captured.err and "must be between 0 and 1" in captured.err
    assert "run `rehabresearch sweep contact" in captured.err and "again" in captured.err
    assert len(list((out / "grid.cache").glob("*.parquet"))) == 2  # the good tasks finished and are kept
    assert not (out / "grid.parquet").exists()  # no partial result passed off as the sweep


def test_ctrl_c_keeps_what_finished(tmp_path, capsys, monkeypatch):
    calls = []

    def interrupting(params, policy):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(1)
        return contact_task(params, policy)

    monkeypatch.setitem(__import__("rehabresearch.sweeps.run", fromlist=["FUNCTIONS"]).FUNCTIONS, "contact", interrupting)
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(GRID))
    code = cli.main(["sweep", "contact", str(path), "--out", str(tmp_path / "out"), "--scheduler", ""])
    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    assert len(list((tmp_path / "out" / "grid.cache").glob("*.parquet"))) == 3


def test_ctrl_c_on_a_cluster_cancels_the_rest(tmp_path, client2):
    spec = spec_in(tmp_path, people=1500, weeks=40)

    def stop(done, total, task):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, client2, progress=stop)
    assert len(list(spec.cache.glob("*.parquet"))) == 1
    assert not spec.parquet.exists()


def test_contract_sweep_matches_the_model_and_is_reproducible(tmp_path, client2):
    raw = {"sweep": "contracts", "name": "lots", "contracts": ["accommodation"],
           "inputs": {"volume_factor": [0.8, 1.4], "caseload_per_worker": [50, 70]},
           "monte_carlo": {"draws": 500, "seeds": [1, 2]}}
    spec = parse_spec(raw, output=tmp_path / "a")
    frame = run_sweep(spec).frame
    assert len(frame) == 2 * 2 * 2
    c = contract_inputs.default_contracts()["accommodation"]
    row = frame[(frame["volume_factor"] == 1.4) & (frame["caseload_per_worker"] == 50)].iloc[0]
    direct = evaluate(c.with_inputs(volume_factor=1.4, caseload_per_worker=50))
    assert row["surplus"] == pytest.approx(float((direct.income - direct.cost).sum()), rel=1e-12)
    assert 0 <= row["probability_of_deficit"] <= 1
    assert row["surplus_p05"] <= row["surplus_p50"] <= row["surplus_p95"]
    # seeds differ, so the Monte Carlo columns differ between seeds but not the deterministic ones
    by_seed = frame.set_index(["volume_factor", "caseload_per_worker", "seed"]).sort_index()
    assert not np.allclose(by_seed.xs(1, level="seed")["surplus_p50"], by_seed.xs(2, level="seed")["surplus_p50"])
    pd.testing.assert_series_equal(by_seed.xs(1, level="seed")["surplus"], by_seed.xs(2, level="seed")["surplus"])
    again = parse_spec(raw, output=tmp_path / "b")
    run_sweep(again, client2)  # on two workers: the same bytes
    assert outputs(again) == outputs(spec)
