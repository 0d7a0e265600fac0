"""Figures for the contract report, in the house style: titled, axes in £, people or FTE, source underneath."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..plotting import PALETTE, add_source, figure
from .labels import fmt_input, label, money_short


_POUNDS = FuncFormatter(lambda v, _: money_short(v))


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
    ax.set_yticks(y, [f"{label(n)}: {fmt_input(n, lo)} → {fmt_input(n, hi)}"
                      for n, lo, hi in zip(d["input"], d["low value"], d["high value"], strict=True)])
    ax.xaxis.set_major_formatter(_POUNDS)
    ax.legend(loc="lower right", fontsize=8)
    add_source(fig, source)
    return fig


def heatmap(grid: pd.DataFrame, title: str, xlabel: str, ylabel: str, source: str, x_values=None, y_values=None,
            y_money: bool = False):
    """Surplus (£) over a two-way grid; red is deficit, blue surplus, the zero contour marks break-even.

    ``x_values``/``y_values`` (default: the grid's columns and index) place the cells on evenly spaced
    axes; ``y_money`` labels the vertical axis in £.
    """
    fig, ax = figure(title, xlabel, ylabel)
    values = grid.to_numpy()
    xs = np.asarray(grid.columns if x_values is None else x_values, dtype=float)
    ys = np.asarray(grid.index if y_values is None else y_values, dtype=float)
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1) / 2, (ys[-1] - ys[0]) / (len(ys) - 1) / 2
    limit = float(np.max(np.abs(values))) or 1.0
    im = ax.imshow(values, origin="lower", aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit,
                   extent=(xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy))
    ax.contour(xs, ys, values, levels=[0.0], colors="black", linewidths=1.0)
    ax.grid(False)
    if y_money:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"£{v:,.0f}"))
    bar = fig.colorbar(im, ax=ax)
    bar.set_label("Total surplus over the contract (£)")
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
    for i, (name, part) in enumerate(df.groupby(group, sort=False)):
        ax.plot(part[x], part[y], color=PALETTE[i % len(PALETTE)], label=str(name),
                lw=2.5 if "this contract" in str(name) else 1.2, zorder=3 if "this contract" in str(name) else 2)
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(_POUNDS)
    ax.legend(fontsize=8)
    add_source(fig, source)
    return fig
