"""The contract model: income, cost and staffing of a commissioned service, period by period.

A :class:`Contract` holds the contract's shape (periods, volume profile, value
per period, payment mechanism, staff grades) and every scalar assumption in
``inputs`` (named in :data:`INPUTS`). :func:`evaluate` computes every output as
an array of shape ``(draws, periods)``: any scalar input may be replaced by an
array of ``draws`` values, so one call evaluates a whole Monte Carlo sample or
a Sobol design. Nothing loops over draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

MECHANISMS = ("fixed", "per_referral", "bands", "fixed_variable", "payment_by_results")
STAFFING = ("needed", "funded")

#: Relative tolerance for comparing a ratio with a threshold (band bounds, the payment-by-results trigger).
#: Ratios are products and quotients of inputs, so a ratio a reader would call exactly 0.75 (60% referred
#: against 80% expected) can come out as 0.7499999999999999. The rule: a ratio within this relative tolerance
#: of a threshold counts as reaching it, i.e. it is paid in the band that starts at that bound.
RATIO_TOLERANCE = 1e-9


def reaches(value, threshold):
    """``value >= threshold``, counting a value within :data:`RATIO_TOLERANCE` (relative) below it as reaching it."""
    threshold = np.asarray(threshold, dtype=float)
    return np.asarray(value, dtype=float) >= threshold - RATIO_TOLERANCE * np.maximum(np.abs(threshold), 1.0)


def band_index(ratio, lows) -> np.ndarray:
    """Index of the band each ratio falls in: the last band whose lower bound the ratio reaches (see :func:`reaches`)."""
    lows = np.asarray(lows, dtype=float)
    shifted = lows - RATIO_TOLERANCE * np.maximum(np.abs(lows), 1.0)
    return np.maximum(np.searchsorted(shifted, ratio, side="right") - 1, 0)


@dataclass(frozen=True)
class Input:
    """A scalar assumption: its default, unit, meaning and the range it may take."""

    default: float
    unit: str
    description: str
    lower: float = 0.0
    upper: float = float("inf")


#: Every scalar input of the model. Defaults are neutral (factors of 1) or
#: illustrative; a contract's YAML file says which of its values are published.
INPUTS: dict[str, Input] = {
    "volume_factor": Input(1.0, "× profile", "real volume as a multiple of the volume profile", 0.0),
    "referral_rate": Input(0.8, "share", "share of eligible people actually referred", 0.0, 1.0),
    "expected_referral_rate": Input(
        0.8, "share", "referral rate the profile assumed (80% was assumed under Transforming Rehabilitation)", 0.0, 1.0),
    "price_factor": Input(1.0, "× value", "contract value (and price) as a multiple of the stated value", 0.0),
    "volume_cap_factor": Input(1.0, "× profile", "volume the contract pays for, as a multiple of the profile", 0.0),
    "fixed_share": Input(0.5, "share", "share of value paid regardless of volume or outcome (fixed/variable, PbR)", 0.0, 1.0),
    "pbr_threshold": Input(0.075, "share", "fall in reconviction events that triggers outcome payment", 0.0, 1.0),
    "pbr_reduction": Input(0.084, "share", "fall in reconviction events achieved", -1.0, 1.0),
    "caseload_per_worker": Input(60.0, "people per case-worker FTE per year", "people a case worker serves in a year"),
    "salary_factor": Input(1.0, "× salaries", "multiplier on every grade's salary"),
    "on_cost_rate": Input(0.30, "share of salary", "employer on-costs (National Insurance, pension)"),
    "variable_cost_per_person": Input(150.0, "£ per person", "non-staff cost of each person served"),
    "overhead_rate": Input(0.15, "share of direct cost", "overhead recovered for full cost recovery"),
    "estates_it_per_year": Input(40_000.0, "£ per year", "premises and IT the contract requires"),
    "mobilisation_cost": Input(50_000.0, "£", "one-off cost of setting up, in the first period"),
    "initial_staff": Input(0.0, "FTE", "staff in post at the start (transferred under TUPE)"),
    "tupe_cost_per_fte": Input(2_000.0, "£ per FTE", "one-off cost of each TUPE transfer (due diligence, harmonisation)"),
    "redundancy_cost_per_fte": Input(8_000.0, "£ per FTE", "cost of making one FTE redundant"),
    "hiring_cost_per_fte": Input(5_000.0, "£ per FTE", "cost of recruiting and training one FTE"),
}


@dataclass(frozen=True)
class StaffGrade:
    """One staff grade: annual salary and FTE of this grade per case-worker FTE."""

    grade: str
    salary: float
    per_caseworker: float


@dataclass(frozen=True)
class Contract:
    """A contract's shape and assumptions (see the module docstring).

    ``profile`` is the volume (people referred or starting) the contract was
    priced on, per period; ``value`` the contract value per period (£).
    ``actual_profile``, if given, replaces the profile as the volume that
    really arrives (before ``volume_factor`` and the referral-rate ratio).
    ``bands`` are ``(lower bound of actual/profile, share of value paid)``
    with the first lower bound 0. ``provenance`` labels values as published
    (with document and section) or illustrative; ``distributions`` holds the
    uncertainty of inputs for Monte Carlo and Sobol analysis (see
    :mod:`rehabresearch.contracts.montecarlo`); ``given`` keeps each labelled
    value as the contract file wrote it, for the provenance table.
    """

    name: str
    periods: tuple[str, ...]
    period_years: float
    profile: np.ndarray
    value: np.ndarray
    mechanism: str = "fixed"
    staffing: str = "needed"
    staff: tuple[StaffGrade, ...] = (StaffGrade("Case worker", 28_000.0, 1.0),)
    inputs: Mapping[str, float] = field(default_factory=dict)
    bands: tuple[tuple[float, float], ...] = ((0.0, 0.9), (0.85, 1.0), (1.15, 1.1))
    actual_profile: np.ndarray | None = None
    title: str = ""
    provenance: Mapping[str, str] = field(default_factory=dict)
    distributions: Mapping[str, Mapping] = field(default_factory=dict)
    given: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile", np.asarray(self.profile, dtype=float))
        object.__setattr__(self, "value", np.asarray(self.value, dtype=float))
        if self.actual_profile is not None:
            object.__setattr__(self, "actual_profile", np.asarray(self.actual_profile, dtype=float))
        check_contract(self)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    def input(self, name: str) -> float:
        """The contract's value for a scalar input (its own, else the model default)."""
        if name not in INPUTS:
            raise KeyError(f"unknown input {name!r}; known inputs: {', '.join(INPUTS)}")
        return float(self.inputs.get(name, INPUTS[name].default))

    def with_inputs(self, **values: float) -> Contract:
        """A copy with some scalar inputs changed."""
        for name in values:
            self.input(name)
        return replace(self, inputs={**self.inputs, **{k: float(v) for k, v in values.items()}})


