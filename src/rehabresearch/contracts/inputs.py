"""A contract from YAML (and an optional CSV profile), validated with errors that name the field.

A contract file looks like ``examples/my_contract.yaml``. Every value may be
given bare (``caseload_per_worker: 45``) or with its provenance::

    total_value: {value: 46000000, basis: published, document: "...", section: "..."}
    lot_share: {value: 0.04, basis: illustrative, note: "why this value"}

Volumes come from ``profile`` (people per period), ``profile_csv`` (a CSV with
columns ``period`` and ``profile``, optionally ``value``), or ``total_volume``
with ``volume_shares``; value from ``value`` (£ per period), ``total_value``
with ``value_shares``, or ``category_value`` × ``lot_share`` with
``value_shares``. The built-in lots live in ``contracts/defaults/*.yaml``.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pydantic
import yaml

from .. import catalog, paths, yamlio
from ..validation import YamlModel, check_model, yaml_number
from .model import INPUTS, MECHANISMS, STAFFING, Contract, StaffGrade
from .montecarlo import make_distribution

BASES = ("published", "illustrative", "user")
PERIOD_YEARS = {"year": 1.0, "quarter": 0.25}
PROFILE_SCHEMA = {"columns": {"period": {"type": "str"}, "profile": {"type": "float", "min": 0},
                              "value": {"type": "float", "min": 0, "required": False}},
                  "unique": ["period"]}


class ContractFileError(ValueError):
    """A contract file is wrong; the message names the file and the field."""

    def __init__(self, file: str, field: str, problem: str):
        self.file, self.field, self.problem = file, field, problem
        super().__init__(f"contract file {file}: field '{field}': {problem}")


class Provenanced(YamlModel):
    """A value with where it came from: ``{value, basis, document, section, note}``."""

    value: Any
    basis: str = "user"
    document: str | None = None
    section: str | None = None
    note: str | None = None

    @pydantic.field_validator("basis")
    @classmethod
    def _known_basis(cls, basis: str) -> str:
        if basis not in BASES:
            raise ValueError(f"basis {basis!r} is not one of {BASES}")
        return basis

    @pydantic.model_validator(mode="after")
    def _published_is_cited(self):
        if self.basis == "published" and not (self.document and self.section):
            raise ValueError("a published value needs 'document' and 'section'")
        return self


class StaffEntry(YamlModel):
    """One staff grade: ``{grade, salary, per_caseworker}`` with an optional note and basis."""

    grade: Any
    salary: Any
    per_caseworker: Any
    note: str | None = None
    basis: Literal["illustrative", "user"] = "user"


class ContractFile(YamlModel):
    """The fields a contract file may have (each checked further by :func:`parse_contract`)."""

    name: Any = None
    title: Any = None
    description: Any = None
    period_unit: Any = None
    periods: Any = None
    mechanism: Any = None
    staffing: Any = None
    profile: Any = None
    profile_csv: Any = None
    total_volume: Any = None
    volume_shares: Any = None
    actual_profile: Any = None
    value: Any = None
    total_value: Any = None
    category_value: Any = None
    lot_share: Any = None
    value_shares: Any = None
    staff: Any = None
    bands: Any = None
    inputs: Any = None
    distributions: Any = None


#: The fields a contract file may have.
FIELDS = set(ContractFile.model_fields)


def _fail(file: str, field: str):
    """An error raiser for :func:`check_model` that names the contract file and the field under ``field``."""
    return lambda sub, message: ContractFileError(file, field if sub == "(top level)" else f"{field}.{sub}", message)


def _unwrap(raw: Any, field: str, file: str) -> tuple[Any, str]:
    """(value, provenance text) from a bare value or a {value, basis, document, section, note} mapping."""
    if not isinstance(raw, Mapping) or "value" not in raw:
        return raw, "user-supplied"
    given = check_model(Provenanced, raw, lambda sub, message: ContractFileError(file, field, message),
                        unknown=lambda parent, keys, allowed: (
                            field, f"unknown keys {keys} (allowed: value, basis, document, section, note)"))
    if given.basis == "published":
        text = f"published: {given.document}, {given.section}"
    elif given.basis == "illustrative":
        text = "illustrative" + (f": {given.note}" if given.note else "")
    else:
        text = "user-supplied" + (f": {given.note}" if given.note else "")
    return given.value, text


def _number(value: Any, field: str, file: str, *, minimum: float | None = 0.0) -> float:
    value = yaml_number(value)  # YAML 1.1 reads 4.2e6 as text; it is a number
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise ContractFileError(file, field, f"must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ContractFileError(file, field, f"must be at least {minimum}, got {value}")
    return float(value)


def _numbers(value: Any, field: str, file: str, n: int | None) -> np.ndarray:
    if not isinstance(value, (list, tuple)):
        raise ContractFileError(file, field, f"must be a list of numbers, got {value!r}")
    arr = np.array([_number(v, f"{field}[{i + 1}]", file, minimum=None) for i, v in enumerate(value)])
    bad = np.flatnonzero(arr < 0)
    if bad.size:
        raise ContractFileError(file, field, f"value {bad[0] + 1} is negative ({arr[bad[0]]:g}); volumes and values must be 0 or more")
    if n is not None and arr.size != n:
        raise ContractFileError(file, field, f"has {arr.size} values but there are {n} periods")
    return arr


def _shares(value: Any, field: str, file: str, n: int) -> np.ndarray:
    arr = _numbers(value, field, file, n)
    if abs(arr.sum() - 1.0) > 1e-6:
        raise ContractFileError(file, field, f"shares sum to {arr.sum():.6g}, not 1")
    return arr


_YEAR = re.compile(r"^(\d{4})(?:/(\d{2}|\d{4}))?$")
_QUARTER = re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.IGNORECASE)
_INDEX = re.compile(r"^(?:year|quarter|y|q|period)\s*(\d+)$", re.IGNORECASE)


def period_keys(periods: list[str], unit: str, file: str = "<contract>") -> list[int]:
    """Sort keys of period labels ('2021/22', '2021', '2021Q3', 'Year 1'); error if out of order or not consecutive."""
    keys = []
    for i, label in enumerate(periods):
        text = str(label).strip()
        if (m := _INDEX.match(text)) or unit == "year" and (m := _YEAR.match(text)):
            keys.append(int(m.group(1)))
        elif unit == "quarter" and (m := _QUARTER.match(text)):
            keys.append(int(m.group(1)) * 4 + int(m.group(2)) - 1)
        else:
            fmt = "'2021/22', '2021' or 'Year 1'" if unit == "year" else "'2021Q3' or 'Quarter 1'"
            raise ContractFileError(file, f"periods[{i + 1}]", f"label {label!r} is not a {unit} label like {fmt}")
    for i in range(1, len(keys)):
        if keys[i] <= keys[i - 1]:
            raise ContractFileError(file, "periods", f"periods out of order: {periods[i]!r} comes after {periods[i - 1]!r}")
        if keys[i] != keys[i - 1] + 1:
            raise ContractFileError(file, "periods", f"gap between {periods[i - 1]!r} and {periods[i]!r}; periods must be consecutive")
    return keys


def load_profile_csv(path: str | os.PathLike) -> dict[str, np.ndarray | list[str]]:
    """A profile CSV (columns period, profile, optional value) checked by the catalog's validator."""
    df = catalog.load_csv(path, PROFILE_SCHEMA, individual_level=False)  # contract figures, not people
    out: dict[str, Any] = {"periods": df["period"].tolist(), "profile": df["profile"].to_numpy(float)}
    if "value" in df.columns:
        out["value"] = df["value"].to_numpy(float)
    return out


