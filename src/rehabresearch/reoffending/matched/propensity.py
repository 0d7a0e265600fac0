"""The propensity score: logistic regression of treatment on the covariates, fitted so that it does not
fall over on the data researchers bring (rare treatment, money in dollars with many zeros and a long
tail, near-constant indicators), and tells separation apart from slow convergence.

Method (maximum likelihood by Newton's method, i.e. iteratively reweighted least squares):

- The design columns are centred and scaled by their standard deviation for the arithmetic only
  (a well-conditioned Hessian); the coefficients are mapped back to the original scale, and
  **convergence is judged there**: every original-scale coefficient ``c_j`` must change by less than
  ``tol * (|c_j| + 1e-6 / s_j)`` in a full Newton step (``s_j`` the covariate's standard deviation; the
  second term only matters for a coefficient that is essentially zero), so a covariate measured in
  dollars is held to the same relative precision as one measured in years. Near the optimum Newton's
  method converges quadratically, so the error left after such a step is of the order of ``tol``
  squared (default ``tol`` 1e-7).
- Every Newton step is checked against the log-likelihood and **halved** until it does not decrease
  it (step-halving; at most 50 halvings). This is what keeps the first steps from overshooting when
  treatment is rare and a covariate has a long tail: a full Newton step from the start can put some
  people at a log-odds of hundreds, after which plain Newton runs away.
- The iteration limit (default 100) is generous: with step-halving, a fit that is not separated
  converges quadratically once near the optimum, typically in 5-15 iterations.
- **Separation.** Under complete or quasi-complete separation the maximum-likelihood estimate does
  not exist: some coefficients grow without bound while the log-likelihood creeps towards its
  supremum (0 under complete separation) and the fitted probabilities of some people go to 0 or 1.
  Newton's steps then settle on a fixed direction ``d`` of roughly constant length. The fit stops
  when the direction has been stable for three iterations (cosine above 0.999, length not
  shrinking) and the direction is a separation certificate: the linear predictor ``X d`` is
  non-negative for every treated person and non-positive for every untreated one (to rounding).
  It then raises :class:`SeparationError` naming the covariates that carry the direction. A fit
  that runs out of iterations without such a certificate raises :class:`PropensityConvergenceError`
  instead: slow convergence is never reported as separation or as "no overlap".
- Exactly collinear columns (one a combination of the others) are found before fitting by a pivoted
  QR decomposition of the standardised cross-product matrix and named.
- On large data (over ``2 * WARM_START_ROWS`` rows) the iterations start from a fit to an evenly spaced
  subsample (speed only: the full-data iterations then only polish, and the convergence test is on
  the full data).

Reference: statsmodels ``Logit`` computes the same maximum-likelihood estimate; the tests compare the
coefficients to 1e-6 on generated hard cases (``tests/reoffending/test_matching_propensity.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, special

from .design import Design, build_design
from .inputs import MatchingError, treatment_indicator

#: Rows of the evenly spaced subsample used to warm-start the propensity fit on large data (speed only).
WARM_START_ROWS = 100_000
#: Default iteration limit of the Newton iterations.
MAX_ITER = 100
#: Default relative convergence tolerance on the original-scale coefficients.
TOL = 1e-7


class SeparationError(MatchingError):
    """The covariates (almost) perfectly predict treatment: the propensity model has no finite fit."""

    def __init__(self, message: str, covariates: Sequence[str], complete: bool):
        super().__init__(message)
        self.covariates = tuple(covariates)
        self.complete = complete


class PropensityConvergenceError(MatchingError):
    """The propensity model did not converge within the iteration limit (and is not separated)."""


@dataclass(frozen=True)
class PropensityFit:
    """A fitted logistic propensity model. ``coef`` is on the original covariate scale, intercept first;
    ``covariates`` names the design columns (for a formula, as the formula library names them)."""

    covariates: tuple[str, ...]
    coef: np.ndarray
    logit: np.ndarray
    converged: bool
    iterations: int
    loglik: float = float("nan")
    halvings: int = 0

    @property
    def score(self) -> np.ndarray:
        """Propensity score (probability of treatment) for every row."""
        return special.expit(self.logit)


# --------------------------------------------------------------------------------------------
# Numerical pieces
# --------------------------------------------------------------------------------------------
def _standardise(matrix: np.ndarray, names: Sequence[str]):
    """Column-major [1, (x - mean) / sd] and each column's mean and SD; refuses constant columns."""
    n, p = matrix.shape
    z = np.empty((n, p + 1), order="F")
    z[:, 0] = 1.0
    mean, sd = np.zeros(p), np.zeros(p)
    for j in range(p):
        col = z[:, j + 1]
        col[:] = matrix[:, j]
        mean[j] = col.mean()
        col -= mean[j]
        sd[j] = np.sqrt(np.dot(col, col) / n)
        # A column whose spread is at rounding level of its mean is constant for all purposes.
        if sd[j] > 1e-12 * max(1.0, abs(mean[j])):
            col /= sd[j]
        else:
            sd[j] = 0.0
    constant = [names[j] for j in range(p) if sd[j] == 0]
    if constant:
        raise MatchingError(
            f"covariate(s) {constant} take a single value in the data, so they cannot predict treatment; remove them"
        )
    return z, mean, sd