def check_contract(c: Contract) -> None:
    """Raise ValueError naming the field if the contract's shape is inconsistent."""
    n = len(c.periods)
    if n == 0:
        raise ValueError(f"contract {c.name!r}: needs at least one period")
    if c.period_years <= 0:
        raise ValueError(f"contract {c.name!r}: period_years must be positive, got {c.period_years}")
    for label, arr in (("profile", c.profile), ("value", c.value), ("actual_profile", c.actual_profile)):
        if arr is None:
            continue
        if arr.shape != (n,):
            raise ValueError(f"contract {c.name!r}: {label} has {arr.size} values but there are {n} periods")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"contract {c.name!r}: {label} has a missing or infinite value")
        bad = np.flatnonzero(arr < 0)
        if bad.size:
            raise ValueError(f"contract {c.name!r}: {label} is negative in period {c.periods[bad[0]]} ({arr[bad[0]]})")
    bad = np.flatnonzero(c.profile <= 0)
    if bad.size:
        raise ValueError(f"contract {c.name!r}: profile must be above 0 in every period; period {c.periods[bad[0]]} has {c.profile[bad[0]]}")
    if c.mechanism not in MECHANISMS:
        raise ValueError(f"contract {c.name!r}: mechanism {c.mechanism!r} is not one of {MECHANISMS}")
    if c.staffing not in STAFFING:
        raise ValueError(f"contract {c.name!r}: staffing {c.staffing!r} is not one of {STAFFING}")
    if not c.staff:
        raise ValueError(f"contract {c.name!r}: needs at least one staff grade")
    for g in c.staff:
        if g.salary < 0 or g.per_caseworker < 0:
            raise ValueError(f"contract {c.name!r}: staff grade {g.grade!r} has a negative salary or ratio")
    if sum(g.per_caseworker for g in c.staff) <= 0:
        raise ValueError(f"contract {c.name!r}: staff grades have no FTE per case worker")
    lows = [b[0] for b in c.bands]
    if not lows or lows[0] != 0 or any(b <= a for a, b in itertools.pairwise(lows)):
        raise ValueError(f"contract {c.name!r}: band lower bounds must start at 0 and increase, got {lows}")
    if any(b[1] < 0 for b in c.bands):
        raise ValueError(f"contract {c.name!r}: band payment shares must not be negative")
    for name, v in c.inputs.items():
        spec = INPUTS.get(name)
        if spec is None:
            raise ValueError(f"contract {c.name!r}: unknown input {name!r}; known inputs: {', '.join(INPUTS)}")
        if not (spec.lower <= v <= spec.upper):
            raise ValueError(f"contract {c.name!r}: input {name} = {v} is outside [{spec.lower}, {spec.upper}]")