def parse_contract(data: Mapping, file: str = "<contract>", base_dir: Path | None = None) -> Contract:
    """Build and validate a :class:`Contract` from a parsed YAML mapping."""
    check_model(ContractFile, data, lambda field, message: ContractFileError(file, field, message),
                unknown=lambda parent, keys, allowed: (keys[0], f"unknown field; allowed fields: {', '.join(allowed)}"))
    prov: dict[str, str] = {}
    given: dict[str, Any] = {}

    def get(field, default=None):
        if field not in data:
            return default
        value, text = _unwrap(data[field], field, file)
        if field not in ("name", "title", "description", "period_unit", "staff"):
            prov[field], given[field] = text, value
        return value

    name = get("name")
    if not name or not isinstance(name, str):
        raise ContractFileError(file, "name", "required: a short name for the contract")
    unit = get("period_unit", "year")
    if unit not in PERIOD_YEARS:
        raise ContractFileError(file, "period_unit", f"{unit!r} is not one of {sorted(PERIOD_YEARS)}")

    csv = None
    if "profile_csv" in data:
        csv_path = Path(get("profile_csv"))
        if not csv_path.is_absolute():
            csv_path = (base_dir or paths.PROJECT_ROOT) / csv_path
        try:
            csv = load_profile_csv(csv_path)
        except FileNotFoundError as exc:
            raise ContractFileError(file, "profile_csv", str(exc)) from None
    periods = get("periods", csv["periods"] if csv else None)
    if not isinstance(periods, list) or not periods:
        raise ContractFileError(file, "periods", "required: a list of period labels (or give profile_csv)")
    periods = [str(p) for p in periods]
    period_keys(periods, unit, file)
    n = len(periods)

    sources = [f for f in ("profile", "profile_csv", "total_volume") if f in data]
    if len(sources) != 1:
        raise ContractFileError(file, "profile", "give exactly one of profile, profile_csv, or total_volume with volume_shares")
    if "profile" in data:
        profile = _numbers(get("profile"), "profile", file, n)
    elif csv is not None:
        if csv["periods"] != periods:
            raise ContractFileError(file, "profile_csv", f"CSV periods {csv['periods']} differ from periods {periods}")
        profile = csv["profile"]
    else:
        if "volume_shares" not in data:
            raise ContractFileError(file, "volume_shares", "required with total_volume")
        profile = _number(get("total_volume"), "total_volume", file) * _shares(get("volume_shares"), "volume_shares", file, n)
    zero = np.flatnonzero(profile <= 0)
    if zero.size:
        raise ContractFileError(file, "profile", f"period {periods[zero[0]]} has volume 0; every period needs a positive profiled volume")

    value_sources = [f for f in ("value", "total_value", "category_value") if f in data]
    if csv is not None and "value" in csv and not value_sources:
        value = csv["value"]
    elif len(value_sources) != 1:
        raise ContractFileError(file, "value", "give exactly one of value, total_value with value_shares, or category_value with lot_share and value_shares")
    elif "value" in data:
        value = _numbers(get("value"), "value", file, n)
    else:
        if "value_shares" not in data:
            raise ContractFileError(file, "value_shares", f"required with {value_sources[0]}")
        if "total_value" in data:
            total = _number(get("total_value"), "total_value", file)
        else:
            if "lot_share" not in data:
                raise ContractFileError(file, "lot_share", "required with category_value")
            share = _number(get("lot_share"), "lot_share", file)
            if share > 1:
                raise ContractFileError(file, "lot_share", f"must be a share between 0 and 1, got {share}")
            total = _number(get("category_value"), "category_value", file) * share
        value = total * _shares(get("value_shares"), "value_shares", file, n)

    actual = _numbers(get("actual_profile"), "actual_profile", file, n) if "actual_profile" in data else None
    mechanism = get("mechanism", "fixed")
    if mechanism not in MECHANISMS:
        raise ContractFileError(file, "mechanism", f"{mechanism!r} is not one of {MECHANISMS}")
    staffing = get("staffing", "needed")
    if staffing not in STAFFING:
        raise ContractFileError(file, "staffing", f"{staffing!r} is not one of {STAFFING}")

    staff = []
    for i, g in enumerate(get("staff", [{"grade": "Case worker", "salary": 28000, "per_caseworker": 1.0}]) or []):
        where = f"staff[{i + 1}]"
        check_model(StaffEntry, g, _fail(file, where), where="(top level)",
                    unknown=lambda parent, keys, allowed: ("(top level)", f"unknown keys {keys}; each grade needs exactly grade, "
                                                                  "salary and per_caseworker (optional note, basis)"))
        staff.append(StaffGrade(str(g["grade"]), _number(g["salary"], f"{where}.salary", file),
                                _number(g["per_caseworker"], f"{where}.per_caseworker", file)))
        basis = g.get("basis", "user")
        given[f"staff: {g['grade']}"] = f"£{staff[-1].salary:,.0f} a year, {staff[-1].per_caseworker:g} per case worker"
        prov[f"staff: {g['grade']}"] = ("illustrative" if basis == "illustrative" else "user-supplied") + (
            f": {g['note']}" if g.get("note") else "")
    if not staff:
        raise ContractFileError(file, "staff", "needs at least one grade")

    bands_raw = get("bands")
    bands = ((0.0, 0.9), (0.85, 1.0), (1.15, 1.1))
    if bands_raw is not None:
        if not isinstance(bands_raw, list) or not all(isinstance(b, (list, tuple)) and len(b) == 2 for b in bands_raw):
            raise ContractFileError(file, "bands", "must be a list of [lower bound of volume/profile, share of value paid]")
        bands = tuple((_number(b[0], f"bands[{i + 1}][1]", file), _number(b[1], f"bands[{i + 1}][2]", file))
                      for i, b in enumerate(bands_raw))
        lows = [b[0] for b in bands]
        if lows[0] != 0 or any(b <= a for a, b in itertools.pairwise(lows)):
            raise ContractFileError(file, "bands", f"lower bounds must start at 0 and increase, got {lows}")

    inputs: dict[str, float] = {}
    raw_inputs = data.get("inputs") or {}
    if not isinstance(raw_inputs, Mapping):
        raise ContractFileError(file, "inputs", "must be a mapping of input name to value")
    for key, raw in raw_inputs.items():
        field = f"inputs.{key}"
        if key not in INPUTS:
            raise ContractFileError(file, field, f"unknown input; known inputs: {', '.join(INPUTS)}")
        value_, text = _unwrap(raw, field, file)
        spec = INPUTS[key]
        v = _number(value_, field, file, minimum=spec.lower)
        if v > spec.upper:
            raise ContractFileError(file, field, f"must be at most {spec.upper}, got {v}")
        inputs[key] = v
        prov[field], given[field] = text, v

    dists = dict(data.get("distributions") or {})
    for key, spec in dists.items():
        try:
            make_distribution(key, spec)
        except ValueError as exc:
            raise ContractFileError(file, f"distributions.{key}", str(exc)) from None
        if isinstance(spec, Mapping) and spec.get("note"):
            prov[f"distributions.{key}"] = f"illustrative: {spec['note']}"
            given[f"distributions.{key}"] = spec

    try:
        return Contract(
            name=name, title=str(get("title", name)), periods=tuple(periods), period_years=PERIOD_YEARS[unit],
            profile=profile, value=value, mechanism=mechanism, staffing=staffing, staff=tuple(staff),
            inputs=inputs, bands=bands, actual_profile=actual, provenance=prov, distributions=dists, given=given,
        )
    except ValueError as exc:
        raise ContractFileError(file, "(contract)", str(exc)) from None


