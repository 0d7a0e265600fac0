"""Figures for the contract report, in the house style: titled, axes in £, people or FTE, source underneath."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..plotting import PALETTE, add_source, figure

_POUNDS = FuncFormatter(lambda v, _: f"-£{abs(v) / 1e3:,.0f}k" if v < 0 else f"£{v / 1e3:,.0f}k")


def tornado(df: pd.DataFrame, title: str, source: str, top: int = 12):
    """Horizontal bars from the base surplus to the surplus at each input's low and high value (largest swing on top)."""
    base = df.attrs.get("base", 0.0)
    d = df.head(top).iloc[::-1]
    fig, ax = figure(title, "Total surplus over the contract (£)", "Input (low → high value)",
                     figsize=(8, 0.45 * len(d) + 1.8))
    y = np.arange(len(d))
    ax.barh(y, d["at low (£)"] - base, left=base, color=PALETTE[0], label="input at its low value")
    ax.barh(y, d["at high (£)"] - base, left=base, color=PALETTE[1], label="input at its high value", alpha=0.85)
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y, [f"{n} ({lo:,.3g} → {hi:,.3g})" for n, lo, hi in zip(d["input"], d["low value"], d["high value"])])
    ax.xaxis.set_major_formatter(_POUNDS)
    ax.legend(loc="lower right", fontsize=8)
    add_source(fig, source)
    return fig


def heatmap(grid: pd.DataFrame, title: str, xlabel: str, ylabel: str, source: str, x_labels=None, y_labels=None):
    """Surplus (£) over a two-way grid; red is deficit, blue surplus, the zero contour marks break-even."""
    fig, ax = figure(title, xlabel, ylabel)
    values = grid.to_numpy()
    limit = float(np.max(np.abs(values))) or 1.0
    im = ax.imshow(values, origin="lower", aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit)
    ax.contour(values, levels=[0.0], colors="black", linewidths=1.0)
    ax.grid(False)
    xl = x_labels if x_labels is not None else grid.columns
    yl = y_labels if y_labels is not None else grid.index
    xs = np.linspace(0, len(xl) - 1, min(len(xl), 8)).round().astype(int)
    ys = np.linspace(0, len(yl) - 1, min(len(yl), 8)).round().astype(int)
    ax.set_xticks(xs, [f"{xl[i]:,.2f}" if abs(xl[i]) < 10 else f"{xl[i]:,.0f}" for i in xs])
    ax.set_yticks(ys, [f"{yl[i]:,.2f}" if abs(yl[i]) < 10 else f"{yl[i]:,.0f}" for i in ys])
    bar = fig.colorbar(im, ax=ax)
    bar.set_label("Total surplus (£)")
    bar.ax.yaxis.set_major_formatter(_POUNDS)
    add_source(fig, source)
    return fig


def staffing(table: pd.DataFrame, initial_staff: float, title: str, source: str):
    """Staff needed and funded per period (FTE) with the hires and redundancies the profile forces."""
    fig, ax = figure(title, "Period", "Staff (FTE)")
    x = np.arange(len(table))
    ax.plot(x, table["staff needed (FTE)"], marker="o", color=PALETTE[0], label="staff needed for real volume")
    ax.plot(x, table["staff funded (FTE)"], marker="s", color=PALETTE[2], label="staff the income pays for")
    ax.bar(x - 0.15, table["hires (FTE)"], width=0.3, color=PALETTE[1], label="hires")
    ax.bar(x + 0.15, table["redundancies (FTE)"], width=0.3, color=PALETTE[3], label="redundancies")
    ax.axhline(initial_staff, color="grey", ls="--", lw=1, label="staff transferred in at the start")
    ax.set_xticks(x, table["period"])
    ax.legend(fontsize=8)
    add_source(fig, source)
    return fig


def lines(df: pd.DataFrame, x: str, y: str, group: str, title: str, xlabel: str, ylabel: str, source: str):
    """One line per group (e.g. surplus in £ against volume factor, by payment mechanism)."""
    fig, ax = figure(title, xlabel, ylabel)
    for i, (label, part) in enumerate(df.groupby(group, sort=False)):
        ax.plot(part[x], part[y], color=PALETTE[i % len(PALETTE)], label=str(label))
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(_POUNDS)
    ax.legend(fontsize=8)
    add_source(fig, source)
    return fig


def distribution(values: np.ndarray, title: str, xlabel: str, source: str, marks: dict[str, float] | None = None):
    """Histogram of Monte Carlo outcomes (£) with labelled vertical marks (e.g. break-even, 95th percentile)."""
    fig, ax = figure(title, xlabel, "Share of draws (%)")
    weights = np.full(values.shape, 100.0 / values.size)
    ax.hist(values, bins=60, weights=weights, color=PALETTE[0], alpha=0.8)
    for i, (label, v) in enumerate((marks or {}).items()):
        ax.axvline(v, color=PALETTE[(i + 1) % len(PALETTE)], lw=1.5, ls="--", label=label)
    if marks:
        ax.legend(fontsize=8)
    ax.xaxis.set_major_formatter(_POUNDS)
    add_source(fig, source)
    return fig


def sobol_bars(df: pd.DataFrame, title: str, source: str):
    """First-order and total Sobol indices (share of variance in £ surplus) with their intervals."""
    fig, ax = figure(title, "Share of the variance of total surplus (£²), 0-1", "Input",
                     figsize=(8, 0.45 * len(df) + 1.8))
    d = df.iloc[::-1]
    y = np.arange(len(d))
    for off, col, colour, label in ((-0.18, "first order", PALETTE[0], "first order (alone)"),
                                    (0.18, "total", PALETTE[1], "total (with interactions)")):
        err = np.vstack([d[col] - d[f"{col} low"], d[f"{col} high"] - d[col]]).clip(min=0)
        ax.barh(y + off, d[col], height=0.36, xerr=err, color=colour, label=label, capsize=2)
    ax.set_yticks(y, d["input"])
    ax.legend(fontsize=8, loc="lower right")
    add_source(fig, source)
    return fig
