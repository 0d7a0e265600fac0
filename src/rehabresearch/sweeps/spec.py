"""Sweep specifications: read a YAML grid, check every name and value type, expand it into tasks.

A contact sweep (``rehabresearch sweep contact SPEC.yaml``)::

    sweep: contact                 # optional; must match the command if given
    name: national                 # output file name (default: the spec file's name)
    people: 240000                 # synthetic people per task (a list sweeps it)
    weeks: 104                     # weeks simulated (a list sweeps it)
    seeds: 8                       # a list of seeds, or N meaning seeds 1..N
    policies: [flat_monthly, flat_weekly, tiered_front_loaded, tiered_front_loaded_reset]
    compliance: [0.5, 1.0, 1.5, 2.0]   # multipliers on every chance of missing a contact
    cohort: {female_share: [0.1, 0.15]}          # synthetic-cohort settings; a list sweeps a number
    simulation: {caring_miss_multiplier: 1.75}   # behavioural settings of the stepper
    output: data/processed/sweeps/national       # optional output folder

A contract sweep (``rehabresearch sweep contracts SPEC.yaml``)::

    sweep: contracts
    contracts: [accommodation, womens_services, examples/my_contract.yaml, "my_contracts/*.yaml"]
    inputs: {volume_factor: [0.8, 1.0, 1.2, 1.6], caseload_per_worker: [50, 60, 70]}
    monte_carlo: {draws: 2000, seeds: 2, reserve_level: 0.95}   # optional

The grid is the product of every list. An unknown name, a text where a number belongs, or
an empty list is a :class:`SweepSpecError` naming the file and field, raised before any task runs.
"""

from __future__ import annotations

import glob
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .. import paths
from ..contact import microsim
from ..contact import policies as pol
from ..contracts import inputs as contract_inputs
from ..contracts.model import INPUTS, Contract
from ..scale import Task
from .keys import task_key

#: Bumped when a task's output changes shape or meaning, so old cached results are not reused.
FORMAT = 1
KINDS = ("contact", "contracts")
CONTACT_FIELDS = ("sweep", "name", "people", "weeks", "seeds", "policies", "compliance", "cohort", "simulation",
                  "output")
CONTRACT_FIELDS = ("sweep", "name", "contracts", "inputs", "monte_carlo", "output")
MONTE_CARLO_FIELDS = ("draws", "seeds", "reserve_level")
#: Cohort and simulation settings a sweep may set: the scalar fields (numbers or true/false) only.
_COHORT_DEFAULTS = {f.name: f.default for f in fields(microsim.CohortParams) if not callable(f.default_factory)}
COHORT_FIELDS = tuple(k for k, v in _COHORT_DEFAULTS.items() if isinstance(v, (int, float)))
SIMULATION_FIELDS = tuple(f.name for f in fields(microsim.SimParams) if f.name not in ("weeks", "compliance_multiplier"))
_SIM_DEFAULTS = {f.name: f.default for f in fields(microsim.SimParams)}
DEFAULT_OUTPUT = paths.DATA_DIR / "processed" / "sweeps"


class SweepSpecError(ValueError):
    """A sweep specification is invalid; the message names the file and the field."""

    def __init__(self, file: str, field: str, problem: str):
        self.file, self.field, self.problem = file, field, problem
        super().__init__(f"{file}: {field}: {problem}")


@dataclass
class SweepSpec:
    """A checked sweep: its kind, name, output folder and tasks (in grid order)."""

    kind: str
    name: str
    file: str
    output: Path
    tasks: list[Task] = field(default_factory=list)
    #: Parameter columns of the tidy output, in order.
    columns: list[str] = field(default_factory=list)

    @property
    def parquet(self) -> Path:
        return self.output / f"{self.name}.parquet"

    @property
    def csv(self) -> Path:
        return self.output / f"{self.name}.csv"

    @property
    def cache(self) -> Path:
        return self.output / f"{self.name}.cache"


