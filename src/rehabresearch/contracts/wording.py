"""The contract report's findings in plain English, from numbers the library computes.

Each function takes the results of :mod:`rehabresearch.contracts.analysis` (and friends) for one contract and
returns the sentence the report states, so every number in the text comes from library code.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..reporting import fmt_num
from .labels import fmt_input, label
from .model import Contract
from .montecarlo import MonteCarloResult
from .reconcile import Reconciliation


def _m(x: float) -> str:
    """A model's money result to two significant figures (the inputs are illustrative; no false precision)."""
    return fmt.money(fmt.round_sig(x, 2))


def _balance(x: float) -> str:
    """'a surplus of £15,000' or 'a deficit of £470,000'."""
    return f"a {'deficit' if x < 0 else 'surplus'} of {_m(abs(x))}"


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _name(name: str) -> str:
    """An input's readable name without its unit in brackets, lower-case first: 'real volume'."""
    return _lower_first(re.sub(r"\s*\([^)]*\)$", "", label(name)))


def scenario(c: Contract, table: pd.DataFrame, high_volume_factor: float) -> str:
    """Volumes above the profile: extra people, extra income (often none) and cost, surplus before and after."""
    base, high = table.iloc[0], table.iloc[1]
    extra_income = high["income (£)"] - base["income (£)"]
    income_text = ("income does not change (no extra funding)" if abs(extra_income) < 1
                   else f"income rises by only {_m(extra_income)}")
    return (f"{c.title}: if real volume runs at {high_volume_factor:g} × the profile "
            f"({fmt_num(high['volume (people)'] - base['volume (people)'])} more people over the contract), {income_text} "
            f"while cost rises by {_m(high['cost (£)'] - base['cost (£)'])}, turning "
            f"{_balance(base['surplus (£)'])} into {_balance(high['surplus (£)'])} over the contract. This is a model "
            "result on illustrative costs: the direction follows from the payment mechanism, the size from the assumed "
            "caseload and unit costs.")


def turnover(c: Contract, first_period: str, t: dict[str, float]) -> str:
    """Redundancies in the first period and rehiring later, with their one-off cost."""
    return (f"{c.title}: with {c.input('initial_staff'):.0f} FTE transferred in, the low first-period ({first_period}) "
            f"profile makes {t['redundant_first_period']:.1f} FTE redundant, and the ramp-up then rehires "
            f"{t['rehired_later']:.1f} FTE in later periods, at a one-off cost of {_m(t['one_off_cost'])} in "
            "redundancy and recruitment. These are model outputs at the profiled volume, not observed staffing; the number "
            "of staff transferred is illustrative, so the size (not the pattern) is uncertain.")


def unit_costs(c: Contract, costs: dict[str, float], comparison: dict[str, float], high_volume_factor: float) -> str:
    """Funded and break-even unit costs, and the funding per person-year beside the published cost per person a year."""
    years = comparison["service_years"]
    span = "a year" if years == 1 else f"{years:g} years"
    return (f"{c.title}: the contract funds {fmt.money(costs['funded'])} per person referred (each person counted once). "
            f"To break even it needs at least {fmt.money(costs['at_profile'])} per person at the profiled volume, and "
            f"{fmt.money(costs['at_high_volume'])} per profiled person if real volume runs at {high_volume_factor:g} × the profile. "
            f"Compared like with like, per person per year: if one person's service lasts {span} (an illustrative "
            f"assumption), the funding is {fmt.money(comparison['per_person_year'])} per person a year, "
            f"{comparison['ratio']:.1f} times the National Audit Office's {fmt.money(comparison['published_per_person_year'])} "
            "a year for a supervision requirement (2008 cash, excluding overheads; not adjusted for inflation).")


def break_even(c: Contract, volume: pd.Series) -> str:
    """The break-even real volume (or why there is none)."""
    if np.isnan(volume["value"]):
        text = f"has no break-even volume in the searched range ({volume['note']})"
    else:
        side = "above" if volume["value"] >= 1 else "below"
        text = (f"breaks even at {volume['value']:.2f} × the profiled volume ({fmt_num(volume['in units'])} people over "
                f"the contract): real volume {abs(volume['value'] - 1):.0%} {side} the profile wipes out the surplus"
                + (f" ({volume['note'].split(';')[0]}, because volume bands pay in steps)" if volume["note"] else ""))
    return (f"{c.title} {text}. The break-even point moves with every illustrative cost assumption; Section 6 shows "
            "which matter most.")


