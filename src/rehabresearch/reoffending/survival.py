"""Time to first reoffence with censoring: Kaplan-Meier, log-rank test and Cox proportional hazards.

Estimation uses ``lifelines`` (Kaplan-Meier with Greenwood/exponential intervals; Cox partial
likelihood with Efron's method for tied times). This module validates the input, returns tidy
tables and draws the house-style plot with the number at risk under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from scipy import stats

from .measures import require_binary, require_columns

__all__ = ["CoxResult", "cox_ph", "event_within", "kaplan_meier", "km_plot", "logrank", "number_at_risk", "survival_at"]


def _prepare(df: pd.DataFrame, time: str, event: str, extra: Sequence[str] = ()) -> tuple[pd.Series, pd.Series]:
    require_columns(df, [time, event, *extra], "survival data")
    if len(df) == 0:
        raise ValueError("survival data has no rows")
    e = require_binary(df, event)
    t = pd.to_numeric(df[time], errors="coerce")
    bad = t.isna() | (t < 0)
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"column {time!r} must be a non-negative time; row {df.index[row]!r} has {df[time].iloc[row]!r}")
    if e.sum() == 0:
        raise ValueError(
            f"all {len(df)} observations are censored ({event!r} is 0 everywhere): no event, so survival "
            "cannot be estimated or compared"
        )
    for col in extra:
        if df[col].isna().any():
            row = df[col].isna().to_numpy().nonzero()[0][0]
            raise ValueError(f"column {col!r} has a missing value in row {df.index[row]!r}")
    return t, e


def event_within(df: pd.DataFrame, time: str, event: str, horizon: float) -> pd.Series:
    """0/1: the event happened at or before ``horizon`` (e.g. arrest within 52 weeks).

    A binary rate over a fixed window needs everyone followed for the whole window: anyone censored
    before ``horizon`` without the event makes the rate biased, so that raises ``ValueError``
    naming the first such row (use Kaplan-Meier instead).
    """
    t, e = _prepare(df, time, event)
    early = (e == 0) & (t < horizon)
    if early.any():
        row = early.to_numpy().nonzero()[0][0]
        raise ValueError(
            f"{int(early.sum())} people were censored before {horizon:g} without the event (first: row "
            f"{df.index[row]!r}, {time} = {t.iloc[row]:g}); a fixed-window rate would be biased, use Kaplan-Meier")
    return ((e == 1) & (t <= horizon)).astype(int).rename(f"{event}_within_{horizon:g}")


def _groups(df: pd.DataFrame, by: str | None):
    if by is None:
        return [("All", np.ones(len(df), dtype=bool))]
    return [(level, (df[by] == level).to_numpy()) for level in sorted(pd.unique(df[by]))]


def kaplan_meier(df: pd.DataFrame, time: str, event: str, by: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival (share not yet reoffended) by group, one row per group and event time.

    Columns: group, time, at_risk, events, censored, survival, lo, hi (log(-log) interval, as in
    lifelines). A row at time 0 with survival 1 starts each curve.
    """
    t, e = _prepare(df, time, event, [by] if by else [])
    frames = []
    for level_name, mask in _groups(df, by):
        kmf = KaplanMeierFitter(alpha=1 - level).fit(t[mask], e[mask])
        table = kmf.event_table
        ci = kmf.confidence_interval_survival_function_
        frames.append(pd.DataFrame({
            "group": level_name,
            "time": table.index.to_numpy(dtype=float),
            "at_risk": table["at_risk"].to_numpy(),
            "events": table["observed"].to_numpy(),
            "censored": table["censored"].to_numpy(),
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "lo": ci.iloc[:, 0].to_numpy(),
            "hi": ci.iloc[:, 1].to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"group": by}) if by else out


def _step_lookup(km: pd.DataFrame, key: str, times: Sequence[float]) -> pd.DataFrame:
    """Survival and interval at each of ``times`` (the value of the last step at or before it)."""
    rows = []
    for level_name, curve in km.groupby(key, sort=True):
        idx = np.searchsorted(curve["time"].to_numpy(), np.asarray(times, dtype=float), side="right") - 1
        part = curve.iloc[idx][["survival", "lo", "hi"]].reset_index(drop=True)
        part.insert(0, "time", np.asarray(times, dtype=float))
        part.insert(0, key, level_name)
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def number_at_risk(df: pd.DataFrame, time: str, event: str, by: str | None, times: Sequence[float]) -> pd.DataFrame:
    """People still at risk (time >= t) at each of ``times``: one row per group, one column per time."""
    t, _ = _prepare(df, time, event, [by] if by else [])
    times = np.asarray(times, dtype=float)
    rows = {}
    for level_name, mask in _groups(df, by):
        rows[level_name] = (t[mask].to_numpy()[:, None] >= times[None, :]).sum(axis=0)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[f"{x:g}" for x in times])
    out.index.name = by or "group"
    return out.reset_index()