@dataclass(frozen=True)
class Result:
    """Every output of :func:`evaluate`; each array has shape ``(draws, periods)``."""

    periods: tuple[str, ...]
    volume: np.ndarray          # people actually served
    paid_volume: np.ndarray     # people the payment covers (up to the cap)
    income: np.ndarray          # £
    staff_cost: np.ndarray      # £
    variable_cost: np.ndarray   # £
    estates_it: np.ndarray      # £
    overhead: np.ndarray        # £
    one_off: np.ndarray         # £ mobilisation, TUPE, hiring and redundancy
    cost: np.ndarray            # £ total
    staff_needed: np.ndarray    # FTE to serve the real volume
    staff_funded: np.ndarray    # FTE the income pays for after non-staff costs
    staff: np.ndarray           # FTE employed (per the staffing policy)
    hires: np.ndarray           # FTE
    redundancies: np.ndarray    # FTE

    @property
    def surplus(self) -> np.ndarray:
        """£ income less cost per period (negative = deficit)."""
        return self.income - self.cost

    @property
    def reserve_drawn(self) -> np.ndarray:
        """£ cumulative deficit carried from reserves at the end of each period (0 when in surplus)."""
        return np.maximum(-np.cumsum(self.surplus, axis=1), 0.0)

    @property
    def total_surplus(self) -> np.ndarray:
        """£ surplus over the whole contract, per draw."""
        return self.surplus.sum(axis=1)

    @property
    def peak_reserve(self) -> np.ndarray:
        """£ the most the provider has drawn from reserves at any point, per draw."""
        return self.reserve_drawn.max(axis=1)

    @property
    def funded_unit_cost(self) -> np.ndarray:
        """£ income per person served."""
        return _per_person(self.income, self.volume)

    @property
    def actual_unit_cost(self) -> np.ndarray:
        """£ cost per person served."""
        return _per_person(self.cost, self.volume)


def _per_person(money: np.ndarray, people: np.ndarray) -> np.ndarray:
    if np.any(people <= 0):
        raise ValueError("unit cost is undefined in a period where no one is served (volume 0)")
    return money / people


def _column(values: Mapping[str, np.ndarray | float], contract: Contract, name: str, n: int) -> np.ndarray:
    """Input ``name`` as a ``(n, 1)`` column (a draw per row), checked against its range."""
    if name in values:
        arr = np.asarray(values[name], dtype=float).reshape(-1)
        if arr.size not in (1, n):
            raise ValueError(f"input {name!r} has {arr.size} draws; expected {n}")
        spec = INPUTS[name]
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"input {name!r} has a missing or infinite value")
        if arr.min() < spec.lower or arr.max() > spec.upper:
            raise ValueError(f"input {name!r} ranges {arr.min():g} to {arr.max():g}, outside [{spec.lower}, {spec.upper}]")
        return arr.reshape(-1, 1)
    return np.full((1, 1), contract.input(name))


