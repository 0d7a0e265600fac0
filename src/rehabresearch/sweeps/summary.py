"""Numbers the contact sweep report shows: rates per 100 people by policy and compliance, across seeds.

Computation only; the report's wording and charts live in the notebook and
:mod:`rehabresearch.plotting`. Each seed is one replicate: its own synthetic cohort,
shared by every policy and compliance level (see :mod:`.tasks`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..contact import microsim
from .results import load as results_of_sweep

#: Outcomes the report summarises, per 100 people starting supervision.
OUTCOMES = ("attended", "face_to_face", "officer_hours", "breaches", "recalls")
_NEEDED = ("policy", "compliance_multiplier", "seed", "starts", *OUTCOMES)


def load_contact(results: str | Path | None, spec: str | Path | None = None, scheduler: Any = None) -> pd.DataFrame:
    """A contact sweep's tidy results: read from ``results`` (Parquet or CSV) if given, else run ``spec`` now
    (in memory, nothing written; ``scheduler`` as for :func:`rehabresearch.scale.run_tasks`)."""
    return results_of_sweep('contact', results, spec, scheduler, _NEEDED)


def design(frame: pd.DataFrame) -> dict[str, Any]:
    """What was swept: policies and compliance levels (in order), seeds, people and weeks per task."""
    return {
        "policies": list(dict.fromkeys(frame["policy"])),
        "compliance": sorted(frame["compliance_multiplier"].unique().tolist()),
        "seeds": sorted(frame["seed"].unique().tolist()),
        "people": sorted(frame["people"].unique().tolist()) if "people" in frame else [],
        "weeks": sorted(frame["weeks"].unique().tolist()) if "weeks" in frame else [],
        "tasks": int(frame.groupby(["policy", "compliance_multiplier", "seed"], observed=True).ngroups),
    }


def rates(frame: pd.DataFrame, by=("policy", "compliance_multiplier"), values=OUTCOMES,
          level: float = 0.95) -> pd.DataFrame:
    """Events per 100 people starting supervision within ``by``: mean and central ``level`` interval across seeds.

    Other swept settings (cohort or simulation columns) become part of ``by`` automatically when they vary, so
    replicates of different scenarios are never pooled.
    """
    fixed = {"people", "weeks", "seed", "month", "tier", "sex", "case_type", "caring", "weeks_in_month",
             *microsim.METRICS, "caseload", "officer_hours", "unsupervised"}  # measures, not settings
    extra = [c for c in frame.columns if c not in fixed and c not in by and frame[c].nunique() > 1]
    groups = [*extra, *by]
    reps = frame.rename(columns={"seed": "replicate"})
    out = microsim.rate_summary(reps, groups, list(values), per=100.0, level=level)
    order = {p: i for i, p in enumerate(dict.fromkeys(frame["policy"]))}
    return out.sort_values([*extra, "policy", "compliance_multiplier"], key=lambda s: s.map(order) if s.name == "policy"
                           else s, ignore_index=True)


def change_across_compliance(summary: pd.DataFrame, value: str = "breaches") -> pd.DataFrame:
    """Per policy: the mean rate at the lowest and highest compliance multiplier and the ratio between them."""
    rows = []
    for policy, g in summary.groupby("policy", sort=False):
        g = g.sort_values("compliance_multiplier")
        lo, hi = g.iloc[0], g.iloc[-1]
        ratio = hi[f"{value}_mean"] / lo[f"{value}_mean"] if lo[f"{value}_mean"] > 0 else float("inf")
        rows.append({"policy": policy, "low_multiplier": lo["compliance_multiplier"],
                     "high_multiplier": hi["compliance_multiplier"], "at_low": lo[f"{value}_mean"],
                     "at_high": hi[f"{value}_mean"], "ratio": ratio})
    return pd.DataFrame(rows)


def policy_labels(names) -> dict[str, str]:
    """Readable labels of bundled policies; other policies keep their name with spaces for underscores."""
    from ..contact import policies as pol

    bundled = set(pol.available_policies())
    return {n: pol.load_policy(n).label if n in bundled else n.replace("_", " ") for n in names}
