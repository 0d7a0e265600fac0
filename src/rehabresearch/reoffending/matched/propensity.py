"""The propensity score: logistic regression of treatment on the covariates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .inputs import MatchingError, _numeric_column, _require_columns, treatment_indicator

#: Rows of the evenly spaced subsample used to warm-start the propensity fit on large data (speed only).
WARM_START_ROWS = 100_000


@dataclass(frozen=True)
class PropensityFit:
    """A fitted logistic propensity model. ``coef`` is on the original covariate scale, intercept first."""

    covariates: tuple[str, ...]
    coef: np.ndarray
    logit: np.ndarray
    converged: bool
    iterations: int

    @property
    def score(self) -> np.ndarray:
        """Propensity score (probability of treatment) for every row."""
        return 1.0 / (1.0 + np.exp(-self.logit))


def _standardised_design(df: pd.DataFrame, covariates: Sequence[str]):
    """Column-major design matrix [1, standardised covariates] and each covariate's mean and SD.

    Built column by column into one preallocated array (no n x p temporaries); a constant column
    is left centred (SD 0) for the caller to report.
    """
    design = np.empty((len(df), len(covariates) + 1), order="F")
    design[:, 0] = 1.0
    mean, sd = np.zeros(len(covariates)), np.zeros(len(covariates))
    for j, c in enumerate(covariates):
        col = design[:, j + 1]
        col[:] = _numeric_column(df, c, "covariate")
        mean[j] = col.mean()
        col -= mean[j]
        sd[j] = np.sqrt(np.dot(col, col) / len(col))
        if sd[j] > 0:
            col /= sd[j]
    return design, mean, sd


def _newton(design, y, beta, max_iter, tol, covariates):
    """Newton-Raphson for the logistic log-likelihood; stops early if coefficients run away (separation)."""
    buf = np.empty_like(design)
    converged = False
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        p = special.expit(design @ beta)
        grad = design.T @ (y - p)
        np.multiply(design, np.sqrt(p * (1.0 - p))[:, None], out=buf)
        hess = buf.T @ buf
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError as exc:
            raise MatchingError(
                f"the propensity model cannot be fitted: covariates {list(covariates)} are collinear"
            ) from exc
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
            break
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
    return beta, converged, iterations


def fit_propensity(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    *,
    max_iter: int = 30,
    tol: float = 1e-6,
) -> PropensityFit:
    """Logistic regression of ``treatment`` on ``covariates`` by Newton's method (IRLS).

    Covariates are standardised for the fit (numerical stability) and the coefficients are mapped
    back. Iteration stops when no coefficient moves by more than ``tol`` (relative); Newton's method
    converges quadratically, so the error left is of the order of ``tol`` squared. A constant covariate, a missing value or a non-numeric column raises
    :class:`MatchingError` naming it. If the iterations do not converge (as under complete
    separation) the fit is returned with ``converged=False``; :func:`matched_comparison` then
    refuses with :class:`NoOverlapError`.
    """
    covariates = tuple(covariates)
    if not covariates:
        raise MatchingError("no covariates named for the propensity score")
    if len(set(covariates)) != len(covariates):
        raise MatchingError(f"covariates named more than once: {list(covariates)}")
    _require_columns(df, covariates, "covariates")
    y = treatment_indicator(df, treatment).astype(float)
    if treatment in covariates:
        raise MatchingError(f"the treatment column {treatment!r} cannot also be a covariate")
    design, mean, sd = _standardised_design(df, covariates)
    constant = [c for c, s in zip(covariates, sd) if not s > 0]
    if constant:
        raise MatchingError(f"covariate(s) {constant} take a single value in the data, so they cannot predict treatment")
    beta = np.zeros(design.shape[1])
    prevalence = y.mean()
    beta[0] = np.log(prevalence / (1 - prevalence))
    if len(y) > 2 * WARM_START_ROWS:
        # Warm start on an evenly spaced subsample; the full-data iterations then only polish.
        step = len(y) // WARM_START_ROWS
        beta, _, _ = _newton(np.ascontiguousarray(design[::step]), y[::step], beta, max_iter, 1e-6, covariates)
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
            beta = np.zeros(design.shape[1])
            beta[0] = np.log(prevalence / (1 - prevalence))
    beta, converged, iterations = _newton(design, y, beta, max_iter, tol, covariates)
    logit = design @ beta
    coef = np.empty_like(beta)
    coef[1:] = beta[1:] / sd
    coef[0] = beta[0] - np.sum(beta[1:] * mean / sd)
    return PropensityFit(covariates, coef, logit, converged, iterations)
