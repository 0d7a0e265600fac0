"""Benchmark: JDL-style matched comparison (rehabresearch) against the PyPI packages causalinference and psmpy.

Each pipeline runs in its own subprocess (so peak memory is its own) on the same seeded data:
``n_treated`` treated and ``n_controls`` controls with 10 covariates (4 binary, 6 continuous) and a
binary outcome.

- rehabresearch: propensity fit, 1:1 nearest-neighbour matching on the logit without replacement
  within a caliper of 0.2 SD, balance table, effect on the treated with its interval
  (``matched.matched_comparison``), then the robustness table and the sensitivity analysis
  (``matched.extras.robustness`` and ``sensitivity_findings``); the time of the comparison alone is
  printed too.
- causalinference 0.1.3: ``CausalModel`` + ``est_propensity`` + ``est_via_matching(matches=1)``
  (its only matching: on the covariates, with replacement, no caliper; ATT with standard error).
- psmpy: ``logistic_ps(balance=False)`` + ``kdtree_matched(matcher='propensity_logit',
  replacement=False, caliper=0.2 SD of its logit)``, then the ATT difference in means.

Balance is measured identically for all three on their matched samples: the largest absolute
standardised mean difference over the 10 covariates (pooled SD before matching as denominator).

A second part times the propensity fit alone against statsmodels ``Logit`` (Newton, its default
tolerance) on hard data at 1.1 million rows: 1% treated, 10 covariates including money in dollars
with most values exactly zero and a long tail, counts with many zeros, a Pareto-tailed covariate and
indicators, some near-constant (``make_hard_data``). It reports both times, the ratio, and the
largest relative difference between the two sets of coefficients. ``--fit-only`` runs just this part.

The peers are not dependencies of the project. Install them in a separate venv::

    python -m venv benchmarks/.peers-venv
    benchmarks/.peers-venv/bin/pip install -r benchmarks/requirements-peers.txt

A peer that is not installed (or that exceeds ``--peer-timeout``) is reported and skipped.

Usage::

    .venv/bin/python benchmarks/bench_matching.py            # 100k x 1M ours; peers at 1k x 10k
    .venv/bin/python benchmarks/bench_matching.py --large    # also 10k x 100k (causalinference needs ~15 GiB)
    .venv/bin/python benchmarks/bench_matching.py --fit-only --fit-rows 100000   # propensity fit vs Logit, small
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PEERS_PYTHON = HERE / ".peers-venv" / "bin" / "python"
N_COVARIATES = 10
COVARIATES = [f"x{i}" for i in range(N_COVARIATES)]
CALIPER_SD = 0.2


def make_data(n_treated: int, n_controls: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Seeded benchmark data: treated shifted by 0.3 SD on every covariate; true ATT -0.04 on a ~30% rate."""
    rng = np.random.default_rng(seed)
    n = n_treated + n_controls
    t = np.zeros(n, dtype=np.int64)
    t[:n_treated] = 1
    x = rng.normal(size=(n, N_COVARIATES)) + 0.3 * t[:, None]
    x[:, :4] = (x[:, :4] > 0.5).astype(float)
    p0 = 1 / (1 + np.exp(-(-1.0 + 0.3 * x[:, :6].sum(axis=1) - 0.3 * x[:, 6])))
    y = (rng.random(n) < np.clip(p0 - 0.04 * t, 0, 1)).astype(np.int64)
    return {"x": x, "t": t, "y": y}


