"""Adjusted comparisons: logistic regression for the binary rate, Poisson / negative binomial for frequency.

Covariates are named columns: numeric ones enter as they are, categorical ones (listed in
``categorical`` with their reference level) enter as 0/1 indicators named ``column[level]``. The
results are tidy tables: odds ratios (or rate ratios) with intervals, and for the logistic model the
average marginal effect of each term in percentage points, which is the "adjusted difference" a
reader can compare with the unadjusted one.

Problems that would make the estimates meaningless are raised as ``ModelError`` with the reason:
missing columns, a non-binary outcome, a constant covariate, a category level with no people, or
perfect separation (a covariate that predicts the outcome exactly, so its odds ratio is infinite).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from .measures import require_binary, require_columns

__all__ = [
    "CountResult",
    "LogisticResult",
    "ModelError",
    "count_model",
    "design_matrix",
    "level_effects",
    "logistic",
    "unadjusted_and_adjusted",
]

try:  # statsmodels < 0.14 raises instead of warning
    from statsmodels.tools.sm_exceptions import PerfectSeparationError
except ImportError:  # pragma: no cover - depends on the installed statsmodels
    PerfectSeparationError = ()  # type: ignore[assignment]


class ModelError(ValueError):
    """The data cannot support the requested model (the message says why)."""


def design_matrix(df: pd.DataFrame, covariates: Sequence[str],
                  categorical: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Numeric design matrix with an intercept; categorical columns become ``col[level]`` indicators.

    ``categorical`` maps a column to its reference level (omitted from the matrix). Levels are
    ordered as sorted strings so the matrix is reproducible. Raises ``ModelError`` for a constant
    covariate, an unknown reference level or a non-numeric value in a numeric covariate.
    """
    categorical = dict(categorical or {})
    covariates = list(covariates)
    require_columns(df, covariates, "model data")
    extra = [c for c in categorical if c not in covariates]
    if extra:
        raise ModelError(f"categorical column(s) {extra} are not among the covariates {covariates}")
    parts = {"const": np.ones(len(df))}
    for col in covariates:
        if df[col].isna().any():
            row = df[col].isna().to_numpy().nonzero()[0][0]
            raise ModelError(f"covariate {col!r} has a missing value in row {df.index[row]!r}")
        if col in categorical:
            ref = categorical[col]
            levels = sorted(pd.unique(df[col]), key=str)
            if ref not in levels:
                raise ModelError(f"reference level {ref!r} of {col!r} not found (levels: {levels})")
            if len(levels) < 2:
                raise ModelError(f"covariate {col!r} is constant ({ref!r}); it cannot be estimated")
            for level in levels:
                if level != ref:
                    parts[f"{col}[{level}]"] = (df[col] == level).to_numpy(dtype=float)
        else:
            x = pd.to_numeric(df[col], errors="coerce")
            if x.isna().any():
                row = x.isna().to_numpy().nonzero()[0][0]
                raise ModelError(
                    f"covariate {col!r} must be numeric (or listed in categorical=); row {df.index[row]!r} "
                    f"has {df[col].iloc[row]!r}")
            if x.nunique() < 2:
                raise ModelError(f"covariate {col!r} is constant ({x.iloc[0]!r}); it cannot be estimated")
            parts[col] = x.to_numpy(dtype=float)
    X = pd.DataFrame(parts, index=df.index)
    rank = np.linalg.matrix_rank(X.to_numpy())
    if rank < X.shape[1]:
        raise ModelError(
            f"covariates are collinear: the design matrix has {X.shape[1]} columns but rank {rank} "
            f"(columns {list(X.columns)})")
    return X