def load_contract(path: str | os.PathLike) -> Contract:
    """Read and validate a contract YAML file (relative paths are taken from the project root)."""
    path = Path(path)
    if not path.is_absolute():
        path = paths.PROJECT_ROOT / path
    if not path.is_file():
        raise FileNotFoundError(f"no contract file at {path}")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yamlio.Loader)  # noqa: S506 - reads 4.2e6 as a number
    except yaml.YAMLError as exc:
        raise ContractFileError(str(path), "(YAML)", f"not valid YAML at {yamlio.one_line(exc)}") from None
    catalog.LOADED[str(path)] = catalog.sha256_file(path)  # recorded as an input of the run
    return parse_contract(data, file=str(path), base_dir=path.parent)


def default_contracts() -> dict[str, Contract]:
    """The built-in illustrative lots, by name, built from published facts (see each file's provenance)."""
    folder = resources.files("rehabresearch.contracts") / "defaults"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            c = parse_contract(yaml.safe_load(entry.read_text(encoding="utf-8")), file=f"defaults/{entry.name}")
            out[c.name] = c
    return out


def contracts_for(contract_file: str | None) -> dict[str, Contract]:
    """A user's contract (by name) when ``contract_file`` is given, else the built-in lots."""
    if contract_file in (None, "", "None"):
        return default_contracts()
    c = load_contract(contract_file)
    return {c.name: c}
