"""Figures for the published-figure reports (commissioning, equalities evidence), in the house style.

Bars start at zero on a linear axis; every colour that carries meaning has a legend entry; titles carry
units and a source sits under each figure. The computations behind them are in :mod:`.commissioning`
and :mod:`.evidence`.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..plotting import PALETTE, figure, percent_axis
from .transcribed import finish_figure
from .transcribed import require_columns as _require


def _label_bars(ax, bars, texts) -> None:
    for bar, text in zip(bars, texts):
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)


def plot_funnel(funnel_table: pd.DataFrame, source: str):
    """Horizontal bars of organisations at each funnel stage, labelled with count and share of the previous stage."""

    _require(funnel_table, ["label", "organisations", "share_of_previous", "qualifier"], "funnel")
    fig, ax = figure("The Dynamic Framework funnel: voluntary organisations at each stage (count)",
                     "Organisations (count)", "Stage", source=source, figsize=(8.5, 4.2))
    rows = funnel_table.iloc[::-1]
    bars = ax.barh(rows["label"], rows["organisations"], color=PALETTE[0])
    texts = [("about " if q == "about" else "") + f"{n:,}" + ("" if pd.isna(s) else f"  ({100 * s:.0f}% of the stage above)")
             for n, s, q in zip(rows["organisations"], rows["share_of_previous"], rows["qualifier"])]
    _label_bars(ax, bars, texts)
    ax.set_xlim(0, rows["organisations"].max() * 1.45)
    return finish_figure(fig, ax)


def plot_voluntary_shares(shares: pd.DataFrame, source: str):
    """Voluntary share of lead providers and supply-chain members, with Wilson intervals."""

    _require(shares, ["label", "voluntary", "all", "share", "lo", "hi"], "voluntary shares")
    fig, ax = figure("Voluntary organisations' share of day-one providers (% with 95% interval)",
                     "Voluntary organisations (% of all organisations at the stage)", "Stage", source=source, figsize=(8.5, 3.4))
    pct = 100 * shares["share"].to_numpy()
    err = [pct - 100 * shares["lo"].to_numpy(), 100 * shares["hi"].to_numpy() - pct]
    bars = ax.barh(shares["label"], pct, xerr=err, color=PALETTE[2], capsize=4)
    for bar, v, a, p in zip(bars, shares["voluntary"], shares["all"], pct):
        ax.annotate(f"{v} of {a} ({p:.0f}%)", (4, bar.get_y() + bar.get_height() / 2), va="center", color="white", fontweight="bold")
    ax.set_xlim(0, 100)
    percent_axis(ax, "x")
    return finish_figure(fig, ax)


POPULATION_LABELS = {
    "supply_chain": "Day-one supply-chain organisations",
    "cj_voluntary_sector": "Criminal-justice voluntary sector",
    "specialist_cj_organisations": "Specialist criminal-justice organisations",
}
BAND_LABELS = {"over_1m": "income over £1m", "under_100k": "income under £100k"}


def plot_income_profile(profile: pd.DataFrame, source: str):
    """Share of organisations in each income band, by population; a lower bound ("over half") is hatched."""

    _require(profile, ["population", "income_band", "share", "qualifier"], "income profile")
    fig, ax = figure("Income of supply-chain organisations against the sector (% of organisations)",
                     "Organisations in the income band (%)", "Population and income band", source=source, figsize=(8.5, 3.6))
    labels = [f"{POPULATION_LABELS.get(p, p)}:\n{BAND_LABELS.get(b, b)}" for p, b in zip(profile["population"], profile["income_band"])]
    colours = [PALETTE[1] if b == "over_1m" else PALETTE[5] for b in profile["income_band"]]
    bars = ax.barh(labels[::-1], 100 * profile["share"].to_numpy()[::-1], color=colours[::-1])
    for bar, q in zip(bars, profile["qualifier"].to_numpy()[::-1]):
        if q == "over":
            bar.set_hatch("//")
    _label_bars(ax, bars, [("over " if q == "over" else "") + f"{100 * s:.0f}%"
                           for s, q in zip(profile["share"].to_numpy()[::-1], profile["qualifier"].to_numpy()[::-1])])
    ax.set_xlim(0, 100)
    percent_axis(ax, "x")
    ax.legend(handles=[Patch(color=PALETTE[1], label=BAND_LABELS["over_1m"]), Patch(color=PALETTE[5], label=BAND_LABELS["under_100k"]),
                       Patch(facecolor="white", edgecolor="#333333", hatch="//", label="lower bound ('over')")],
              loc="lower right", fontsize=8)
    return finish_figure(fig, ax)


_BUDGET_LABELS = {
    "outsourced_services_steady_state": "Outsourced services, planned (May 2019)",
    "crc_through_the_gate_additional": "CRC through-the-gate top-up",
    "regional_outcomes_and_innovation_fund": "Regional Outcomes and Innovation Fund",
    "regional_commissioning_budget": "Regional commissioning budget (12 areas)",
}


def budget_label(item: str, period: str) -> str:
    """A reader's label for a budget line."""
    return f"{_BUDGET_LABELS.get(item, item.replace('_', ' '))}, {period}"


