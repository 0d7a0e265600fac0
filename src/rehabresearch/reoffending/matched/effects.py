"""The effect on the matched treated for one outcome, with its interval and test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..intervals import newcombe_interval, wilson_interval
from .inputs import MatchingError, _numeric_column, _require_columns
from .nearest import MatchResult

def _is_binary(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.isin(finite, (0.0, 1.0)).all())


def estimate_effect(
    df: pd.DataFrame,
    outcome: str,
    matching: MatchResult,
    *,
    kind: str | None = None,
    among_observed: bool = False,
    level: float = 0.95,
) -> dict:
    """Effect on the matched treated for one outcome column.

    ``kind`` is ``"binary"`` (0/1; a rate) or ``"continuous"`` (a count, frequency, time or score);
    by default it is inferred. ``among_observed=True`` allows missing values and restricts to the
    people with one (e.g. days to first reoffence, defined only for reoffenders); otherwise a
    missing value is an error. Returns a dict: group sizes, means, difference, its interval,
    z statistic and two-sided p-value, and whether the interval excludes zero.
    """
    _require_columns(df, [outcome], "outcome")
    y = _numeric_column(df, outcome, "outcome", allow_missing=among_observed)
    kind = kind or ("binary" if _is_binary(y) else "continuous")
    if kind not in ("binary", "continuous"):
        raise MatchingError(f"outcome kind must be 'binary' or 'continuous', got {kind!r}")
    if kind == "binary" and not _is_binary(y):
        raise MatchingError(f"outcome {outcome!r} was declared binary but holds values other than 0 and 1")
    t = matching.treated
    w = matching.weights
    observed = np.isfinite(y)
    wt = np.where(t & observed, w, 0.0)
    wc = np.where(~t & observed, w, 0.0)
    n_t = int((wt > 0).sum())
    if n_t < 2 or (wc > 0).sum() < 2:
        raise MatchingError(f"outcome {outcome!r}: fewer than 2 matched people with a value in a group")
    yt, yc, wcc = y[wt > 0], y[wc > 0], wc[wc > 0]
    mean_t = yt.mean()
    mean_c = np.sum(wcc * yc) / wcc.sum()
    n_eff_c = wcc.sum() ** 2 / np.sum(wcc**2)
    var_t = yt.var(ddof=1)
    var_c = np.sum(wcc * (yc - mean_c) ** 2) / wcc.sum() * n_eff_c / max(n_eff_c - 1, 1.0)
    se = float(np.sqrt(var_t / n_t + var_c / n_eff_c))
    diff = float(mean_t - mean_c)
    z = stats.norm.ppf(0.5 + level / 2)
    result = {
        "outcome": outcome,
        "kind": kind,
        "level": float(level),
        "treated people": n_t,
        "comparison people": int((wc > 0).sum()),
        "comparison effective size": float(n_eff_c),
        "treated mean": float(mean_t),
        "comparison mean": float(mean_c),
        "difference": diff,
        "standard error": se,
    }
    if kind == "binary":
        lo_t, hi_t = wilson_interval(yt.sum(), n_t, level)
        x_c = float(np.clip(mean_c * n_eff_c, 0.0, n_eff_c))
        lo_c, hi_c = wilson_interval(x_c, n_eff_c, level)
        _, lo, hi = newcombe_interval(float(yt.sum()), n_t, x_c, n_eff_c, level)
        pooled = (yt.sum() + x_c) / (n_t + n_eff_c)
        se_test = np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_eff_c))
        stat = diff / se_test if se_test > 0 else 0.0
    else:
        lo_t, hi_t = mean_t - z * np.sqrt(var_t / n_t), mean_t + z * np.sqrt(var_t / n_t)
        lo_c, hi_c = mean_c - z * np.sqrt(var_c / n_eff_c), mean_c + z * np.sqrt(var_c / n_eff_c)
        lo, hi = diff - z * se, diff + z * se
        stat = diff / se if se > 0 else (0.0 if diff == 0 else np.sign(diff) * np.inf)
    result.update({"treated low": float(lo_t), "treated high": float(hi_t), "comparison low": float(lo_c),
                   "comparison high": float(hi_c)})
    p_value = float(2 * stats.norm.sf(abs(stat)))
    result.update({
        "low": float(lo), "high": float(hi), "z": float(stat), "p value": p_value,
        "significant": bool(lo > 0 or hi < 0),
    })
    return result


#: How the effect's standard error is computed: the two matched groups as independent samples (default),
#: or cluster-robust with matched sets as clusters (persons, with their weights, when matching reuses people).
VARIANCE_OPTIONS = ("independent", "clustered")


def clustered_effect(effect: dict, df: pd.DataFrame, matching: MatchResult) -> dict:
    """``effect`` (from :func:`estimate_effect`) with its standard error, interval, z and p-value replaced
    by the cluster-robust ones of :func:`.variance.matched_difference_from_pairs`: matched sets as
    clusters without replacement, persons (counted with their weights) with replacement. The point
    estimate is unchanged. Adds ``variance`` saying which clusters were used."""
    from scipy import stats as _stats

    from .variance import matched_difference_from_pairs

    y = _numeric_column(df, effect["outcome"], "outcome", allow_missing=True)
    r = matched_difference_from_pairs(y, matching.pair_treated, matching.pair_control, replace=matching.replace,
                                      level=effect["level"])
    out = dict(effect)
    se = r["standard error"]
    z = effect["difference"] / se if se > 0 else 0.0
    out.update({"standard error": se, "low": r["low"], "high": r["high"], "z": float(z),
                "p value": float(2 * _stats.norm.sf(abs(z))), "significant": bool(r["low"] > 0 or r["high"] < 0),
                "variance": f"cluster-robust, clustered by {r['clustered by']}"})
    return out
