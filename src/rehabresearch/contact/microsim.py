"""Caseload microsimulation: a synthetic cohort stepped week by week under a contact policy.

:func:`synthetic_cohort` draws people (tier, case type, order or licence
length, sex, caring responsibilities, flags for the Probation Reset exceptions,
and propensities to miss contact and to progress) from :class:`CohortParams`.
:func:`simulate` steps them through :class:`SimParams` ``weeks`` under a
compiled :class:`~rehabresearch.contact.policies.Policy`. The loop is over weeks
only; every operation inside it is an array operation over the people due
that week. Each week:

1. people whose supervision has started, not ended (length, or the two-thirds
   point under Probation Reset) and who have not been recalled are active;
2. active people whose next contact is due are offered one, in a mode drawn
   from the policy's shares;
3. each offered contact is missed with the person's miss probability (raised
   for face-to-face contact by caring responsibilities, lowered for remote
   contact); a share of misses is accepted as reasonable, the rest are
   unacceptable absences;
4. an unacceptable absence is a warning unless the person already has
   ``absences_for_breach - 1`` within ``window_weeks``: then it is a breach
   (the warning count starts afresh); a licence breach leads to recall (the
   person leaves the community caseload) with the policy's recall share;
5. the next contact is booked: after a miss at the step-up interval (or the
   rebook interval), otherwise at the interval of the person's phase on the
   taper clock, which advances one week per week (or at the person's progress
   rate) except during a step-up.

People past the two-thirds point of a licence under Probation Reset are
unsupervised: they leave the supervised caseload but are counted, until their
licence ends, in ``unsupervised_weeks`` (and the monthly ``unsupervised``
caseload), the people the tiering service shows with the tier suffix "S";
:func:`tiers_at` gives each person's tier with that suffix at a week.

Results are summed by month, tier, sex and case type (never stored per
person-week), so a million people fit in memory. :func:`run_replicates`
repeats a comparison over seeds; :func:`interval_summary` turns replicates into
means and 95% intervals; :func:`workload_by_month` converts caseload and
contact time into WMT points, capacity and officers needed via
:mod:`rehabresearch.contact.workload`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import workload
from .policies import PROTECT_LEVELS, TIERS, Policy

SEXES = ("male", "female")
CASE_TYPES = ("community", "licence")
#: Outputs summed per month × tier × sex × case type × caring; ``starts`` counts people starting that month.
METRICS = ("starts", "person_weeks", "scheduled", "attended", "missed", "face_to_face", "remote", "acceptable_absences",
           "warnings", "breaches", "recalls", "officer_minutes", "unsupervised_weeks")
#: Version-2 tier suffix of people past the two-thirds point of a licence under Probation Reset: the tiering
#: service marks them with the two-thirds (PRC) registration and shows their tier as e.g. "B2S".
UNSUPERVISED_SUFFIX = "S"


def _default_tier_mix() -> dict[str, float]:
    # Illustrative: most people in the middle protect levels, few in A (about 3%) and change level 2 the commonest.
    protect = {"A": 0.03, "B": 0.37, "C": 0.35, "D": 0.25}
    change = {"3": 0.15, "2": 0.40, "1": 0.30, "0": 0.15}
    return {p + c: protect[p] * change[c] for p in protect for c in change}


@dataclass(frozen=True)
class CohortParams:
    """Distributions of the synthetic cohort. All illustrative unless a source is named."""

    #: Share of people in each version-2 tier (illustrative; normalised to sum to 1).
    tier_mix: Mapping[str, float] = field(default_factory=_default_tier_mix)
    #: Share on licence rather than a community order (illustrative).
    licence_share: float = 0.4
    #: Community order length in weeks -> share (illustrative; orders run up to 3 years).
    community_weeks: Mapping[int, float] = field(default_factory=lambda: {52: 0.5, 78: 0.2, 104: 0.3})
    #: Licence period in weeks -> share (illustrative).
    licence_weeks: Mapping[int, float] = field(default_factory=lambda: {26: 0.3, 52: 0.4, 104: 0.3})
    #: Share of women (illustrative, of the order of one in ten people on probation).
    female_share: float = 0.1
    #: Share with caring responsibilities, women and men (illustrative; Clinks, seed 001 Q2, says most
    #: caring falls on women but gives no figure).
    caring_share_female: float = 0.5
    caring_share_male: float = 0.1
    #: Mean chance of missing a face-to-face contact before the caring and mode multipliers (illustrative).
    miss_mean: float = 0.06
    #: Beta concentration of the person-level miss propensity (illustrative; larger = less spread).
    miss_concentration: float = 8.0
    #: Multiplier on the miss propensity by change level 0-3 (illustrative: more needs, more misses).
    miss_by_change_level: Sequence[float] = (0.8, 1.0, 1.2, 1.5)
    #: Mean weekly progress rate, the speed of the taper clock (illustrative).
    progress_mean: float = 0.75
    #: Beta concentration of the progress rate (illustrative).
    progress_concentration: float = 6.0
    #: Chance of each Probation Reset exception by protect level A-D (illustrative: MAPPA and very high
    #: RoSH concentrate in A because each scores 150 protect points under hmpps-tier's version-2 rules).
    mappa_by_protect: Sequence[float] = (0.6, 0.1, 0.02, 0.0)
    very_high_rosh_by_protect: Sequence[float] = (0.5, 0.0, 0.0, 0.0)
    child_protection_by_protect: Sequence[float] = (0.2, 0.1, 0.05, 0.02)
    #: Starts spread uniformly over this many weeks (0 = everyone starts in week 0, a single cohort).
    start_spread_weeks: int = 0


@dataclass(frozen=True)
class SimParams:
    """Behavioural assumptions of the stepper (all illustrative)."""

    #: Weeks simulated.
    weeks: int = 104
    #: Multiplier on a carer's chance of missing a face-to-face contact (illustrative; the Clinks
    #: concern, seed 001 Q2, that attending is hard for people with caring responsibilities).
    caring_miss_multiplier: float = 1.75
    #: Multiplier on the chance of missing a remote (telephone/video) contact (illustrative).
    remote_miss_multiplier: float = 0.6
    #: Whether the caring multiplier also applies to remote contact (illustrative: no).
    caring_affects_remote: bool = False
    #: Scales every miss probability: the compliance sensitivity knob (1 = as drawn).
    compliance_multiplier: float = 1.0


def _check_shares(shares: Mapping, name: str, keys: Iterable | None = None) -> tuple[list, np.ndarray]:
    items = list(shares.items())
    if not items:
        raise ValueError(f"{name}: empty")
    if keys is not None:
        bad = [k for k, _ in items if k not in set(keys)]
        if bad:
            raise ValueError(f"{name}: unknown key(s) {bad}")
    values = np.array([float(v) for _, v in items])
    if (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"{name}: shares must be non-negative with a positive total, got {dict(shares)}")
    return [k for k, _ in items], values / values.sum()


def _check_prob(value: float, name: str) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def synthetic_cohort(n: int, rng: np.random.Generator, params: CohortParams = CohortParams()) -> pd.DataFrame:
    """Draw ``n`` synthetic people (labelled synthetic: no row is a real person)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    for name in ("licence_share", "female_share", "caring_share_female", "caring_share_male", "miss_mean",
                 "progress_mean"):
        _check_prob(getattr(params, name), name)
    for name in ("mappa_by_protect", "very_high_rosh_by_protect", "child_protection_by_protect"):
        values = getattr(params, name)
        if len(values) != len(PROTECT_LEVELS):
            raise ValueError(f"{name} needs one value per protect level {PROTECT_LEVELS}, got {list(values)}")
        for level, v in zip(PROTECT_LEVELS, values):
            _check_prob(v, f"{name}[{level}]")
    if len(params.miss_by_change_level) != 4 or min(params.miss_by_change_level) < 0:
        raise ValueError(f"miss_by_change_level needs 4 non-negative values, got {list(params.miss_by_change_level)}")
    if params.start_spread_weeks < 0:
        raise ValueError(f"start_spread_weeks must not be negative, got {params.start_spread_weeks}")

    tiers, p_tier = _check_shares(params.tier_mix, "tier_mix", TIERS)
    tier_code = np.array([TIERS.index(t) for t in tiers])[rng.choice(len(tiers), size=n, p=p_tier)]
    protect = tier_code // 4
    change = 3 - tier_code % 4
    licence = rng.random(n) < params.licence_share
    lengths = {}
    for kind in CASE_TYPES:
        weeks, p = _check_shares(getattr(params, f"{kind}_weeks"), f"{kind}_weeks")
        if min(weeks) < 1:
            raise ValueError(f"{kind}_weeks: lengths must be at least 1 week, got {weeks}")
        lengths[kind] = np.asarray(weeks)[rng.choice(len(weeks), size=n, p=p)]
    length = np.where(licence, lengths["licence"], lengths["community"])
    female = rng.random(n) < params.female_share
    caring = rng.random(n) < np.where(female, params.caring_share_female, params.caring_share_male)
    mean = params.miss_mean
    miss = rng.beta(mean * params.miss_concentration, (1 - mean) * params.miss_concentration, size=n) \
        if 0 < mean < 1 else np.full(n, mean)
    miss = np.clip(miss * np.asarray(params.miss_by_change_level, dtype=float)[change], 0, 1)
    pm = params.progress_mean
    progress = rng.beta(pm * params.progress_concentration, (1 - pm) * params.progress_concentration, size=n) \
        if 0 < pm < 1 else np.full(n, pm)
    flags = {name: rng.random(n) < np.asarray(getattr(params, f"{name}_by_protect"))[protect]
             for name in ("mappa", "very_high_rosh", "child_protection")}
    start = rng.integers(0, params.start_spread_weeks, size=n) if params.start_spread_weeks else np.zeros(n, int)
    return pd.DataFrame({
        "tier": pd.Categorical.from_codes(tier_code, categories=list(TIERS)),
        "case_type": pd.Categorical.from_codes(licence.astype(np.int8), categories=list(CASE_TYPES)),
        "sex": pd.Categorical.from_codes(female.astype(np.int8), categories=list(SEXES)),
        "length_weeks": length.astype(np.int32),
        "start_week": start.astype(np.int32),
        "caring": caring,
        **flags,
        "miss_propensity": miss.astype(np.float32),
        "progress_propensity": progress.astype(np.float32),
    })


