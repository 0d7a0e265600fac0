"""The contract report's analyses, one call each, so the notebook only displays results.

:func:`headlines` gathers every headline number the report states for one
contract; the tests check them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .labels import MECHANISM_LABELS, FIELD_LABELS, fmt_distribution, fmt_given, fmt_input, label
from .model import MECHANISMS, Contract, evaluate, period_table
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
    """Total surplus (£) against volume factor under each payment mechanism (the contract's own one marked)."""
    factors = np.linspace(low, high, points)
    frames = []
    for mech in MECHANISMS:
        r = evaluate(replace(contract, mechanism=mech), {"volume_factor": factors})
        name = MECHANISM_LABELS[mech] + (" (this contract)" if mech == contract.mechanism else "")
        frames.append(pd.DataFrame({"mechanism": name, "volume factor": factors,
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
    break_even_volume: float | None
    probability_of_deficit: float
    reserve_needed: float


def headlines(contract: Contract, mc: MonteCarloResult, high_volume_factor: float,
              reserve_level: float, volume_range=(0.05, 5.0)) -> Headlines:
    """Headline numbers from the model and the Monte Carlo run (break-even volume None when there is none in range)."""
    base = evaluate(contract)
    high = evaluate(contract, {"volume_factor": high_volume_factor})
    try:
        be = break_even(contract, "volume_factor", *volume_range)
    except NoBreakEven:
        be = None
    return Headlines(
        surplus=float(base.total_surplus[0]),
        surplus_high_volume=float(high.total_surplus[0]),
        year_one_redundancies=float(base.redundancies[0, 0]),
        break_even_volume=be,
        probability_of_deficit=mc.probability_of_deficit,
        reserve_needed=mc.reserve_needed(reserve_level),
    )


def break_even_unit_costs(contract: Contract, high_volume_factor: float, price_range=(0.05, 5.0)) -> dict[str, float]:
    """The funded unit cost (£ per profiled person) and the least unit cost that breaks even at the profiled
    volume and at ``high_volume_factor`` × the profile (break-even price factor × funded unit cost).

    Raises :class:`NoBreakEven` when no price factor in ``price_range`` breaks even.
    """
    funded = float(contract.value.sum() / contract.profile.sum())
    return {
        "funded": funded,
        "at_profile": funded * break_even(contract, "price_factor", *price_range),
        "at_high_volume": funded * break_even(contract.with_inputs(volume_factor=high_volume_factor), "price_factor",
                                              *price_range),
    }


def staff_turnover(contract: Contract) -> dict[str, float]:
    """At the profiled volume: FTE made redundant in the first period, FTE hired in later periods, and the
    one-off cost (£) of all redundancies and hires at the contract's per-FTE costs."""
    r = evaluate(contract)
    return {
        "redundant_first_period": float(r.redundancies[0, 0]),
        "rehired_later": float(r.hires[0, 1:].sum()),
        "one_off_cost": float(r.redundancies[0].sum() * contract.input("redundancy_cost_per_fte")
                              + r.hires[0].sum() * contract.input("hiring_cost_per_fte")),
    }



def facts_display(facts: pd.DataFrame) -> pd.DataFrame:
    """The published facts for display: the fact, its value in its unit, its source (document; section), and whether
    it is in the seed documents (a fact from outside them is used because the catalog cites its publisher)."""
    def shown(v: float, unit: str) -> str:
        if unit == "share":
            return f"{v:.1%}" if round(v * 1000) % 10 else f"{v:.0%}"
        if unit.startswith("GBP"):
            return f"£{v:,.0f}" + unit[3:].replace("per year", " a year")
        return f"{v:,.0f} {unit}"
    from ..published.facts import citation, is_seed

    return pd.DataFrame({
        "Fact": facts["description"],
        "Value": [shown(float(v), u) for v, u in zip(facts["value"], facts["unit"], strict=True)],
        "Source (document; section)": [f"{citation(d)}; {s}" for d, s in zip(facts["source_document"], facts["source_section"], strict=True)],
        "In the seed documents": ["yes" if is_seed(d) else "no: cited to its publisher" for d in facts["source_document"]],
    })


def formatted(df: pd.DataFrame) -> pd.DataFrame:
    """A results table for display: columns in £ as -£1,234, FTE to one decimal, people as whole numbers."""
    out = df.astype(object).copy()
    for c in df.columns:
        if "(£" in c:
            out[c] = [f"-£{abs(v):,.0f}" if v < 0 else f"£{v:,.0f}" for v in df[c]]
        elif "(FTE)" in c:
            out[c] = [f"{v:,.1f}" for v in df[c]]
        elif "(people)" in c:
            out[c] = [f"{v:,.0f}" for v in df[c]]
    return out


def provenance_display(contract: Contract) -> pd.DataFrame:
    """Every labelled value of a contract: what it is, its value, and whether it is published (with source) or illustrative."""
    rows = []
    for field_, text in contract.provenance.items():
        if field_.startswith("inputs."):
            item = label(field_.split(".", 1)[1])
        elif field_.startswith("distributions."):
            item = "Uncertainty: " + label(field_.split(".", 1)[1])
        elif field_.startswith("staff: "):
            item = "Staff grade: " + field_[7:]
        else:
            item = FIELD_LABELS.get(field_, field_)
        given = contract.given.get(field_)
        if field_.startswith("distributions."):
            value = fmt_distribution(field_.split(".", 1)[1], given) if given else ""
        elif field_.startswith("staff: "):
            value = given or ""
        else:
            value = "" if given is None else fmt_given(field_, given)
        basis, _, note = text.partition(": ")
        rows.append({"Item": item, "Value": value, "Basis": basis, "Source or note": note})
    return pd.DataFrame(rows)


def period_display(contract: Contract) -> pd.DataFrame:
    """The period-by-period model at the profiled volume, formatted; periods across the top when there are few."""
    shown = formatted(period_table(contract))
    if len(shown) > 8:
        return shown.rename(columns=lambda m: m[0].upper() + m[1:])
    out = shown.set_index("period").T
    out.index = [m[0].upper() + m[1:] for m in out.index]
    out.columns.name = None
    return out.rename_axis("Measure").reset_index()


def break_even_display(table: pd.DataFrame) -> pd.DataFrame:
    """Break-even points (from :func:`scenarios.break_even_points`) with readable names and values in their units."""
    names = {"volume": "Real volume", "price": "Contract price", "caseload": "Caseload"}
    rows = []
    for r in table.to_dict("records"):
        found = not np.isnan(r["value"])
        amount = r["in units"]
        units = ("none in range" if not found else f"{amount:,.0f} people over the contract" if r["break-even"] == "volume"
                 else f"£{amount:,.0f} over the contract" if r["break-even"] == "price" else f"{amount:,.0f} people a year")
        rows.append({
            "Break-even": names[r["break-even"]],
            "Input": label(r["input"]),
            "Assumed": fmt_input(r["input"], r["current"]),
            "Breaks even at": fmt_input(r["input"], r["value"]) if found else "none in range",
            "In people or £": units,
            "Note": r["note"],
        })
    return pd.DataFrame(rows)


def sobol_display(table: pd.DataFrame) -> pd.DataFrame:
    """Sobol indices as % of the variance of total surplus, with 95% intervals, readable input names."""
    def pct(v: float) -> str:
        return f"{v:.0%}" if v >= 0.005 else "<1%" if v > 0 else "0%"  # negative estimates are noise about 0
    return pd.DataFrame({
        "Input": [label(n) for n in table["input"]],
        "Share of variance, input alone": [f"{pct(a)} ({pct(lo)} to {pct(hi)})" for a, lo, hi in
                                           zip(table["first order"], table["first order low"], table["first order high"], strict=True)],
        "Share of variance, with interactions": [f"{pct(a)} ({pct(lo)} to {pct(hi)})" for a, lo, hi in
                                                 zip(table["total"], table["total low"], table["total high"], strict=True)],
    })


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


def unit_cost_comparison(contract: Contract, published_per_person_year: float, service_years: float = 1.0) -> dict[str, float]:
    """The contract's funding per person, put on the basis of a published cost per person a year.

    The contract funds ``value / profile`` per person referred, each person counted once whatever the
    length of the service. A published unit cost such as the National Audit Office's £652 a year for a
    supervision requirement is per person per year. To compare like with like, the funding per referral is
    spread over ``service_years``, the length of one person's service (an assumption the report states):
    funding per person-year = funding per referral / service_years. Returns both and their ratio.
    """
    if not (np.isfinite(service_years) and service_years > 0):
        raise ValueError(f"service_years must be a positive number of years, got {service_years!r}")
    if not (np.isfinite(published_per_person_year) and published_per_person_year > 0):
        raise ValueError(f"published cost per person a year must be positive, got {published_per_person_year!r}")
    per_referral = float(contract.value.sum() / contract.profile.sum())
    per_year = per_referral / service_years
    return {"per_referral": per_referral, "per_person_year": per_year, "service_years": float(service_years),
            "published_per_person_year": float(published_per_person_year),
            "ratio": per_year / published_per_person_year}
