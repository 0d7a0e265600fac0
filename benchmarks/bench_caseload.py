"""Benchmark the caseload microsimulation: people x weeks, seconds, peak memory, and a naive peer.

Each size runs in its own child process so its peak resident memory is its own. The peer is
a straightforward per-person Python loop over weeks implementing the same rules, timed on a
small sample in the same run and extrapolated linearly to each size.

    .venv/bin/python benchmarks/bench_caseload.py                      # 100,000 and 1,000,000 people
    .venv/bin/python benchmarks/bench_caseload.py --sizes 100000 --policy flat_weekly
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

import numpy as np

from rehabresearch.contact.microsim import (
    SimParams,
    _cohort_arrays,
    _supervision_end,
    simulate,
    synthetic_cohort,
)
from rehabresearch.contact.policies import load_policy

GOALS = {100_000: (5.0, None), 1_000_000: (60.0, 4096.0)}  # seconds, MiB (issue 4)


def worker(n: int, weeks: int, policy_name: str, seed: int) -> dict:
    """Draw a cohort of ``n`` and simulate it; report timings and this process's peak RSS."""
    policy = load_policy(policy_name)
    t0 = time.perf_counter()
    cohort = synthetic_cohort(n, np.random.default_rng(seed))
    t1 = time.perf_counter()
    res = simulate(cohort, policy, np.random.default_rng(seed + 1), SimParams(weeks=weeks))
    t2 = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "cohort_s": t1 - t0, "sim_s": t2 - t1, "peak_mib": peak_mib,
            "attended_per_person": float(res.monthly["attended"].sum() / n)}


def naive(n: int, weeks: int, policy_name: str, seed: int, params: SimParams | None = None) -> dict:
    """The same rules as ``simulate`` written as a loop over people and weeks (the peer)."""
    params = params or SimParams()
    pol = load_policy(policy_name)
    cohort = synthetic_cohort(n, np.random.default_rng(seed))
    a = _cohort_arrays(cohort)
    end = _supervision_end(a, pol)
    rng = np.random.default_rng(seed + 1)
    t0 = time.perf_counter()
    attended_total = 0
    for i in range(n):
        tier, caring, lic = int(a["tier"][i]), bool(a["caring"][i]), bool(a["licence"][i])
        base = a["miss_propensity"][i] * params.compliance_multiplier
        rate = a["progress_propensity"][i] if pol.taper_on_progress else 1.0
        next_due, clock, stepup_until, recent = int(a["start_week"][i]), 0.0, -1, []
        for t in range(weeks):
            if t < a["start_week"][i] or t >= end[i]:
                continue
            if next_due <= t:
                mode = min(int(np.searchsorted(pol.mode_cum_share, rng.random(), side="right")),
                           len(pol.mode_names) - 1)
                remote = bool(pol.mode_remote[mode])
                p = base * (params.remote_miss_multiplier if remote else
                            (params.caring_miss_multiplier if caring else 1.0))
                u = rng.random()
                missed = u < min(p, 1.0)
                if u < min(p, 1.0) * (1 - pol.acceptable_absence_share):
                    recent = [w for w in recent if w > t - pol.window_weeks]
                    if len(recent) >= pol.absences_for_breach - 1:
                        recent = []
                        if lic and rng.random() < pol.recall_share_of_licence_breaches:
                            break
                    else:
                        recent.append(t)
                if missed and pol.step_up_weeks:
                    stepup_until = t + pol.step_up_weeks
                if pol.step_up_weeks and stepup_until > t:
                    gap = pol.step_up_every
                elif missed and not pol.step_up_weeks:
                    gap = pol.rebook_after_miss_weeks
                else:
                    ends = pol.phase_end[tier]
                    gap = int(pol.every[tier, int((clock >= ends).sum())])
                next_due = t + gap
                attended_total += not missed
            if stepup_until <= t:
                clock += rate
    return {"n": n, "seconds": time.perf_counter() - t0, "attended_per_person": attended_total / n}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--policy", default="tiered_front_loaded")
    ap.add_argument("--naive-sample", type=int, default=2_000, help="people in the timed per-person loop")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.weeks, args.policy, args.seed)))
        return 0

    print(f"caseload microsimulation, policy {args.policy}, {args.weeks} weeks")
    peer = naive(args.naive_sample, args.weeks, args.policy, args.seed)
    per_person = peer["seconds"] / peer["n"]
    print(f"naive per-person loop: {peer['n']:,} people in {peer['seconds']:.2f} s "
          f"({per_person * 1e6:.0f} us/person), {peer['attended_per_person']:.2f} contacts attended/person")
    header = f"{'people':>10} {'cohort s':>9} {'simulate s':>10} {'peak MiB':>9} {'naive s (extrap.)':>18} " \
             f"{'speed-up':>9} {'contacts/p':>10} {'goal':>14}"
    print(header)
    print("-" * len(header))
    ok = True
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--worker", str(n), "--weeks", str(args.weeks),
                              "--policy", args.policy, "--seed", str(args.seed)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        naive_s = per_person * n
        goal_s, goal_mib = GOALS.get(n, (math.inf, None))
        met = r["sim_s"] + r["cohort_s"] < goal_s and (goal_mib is None or r["peak_mib"] < goal_mib)
        ok &= met
        goal = "-" if n not in GOALS else f"<{goal_s:.0f}s" + (f",<{goal_mib / 1024:.0f}GiB" if goal_mib else "") \
            + (" ok" if met else " MISSED")
        print(f"{n:>10,} {r['cohort_s']:>9.2f} {r['sim_s']:>10.2f} {r['peak_mib']:>9.0f} {naive_s:>18.1f} "
              f"{naive_s / r['sim_s']:>8.0f}x {r['attended_per_person']:>10.2f} {goal:>14}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