def survival_at(df: pd.DataFrame, time: str, event: str, at: float, by: str | None = None,
                level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival at time ``at`` by group, with people, events so far and number at risk."""
    km = kaplan_meier(df, time, event, by, level)
    key = by or "group"
    out = _step_lookup(km, key, [at])
    t, e = _prepare(df, time, event, [by] if by else [])
    counts = []
    for level_name, mask in _groups(df, by):
        counts.append({key: level_name, "people": int(mask.sum()),
                       "events": int(((t <= at) & (e == 1))[mask].sum()),
                       "event_free": int(mask.sum() - ((t <= at) & (e == 1))[mask].sum()),
                       "at_risk": int((t[mask] >= at).sum())})
    return pd.DataFrame(counts).merge(out, on=key)


def logrank(df: pd.DataFrame, time: str, event: str, group: str) -> dict:
    """Log-rank test of equal survival across the levels of ``group``: statistic, df and p-value."""
    t, e = _prepare(df, time, event, [group])
    if df[group].nunique() < 2:
        raise ValueError(f"column {group!r} has a single level; the log-rank test needs two or more groups")
    res = multivariate_logrank_test(t, df[group], e)
    return {"statistic": float(res.test_statistic), "df": int(res.degrees_of_freedom), "p_value": float(res.p_value)}


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model: a coefficient table and the likelihood-ratio test against the null model."""

    table: pd.DataFrame  # term, coef, se, z, p_value, hazard_ratio, hr_lo, hr_hi
    lr_statistic: float
    lr_df: int
    lr_p_value: float
    n: int
    events: int
    concordance: float


def cox_ph(df: pd.DataFrame, time: str, event: str, covariates: Sequence[str], level: float = 0.95) -> CoxResult:
    """Cox proportional hazards model (Efron ties) of ``time``/``event`` on numeric ``covariates``.

    Hazard ratios above 1 mean reoffending sooner. Covariates must be numeric (code categories as
    0/1 columns) and must vary; a constant covariate is not identifiable and raises ``ValueError``.
    """
    covariates = list(covariates)
    if not covariates:
        raise ValueError("cox_ph needs at least one covariate")
    t, e = _prepare(df, time, event, covariates)
    X = pd.DataFrame(index=df.index)
    for col in covariates:
        x = pd.to_numeric(df[col], errors="coerce")
        if x.isna().any():
            row = x.isna().to_numpy().nonzero()[0][0]
            raise ValueError(f"covariate {col!r} must be numeric; row {df.index[row]!r} has {df[col].iloc[row]!r}")
        if x.nunique() < 2:
            raise ValueError(f"covariate {col!r} is constant ({x.iloc[0]!r}); it cannot be estimated")
        X[col] = x.astype(float)
    X["_time"], X["_event"] = t.astype(float), e
    cph = CoxPHFitter(alpha=1 - level).fit(X, duration_col="_time", event_col="_event")
    s = cph.summary
    table = pd.DataFrame({
        "term": s.index.to_list(),
        "coef": s["coef"].to_numpy(),
        "se": s["se(coef)"].to_numpy(),
        "z": s["z"].to_numpy(),
        "p_value": s["p"].to_numpy(),
        "hazard_ratio": np.exp(s["coef"]).to_numpy(),
    })
    z = float(stats.norm.ppf(0.5 + level / 2))
    table["hr_lo"] = np.exp(table["coef"] - z * table["se"])
    table["hr_hi"] = np.exp(table["coef"] + z * table["se"])
    lr = cph.log_likelihood_ratio_test()
    return CoxResult(table=table, lr_statistic=float(lr.test_statistic), lr_df=int(lr.degrees_freedom),
                     lr_p_value=float(lr.p_value), n=len(X), events=int(e.sum()),
                     concordance=float(cph.concordance_index_))


from .figures import km_plot  # noqa: E402,F401  (the chart lives with the other figures)