def load_spec(path: str | Path, kind: str | None = None, output: str | Path | None = None) -> SweepSpec:
    """Read and check the YAML sweep ``path``; ``kind`` (contact or contracts) must agree with its ``sweep``."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise FileNotFoundError(f"no sweep specification at {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SweepSpecError(file, "(YAML)", f"not valid YAML: {exc}") from None
    return parse_spec(raw, kind=kind, file=file, output=output, base_dir=path.parent, default_name=path.stem)


def parse_spec(raw: Any, kind: str | None = None, file: str = "<sweep>", output: str | Path | None = None,
               base_dir: Path | None = None, default_name: str = "sweep") -> SweepSpec:
    """Check a sweep given as a mapping (see the module docstring) and expand its grid into tasks."""
    if not isinstance(raw, Mapping):
        raise SweepSpecError(file, "(top level)", "a sweep specification must be a mapping of name: value")
    declared = raw.get("sweep")
    if declared is not None and declared not in KINDS:
        raise SweepSpecError(file, "sweep", f"{declared!r} is not one of {list(KINDS)}")
    if kind is not None and kind not in KINDS:
        raise SweepSpecError(file, "sweep", f"{kind!r} is not one of {list(KINDS)}")
    if kind and declared and kind != declared:
        raise SweepSpecError(file, "sweep", f"the file describes a {declared} sweep but a {kind} sweep was asked for")
    kind = kind or declared
    if kind is None:
        raise SweepSpecError(file, "sweep", f"say which kind of sweep this is ({' or '.join(KINDS)})")
    allowed = CONTACT_FIELDS if kind == "contact" else CONTRACT_FIELDS
    _no_unknown(raw, allowed, file, "(top level)")
    name = str(raw.get("name") or default_name)
    if not name.replace("-", "_").isidentifier():
        raise SweepSpecError(file, "name", f"{name!r}: use letters, digits, '_' or '-' (it names the output files)")
    out = Path(output or raw.get("output") or DEFAULT_OUTPUT / name)
    if not out.is_absolute():
        out = paths.PROJECT_ROOT / out
    spec = SweepSpec(kind, name, file, out)
    base_dir = base_dir or paths.PROJECT_ROOT
    if kind == "contact":
        _contact_tasks(raw, spec, file)
    else:
        _contract_tasks(raw, spec, file, base_dir)
    return spec


# -- helpers -------------------------------------------------------------------------

def _no_unknown(mapping: Mapping, allowed: Sequence[str], file: str, where: str) -> None:
    unknown = [str(k) for k in mapping if k not in allowed]
    if unknown:
        raise SweepSpecError(file, where, f"unknown sweep parameter(s) {unknown}; allowed: {', '.join(allowed)}")


def _values(raw: Any, file: str, field: str) -> list:
    """A field's values as a list (a scalar is a list of one); an empty list is an error."""
    values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    if not values:
        raise SweepSpecError(file, field, "empty list: the grid would have no points")
    return values


def _number(value: Any, file: str, field: str, *, whole: bool = False, minimum: float | None = None) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SweepSpecError(file, field, f"{value!r} is not a number")
    if value != value or value in (float("inf"), float("-inf")):
        raise SweepSpecError(file, field, f"{value!r} is not a finite number")
    if whole and value != int(value):
        raise SweepSpecError(file, field, f"{value!r} is not a whole number")
    if minimum is not None and value < minimum:
        raise SweepSpecError(file, field, f"{value!r} is below the minimum {minimum:g}")
    return int(value) if whole else float(value)