def draws_of(values: Mapping[str, np.ndarray | float]) -> int:
    """Number of draws implied by the input arrays (1 when all are scalars)."""
    sizes = {np.size(v) for v in values.values()} - {1}
    if len(sizes) > 1:
        raise ValueError(f"inputs have different numbers of draws: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def income_for(contract: Contract, ratio: np.ndarray, p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Income (£) and paid volume (people) per period under the contract's payment mechanism.

    ``ratio`` is real volume / profile, shape ``(draws, periods)``.
    """
    value = contract.value[None, :] * p["price_factor"]
    cap = p["volume_cap_factor"]
    paid_ratio = np.minimum(ratio, cap)
    mech = contract.mechanism
    if mech == "fixed":
        income = np.broadcast_to(value, ratio.shape)
    elif mech == "per_referral":
        income = value * paid_ratio
    elif mech == "fixed_variable":
        income = value * (p["fixed_share"] + (1.0 - p["fixed_share"]) * paid_ratio)
    elif mech == "bands":
        lows = np.array([b[0] for b in contract.bands])
        shares = np.array([b[1] for b in contract.bands])
        income = value * shares[band_index(ratio, lows)]
    else:  # payment_by_results
        met = reaches(p["pbr_reduction"], p["pbr_threshold"])
        multiple = np.where(met, p["pbr_reduction"] / np.maximum(p["pbr_threshold"], 1e-12), 0.0)
        income = value * (p["fixed_share"] + (1.0 - p["fixed_share"]) * multiple)
        income = np.broadcast_to(income, ratio.shape)
    return np.broadcast_to(income, ratio.shape), paid_ratio * contract.profile[None, :]


def evaluate(contract: Contract, values: Mapping[str, np.ndarray | float] | None = None) -> Result:
    """Evaluate the contract for every draw of the inputs in ``values``.

    ``values`` maps input names (see :data:`INPUTS`) to scalars or arrays of
    shape ``(draws,)``; inputs not named take the contract's value.

    Per period: volume = (actual profile or profile) × volume_factor ×
    referral_rate / expected_referral_rate; staff needed = volume /
    (caseload_per_worker × period_years) × FTE per case worker; staff cost =
    staff employed × salary-weighted cost per FTE × (1 + on-costs) ×
    period_years; direct cost = staff + variable cost × volume + estates/IT;
    cost = direct × (1 + overhead_rate) + one-offs (mobilisation and TUPE in
    the first period; hiring and redundancy whenever staff employed rises or
    falls, starting from ``initial_staff``).
    """
    values = dict(values or {})
    for name in values:
        if name not in INPUTS:
            raise KeyError(f"unknown input {name!r}; known inputs: {', '.join(INPUTS)}")
    n = draws_of(values)
    p = {name: _column(values, contract, name, n) for name in INPUTS}
    yrs = contract.period_years
    base = contract.profile if contract.actual_profile is None else contract.actual_profile
    scale = p["volume_factor"] * p["referral_rate"] / np.maximum(p["expected_referral_rate"], 1e-12)
    volume = np.broadcast_to(base[None, :] * scale, (n, contract.n_periods))
    ratio = volume / contract.profile[None, :]
    income, paid_volume = income_for(contract, ratio, p)

    fte_per_cw = sum(g.per_caseworker for g in contract.staff)
    salary_per_fte = sum(g.salary * g.per_caseworker for g in contract.staff) / fte_per_cw
    cost_per_fte_period = salary_per_fte * p["salary_factor"] * (1.0 + p["on_cost_rate"]) * yrs
    if np.any(p["caseload_per_worker"] <= 0):
        raise ValueError("input 'caseload_per_worker' must be above 0")
    staff_needed = volume / (p["caseload_per_worker"] * yrs) * fte_per_cw
    estates = np.broadcast_to(p["estates_it_per_year"] * yrs, volume.shape)
    variable = p["variable_cost_per_person"] * volume
    affordable = income / (1.0 + p["overhead_rate"]) - estates - p["variable_cost_per_person"] * paid_volume
    staff_funded = np.maximum(affordable, 0.0) / cost_per_fte_period
    staff = staff_needed if contract.staffing == "needed" else staff_funded

    change = np.diff(staff, axis=1, prepend=np.broadcast_to(p["initial_staff"], (staff.shape[0], 1)))
    hires = np.maximum(change, 0.0)
    redundancies = np.maximum(-change, 0.0)
    staff_cost = staff * cost_per_fte_period
    overhead = p["overhead_rate"] * (staff_cost + variable + estates)
    one_off = hires * p["hiring_cost_per_fte"] + redundancies * p["redundancy_cost_per_fte"]
    one_off[:, 0] += (p["mobilisation_cost"] + p["initial_staff"] * p["tupe_cost_per_fte"])[:, 0]
    cost = staff_cost + variable + estates + overhead + one_off
    return Result(
        periods=contract.periods, volume=volume, paid_volume=paid_volume, income=income,
        staff_cost=staff_cost, variable_cost=variable, estates_it=estates, overhead=overhead,
        one_off=one_off, cost=cost, staff_needed=staff_needed, staff_funded=staff_funded, staff=staff,
        hires=hires, redundancies=redundancies,
    )


def period_table(contract: Contract, values: Mapping[str, float] | None = None):
    """One evaluation as a table, a row per period (money in £, staff in FTE, volume in people)."""
    import pandas as pd

    r = evaluate(contract, values)
    if r.income.shape[0] != 1:
        raise ValueError("period_table shows one evaluation; pass scalar inputs")
    cols = {
        "period": list(contract.periods),
        "profile (people)": contract.profile,
        "volume (people)": r.volume[0],
        "paid volume (people)": r.paid_volume[0],
        "income (£)": r.income[0],
        "cost (£)": r.cost[0],
        "surplus (£)": r.surplus[0],
        "funded unit cost (£)": r.funded_unit_cost[0],
        "actual unit cost (£)": r.actual_unit_cost[0],
        "staff needed (FTE)": r.staff_needed[0],
        "staff funded (FTE)": r.staff_funded[0],
        "hires (FTE)": r.hires[0],
        "redundancies (FTE)": r.redundancies[0],
        "reserve drawn (£)": r.reserve_drawn[0],
    }
    return pd.DataFrame(cols)
