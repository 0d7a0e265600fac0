"""Figures for the reoffending reports, in the house style: titled, axes with units, source underneath.

:func:`plot_over_time` draws a headline series (separate, unjoined lines where the cohort basis changes;
unverified points hollow); :func:`km_plot` draws Kaplan-Meier curves with the number at risk. The
computations are in :mod:`.series` and :mod:`.survival`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import transforms

from .. import plotting
from ..published.transcribed import require_columns


def plot_over_time(table: pd.DataFrame, y: str, *, series: Sequence[str], title: str, ylabel: str, source: str,
                   percent: bool = False, labels: dict | None = None, breaks: str | None = None,
                   verified: str | None = None):
    """Line chart of ``y`` against cohort start date, one line per combination of the ``series`` columns
    (colour from the first, line style from the second).

    ``percent`` multiplies proportions by 100 and formats the axis as %; ``labels`` maps a series
    key (a tuple joined with ', ') to its legend name. ``breaks`` names a column (e.g. ``basis``) whose
    change starts a new, unjoined line with its own marker shape (calendar-year and financial-year cohorts
    are not one series); ``verified`` names a boolean column whose False points are drawn hollow and
    joined by a dotted line. The legend explains both. Returns the figure.
    """
    from matplotlib.lines import Line2D

    series = list(series)
    require_columns(table, ["date", y, *series, *(c for c in (breaks, verified) if c)], "plot_over_time")
    labels = labels or {}
    fig, ax = plotting.figure(title, "Cohort start date", ylabel, source=source)
    # Colour by the first series column, line style by the second (if any).
    colours = {v: plotting.PALETTE[i % len(plotting.PALETTE)] for i, v in enumerate(pd.unique(table[series[0]]))}
    styles = ({v: ["-", "--", ":", "-."][i % 4] for i, v in enumerate(pd.unique(table[series[1]]))}
              if len(series) > 1 else {})
    markers = {v: "os^D"[i % 4] for i, v in enumerate(pd.unique(table[breaks]))} if breaks else {}
    any_unverified = False
    # Sorted groups give a stable legend: each group's measures together (e.g. Adult new, Adult old, Juvenile ...).
    for key, part in table.sort_values("date").groupby(series, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        name = ", ".join(str(k) for k in key)
        style, colour = styles.get(key[1], "-") if len(key) > 1 else "-", colours[key[0]]
        runs = (part[breaks] != part[breaks].shift()).cumsum() if breaks else pd.Series(0, index=part.index)
        for i, (_, run) in enumerate(part.groupby(runs, sort=False)):
            values = run[y].to_numpy(dtype=float) * (100 if percent else 1)
            marker = markers.get(run[breaks].iloc[0], "o") if breaks else "o"
            ok = run[verified].to_numpy(dtype=bool) if verified else np.ones(len(run), dtype=bool)
            ax.plot(run["date"][ok], values[ok], style, marker=marker, markersize=3.5, color=colour,
                    label=labels.get(name, name) if i == 0 else "_nolegend_")
            if not ok.all():
                any_unverified = True
                last_ok = np.flatnonzero(ok)[-1] if ok.any() else None
                idx = ([last_ok] if last_ok is not None else []) + list(np.flatnonzero(~ok))
                ax.plot(run["date"].to_numpy()[idx], values[idx], ":", color=colour, label="_nolegend_")
                ax.plot(run["date"][~ok], values[~ok], ls="none", marker=marker, markersize=6, markerfacecolor="white",
                        markeredgecolor=colour, label="_nolegend_")
    handles, names = ax.get_legend_handles_labels()
    if breaks and len(markers) > 1:
        for value, marker in markers.items():
            handles.append(Line2D([], [], ls="none", marker=marker, color="grey"))
            names.append(f"{value} cohorts (lines not joined across)")
    if any_unverified:
        handles.append(Line2D([], [], ls=":", marker="o", markerfacecolor="white", color="grey"))
        names.append("unverified figure")
    if percent:
        plotting.percent_axis(ax)
    ax.set_ylim(bottom=0)
    ax.legend(handles, names, loc="lower left", fontsize=8)
    return fig


def km_plot(km: pd.DataFrame, at_risk: pd.DataFrame, *, group: str, title: str, time_label: str,
            source: str, labels: dict | None = None, survival_label: str = "Not yet reoffended (%)"):
    """Step plot of Kaplan-Meier curves (with shaded intervals) and the number at risk underneath.

    ``km`` comes from :func:`kaplan_meier`, ``at_risk`` from :func:`number_at_risk` with the same
    grouping; ``labels`` maps group values to legend names; ``survival_label`` is the y-axis label
    (say what the event is, with the unit). Returns the figure.
    """
    require_columns(km, [group, "time", "survival", "lo", "hi"], "km_plot curves")
    require_columns(at_risk, [group], "km_plot number at risk")
    labels = labels or {}
    fig, ax = plotting.figure(title, time_label, survival_label, source=source, figsize=(8.0, 5.2))
    for i, (level_name, curve) in enumerate(km.groupby(group, sort=True)):
        colour = plotting.PALETTE[i % len(plotting.PALETTE)]
        name = labels.get(level_name, str(level_name))
        ax.step(curve["time"], 100 * curve["survival"], where="post", color=colour, label=name)
        ax.fill_between(curve["time"], 100 * curve["lo"], 100 * curve["hi"], step="post", color=colour, alpha=0.15)
    plotting.percent_axis(ax)
    ax.legend(loc="lower left")
    cols = [c for c in at_risk.columns if c != group]
    times = [float(c) for c in cols]
    ax.set_xticks(times)
    ax.set_xlim(min(times) - 0.02 * (max(times) - min(times)), max(times) * 1.02)
    # Numbers at risk under each tick: x in data units, y in axes units below the axis label.
    under = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(0.0, -0.24, "Number at risk", transform=ax.transAxes, fontsize=8.5, fontweight="bold", ha="right")
    for i, (level_name, row) in enumerate(zip(at_risk[group], at_risk[cols].to_numpy())):
        y = -0.31 - 0.07 * i
        ax.text(-0.01, y, labels.get(level_name, str(level_name)), transform=ax.transAxes, fontsize=8.5,
                ha="right", color=plotting.PALETTE[i % len(plotting.PALETTE)])
        for x, v in zip(times, row):
            ax.text(x, y, f"{int(v):,}", transform=under, fontsize=8.5, ha="center")
    fig.subplots_adjust(left=0.14, bottom=0.2 + 0.07 * len(at_risk), top=0.92)
    return fig
