"""Benchmark tiering (v2, v3) and OGRS3 on a million synthetic rows against a naive per-row peer.

The peer is a plain Python function per row implementing the same published rules (written here,
independently of the library). It is timed on a small sample in the same run, extrapolated
linearly to the full size, and its results are checked to agree with the vectorised calculators.
Synthetic rows are drawn as text, as ``rehabresearch tier`` reads them from CSV. Peak memory is
this process's peak resident set size after each stage.

    .venv/bin/python benchmarks/bench_tiering.py                       # 1,000,000 rows
    .venv/bin/python benchmarks/bench_tiering.py --rows 200000 --sample 5000
    .venv/bin/python benchmarks/bench_tiering.py --end-to-end-only     # just `rehabresearch tier` on a CSV

The end-to-end stage writes the synthetic rows to a CSV (not timed), then times the command
``rehabresearch tier IN.csv OUT.csv`` in a fresh process (read, validate, tier, write; wall clock,
CPU seconds and peak resident memory of that process), and the same steps in this process stage by
stage. Goal (issue 10): a million rows in under 8 s with peak memory under 1 GiB. On a shared machine
the wall clock is inflated by other work; the CPU seconds and the load average are printed beside it.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rehabresearch.contact.ogrs3 import OFFENCE_WEIGHTS, ogrs3
from rehabresearch.contact.tiering import tier_v2, tier_v3

GOAL_SECONDS = 5.0  # issue 4: tiering 1,000,000 rows in under 5 s
END_TO_END_SECONDS = 8.0  # issue 10: `rehabresearch tier` on 1,000,000 rows, read to write, in under 8 s
END_TO_END_MIB = 1024.0  # ... with peak memory under 1 GiB


def synthetic_people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Rows with the columns of the worked cases, as CSV text (blank = missing). Not a realistic mix."""
    pick = lambda options, p=None: rng.choice(np.array(options, dtype=object), size=n, p=p)
    needs_options = ["", "ACCOMMODATION=STANDARD|DRUG_MISUSE=SEVERE", "THINKING_AND_BEHAVIOUR=SEVERE|ATTITUDES=STANDARD",
                     "ALCOHOL_MISUSE=SEVERE", "RELATIONSHIPS=NO_NEED|LIFESTYLE_AND_ASSOCIATES=STANDARD"]
    def numbers(low, high, decimals):
        grid = np.array([f"{x:.{decimals}f}" for x in np.arange(low, high, 10.0 ** -decimals)], dtype=object)
        return grid[rng.integers(0, len(grid), n)]

    blank_some = lambda arr, share: np.where(rng.random(n) < share, "", arr)
    return pd.DataFrame({
        "gender": pick(["Male", "Female"], [0.85, 0.15]),
        "rosh": pick(["", "LOW", "MEDIUM", "HIGH", "VERY_HIGH"], [0.1, 0.4, 0.35, 0.13, 0.02]),
        "rsr": blank_some(numbers(0, 12, 2), 0.1),
        "mappa_level": pick(["", "M1", "M2", "M3"], [0.9, 0.07, 0.02, 0.01]),
        "mappa_category_present": pick(["false", "true"], [0.9, 0.1]),
        "complexity_registrations": pick(["", "RMDO", "RCCO|RCPR", "ALSH|RVLN|RMDO"], [0.6, 0.2, 0.1, 0.1]),
        "female_additional_factors": pick(["", "PARENTING_RESPONSIBILITIES", "IMPULSIVITY|TEMPER_CONTROL"]),
        "previous_enforcement_activity": pick(["false", "true"], [0.8, 0.2]),
        "ogrs": blank_some(rng.integers(0, 100, n).astype(str), 0.05),
        "needs": pick(needs_options),
        "iom_nominal": pick(["false", "true"], [0.95, 0.05]),
        "mandate_for_change": pick(["true", "false"], [0.9, 0.1]),
        "prc_two_thirds_registration": pick(["false", "true"], [0.9, 0.1]),
        "historic_registrations": pick(["", "HREG:M2", "RTAO|HREG"], [0.8, 0.15, 0.05]),
        "assessment_present": pick(["true", "false"], [0.9, 0.1]),
        "arp": blank_some(numbers(0, 99, 1), 0.02),
        "arp_static_or_dynamic": pick(["DYNAMIC", "STATIC"], [0.8, 0.2]),
        "csrp": blank_some(numbers(0, 8, 2), 0.02),
        "csrp_static_or_dynamic": pick(["DYNAMIC", "STATIC"], [0.8, 0.2]),
        "dcsrp_score": numbers(0.6, 5, 2),
        "dcsrp_band": pick(["", "LOW", "MEDIUM", "HIGH", "VERY_HIGH"], [0.9, 0.04, 0.03, 0.02, 0.01]),
        "lifer_ipp_release_years_ago": blank_some(numbers(0, 20, 1), 0.99),
        "domestic_abuse_reg": pick(["false", "true"], [0.8, 0.2]),
        "stalking_reg": pick(["false", "true"], [0.97, 0.03]),
        "child_protection_reg": pick(["false", "true"], [0.95, 0.05]),
        "ever_sexual_offence": pick(["false", "true"], [0.95, 0.05]),
    })


