"""Benchmark the project's table validation against pandera on a million rows read as text.

Why this exists: issue 10 asks for one table-validation layer, "pandera, or the project's own if a
benchmark at 1,000,000 rows shows why". Both check the same schema (the shape of the COMPAS catalog
entry: integer, float and text columns, ranges, allowed values, missing values, a unique key) on the
same frame of text cells, as every CSV is read, and both coerce the columns to their types. Timed:
a clean table, and a table with one bad value near the end (what a user's file usually has). The
house rule also needs the message to name file, data row (from 1 after the header), column and rule:
the project's layer raises that directly; for pandera the time includes finding the first failure.

    .venv/bin/python benchmarks/bench_validation.py              # 1,000,000 rows
    .venv/bin/python benchmarks/bench_validation.py --rows 100000

pandera is not a dependency of the project: install it from benchmarks/requirements-peers.txt (it is
skipped, with a note, when absent).

Measured 2 December 2026, 1,000,000 rows, 2 shared CPUs (load average about 4.6, so noisy):
project 2.1 s clean / 1.4 s to the first bad value; pandera 1.0 s clean / 3.3 s to the first bad value,
whose report then names pandera's rule ("coerce_dtype('int64')") and still needs translating into the
house message, and which reads blank text as a value rather than as missing. Decision: keep the
project's own layer (one mechanism: rehabresearch.validation), vectorised through Arrow.

Timings on a shared machine are noisy (the load average is printed); compare the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from rehabresearch.validation import ValidationError, validate

SCHEMA = {
    "columns": {
        "id": {"type": "int"},
        "sex": {"type": "str", "allowed": ["Male", "Female"]},
        "age": {"type": "int", "min": 0, "max": 120},
        "race": {"type": "str"},
        "priors_count": {"type": "int", "min": 0},
        "days_b_screening_arrest": {"type": "float", "nullable": True},
        "decile_score": {"type": "int", "min": -1, "max": 10},
        "two_year_recid": {"type": "int", "min": 0, "max": 1},
    },
    "unique": ["id"],
}


def table(n: int, rng: np.random.Generator) -> pd.DataFrame:
    days = rng.integers(-30, 30, n).astype(str).astype(object)
    days[rng.random(n) < 0.05] = None
    return pd.DataFrame({
        "id": np.arange(1, n + 1).astype(str).astype(object),
        "sex": rng.choice(np.array(["Male", "Female"], dtype=object), n),
        "age": rng.integers(18, 90, n).astype(str).astype(object),
        "race": rng.choice(np.array(["African-American", "Caucasian", "Hispanic", "Other"], dtype=object), n),
        "priors_count": rng.integers(0, 30, n).astype(str).astype(object),
        "days_b_screening_arrest": days,
        "decile_score": rng.integers(1, 11, n).astype(str).astype(object),
        "two_year_recid": rng.integers(0, 2, n).astype(str).astype(object),
    })


def pandera_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "id": pa.Column(int, coerce=True),
            "sex": pa.Column(str, pa.Check.isin(["Male", "Female"])),
            "age": pa.Column(int, pa.Check.in_range(0, 120), coerce=True),
            "race": pa.Column(str),
            "priors_count": pa.Column(int, pa.Check.ge(0), coerce=True),
            "days_b_screening_arrest": pa.Column(float, nullable=True, coerce=True),
            "decile_score": pa.Column(int, pa.Check.in_range(-1, 10), coerce=True),
            "two_year_recid": pa.Column(int, pa.Check.in_range(0, 1), coerce=True),
        },
        unique=["id"],
    )


def run_project(df: pd.DataFrame) -> str:
    try:
        validate(df, SCHEMA, "people.csv")
        return "valid"
    except ValidationError as exc:
        return str(exc)


def run_pandera(df: pd.DataFrame, schema) -> str:
    import pandera.errors

    try:
        schema.validate(df, lazy=True)
        return "valid"
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        located = cases[cases["index"].notna()]
        first = (located.sort_values("index") if len(located) else cases).iloc[0]
        row = None if pd.isna(first["index"]) else int(first["index"]) + 1
        return f"file people.csv, column '{first['column']}', row {row}: breaks rule '{first['check']}'"


def timed(func, *args):
    t0 = time.perf_counter()
    out = func(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260402)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    clean = table(args.rows, rng)
    bad = clean.copy()
    bad.loc[args.rows - 10, "age"] = "abc"  # data row rows - 9
    contenders = [("project", run_project)]
    try:
        schema = pandera_schema()
        contenders.append(("pandera", lambda d: run_pandera(d, schema)))
    except ImportError:
        print("pandera is not installed (pip install -r benchmarks/requirements-peers.txt): timing the project only")
    print(f"{'validator':<10} {'table':<6} {'seconds':>8}  message")
    for name, func in contenders:
        for label, frame in (("clean", clean), ("bad", bad)):
            message, seconds = timed(func, frame)
            print(f"{name:<10} {label:<6} {seconds:>8.2f}  {message[:110]}")
    print(f"\n{args.rows:,} rows; peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s) (shared: timings are noisy).")


if __name__ == "__main__":
    main()
