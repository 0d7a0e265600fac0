"""One house style for every figure: titled, axes labelled with units, source underneath."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt

#: A colour-blind-safe palette (Okabe & Ito 2008), in the order series are drawn.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

STYLE = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
}


def use_house_style() -> None:
    """Apply the house style to every later figure."""
    plt.rcParams.update(STYLE)


def figure(title: str, xlabel: str, ylabel: str, *, source: str | None = None, figsize=None, **subplot_kw):
    """A new figure and axes with title and labelled axes (put units in the labels).

    ``source`` is printed under the plot. Returns ``(fig, ax)``; pass
    ``nrows``/``ncols`` for a grid, in which case the title is the figure's.
    """
    if not title or not xlabel or not ylabel:
        raise ValueError("every figure needs a title and labelled axes (with units)")
    use_house_style()
    fig, ax = plt.subplots(figsize=figsize, **subplot_kw)
    axes = ax if hasattr(ax, "flat") else None
    if axes is None:
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    else:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
        for a in axes.flat:
            a.set_xlabel(xlabel)
            a.set_ylabel(ylabel)
    if source:
        add_source(fig, source)
    return fig, ax


def add_source(fig, source: str) -> None:
    """Write 'Source: …' in small grey type under the figure."""
    fig.text(0.01, 0.005, f"Source: {source}", fontsize=7.5, color="#555555", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))


def percent_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    """Format an axis holding percentages (values already in %, 0-100)."""
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(100, decimals=decimals))