def plot_budgets(table: pd.DataFrame, source: str):
    """Horizontal bars of the budgets in £ million on a linear axis from zero, labelled with how firm each figure is."""
    _require(table, ["item", "period", "amount_m", "figure"], "budget table")
    fig, ax = figure("Commissioning budgets named in the sources (£ million)",
                     "£ million (a year, or over the period the label gives)", "Budget line", source=source, figsize=(9, 3.8))
    rows = table.iloc[::-1]
    projected = rows["figure"].eq("projection").to_numpy()
    colours = [PALETTE[3] if p else PALETTE[0] for p in projected]
    bars = ax.barh([budget_label(i, p) for i, p in zip(rows["item"], rows["period"])], rows["amount_m"], color=colours)
    _label_bars(ax, bars, [f"£{a:,.1f}m ({f})" if a % 1 else f"£{a:,.0f}m ({f})" for a, f in zip(rows["amount_m"], rows["figure"])])
    ax.set_xlim(0, rows["amount_m"].max() * 1.45)
    ax.xaxis.set_major_formatter(lambda v, _: f"£{v:,.0f}m")
    handles = [Patch(color=PALETTE[0], label="stated amount")] + ([Patch(color=PALETTE[3], label="projection")] if projected.any() else [])
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    return finish_figure(fig, ax)


def plot_shares(labels, shares, title: str, xlabel: str, ylabel: str, source: str, colour: int = 4, qualifiers=None):
    """Horizontal bars of shares (proportions), labelled in % with their hedging ("up to 65%")."""

    values = 100 * np.asarray(shares, dtype=float)
    if np.isnan(values).any() or (values < 0).any() or (values > 100).any():
        raise ValueError(f"shares must be proportions in [0, 1], got {list(shares)}")
    wrapped = ["\n".join(textwrap.wrap(str(label), 42)) for label in labels]
    lines = sum(w.count("\n") + 1 for w in wrapped)
    fig, ax = figure(title, xlabel, ylabel, source=source, figsize=(8.5, 0.22 * lines + 0.2 * len(values) + 1.8))
    bars = ax.barh(wrapped[::-1], values[::-1], color=PALETTE[colour])
    words = {"about": "about ", "over": "over ", "almost": "almost ", "up_to": "up to ", "likely": "likely "}
    prefixes = [words.get(q, "") for q in (qualifiers if qualifiers is not None else [""] * len(values))]
    _label_bars(ax, bars, [f"{p}{v:.0f}%" for p, v in zip(prefixes[::-1], values[::-1])])
    ax.set_xlim(0, 100)
    percent_axis(ax, "x")
    return finish_figure(fig, ax)