def deficit(c: Contract, mc: MonteCarloResult, draws: int, rec: Reconciliation) -> str:
    """The probability of deficit, the median outcome, and (when they differ) why the profile shows a surplus."""
    q50 = float(np.median(mc.total_surplus))
    text = (f"{c.title}: {fmt.pct(mc.probability_of_deficit, 0)} of {fmt_num(draws)} simulated contracts end in deficit "
            f"(median: {_balance(q50)})")
    if rec.surplus_as_profiled >= 0 and mc.probability_of_deficit >= 0.5 and not rec.unfavourable.empty:
        return (text + f", although the contract is in surplus by {_m(rec.surplus_as_profiled)} at the profiled volume: "
                "the illustrative input distributions are skewed to the costly side of the assumed values.")
    return text + ". The probabilities follow from the illustrative input distributions, not from observed outcomes."


def reserve(c: Contract, mc: MonteCarloResult, reserve_level: float) -> str:
    """The 90% range of the surplus and the reserve that covers the peak draw-down in most draws."""
    q05, q95 = mc.summary((5, 95))["total surplus (£)"]
    return (f"{c.title}: 90% of simulated contracts end between {_balance(q05)} and {_balance(q95)}. A reserve of "
            f"{_m(mc.reserve_needed(reserve_level))} would cover the peak draw-down in {fmt.pct(reserve_level, 0)} of draws. "
            "These figures follow from the illustrative input distributions, not from observed outcomes.")


def reconcile(c: Contract, rec: Reconciliation, mc: MonteCarloResult, top: int = 3) -> str:
    """Why a contract in surplus at the profile is in deficit in most simulated draws (or say they agree)."""
    q50 = float(np.median(mc.total_surplus))
    p = mc.probability_of_deficit
    head = (f"{c.title}: at the profiled volume, with every input at its assumed value, the contract ends "
            f"{'in surplus by ' + _m(rec.surplus_as_profiled) if rec.surplus_as_profiled >= 0 else 'in deficit by ' + _m(-rec.surplus_as_profiled)}, "
            f"and {fmt.pct(p, 0)} of simulated contracts end in deficit.")
    bad = rec.unfavourable
    if rec.surplus_as_profiled < 0 or p < 0.5 or bad.empty:
        return head + " The two agree: the assumed values sit near the middle of the input distributions."
    named = "; ".join(
        f"{_name(r['input'])} is assumed at {fmt_input(r['input'], r['assumed'])} but averages "
        f"{fmt_input(r['input'], r['mean'])} across the draws ({fmt.pct(r['share of draws less favourable'], 0)} of draws "
        f"on the costly side; on its own it {'lowers' if r['surplus change at mean (£)'] < 0 else 'raises'} the surplus by {_m(abs(r['surplus change at mean (£)']))})"
        for r in bad.head(top).to_dict("records"))
    n_unc = len(rec.inputs)
    return (head + f" The two agree once the input distributions are read: they are skewed to the costly side of the "
            f"assumed values. {len(bad)} of the {n_unc} uncertain inputs are more likely than not to fall on the side that "
            f"lowers the surplus. The largest: {named}. With every uncertain input at its average the contract ends with "
            f"{_balance(rec.surplus_at_means)}; the median simulated contract, where the inputs also act together, ends with "
            f"{_balance(q50)}.")  # noqa: E501


def sobol(c: Contract, sob: pd.DataFrame, tornado: pd.DataFrame, top: int = 3) -> str:
    """The inputs explaining most of the variance of total surplus, with their intervals, and the largest one-way swing."""
    best = sob.sort_values("total", ascending=False).head(top)
    named = "; ".join(f"{_lower_first(label(n))} {t:.0%} ({lo:.0%} to {hi:.0%})"
                      for n, t, lo, hi in zip(best["input"], best["total"], best["total low"], best["total high"], strict=True))
    return (f"{c.title}: the uncertain inputs that matter most are, with the share of the variance of total surplus each "
            f"explains including interactions: {named}. Moving one input at a time (Section 6 chart), "
            f"{label(tornado.loc[0, 'input']).lower()} swings the surplus most, by {_m(tornado.loc[0, 'swing (£)'])}. "
            "The ranking depends on the illustrative input ranges.")