def make_hard_data(n: int, seed: int = 2, prevalence: float = 0.01):
    """Hard data for the propensity fit: 10 covariates on scales 1 to 100,000, many exact zeros, long tails."""
    from scipy import optimize, special

    rng = np.random.default_rng(seed)
    earned = rng.random(n) < 0.45
    cols = {
        "age": rng.normal(32, 10, n).round().clip(16, 80),
        "priors": rng.negative_binomial(0.6, 0.1, n).astype(float),
        "earnings": np.where(earned, np.exp(rng.normal(np.log(15_000), 1.2, n)), 0.0).round(2),
        "earnings_prev": np.where(rng.random(n) < 0.5, 0.0, np.exp(rng.normal(np.log(12_000), 1.3, n))).round(2),
        "benefit_days": np.where(rng.random(n) < 0.7, 0.0, rng.pareto(1.8, n) * 40),
        "savings": np.where(rng.random(n) < 0.8, 0.0, rng.lognormal(np.log(4_000), 2.0, n)),
        "female": (rng.random(n) < 0.15).astype(float),
        "custody": (rng.random(n) < 0.4).astype(float),
        "veteran": (rng.random(n) < 0.003).astype(float),  # near-constant indicator
        "no_address": (rng.random(n) < 0.02).astype(float),
    }
    x = np.column_stack(list(cols.values()))
    linear = (-0.03 * (cols["age"] - 32) + 0.08 * np.log1p(cols["priors"]) - 0.5 * earned
              - 0.25 * np.log1p(cols["earnings"] / 1000) + 0.004 * cols["benefit_days"].clip(max=500)
              + 0.4 * cols["female"] + 0.3 * cols["custody"] + 0.5 * cols["veteran"] + 0.6 * cols["no_address"])
    a = optimize.brentq(lambda a: special.expit(a + linear).mean() - prevalence, -40, 40)
    t = (rng.random(n) < special.expit(a + linear)).astype(float)
    return x, t, list(cols)


def bench_fit(n: int) -> None:
    """Propensity fit: rehabresearch against statsmodels Logit on the same hard data."""
    import warnings

    import statsmodels.api as sm

    from rehabresearch.reoffending.matched import fit_logit

    x, t, names = make_hard_data(n)
    start, cpu = time.perf_counter(), time.process_time()
    ours = fit_logit(x, t, names)
    ours_s, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    design = sm.add_constant(x, has_constant="add")
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.Logit(t, design).fit(disp=0, maxiter=100)
    sm_s, sm_cpu = time.perf_counter() - start, time.process_time() - cpu
    rel = np.max(np.abs(ours.coef - ref.params) / np.abs(ref.params))
    print(f"\nPropensity fit at {n:,} rows x {len(names)} covariates ({t.mean():.2%} treated; money in dollars, "
          "many zeros, long tails)")
    print(f"{'package':>16} {'seconds':>9} {'cpu s':>8} {'iterations':>11}")
    print(f"{'rehabresearch':>16} {ours_s:9.2f} {ours_cpu:8.2f} {ours.iterations:11d}")
    print(f"{'statsmodels':>16} {sm_s:9.2f} {sm_cpu:8.2f} {ref.mle_retvals['iterations']:11d}")
    print(f"Logit / rehabresearch time: {sm_s / ours_s:.1f}x (wall), {sm_cpu / max(ours_cpu, 1e-9):.1f}x (CPU); "
          f"largest relative coefficient difference {rel:.1e}; machine load average {os.getloadavg()[0]:.1f} "
          "(timings on a shared machine are noisy).")


def max_abs_smd(x: np.ndarray, t: np.ndarray, w: np.ndarray) -> float:
    """Largest |SMD| after matching with weights ``w`` (0 = unused); pooled SD before matching."""
    tb = t == 1
    pooled = np.sqrt((x[tb].var(axis=0, ddof=1) + x[~tb].var(axis=0, ddof=1)) / 2)
    wt, wc = np.where(tb, w, 0.0), np.where(~tb, w, 0.0)
    mt = (wt[:, None] * x).sum(axis=0) / wt.sum()
    mc = (wc[:, None] * x).sum(axis=0) / wc.sum()
    return float(np.max(np.abs(mt - mc) / pooled))


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


# ------------------------------------------------------------------ workers (run in subprocesses)
def run_rehabresearch(d):
    import pandas as pd

    from rehabresearch.reoffending import matched as matching

    df = pd.DataFrame(d["x"], columns=COVARIATES)
    df["treated"], df["y"] = d["t"], d["y"]
    from rehabresearch.reoffending.matched import extras

    start, cpu = time.perf_counter(), time.process_time()
    res = matching.matched_comparison(df, "treated", COVARIATES, ["y"], ratio=1, replace=False, caliper_sd=CALIPER_SD)
    core_seconds, core_cpu = time.perf_counter() - start, time.process_time() - cpu
    extras.robustness(res, "y")  # the robustness table: odds weighting, augmented IPW, regression on the matched sample
    extras.sensitivity_findings(res, "y")  # Rosenbaum bounds, E-value, covariate benchmarks
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    e = res.effects.iloc[0]
    return {"seconds": seconds, "cpu": cpu, "att": float(e["difference"]), "low": float(e["low"]), "high": float(e["high"]),
            "matched": res.matching.n_matched_treated, "weights": res.matching.weights, "rounds": res.matching.rounds,
            "core_seconds": core_seconds, "core_cpu": core_cpu}


