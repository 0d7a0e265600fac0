"""Which assumptions matter: one-way (tornado), two-way grids, and Sobol variance-based indices.

All three evaluate the contract once, vectorised: each row of the design is a
draw of :func:`rehabresearch.contracts.model.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .model import INPUTS, Contract, Result, evaluate
from .montecarlo import distributions_of
from .scenarios import total_surplus


def one_way_ranges(contract: Contract, spread: float = 0.2, level: float = 0.9) -> dict[str, tuple[float, float]]:
    """Low and high value of every input.

    Inputs with a distribution use its central ``level`` interval (5th and 95th
    percentiles by default); the others move ``spread`` (±20%) either side of
    their value, kept within the input's allowed range.
    """
    dists = distributions_of(contract) if contract.distributions else {}
    tail = (1 - level) / 2
    out = {}
    for name, spec in INPUTS.items():
        if name in dists:
            lo, hi = dists[name].ppf([tail, 1 - tail])
        else:
            base = contract.input(name)
            lo, hi = base * (1 - spread), base * (1 + spread)
        out[name] = (float(np.clip(lo, spec.lower, spec.upper)), float(np.clip(hi, spec.lower, spec.upper)))
    return out


def one_way(contract: Contract, ranges: Mapping[str, tuple[float, float]] | None = None,
            measure: Callable[[Result], np.ndarray] = total_surplus) -> pd.DataFrame:
    """Tornado data: the measure (£ total surplus by default) at each input's low and high, others at base.

    One row per input, ranked by swing (|high - low| of the measure), largest first.
    """
    ranges = dict(ranges or one_way_ranges(contract))
    unknown = set(ranges) - set(INPUTS)
    if unknown:
        raise KeyError(f"unknown inputs {sorted(unknown)}; known inputs: {', '.join(INPUTS)}")
    names = list(ranges)
    k = len(names)
    design = {n: np.full(2 * k + 1, contract.input(n)) for n in names}
    for i, n in enumerate(names):
        design[n][2 * i], design[n][2 * i + 1] = ranges[n]
    out = measure(evaluate(contract, design))
    base = out[-1]
    df = pd.DataFrame({
        "input": names,
        "unit": [INPUTS[n].unit for n in names],
        "base value": [contract.input(n) for n in names],
        "low value": [ranges[n][0] for n in names],
        "high value": [ranges[n][1] for n in names],
        "at low (£)": out[0:2 * k:2],
        "at high (£)": out[1:2 * k:2],
    })
    df["swing (£)"] = (df["at high (£)"] - df["at low (£)"]).abs()
    df.attrs["base"] = float(base)
    return df.sort_values("swing (£)", ascending=False, ignore_index=True)


def two_way(contract: Contract, x: str, x_values: Sequence[float], y: str, y_values: Sequence[float],
            measure: Callable[[Result], np.ndarray] = total_surplus) -> pd.DataFrame:
    """The measure (£) over a grid of two inputs: rows are ``y`` values, columns ``x`` values."""
    xs, ys = np.asarray(x_values, dtype=float), np.asarray(y_values, dtype=float)
    gx, gy = np.meshgrid(xs, ys)
    out = measure(evaluate(contract, {x: gx.ravel(), y: gy.ravel()})).reshape(gy.shape)
    return pd.DataFrame(out, index=pd.Index(ys, name=y), columns=pd.Index(xs, name=x))


def sobol_table(func: Callable[[np.ndarray], np.ndarray], names: Sequence[str], dists: Sequence, n: int,
                rng: np.random.Generator, confidence: float = 0.95, n_resamples: int = 200) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap intervals, computed by ``scipy.stats.sobol_indices``.

    ``func`` maps an array of shape ``(d, m)`` to ``(m,)`` outputs. The design is the one scipy
    builds (a scrambled Sobol' sequence in 2d dimensions split into matrices A and B, and the d
    matrices AB with column i from B), drawn here from ``rng`` so that ``func`` is called three
    times on whole arrays. The indices come from ``sobol_indices`` given those evaluations;
    the intervals are percentile bootstrap intervals over resampled design rows (scipy's own
    BCa bootstrap needs a jackknife that grows with the square of ``n``, too slow at 2^14).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("pass an explicit np.random.Generator (e.g. np.random.default_rng(seed))")
    if n < 2 or n & (n - 1):
        raise ValueError(f"Sobol base sample size must be a power of 2, got {n}")
    d = len(names)
    if d < 2 or len(dists) != d:
        raise ValueError(f"Sobol indices need at least two inputs, each with a distribution (got {d} names, {len(dists)} distributions)")
    base = stats.qmc.Sobol(2 * d, scramble=True, rng=rng).random(n)
    A = np.vstack([dists[i].ppf(base[:, i]) for i in range(d)])
    B = np.vstack([dists[i].ppf(base[:, d + i]) for i in range(d)])
    AB = np.repeat(A[None], d, axis=0)
    AB[np.arange(d), np.arange(d)] = B
    f_A = np.asarray(func(A), dtype=float).reshape(1, n)
    f_B = np.asarray(func(B), dtype=float).reshape(1, n)
    f_AB = np.asarray(func(AB.transpose(1, 0, 2).reshape(d, d * n)), dtype=float).reshape(d, 1, n)
    if not (np.all(np.isfinite(f_A)) and np.all(np.isfinite(f_B)) and np.all(np.isfinite(f_AB))):
        raise ValueError("the model returned a missing or infinite value for some Sobol design point")

    def indices(cols) -> tuple[np.ndarray, np.ndarray]:
        res = stats.sobol_indices(func={"f_A": f_A[:, cols], "f_B": f_B[:, cols], "f_AB": f_AB[..., cols]}, n=n)
        # scipy squeezes a single output to shape (d,)
        return np.asarray(res.first_order, float).reshape(-1, d)[0], np.asarray(res.total_order, float).reshape(-1, d)[0]

    first, total = indices(slice(None))
    resamples = rng.integers(0, n, size=(n_resamples, n))
    boot = np.array([indices(cols) for cols in resamples])  # (resamples, 2, d); a loop over resamples, not draws
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(boot, [tail, 100 - tail], axis=0)
    return pd.DataFrame({
        "input": list(names),
        "first order": first,
        "first order low": lo[0],
        "first order high": hi[0],
        "total": total,
        "total low": lo[1],
        "total high": hi[1],
    }).sort_values("total", ascending=False, ignore_index=True)


def sobol(contract: Contract, n: int, rng: np.random.Generator, distributions: Mapping[str, Mapping] | None = None,
          measure: Callable[[Result], np.ndarray] = total_surplus, n_resamples: int = 200, scheduler=None,
          chunk: int = 50_000) -> pd.DataFrame:
    """Sobol indices of the measure (£ total surplus by default) over the contract's input distributions.

    With a ``scheduler`` (``"local"`` or a Dask scheduler address) the model evaluations of the design
    run as tasks of ``chunk`` design points each on that cluster; the design and the bootstrap are
    drawn here from ``rng``, so the indices are the same as in-process.
    """
    dists = distributions_of(contract, distributions)
    names = list(dists)
    from ..scale import Task, connect, parse_scheduler, run_tasks

    if parse_scheduler(scheduler).kind == "in-process":
        def func(x: np.ndarray) -> np.ndarray:
            return measure(evaluate(contract, dict(zip(names, x))))

        return sobol_table(func, names, [dists[k] for k in names], n, rng, n_resamples=n_resamples)

    with connect(scheduler) as client:
        def func(x: np.ndarray) -> np.ndarray:
            tasks = [Task(f"sobol-{x.shape[1]}-{start}", {"contract": contract, "names": names,
                                                            "x": x[:, start:start + chunk], "measure": measure})
                     for start in range(0, x.shape[1], chunk)]
            parts = run_tasks(measure_chunk, tasks, client)
            return np.concatenate([parts[t.key] for t in tasks])

        return sobol_table(func, names, [dists[k] for k in names], n, rng, n_resamples=n_resamples)


def measure_chunk(contract: Contract, names: list[str], x: np.ndarray,
                  measure: Callable[[Result], np.ndarray] = total_surplus) -> np.ndarray:
    """The measure at design points ``x`` (rows = ``names``, columns = points): one Sobol task."""
    return np.asarray(measure(evaluate(contract, dict(zip(names, x)))), dtype=float)
