"""Numbers the contract sweep report shows: surplus and deficit risk at every grid point of every contract.

Computation only; wording and charts live in the notebook. The deterministic columns
(surplus, income, cost, peak reserve) are the same for every seed at a grid point; the
Monte Carlo columns are averaged across seeds, with their range across seeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..contracts.model import INPUTS
from .results import load as results_of_sweep

DETERMINISTIC = ("surplus", "income", "cost", "peak_reserve", "redundancies", "hires")
RISK = ("probability_of_deficit", "reserve_needed", "surplus_p05", "surplus_p50", "surplus_p95")


def load_contracts(results: str | Path | None, spec: str | Path | None = None, scheduler: Any = None) -> pd.DataFrame:
    """A contract sweep's tidy results: read from ``results`` if given, else run ``spec`` now (nothing written)."""
    return results_of_sweep('contracts', results, spec, scheduler, ("contract", "title", "mechanism", *DETERMINISTIC))


def swept_inputs(frame: pd.DataFrame) -> list[str]:
    """The model inputs the grid varied, in the order of the results' columns."""
    return [c for c in frame.columns if c in INPUTS]


def points(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per contract and grid point: the deterministic results, and the Monte Carlo results averaged across
    seeds with their lowest and highest seed (columns ``<name>``, ``<name>_lo``, ``<name>_hi``)."""
    keys = ["contract", *swept_inputs(frame)]
    order = {c: i for i, c in enumerate(dict.fromkeys(frame["contract"]))}
    grouped = frame.groupby(keys, sort=False)
    out = grouped[["title", "mechanism", *DETERMINISTIC]].first()
    risk = [c for c in RISK if c in frame.columns]
    if risk:
        out = out.join(grouped[risk].mean()).join(grouped[risk].min().add_suffix("_lo")).join(
            grouped[risk].max().add_suffix("_hi"))
    out = out.reset_index()
    return out.sort_values(keys, key=lambda s: s.map(order) if s.name == "contract" else s, ignore_index=True)


def worst_and_best(table: pd.DataFrame, contract: str, value: str = "surplus") -> tuple[pd.Series, pd.Series]:
    """The grid points of ``contract`` with the lowest and the highest ``value``."""
    part = table[table["contract"] == contract]
    if part.empty:
        raise KeyError(f"no contract {contract!r} in the sweep")
    return part.loc[part[value].idxmin()], part.loc[part[value].idxmax()]


def deficit_points(table: pd.DataFrame, contract: str) -> tuple[int, int]:
    """How many grid points of ``contract`` end the contract in deficit (surplus below zero), and how many there are."""
    part = table[table["contract"] == contract]
    if part.empty:
        raise KeyError(f"no contract {contract!r} in the sweep")
    return int((part["surplus"] < 0).sum()), len(part)