def tier_distribution(cohort: pd.DataFrame, policy: Policy | None = None) -> pd.DataFrame:
    """People by protect level (rows A-D) and change level (columns 3-0), with totals.

    With a ``policy`` that has Probation Reset, four more rows count, by the same levels, the people who
    pass the two-thirds point of a licence without an exception and so become unsupervised before it
    ends: the tiering service then shows their tier with the suffix "S" (e.g. B2S). Those rows are a
    subset of the first four, not additions to them.
    """
    tiers = cohort["tier"].astype(str)

    def table(t: pd.Series) -> pd.DataFrame:
        out = pd.crosstab(t.str[0], t.str[1]).reindex(index=list(PROTECT_LEVELS), columns=list("3210"), fill_value=0)
        out.columns = [f"change {c}" for c in out.columns]
        out["total"] = out.sum(axis=1)
        return out

    result = table(tiers)
    if policy is not None and policy.reset_enabled:
        later = table(tiers[unsupervised_from(cohort, policy) >= 0])
        later.index = [f"{level}, of whom unsupervised after two-thirds (tiers {level}3{UNSUPERVISED_SUFFIX} to "
                       f"{level}0{UNSUPERVISED_SUFFIX})" for level in later.index]
        result = pd.concat([result, later])
    result.index.name = "protect level"
    return result.reset_index()


