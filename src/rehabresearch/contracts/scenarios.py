"""Named scenarios and break-even points: what happens when real volumes differ from the profile.

Each scenario is a set of input values (or a different volume profile)
applied to one contract; :func:`compare` evaluates them side by side.
Break-even points are found by root-finding (``scipy.optimize.brentq``) on
the contract's total surplus.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .model import INPUTS, Contract, Result, evaluate

class NoBreakEven(ValueError):
    """The surplus does not change sign within the searched range."""


def total_surplus(r: Result) -> np.ndarray:
    """£ surplus over the contract (the default measure)."""
    return r.total_surplus


def with_profile(contract: Contract, actual_profile) -> Contract:
    """The contract with a different real volume profile (people per period); the priced profile is unchanged."""
    return replace(contract, actual_profile=np.asarray(actual_profile, dtype=float))


def flat_profile(contract: Contract) -> np.ndarray:
    """Real volumes flat from day one at the profile's final-period level (existing service users arrive at once)."""
    return np.full(contract.n_periods, contract.profile[-1])


def compare(contract: Contract, scenarios: Mapping[str, Mapping[str, float] | Contract]) -> pd.DataFrame:
    """One row per scenario: volume (people), income, cost, surplus, peak reserve (£), hires and redundancies (FTE).

    A scenario is a mapping of input values, or a whole :class:`Contract`
    (e.g. from :func:`with_profile`).
    """
    rows = []
    for label, spec in scenarios.items():
        r = evaluate(spec) if isinstance(spec, Contract) else evaluate(contract, spec)
        rows.append({
            "scenario": label,
            "volume (people)": r.volume.sum(),
            "income (£)": r.income.sum(),
            "cost (£)": r.cost.sum(),
            "surplus (£)": r.total_surplus[0],
            "peak reserve drawn (£)": r.peak_reserve[0],
            "hires (FTE)": r.hires.sum(),
            "redundancies (FTE)": r.redundancies.sum(),
        })
    return pd.DataFrame(rows)


def _money(x: float) -> str:
    return f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}"


def break_even_all(contract: Contract, name: str, low: float, high: float,
                   measure: Callable[[Result], np.ndarray] = total_surplus, points: int = 401,
                   xtol: float = 1e-9) -> list[float]:
    """Every value of input ``name`` in ``[low, high]`` at which total surplus crosses zero, smallest first.

    The surplus is evaluated on a grid of ``points`` values (one vectorised call) to find each sign
    change, which ``scipy.optimize.brentq`` then refines. Surplus need not be monotonic: paid per
    referral, a contract can lose money at low volume (fixed costs) and at high volume (above the cap).
    Raises :class:`NoBreakEven` naming the surplus at both ends when it never changes sign.
    """
    if name not in INPUTS:
        raise KeyError(f"unknown input {name!r}; known inputs: {', '.join(INPUTS)}")
    if not low < high:
        raise ValueError(f"break-even search needs low < high, got {low} and {high}")

    def f(x: float) -> float:
        return float(measure(evaluate(contract, {name: x}))[0])

    grid = np.linspace(low, high, points)
    values = measure(evaluate(contract, {name: grid}))
    roots = [float(x) for x, v in zip(grid, values, strict=True) if v == 0]
    signs = np.sign(values)
    for i in np.flatnonzero(signs[:-1] * signs[1:] < 0):
        roots.append(float(brentq(f, grid[i], grid[i + 1], xtol=xtol)))
    if not roots:
        raise NoBreakEven(
            f"no break-even {name} between {low:g} and {high:g} for contract {contract.name!r}: "
            f"surplus is {_money(values[0])} at {low:g} and {_money(values[-1])} at {high:g}"
            + (f", and {'never above' if values.max() < 0 else 'never below'} £0 in between")
        )
    return sorted(roots)


def break_even(contract: Contract, name: str, low: float, high: float,
               measure: Callable[[Result], np.ndarray] = total_surplus, xtol: float = 1e-9) -> float:
    """The break-even value of input ``name`` in ``[low, high]`` nearest the contract's current value.

    See :func:`break_even_all` for every crossing; raises :class:`NoBreakEven` when there is none.
    """
    roots = break_even_all(contract, name, low, high, measure, xtol=xtol)
    current = contract.input(name)
    return min(roots, key=lambda r: abs(r - current))


def break_even_points(contract: Contract, volume=(0.05, 5.0), price=(0.05, 5.0), caseload=(1.0, 1000.0)) -> pd.DataFrame:
    """Break-even volume factor (and people), price factor (and £ value) and caseload, with an explanation when none exists.

    Where the surplus crosses zero more than once, the crossing nearest the current value is shown
    and the note lists them all.
    """
    rows = []
    total_volume = contract.profile.sum() if contract.actual_profile is None else contract.actual_profile.sum()
    base_ratio = contract.input("referral_rate") / contract.input("expected_referral_rate")
    for label, name, rng, scale, unit in (
        ("volume", "volume_factor", volume, total_volume * base_ratio, "people over the contract"),
        ("price", "price_factor", price, contract.value.sum(), "£ contract value"),
        ("caseload", "caseload_per_worker", caseload, 1.0, "people per case worker a year"),
    ):
        try:
            roots = break_even_all(contract, name, *rng)
            x = min(roots, key=lambda r: abs(r - contract.input(name)))
            note = "" if len(roots) == 1 else "surplus crosses zero at " + ", ".join(f"{r:.3g}" for r in roots) + \
                "; the crossing nearest the current value is shown"
            rows.append({"break-even": label, "input": name, "value": x, "in units": x * scale, "unit": unit,
                         "current": contract.input(name), "note": note})
        except NoBreakEven as exc:
            rows.append({"break-even": label, "input": name, "value": np.nan, "in units": np.nan, "unit": unit,
                         "current": contract.input(name), "note": str(exc)})
    return pd.DataFrame(rows)
