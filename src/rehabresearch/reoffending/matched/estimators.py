"""The effect on the treated (ATT) by other estimators on the same data, for a robustness table.

* **Inverse-probability (odds) weighting**: treated people weigh 1, comparison people e/(1-e) (the odds
  of their propensity score), which re-weights the comparison pool to look like the treated group
  (Hirano, Imbens and Ridder 2003, *Econometrica* 71:1161; the ATT "odds" weights). The estimate is the
  difference in weighted means with normalised weights.
* **Doubly robust augmented IPW**: an outcome regression m0(x) fitted on the comparison pool (ordinary
  least squares on the covariates; a linear probability model for a 0/1 outcome) predicts each person's
  untreated outcome; the odds-weighted difference is then taken on the residuals y - m0(x). The
  estimate is consistent if either the propensity model or the outcome model is right (e.g. Moodie,
  Saarela and Stephens 2018, *Statistics in Medicine* 37:1542, for the ATT form).
* **Regression adjustment on the matched sample**: weighted least squares of the outcome on the
  treatment indicator and the covariates, with the matching weights; the treatment coefficient.

Intervals are normal-theory with sandwich (robust) standard errors, not the bootstrap: for IPW and
AIPW the heteroscedasticity-robust HC0 sandwich of the weighted regression (equivalently the influence
function with the propensity and outcome models treated as fixed, which ignores their estimation —
usually slightly conservative for the weighting estimators); for the regression on the matched sample,
the cluster sandwich by matched set (see :mod:`.variance`). :func:`robustness_table` puts them beside
the matched estimate and :func:`agreement` says whether they agree.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .variance import wls

__all__ = ["EstimatorError", "agreement", "aipw_att", "ipw_att", "regression_att", "robustness_table"]


class EstimatorError(ValueError):
    """Bad input to an effect estimator; the message names the row or column."""


def _vector(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise EstimatorError(f"{name} must be numeric") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise EstimatorError(f"{name} is missing or not finite in row {int(np.argmax(bad)) + 1}")
    return arr


def _treated(treated, n: int) -> np.ndarray:
    t = np.asarray(treated)
    if len(t) != n:
        raise EstimatorError(f"treated has {len(t)} entries but the outcome has {n}")
    tf = _vector("treated", t)
    if not np.isin(tf, (0.0, 1.0)).all():
        raise EstimatorError(f"treated must be 0/1; row {int(np.argmax(~np.isin(tf, (0.0, 1.0)))) + 1} is not")
    tb = tf.astype(bool)
    if tb.sum() < 2 or (~tb).sum() < 2:
        raise EstimatorError("each group needs at least 2 people")
    return tb


def _covariates(covariates, n: int) -> tuple[np.ndarray, list[str]]:
    if isinstance(covariates, pd.DataFrame):
        names = [str(c) for c in covariates.columns]
        numeric = all(pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_bool_dtype(d) for d in covariates.dtypes)
        frame = covariates if numeric else covariates.apply(pd.to_numeric, errors="coerce")
        values = frame.to_numpy(dtype=float)
    else:
        values = np.asarray(covariates, dtype=float)
        values = values.reshape(len(values), -1)
        names = [f"covariate {i + 1}" for i in range(values.shape[1])]
    if len(values) != n:
        raise EstimatorError(f"covariates have {len(values)} rows but the outcome has {n}")
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise EstimatorError(f"covariate {names[col]!r} is missing or not numeric in row {row + 1}")
    return values, names


def _propensity(propensity, t: np.ndarray) -> np.ndarray:
    e = _vector("propensity", propensity)
    if len(e) != len(t):
        raise EstimatorError(f"propensity has {len(e)} entries but the outcome has {len(t)}")
    bad = (e <= 0) | (e >= 1)
    if bad.any():
        raise EstimatorError(f"propensity must lie strictly between 0 and 1; row {int(np.argmax(bad)) + 1} holds "
                             f"{e[bad][0]!r}")
    return e


def _result(name: str, est: float, se: float, level: float, n_t: int, n_c: float, **extra) -> dict:
    z = stats.norm.ppf(0.5 + level / 2)
    out = {"estimator": name, "estimate": float(est), "standard error": float(se), "low": float(est - z * se),
           "high": float(est + z * se), "level": level, "treated people": int(n_t),
           "comparison effective size": float(n_c)}
    out.update(extra)
    return out


def _weighted_difference_hc0(r: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Difference of weighted means of ``r`` (treated minus comparison) and its HC0 sandwich SE."""
    wt, wc = np.where(t, w, 0.0), np.where(t, 0.0, w)
    mt, mc = np.sum(wt * r) / wt.sum(), np.sum(wc * r) / wc.sum()
    var = np.sum(wt**2 * (r - mt) ** 2) / wt.sum() ** 2 + np.sum(wc**2 * (r - mc) ** 2) / wc.sum() ** 2
    return float(mt - mc), float(np.sqrt(var))