def unsupervised_from(cohort: pd.DataFrame, policy: Policy) -> np.ndarray:
    """Week from which each person is unsupervised under ``policy``'s Probation Reset (the two-thirds point of
    a licence without an exception, when it comes before the licence ends); -1 for people never unsupervised."""
    a = _cohort_arrays(cohort)
    end, full = _supervision_end(a, policy), a["start_week"] + a["length_weeks"]
    return np.where(end < full, end, -1)


def tiers_at(cohort: pd.DataFrame, policy: Policy, week: int) -> pd.Series:
    """Each person's version-2 tier at ``week`` as the tiering service shows it: with the suffix "S" once past
    the two-thirds point of a licence under Probation Reset (until the licence ends), else the tier alone."""
    start = unsupervised_from(cohort, policy)
    a = _cohort_arrays(cohort)
    past = (start >= 0) & (start <= week) & (week < a["start_week"] + a["length_weeks"])
    tiers = cohort["tier"].astype(str).to_numpy(dtype=object)
    return pd.Series(np.where(past, tiers + UNSUPERVISED_SUFFIX, tiers), index=cohort.index, name="tier")


_REQUIRED = ("tier", "case_type", "sex", "length_weeks", "start_week", "caring", "mappa", "very_high_rosh",
             "child_protection", "miss_propensity", "progress_propensity")


