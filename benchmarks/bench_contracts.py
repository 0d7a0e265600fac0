"""Benchmark the contract model: Monte Carlo draws and Sobol indices, against a naive per-draw Python loop.

Usage: .venv/bin/python benchmarks/bench_contracts.py [--draws 1000000] [--sobol-exp 14] [--naive 2000]

The contract is the seven-year example (examples/my_contract.yaml, ten uncertain inputs). The
naive peer is an independent scalar re-implementation of the same arithmetic, one draw and one
period at a time; it runs on a small sample, is checked against the vectorised model on the
same draws, and its time is extrapolated to the full number of draws.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from rehabresearch.contracts.inputs import load_contract
from rehabresearch.contracts.model import evaluate
from rehabresearch.contracts.montecarlo import distributions_of, sample_inputs, simulate
from rehabresearch.contracts.sensitivity import sobol


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_total_surplus(contract, draw: dict[str, float]) -> float:
    """Total surplus of one draw, computed with plain Python scalars (the peer)."""
    p = {name: contract.input(name) for name in draw} | {k: contract.input(k) for k in contract.inputs}
    p.update(draw)
    get = lambda k: p[k] if k in p else contract.input(k)
    yrs = contract.period_years
    fte_per_cw = sum(g.per_caseworker for g in contract.staff)
    salary = sum(g.salary * g.per_caseworker for g in contract.staff) / fte_per_cw
    cost_fte = salary * get("salary_factor") * (1 + get("on_cost_rate")) * yrs
    base = contract.profile if contract.actual_profile is None else contract.actual_profile
    prev = get("initial_staff")
    total = 0.0
    for t in range(contract.n_periods):
        volume = base[t] * get("volume_factor") * get("referral_rate") / get("expected_referral_rate")
        ratio = volume / contract.profile[t]
        value = contract.value[t] * get("price_factor")
        paid = min(ratio, get("volume_cap_factor"))
        mech = contract.mechanism
        if mech == "fixed":
            income = value
        elif mech == "per_referral":
            income = value * paid
        elif mech == "fixed_variable":
            income = value * (get("fixed_share") + (1 - get("fixed_share")) * paid)
        elif mech == "bands":
            share = [s for low, s in contract.bands if ratio >= low][-1]
            income = value * share
        else:
            multiple = get("pbr_reduction") / get("pbr_threshold") if get("pbr_reduction") >= get("pbr_threshold") else 0.0
            income = value * (get("fixed_share") + (1 - get("fixed_share")) * multiple)
        staff = volume / (get("caseload_per_worker") * yrs) * fte_per_cw
        if contract.staffing == "funded":
            afford = income / (1 + get("overhead_rate")) - get("estates_it_per_year") * yrs \
                - get("variable_cost_per_person") * paid * contract.profile[t]
            staff = max(afford, 0.0) / cost_fte
        direct = staff * cost_fte + get("variable_cost_per_person") * volume + get("estates_it_per_year") * yrs
        one_off = max(staff - prev, 0) * get("hiring_cost_per_fte") + max(prev - staff, 0) * get("redundancy_cost_per_fte")
        if t == 0:
            one_off += get("mobilisation_cost") + get("initial_staff") * get("tupe_cost_per_fte")
        total += income - (direct * (1 + get("overhead_rate")) + one_off)
        prev = staff
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1_000_000, help="Monte Carlo draws (goal: 1,000,000 in under 2 s)")
    ap.add_argument("--sobol-exp", type=int, default=14, help="Sobol base samples = 2**this (goal: 2^14 in under 10 s)")
    ap.add_argument("--naive", type=int, default=2_000, help="draws timed for the naive per-draw loop")
    ap.add_argument("--seed", type=int, default=2021)
    args = ap.parse_args()

    contract = load_contract("examples/my_contract.yaml")
    dists = distributions_of(contract)
    print(f"Contract: {contract.title} ({contract.n_periods} periods, mechanism {contract.mechanism}, "
          f"{len(dists)} uncertain inputs)")
    rows = []

    # Warm up imports and caches so the first timing is not penalised.
    simulate(contract, 1_000, np.random.default_rng(0))

    t, cpu = time.perf_counter(), time.process_time()
    mc = simulate(contract, args.draws, np.random.default_rng(args.seed))
    mc_s, mc_cpu = time.perf_counter() - t, time.process_time() - cpu
    rows.append((f"Monte Carlo, vectorised (sampling + model), {args.draws:,} draws", mc_s, mc_cpu, peak_rss_mb()))
    print(f"  P(deficit) = {mc.probability_of_deficit:.4f}; reserve at 95% = £{mc.reserve_needed(0.95):,.0f}")

    draws = sample_inputs(dists, args.naive, np.random.default_rng(args.seed + 1))
    t, cpu = time.perf_counter(), time.process_time()
    naive = np.array([naive_total_surplus(contract, {k: float(v[i]) for k, v in draws.items()}) for i in range(args.naive)])
    naive_s, naive_cpu = time.perf_counter() - t, time.process_time() - cpu
    vec = evaluate(contract, draws).total_surplus
    max_diff = float(np.max(np.abs(naive - vec)))
    if max_diff > 1e-6 * max(1.0, float(np.max(np.abs(vec)))):
        raise SystemExit(f"naive and vectorised models disagree: max difference £{max_diff:.6f}")
    naive_full = naive_s * args.draws / args.naive
    rows.append((f"Naive per-draw Python loop, {args.naive:,} draws (measured)", naive_s, naive_cpu, peak_rss_mb()))
    rows.append((f"Naive per-draw Python loop, {args.draws:,} draws (extrapolated)", naive_full,
                 naive_cpu * args.draws / args.naive, None))

    n = 2 ** args.sobol_exp
    t, cpu = time.perf_counter(), time.process_time()
    sob = sobol(contract, n, np.random.default_rng(args.seed), n_resamples=200)
    sob_s, sob_cpu = time.perf_counter() - t, time.process_time() - cpu
    rows.append(((f"Sobol, {len(dists)} inputs, 2^{args.sobol_exp} base samples "
                 f"({n * (len(dists) + 2):,} model runs + 200 bootstrap resamples)"), sob_s, sob_cpu, peak_rss_mb()))

    print()
    print(f"{'task':<92} {'wall s':>8} {'CPU s':>8} {'peak RSS (MB)':>14}")
    for label, secs, cpu_s, rss in rows:
        rss_text = "-" if rss is None else f"{rss:.0f}"
        print(f"{label:<92} {secs:>8.3f} {cpu_s:>8.3f} {rss_text:>14}")
    print()
    print(f"Vectorised Monte Carlo is {naive_full / mc_s:,.0f}x faster than the naive loop (extrapolated); "
          f"naive and vectorised agree to £{max_diff:.2e} on {args.naive:,} draws.")
    print("Wall time is what the goals name; CPU time shows the cost when the machine is shared.")
    print(f"Goals: Monte Carlo {args.draws:,} draws in {mc_s:.2f} s (goal < 2 s: {'met' if mc_s < 2 else 'NOT met'}); "
          f"Sobol 2^{args.sobol_exp} in {sob_s:.2f} s (goal < 10 s: {'met' if sob_s < 10 else 'NOT met'}).")
    print(f"Most influential input (total index): {sob.loc[0, 'input']} ({sob.loc[0, 'total']:.3f}).")


if __name__ == "__main__":
    main()
