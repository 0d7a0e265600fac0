"""Figures of a matched comparison: the Love plot of balance and the known-effect recovery chart."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .balance import SMD_THRESHOLD
from .wording import covariate_label


def love_plot(balance: pd.DataFrame, *, threshold: float = SMD_THRESHOLD, source: str | None = None,
              labels: Mapping[str, str] | None = None,
              title: str = "Balance before and after matching (absolute SMD, SD units)"):
    """Love plot: absolute SMD per covariate before and after matching, with the threshold line.

    ``labels`` maps covariate columns to the names shown (see :func:`covariate_label`).
    """
    from ...plotting import PALETTE, figure

    n = len(balance)
    fig, ax = figure(title, "Absolute standardised mean difference (SD units)", "Characteristic", source=source,
                     figsize=(8.0, 1.2 + 0.38 * n))
    y = np.arange(n)[::-1]
    ax.scatter(np.abs(balance["SMD before"]), y, color=PALETTE[1], marker="o", label="Before matching", zorder=3)
    ax.scatter(np.abs(balance["SMD after"]), y, color=PALETTE[0], marker="s", label="After matching", zorder=3)
    ax.axvline(threshold, color="#555555", linestyle="--", linewidth=1, label=f"Threshold {threshold:g}")
    ax.set_yticks(y)
    ax.set_yticklabels([covariate_label(c, labels) for c in balance["covariate"]])
    ax.set_xlim(left=0)
    ax.legend(loc="lower right")
    if source:
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig, ax


def recovery_plot(truth: float, matched: Mapping, unadjusted: Mapping, *, measure: str, source: str | None = None):
    """Point-and-interval chart of the matched and unadjusted estimates against the known true effect."""
    from ...plotting import PALETTE, figure

    fig, ax = figure("Known true effect and the estimates (percentage points)",
                     f"Difference in the {measure}, treatment minus comparison (percentage points)", "Comparison",
                     source=source, figsize=(8.0, 3.2))
    est = [unadjusted, matched]
    y = np.arange(len(est))
    mid = np.array([100 * e["difference"] for e in est])
    lo = mid - np.array([100 * e["low"] for e in est])
    hi = np.array([100 * e["high"] for e in est]) - mid
    ax.errorbar(mid, y, xerr=[lo, hi], fmt="s", color=PALETTE[0], capsize=4, label=f"Estimate with {round(100 * float(matched.get('level', 0.95)), 6):g}% interval")
    ax.axvline(100 * truth, color=PALETTE[1], linewidth=2, label=f"True effect ({100 * truth:+.1f} pp)")
    ax.axvline(0, color="#555555", linestyle=":", linewidth=1, label="No difference")
    ax.set_yticks(y)
    ax.set_yticklabels(["Unadjusted comparison", "Matched comparison"])
    ax.set_ylim(-0.6, len(est) - 0.4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.05 if source else 0, 1, 1))
    return fig, ax
