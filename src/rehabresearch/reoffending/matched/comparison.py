"""The whole matched comparison: the data's checks, propensity score, matching, balance, support and
effects in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import disclosure
from .balance import SMD_THRESHOLD, balance_table, common_support
from .design import Design, build_design, formula_variables, infer_types, missing_summary, refuse_missing
from .effects import VARIANCE_OPTIONS, clustered_effect, estimate_effect
from .inputs import (
    JDL_MINIMUM_GROUP,
    MatchingError,
    NoOverlapError,
    check_columns,
    handle_duplicates,
    numeric_columns,
    treatment_indicator,
)
from .nearest import DEFAULT_CALIPER_SD, MatchResult, match, unmatched
from .propensity import MAX_ITER, PropensityFit, fit_logit
from .wording import covariate_label, design_notes, minimum_group_flag


@dataclass
class MatchedComparison:
    """Everything a matched-comparison report shows."""

    propensity: PropensityFit
    matching: MatchResult
    support: pd.DataFrame
    balance: pd.DataFrame
    effects: pd.DataFrame
    unadjusted: pd.DataFrame
    min_group_size: int
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    design: Design | None = None
    data: pd.DataFrame | None = None
    duplicates_dropped: int = 0
    level: float = 0.95
    notes: list[str] = field(default_factory=list)
    user_labels: dict[str, str] = field(default_factory=dict)
    treated_submitted: int | None = None

    @property
    def labels(self) -> dict[str, str]:
        """A reader's name for every covariate and balance row (the design's labels, then the user's)."""
        return {**(self.design.labels if self.design is not None else {}), **self.user_labels}

    def summary(self) -> pd.DataFrame:
        """People in each stage: submitted, on common support, matched; controls used."""
        m = self.matching
        return pd.DataFrame(
            {
                "Stage": ["Treatment group submitted", "Treatment group matched", "Comparison pool",
                          "Comparison people used"],
                "People": [m.n_treated, m.n_matched_treated, int((~m.treated).sum()), m.n_controls_used],
            }
        )


def _require_group(n: int, minimum: int, what: str) -> None:
    """Refuse a group below ``minimum``, saying which parameter lowers it."""
    if n < minimum:
        raise disclosure.GroupTooSmall(
            f"the {what} has {n} people, below the minimum of {minimum}"
            + (" (the Justice Data Lab's pilot minimum)" if minimum == JDL_MINIMUM_GROUP else "")
            + "; to analyse it anyway, lower the parameter min_group_size explicitly and the report will say so"
        )


