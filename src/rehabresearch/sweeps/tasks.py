"""One sweep point each: the functions the execution layer runs (in-process or on a Dask worker).

Each returns a tidy DataFrame whose first columns are the task's parameters. Randomness
comes only from the task's own parameters:

* a contact task draws its cohort and its behaviour from ``SeedSequence(digest of people,
  cohort settings and seed)`` spawned into two streams. Policy, compliance, weeks and the
  simulation settings are deliberately left out of that digest, so every policy and
  compliance level at a seed sees the same people and the same random draws (common
  random numbers: differences between them are not seed noise);
* a contract task with Monte Carlo draws from ``SeedSequence(digest of contract, inputs,
  draws and seed)``.

So a task gives the same numbers on any worker, in any order, and when it is retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..contact import microsim
from ..contact.policies import Policy
from ..contracts.analysis import with_uncertainty
from ..contracts.model import Contract, evaluate
from ..contracts import montecarlo
from .keys import seed_sequence


def contact_stream(params: Mapping[str, Any]) -> np.random.SeedSequence:
    """The seed sequence shared by every policy and compliance level of one cohort and seed."""
    return seed_sequence({"kind": "contact-stream", "people": params["people"], "cohort": params["cohort"],
                          "seed": params["seed"]})


def contact_task(params: Mapping[str, Any], policy: Policy) -> pd.DataFrame:
    """Simulate one policy on one synthetic cohort: monthly totals by tier, sex, case type and caring."""
    cohort_ss, sim_ss = contact_stream(params).spawn(2)
    cohort = microsim.synthetic_cohort(params["people"], np.random.default_rng(cohort_ss),
                                       microsim.CohortParams(**params["cohort"]))
    sim_params = microsim.SimParams(weeks=params["weeks"], compliance_multiplier=params["compliance_multiplier"],
                                    **params["simulation"])
    monthly = microsim.simulate(cohort, policy, np.random.default_rng(sim_ss), sim_params).monthly
    lead = {"people": params["people"], "weeks": params["weeks"], **params["cohort"], **params["simulation"],
            "compliance_multiplier": params["compliance_multiplier"], "policy": params["policy"],
            "seed": params["seed"]}
    return _with_parameters(monthly, lead)


def contract_task(params: Mapping[str, Any], contract: Contract) -> pd.DataFrame:
    """Evaluate one contract at one point of the input grid (and, if asked, its Monte Carlo risk there)."""
    point = {k: float(v) for k, v in params["inputs"].items()}
    c = contract.with_inputs(**point) if point else contract
    r = evaluate(c)
    surplus = r.income - r.cost
    row = {
        "contract": c.name,
        **point,
        "title": c.title or c.name,
        "mechanism": c.mechanism,
        "income": float(r.income.sum()),
        "cost": float(r.cost.sum()),
        "surplus": float(surplus.sum()),
        "peak_reserve": float(max(-np.cumsum(surplus[0]).min(), 0.0)),
        "redundancies": float(r.redundancies.sum()),
        "hires": float(r.hires.sum()),
    }
    mc = params.get("monte_carlo")
    if mc:
        row = {**{k: row[k] for k in ("contract", *point)}, "seed": params["seed"],
               **{k: v for k, v in row.items() if k not in ("contract", *point)}}
        uncertain, generic = with_uncertainty(c)
        dists = {k: v for k, v in uncertain.distributions.items() if k not in point}
        if not dists:
            raise ValueError(f"contract {c.name!r}: every uncertain input is fixed by the sweep's grid; "
                             "nothing is left to draw for the Monte Carlo")
        uncertain = replace(uncertain, distributions=dists)
        rng = np.random.default_rng(seed_sequence({"kind": "contracts-monte-carlo", "contract": params["contract"],
                                                   "contract_digest": params["contract_digest"], "inputs": point,
                                                   "draws": mc["draws"], "seed": params["seed"]}))
        res = montecarlo.simulate(uncertain, mc["draws"], rng)
        q05, q50, q95 = np.quantile(res.total_surplus, [0.05, 0.5, 0.95])
        row.update({"generic_spread": bool(generic), "draws": int(mc["draws"]),
                    "probability_of_deficit": res.probability_of_deficit,
                    "reserve_needed": res.reserve_needed(mc["reserve_level"]), "reserve_level": mc["reserve_level"],
                    "surplus_p05": float(q05), "surplus_p50": float(q50), "surplus_p95": float(q95)})
    return pd.DataFrame([row])


def _with_parameters(frame: pd.DataFrame, lead: Mapping[str, Any]) -> pd.DataFrame:
    out = pd.DataFrame({k: np.repeat(np.asarray([v]), len(frame)) for k, v in lead.items()})
    for col in frame.columns:
        out[col] = frame[col].to_numpy()
    return out
