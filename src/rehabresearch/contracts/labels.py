"""Plain-English names and value formats for the model's inputs and mechanisms, for tables and figures.

A reader of the report never sees the code names (``volume_factor``); every table and chart uses
:data:`LABELS` and :func:`fmt_input` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .model import INPUTS

#: Readable name of every input in :data:`rehabresearch.contracts.model.INPUTS`.
LABELS: dict[str, str] = {
    "volume_factor": "Real volume (× profile)",
    "referral_rate": "Share of eligible people referred",
    "expected_referral_rate": "Referral rate the profile assumed",
    "price_factor": "Contract price (× stated value)",
    "volume_cap_factor": "Volume cap (× profile)",
    "fixed_share": "Share of value paid whatever the volume",
    "pbr_threshold": "Payment-by-results threshold (fall in reconvictions)",
    "pbr_reduction": "Fall in reconvictions achieved",
    "caseload_per_worker": "Caseload (people per case worker a year)",
    "salary_factor": "Salaries (× assumed)",
    "on_cost_rate": "Employer on-costs (share of salary)",
    "variable_cost_per_person": "Non-staff cost per person (£)",
    "overhead_rate": "Overheads (share of direct cost)",
    "estates_it_per_year": "Estates and IT (£ a year)",
    "mobilisation_cost": "Mobilisation cost (£, one-off)",
    "initial_staff": "Staff transferred in at the start (FTE)",
    "tupe_cost_per_fte": "TUPE transfer cost (£ per FTE)",
    "redundancy_cost_per_fte": "Redundancy cost (£ per FTE)",
    "hiring_cost_per_fte": "Hiring cost (£ per FTE)",
}

#: Readable name of every payment mechanism.
MECHANISM_LABELS: dict[str, str] = {
    "fixed": "Fixed price with a volume cap",
    "per_referral": "Price per referral",
    "bands": "Volume bands",
    "fixed_variable": "Fixed/variable split",
    "payment_by_results": "Payment by results",
}

#: Readable names of the top-level fields of a contract file (provenance tables).
FIELD_LABELS: dict[str, str] = {
    "periods": "Periods", "profile": "Volume profile (people)", "profile_csv": "Volume profile (CSV file)",
    "total_volume": "Profiled volume over the contract (people)", "volume_shares": "Share of volume in each period",
    "value": "Contract value per period (£)", "total_value": "Contract value (£)",
    "category_value": "Value of the whole service category (£)", "lot_share": "This lot's share of the category",
    "value_shares": "Share of value in each period", "mechanism": "Payment mechanism",
    "staffing": "Staffing rule", "bands": "Volume bands (volume ÷ profile from, share of value paid)",
    "actual_profile": "Real volume per period (people)",
}

def label(name: str) -> str:
    """The readable name of an input (the code name itself if it has none)."""
    return LABELS.get(name, name)


def fmt_input(name: str, value: float) -> str:
    """An input's value in its unit: shares as %, factors as ×, money as £, FTE to one decimal."""
    unit = INPUTS[name].unit
    if unit.startswith("share"):
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 0.05 else f"{value:.1%}"
    if unit.startswith("×"):
        return f"{value:.2f}×"
    if unit.startswith("£"):
        return f"£{value:,.0f}"
    if unit == "FTE":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def money_short(v: float) -> str:
    """Money for axes and findings: £1.5m, £250k, £0 (minus sign before the £)."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.{0 if a % 1e6 == 0 else 1}f}m"
    if a >= 1e3:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"


def fmt_given(field: str, value: Any) -> str:
    """A value as written in a contract file, for its provenance table."""
    if field.startswith("inputs."):
        return fmt_input(field.split(".", 1)[1], float(value))
    if field == "mechanism":
        return MECHANISM_LABELS.get(str(value), str(value))
    if field == "staffing":
        return {"needed": "Staff to the real volume", "funded": "Staff to what the income pays for"}.get(str(value), str(value))
    if field == "bands":
        return "; ".join(f"from {lo:g}×: {share:.0%}" for lo, share in value)
    if field in ("lot_share",):
        return f"{float(value):.2%}"
    if field in ("volume_shares", "value_shares"):
        return " / ".join(f"{float(v):.0%}" for v in value)
    if field in ("category_value", "total_value"):
        return f"£{float(value):,.0f}"
    if field == "periods" and isinstance(value, Sequence) and not isinstance(value, str):
        return f"{value[0]} to {value[-1]} ({len(value)})"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(f"{float(v):,.0f}" for v in value)
    if isinstance(value, (int, float)):
        return f"{value:,.0f}"
    return str(value)


def fmt_distribution(name: str, spec: Mapping) -> str:
    """An input distribution in words, e.g. 'triangular: 0.80× / 1.00× / 1.50× (low / most likely / high)'."""
    kind = spec["dist"]
    if kind == "triangular":
        return (f"triangular: {fmt_input(name, spec['low'])} / {fmt_input(name, spec['mode'])} / "
                f"{fmt_input(name, spec['high'])} (low / most likely / high)")
    if kind == "uniform":
        return f"uniform: {fmt_input(name, spec['low'])} to {fmt_input(name, spec['high'])}"
    if kind == "normal":
        return f"normal: mean {fmt_input(name, spec['mean'])}, sd {fmt_input(name, spec['sd'])}"
    return kind