def run_causalinference(d):
    from causalinference import CausalModel

    start, cpu = time.perf_counter(), time.process_time()
    cm = CausalModel(d["y"].astype(float), d["t"], d["x"])
    cm.est_propensity()
    cm.est_via_matching(matches=1)
    att, se = cm.estimates["matching"]["att"], cm.estimates["matching"]["att_se"]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # Rebuild its treated-side matches (same function and weights it used) to measure balance.
    from causalinference.estimators.matching import match

    x, t = d["x"], d["t"] == 1
    w_inv = 1 / x.var(0)
    x_c = x[~t]
    c_ids = np.flatnonzero(~t)
    weights = t.astype(float)
    for xi in x[t]:
        idx = match(xi, x_c, w_inv, 1)
        np.add.at(weights, c_ids[idx], 1 / len(idx))
    return {"seconds": seconds, "cpu": cpu, "att": float(att), "low": float(att - 1.96 * se),
            "high": float(att + 1.96 * se), "matched": int(t.sum()), "weights": weights}


def run_psmpy(d):
    import warnings

    import pandas as pd
    from psmpy import PsmPy

    df = pd.DataFrame(d["x"], columns=COVARIATES)
    df["treated"], df["y"], df["id"] = d["t"], d["y"], np.arange(len(df))
    start, cpu = time.perf_counter(), time.process_time()
    psm = PsmPy(df, treatment="treated", indx="id", exclude=["y"])
    psm.logistic_ps(balance=False)
    lg = psm.predicted_data.set_index("id")["propensity_logit"].reindex(df["id"]).to_numpy()
    tb = d["t"] == 1
    caliper = CALIPER_SD * np.sqrt((lg[tb].var(ddof=1) + lg[~tb].var(ddof=1)) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        psm.kdtree_matched(matcher="propensity_logit", replacement=False, caliper=caliper)
    ids = psm.matched_ids
    tid, cid = ids["id"].to_numpy(dtype=np.int64), ids["matched_ID"].to_numpy(dtype=np.int64)
    y = d["y"]
    diffs = y[tid] - y[cid]
    att = diffs.mean()
    se = np.sqrt(y[tid].var(ddof=1) / len(tid) + y[cid].var(ddof=1) / len(cid))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    weights = np.zeros(len(df))
    weights[tid] = 1
    np.add.at(weights, cid, 1)
    return {"seconds": seconds, "cpu": cpu, "att": float(att), "low": float(att - 1.96 * se),
            "high": float(att + 1.96 * se), "matched": len(tid), "weights": weights}


WORKERS = {"rehabresearch": run_rehabresearch, "causalinference": run_causalinference, "psmpy": run_psmpy}


def worker_main(name: str, data_path: str, out_path: str) -> None:
    d = dict(np.load(data_path))
    result = WORKERS[name](d)
    result["max_abs_smd"] = max_abs_smd(d["x"], d["t"], result.pop("weights"))
    result["max_abs_smd_before"] = max_abs_smd(d["x"], d["t"], np.ones(len(d["t"])))
    result["peak_rss_gib"] = peak_rss_gib()
    Path(out_path).write_text(json.dumps(result))


# ------------------------------------------------------------------ driver
def run_one(name: str, data_path: Path, timeout: float, size: tuple[int, int], max_gib: float) -> dict:
    python = sys.executable if name == "rehabresearch" else str(PEERS_PYTHON)
    if name == "psmpy":
        # kdtree_matched queries k = every control for every treated person: float distances + int indices.
        need = size[0] * size[1] * 16 / 2**30
        if need > max_gib:
            return {"status": f"skipped: psmpy's all-controls KD-tree query needs ~{need:.0f} GiB (> --peer-max-gib)"}
    if name != "rehabresearch":
        if not PEERS_PYTHON.exists():
            return {"status": f"skipped: {PEERS_PYTHON} missing (see benchmarks/requirements-peers.txt)"}
        probe = subprocess.run([python, "-c", f"import {name}"], capture_output=True, check=False)
        if probe.returncode:
            return {"status": f"skipped: {name} is not installed in {PEERS_PYTHON.parent.parent}"}
    out = data_path.with_suffix(f".{name}.json")
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    try:
        proc = subprocess.run([python, __file__, "--worker", name, str(data_path), str(out)], capture_output=True,
                              text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"status": f"did not finish in {timeout:.0f} s"}
    if proc.returncode:
        return {"status": "failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1][:120]}
    return {"status": "ok", **json.loads(out.read_text())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", type=int, nargs=2, default=[100_000, 1_000_000], metavar=("TREATED", "CONTROLS"),
                    help="size of the rehabresearch-only full run (default 100000 1000000)")
    ap.add_argument("--peer-size", type=int, nargs=2, default=[1_000, 10_000], metavar=("TREATED", "CONTROLS"))
    ap.add_argument("--large", action="store_true",
                    help="also compare everyone at 10,000 x 100,000 (causalinference: ~4 min and ~15 GiB of memory)")
    ap.add_argument("--peer-timeout", type=float, default=600.0, help="seconds before a peer run is abandoned")
    ap.add_argument("--peer-max-gib", type=float, default=4.0,
                    help="skip a peer whose known memory need exceeds this (psmpy needs 16 bytes per treated-control pair)")
    ap.add_argument("--fit-rows", type=int, default=1_100_000, help="rows of the propensity-fit comparison")
    ap.add_argument("--fit-only", action="store_true", help="run only the propensity fit against statsmodels Logit")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    if args.fit_only:
        bench_fit(args.fit_rows)
        return

    sizes = [(tuple(args.peer_size), True)]
    if args.large:
        sizes.append(((10_000, 100_000), True))
    sizes.append((tuple(args.full), False))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for (nt, nc), with_peers in sizes:
            path = Path(tmp) / f"data_{nt}_{nc}.npz"
            np.savez(path, **make_data(nt, nc))
            names = ["rehabresearch", "causalinference", "psmpy"] if with_peers else ["rehabresearch"]
            ours = None
            for name in names:
                print(f"running {name} at {nt:,} x {nc:,} ...", file=sys.stderr, flush=True)
                r = run_one(name, path, args.peer_timeout, (nt, nc), args.peer_max_gib)
                if name == "rehabresearch":
                    ours = r
                rows.append((f"{nt:,} x {nc:,}", name, r, ours))

    print("\nMatched comparison: propensity fit, 1:1 matching, balance, effect and interval (true ATT -0.040)")
    head = f"{'treated x controls':>22} {'package':>16} {'seconds':>9} {'cpu s':>8} {'x slower':>9} {'peak GiB':>9} " \
           f"{'max|SMD| after':>15} {'matched':>9} {'ATT [95% CI]':>26}"
    print(head)
    print("-" * len(head))
    for size, name, r, ours in rows:
        if r["status"] != "ok":
            print(f"{size:>22} {name:>16}  {r['status']}")
            continue
        ratio = r["seconds"] / ours["seconds"] if ours and ours.get("status") == "ok" else float("nan")
        ci = f"{r['att']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]"
        print(f"{size:>22} {name:>16} {r['seconds']:9.2f} {r['cpu']:8.2f} {ratio:9.1f} {r['peak_rss_gib']:9.2f} "
              f"{r['max_abs_smd']:15.3f} {r['matched']:9,} {ci:>26}")
    before = next((r for *_, r, _ in rows if r.get("status") == "ok"), None)
    if before:
        print(f"\nmax|SMD| before matching: {before['max_abs_smd_before']:.3f}. 'x slower' = package seconds / "
              "rehabresearch seconds at the same size (wall clock; 'cpu s' is process CPU time, which is less "
              "affected by other load on a shared machine).")
    full = rows[-1][2]
    if full.get("status") == "ok":
        ok = full["seconds"] < 15 and full["peak_rss_gib"] < 4
        print(f"Goal (whole comparison with robustness table and sensitivity analysis under 15 s and 4 GiB at "
              f"{rows[-1][0]}): {'met' if ok else 'NOT met'} ({full['seconds']:.1f} s wall, {full['cpu']:.1f} s CPU, "
              f"{full['peak_rss_gib']:.2f} GiB; the comparison alone {full['core_seconds']:.1f} s wall, "
              f"{full['core_cpu']:.1f} s CPU; {full['rounds']} matching rounds; machine load average "
              f"{os.getloadavg()[0]:.1f}).")
    bench_fit(args.fit_rows)


if __name__ == "__main__":
    main()
