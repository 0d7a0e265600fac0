"""Why the surplus at the profile and the Monte Carlo probability of deficit can disagree.

The surplus "at the profile" evaluates the contract with every input at its assumed value. The Monte Carlo
draws every uncertain input from its distribution. When those distributions are not centred on the assumed
values (volume more likely above the profile, costs more likely above the assumption), most draws fall on
the costly side and a contract in surplus as profiled is in deficit in most draws. :func:`reconcile` measures
this for each uncertain input; the tests check it against the distributions and the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import Contract, evaluate
from .montecarlo import distributions_of


@dataclass(frozen=True)
class Reconciliation:
    """The surplus as profiled, with every uncertain input at its distribution's mean, and per input the skew."""

    surplus_as_profiled: float      # £, every input at its assumed value
    surplus_at_means: float         # £, every uncertain input at its distribution's mean, the rest as assumed
    inputs: pd.DataFrame            # one row per uncertain input (see :func:`reconcile`)

    @property
    def unfavourable(self) -> pd.DataFrame:
        """Inputs more likely than not to fall on the side that lowers the surplus, largest effect first."""
        d = self.inputs
        return d[(d["share of draws less favourable"] > 0.5) & (d["surplus change at mean (£)"] < 0)]


def reconcile(contract: Contract) -> Reconciliation:
    """For each uncertain input: its assumed value, its distribution's mean, the share of draws on the side that
    lowers the surplus, and the change in surplus (£) when it alone moves from the assumed value to the mean.

    The side that lowers the surplus is read from the model (surplus a little above against a little below the
    assumed value), so a cost and a volume are both handled without a list of which is which.
    """
    dists = distributions_of(contract)
    base = float(evaluate(contract).total_surplus[0])
    rows = []
    for name, d in dists.items():
        assumed = contract.input(name)
        mean = float(d.mean())
        step = max(abs(assumed), 1.0) * 1e-3
        lo, hi = max(assumed - step, float(d.support()[0])), assumed + step
        s_lo, s_hi = evaluate(contract, {name: np.array([lo, hi])}).total_surplus
        higher_worse = s_hi < s_lo
        below = float(d.cdf(assumed))
        share_worse = 1.0 - below if higher_worse else below
        if s_hi == s_lo:
            share_worse = 0.0
        rows.append({
            "input": name, "assumed": assumed, "mean": mean,
            "share of draws above the assumed value": 1.0 - below,
            "share of draws less favourable": share_worse,
            "surplus change at mean (£)": float(evaluate(contract, {name: mean}).total_surplus[0]) - base,
        })
    table = pd.DataFrame(rows).sort_values("surplus change at mean (£)", kind="stable").reset_index(drop=True)
    at_means = float(evaluate(contract, {n: float(d.mean()) for n, d in dists.items()}).total_surplus[0])
    return Reconciliation(base, at_means, table)
