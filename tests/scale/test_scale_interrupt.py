"""Ctrl-C on a running sweep (SIGINT to the whole process group, as a terminal sends it): the local workers stop,
the command says how to resume, the cache keeps what finished, and the resumed sweep does only the rest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from rehabresearch.sweeps import load_spec, run_sweep

GRID = {"sweep": "contact", "name": "sig", "people": 2000, "weeks": 52, "seeds": 6,
        "policies": ["flat_monthly", "flat_weekly"], "compliance": [1.0, 2.0]}


def _live(pgid: int) -> list[str]:
    ps = subprocess.run(["ps", "-o", "pid=,stat=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if line.split()[1][0] != "Z"]


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
def test_ctrl_c_stops_workers_keeps_cache_and_resumes(tmp_path):
    spec = tmp_path / "sig.yaml"
    spec.write_text(yaml.safe_dump(GRID))
    out = tmp_path / "out"
    cache = out / "sig.cache"
    exe = Path(sys.executable).parent / "rehabresearch"
    proc = subprocess.Popen([str(exe), "sweep", "contact", str(spec), "--out", str(out), "--workers", "2"],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not list(cache.glob("*.parquet")) and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, "the sweep ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert "interrupted" in err and "again to finish the rest" in err and "Traceback" not in err
    deadline = time.time() + 15
    while _live(proc.pid) and time.time() < deadline:
        time.sleep(0.2)
    assert not _live(proc.pid), "worker processes outlived the interrupted sweep"
    kept = {p.name for p in cache.glob("*.parquet")}
    assert 1 <= len(kept) < 24 and not (out / "sig.parquet").exists()
    assert not list(cache.glob(".*.tmp")), "a half-written cache file was left behind"

    resumed = run_sweep(load_spec(spec, output=out))  # in this process: only the unfinished tasks run
    assert resumed.ok and len(resumed.cached) == len(kept) and len(resumed.computed) == 24 - len(kept)
    assert (out / "sig.parquet").exists()