def matched_comparison(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str] | str,
    outcomes: Sequence[str] | Mapping[str, str],
    *,
    among_observed: Sequence[str] = (),
    ratio: int = 1,
    replace: bool = False,
    caliper_sd: float | None = DEFAULT_CALIPER_SD,
    exact: Sequence[str] = (),
    min_group_size: int = JDL_MINIMUM_GROUP,
    seed: int | np.random.Generator = 0,
    smd_threshold: float = SMD_THRESHOLD,
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
    missing: str = "refuse",
    duplicates: str = "refuse",
    max_iter: int = MAX_ITER,
    variance: str = "independent",
) -> MatchedComparison:
    """Fit the propensity score, match, check balance and support, and estimate each outcome's effect.

    ``covariates`` is a list of columns (numeric, text or category; text becomes indicators against a
    reference level) or a formula in statsmodels notation (``"age + I(age**2) + C(ethnicity)"``; see
    :mod:`.design`). ``missing`` is ``"refuse"`` (default) or ``"indicator"`` for gaps in the
    covariates; ``duplicates`` is ``"refuse"`` (default), ``"drop"`` or ``"keep"`` for exact duplicate
    rows (:func:`.inputs.handle_duplicates`). ``outcomes`` is a list of columns or a mapping column ->
    kind ("binary"/"continuous"); columns in ``among_observed`` may be missing (e.g. days to first
    reoffence for non-reoffenders) and are analysed among people with a value; any other outcome must
    be known for everyone. ``exact`` names columns to match exactly on. ``min_group_size`` (default 60,
    the JDL pilot minimum) applies to the submitted and matched treatment group; lowering it below 60
    is allowed but recorded in ``flags`` for the report to state. ``level`` is the confidence level of
    every interval (and of the wording). ``labels`` names covariates in the warnings and tables.
    ``variance`` is ``"independent"`` (default: the two matched groups as independent samples, Kish
    effective size for weighted controls; Newcombe's interval for a rate) or ``"clustered"``
    (cluster-robust by matched set, or by person with replacement, for outcomes known for everyone; see
    :func:`.effects.clustered_effect`).
    """
    labels = dict(labels or {})
    if variance not in VARIANCE_OPTIONS:
        raise MatchingError(f"variance must be one of {VARIANCE_OPTIONS}, got {variance!r}")
    outcome_kinds = dict(outcomes) if isinstance(outcomes, Mapping) else {o: None for o in outcomes}
    if not outcome_kinds:
        raise MatchingError("no outcome column named")
    if not (isinstance(level, (float, int)) and 0.5 <= float(level) < 1):
        raise MatchingError(f"level must be a confidence level between 0.5 and 1 (e.g. 0.95), got {level!r}")
    formula = isinstance(covariates, str)
    named = formula_variables(covariates, df.columns) if formula else list(covariates)
    check_columns(df, treatment=treatment, covariates=named, outcomes=list(outcome_kinds), exact=exact)
    unknown = [c for c in among_observed if c not in outcome_kinds]
    if unknown:
        raise MatchingError(f"among_observed names {unknown}, which are not outcomes")
    if treatment in named:
        raise MatchingError(f"the treatment column {treatment!r} cannot also be a covariate")
    if not (isinstance(min_group_size, (int, np.integer)) and min_group_size >= 1):
        raise MatchingError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    flag = minimum_group_flag(min_group_size)
    flags = [flag] if flag else []
    submitted = int(treatment_indicator(df, treatment).sum())
    df, n_dropped = handle_duplicates(df, duplicates)
    treated = treatment_indicator(df, treatment)
    _require_group(int(treated.sum()), min_group_size, "treatment group")
    _check_outcomes(df, treated, outcome_kinds, among_observed)
    design = build_design(df, covariates, missing=missing, labels=labels)
    all_labels = {**design.labels, **labels}
    fit = fit_logit(design.matrix, treated.astype(float), design.names, max_iter=max_iter, labels=all_labels)
    support = common_support(fit.logit, treated)
    warnings = []
    strata = None
    if exact:
        refuse_missing(missing_summary(df, exact), what="exact-matching column")
        strata = pd.MultiIndex.from_frame(df[list(exact)]).factorize()[0] if len(exact) > 1 else df[exact[0]].to_numpy()
    m = match(fit.logit, treated, ratio=ratio, replace=replace, caliper_sd=caliper_sd, strata=strata, rng=seed)
    if m.n_matched_treated == 0:
        raise NoOverlapError("no treated person has a comparison within the caliper; the groups do not overlap")
    _require_group(m.n_matched_treated, min_group_size, "matched treatment group")
    dropped = m.n_treated - m.n_matched_treated
    if dropped:
        warnings.append(
            f"{disclosure.safe_count(dropped)} of {m.n_treated:,} treated people had no comparison within the "
            "caliper and are excluded: the estimate is for the matched treated only."
        )
    balance = balance_table(None, design, m, fit.logit, smd_threshold)
    bad = balance.loc[balance["imbalanced after"], "covariate"].tolist()
    if bad:
        warnings.append(
            f"Characteristics still imbalanced after matching (absolute standardised mean difference above "
            f"{smd_threshold:g}, Table 4): {'; '.join(covariate_label(c, all_labels) for c in bad)}. The matched "
            "groups still differ on these, so the estimates may be biased; consider a narrower caliper or more "
            "comparison people."
        )
    effects = [estimate_effect(df, o, m, kind=k, among_observed=o in among_observed, level=level)
               for o, k in outcome_kinds.items()]
    if variance == "clustered":  # outcomes known for everyone; one defined only for some keeps the default
        effects = [clustered_effect(e, df, m) if e["outcome"] not in among_observed else e for e in effects]
    effects = pd.DataFrame(effects)
    raw = unmatched(treated)
    unadjusted = pd.DataFrame([
        estimate_effect(df, o, raw, kind=k, among_observed=o in among_observed, level=level)
        for o, k in outcome_kinds.items()
    ])
    notes = design_notes(design, all_labels, duplicates_dropped=n_dropped, duplicates=duplicates)
    return MatchedComparison(fit, m, support, balance, effects, unadjusted, int(min_group_size), warnings, flags,
                             design, df, n_dropped, float(level), notes, labels, submitted)


def prepare_data(df: pd.DataFrame, treatment: str, covariates: Sequence[str] | str,
                 outcomes: Sequence[str] | Mapping[str, str], exact: Sequence[str] = ()) -> pd.DataFrame:
    """The data as a report analyses it (e.g. a CSV read as text): every named column checked to exist
    (the error names the parameter), treatment and outcomes converted to numbers (a cell that is not a
    number is refused, naming its row), covariates and exact-matching columns read as numbers where they
    hold numbers and kept as categories where they hold text."""
    named = formula_variables(covariates, df.columns) if isinstance(covariates, str) else list(covariates)
    check_columns(df, treatment=treatment, covariates=named, outcomes=list(outcomes), exact=list(exact))
    out = numeric_columns(df, [treatment, *outcomes])
    return infer_types(out, [c for c in dict.fromkeys([*named, *exact]) if c not in (treatment, *outcomes)])


def _check_outcomes(df, treated, outcome_kinds, among_observed) -> None:
    """Refuse an outcome with gaps (unless it is analysed among people with a value), saying who has them."""
    for o in outcome_kinds:
        if o in among_observed:
            continue
        s = df[o]
        values = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_numeric_dtype(s.dtype) else s
        gap = values.isna().to_numpy() & s.isna().to_numpy() if values is not s else s.isna().to_numpy()
        if not gap.any():
            continue
        rows = np.flatnonzero(gap)
        n_t, n_c = int((gap & treated).sum()), int((gap & ~treated).sum())
        raise MatchingError(
            f"outcome column {o!r} is missing for {n_t:,} treated and {n_c:,} untreated people (first data rows "
            f"{', '.join(str(r + 1) for r in rows[:5])}{', ...' if len(rows) > 5 else ''}; counted from 1, header not "
            "counted). An outcome must be known for everyone compared, or the comparison is biased by who is "
            "missing; fill it, drop those people, or, if it is defined only for some people (like days to first "
            "reoffence), list it in the parameter among_observed"
        )