def plot_ratios(table: pd.DataFrame, *, source: str,
                title: str = "Representation against the population comparator (ratio of shares; 1 = parity)"):
    """Horizontal bars of representation ratios on a linear axis from zero, whiskers spanning the printed-rounding
    range; the line at 1 is parity, and the two colours (above and below parity) have a legend."""
    _require(table, ["population", "group", "ratio", "ratio_round_low", "ratio_round_high"], "ratio table")
    labels = (table["population"] + ": " + table["group"]).to_numpy()
    y = np.arange(len(table))[::-1]
    fig, ax = figure(title, "Share in the group ÷ share in the population (1 = parity)", "Population: group",
                     source=source, figsize=(9.0, 0.45 * len(table) + 2.2))
    ratio = table["ratio"].to_numpy(dtype=float)
    err = np.vstack([ratio - table["ratio_round_low"].to_numpy(dtype=float),
                     table["ratio_round_high"].to_numpy(dtype=float) - ratio])
    colours = np.where(ratio >= 1, PALETTE[3], PALETTE[0])
    ax.barh(y, ratio, color=colours, alpha=0.8)
    ax.errorbar(ratio, y, xerr=err, fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.axvline(1.0, color="#333333", linewidth=1)
    ax.set_xlim(0, max(float(np.nanmax(table["ratio_round_high"].to_numpy(dtype=float))), 1.0) * 1.05)
    ax.set_yticks(y, labels)
    ax.legend(handles=[Patch(color=PALETTE[3], alpha=0.8, label="over-represented (above 1)"),
                       Patch(color=PALETTE[0], alpha=0.8, label="under-represented (below 1)")],
              loc="lower right", fontsize=8)
    return finish_figure(fig, ax)


def plot_sex_split(split: pd.DataFrame, population_women_pct: float, *, source: str):
    """Women's share of prisoners and of court order starts, against their share of the population."""

    _require(split, ["population", "share_women"], "sex split table")
    labels = [textwrap.fill(text, 22) for text in list(split["population"]) + ["General population (2011 Census)"]]
    values = list(100 * split["share_women"].to_numpy(dtype=float)) + [float(population_women_pct)]
    fig, ax = figure("Women's share of prisoners, probation starts and the population (% women)",
                     "Population", "Women (% of each population)", source=source)
    bars = ax.bar(labels, values, color=PALETTE[0])
    ax.bar_label(bars, labels=[f"{v:.1f}%" for v in values], padding=2)
    percent_axis(ax)
    ax.set_ylim(0, 60)
    return finish_figure(fig, ax, hide_grid="x")


def plot_theme_ranges(counts: pd.DataFrame, *, source: str, title: str):
    """Each theme's share of respondents as the range its printed wording allows (a bar from low to high)."""

    _require(counts, ["question", "theme", "n", "count_low", "count_high", "share_text"], "theme counts")
    y = np.arange(len(counts))[::-1]
    low = 100 * counts["count_low"].to_numpy(dtype=float) / counts["n"].to_numpy(dtype=float)
    high = 100 * counts["count_high"].to_numpy(dtype=float) / counts["n"].to_numpy(dtype=float)
    fig, ax = figure(title, "Share of those answering the question (%), range allowed by the printed wording", "Question: theme",
                     source=source, figsize=(11.0, 0.45 * len(counts) + 1.8))
    ax.barh(y, high - low, left=low, color=PALETTE[0], alpha=0.8, height=0.6)
    for yi, hi, text in zip(y, high, counts["share_text"]):
        ax.text(hi + 1, yi, f'"{text}"', va="center", fontsize=8)
    ax.set_yticks(y, (counts["question"] + ": " + counts["theme"]).to_numpy())
    ax.set_xlim(0, 100)
    percent_axis(ax, axis="x")
    return finish_figure(fig, ax)


def plot_ratings(summary: pd.DataFrame, *, source: str):
    """Stacked bars of inspections by rating for each inspection set and organisation."""

    _require(summary, ["inspection_set", "organisation", "Total"], "rating summary")
    ratings = [c for c in ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not assessed") if c in summary]
    colours = {"Outstanding": PALETTE[2], "Good": PALETTE[5], "Requires improvement": PALETTE[1],
               "Inadequate": PALETTE[3], "Not assessed": "#BBBBBB"}
    short = {"overall_recent": "Overall (para 31)", "supervision_implementation": "Supervision (para 32)",
             "unpaid_work": "Unpaid Work (paras 32, 60)"}
    labels = [f"{short.get(s, s)}: {o}" for s, o in zip(summary["inspection_set"], summary["organisation"])]
    fig, ax = figure("HM Inspectorate of Probation ratings, CRCs and the NPS (number of inspections)", "Inspections (number)", "Inspection set: organisation",
                     source=source, figsize=(9.0, 5.0))
    y = np.arange(len(summary))[::-1]
    left = np.zeros(len(summary))
    for rating in ratings:
        values = summary[rating].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colours[rating], label=rating)
        left += values
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.2), ncol=len(ratings), fontsize=8)
    return finish_figure(fig, ax)
