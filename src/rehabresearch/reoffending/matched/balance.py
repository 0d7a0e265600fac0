"""Balance and common support: how alike the matched groups are on the covariates and the score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from .design import Design
from .inputs import MatchingError, NoOverlapError, _numeric_column
from .nearest import MatchResult

#: |SMD| above which a covariate is called imbalanced (Austin 2009, Statistics in Medicine 28:3083).
SMD_THRESHOLD = 0.1


def common_support(logit: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    """For each group: size, range of the propensity score, and how many lie outside the other group's range.

    Raises :class:`NoOverlapError` when no treated person lies inside the comparison group's range.
    """
    lt, lc = logit[treated], logit[~treated]
    lo, hi = max(lt.min(), lc.min()), min(lt.max(), lc.max())
    outside_t = int(((lt < lc.min()) | (lt > lc.max())).sum())
    outside_c = int(((lc < lt.min()) | (lc > lt.max())).sum())
    if lo > hi or outside_t == len(lt):
        raise NoOverlapError(
            "no overlap in propensity scores: every treated person lies outside the range of the comparison "
            "pool, so no fair comparison can be made (treatment is fully predicted by the covariates)"
        )
    p = special.expit
    return pd.DataFrame(
        {
            "Group": ["Treatment group", "Comparison pool"],
            "People": [len(lt), len(lc)],
            "Lowest score": [p(lt.min()), p(lc.min())],
            "Highest score": [p(lt.max()), p(lc.max())],
            "Outside the other group's range": [outside_t, outside_c],
        }
    )


def balance_table(
    df: pd.DataFrame | None,
    covariates: Sequence[str] | Design,
    matching: MatchResult,
    logit: np.ndarray | None = None,
    threshold: float = SMD_THRESHOLD,
) -> pd.DataFrame:
    """Standardised mean differences (treated minus comparison) before and after matching.

    Denominator: pooled SD before matching, sqrt((s_t^2 + s_c^2) / 2), for both columns. After
    matching, the comparison mean is weighted by the matching weights. Also the variance ratio
    (treated / comparison) after matching, and whether |SMD after| exceeds ``threshold``.

    ``covariates`` is a list of numeric columns of ``df`` or a :class:`Design` (then ``df`` is not
    used, and the rows are the design's balance columns: every level of a categorical covariate, the
    reference level included, and any missingness indicators).
    """
    design = covariates if isinstance(covariates, Design) else None
    cov_names = list(design.balance_names) if design is not None else list(covariates)
    names = ([] if logit is None else ["propensity score (logit)"]) + cov_names
    first = 0 if logit is None else 1
    x = np.empty((len(matching.treated), len(names)), order="F")
    shift = np.zeros(len(names))
    for j, name in enumerate(names):
        if j < first:
            x[:, j] = np.asarray(logit, dtype=float)
        elif design is not None:
            x[:, j] = design.balance_matrix[:, j - first]
        else:
            x[:, j] = _numeric_column(df, name, "covariate")
        shift[j] = x[:, j].mean()
        x[:, j] -= shift[j]  # centring keeps the moment sums below accurate
    x2 = np.square(x)
    t = matching.treated
    w = matching.weights
    if not (w[t] > 0).any():
        raise MatchingError("no treated person was matched, so balance after matching is undefined")

    def moments(weight):
        total = weight.sum()
        m = weight @ x / total
        return m, weight @ x2 / total - m**2

    tf = t.astype(float)
    mt0, vt0 = moments(tf)
    mc0, vc0 = moments(1.0 - tf)
    vt0, vc0 = vt0 * t.sum() / (t.sum() - 1), vc0 * (~t).sum() / ((~t).sum() - 1)
    mt1, vt1 = moments(np.where(t, w, 0.0))
    mc1, vc1 = moments(np.where(t, 0.0, w))
    pooled = np.sqrt((vt0 + vc0) / 2)
    pooled = np.where(pooled > 0, pooled, 1.0)
    smd1 = (mt1 - mc1) / pooled
    return pd.DataFrame(
        {
            "covariate": names,
            "treated mean (before)": mt0 + shift,
            "comparison mean (before)": mc0 + shift,
            "SMD before": (mt0 - mc0) / pooled,
            "treated mean (after)": mt1 + shift,
            "comparison mean (after)": mc1 + shift,
            "SMD after": smd1,
            "variance ratio after": np.where(vc1 > 1e-12 * np.maximum(vt1, 1.0), vt1 / np.where(vc1 > 0, vc1, 1.0),
                                             np.inf),
            "imbalanced after": np.abs(smd1) > threshold,
        }
    )
