"""Confidence intervals for reoffending measures.

All functions are vectorised: arguments may be scalars or numpy arrays (broadcast together) and the
results have the broadcast shape (plain floats for scalar input). Bad input raises ``ValueError``
naming the argument and the offending value; nothing silently becomes NaN.

The Wilson and Newcombe intervals are computed by ``statsmodels.stats.proportion`` (``proportion_confint``
with ``method="wilson"`` and ``confint_proportions_2indep`` with ``method="newcomb"``), which give the
textbook formulas to within 1e-15; this module keeps the input checks statsmodels does not make.

References: Wilson (1927) for proportions; Newcombe (1998), "Interval estimation for the difference
between independent proportions", Statistics in Medicine 17:873-890, method 10 (hybrid score) for
differences; Garwood (1936) exact interval for a Poisson count; the log method (Rothman, Modern
Epidemiology) for a ratio of two rates.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

__all__ = ["interval_text", "newcombe_interval", "p_text", "poisson_rate_interval", "rate_ratio", "wilson_interval"]


def _z(level: float) -> float:
    if not (isinstance(level, (int, float, np.floating)) and 0 < float(level) < 1):
        raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return float(stats.norm.ppf(0.5 + float(level) / 2))


def _array(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be finite, got {arr[bad].ravel()[0]!r}")
    if (arr < 0).any():
        raise ValueError(f"{name} must be non-negative, got {arr[arr < 0].ravel()[0]!r}")
    return arr


def _out(*arrays):
    return tuple(a.item() if a.ndim == 0 else a for a in arrays)


def _proportion_inputs(xname: str, x, nname: str, n):
    x_arr, n_arr = _array(xname, x), _array(nname, n)
    x_arr, n_arr = (np.array(a) for a in np.broadcast_arrays(x_arr, n_arr))
    if (n_arr <= 0).any():
        raise ValueError(f"{nname} must be positive, got {n_arr[n_arr <= 0].ravel()[0]!r}")
    over = x_arr > n_arr
    if over.any():
        raise ValueError(
            f"{xname} must not exceed {nname}: {x_arr[over].ravel()[0]!r} > {n_arr[over].ravel()[0]!r}"
        )
    return x_arr, n_arr


def _wilson(x: np.ndarray, n: np.ndarray, level: float):
    lo, hi = proportion_confint(x, n, alpha=1 - float(level), method="wilson")
    # Clip float rounding so that 0/n gives exactly 0 and n/n exactly 1.
    return np.clip(np.asarray(lo, dtype=float), 0.0, 1.0), np.clip(np.asarray(hi, dtype=float), 0.0, 1.0)


def wilson_interval(successes, n, level: float = 0.95):
    """Wilson score interval for a proportion ``successes / n``; returns ``(lo, hi)``.

    Preferred over the Wald interval because it stays inside [0, 1] and keeps close to nominal
    coverage for small groups and rates near 0 or 1 (Newcombe 1998, Statistics in Medicine 17:857).
    """
    _z(level)
    x, n_arr = _proportion_inputs("successes", successes, "n", n)
    lo, hi = _wilson(x, n_arr, level)
    return _out(lo, hi)


def newcombe_interval(x1, n1, x2, n2, level: float = 0.95):
    """Difference ``p1 - p2`` of two independent proportions with Newcombe's hybrid score interval.

    Method 10 of Newcombe (1998): combines the Wilson intervals of each proportion. Returns
    ``(diff, lo, hi)`` as proportions (multiply by 100 for percentage points).
    """
    _z(level)
    x1a, n1a = _proportion_inputs("x1", x1, "n1", n1)
    x2a, n2a = _proportion_inputs("x2", x2, "n2", n2)
    x1a, n1a, x2a, n2a = (np.array(a) for a in np.broadcast_arrays(x1a, n1a, x2a, n2a))
    diff = x1a / n1a - x2a / n2a
    lo, hi = confint_proportions_2indep(x1a, n1a, x2a, n2a, method="newcomb", compare="diff", alpha=1 - float(level))
    return _out(diff, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))


def poisson_rate_interval(events, exposure, level: float = 0.95):
    """Events per unit of exposure (e.g. reoffences per person) with the exact Garwood interval.

    The count is treated as Poisson; the interval comes from the chi-squared quantiles
    ``chi2(a/2, 2x)/2`` and ``chi2(1-a/2, 2x+2)/2`` divided by the exposure. Returns
    ``(rate, lo, hi)``; for zero events the lower limit is 0.
    """
    _z(level)
    x = _array("events", events)
    e = _array("exposure", exposure)
    x, e = np.broadcast_arrays(x, e)
    if (e <= 0).any():
        raise ValueError(f"exposure must be positive, got {e[e <= 0].ravel()[0]!r}")
    alpha = 1 - float(level)
    # chi2 with 0 degrees of freedom is undefined; the lower limit for zero events is 0 by definition.
    lo = np.zeros_like(x)
    lo[x > 0] = stats.chi2.ppf(alpha / 2, 2 * x[x > 0]) / 2
    hi = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return _out(x / e, lo / e, hi / e)


def rate_ratio(x1, n1, x2, n2, level: float = 0.95):
    """Ratio of two rates ``(x1/n1) / (x2/n2)`` with the log-method interval.

    ``x`` are event counts (reoffenders or reoffences) and ``n`` the people (or exposure) in each
    group. The standard error of the log ratio is ``sqrt(1/x1 + 1/x2)`` (counts treated as Poisson;
    for a ratio of proportions with ``x <= n`` this is slightly conservative). Zero events in either
    group make the log ratio undefined and raise ``ValueError``. Returns ``(ratio, lo, hi)``.
    """
    z = _z(level)
    x1a, x2a = _array("x1", x1), _array("x2", x2)
    n1a, n2a = _array("n1", n1), _array("n2", n2)
    x1a, n1a, x2a, n2a = np.broadcast_arrays(x1a, n1a, x2a, n2a)
    for name, arr in (("n1", n1a), ("n2", n2a), ("x1", x1a), ("x2", x2a)):
        if (arr <= 0).any():
            raise ValueError(
                f"{name} must be positive for a rate ratio (log of zero is undefined), "
                f"got {arr[arr <= 0].ravel()[0]!r}"
            )
    ratio = (x1a / n1a) / (x2a / n2a)
    se = np.sqrt(1 / x1a + 1 / x2a)
    return _out(ratio, ratio * np.exp(-z * se), ratio * np.exp(z * se))


def interval_text(estimate, lo, hi, fmt: str = "{:.1f}") -> list[str]:
    """'estimate (lo to hi)' for each element, so a report shows an estimate and its interval in one cell.

    A missing estimate gives ''; an estimate without limits (for example the reference row of a
    comparison) gives the estimate alone.
    """
    est, low, high = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (estimate, lo, hi)))
    return [("" if np.isnan(e) else fmt.format(e) if np.isnan(a) or np.isnan(b)
             else f"{fmt.format(e)} ({fmt.format(a)} to {fmt.format(b)})")
            for e, a, b in zip(est.ravel(), low.ravel(), high.ravel())]


def p_text(p) -> list[str]:
    """p-values as a reader expects them: '<0.001' below 0.001, else two significant figures."""
    arr = np.atleast_1d(np.asarray(p, dtype=float))
    bad = ~((arr >= 0) & (arr <= 1))
    if bad.any():
        raise ValueError(f"p must be between 0 and 1, got {arr[bad][0]!r}")
    return ["<0.001" if v < 0.001 else f"{v:.2g}" for v in arr]
