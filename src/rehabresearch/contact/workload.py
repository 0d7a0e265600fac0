"""Officer workload in the style of the Workload Measurement Tool (WMT): points per case, capacity, officers.

Points per case by tier and case type, the nominal target and the available-points formula are the
public tool's seed reference data (Probation Service open-source Workload Measurement Tool,
ministryofjustice/wmt-*; the live values may differ). Time per contact by type is illustrative.
All functions are vectorised over arrays/Series and raise ``ValueError`` naming the
bad value and its position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CASE_TYPES = ("community", "licence", "custody")

#: WMT points per case by version-2 tier and case type (seed reference data of the public tool).
POINTS = pd.DataFrame(
    {
        "community": [206, 158, 146, 110, 146, 115, 102, 72, 79, 63, 50, 35, 51, 41, 29, 29],
        "licence": [219, 175, 163, 0, 161, 132, 119, 0, 77, 65, 52, 0, 51, 43, 31, 0],
        "custody": [75, 60, 59, 0, 59, 48, 47, 0, 30, 24, 23, 0, 17, 14, 13, 0],
    },
    index=pd.Index([f"{p}{c}" for p in "ABCD" for c in (3, 2, 1, 0)], name="tier"),
)

#: Nominal monthly target points for a full-time (37 h) officer; the same for both officer grades (WMT).
NOMINAL_TARGET = 2176
FULL_TIME_HOURS = 37.0
#: Reductions of the target for trainees by year and for newly qualified officers (WMT).
GRADE_REDUCTIONS = {"trainee_year1": 0.80, "trainee_year2": 0.60, "trainee_year3": 0.40, "newly_qualified": 0.20}
#: Capacity above this % for four weeks in a row counts as excessive (WMT); the capacity chart draws it.
EXCESSIVE_CAPACITY_PERCENT = 110.0
#: Officer minutes per contact by type, including preparation and recording. ILLUSTRATIVE values
#: chosen for the microsimulation, not published figures; override them for a real analysis.
CONTACT_MINUTES = pd.Series(
    {"office": 60.0, "home_visit": 120.0, "telephone": 20.0, "video": 40.0}, name="minutes_per_contact"
)


def _lookup(values, table: pd.Index, what: str) -> np.ndarray:
    """Positions of ``values`` in ``table``; ValueError naming the first unknown value and how many there are."""
    arr = np.asarray(values, dtype=object).ravel()
    pos = table.get_indexer(arr)
    bad = np.flatnonzero(pos < 0)
    if len(bad):
        raise ValueError(
            f"unknown {what} {arr[bad[0]]!r} at position {bad[0]} ({len(bad)} unknown in all); allowed: {list(table)}"
        )
    return pos


def case_points(tier, case_type) -> np.ndarray:
    """WMT points per case for each (v2 tier, case type) pair; scalars broadcast against arrays."""
    tier_arr, type_arr = np.broadcast_arrays(np.asarray(tier, dtype=object), np.asarray(case_type, dtype=object))
    rows = _lookup(tier_arr, POINTS.index, "tier")
    cols = _lookup(type_arr, POINTS.columns, "case type")
    return POINTS.to_numpy()[rows, cols].reshape(tier_arr.shape)


def _positive(name: str, values, allow_zero: bool = False) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}; got {arr.ravel()[i]!r} at position {i}")
    return arr


def available_points(contracted_hours, reduction_hours=0.0, nominal_target: float = NOMINAL_TARGET,
                     grade_reduction=0.0, full_time_hours: float = FULL_TIME_HOURS):
    """Available points = floor(nominal target x (contracted - reduction hours) / 37) x (1 - grade reduction).

    The hours formula and target are WMT's (worked check: 37 h with 1.8 h reduction -> 2,070). The
    grade reduction (GRADE_REDUCTIONS, a share of the target) is applied after the hours formula and
    rounded down; that order is this library's assumption.
    """
    hours = _positive("contracted_hours", contracted_hours)
    reduction = _positive("reduction_hours", reduction_hours, allow_zero=True)
    grade = np.asarray(grade_reduction, dtype=float)
    if ((grade < 0) | (grade >= 1) | ~np.isfinite(grade)).any():
        raise ValueError(f"grade_reduction must be in [0, 1); got {grade_reduction!r}")
    net = hours - reduction
    if (net < 0).any():
        i = int(np.flatnonzero(np.ravel(net < 0))[0])
        raise ValueError(f"reduction_hours exceed contracted_hours at position {i}")
    # a tiny tolerance keeps exact products (e.g. 2176 x 37 / 37) from flooring one below
    points = np.floor(nominal_target * net / full_time_hours + 1e-9)
    points = np.floor(points * (1 - grade) + 1e-9)
    return points.astype(np.int64) if np.ndim(points) else int(points)


def capacity_percent(total_points, available):
    """Capacity % = total case points / available points x 100 (WMT)."""
    total = _positive("total_points", total_points, allow_zero=True)
    avail = _positive("available points", available)
    return total / avail * 100.0


def officers_needed(total_points, available_per_officer, target_capacity_percent=100.0):
    """Full-time-equivalent officers needed so that capacity is at ``target_capacity_percent`` (fractional)."""
    total = _positive("total_points", total_points, allow_zero=True)
    avail = _positive("available_per_officer", available_per_officer)
    target = _positive("target_capacity_percent", target_capacity_percent)
    return total / (avail * target / 100.0)