def _codes(cohort: pd.DataFrame, column: str, allowed: Sequence[str]) -> np.ndarray:
    values = cohort[column]
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(allowed):
        codes = values.cat.codes.to_numpy()
    else:
        codes = pd.Categorical(values.astype(str), categories=list(allowed)).codes
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        raise ValueError(f"cohort column {column!r}, row {bad[0]}: {values.iloc[bad[0]]!r} is not one of {list(allowed)}")
    return codes.astype(np.int64)


def _cohort_arrays(cohort: pd.DataFrame) -> dict[str, np.ndarray]:
    missing = [c for c in _REQUIRED if c not in cohort.columns]
    if missing:
        raise ValueError(f"cohort is missing column(s) {missing}")
    out = {"tier": _codes(cohort, "tier", TIERS), "licence": _codes(cohort, "case_type", CASE_TYPES) == 1,
           "female": _codes(cohort, "sex", SEXES) == 1}
    for col in ("length_weeks", "start_week"):
        v = cohort[col].to_numpy()
        bad = np.flatnonzero(~np.isfinite(v.astype(float)) | (v < (1 if col == "length_weeks" else 0)))
        if bad.size:
            raise ValueError(f"cohort column {col!r}, row {bad[0]}: invalid value {v[bad[0]]!r}")
        out[col] = v.astype(np.int64)
    for col in ("miss_propensity", "progress_propensity"):
        v = cohort[col].to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~((v >= 0) & (v <= 1)))
        if bad.size:
            raise ValueError(f"cohort column {col!r}, row {bad[0]}: {v[bad[0]]!r} is not a probability in [0, 1]")
        out[col] = v
    for col in ("caring", "mappa", "very_high_rosh", "child_protection"):
        v = cohort[col]
        ok = v.isin([True, False]).to_numpy()
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            raise ValueError(f"cohort column {col!r}, row {row}: {v.iloc[row]!r} is not true/false")
        out[col] = v.to_numpy(dtype=bool)
    return out


@dataclass(frozen=True)
class SimResult:
    """Monthly aggregates (one row per month × tier × sex × case type × caring) and per-person totals."""

    monthly: pd.DataFrame
    people: pd.DataFrame


def _supervision_end(a: Mapping[str, np.ndarray], policy: Policy) -> np.ndarray:
    """First week each person is no longer supervised: start + length, or the two-thirds point of a
    licence under Probation Reset unless one of the policy's exceptions applies."""
    end = a["start_week"] + a["length_weeks"]
    if not policy.reset_enabled:
        return end
    exempt = np.zeros(len(end), dtype=bool)
    for name in policy.reset_exceptions:
        exempt |= a[name]
    # The tolerance keeps 2/3 written as 0.6666667 from pushing 39 weeks to 27.
    cut = a["start_week"] + np.ceil(a["length_weeks"] * policy.reset_fraction - 1e-5).astype(np.int64)
    return np.where(a["licence"] & ~exempt, np.minimum(cut, end), end)