def _check_collinear(z: np.ndarray, names: Sequence[str]) -> None:
    """Refuse exactly collinear design columns, naming those that are combinations of the others."""
    gram = z[:, 1:].T @ z[:, 1:] / len(z)  # correlation matrix (columns are centred and scaled)
    if gram.shape[0] < 2:
        return
    _, r, piv = linalg.qr(gram, pivoting=True)
    diag = np.abs(np.diag(r))
    dependent = [names[piv[k]] for k in range(len(diag)) if diag[k] <= 1e-10 * diag[0]]
    if dependent:
        raise MatchingError(
            f"the propensity model cannot be fitted: covariate(s) {dependent} are exact combinations of the other "
            f"covariates (collinear); remove one of each collinear set"
        )


def _loglik(eta: np.ndarray, y: np.ndarray) -> float:
    """Bernoulli log-likelihood at linear predictor ``eta``; stable for any |eta|."""
    return float(np.dot(y, eta) - np.sum(np.logaddexp(0.0, eta)))


def _to_original(beta: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    coef = np.empty_like(beta)
    coef[1:] = beta[1:] / sd
    coef[0] = beta[0] - np.sum(coef[1:] * mean)
    return coef


@dataclass
class _State:
    beta: np.ndarray
    eta: np.ndarray
    loglik: float
    iterations: int = 0
    halvings: int = 0
    converged: bool = False
    separated: np.ndarray | None = None  # the separating direction, when found


def _newton(z, y, beta, *, mean, sd, max_iter, tol, detect=True) -> _State:
    """Newton-Raphson with step-halving; convergence on the original scale; stops on a separation certificate."""
    buf = np.empty_like(z)
    eta = z @ beta
    state = _State(beta, eta, _loglik(eta, y))
    floor = np.r_[1e-6, 1e-6 / sd]  # original-scale floor below which a coefficient is judged absolutely
    coef = _to_original(beta, mean, sd)
    last_step, stable = None, 0
    while state.iterations < max_iter:
        state.iterations += 1
        p = special.expit(state.eta)
        grad = z.T @ (y - p)
        np.multiply(z, np.sqrt(p * (1.0 - p))[:, None], out=buf)
        hess = buf.T @ buf
        try:
            with warnings.catch_warnings():  # an ill-conditioned Hessian (probabilities near 0 or 1) is expected
                warnings.simplefilter("error", linalg.LinAlgWarning)
                step = linalg.solve(hess, grad, assume_a="pos")
        except (linalg.LinAlgError, linalg.LinAlgWarning, ValueError):
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        t = 1.0
        for _ in range(51):
            new_beta = state.beta + t * step
            new_eta = z @ new_beta
            new_ll = _loglik(new_eta, y)
            if new_ll >= state.loglik - 1e-12 * abs(state.loglik):
                break
            t /= 2
            state.halvings += 1
        else:  # no step improves the likelihood (to rounding): the optimum, or separation gone below rounding
            if detect and _certifies_separation(z, y, step):
                state.separated = step
            else:
                state.converged = bool(np.dot(grad, step) <= 1e-10 * max(1.0, abs(state.loglik)))
            break
        state.beta, state.eta, state.loglik = new_beta, new_eta, new_ll
        new_coef = _to_original(new_beta, mean, sd)
        if t == 1.0 and np.all(np.abs(new_coef - coef) <= tol * (np.abs(new_coef) + floor)):
            state.converged = True
            break
        coef = new_coef
        taken = t * step
        if detect and last_step is not None:
            cos = np.dot(taken, last_step) / (np.linalg.norm(taken) * np.linalg.norm(last_step) + 1e-300)
            stable = stable + 1 if (cos > 0.999 and np.linalg.norm(taken) >= 0.5 * np.linalg.norm(last_step)) else 0
            if stable >= 3 and _certifies_separation(z, y, taken):
                state.separated = taken
                break
        last_step = taken
    return state


def _warm_start_rows(y: np.ndarray) -> tuple[np.ndarray, float]:
    """Rows of the warm-start subsample and the intercept shift that maps its fit to the full data.

    Every person of the rarer group (up to half the subsample) and an evenly spaced sample of the
    other: the information on the slopes lies mostly in the rarer group, so the start is nearly as good
    as the full fit. Sampling the groups at fractions f1 (treated) and f0 shifts only the intercept, by
    log(f1 / f0) (Prentice and Pyke 1979), which is returned so the caller can undo it.
    """
    treated = np.flatnonzero(y > 0)
    untreated = np.flatnonzero(y <= 0)
    rare, common = (treated, untreated) if len(treated) <= len(untreated) else (untreated, treated)
    if len(rare) > WARM_START_ROWS // 2:
        rare = rare[:: int(np.ceil(len(rare) / (WARM_START_ROWS // 2)))]
    common = common[:: max(1, len(common) // (WARM_START_ROWS - len(rare)))]
    rows = np.sort(np.concatenate([rare, common]))
    f1 = (y[rows] > 0).sum() / max(len(treated), 1)
    f0 = (y[rows] <= 0).sum() / max(len(untreated), 1)
    return rows, float(np.log(f1 / f0))


def _certifies_separation(z: np.ndarray, y: np.ndarray, d: np.ndarray) -> bool:
    """True when direction ``d`` separates: X d >= 0 for every treated and <= 0 for every untreated (to rounding)."""
    u = z @ d
    slack = 1e-8 * (np.max(np.abs(u)) + 1e-300)
    positive = y > 0
    return bool(np.all(u[positive] >= -slack) and np.all(u[~positive] <= slack) and np.any(np.abs(u) > slack))


def _separation_error(state: _State, z, y, names, labels) -> SeparationError:
    d = state.separated[1:]
    weight = np.abs(d) / np.max(np.abs(d))
    order = np.argsort(-weight)
    involved = [names[j] for j in order if weight[j] >= 0.05]
    u = z @ state.separated
    slack = 1e-8 * np.max(np.abs(u))
    n_sep = int((np.abs(u) > slack).sum())
    complete = n_sep == len(u)  # the direction strictly separates every person
    n_sep_t = int(((np.abs(u) > slack) & (y > 0)).sum())
    shown = ", ".join(labels.get(c, c) for c in involved)
    kind = "completely" if complete else "almost completely (quasi-complete separation)"
    message = (
        f"the propensity model has no finite fit: {shown} {'separates' if len(involved) == 1 else 'together separate'} "
        f"treated from untreated people {kind}. "
        + ("Every person's treatment is predicted exactly, so treated and untreated people do not overlap at all. "
           if complete else
           f"For {n_sep:,} people ({n_sep_t:,} of them treated) the model predicts treatment with certainty: they "
           "fall in a part of the data where only one group exists and cannot be matched fairly. ")
        + "The coefficients grow without limit as the fit proceeds (this is separation, not slow convergence). "
        "Remove or combine the covariate(s) named (for example merge rare categories), or restrict the data to "
        "people who could have received the service."
    )
    return SeparationError(message, involved, complete)


# --------------------------------------------------------------------------------------------
# The fit
# --------------------------------------------------------------------------------------------
def fit_logit(
    matrix: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
    labels: dict[str, str] | None = None,
) -> PropensityFit:
    """Logistic regression of 0/1 ``y`` on the columns of ``matrix`` (n x p, no intercept column; an
    intercept is added). Returns the fit, or raises :class:`SeparationError`,
    :class:`PropensityConvergenceError` or :class:`MatchingError` (constant or collinear columns)."""
    names = tuple(names)
    y = np.asarray(y, dtype=float)
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 1):
        raise MatchingError(f"max_iter must be a whole number of at least 1, got {max_iter!r}")
    z, mean, sd = _standardise(np.asarray(matrix, dtype=float), names)
    _check_collinear(z, names)
    prevalence = y.mean()
    start = np.zeros(z.shape[1])
    start[0] = np.log(prevalence / (1 - prevalence))
    beta = start
    if len(y) > 2 * WARM_START_ROWS:
        rows, shift = _warm_start_rows(y)
        offset = np.r_[shift, np.zeros(len(start) - 1)]
        sub = _newton(np.ascontiguousarray(z[rows]), y[rows], start + offset,
                      mean=mean, sd=sd, max_iter=max_iter, tol=1e-6, detect=False)
        if sub.converged and np.all(np.isfinite(sub.beta)):
            beta = sub.beta - offset
    state = _newton(z, y, beta, mean=mean, sd=sd, max_iter=max_iter, tol=tol)
    if state.separated is None and not state.converged:
        # Out of iterations: one more look for a separating direction before calling it slow convergence.
        direction = state.beta - start
        if _certifies_separation(z, y, direction) and np.max(np.abs(state.eta)) > 15:
            state.separated = direction
    if state.separated is not None:
        raise _separation_error(state, z, y, names, labels or {})
    if not state.converged:
        raise PropensityConvergenceError(
            f"the propensity model did not converge in {max_iter} iterations (the covariates do not separate the "
            "groups; the log-likelihood was still improving). Raise the iteration limit, or simplify the model "
            "(fewer or coarser covariates)"
        )
    coef = _to_original(state.beta, mean, sd)
    return PropensityFit(names, coef, state.eta, True, state.iterations, state.loglik, state.halvings)


def fit_propensity(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str] | str | Design,
    *,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
    missing: str = "refuse",
) -> PropensityFit:
    """Logistic regression of ``treatment`` on ``covariates``: a list of columns, a formula in
    statsmodels notation (``"age + I(age**2) + C(ethnicity)"``) or a :class:`Design` already built by
    :func:`build_design`. See the module docstring for the method."""
    y = treatment_indicator(df, treatment).astype(float)
    design = covariates if isinstance(covariates, Design) else build_design(df, covariates, missing=missing)
    if treatment in design.variables:
        raise MatchingError(f"the treatment column {treatment!r} cannot also be a covariate")
    return fit_logit(design.matrix, y, design.names, max_iter=max_iter, tol=tol, labels=design.labels)