def synthetic_ogrs_inputs(n: int, rng: np.random.Generator) -> pd.DataFrame:
    first = rng.integers(10, 40, n)
    conviction = first + rng.integers(0, 30, n)
    return pd.DataFrame({
        "sex": rng.choice(np.array(["Male", "Female"], dtype=object), n),
        "age_at_followup": conviction + rng.integers(0, 3, n),
        "age_at_conviction": conviction,
        "age_at_first_sanction": first,
        "total_sanctions": rng.integers(1, 40, n),
        "offence": rng.choice(np.array(list(OFFENCE_WEIGHTS), dtype=object), n),
    })


# ----- naive per-row peers (independent restatement of the published rules) -----

def _num(text):
    return float(text) if text != "" else None


def naive_v2(r: dict) -> str:
    rosh = {"": 0, "LOW": 0, "MEDIUM": 10, "HIGH": 20, "VERY_HIGH": 150}[r["rosh"]]
    rsr = _num(r["rsr"])
    rsr_points = 0 if rsr is None or rsr == 999.99 else 20 if rsr >= 7 else 10 if rsr >= 3 else 0
    points = max(rosh, rsr_points) + {"": 0, "M1": 5, "M2": 150, "M3": 150}[r["mappa_level"]]
    codes = {c for c in r["complexity_registrations"].split("|") if c}
    points += min(2 * len(codes), 20)
    if r["gender"] == "Female":
        factors = {c for c in r["female_additional_factors"].split("|") if c}
        points += 2 * ("PARENTING_RESPONSIBILITIES" in factors) + 2 * bool(factors & {"IMPULSIVITY", "TEMPER_CONTROL"})
        points += 2 * (r["previous_enforcement_activity"] == "true")
    protect = "A" if points >= 150 else "B" if points >= 20 else "C" if points >= 10 else "D"
    suffix = "S" if r["prc_two_thirds_registration"] == "true" else ""  # historic registrations: ignored
    if r["mandate_for_change"] != "true":
        return f"{protect}0{suffix}"
    if r["assessment_present"] != "true":
        return f"{protect}2{suffix}"
    weights = {"THINKING_AND_BEHAVIOUR": 2, "ATTITUDES": 2}
    severity = {"NO_NEED": 0, "STANDARD": 1, "SEVERE": 2}
    change = sum(weights.get(k, 1) * severity[v] for k, v in (i.split("=") for i in r["needs"].split("|") if i))
    change += math.floor((_num(r["ogrs"]) or 0) / 10) + 2 * (r["iom_nominal"] == "true")
    return f"{protect}{3 if change >= 20 else 2 if change >= 10 else 1}{suffix}"


def naive_v3(r: dict) -> str:
    arp, csrp = _num(r["arp"]), _num(r["csrp"])
    if arp is None or csrp is None:
        return "MISSING"
    col = next(i for i, b in enumerate((90, 75, 50, 25, 15, 0)) if arp >= b)
    row = next(i for i, b in enumerate((6.9, 3.0, 1.0, 0.5, 0)) if csrp >= b)
    tiers = [["AABBBB", "ABCCCC", "BCDEEE", "CDEEFF", "DDEFFG"][row][col]]
    band, score = r["dcsrp_band"], _num(r["dcsrp_score"])
    if band == "MEDIUM":
        tiers.append("C" if score >= 3.36 or 1.12 <= score < 2.11 else "D")
    elif band:
        tiers.append({"VERY_HIGH": "A", "HIGH": "B", "LOW": "E"}[band])
    if r["mappa_category_present"] == "true":
        tiers.append({"VERY_HIGH": "A", "HIGH": "C", "MEDIUM": "D"}.get(r["rosh"], "E"))
    elif r["rosh"] in ("VERY_HIGH", "HIGH"):
        tiers.append({"VERY_HIGH": "C", "HIGH": "D"}[r["rosh"]])
    years = _num(r["lifer_ipp_release_years_ago"])
    if years is not None:
        tiers.append("B" if years <= 1 else "D" if years <= 5 else "E")
    for field, tier in (("domestic_abuse_reg", "E"), ("stalking_reg", "F"), ("child_protection_reg", "F"),
                        ("ever_sexual_offence", "E")):
        if r[field] == "true":
            tiers.append(tier)
    return min(tiers)


def naive_ogrs3(r: dict) -> float:
    bands = (10, 12, 14, 16, 18, 21, 25, 30, 35, 40, 50)
    male = (0.0, 0.08392, 0.07578, -0.0616, -0.6251, -1.0515, -1.1667, -1.326, -1.368, -1.4997, -2.0253)
    female = (-0.785, -0.61385, -0.66952, -0.9592, -0.8975, -1.0285, -1.0528, -1.1291, -1.4219, -1.5247, -2.4498)
    band = max(i for i, b in enumerate(bands) if r["age_at_followup"] >= b)
    y = (female if r["sex"] == "Female" else male)[band]
    y += 0.46306 if r["total_sanctions"] > 1 else 0.12614
    y += 1.25112 * math.log(r["total_sanctions"] / (10 + r["age_at_conviction"] - r["age_at_first_sanction"]))
    y += OFFENCE_WEIGHTS[r["offence"]]
    return 1 / (1 + math.exp(-(2.1217 + y)))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func, *args):
    t0 = time.perf_counter()
    out = func(*args)
    return out, time.perf_counter() - t0