def month_of_week(weeks: int) -> np.ndarray:
    """Calendar month (0-based) of each simulated week: 52 weeks to 12 months."""
    return (np.arange(weeks) * 12) // 52


def simulate(cohort: pd.DataFrame, policy: Policy, rng: np.random.Generator,
             params: SimParams = SimParams()) -> SimResult:
    """Step ``cohort`` through ``params.weeks`` weeks under ``policy`` (vectorised over people)."""
    if params.weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {params.weeks}")
    for name in ("caring_miss_multiplier", "remote_miss_multiplier", "compliance_multiplier"):
        if getattr(params, name) < 0:
            raise ValueError(f"{name} must not be negative, got {getattr(params, name)}")
    a = _cohort_arrays(cohort)
    n, weeks = len(cohort), params.weeks
    tier, licence, start = a["tier"], a["licence"], a["start_week"]
    end = _supervision_end(a, policy)
    full_end32 = (start + a["length_weeks"]).astype(np.int32)
    group = ((tier * 2 + a["female"]) * 2 + licence) * 2 + a["caring"]
    n_groups = len(TIERS) * 2 * 2 * 2
    base = a["miss_propensity"] * params.compliance_multiplier
    p_f2f = np.clip(base * np.where(a["caring"], params.caring_miss_multiplier, 1.0), 0, 1).astype(np.float32)
    remote_caring = params.caring_miss_multiplier if params.caring_affects_remote else 1.0
    p_remote = np.clip(base * params.remote_miss_multiplier * np.where(a["caring"], remote_caring, 1.0),
                       0, 1).astype(np.float32)
    rate = (a["progress_propensity"] if policy.taper_on_progress else np.ones(n)).astype(np.float32)
    unacceptable_share = np.float32(1 - policy.acceptable_absence_share)

    next_due = start.astype(np.int32)
    clock = np.zeros(n, dtype=np.float32)
    stepup_until = np.full(n, -1, dtype=np.int32)
    k = policy.absences_for_breach
    never = np.int32(-(10 ** 6))
    recent_ua = np.full((n, k - 1), never, dtype=np.int32)  # last k-1 unacceptable absences, oldest first
    recalled = np.zeros(n, dtype=bool)
    per_person = {m: np.zeros(n, dtype=np.int32) for m in ("attended", "missed", "warnings", "breaches")}
    weekly = np.zeros((weeks, len(METRICS), n_groups))
    col = {m: i for i, m in enumerate(METRICS)}
    start32, end32 = start.astype(np.int32), end.astype(np.int32)
    starting = start < weeks
    np.add.at(weekly, (start[starting], col["starts"], group[starting]), 1)

    for t in range(weeks):
        active = (start32 <= t) & (end32 > t) & ~recalled
        w = weekly[t]
        w[col["person_weeks"]] = np.bincount(group[active], minlength=n_groups)
        unsupervised = (end32 <= t) & (full_end32 > t) & ~recalled  # past two-thirds under Probation Reset
        w[col["unsupervised_weeks"]] = np.bincount(group[unsupervised], minlength=n_groups)
        due = np.flatnonzero(active & (next_due <= t))
        g = group[due]
        mode = np.searchsorted(policy.mode_cum_share, rng.random(due.size, dtype=np.float32), side="right")
        mode = np.minimum(mode, len(policy.mode_names) - 1)
        remote = policy.mode_remote[mode]
        p = np.where(remote, p_remote[due], p_f2f[due])
        u = rng.random(due.size, dtype=np.float32)
        missed = u < p
        unacceptable = u < p * unacceptable_share
        attended = ~missed

        ua = due[unacceptable]
        if k == 1:
            breach_mask = np.ones(ua.size, dtype=bool)
        else:
            breach_mask = recent_ua[ua, 0] > t - policy.window_weeks
            warn = ua[~breach_mask]
            recent_ua[warn, :-1] = recent_ua[warn, 1:]
            recent_ua[warn, -1] = t
            recent_ua[ua[breach_mask]] = never
        breached = ua[breach_mask]
        recall_now = breached[licence[breached] & (rng.random(breached.size) < policy.recall_share_of_licence_breaches)]
        recalled[recall_now] = True

        if policy.step_up_weeks:
            stepup_until[due[missed]] = t + policy.step_up_weeks
            in_stepup = stepup_until[due] > t
            gap = np.where(in_stepup, policy.step_up_every, policy.interval(tier[due], clock[due]))
        else:
            gap = np.where(missed, policy.rebook_after_miss_weeks, policy.interval(tier[due], clock[due]))
        next_due[due] = t + gap
        clock += rate * (active & (stepup_until <= t))

        minutes = np.where(attended, policy.mode_minutes[mode], policy.minutes_missed)
        w[col["scheduled"]] = np.bincount(g, minlength=n_groups)
        w[col["attended"]] = np.bincount(g, weights=attended, minlength=n_groups)
        w[col["missed"]] = np.bincount(g, weights=missed, minlength=n_groups)
        w[col["face_to_face"]] = np.bincount(g, weights=attended & ~remote, minlength=n_groups)
        w[col["remote"]] = np.bincount(g, weights=attended & remote, minlength=n_groups)
        w[col["acceptable_absences"]] = np.bincount(g, weights=missed & ~unacceptable, minlength=n_groups)
        w[col["warnings"]] = np.bincount(group[ua], weights=~breach_mask, minlength=n_groups)
        w[col["breaches"]] = np.bincount(group[breached], minlength=n_groups)
        w[col["recalls"]] = np.bincount(group[recall_now], minlength=n_groups)
        w[col["officer_minutes"]] = (np.bincount(g, weights=minutes, minlength=n_groups)
                                     + w[col["warnings"]] * policy.minutes_warning
                                     + w[col["breaches"]] * policy.minutes_breach)
        per_person["attended"][due] += attended
        per_person["missed"][due] += missed
        per_person["warnings"][ua[~breach_mask]] += 1
        per_person["breaches"][breached] += 1

    return SimResult(monthly=_monthly_frame(weekly), people=pd.DataFrame({
        **per_person, "recalled": recalled, "supervision_end_week": end, }))


