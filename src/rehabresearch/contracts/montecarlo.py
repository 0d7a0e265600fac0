"""Monte Carlo over uncertain inputs: how likely is a deficit, and how much reserve would cover it?

Input uncertainty is declared per input as a small mapping (in a contract's
YAML ``distributions`` section)::

    volume_factor: {dist: triangular, low: 0.8, mode: 1.0, high: 1.6}
    caseload_per_worker: {dist: uniform, low: 50, high: 80}
    on_cost_rate: {dist: normal, mean: 0.3, sd: 0.03}   # truncated to the input's range

Draws come only from the ``np.random.Generator`` passed in, so a seed gives
the same answer every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .model import INPUTS, Contract, evaluate

_DIST_FIELDS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd")}


def make_distribution(name: str, spec: Mapping) -> stats.rv_continuous:
    """A frozen scipy distribution for input ``name`` from its spec; ValueError naming the problem."""
    if name not in INPUTS:
        raise ValueError(f"distribution for unknown input {name!r}; known inputs: {', '.join(INPUTS)}")
    if not isinstance(spec, Mapping) or "dist" not in spec:
        raise ValueError(f"distribution for {name!r} must be a mapping with 'dist' (one of {sorted(_DIST_FIELDS)})")
    kind = spec["dist"]
    if kind not in _DIST_FIELDS:
        raise ValueError(f"distribution for {name!r}: dist {kind!r} is not one of {sorted(_DIST_FIELDS)}")
    expected = set(_DIST_FIELDS[kind])
    got = set(spec) - {"dist", "note"}
    if got != expected:
        raise ValueError(f"distribution for {name!r} ({kind}) needs exactly {sorted(expected)}, got {sorted(got)}")
    try:
        p = {k: float(spec[k]) for k in expected}
    except (TypeError, ValueError) as exc:
        raise ValueError(f"distribution for {name!r}: parameters must be numbers ({exc})") from None
    lo, hi = INPUTS[name].lower, INPUTS[name].upper
    if kind == "normal":
        if p["sd"] <= 0:
            raise ValueError(f"distribution for {name!r}: sd must be above 0, got {p['sd']}")
        if not lo <= p["mean"] <= hi:
            raise ValueError(f"distribution for {name!r}: mean {p['mean']} is outside the input's range [{lo}, {hi}]")
        a, b = (lo - p["mean"]) / p["sd"], (hi - p["mean"]) / p["sd"]
        return stats.truncnorm(a, b, loc=p["mean"], scale=p["sd"])
    low, high = p["low"], p["high"]
    if not (lo <= low < high <= hi):
        raise ValueError(f"distribution for {name!r}: need {lo} <= low < high <= {hi}, got low={low}, high={high}")
    if kind == "uniform":
        return stats.uniform(loc=low, scale=high - low)
    if not low <= p["mode"] <= high:
        raise ValueError(f"distribution for {name!r}: mode {p['mode']} is outside [{low}, {high}]")
    return stats.triang(c=(p["mode"] - low) / (high - low), loc=low, scale=high - low)


#: Inputs given a generic spread when a contract declares no distributions (see :func:`generic_distributions`).
GENERIC_INPUTS = ("volume_factor", "referral_rate", "caseload_per_worker", "salary_factor", "on_cost_rate",
                  "variable_cost_per_person", "overhead_rate", "estates_it_per_year", "redundancy_cost_per_fte",
                  "hiring_cost_per_fte")


def generic_distributions(contract: Contract, spread: float = 0.2) -> dict[str, dict]:
    """Illustrative uniform ±``spread`` around the contract's value for each of :data:`GENERIC_INPUTS` (kept in range).

    Used when a user's contract declares no uncertainty of its own; inputs at 0 are left out.
    """
    out = {}
    for name in GENERIC_INPUTS:
        base, spec = contract.input(name), INPUTS[name]
        if base > 0:
            low, high = max(base * (1 - spread), spec.lower), min(base * (1 + spread), spec.upper)
            out[name] = {"dist": "uniform", "low": low, "high": high}
    return out


def distributions_of(contract: Contract, overrides: Mapping[str, Mapping] | None = None) -> dict[str, stats.rv_continuous]:
    """The contract's input distributions (with ``overrides``), as frozen scipy distributions."""
    specs = {**contract.distributions, **(overrides or {})}
    if not specs:
        raise ValueError(f"contract {contract.name!r} declares no input distributions to sample from")
    return {name: make_distribution(name, spec) for name, spec in specs.items()}


