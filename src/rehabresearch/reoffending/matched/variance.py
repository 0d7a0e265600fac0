"""Standard errors that respect the matching: matched sets as clusters.

The matched comparison's default interval treats the two matched groups as independent samples. After
matching, outcomes within a matched set are alike (that is what matching is for), so the pairing
carries information; Abadie and Spiess (2022, "Robust post-matching inference", *Journal of the American
Statistical Association* 117:983-995) show that, after matching without replacement, a cluster-robust
standard error with the matched sets as clusters is valid for the matched difference (and for a
regression on the matched sample), while the usual independent-samples formula can be wrong in either
direction.

Default, and why: **cluster by matched set** when matching was without replacement (the set of one
treated person and their controls; Abadie & Spiess 2022). With replacement a comparison person can sit
in several sets, so sets are not independent; we then write the matched sample in long form (one row
per treated person per set, one row per control per set with weight 1/k, k the set's number of
controls — the weights the matching implies) and **cluster by person**, so every copy of a re-used
control falls in one cluster and its total weight is counted.

The estimator is weighted least squares; the variance is the cluster sandwich with the small-sample
factor G/(G-1) (N-1)/(N-K) (the "CR1" correction statsmodels applies with ``cov_type="cluster"``; with
every row its own cluster this is HC1). All of it is vectorised (``np.bincount`` sums scores by cluster).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["VarianceError", "long_format", "matched_difference", "matched_difference_from_pairs", "wls"]


class VarianceError(ValueError):
    """Bad input to a variance calculation."""


def _finite(name: str, values, *, ndim: int = 1) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise VarianceError(f"{name} must be numeric") from None
    if arr.ndim != ndim:
        arr = arr.reshape(len(arr), -1) if ndim == 2 else arr.ravel()
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argmax(bad.reshape(len(arr), -1).any(axis=1)))
        raise VarianceError(f"{name} is missing or not finite in row {row + 1}")
    return arr


def wls(y, X, weights=None, groups=None, *, correction: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares with a cluster-robust covariance: ``(coefficients, covariance)``.

    ``X`` is the n x K design (include a column of ones for an intercept). ``groups`` labels clusters
    (None: every row its own cluster, i.e. heteroscedasticity-robust HC1). Rows with weight 0 are
    dropped. ``correction`` applies G/(G-1) (N-1)/(N-K).
    """
    y = _finite("outcome", y)
    X = _finite("design", X, ndim=2)
    n = len(y)
    if X.shape[0] != n:
        raise VarianceError(f"design has {X.shape[0]} rows but outcome has {n}")
    w = np.ones(n) if weights is None else _finite("weights", weights)
    if len(w) != n or (w < 0).any():
        raise VarianceError("weights must be one non-negative number per row")
    keep = w > 0
    g = np.arange(n) if groups is None else np.asarray(groups)
    if len(g) != n:
        raise VarianceError(f"groups has {len(g)} entries but outcome has {n}")
    y, X, w, g = y[keep], X[keep], w[keep], g[keep]
    sw = np.sqrt(w)
    Xw, yw = X * sw[:, None], y * sw
    xtx = Xw.T @ Xw
    if np.linalg.matrix_rank(xtx) < X.shape[1]:
        raise VarianceError("the design is singular: a covariate is constant or a combination of others in the sample")
    bread = np.linalg.inv(xtx)
    beta = bread @ (Xw.T @ yw)
    scores = Xw * (yw - Xw @ beta)[:, None]
    codes, inverse = np.unique(g, return_inverse=True)
    summed = np.column_stack([np.bincount(inverse, weights=scores[:, j], minlength=len(codes))
                              for j in range(X.shape[1])])
    cov = bread @ (summed.T @ summed) @ bread
    n_obs, k, n_groups = len(y), X.shape[1], len(codes)
    if correction:
        if n_groups < 2 or n_obs <= k:
            raise VarianceError(f"too few clusters ({n_groups}) or rows ({n_obs}) for a cluster-robust variance")
        cov = cov * n_groups / (n_groups - 1) * (n_obs - 1) / (n_obs - k)
    return beta, cov


def matched_difference(y, treated, weights, groups=None, *, level: float = 0.95) -> dict:
    """Weighted difference in means (treated minus comparison) with its cluster-robust interval.

    Equivalent to regressing ``y`` on an intercept and the treatment indicator with ``weights``.
    Returns ``estimate``, ``standard error``, ``low``, ``high``, ``level``, ``clusters``.
    """
    t = np.asarray(treated).astype(bool)
    X = np.column_stack([np.ones(len(t)), t.astype(float)])
    beta, cov = wls(y, X, weights, groups)
    se = float(np.sqrt(cov[1, 1]))
    z = stats.norm.ppf(0.5 + level / 2)
    w = np.ones(len(t)) if weights is None else np.asarray(weights, dtype=float)
    g = np.arange(len(t)) if groups is None else np.asarray(groups)
    return {"estimate": float(beta[1]), "standard error": se, "low": float(beta[1] - z * se),
            "high": float(beta[1] + z * se), "level": level, "clusters": int(len(np.unique(g[w > 0])))}


def long_format(pair_treated, pair_control) -> dict:
    """The matched sample in long form: one row per treated person per set and one per control per set.

    ``pair_treated[i]`` is matched to ``pair_control[i]`` (row positions in the data). Returns arrays
    ``row`` (the data row), ``treated`` (bool), ``weight`` (1 for treated, 1/k for a control in a set of
    k controls), ``set`` (the treated person's row, naming the matched set).
    """
    t = np.asarray(pair_treated)
    c = np.asarray(pair_control)
    if t.shape != c.shape or t.ndim != 1 or len(t) == 0:
        raise VarianceError("pair_treated and pair_control must be non-empty, one-dimensional and of equal length")
    sets, first, k = np.unique(t, return_index=True, return_counts=True)
    k_of_pair = k[np.searchsorted(sets, t)]
    return {
        "row": np.r_[sets, c],
        "treated": np.r_[np.ones(len(sets), bool), np.zeros(len(c), bool)],
        "weight": np.r_[np.ones(len(sets)), 1.0 / k_of_pair],
        "set": np.r_[sets, t],
    }


def matched_difference_from_pairs(y, pair_treated, pair_control, *, replace: bool, level: float = 0.95) -> dict:
    """The matched difference with the documented default clusters: matched sets without replacement,
    persons (in long form) with replacement. ``y`` is the outcome for every row of the data. Adds
    ``clustered by`` ("matched set" or "person") to the :func:`matched_difference` result."""
    y = np.asarray(y, dtype=float)
    lf = long_format(pair_treated, pair_control)
    yl = y[lf["row"]]
    bad = ~np.isfinite(yl)
    if bad.any():
        raise VarianceError(f"outcome is missing or not finite in data row {int(lf['row'][bad][0]) + 1} "
                            "(a matched person)")
    groups = lf["row"] if replace else lf["set"]
    out = matched_difference(yl, lf["treated"], lf["weight"], groups, level=level)
    out["clustered by"] = "person" if replace else "matched set"
    return out