def _fit(model, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = model.fit(disp=False, **kwargs)
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            raise ModelError(f"perfect separation or singular fit: {exc}") from exc
    for w in caught:
        if issubclass(w.category, PerfectSeparationWarning):
            raise ModelError(f"perfect separation: {w.message}")
        if issubclass(w.category, ConvergenceWarning):
            raise ModelError(f"the model did not converge: {w.message}")
    return res


def _check_separation(X: pd.DataFrame, y: np.ndarray, outcome: str) -> None:
    """Quasi-complete separation by one indicator: everyone with (or without) it has the same outcome."""
    for col in X.columns[1:]:
        x = X[col].to_numpy()
        if not np.isin(x, (0.0, 1.0)).all():
            continue
        for value in (0.0, 1.0):
            sub = y[x == value]
            if len(sub) and (sub.min() == sub.max()):
                raise ModelError(
                    f"perfect separation: everyone with {col} = {int(value)} ({len(sub)} people) has "
                    f"{outcome} = {int(sub[0])}, so its odds ratio is infinite; merge that level or drop the covariate")


@dataclass(frozen=True)
class LogisticResult:
    """A fitted logistic model."""

    table: pd.DataFrame  # term, coef, se, z, p_value, odds_ratio, or_lo, or_hi
    marginal: pd.DataFrame  # term, ame, ame_lo, ame_hi, p_value (proportions; x100 for points)
    n: int
    events: int
    loglik: float
    result: object  # the statsmodels results, for diagnostics

    def coef(self, term: str) -> float:
        return float(self.table.set_index("term").loc[term, "coef"])


def logistic(df: pd.DataFrame, outcome: str, covariates: Sequence[str],
             categorical: Mapping[str, object] | None = None, level: float = 0.95) -> LogisticResult:
    """Logistic regression of a binary ``outcome`` on ``covariates``: odds ratios and average marginal effects.

    The average marginal effect of a 0/1 indicator is the mean change in predicted probability when
    everyone's indicator is switched from 0 to 1 (statsmodels ``get_margeff(at="overall",
    dummy=True)``, delta-method intervals); for a numeric covariate it is the mean derivative.
    """
    require_columns(df, [outcome, *covariates], "logistic")
    y = require_binary(df, outcome).to_numpy()
    if y.min() == y.max():
        raise ModelError(f"outcome {outcome!r} is {y[0]} for everyone; there is nothing to model")
    X = design_matrix(df, covariates, categorical)
    _check_separation(X, y, outcome)
    res = _fit(sm.Logit(y, X), method="newton", maxiter=100)
    z = float(stats.norm.ppf(0.5 + level / 2))
    table = pd.DataFrame({"term": X.columns, "coef": res.params.to_numpy(), "se": res.bse.to_numpy(),
                          "z": res.tvalues.to_numpy(), "p_value": res.pvalues.to_numpy()})
    table["odds_ratio"] = np.exp(table["coef"])
    table["or_lo"] = np.exp(table["coef"] - z * table["se"])
    table["or_hi"] = np.exp(table["coef"] + z * table["se"])
    me = res.get_margeff(at="overall", method="dydx", dummy=True)
    ci = me.conf_int(alpha=1 - level)
    marginal = pd.DataFrame({"term": X.columns[1:], "ame": me.margeff, "ame_lo": ci[:, 0], "ame_hi": ci[:, 1],
                             "p_value": me.pvalues})
    return LogisticResult(table=table, marginal=marginal, n=len(y), events=int(y.sum()),
                          loglik=float(res.llf), result=res)


@dataclass(frozen=True)
class CountResult:
    """A fitted Poisson or negative binomial model for counts (reoffences per person)."""

    table: pd.DataFrame  # term, coef, se, z, p_value, rate_ratio, rr_lo, rr_hi
    family: str
    alpha: float | None  # negative binomial dispersion (variance = mu + alpha mu^2); None for Poisson
    n: int
    result: object


def count_model(df: pd.DataFrame, count: str, covariates: Sequence[str],
                categorical: Mapping[str, object] | None = None, family: str = "poisson",
                exposure: str | None = None, level: float = 0.95) -> CountResult:
    """Poisson or negative binomial (NB2) regression of ``count`` on covariates: rate ratios with intervals.

    The negative binomial model allows for overdispersion (a few people with many reoffences);
    the Poisson model's intervals are too narrow when that is present. ``exposure`` names a column
    of follow-up time (default: equal follow-up, the MoJ one-year window).
    """
    if family not in ("poisson", "negbin"):
        raise ModelError(f"family must be 'poisson' or 'negbin', got {family!r}")
    require_columns(df, [count, *covariates, *([exposure] if exposure else [])], "count_model")
    c = pd.to_numeric(df[count], errors="coerce")
    bad = c.isna() | (c < 0) | (c != np.floor(c))
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ModelError(f"column {count!r} must hold non-negative whole counts; row {df.index[row]!r} has {df[count].iloc[row]!r}")
    if c.sum() == 0:
        raise ModelError(f"column {count!r} is zero for everyone; there is nothing to model")
    X = design_matrix(df, covariates, categorical)
    offset = None
    if exposure:
        e = pd.to_numeric(df[exposure], errors="coerce")
        if (e.isna() | (e <= 0)).any():
            row = (e.isna() | (e <= 0)).to_numpy().nonzero()[0][0]
            raise ModelError(f"exposure {exposure!r} must be positive; row {df.index[row]!r} has {df[exposure].iloc[row]!r}")
        offset = np.log(e.to_numpy(dtype=float))
    y = c.to_numpy(dtype=float)
    if family == "poisson":
        res = _fit(sm.Poisson(y, X, offset=offset), method="newton", maxiter=100)
        params, bse, zval, pval, alpha = res.params, res.bse, res.tvalues, res.pvalues, None
    else:
        res = _fit(sm.NegativeBinomial(y, X, offset=offset, loglike_method="nb2"), method="bfgs", maxiter=500)
        params, bse = res.params.drop("alpha"), res.bse.drop("alpha")
        zval, pval, alpha = res.tvalues.drop("alpha"), res.pvalues.drop("alpha"), float(res.params["alpha"])
    z = float(stats.norm.ppf(0.5 + level / 2))
    table = pd.DataFrame({"term": X.columns, "coef": params.to_numpy(), "se": bse.to_numpy(),
                          "z": zval.to_numpy(), "p_value": pval.to_numpy()})
    table["rate_ratio"] = np.exp(table["coef"])
    table["rr_lo"] = np.exp(table["coef"] - z * table["se"])
    table["rr_hi"] = np.exp(table["coef"] + z * table["se"])
    return CountResult(table=table, family=family, alpha=alpha, n=len(y), result=res)


def level_effects(result: LogisticResult, column: str) -> pd.DataFrame:
    """Odds ratios and average marginal effects for each non-reference level of a categorical ``column``."""
    prefix = f"{column}["
    table = result.table[result.table["term"].str.startswith(prefix)]
    if table.empty:
        raise ModelError(f"the model has no categorical term for {column!r} (terms: {list(result.table['term'])})")
    out = table.merge(result.marginal.drop(columns="p_value"), on="term")
    out.insert(0, column, out["term"].str[len(prefix):-1])
    return out[[column, "odds_ratio", "or_lo", "or_hi", "p_value", "ame", "ame_lo", "ame_hi"]].reset_index(drop=True)


def unadjusted_and_adjusted(df: pd.DataFrame, outcome: str, group: str, reference, result: LogisticResult,
                            level: float = 0.95) -> pd.DataFrame:
    """Per level of ``group``: rate (Wilson), unadjusted difference from ``reference`` (Newcombe) and the
    adjusted difference (average marginal effect from ``result``) with its odds ratio."""
    from .measures import rates_vs_reference

    raw = rates_vs_reference(df, outcome, group, reference, level).drop(columns="p_value")
    eff = level_effects(result, group).rename(columns={"p_value": "adjusted_p"})
    # Terms carry the level as text; match on the text form so numeric levels work too.
    raw["_level"] = raw[group].astype(str)
    eff = eff.rename(columns={group: "_level"})
    return raw.merge(eff, on="_level", how="left").drop(columns="_level")