def sample_inputs(dists: Mapping[str, stats.rv_continuous], n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``n`` independent draws of every input, from ``rng``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("pass an explicit np.random.Generator (e.g. np.random.default_rng(seed))")
    if n < 1:
        raise ValueError(f"number of draws must be at least 1, got {n}")
    return {name: d.rvs(size=n, random_state=rng) for name, d in dists.items()}


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-draw outcomes: total surplus (£), peak reserve drawn (£), redundancies (FTE); surplus per period (£)."""

    periods: tuple[str, ...]
    total_surplus: np.ndarray
    peak_reserve: np.ndarray
    redundancies: np.ndarray
    surplus: np.ndarray

    @property
    def probability_of_deficit(self) -> float:
        """Share of draws ending the contract in deficit."""
        return float(np.mean(self.total_surplus < 0))

    def reserve_needed(self, level: float = 0.95) -> float:
        """£ of reserves that cover the peak draw-down in ``level`` of draws."""
        return float(np.quantile(self.peak_reserve, level))

    def summary(self, percentiles=(5, 50, 95)) -> pd.DataFrame:
        """Percentiles of total surplus, peak reserve and redundancies (one row per percentile)."""
        q = np.asarray(percentiles, dtype=float) / 100
        return pd.DataFrame({
            "percentile": [f"{p:g}th" for p in percentiles],
            "total surplus (£)": np.quantile(self.total_surplus, q),
            "peak reserve drawn (£)": np.quantile(self.peak_reserve, q),
            "redundancies (FTE)": np.quantile(self.redundancies, q),
        })


def simulate(contract: Contract, n: int, rng: np.random.Generator, distributions: Mapping[str, Mapping] | None = None,
             chunk: int = 50_000, scheduler=None) -> MonteCarloResult:
    """Draw ``n`` sets of inputs and evaluate the contract for each (in chunks of ``chunk`` draws to bound memory).

    The draws all come from ``rng`` here; each chunk is then evaluated as one task of
    :func:`rehabresearch.scale.run_tasks` (``scheduler`` empty: in this process; ``"local"`` or a
    Dask scheduler address: on a cluster). Evaluation draws no random numbers, so the result is
    the same wherever the chunks run.
    """
    from ..scale import Task, run_tasks

    draws = sample_inputs(distributions_of(contract, distributions), n, rng)
    tasks = [Task(f"montecarlo-{start}", {"contract": contract, "draws": {k: v[start:start + chunk] for k, v in draws.items()}},
                  f"draws {start + 1} to {min(start + chunk, n)}") for start in range(0, n, chunk)]
    parts = run_tasks(evaluate_chunk, tasks, scheduler)  # chunks of draws, each evaluated vectorised
    surplus, peak, redundancies = (np.concatenate([parts[t.key][i] for t in tasks]) for i in range(3))
    return MonteCarloResult(contract.periods, surplus.sum(axis=1), peak, redundancies, surplus)


def evaluate_chunk(contract: Contract, draws: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Surplus per period, peak reserve drawn and redundancies of one chunk of draws (one Monte Carlo task)."""
    r = evaluate(contract, draws)
    surplus = r.income - r.cost
    peak = np.maximum(-np.cumsum(surplus, axis=1).min(axis=1), 0.0)
    return surplus, peak, r.redundancies.sum(axis=1)
