"""The whole matched comparison: propensity score, matching, balance, support and effects in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import disclosure
from .balance import SMD_THRESHOLD, balance_table, common_support
from .effects import estimate_effect
from .inputs import JDL_MINIMUM_GROUP, MatchingError, NoOverlapError, check_columns, treatment_indicator
from .nearest import DEFAULT_CALIPER_SD, MatchResult, match, unmatched
from .propensity import PropensityFit, fit_propensity
from .wording import covariate_label, minimum_group_flag

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
    covariates: Sequence[str],
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
) -> MatchedComparison:
    """Fit the propensity score, match, check balance and support, and estimate each outcome's effect.

    ``outcomes`` is a list of columns or a mapping column -> kind ("binary"/"continuous");
    columns in ``among_observed`` may be missing (e.g. days to first reoffence for non-reoffenders)
    and are analysed among people with a value. ``exact`` names columns to match exactly on.
    ``min_group_size`` (default 60, the JDL pilot minimum) applies to the submitted and matched
    treatment group; lowering it below 60 is allowed but recorded in ``flags`` for the report to state.
    ``labels`` names covariates in the warnings (see :func:`covariate_label`).
    """
    outcome_kinds = dict(outcomes) if isinstance(outcomes, Mapping) else {o: None for o in outcomes}
    if not outcome_kinds:
        raise MatchingError("no outcome column named")
    check_columns(df, treatment=treatment, covariates=covariates, outcomes=list(outcome_kinds), exact=exact)
    unknown = [c for c in among_observed if c not in outcome_kinds]
    if unknown:
        raise MatchingError(f"among_observed names {unknown}, which are not outcomes")
    if not (isinstance(min_group_size, (int, np.integer)) and min_group_size >= 1):
        raise MatchingError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    flag = minimum_group_flag(min_group_size)
    flags = [flag] if flag else []
    treated = treatment_indicator(df, treatment)
    _require_group(int(treated.sum()), min_group_size, "treatment group")
    fit = fit_propensity(df, treatment, covariates)
    if not fit.converged:
        raise NoOverlapError(
            f"no overlap in propensity scores: the propensity model did not converge in {fit.iterations} iterations "
            f"because the covariates {list(covariates)} (almost) perfectly separate treated from untreated people"
        )
    support = common_support(fit.logit, treated)
    warnings = []
    strata = None
    if exact:
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
    balance = balance_table(df, covariates, m, fit.logit, smd_threshold)
    bad = balance.loc[balance["imbalanced after"], "covariate"].tolist()
    if bad:
        warnings.append(
            f"Characteristics still imbalanced after matching (absolute standardised mean difference above "
            f"{smd_threshold:g}, Table 4): {'; '.join(covariate_label(c, labels) for c in bad)}. The matched groups "
            "still differ on these, so the estimates may be biased; consider a narrower caliper or more comparison people."
        )
    effects = pd.DataFrame([
        estimate_effect(df, o, m, kind=k, among_observed=o in among_observed, level=level)
        for o, k in outcome_kinds.items()
    ])
    raw = unmatched(treated)
    unadjusted = pd.DataFrame([
        estimate_effect(df, o, raw, kind=k, among_observed=o in among_observed, level=level)
        for o, k in outcome_kinds.items()
    ])
    return MatchedComparison(fit, m, support, balance, effects, unadjusted, int(min_group_size), warnings, flags)