def end_to_end(people: pd.DataFrame) -> bool:
    """Time ``rehabresearch tier`` on ``people`` written as CSV; print the stages; True if both goals are met."""
    from rehabresearch.contact.batch import CALCULATORS
    from rehabresearch.io import read_csv_table, write_csv_table

    rows = len(people)
    with tempfile.TemporaryDirectory(prefix="bench_tier_") as folder:
        src, out = Path(folder) / "people.csv", Path(folder) / "tiered.csv"
        people.to_csv(src, index=False)
        size = src.stat().st_size / 2**20
        exe = shutil.which("rehabresearch", path=str(Path(sys.executable).parent))
        command = [exe, "tier", str(src), str(out)] if exe else [sys.executable, "-m", "rehabresearch.cli", "tier",
                                                                 str(src), str(out)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"rehabresearch tier failed: {done.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        child_peak = after.ru_maxrss / 1024  # the largest child so far: this command is the only large one
        load = os.getloadavg()[0]

        t = time.perf_counter()
        table = read_csv_table(src)
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        frame = table.to_pandas(types_mapper=pd.ArrowDtype)
        result = CALCULATORS[2](frame)
        tier_s = time.perf_counter() - t
        t = time.perf_counter()
        import pyarrow as pa

        write_csv_table(out, table.append_column("tier", pa.array(result["tier"].to_numpy(dtype=object), pa.string())))
        write_s = time.perf_counter() - t
    ok = wall < END_TO_END_SECONDS and child_peak < END_TO_END_MIB
    print(f"\nend to end: rehabresearch tier on {rows:,} rows ({size:.0f} MiB CSV), version 2")
    print(f"  command: {wall:.2f} s wall, {cpu:.2f} s CPU (user+system), peak {child_peak:.0f} MiB resident; "
          f"goal < {END_TO_END_SECONDS:.0f} s and < {END_TO_END_MIB:.0f} MiB: {'yes' if ok else 'NO'}")
    print(f"  stages in this process: read+check {read_s:.2f} s, validate+tier {tier_s:.2f} s, write {write_s:.2f} s")
    print(f"  1-minute load average {load:.1f} on {os.cpu_count()} CPU(s): wall clock is noisy when the machine is "
          "shared; the CPU seconds are the steadier figure (the command's start-up imports are included).")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows timed with the naive per-row peer")
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument("--end-to-end-only", action="store_true", help="only time `rehabresearch tier` on a CSV")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    people, gen_s = timed(synthetic_people, args.rows, rng)
    if args.end_to_end_only:
        end_to_end(people)
        return
    ogrs_in = synthetic_ogrs_inputs(args.rows, rng)
    print(f"generated {args.rows:,} synthetic rows in {gen_s:.1f} s (not part of the timings)")
    sample = people.iloc[: args.sample]
    sample_records = sample.to_dict("records")
    ogrs_records = ogrs_in.iloc[: args.sample].to_dict("records")

    rows = []
    for name, vectorised, naive, records, frame, column in (
        ("tier_v2", tier_v2, naive_v2, sample_records, people, "tier"),
        ("tier_v3", tier_v3, naive_v3, sample_records, people, "tier"),
        ("ogrs3", ogrs3, naive_ogrs3, ogrs_records, ogrs_in, "two_year"),
    ):
        result, seconds = timed(vectorised, frame)
        memory = peak_mib()
        naive_out, naive_s = timed(lambda f=naive, rs=records: [f(r) for r in rs])
        head = result[column].to_numpy()[: len(records)]
        agree = np.allclose(head, naive_out) if column == "two_year" else bool((head == np.array(naive_out)).all())
        naive_full = naive_s / len(records) * args.rows
        goal = "" if name == "ogrs3" else ("yes" if seconds < GOAL_SECONDS else "NO")
        rows.append((name, args.rows, seconds, memory, naive_full, naive_full / seconds, agree, goal))

    print(f"\n{'calculator':<10} {'rows':>10} {'seconds':>8} {'peak MiB':>9} {'naive s (extrap.)':>18} "
          f"{'speed-up':>9} {'agrees':>7} {'< 5 s':>6}")
    for name, n, s, mem, naive_full, ratio, agree, goal in rows:
        print(f"{name:<10} {n:>10,} {s:>8.2f} {mem:>9.0f} {naive_full:>18.1f} {ratio:>8.0f}x {agree!s:>7} {goal:>6}")
    print(f"\nnaive peer timed on {args.sample:,} rows and extrapolated linearly; peak MiB is the process's "
          "peak resident memory so far (includes the synthetic input).")
    if not all(row[6] for row in rows):
        raise SystemExit("the vectorised and naive results disagree")
    end_to_end(people)


if __name__ == "__main__":
    main()
