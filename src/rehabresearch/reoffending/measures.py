"""The Ministry of Justice headline reoffending measures, by any grouping, with intervals.

Each function returns a tidy DataFrame with one row per group (or one row labelled ``All`` when
``by`` is None). Count columns are listed in ``COUNT_COLUMNS`` so a notebook can pass them to
``Report.table(..., counts=...)`` and have small cells suppressed; the rates in the same row are
derived from those counts and should be linked to them (see ``LINKED``).

Definitions follow the MoJ proven reoffending statistics: the binary rate is the share of the
cohort with at least one proven reoffence; frequency is reoffences per person in the cohort and per
reoffender; time to first reoffence is measured among reoffenders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..published.transcribed import require_columns
from .intervals import (
    newcombe_interval,
    poisson_rate_interval,
    rate_ratio,
    wilson_interval,
)

__all__ = [
    "COUNT_COLUMNS",
    "LINKED",
    "binary_rate",
    "compare_frequency",
    "compare_rates",
    "difference_statement",
    "evidence",
    "frequency",
    "linked",
    "rates_vs_reference",
    "require_binary",
    "require_columns",
    "time_to_first",
]

#: Count columns produced by the functions here (pass to ``Report.table(counts=...)``).
COUNT_COLUMNS = ("people", "reoffenders", "reoffences")
#: Derived columns to hide with the count they come from (``Report.table(linked=...)``).
LINKED = {
    "reoffenders": ["rate", "rate_lo", "rate_hi", "per_reoffender", "per_reoffender_lo", "per_reoffender_hi",
                    "median_time", "mean_time", "mean_time_lo", "mean_time_hi",
                    "difference", "difference_lo", "difference_hi"],
    "people": ["rate", "rate_lo", "rate_hi", "per_person", "per_person_lo", "per_person_hi"],
}


def linked(table: pd.DataFrame) -> dict[str, list[str]]:
    """The part of ``LINKED`` that applies to ``table`` (for ``Report.table(linked=...)``)."""
    return {k: [c for c in v if c in table.columns] for k, v in LINKED.items() if k in table.columns}


def require_binary(df: pd.DataFrame, column: str) -> pd.Series:
    """Return ``df[column]`` as 0/1 integers, or raise ``ValueError`` naming the first bad row and value."""
    s = df[column]
    if s.dtype == bool:
        return s.astype(int)
    num = pd.to_numeric(s, errors="coerce")
    bad = ~num.isin([0, 1])
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(
            f"column {column!r} must be binary (0/1); row {df.index[row]!r} has {s.iloc[row]!r}"
        )
    return num.astype(int)


def _by_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _grouped(df: pd.DataFrame, by: list[str], values: dict[str, pd.Series]) -> pd.DataFrame:
    """Sum/count ``values`` by ``by`` (or over everything, labelled 'All')."""
    frame = pd.DataFrame(values, index=df.index)
    if by:
        for b in by:
            frame[b] = df[b]
        if frame[by].isna().any().any():
            col = next(b for b in by if frame[b].isna().any())
            raise ValueError(f"grouping column {col!r} has missing values")
        return frame.groupby(by, observed=True, sort=True)
    frame["group"] = "All"
    return frame.groupby("group")


def binary_rate(df: pd.DataFrame, outcome: str, by=None, level: float = 0.95) -> pd.DataFrame:
    """Binary reoffending rate by group: people, reoffenders, rate and its Wilson interval."""
    by = _by_list(by)
    require_columns(df, [outcome, *by], "binary_rate")
    if len(df) == 0:
        raise ValueError("binary_rate: no rows")
    y = require_binary(df, outcome)
    g = _grouped(df, by, {"people": np.ones(len(df), dtype=int), "reoffenders": y})
    out = g.sum().reset_index()
    out["rate"] = out["reoffenders"] / out["people"]
    out["rate_lo"], out["rate_hi"] = wilson_interval(out["reoffenders"].to_numpy(), out["people"].to_numpy(), level)
    return out


def frequency(df: pd.DataFrame, count: str, by=None, level: float = 0.95) -> pd.DataFrame:
    """Reoffences per person and per reoffender by group, with exact Poisson intervals.

    ``count`` holds each person's number of proven reoffences (non-negative integers). The interval
    for reoffences per reoffender treats the reoffence count as Poisson given the number of
    reoffenders (an approximation: it ignores the variation in who reoffends). Groups with no
    reoffenders have no per-reoffender figure (NaN in ``per_reoffender*``, by definition).
    """
    by = _by_list(by)
    require_columns(df, [count, *by], "frequency")
    if len(df) == 0:
        raise ValueError("frequency: no rows")
    c = pd.to_numeric(df[count], errors="coerce")
    bad = c.isna() | (c < 0) | (c != np.floor(c))
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"column {count!r} must hold non-negative whole counts; row {df.index[row]!r} has {df[count].iloc[row]!r}")
    g = _grouped(df, by, {"people": np.ones(len(df), dtype=int), "reoffenders": (c > 0).astype(int),
                          "reoffences": c.astype(int)})
    out = g.sum().reset_index()
    out["per_person"], out["per_person_lo"], out["per_person_hi"] = poisson_rate_interval(
        out["reoffences"].to_numpy(), out["people"].to_numpy(), level)
    has = out["reoffenders"].to_numpy() > 0
    for col in ("per_reoffender", "per_reoffender_lo", "per_reoffender_hi"):
        out[col] = np.nan
    if has.any():
        vals = poisson_rate_interval(out.loc[has, "reoffences"].to_numpy(), out.loc[has, "reoffenders"].to_numpy(), level)
        out.loc[has, ["per_reoffender", "per_reoffender_lo", "per_reoffender_hi"]] = np.column_stack(vals)
    return out


def time_to_first(df: pd.DataFrame, time: str, event: str, by=None, level: float = 0.95) -> pd.DataFrame:
    """Time to first reoffence among reoffenders: median, mean and a t interval for the mean.

    ``time`` is the time from the start of follow-up to the first proven reoffence (any unit) and
    ``event`` is 1 for reoffenders. This is the JDL/MoJ descriptive measure; for censoring-aware
    comparisons use :mod:`rehabresearch.reoffending.survival`. Groups with no reoffenders raise;
    a group with a single reoffender has no interval for the mean (``mean_time_lo/hi`` are NaN).
    """
    by = _by_list(by)
    require_columns(df, [time, event, *by], "time_to_first")
    e = require_binary(df, event)
    t = pd.to_numeric(df[time], errors="coerce")
    bad = (e == 1) & (t.isna() | (t < 0))
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"column {time!r} must be a non-negative time for reoffenders; row {df.index[row]!r} has {df[time].iloc[row]!r}")
    sub = df.loc[e == 1]
    if len(sub) == 0:
        raise ValueError("time_to_first: nobody reoffended, so there is no time to first reoffence")
    ts = t.loc[sub.index]
    g = _grouped(sub, by, {"reoffenders": np.ones(len(sub), dtype=int), "t": ts})
    out = g.agg(reoffenders=("reoffenders", "sum"), median_time=("t", "median"), mean_time=("t", "mean"),
                sd=("t", "std")).reset_index()
    if by:
        people = _grouped(df, by, {"n": np.ones(len(df), dtype=int)}).sum().reset_index()
        empty = people.merge(out[by], on=by, how="left", indicator=True)
        empty = empty[empty["_merge"] == "left_only"]
        if len(empty):
            raise ValueError(f"time_to_first: no reoffenders in group(s) {empty[by].to_dict('records')}")
    n = out["reoffenders"].to_numpy()
    tcrit = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
    half = tcrit * out["sd"].fillna(0).to_numpy() / np.sqrt(n)
    out["mean_time_lo"] = out["mean_time"] - half
    out["mean_time_hi"] = out["mean_time"] + half
    return out.drop(columns="sd")


def _two_groups(df: pd.DataFrame, group: str, reference) -> pd.Series:
    require_columns(df, [group], "comparison")
    levels = pd.unique(df[group].dropna())
    if reference not in set(levels):
        raise ValueError(f"reference level {reference!r} not found in column {group!r} (levels: {sorted(map(str, levels))})")
    if len(levels) < 2:
        raise ValueError(f"column {group!r} has only one level ({reference!r}); nothing to compare")
    return df[group]


def _against_reference(table: pd.DataFrame, group: str, reference, events: str):
    """Split a by-group table into the non-reference rows and (events, people) arrays for each side."""
    ref = table.loc[table[group] == reference].iloc[0]
    other = table.loc[table[group] != reference].reset_index(drop=True)
    x1, n1 = other[events].to_numpy(), other["people"].to_numpy()
    x2, n2 = np.full(len(other), ref[events]), np.full(len(other), ref["people"])
    return other, x1, n1, x2, n2


def compare_rates(df: pd.DataFrame, outcome: str, group: str, reference, level: float = 0.95) -> pd.DataFrame:
    """Each level of ``group`` against ``reference``: difference in binary rates (Newcombe) and rate ratio.

    Also gives a two-sided p-value from the two-proportion z (chi-squared) test with pooled variance.
    Differences are proportions (multiply by 100 for percentage points). The rate ratio and its
    interval are undefined, and left NaN (a report table shows them blank), where either group has
    no reoffenders; the difference is still given.
    """
    _two_groups(df, group, reference)
    other, x1, n1, x2, n2 = _against_reference(binary_rate(df, outcome, by=group, level=level), group, reference,
                                               "reoffenders")
    out = pd.DataFrame({group: other[group], "reference": reference,
                        "people": n1, "reoffenders": x1, "rate": x1 / n1,
                        "ref_people": n2, "ref_reoffenders": x2, "ref_rate": x2 / n2})
    out["difference"], out["difference_lo"], out["difference_hi"] = newcombe_interval(x1, n1, x2, n2, level)
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (x1 / n1 - x2 / n2) / se, 0.0)
    out["p_value"] = 2 * stats.norm.sf(np.abs(z))
    ok = (x1 > 0) & (x2 > 0)
    for col in ("rate_ratio", "rate_ratio_lo", "rate_ratio_hi"):
        out[col] = np.nan
    if ok.any():
        out.loc[ok, ["rate_ratio", "rate_ratio_lo", "rate_ratio_hi"]] = np.column_stack(
            rate_ratio(x1[ok], n1[ok], x2[ok], n2[ok], level))
    return out


def compare_frequency(df: pd.DataFrame, count: str, group: str, reference, level: float = 0.95) -> pd.DataFrame:
    """Each level of ``group`` against ``reference``: ratio of reoffences per person (log method).

    Also the difference in reoffences per person with a normal-approximation interval from the
    Poisson variances. Groups with no reoffences make the ratio undefined and raise ``ValueError``.
    """
    _two_groups(df, group, reference)
    other, x1, n1, x2, n2 = _against_reference(frequency(df, count, by=group, level=level), group, reference,
                                               "reoffences")
    out = pd.DataFrame({group: other[group], "reference": reference, "people": n1, "reoffences": x1,
                        "per_person": x1 / n1, "ref_people": n2, "ref_reoffences": x2, "ref_per_person": x2 / n2})
    out["rate_ratio"], out["rate_ratio_lo"], out["rate_ratio_hi"] = rate_ratio(x1, n1, x2, n2, level)
    z = stats.norm.ppf(0.5 + level / 2)
    diff = x1 / n1 - x2 / n2
    se = np.sqrt(x1 / n1**2 + x2 / n2**2)
    out["difference"], out["difference_lo"], out["difference_hi"] = diff, diff - z * se, diff + z * se
    return out


def evidence(p_value: float) -> str:
    """Conventional plain-English wording for a two-sided p-value (thresholds 0.01, 0.05, 0.10)."""
    if not 0 <= p_value <= 1:
        raise ValueError(f"p-value must be between 0 and 1, got {p_value!r}")
    if p_value < 0.01:
        return "strong evidence"
    if p_value < 0.05:
        return "evidence"
    if p_value < 0.10:
        return "weak evidence"
    return "no clear evidence"


def difference_statement(diff: float, lo: float, hi: float, *, level: float = 0.95, scale: float = 100,
                         unit: str = "percentage points", dp: int = 1,
                         lower: str = "lower", higher: str = "higher") -> str:
    """Plain-English difference with its interval, e.g. '8.3 percentage points lower (95% CI 0.1 to 16.5 lower)'.

    ``diff``, ``lo`` and ``hi`` are on the natural scale (proportions by default; ``scale`` converts
    to the ``unit``). When the interval spans zero the sentence says it is consistent with no difference.
    A non-zero limit that would round to zero at ``dp`` decimals is shown to two significant figures,
    so a reader never sees an interval that seems to touch zero when it does not.
    """
    for name, v in (("diff", diff), ("lo", lo), ("hi", hi)):
        if v is None or not np.isfinite(v):
            raise ValueError(f"difference_statement: {name} is missing or not finite ({v!r})")
    if lo > hi:
        raise ValueError(f"difference_statement: lower limit {lo!r} is above upper limit {hi!r}")
    pct = f"{level:.0%}"

    def f(v):
        x = abs(v) * scale
        return f"{x:.2g}" if x != 0 and round(x, dp) == 0 else f"{x:.{dp}f}"

    direction = lower if diff < 0 else higher
    head = f"{f(diff)} {unit} {direction}"
    if hi < 0:
        return f"{head} ({pct} CI between {f(hi)} and {f(lo)} {unit} {lower})"
    if lo > 0:
        return f"{head} ({pct} CI between {f(lo)} and {f(hi)} {unit} {higher})"
    return (f"{head}, but the {pct} interval runs from {f(lo)} {unit} {lower} to {f(hi)} {higher}, "
            "so it is consistent with no difference")


def rates_vs_reference(df: pd.DataFrame, outcome: str, group: str, reference, level: float = 0.95) -> pd.DataFrame:
    """One row per level of ``group``: its binary rate (Wilson) and its difference from ``reference`` (Newcombe).

    The reference row has a difference of 0 with no interval (NaN in ``difference_lo/hi`` and
    ``p_value``, by definition). Handy for cohort tables by sex, age band or ethnicity.
    """
    rates = binary_rate(df, outcome, by=group, level=level)
    diffs = compare_rates(df, outcome, group, reference, level)
    out = rates.merge(diffs[[group, "difference", "difference_lo", "difference_hi", "p_value"]], on=group, how="left")
    out.loc[out[group] == reference, "difference"] = 0.0
    order = [reference] + [v for v in out[group] if v != reference]
    return out.set_index(group).loc[order].reset_index()
