"""Figures of the Justice Data Lab form, in the house style: the attrition diagram (who was submitted,
matched and analysed, and why people were lost) and a forest plot of every outcome's difference.

Both return a matplotlib figure (and its axes); counts below the disclosure threshold are shown as
"fewer than 10", never as the number.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ... import disclosure
from ...plotting import PALETTE, figure

__all__ = ["attrition_plot", "attrition_table", "forest_plot"]


def attrition_table(stages: Sequence[tuple[str, int]], reasons: Sequence[str | None] | None = None) -> pd.DataFrame:
    """Stages of the analysis in order with the people lost between consecutive stages.

    ``stages`` is ``[(label, count), ...]`` from people submitted to people analysed, e.g.
    ``[("People submitted", 1200), ("Identified in the reoffending data", 1100), ("Matched", 950),
    ("Analysed", 950)]``; ``reasons[i]`` says why people were lost between stage i and i+1 (None where
    nobody was). Counts must be whole numbers that never increase. Returns columns ``stage``, ``people``,
    ``lost before this stage`` and ``reason``.
    """
    if len(stages) < 2:
        raise ValueError("an attrition diagram needs at least two stages (submitted and analysed)")
    labels = [str(s[0]) for s in stages]
    try:
        counts = np.asarray([s[1] for s in stages], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"stage counts must be whole numbers >= 0, got {[s[1] for s in stages]}") from None
    if (~np.isfinite(counts)).any() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError(f"stage counts must be whole numbers >= 0, got {[s[1] for s in stages]}")
    if (np.diff(counts) > 0).any():
        i = int(np.argmax(np.diff(counts) > 0))
        raise ValueError(f"stage {labels[i + 1]!r} has more people ({int(counts[i + 1])}) than the stage before it "
                         f"({labels[i]!r}, {int(counts[i])})")
    reasons = list(reasons) if reasons is not None else [None] * (len(stages) - 1)
    if len(reasons) != len(stages) - 1:
        raise ValueError(f"give one reason per step between stages: {len(stages) - 1} expected, got {len(reasons)}")
    lost = np.r_[0, -np.diff(counts)].astype(int)
    return pd.DataFrame({"stage": labels, "people": counts.astype(int), "lost before this stage": lost,
                         "reason": [None, *reasons]})


def attrition_plot(table: pd.DataFrame, *, title: str = "People submitted, matched and analysed (number of people)",
                   source: str | None = None, threshold: int = disclosure.DEFAULT_THRESHOLD):
    """Horizontal funnel of :func:`attrition_table`: one bar per stage, the loss and its reason between
    bars. Returns ``(fig, ax)``."""
    n = len(table)
    fig, ax = figure(title, "Number of people", "Stage", source=source, figsize=(8.0, 1.4 + 0.9 * n))
    ax.set_title(textwrap.fill(title, 45))  # the title starts above the axes, right of the stage names
    y = np.arange(n)[::-1] * 1.0
    people = table["people"].to_numpy()
    ax.barh(y, people, color=PALETTE[0], height=0.55, zorder=3)
    top = max(float(people.max()), 1.0)
    for yi, count in zip(y, people):
        ax.text(count + 0.01 * top, yi, disclosure.safe_count(count, threshold), va="center", ha="left", fontsize=9)
    for i in range(1, n):
        lost = int(table["lost before this stage"].iloc[i])
        if lost == 0:
            continue
        reason = table["reason"].iloc[i]
        text = f"{disclosure.safe_count(lost, threshold)} not carried forward" + (f": {reason}" if reason else "")
        ax.text(0.01 * top, (y[i - 1] + y[i]) / 2, text, va="center", ha="left", fontsize=8, color=PALETTE[3],
                style="italic")
    ax.set_yticks(y)
    ax.set_yticklabels(table["stage"])
    ax.set_xlim(0, top * 1.2)
    ax.grid(axis="y", visible=False)
    if source:
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig, ax


def forest_plot(rows: pd.DataFrame, *, level: float = 0.95, source: str | None = None,
                title: str | None = None):
    """Every outcome's difference (treatment minus comparison) with its interval.

    ``rows`` has columns ``label`` (with its unit, e.g. "Proven reoffending rate (people per 100)"),
    ``difference``, ``low`` and ``high`` on that scale, and optionally ``significant``. Significant
    differences are drawn filled, others hollow. Returns ``(fig, ax)``.
    """
    missing = [c for c in ("label", "difference", "low", "high") if c not in rows.columns]
    if missing:
        raise ValueError(f"forest plot rows lack column(s) {missing}")
    values = rows[["difference", "low", "high"]].to_numpy(dtype=float)
    if (~np.isfinite(values)).any():
        bad = int(np.argmax((~np.isfinite(values)).any(axis=1)))
        raise ValueError(f"forest plot row {bad + 1} ({rows['label'].iloc[bad]!r}) has a missing difference or limit")
    pct = f"{100 * level:g}%"
    title = title or f"Difference from the comparison group by outcome ({pct} intervals, units as labelled)"
    n = len(rows)
    fig, ax = figure(title, f"Treatment minus comparison group ({pct} confidence interval)",
                     "Outcome", source=source, figsize=(8.0, 1.8 + 0.6 * n))
    ax.set_title(textwrap.fill(title, 42))  # the title starts above the axes, right of the outcome names
    y = np.arange(n)[::-1]
    sig = rows["significant"].to_numpy(bool) if "significant" in rows else (values[:, 1] > 0) | (values[:, 2] < 0)
    ax.hlines(y, values[:, 1], values[:, 2], color=PALETTE[0], linewidth=2, zorder=3)
    ax.scatter(values[sig, 0], y[sig], color=PALETTE[0], s=45, zorder=4, label="Interval excludes zero")
    ax.scatter(values[~sig, 0], y[~sig], facecolor="white", edgecolor=PALETTE[0], s=45, zorder=4,
               label="Interval includes zero")
    ax.axvline(0, color="#555555", linewidth=1, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels(rows["label"])
    ax.set_ylim(-0.7, n - 0.3)
    ax.legend(loc="best", fontsize=8)
    if source:
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig, ax