def _least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS coefficients via the normal equations on centred, scaled columns (fast at a million rows and
    well conditioned for money-scale covariates); the first column of ``X`` is the intercept."""
    mean = X[:, 1:].mean(axis=0)
    scale = X[:, 1:].std(axis=0)
    scale[scale == 0] = 1.0
    Z = np.column_stack([np.ones(len(X)), (X[:, 1:] - mean) / scale])
    b = np.linalg.solve(Z.T @ Z, Z.T @ y)
    slopes = b[1:] / scale
    return np.r_[b[0] - mean @ slopes, slopes]


def _odds_weights(t: np.ndarray, e: np.ndarray) -> np.ndarray:
    return np.where(t, 1.0, e / (1 - e))


def _kish(w: np.ndarray) -> float:
    return float(w.sum() ** 2 / np.sum(w**2))


def ipw_att(y, treated, propensity, *, level: float = 0.95) -> dict:
    """ATT by odds weighting. Returns ``estimator``, ``estimate``, ``standard error``, ``low``, ``high``,
    ``level``, ``treated people``, ``comparison effective size`` (Kish)."""
    y = _vector("outcome", y)
    t = _treated(treated, len(y))
    e = _propensity(propensity, t)
    w = _odds_weights(t, e)
    est, se = _weighted_difference_hc0(y, t, w)
    return _result("Inverse-probability (odds) weighting", est, se, level, t.sum(), _kish(w[~t]))


def aipw_att(y, treated, propensity, covariates, *, level: float = 0.95) -> dict:
    """Doubly robust ATT: odds-weighted difference of residuals from an outcome regression fitted on the
    comparison pool. Adds ``outcome model`` (intercept and coefficients by covariate name)."""
    y = _vector("outcome", y)
    t = _treated(treated, len(y))
    e = _propensity(propensity, t)
    X, names = _covariates(covariates, len(y))
    design = np.column_stack([np.ones(len(y)), X])
    xc = design[~t]
    if np.linalg.matrix_rank(xc) < design.shape[1]:
        raise EstimatorError("the outcome model cannot be fitted: a covariate is constant (or a combination of others) "
                             "in the comparison pool")
    coef = _least_squares(xc, y[~t])
    r = y - design @ coef
    w = _odds_weights(t, e)
    est, se = _weighted_difference_hc0(r, t, w)
    model = dict(zip(["intercept", *names], map(float, coef)))
    return _result("Doubly robust (augmented IPW)", est, se, level, t.sum(), _kish(w[~t]), **{"outcome model": model})


def regression_att(y, treated, covariates, weights, sets=None, *, level: float = 0.95) -> dict:
    """ATT by weighted regression of the outcome on treatment and covariates in the matched sample.

    ``weights`` are the matching weights (0 for people not matched); ``sets`` labels matched sets for
    cluster-robust standard errors (None: robust HC1). Adds ``clustered by``.
    """
    y = _vector("outcome", y)
    t = _treated(treated, len(y))
    X, _ = _covariates(covariates, len(y))
    w = _vector("weights", weights)
    if len(w) != len(y) or (w < 0).any():
        raise EstimatorError("weights must be one non-negative number per row")
    design = np.column_stack([np.ones(len(y)), t.astype(float), X])
    try:
        beta, cov = wls(y, design, w, sets)
    except ValueError as exc:
        raise EstimatorError(f"regression on the matched sample failed: {exc}") from None
    used = w > 0
    return _result("Regression adjustment on the matched sample", beta[1], np.sqrt(cov[1, 1]), level,
                   (t & used).sum(), _kish(w[~t & used]), **{"clustered by": "matched set" if sets is not None else "person"})


def agreement(matched: Mapping, others: list[Mapping]) -> dict:
    """Whether the other estimators agree with the matched estimate: every other estimate has the same
    sign as the matched one, and every other interval contains the matched estimate. Returns
    ``{"agree", "same sign", "intervals contain matched estimate", "disagreeing"}`` (names of the
    estimators that do not)."""
    m = float(matched["estimate"])
    same = [np.sign(o["estimate"]) == np.sign(m) for o in others]
    contain = [o["low"] <= m <= o["high"] for o in others]
    disagreeing = [o["estimator"] for o, s, c in zip(others, same, contain) if not (s and c)]
    return {"agree": not disagreeing, "same sign": all(same), "intervals contain matched estimate": all(contain),
            "disagreeing": disagreeing}


def robustness_table(matched: Mapping, others: list[Mapping]) -> tuple[pd.DataFrame, dict]:
    """The robustness table (matched estimate first, then the others) and :func:`agreement`.

    ``matched`` needs ``estimate``, ``low``, ``high`` (and optionally ``estimator``, ``standard error``).
    """
    first = {"estimator": matched.get("estimator", "Nearest-neighbour matching (headline)"), **matched}
    rows = [first, *others]
    table = pd.DataFrame([{k: r.get(k) for k in ("estimator", "estimate", "low", "high", "standard error")}
                          for r in rows])
    table["contains matched estimate"] = (table["low"] <= first["estimate"]) & (first["estimate"] <= table["high"])
    table["same sign"] = np.sign(table["estimate"]) == np.sign(first["estimate"])
    return table, agreement(first, list(others))
