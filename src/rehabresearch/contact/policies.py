"""Contact policies as data: a YAML file says how often each tier is seen, how, and what happens on a miss.

A policy is read with :func:`load_policy` (a name from the bundled
``policy_library/`` or a path to the user's own file), checked field by field,
and compiled to a :class:`Policy` of small arrays that the caseload
microsimulation (:mod:`rehabresearch.contact.microsim`) indexes by tier. No
policy is a code branch: flat monthly, flat weekly and the tier-based,
front-loaded schedules differ only in their YAML.

The file format (every section but ``name`` and ``schedule`` is optional and
falls back to the defaults below)::

    name: tiered_front_loaded
    label: Tiered, front-loaded   # optional: the name a reader sees in tables and charts
    description: Weekly at first, then fortnightly, then monthly; faster for lower tiers.
    source: Illustrative; shape from Clinks (seed 001, response to Q2).
    schedule:                 # phases per tier: "default", a protect level A-D, or a full tier A0-D3
      default:                # (a full tier beats its letter, which beats "default")
        - {weeks: 4, every: 1}    # every week for the first 4 weeks on the taper clock
        - {weeks: 8, every: 2}    # then fortnightly for 8 weeks
        - {every: 4}              # then every 4 weeks to the end (the last phase has no "weeks")
    taper: progress           # "time": the taper clock counts weeks; "progress": it runs at the person's progress rate
    step_up: {weeks: 4, every: 1}   # after a missed contact: seen every week for 4 weeks, taper clock paused
    rebook_after_miss_weeks: 1      # without step_up: a missed contact is rebooked this many weeks later
    probation_reset: {enabled: true, fraction: 0.6666667, exceptions: [mappa, very_high_rosh, child_protection]}
    modes: {face_to_face: 0.7, telephone: 0.2, video: 0.1}           # shares of contacts, summing to 1
    minutes: {face_to_face: 60, telephone: 20, video: 40, missed: 15, warning: 30, breach: 120}
    enforcement: {absences_for_breach: 2, window_weeks: 52, acceptable_absence_share: 0.25,
                  recall_share_of_licence_breaches: 0.75}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..validation import YamlModel, check_model, yaml_number
from .workload import CONTACT_MINUTES

#: Version-2 tiers in the order of the Workload Measurement Tool points table (ministryofjustice/wmt-*).
TIERS: tuple[str, ...] = tuple(f"{p}{c}" for p in "ABCD" for c in "3210")
PROTECT_LEVELS: tuple[str, ...] = ("A", "B", "C", "D")
#: Contact modes a policy may use; telephone and video are remote.
MODES: tuple[str, ...] = ("face_to_face", "telephone", "video")
REMOTE_MODES = frozenset({"telephone", "video"})
#: Grounds on which Probation Reset does not end licence supervision at two-thirds: MAPPA, very high
#: RoSH, active child protection (HM Prison and Probation Service, Probation Reset, June 2024).
RESET_EXCEPTIONS: tuple[str, ...] = ("mappa", "very_high_rosh", "child_protection")

#: Officer minutes per event. Contacts take workload.CONTACT_MINUTES (an office visit for face to face);
#: the minutes for a missed appointment, a warning and breach action are ours. All illustrative.
DEFAULT_MINUTES = {"face_to_face": float(CONTACT_MINUTES["office"]), "telephone": float(CONTACT_MINUTES["telephone"]),
                   "video": float(CONTACT_MINUTES["video"]), "missed": 15.0, "warning": 30.0, "breach": 120.0}
#: All contacts face to face unless the policy says otherwise (the monthly face-to-face minimum of the
#: consultation, seed 004 Q2 response quoted under "Summary of responses").
DEFAULT_MODES = {"face_to_face": 1.0}
#: Breach on the second unacceptable absence within 12 months (National Standards: one warning, then
#: breach action); the acceptable-absence and recall shares are illustrative.
DEFAULT_ENFORCEMENT = {"absences_for_breach": 2, "window_weeks": 52, "acceptable_absence_share": 0.25,
                       "recall_share_of_licence_breaches": 0.75}
#: Probation Reset ends licence supervision at two-thirds (HM Prison and Probation Service, from June 2024).
DEFAULT_RESET = {"enabled": False, "fraction": 2 / 3, "exceptions": list(RESET_EXCEPTIONS)}

_LIBRARY = "policy_library"


class _Phase(YamlModel):
    weeks: Any = None
    every: Any = None


class _StepUp(YamlModel):
    weeks: Any = None
    every: Any = None


class _Reset(YamlModel):
    enabled: Any = None
    fraction: Any = None
    exceptions: Any = None


class _Modes(YamlModel):
    face_to_face: Any = None
    telephone: Any = None
    video: Any = None


class _Minutes(YamlModel):
    face_to_face: Any = None
    telephone: Any = None
    video: Any = None
    missed: Any = None
    warning: Any = None
    breach: Any = None


class _Enforcement(YamlModel):
    absences_for_breach: Any = None
    window_weeks: Any = None
    acceptable_absence_share: Any = None
    recall_share_of_licence_breaches: Any = None


class PolicyFile(YamlModel):
    """The shape of a policy file: which keys may appear where (values are checked by :func:`compile_policy`)."""

    name: Any
    schedule: dict[str, list[_Phase]] | None
    label: Any = None
    description: Any = None
    source: Any = None
    taper: Any = None
    step_up: _StepUp | None = None
    rebook_after_miss_weeks: Any = None
    probation_reset: _Reset | None = None
    modes: _Modes | None = None
    minutes: _Minutes | None = None
    enforcement: _Enforcement | None = None


class PolicyError(ValueError):
    """A policy file is invalid; the message names the file, the field and the rule."""


@dataclass(frozen=True, eq=False)
class Policy:
    """A compiled contact policy: per-tier phase arrays plus scalar rules.

    ``phase_end[i, j]`` is the taper-clock week at which phase ``j`` of tier
    ``TIERS[i]`` ends (``inf`` for the open-ended last phase) and
    ``every[i, j]`` its contact interval in weeks.
    """

    name: str
    label: str
    description: str
    source: str
    phase_end: np.ndarray
    every: np.ndarray
    taper_on_progress: bool
    step_up_weeks: int
    step_up_every: int
    rebook_after_miss_weeks: int
    reset_enabled: bool
    reset_fraction: float
    reset_exceptions: tuple[str, ...]
    mode_names: tuple[str, ...]
    mode_cum_share: np.ndarray
    mode_remote: np.ndarray
    mode_minutes: np.ndarray
    minutes_missed: float
    minutes_warning: float
    minutes_breach: float
    absences_for_breach: int
    window_weeks: int
    acceptable_absence_share: float
    recall_share_of_licence_breaches: float

    def interval(self, tier_idx: np.ndarray, clock: np.ndarray) -> np.ndarray:
        """Contact interval (weeks) for people at tier indices ``tier_idx`` with taper clocks ``clock``."""
        ends = self.phase_end[tier_idx]
        phase = (np.asarray(clock)[:, None] >= ends).sum(axis=1)
        return self.every[tier_idx, phase]

    def schedule_table(self) -> Any:
        """The schedule as a readable table: one row per tier and phase (for reports)."""
        import pandas as pd

        rows = []
        for i, tier in enumerate(TIERS):
            start = 0.0
            for end, every in zip(self.phase_end[i], self.every[i]):
                rows.append({"tier": tier, "from_week": int(start),
                             "to_week": "end" if math.isinf(end) else int(end), "every_weeks": int(every)})
                if math.isinf(end):
                    break
                start = end
        return pd.DataFrame(rows)


def describe_policies(policies: list[Policy]) -> Any:
    """One row per policy and protect level (or tier, where tiers of a level differ): schedule in words,
    modes, step-up and Probation Reset, for a reviewer. Policies are named by their readable ``label``."""
    import pandas as pd

    rows = []
    for p in policies:
        table = p.schedule_table()
        texts = {t: _phases_text(g) for t, g in table.groupby("tier", sort=False)}
        if len(set(texts.values())) == 1:
            groups = [("all", TIERS[0])]
        else:
            groups = []
            for level in PROTECT_LEVELS:
                tiers = [t for t in TIERS if t[0] == level]
                groups += [(level, tiers[0])] if len({texts[t] for t in tiers}) == 1 else [(t, t) for t in tiers]
        for key, example in groups:
            rows.append({
                "Policy": p.label, "Protect level": "all" if key == "all" else key, "Schedule": texts[example],
                "Contact by": ", ".join(f"{m.replace('_', ' ')} {s:.0%}" for m, s in
                                   zip(p.mode_names, np.diff(np.concatenate([[0.0], p.mode_cum_share])))),
                "After a missed contact": (f"weekly for {p.step_up_weeks} weeks" if p.step_up_weeks and p.step_up_every == 1
                                 else f"every {p.step_up_every} weeks for {p.step_up_weeks} weeks" if p.step_up_weeks
                                 else "rebooked the next week" if p.rebook_after_miss_weeks == 1
                                 else f"rebooked {p.rebook_after_miss_weeks} weeks later"),
                "Probation Reset": f"yes: supervision ends {p.reset_fraction:.0%} through a licence" if p.reset_enabled else "no",
            })
    return pd.DataFrame(rows)


def _phases_text(table) -> str:
    parts = []
    for row in table.itertuples(index=False):
        every = "weekly" if row.every_weeks == 1 else f"every {row.every_weeks} weeks"
        parts.append(every + ("" if row.to_week == "end" else f" for {row.to_week - row.from_week} weeks"))
    return ", then ".join(parts)


def available_policies() -> list[str]:
    """Names of the policies bundled in ``policy_library/``."""
    lib = resources.files(__package__) / _LIBRARY
    return sorted(p.name[:-5] for p in lib.iterdir() if p.name.endswith(".yaml"))


def load_policy(path_or_name: str | Path) -> Policy:
    """Read, validate and compile a policy from a YAML path or a bundled policy name."""
    text, origin = _read(path_or_name)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{origin}: not valid YAML: {exc}") from None
    return compile_policy(raw, origin=origin)


def _read(path_or_name: str | Path) -> tuple[str, str]:
    p = Path(path_or_name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise PolicyError(f"policy file {p} does not exist")
        return p.read_text(encoding="utf-8"), str(p)
    lib = resources.files(__package__) / _LIBRARY / f"{path_or_name}.yaml"
    if not lib.is_file():
        raise PolicyError(f"no policy named {str(path_or_name)!r}: bundled policies are {available_policies()}; "
                          "or pass a path ending in .yaml")
    return lib.read_text(encoding="utf-8"), f"policy_library/{path_or_name}.yaml"


def compile_policy(raw: Any, origin: str = "<policy>") -> Policy:
    """Validate a parsed policy mapping and compile it to arrays; errors name ``origin`` and the field."""

    def fail(field: str, msg: str):
        raise PolicyError(f"{origin}: {field}: {msg}")

    if not isinstance(raw, Mapping):
        raise PolicyError(f"{origin}: a policy must be a YAML mapping, got {type(raw).__name__}")
    check_model(PolicyFile, raw, lambda field, msg: PolicyError(f"{origin}: {field}: {msg}"), index_base=0,
                where="policy")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        fail("name", f"must be a non-empty string, got {name!r}")

    label = raw.get("label", name.strip().replace("_", " ").capitalize())
    if not isinstance(label, str) or not label.strip():
        fail("label", f"must be a non-empty string, got {label!r}")

    phase_end, every = _compile_schedule(raw["schedule"], fail)

    taper = raw.get("taper", "time")
    if taper not in ("time", "progress"):
        fail("taper", f"must be 'time' or 'progress', got {taper!r}")

    step = raw.get("step_up")
    step_weeks, step_every = 0, 1
    if step is not None:
        if not isinstance(step, Mapping):
            fail("step_up", "must be a mapping {weeks, every} or null")
        step_weeks = _whole(step.get("weeks"), "step_up.weeks", fail, minimum=1)
        step_every = _whole(step.get("every"), "step_up.every", fail, minimum=1)
    rebook = _whole(raw.get("rebook_after_miss_weeks", 1), "rebook_after_miss_weeks", fail, minimum=1)

    reset = {**DEFAULT_RESET, **_mapping(raw.get("probation_reset", {}), "probation_reset", fail)}
    if not isinstance(reset["enabled"], bool):
        fail("probation_reset.enabled", f"must be true or false, got {reset['enabled']!r}")
    fraction = _number(reset["fraction"], "probation_reset.fraction", fail)
    if not 0 < fraction <= 1:
        fail("probation_reset.fraction", f"must be in (0, 1], got {fraction}")
    exceptions = reset["exceptions"] or []
    if not isinstance(exceptions, list):
        fail("probation_reset.exceptions", "must be a list")
    bad = [e for e in exceptions if e not in RESET_EXCEPTIONS]
    if bad:
        fail("probation_reset.exceptions", f"unknown exception(s) {bad}; allowed: {list(RESET_EXCEPTIONS)}")

    modes = _mapping(raw.get("modes", DEFAULT_MODES), "modes", fail)
    shares = {m: _number(v, f"modes.{m}", fail) for m, v in modes.items()}
    for m, v in shares.items():
        if not 0 <= v <= 1:
            fail(f"modes.{m}", f"share must be between 0 and 1, got {v}")
    if not shares or abs(sum(shares.values()) - 1) > 1e-6:
        fail("modes", f"shares must sum to 1, got {sum(shares.values()):.6g} from {shares}")

    minutes = {**DEFAULT_MINUTES, **_mapping(raw.get("minutes", {}), "minutes", fail)}
    minutes = {k: _number(v, f"minutes.{k}", fail) for k, v in minutes.items()}
    for k, v in minutes.items():
        if v < 0:
            fail(f"minutes.{k}", f"must not be negative, got {v}")

    enf = {**DEFAULT_ENFORCEMENT, **_mapping(raw.get("enforcement", {}), "enforcement", fail)}
    k = _whole(enf["absences_for_breach"], "enforcement.absences_for_breach", fail, minimum=1)
    window = _whole(enf["window_weeks"], "enforcement.window_weeks", fail, minimum=1)
    acceptable = _number(enf["acceptable_absence_share"], "enforcement.acceptable_absence_share", fail)
    recall = _number(enf["recall_share_of_licence_breaches"], "enforcement.recall_share_of_licence_breaches", fail)
    for field, v in (("acceptable_absence_share", acceptable), ("recall_share_of_licence_breaches", recall)):
        if not 0 <= v <= 1:
            fail(f"enforcement.{field}", f"must be between 0 and 1, got {v}")

    names = tuple(m for m in MODES if m in shares)
    return Policy(
        name=name.strip(), label=label.strip(), description=str(raw.get("description", "")).strip(),
        source=str(raw.get("source", "")).strip(),
        phase_end=phase_end, every=every, taper_on_progress=taper == "progress",
        step_up_weeks=step_weeks, step_up_every=step_every, rebook_after_miss_weeks=rebook,
        reset_enabled=reset["enabled"], reset_fraction=fraction, reset_exceptions=tuple(exceptions),
        mode_names=names,
        mode_cum_share=np.cumsum([shares[m] for m in names]) / sum(shares.values()),
        mode_remote=np.array([m in REMOTE_MODES for m in names]),
        mode_minutes=np.array([minutes[m] for m in names], dtype=np.float64),
        minutes_missed=minutes["missed"], minutes_warning=minutes["warning"], minutes_breach=minutes["breach"],
        absences_for_breach=k, window_weeks=window, acceptable_absence_share=acceptable,
        recall_share_of_licence_breaches=recall,
    )


def _compile_schedule(schedule: Any, fail) -> tuple[np.ndarray, np.ndarray]:
    """Per-tier phases → (phase_end, every) arrays of shape (len(TIERS), max phases)."""
    if not isinstance(schedule, Mapping) or not schedule:
        fail("schedule", "must be a non-empty mapping of tier -> list of phases")
    allowed = {"default", *PROTECT_LEVELS, *TIERS}
    unknown = [k for k in schedule if str(k) not in allowed]
    if unknown:
        fail("schedule", f"unknown tier(s) {unknown}; use 'default', a protect level {list(PROTECT_LEVELS)} "
                         f"or a full tier such as 'B2'")
    compiled = {str(key): _compile_phases(phases, f"schedule.{key}", fail) for key, phases in schedule.items()}
    per_tier = []
    for tier in TIERS:
        chosen = compiled.get(tier) or compiled.get(tier[0]) or compiled.get("default")
        if chosen is None:
            missing = [t for t in TIERS if not (t in compiled or t[0] in compiled or "default" in compiled)]
            fail("schedule", f"no phases for tier(s) {missing}; add them or a 'default'")
        per_tier.append(chosen)
    width = max(len(p) for p in per_tier)
    phase_end = np.full((len(TIERS), width), np.inf)
    every = np.zeros((len(TIERS), width), dtype=np.int64)
    for i, phases in enumerate(per_tier):
        for j, (end, ev) in enumerate(phases):
            phase_end[i, j], every[i, j] = end, ev
        every[i, len(phases):] = phases[-1][1]
    return phase_end, every


def _compile_phases(phases: Any, field: str, fail) -> list[tuple[float, int]]:
    if not isinstance(phases, list) or not phases:
        fail(field, "must be a non-empty list of phases like {weeks: 4, every: 1}")
    out, end = [], 0.0
    for j, ph in enumerate(phases):
        where = f"{field}[{j}]"
        if not isinstance(ph, Mapping):
            fail(where, f"must be a mapping with 'every' (and 'weeks' unless last), got {ph!r}")
        ev = _whole(ph.get("every"), f"{where}.every", fail, minimum=1)
        last = j == len(phases) - 1
        if last:
            if "weeks" in ph:
                fail(f"{where}.weeks", "the last phase runs to the end of supervision; remove 'weeks'")
            out.append((math.inf, ev))
        else:
            end += _whole(ph.get("weeks"), f"{where}.weeks", fail, minimum=1)
            out.append((end, ev))
    return out


def _mapping(value: Any, field: str, fail) -> Mapping:
    if not isinstance(value, Mapping):
        fail(field, f"must be a mapping, got {value!r}")
    return value


def _number(value: Any, field: str, fail) -> float:
    value = yaml_number(value)  # YAML 1.1 reads 1.2e2 as text; it is a number
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fail(field, f"must be a number, got {value!r}")
    return float(value)


def _whole(value: Any, field: str, fail, minimum: int) -> int:
    value = yaml_number(value)
    if value is None:
        fail(field, "is required")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
        fail(field, f"must be a whole number of weeks, got {value!r}")
    if value < minimum:
        fail(field, f"must be at least {minimum}, got {value!r}" + (" (negative interval)" if value < 0 else ""))
    return int(value)
