"""Survival after matching: Kaplan-Meier curves of time to first proven reoffence for the matched
treatment and comparison groups, with the matching weights, and a weighted log-rank comparison.

Estimation is by ``lifelines`` (``KaplanMeierFitter`` and ``logrank_test``, both with weights). A
comparison person used for several treated people (matching with replacement, or 1:k) counts with
their matching weight, so the comparison curve is the weighted curve the matched estimate implies.
With whole-number weights (1:1 without replacement, or a control used twice) this is exactly the curve
of the data with those people repeated. With fractional weights (1:k) lifelines treats the weights as
frequency weights, so the curves are right but the pointwise intervals and the log-rank p-value are
approximate (they ignore that a re-used control is one person); the report says so.

The table has the columns of :func:`rehabresearch.reoffending.survival.kaplan_meier` (``group``, ``time``,
``at_risk``, ``events``, ``censored``, ``survival``, ``lo``, ``hi``), so that module's ``km_plot`` draws it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

__all__ = ["SurvivalError", "matched_kaplan_meier", "matched_logrank", "matched_number_at_risk"]

GROUPS = ("Treatment group", "Comparison group")


class SurvivalError(ValueError):
    """Bad survival input for the matched groups; the message names the data row."""


def _inputs(time, event, treated, weights):
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=float)
    g = np.asarray(treated).astype(bool)
    w = np.asarray(weights, dtype=float)
    if not (len(t) == len(e) == len(g) == len(w)):
        raise SurvivalError("time, event, treated and weights must have one entry per row of the data")
    if (~np.isfinite(w) | (w < 0)).any():
        raise SurvivalError(f"weights must be finite and >= 0 (data row {int(np.argmax(~np.isfinite(w) | (w < 0))) + 1})")
    used = w > 0
    for name, arr, bad in (("time", t, ~np.isfinite(t) | (t < 0)), ("event", e, ~np.isin(e, (0.0, 1.0)))):
        bad = bad & used
        if bad.any():
            i = int(np.argmax(bad))
            raise SurvivalError(f"{name} is missing or invalid for a matched person in data row {i + 1} (value {arr[i]!r}); "
                                f"time must be a number of days >= 0 and event 0 or 1")
    if not (used & g).any() or not (used & ~g).any():
        raise SurvivalError("both matched groups need at least one person with a positive weight")
    return t, e, g, w, used


def _fitters(time, event, treated, weights, level):
    t, e, g, w, used = _inputs(time, event, treated, weights)
    out = []
    for name, mask in zip(GROUPS, (used & g, used & ~g)):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*weights are not integers.*")
            warnings.simplefilter("ignore", category=UserWarning)
            kmf = KaplanMeierFitter(alpha=1 - level).fit(t[mask], e[mask], weights=w[mask], label=name)
        out.append((name, kmf))
    return out


def matched_kaplan_meier(time, event, treated, weights, *, level: float = 0.95) -> pd.DataFrame:
    """Weighted Kaplan-Meier curves (share not yet reoffended) of the matched groups, one row per group and
    event time (a row at time 0 starts each curve); counts are weighted."""
    frames = []
    for name, kmf in _fitters(time, event, treated, weights, level):
        table = kmf.event_table
        ci = kmf.confidence_interval_survival_function_
        frames.append(pd.DataFrame({
            "group": name,
            "time": table.index.to_numpy(dtype=float),
            "at_risk": table["at_risk"].to_numpy(dtype=float),
            "events": table["observed"].to_numpy(dtype=float),
            "censored": table["censored"].to_numpy(dtype=float),
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "lo": ci.iloc[:, 0].to_numpy(),
            "hi": ci.iloc[:, 1].to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True)


def matched_number_at_risk(time, treated, weights, times) -> pd.DataFrame:
    """Weighted number still at risk (time >= t) at each of ``times``: one row per group (rounded to whole people)."""
    t = np.asarray(time, dtype=float)
    g = np.asarray(treated).astype(bool)
    w = np.asarray(weights, dtype=float)
    times = np.asarray(times, dtype=float)
    at = np.where(np.isfinite(t), t, -np.inf)[:, None] >= times[None, :]
    rows = {name: np.round((w * mask)[None, :] @ at).ravel() for name, mask in zip(GROUPS, (g, ~g))}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[f"{x:g}" for x in times]).astype(int)
    out.index.name = "group"
    return out.reset_index()


def matched_logrank(time, event, treated, weights) -> dict:
    """Weighted log-rank test of equal time to first reoffence between the matched groups (lifelines).
    Returns ``statistic``, ``p_value`` and ``exact`` (False when weights are fractional, see module notes)."""
    t, e, g, w, used = _inputs(time, event, treated, weights)
    a, b = used & g, used & ~g
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logrank_test(t[a], t[b], e[a], e[b], weights_A=w[a], weights_B=w[b])
    return {"statistic": float(res.test_statistic), "p_value": float(res.p_value),
            "exact": bool(np.all(w[used] == np.round(w[used])))}
