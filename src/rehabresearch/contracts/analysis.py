"""The contract report's analyses, one call each, so the notebook only displays results.

:func:`headlines` gathers every headline number the report states for one
contract; the tests check them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .model import MECHANISMS, Contract, evaluate
from .montecarlo import MonteCarloResult, generic_distributions
from .scenarios import NoBreakEven, break_even, compare, flat_profile, with_profile
from .sensitivity import two_way


def with_uncertainty(contract: Contract) -> tuple[Contract, bool]:
    """The contract with input distributions: its own, else generic ±20% spreads (flag says which)."""
    if contract.distributions:
        return contract, False
    return replace(contract, distributions=generic_distributions(contract)), True


def scenarios(contract: Contract, high_volume_factor: float, actual_referral_rate: float,
              expected_referral_rate: float) -> pd.DataFrame:
    """The seed's scenarios side by side (£ totals over the contract, people, FTE).

    The referral shortfall is also shown paid per referral, unless the contract already is.
    """
    unfunded = ", no extra funding" if contract.mechanism == "fixed" else ""
    referrals = {"referral_rate": actual_referral_rate, "expected_referral_rate": expected_referral_rate}
    specs = {
        "volume as profiled": {},
        f"volume {high_volume_factor:g} × profile{unfunded}": {"volume_factor": high_volume_factor},
        "real volume flat from day one (no ramp-up)": with_profile(contract, flat_profile(contract)),
        f"referrals {actual_referral_rate:.0%} against {expected_referral_rate:.0%} assumed": referrals,
    }
    if contract.mechanism != "per_referral":
        specs["same, paid per referral"] = replace(contract, mechanism="per_referral").with_inputs(**referrals)
    return compare(contract, specs)


def mechanism_sweep(contract: Contract, low: float, high: float, points: int) -> pd.DataFrame:
    """Total surplus (£) against volume factor under each payment mechanism."""
    factors = np.linspace(low, high, points)
    frames = []
    for mech in MECHANISMS:
        r = evaluate(replace(contract, mechanism=mech), {"volume_factor": factors})
        frames.append(pd.DataFrame({"mechanism": mech.replace("_", " "), "volume factor": factors,
                                    "surplus (£)": r.total_surplus}))
    return pd.concat(frames, ignore_index=True)


def unit_cost_grid(contract: Contract, low: float, high: float, points: int,
                   price_low: float = 0.6, price_high: float = 1.4) -> tuple[pd.DataFrame, np.ndarray]:
    """Total surplus (£) over volume factor × funded unit cost, and the unit costs (£ per person) of the rows.

    The funded unit cost is the contract value per profiled person × price factor.
    """
    volumes = np.linspace(low, high, points)
    prices = np.linspace(price_low, price_high, points)
    grid = two_way(contract, "volume_factor", volumes, "price_factor", prices)
    return grid, prices * contract.value.sum() / contract.profile.sum()


@dataclass(frozen=True)
class Headlines:
    """The numbers the report states for one contract (money in £, staff in FTE)."""

    surplus: float
    surplus_high_volume: float
    year_one_redundancies: float
    later_hires: float
    break_even_volume: float | None
    break_even_note: str
    probability_of_deficit: float
    reserve_needed: float
    median_surplus: float
    top_input: str


def headlines(contract: Contract, mc: MonteCarloResult, tornado: pd.DataFrame, high_volume_factor: float,
              reserve_level: float, volume_range=(0.05, 5.0)) -> Headlines:
    """Headline numbers from the model, the Monte Carlo run and the tornado data."""
    base = evaluate(contract)
    high = evaluate(contract, {"volume_factor": high_volume_factor})
    try:
        be, note = break_even(contract, "volume_factor", *volume_range), ""
    except NoBreakEven as exc:
        be, note = None, str(exc)
    return Headlines(
        surplus=float(base.total_surplus[0]),
        surplus_high_volume=float(high.total_surplus[0]),
        year_one_redundancies=float(base.redundancies[0, 0]),
        later_hires=float(base.hires[0, 1:].sum()),
        break_even_volume=be,
        break_even_note=note,
        probability_of_deficit=mc.probability_of_deficit,
        reserve_needed=mc.reserve_needed(reserve_level),
        median_surplus=float(np.median(mc.total_surplus)),
        top_input=str(tornado.loc[0, "input"]),
    )



def facts_display(facts: pd.DataFrame) -> pd.DataFrame:
    """The published facts table for display: values with thousands separators (whole numbers) or as decimals."""
    values = facts["value"].astype(float)
    shown = [f"{v:,.0f}" if v >= 1 and float(v).is_integer() else f"{v:g}" for v in values]
    return facts.assign(value=shown)[["fact_id", "description", "value", "unit", "source_document", "source_section"]]


def scale_table(lots: dict[str, Contract], facts: pd.DataFrame) -> pd.DataFrame:
    """Each contract's value against the average day-one contract (£195m over three years / 110 contracts).

    ``facts`` is the ``contract_facts`` dataset; the average covers three years, so contracts are compared per year.
    """
    f = facts.set_index("fact_id")["value"].astype(float)
    average_per_year = f["day_one_value_three_years"] / f["day_one_contracts"] / 3
    rows = []
    for c in lots.values():
        years = c.n_periods * c.period_years
        per_year = c.value.sum() / years
        rows.append({
            "contract": c.title,
            "value over the contract (£)": c.value.sum(),
            "years": years,
            "value a year (£)": per_year,
            "average day-one contract a year (£)": average_per_year,
            "ratio to the average": per_year / average_per_year,
            "funded unit cost (£ per profiled person)": c.value.sum() / c.profile.sum(),
        })
    return pd.DataFrame(rows)