def _monthly_frame(weekly: np.ndarray) -> pd.DataFrame:
    weeks = weekly.shape[0]
    months = month_of_week(weeks)
    n_months = months[-1] + 1
    monthly = np.zeros((n_months,) + weekly.shape[1:])
    np.add.at(monthly, months, weekly)
    n_groups = weekly.shape[2]
    g = np.arange(n_groups)
    caring, case_idx, sex_idx, tier_idx = g % 2, (g // 2) % 2, (g // 4) % 2, g // 8
    frame = pd.DataFrame({
        "month": np.repeat(np.arange(n_months), n_groups) + 1,
        "tier": np.tile(np.asarray(TIERS)[tier_idx], n_months),
        "sex": np.tile(np.asarray(SEXES)[sex_idx], n_months),
        "case_type": np.tile(np.asarray(CASE_TYPES)[case_idx], n_months),
        "caring": np.tile(caring.astype(bool), n_months),
        "weeks_in_month": np.repeat(np.bincount(months), n_groups),
    })
    for i, m in enumerate(METRICS):
        frame[m] = monthly[:, i, :].reshape(-1)
    frame["caseload"] = frame["person_weeks"] / frame["weeks_in_month"]
    frame["unsupervised"] = frame["unsupervised_weeks"] / frame["weeks_in_month"]  # tier shown with suffix "S"
    frame["officer_hours"] = frame["officer_minutes"] / 60
    return frame


def run_replicates(n: int, policies: Sequence[Policy], seeds: Sequence[int],
                   cohort_params: CohortParams = CohortParams(), sim_params: SimParams = SimParams(),
                   scheduler=None) -> pd.DataFrame:
    """Simulate every policy on the same cohort per seed; stack the monthly frames with ``replicate`` and ``policy``.

    Each seed draws one cohort and one stream of behaviour shared by all policies
    (common random numbers), so policy differences are not seed noise. Each seed is
    one task of :func:`rehabresearch.scale.run_tasks`: ``scheduler`` empty runs them
    here one after another; ``"local"`` or a Dask scheduler address runs them on a
    cluster with the same numbers (each replicate's streams come from its own seed).
    """
    if not seeds:
        raise ValueError("need at least one seed")
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        raise ValueError(f"policy names must be unique, got {names}")
    from ..scale import Task, run_tasks

    tasks = [Task(f"replicate-{r}-seed-{seed}", {"r": r, "seed": seed, "n": n, "policies": list(policies),
                                                 "cohort_params": cohort_params, "sim_params": sim_params},
                  f"replicate {r}, seed {seed}") for r, seed in enumerate(seeds)]
    results = run_tasks(_replicate, tasks, scheduler)
    return pd.concat([frame for t in tasks for frame in results[t.key]], ignore_index=True)


def _replicate(r: int, seed: int, n: int, policies: Sequence[Policy], cohort_params: CohortParams,
               sim_params: SimParams) -> list[pd.DataFrame]:
    """One replicate of :func:`run_replicates`: a cohort from ``seed`` and every policy's monthly frame."""
    cohort_ss, sim_ss = np.random.SeedSequence(seed).spawn(2)
    cohort = synthetic_cohort(n, np.random.default_rng(cohort_ss), cohort_params)
    return [simulate(cohort, policy, np.random.default_rng(sim_ss), sim_params).monthly.assign(replicate=r,
                                                                                               policy=policy.name)
            for policy in policies]


def interval_summary(reps: pd.DataFrame, by: Sequence[str], values: Sequence[str],
                     level: float = 0.95) -> pd.DataFrame:
    """Sum ``values`` within ``by`` × replicate, then the mean and central ``level`` interval across replicates."""
    missing = [c for c in [*by, *values, "replicate"] if c not in reps.columns]
    if missing:
        raise KeyError(f"interval_summary: no column(s) {missing}")
    totals = reps.groupby([*by, "replicate"], observed=True)[list(values)].sum().reset_index()
    return _across_replicates(totals, by, values, level)


def _across_replicates(totals: pd.DataFrame, by: Sequence[str], values: Sequence[str], level: float) -> pd.DataFrame:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    grouped = totals.groupby(list(by), observed=True)[list(values)]
    out = grouped.mean().add_suffix("_mean")
    out = out.join(grouped.quantile(lo_q).add_suffix("_lo")).join(grouped.quantile(hi_q).add_suffix("_hi"))
    return out.reset_index()


def rate_summary(reps: pd.DataFrame, by: Sequence[str], values: Sequence[str], per: float = 100.0,
                 level: float = 0.95) -> pd.DataFrame:
    """Events per ``per`` people starting supervision, within ``by``: mean and interval across replicates.

    Also returns ``people_mean``, the average number of people starting in each group.
    """
    missing = [c for c in [*by, *values, "replicate", "starts"] if c not in reps.columns]
    if missing:
        raise KeyError(f"rate_summary: no column(s) {missing}")
    totals = reps.groupby([*by, "replicate"], observed=True)[[*values, "starts"]].sum().reset_index()
    if (totals["starts"] <= 0).any():
        empty = totals.loc[totals["starts"] <= 0, [*by, "replicate"]].iloc[0].to_dict()
        raise ValueError(f"rate_summary: no people start in group {empty}; merge groups or enlarge the cohort")
    for v in values:
        totals[v] = totals[v] / totals["starts"] * per
    out = _across_replicates(totals.rename(columns={"starts": "people"}), by, [*values, "people"], level)
    return out.drop(columns=["people_lo", "people_hi"])


def interval_text(summary: pd.DataFrame, value: str, fmt: str = "{:,.1f}") -> pd.Series:
    """'mean (lo to hi)' strings for ``value`` from an :func:`interval_summary`/:func:`rate_summary` frame,
    so a table shows each estimate with its interval in one readable cell."""
    cols = [f"{value}_{k}" for k in ("mean", "lo", "hi")]
    missing = [c for c in cols if c not in summary.columns]
    if missing:
        raise KeyError(f"interval_text: no column(s) {missing}")
    mean, lo, hi = (summary[c].to_numpy(dtype=float) for c in cols)
    return pd.Series([f"{fmt.format(m)} ({fmt.format(a)} to {fmt.format(b)})" for m, a, b in zip(mean, lo, hi)],
                     index=summary.index, name=value)


def pivot_interval(summary: pd.DataFrame, index: Sequence[str], column: str, value: str,
                   fmt: str = "{:,.1f}") -> pd.DataFrame:
    """One row per ``index`` group and one column per value of ``column`` (in order of appearance), each cell
    'mean (lo to hi)': a long policy × group summary as a short table a reviewer can read across."""
    missing = [c for c in [*index, column] if c not in summary.columns]
    if missing:
        raise KeyError(f"pivot_interval: no column(s) {missing}")
    cells = summary[[*index, column]].assign(_cell=interval_text(summary, value, fmt))
    if cells.duplicated([*index, column]).any():
        raise ValueError(f"pivot_interval: more than one row per {[*index, column]}")
    order = list(dict.fromkeys(summary[column]))
    wide = cells.pivot(index=list(index), columns=column, values="_cell").reindex(columns=order)
    wide.columns.name = None
    return wide.reset_index()


def compliance_sensitivity(n: int, policies: Sequence[Policy], seeds: Sequence[int],
                           multipliers: Sequence[float], values: Sequence[str] = ("breaches", "recalls"),
                           cohort_params: CohortParams = CohortParams(), sim_params: SimParams = SimParams(),
                           per: float = 100.0, level: float = 0.95, scheduler=None) -> pd.DataFrame:
    """Rates of ``values`` per ``per`` people for each policy as every miss probability is scaled by each multiplier.

    ``scheduler`` is passed to :func:`run_replicates` (empty: in this process)."""
    if not multipliers:
        raise ValueError("need at least one compliance multiplier")
    frames = []
    for m in multipliers:
        params = replace(sim_params, compliance_multiplier=float(m))
        reps = run_replicates(n, policies, seeds, cohort_params, params, scheduler=scheduler)
        frames.append(rate_summary(reps, ["policy"], values, per, level).assign(compliance_multiplier=float(m)))
    return pd.concat(frames, ignore_index=True)


def workload_by_month(monthly: pd.DataFrame, officers: float, contracted_hours: float = 37.0,
                      reduction_hours: float = 0.0, by: Sequence[str] = ()) -> pd.DataFrame:
    """WMT points of the average monthly caseload, capacity % for ``officers`` and officers needed.

    Points per case come from :func:`workload.case_points` by tier and case type
    (WMT seed table); available points per officer from
    :func:`workload.available_points` (floor(2176 × (hours − reduction) / 37)).
    Also reports contact hours per officer per week.
    """
    if officers <= 0:
        raise ValueError(f"officers must be positive, got {officers}")
    need = {"month", "tier", "case_type", "caseload", "officer_hours", "weeks_in_month", *by}
    missing = sorted(need - set(monthly.columns))
    if missing:
        raise KeyError(f"workload_by_month: monthly frame lacks {missing}")
    df = monthly.assign(points=workload.case_points(monthly["tier"].to_numpy(), monthly["case_type"].to_numpy())
                        * monthly["caseload"].to_numpy())
    out = df.groupby([*by, "month"], observed=True).agg(
        caseload=("caseload", "sum"), points=("points", "sum"), officer_hours=("officer_hours", "sum"),
        weeks=("weeks_in_month", "first")).reset_index()
    per_officer = float(workload.available_points(contracted_hours, reduction_hours))
    out["available_points"] = per_officer * officers
    out["capacity_percent"] = workload.capacity_percent(out["points"].to_numpy(), per_officer * officers)
    out["officers_needed"] = workload.officers_needed(out["points"].to_numpy(), per_officer)
    out["contact_hours_per_officer_week"] = out["officer_hours"] / out["weeks"] / officers
    return out