def _typed(value: Any, default: Any, file: str, field: str) -> Any:
    """``value`` checked against the type of ``default`` (true/false, whole number or number)."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SweepSpecError(file, field, f"{value!r} is not true or false")
        return value
    return _number(value, file, field, whole=isinstance(default, int))


def _seeds(raw: Any, file: str, field: str) -> list[int]:
    if raw is None:
        raise SweepSpecError(file, field, "missing: give a list of seeds or a number N (seeds 1 to N)")
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < 1:
            raise SweepSpecError(file, field, f"{raw} seeds: the grid would have no points")
        return list(range(1, raw + 1))
    seeds = [_number(s, file, f"{field}[{i}]", whole=True, minimum=0) for i, s in enumerate(_values(raw, file, field))]
    if len(set(seeds)) != len(seeds):
        raise SweepSpecError(file, field, f"repeated seeds in {seeds}")
    return seeds


def _axes(section: Any, allowed: Sequence[str], defaults: Mapping[str, Any], file: str, where: str) -> dict[str, list]:
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise SweepSpecError(file, where, "must be a mapping of setting: value or list of values")
    _no_unknown(section, allowed, file, where)
    return {k: [_typed(v, defaults[k], file, f"{where}.{k}[{i}]") for i, v in enumerate(_values(section[k], file,
                                                                                                  f"{where}.{k}"))]
            for k in sorted(section)}


def _label(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def _policy_identity(name: Any, file: str, base_dir: Path, index: int) -> tuple[pol.Policy, str]:
    field = f"policies[{index}]"
    if not isinstance(name, str) or not name:
        raise SweepSpecError(file, field, f"{name!r} is not a policy name or path")
    where = name
    if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute():
        candidate = base_dir / name
        where = str(candidate if candidate.is_file() else paths.PROJECT_ROOT / name)
    try:
        policy = pol.load_policy(where)
        text, _ = pol._read(where)
    except (pol.PolicyError, OSError) as exc:
        raise SweepSpecError(file, field, str(exc)) from None
    return policy, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- contact -------------------------------------------------------------------------

def _contact_tasks(raw: Mapping, spec: SweepSpec, file: str) -> None:
    for required in ("people", "policies", "seeds"):
        if raw.get(required) is None:
            raise SweepSpecError(file, required, "missing")
    people = [_number(v, file, f"people[{i}]", whole=True, minimum=1)
              for i, v in enumerate(_values(raw["people"], file, "people"))]
    weeks = [_number(v, file, f"weeks[{i}]", whole=True, minimum=1)
             for i, v in enumerate(_values(raw.get("weeks", _SIM_DEFAULTS["weeks"]), file, "weeks"))]
    seeds = _seeds(raw.get("seeds"), file, "seeds")
    compliance = [_number(v, file, f"compliance[{i}]", minimum=0)
                  for i, v in enumerate(_values(raw.get("compliance", 1.0), file, "compliance"))]
    base_dir = Path(file).parent if file != "<sweep>" else paths.PROJECT_ROOT
    policies = [_policy_identity(p, file, base_dir, i) for i, p in enumerate(_values(raw["policies"], file, "policies"))]
    names = [p.name for p, _ in policies]
    if len(set(names)) != len(names):
        raise SweepSpecError(file, "policies", f"policy names must be unique, got {names}")
    cohort = _axes(raw.get("cohort"), COHORT_FIELDS, _COHORT_DEFAULTS, file, "cohort")
    simulation = _axes(raw.get("simulation"), SIMULATION_FIELDS, _SIM_DEFAULTS, file, "simulation")

    spec.columns = ["people", "weeks", *cohort, *simulation, "compliance_multiplier", "policy", "seed"]
    cohort_grid = [dict(zip(cohort, combo)) for combo in itertools.product(*cohort.values())]
    sim_grid = [dict(zip(simulation, combo)) for combo in itertools.product(*simulation.values())]
    for n, w, c, s, m, (policy, policy_digest), seed in itertools.product(
            people, weeks, cohort_grid, sim_grid, compliance, policies, seeds):
        params = {"kind": "contact", "format": FORMAT, "people": n, "weeks": w, "cohort": c, "simulation": s,
                  "compliance_multiplier": m, "policy": policy.name, "policy_digest": policy_digest, "seed": seed}
        shown = {"people": n, "weeks": w, **c, **s, "compliance_multiplier": m, "policy": policy.name, "seed": seed}
        spec.tasks.append(Task(task_key(params, "contact"), {"params": params, "policy": policy}, _label(shown)))


# -- contracts -----------------------------------------------------------------------

def _contracts(raw: Any, file: str, base_dir: Path) -> list[tuple[Contract, str]]:
    builtin = contract_inputs.default_contracts()
    builtin_digest = _builtin_digest()
    out, seen = [], set()
    for i, entry in enumerate(_values(raw, file, "contracts")):
        field = f"contracts[{i}]"
        if not isinstance(entry, str) or not entry:
            raise SweepSpecError(file, field, f"{entry!r} is not a contract name, file or pattern")
        if entry in builtin:
            c = builtin[entry]
            found = [(c, "builtin:" + builtin_digest)]
        else:
            pattern = entry if Path(entry).is_absolute() else str(base_dir / entry)
            files = sorted(glob.glob(pattern)) or sorted(glob.glob(str(paths.PROJECT_ROOT / entry)))
            if not files:
                raise SweepSpecError(file, field, f"{entry!r} is neither a built-in contract ({', '.join(builtin)}) "
                                                  "nor an existing file or pattern")
            found = []
            for f in files:
                try:
                    c = contract_inputs.load_contract(f)
                except (ValueError, OSError) as exc:
                    raise SweepSpecError(file, field, str(exc)) from None
                found.append((c, hashlib.sha256(Path(f).read_bytes()).hexdigest()[:16]))
        for c, ident in found:
            if c.name in seen:
                raise SweepSpecError(file, field, f"contract name {c.name!r} appears twice; names must be unique")
            seen.add(c.name)
            out.append((c, ident))
    return out


def _builtin_digest() -> str:
    """A digest of the built-in contract files, so editing one invalidates cached results."""
    from importlib import resources

    folder = resources.files("rehabresearch.contracts") / "defaults"
    h = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            h.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return h.hexdigest()[:16]


def _contract_tasks(raw: Mapping, spec: SweepSpec, file: str, base_dir: Path) -> None:
    if raw.get("contracts") is None:
        raise SweepSpecError(file, "contracts", "missing: list built-in contract names, files or patterns")
    contracts = _contracts(raw["contracts"], file, base_dir)
    section = raw.get("inputs") or {}
    if not isinstance(section, Mapping):
        raise SweepSpecError(file, "inputs", "must be a mapping of input: value or list of values")
    _no_unknown(section, list(INPUTS), file, "inputs")
    grid = {}
    for name in section:
        lo, hi = INPUTS[name].lower, INPUTS[name].upper
        values = []
        for i, v in enumerate(_values(section[name], file, f"inputs.{name}")):
            v = _number(v, file, f"inputs.{name}[{i}]")
            if not lo <= v <= hi:
                raise SweepSpecError(file, f"inputs.{name}[{i}]", f"{v:g} is outside the input's range [{lo:g}, {hi:g}]")
            values.append(v)
        grid[name] = values
    mc = raw.get("monte_carlo")
    if mc is not None:
        if not isinstance(mc, Mapping):
            raise SweepSpecError(file, "monte_carlo", "must be a mapping with draws and seeds")
        _no_unknown(mc, MONTE_CARLO_FIELDS, file, "monte_carlo")
        draws = _number(mc.get("draws", 1000), file, "monte_carlo.draws", whole=True, minimum=1)
        seeds = _seeds(mc.get("seeds", 1), file, "monte_carlo.seeds")
        level = _number(mc.get("reserve_level", 0.95), file, "monte_carlo.reserve_level", minimum=0)
        if not 0 < level < 1:
            raise SweepSpecError(file, "monte_carlo.reserve_level", f"{level:g} must be between 0 and 1")
        mc = {"draws": draws, "reserve_level": level}
    else:
        seeds = [None]
    spec.columns = ["contract", *grid, *(["seed"] if mc else [])]
    points = [dict(zip(grid, combo)) for combo in itertools.product(*grid.values())]
    for (contract, ident), point, seed in itertools.product(contracts, points, seeds):
        params = {"kind": "contracts", "format": FORMAT, "contract": contract.name, "contract_digest": ident,
                  "inputs": point, "monte_carlo": mc, "seed": seed}
        shown = {"contract": contract.name, **point, **({"seed": seed} if mc else {})}
        spec.tasks.append(Task(task_key(params, "contracts"), {"params": params, "contract": contract}, _label(shown)))
