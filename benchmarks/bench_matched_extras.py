"""Benchmark: what the matched comparison adds after matching — sensitivity analysis, robustness table,
matched-set variance, JDL wording and survival — at the issue's scale.

Seeded data: ``n_treated`` treated and ``n_controls`` controls with 10 covariates (4 binary, 6
continuous, one of them money-like with many zeros and a long tail), a binary outcome, a count and a
time to first reoffence. The propensity score is the true one (the fit is benchmarked in
``bench_matching.py``); 1:1 pairs without replacement are drawn at random among controls (the matching
itself is benchmarked there too). Each step is timed once; peak memory is the process's maximum RSS.
Timings on a shared machine are noisy: read them as orders of magnitude.

Usage::

    .venv/bin/python benchmarks/bench_matched_extras.py              # 100k treated x 1M controls
    .venv/bin/python benchmarks/bench_matched_extras.py --small      # 1k x 10k
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from rehabresearch.reoffending.matched import estimators, jdl, sensitivity, survival, variance


def make_data(n_treated: int, n_controls: int, seed: int = 2026):
    rng = np.random.default_rng(seed)
    n = n_treated + n_controls
    X = np.column_stack([
        *(rng.random((n, 4)) < [0.3, 0.5, 0.2, 0.6]).T.astype(float),
        rng.normal(30, 10, n), rng.poisson(3, n).astype(float), rng.normal(size=n), rng.exponential(size=n),
        np.where(rng.random(n) < 0.6, 0.0, rng.lognormal(9, 1.2, n)) / 1e4, rng.normal(size=n),
    ])
    treated = np.r_[np.ones(n_treated, bool), np.zeros(n_controls, bool)]
    e = np.clip(n_treated / n * np.exp(0.3 * (X[:, 6] + X[:, 0])), 1e-4, 0.9)
    y = (rng.random(n) < 0.3 + 0.1 * X[:, 0] - 0.04 * treated).astype(float)
    freq = rng.poisson(np.where(y > 0, 2.0, 0.0)).astype(float)
    time_days = np.where(y > 0, rng.integers(1, 366, n), 365).astype(float)
    pc = n_treated + rng.permutation(n_controls)[:n_treated]
    pt = np.arange(n_treated)
    w = np.zeros(n)
    w[pt] = 1
    w[pc] = 1
    cols = [f"x{i}" for i in range(10)]
    return pd.DataFrame(X, columns=cols), treated, e, y, freq, time_days, pt, pc, w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    n_t, n_c = (1_000, 10_000) if args.small else (100_000, 1_000_000)
    t0 = time.perf_counter()
    X, treated, e, y, freq, days, pt, pc, w = make_data(n_t, n_c)
    print(f"data: {n_t:,} treated x {n_c:,} controls, 10 covariates ({time.perf_counter() - t0:.1f} s)")
    timings = {}

    def step(name, fn):
        s = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - s
        return out

    bounds = step("Rosenbaum bounds, binary (pairs)", lambda: sensitivity.rosenbaum_for_matching(y, pt, pc, replace=False))
    step("Rosenbaum bounds, signed rank (pairs)",
         lambda: sensitivity.rosenbaum_for_matching(freq, pt, pc, replace=False, kind="continuous"))
    eff = {"treated mean": y[pt].mean(), "comparison mean": y[pc].mean(), "treated people": n_t,
           "comparison effective size": float(n_t)}
    ev = step("E-value", lambda: sensitivity.e_value_for_effect(eff, kind="binary"))
    step("covariate benchmarks (10)", lambda: sensitivity.covariate_benchmarks(X.assign(y=y), treated, "y", list(X.columns)))
    ipw = step("IPW (odds weighting)", lambda: estimators.ipw_att(y, treated, e))
    aipw = step("AIPW (doubly robust)", lambda: estimators.aipw_att(y, treated, e, X))
    sets = np.full(len(y), -1)
    sets[pt] = pt
    sets[pc] = pt
    reg = step("regression on matched sample", lambda: estimators.regression_att(y, treated, X, w, sets))
    md = step("matched difference, set-clustered SE",
              lambda: variance.matched_difference_from_pairs(y, pt, pc, replace=False))
    step("robustness table", lambda: estimators.robustness_table(md, [ipw, aipw, reg]))
    step("JDL wording and table", lambda: jdl.jdl_findings(
        {"rate": {**eff, "low": md["low"], "high": md["high"]}}, treated_reoffenders=int(y[pt].sum())))
    step("Kaplan-Meier + log-rank (weighted)",
         lambda: (survival.matched_kaplan_meier(days, y, treated, w), survival.matched_logrank(days, y, treated, w)))
    for name, sec in timings.items():
        print(f"  {name:<42s} {sec:7.2f} s")
    print(f"total after matching: {sum(timings.values()):.1f} s; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    print(f"critical gamma {bounds['result']['critical gamma']:.2f}; E-value {ev['e-value']:.2f}; "
          f"matched difference {md['estimate']:.4f} (SE {md['standard error']:.4f})")


if __name__ == "__main__":
    main()
