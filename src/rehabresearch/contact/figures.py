"""Figures for the contact-tiers report, in the house style: titled, axes with units, source underneath, every colour in a legend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..plotting import PALETTE, figure, percent_axis


def bands_over_months(summary: pd.DataFrame, value: str, labels: dict[str, str], title: str, ylabel: str, source: str,
                      hline: float | None = None, percent: bool = False):
    """One line per policy of ``value``'s mean by month, with its interval as a band (``value``_lo/_hi)."""
    fig, ax = figure(title, "Month of supervision", ylabel, source=source)
    for colour, (name, g) in zip(PALETTE, summary.groupby("policy", sort=False)):
        ax.plot(g["month"], g[f"{value}_mean"], color=colour, label=labels[name])
        ax.fill_between(g["month"], g[f"{value}_lo"], g[f"{value}_hi"], color=colour, alpha=0.2)
    if hline is not None:
        ax.axhline(hline, color="#555555", linestyle="--", linewidth=1, label=f"{hline:g}%: excessive if it lasts four weeks")
    if percent:
        percent_axis(ax)
    ax.set_ylim(bottom=0)
    ax.legend()
    return fig


def breaches_by_level(by_tier: pd.DataFrame, labels: dict[str, str], title: str, source: str):
    """Breaches per 100 people by protect level, women and men side by side, one marker colour per policy."""
    fig, axes = figure(title, "Protect level (A = highest risk of serious harm)", "Breaches per 100 people (a person can have several)",
                       source=source, ncols=2, sharey=True, figsize=(9, 4.2))
    levels = sorted(by_tier["protect_level"].unique())
    for ax, sex in zip(axes.flat, ["female", "male"], strict=True):
        ax.set_title("Women" if sex == "female" else "Men", fontsize=10)
        for k, (colour, (name, g)) in enumerate(zip(PALETTE, by_tier[by_tier["sex"] == sex].groupby("policy", sort=False))):
            g = g.set_index("protect_level").reindex(levels)
            x = np.arange(len(levels)) + (k - (len(labels) - 1) / 2) * 0.18
            ax.errorbar(x, g["breaches_mean"], yerr=[g["breaches_mean"] - g["breaches_lo"], g["breaches_hi"] - g["breaches_mean"]],
                        fmt="o", color=colour, capsize=2, markersize=4, label=labels[name])
        ax.set_xticks(np.arange(len(levels)), levels)
        ax.set_ylim(bottom=0)
    axes.flat[1].legend(fontsize=8, loc="upper right")
    return fig


def sensitivity(sens: pd.DataFrame, labels: dict[str, str], weeks: int, source: str):
    """Breaches per 100 people against the miss-probability multiplier, one line per policy with interval bars."""
    fig, ax = figure("Breaches per 100 people as the chance of missing a contact varies", "Miss probability multiplier (1 = central assumption)",
                     f"Breaches per 100 people over {weeks} weeks (a person can have several)", source=source)
    for colour, (name, g) in zip(PALETTE, sens.groupby("policy", sort=False)):
        ax.errorbar(g["compliance_multiplier"], g["breaches_mean"],
                    yerr=[g["breaches_mean"] - g["breaches_lo"], g["breaches_hi"] - g["breaches_mean"]],
                    color=colour, marker="o", capsize=3, label=labels[name])
    ax.set_ylim(bottom=0)
    ax.legend()
    return fig
