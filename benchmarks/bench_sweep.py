"""Benchmark a contact sweep on 1 and 2 local Dask workers: speed-up, scheduler overhead, memory, projection.

The national-scale sweep is 240,000 people x 104 weeks x 4 policies x 4 compliance levels x 8 seeds
(128 tasks). For each worker count the sweep runs on a fresh ``LocalCluster`` (process workers, one
thread each, BLAS pinned to one thread). Reported:

* wall time from the first submission to the last result (cluster start-up is reported apart);
* speed-up of 2 workers over 1;
* scheduler overhead: (wall time x workers - summed task compute time) / summed task compute time,
  i.e. everything that is not computing a task (scheduling, transfers, idle workers at the tail);
* peak resident memory of each worker process (max RSS as seen inside its tasks);
* a projection to a cluster of N nodes x C cores from the measured mean task time (one task per core);
* a check that 1 and 2 workers give byte-identical Parquet output.

    .venv/bin/python benchmarks/bench_sweep.py --small     # a quick run (seconds) that proves it works
    .venv/bin/python benchmarks/bench_sweep.py             # national scale (128 tasks of a few seconds each)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import os
import resource
import sys
import time

from rehabresearch.scale import Task, run_tasks
from rehabresearch.sweeps import output, parse_spec
from rehabresearch.sweeps.tasks import contact_task

NATIONAL = {"sweep": "contact", "name": "bench_national", "people": 240_000, "weeks": 104, "seeds": 8,
            "policies": ["flat_monthly", "flat_weekly", "tiered_front_loaded", "tiered_front_loaded_reset"],
            "compliance": [0.5, 1.0, 1.5, 2.0]}
SMALL = {**NATIONAL, "name": "bench_small", "people": 20_000, "weeks": 104, "seeds": 2, "compliance": [1.0, 2.0]}
GOALS = {"speed_up": 1.7, "overhead_percent": 5.0}  # issue 13, on this 2-core machine


def timed_task(params, policy):
    """One sweep task, with its compute time and the worker's peak RSS (MiB) and process id."""
    start = time.perf_counter()
    frame = contact_task(params, policy)
    seconds = time.perf_counter() - start
    return frame, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, os.getpid()


def _warm() -> None:
    import rehabresearch.sweeps.tasks  # noqa: F401


def run(spec, workers: int) -> dict:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.run(_warm)  # import the library on every worker before the clock starts
    startup = time.perf_counter() - t0
    try:
        tasks = [Task(t.key, t.kwargs, t.label) for t in spec.tasks]
        done = []
        start = time.perf_counter()
        results = run_tasks(timed_task, tasks, client,
                            progress=lambda d, n, t: done.append(d) or print(f"    {workers} worker(s): {d}/{n}",
                                                                              end="\r", flush=True))
        wall = time.perf_counter() - start
        print()
    finally:
        client.close()
        cluster.close()
    frames = [results[t.key][0] for t in tasks]
    task_seconds = [results[t.key][1] for t in tasks]
    peak = {}
    for _, _, rss, pid in results.values():
        peak[pid] = max(peak.get(pid, 0.0), rss)
    buffer = io.BytesIO()
    output.combine(frames).to_parquet(buffer, index=False)
    busy = sum(task_seconds)
    return {"workers": workers, "startup": startup, "wall": wall, "busy": busy, "tasks": len(tasks),
            "mean_task": busy / len(tasks), "max_task": max(task_seconds),
            "overhead_percent": 100 * (wall * workers - busy) / busy, "peak_mib": sorted(peak.values()),
            "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a small sweep (20,000 people x 104 weeks, 16 tasks of about a second)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    parser.add_argument("--nodes", type=int, default=10, help="nodes in the projected cluster (default 10)")
    parser.add_argument("--cores-per-node", type=int, default=32, help="cores per projected node (default 32)")
    args = parser.parse_args(argv)
    raw = SMALL if args.small else NATIONAL
    spec = parse_spec(raw, output="/tmp/unused")
    print(f"Sweep: {raw['people']:,} people x {raw['weeks']} weeks x {len(raw['policies'])} policies x "
          f"{len(raw['compliance'])} compliance levels x {raw['seeds']} seeds = {len(spec.tasks)} tasks "
          f"(machine: {os.cpu_count()} CPU cores, shared with other work: timings are noisy)")
    rows = [run(spec, int(w)) for w in args.workers.split(",")]
    print(f"{'workers':>7} {'start-up s':>10} {'wall s':>8} {'task s (mean)':>13} {'overhead %':>10} "
          f"{'peak MiB per worker':>20}")
    for r in rows:
        print(f"{r['workers']:>7} {r['startup']:>10.1f} {r['wall']:>8.1f} {r['mean_task']:>13.2f} "
              f"{r['overhead_percent']:>10.1f} {', '.join(f'{m:.0f}' for m in r['peak_mib']):>20}")
    by = {r["workers"]: r for r in rows}
    ok = True
    if 1 in by and 2 in by:
        speed_up = by[1]["wall"] / by[2]["wall"]
        same = by[1]["sha256"] == by[2]["sha256"]
        ok = same
        print(f"speed-up 2 workers over 1: {speed_up:.2f} (goal >= {GOALS['speed_up']}); "
              f"scheduler overhead on 2 workers: {by[2]['overhead_percent']:.1f}% (goal < {GOALS['overhead_percent']}%)")
        print(f"1 and 2 workers give byte-identical results: {'yes' if same else 'NO'} ({by[1]['sha256'][:16]})")
    mean = sum(r["mean_task"] for r in rows) / len(rows)
    slots = args.nodes * args.cores_per_node
    waves = math.ceil(len(spec.tasks) / slots)
    print(f"Projection to {args.nodes} nodes x {args.cores_per_node} cores ({slots} workers): {len(spec.tasks)} tasks "
          f"in {waves} wave(s) of at most {slots}; about {waves * mean:.1f} s of compute plus start-up "
          f"(mean task {mean:.2f} s as measured here; longest {max(r['max_task'] for r in rows):.2f} s). "
          f"The same sweep at 1 worker took {by.get(1, rows[0])['wall']:.1f} s.")
    if args.small:
        scale = (NATIONAL["people"] * NATIONAL["weeks"]) / (raw["people"] * raw["weeks"])
        national_tasks = len(parse_spec(NATIONAL, output="/tmp/unused").tasks)
        per_task = mean * scale
        print(f"Extrapolated to national scale (task time grows with people x weeks, x{scale:.0f}): about {per_task:.1f} s "
              f"per task, {national_tasks * per_task / 60:.1f} min on 1 worker, {national_tasks * per_task / 120:.1f} min "
              f"on 2, and about {math.ceil(national_tasks / slots) * per_task:.0f} s of compute on {slots} workers. "
              "An extrapolation, not a measurement.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
