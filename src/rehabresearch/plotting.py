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


# -- bars and colours: checked, not left to each chart ---------------------------------------

def bars(ax, labels, values, *, horizontal: bool = False, color=None, label: str | None = None,
         xerr=None, yerr=None, **kwargs):
    """Bars on a linear axis that starts at zero, so a bar twice as long is twice as large.

    Refuses a log-scaled value axis and negative or missing values (use a dot plot for those).
    ``color`` may be one colour or one per bar; when bars have different colours, pass
    ``label`` per colour through separate calls, or add a legend, so every colour is explained.
    Returns matplotlib's bar container.
    """
    import numpy as np

    vals = np.asarray(values, dtype=float)
    if np.isnan(vals).any():
        raise ValueError("bars: a value is missing (NaN); a bar cannot show it")
    if (vals < 0).any():
        raise ValueError("bars: negative values; a bar chart from zero cannot show them (use a dot plot)")
    scale = ax.get_xscale() if horizontal else ax.get_yscale()
    if scale != "linear":
        raise ValueError(f"bars: the value axis is {scale}; bar lengths must be read on a linear axis from zero")
    if horizontal:
        container = ax.barh(labels, vals, color=color, label=label, xerr=xerr, **kwargs)
        ax.set_xlim(left=0)
    else:
        container = ax.bar(labels, vals, color=color, label=label, yerr=yerr, **kwargs)
        ax.set_ylim(bottom=0)
    return container


def _bar_containers(ax):
    from matplotlib.container import BarContainer

    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _errorbar_artists(ax) -> set[int]:
    from matplotlib.container import ErrorbarContainer

    ids = set()
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            data_line, caps, bars_ = c.lines
            ids.update(id(a) for a in (*caps, *bars_))
            if data_line is not None and data_line.get_linestyle() in ("None", "", " "):
                ids.add(id(data_line))
    return ids


def _is_grey(hex_colour: str) -> bool:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return max(r, g, b) - min(r, g, b) < 16


def figure_problems(fig) -> list[str]:
    """What breaks the house rules in ``fig``: bars on a log axis or not starting at zero, and
    colours with no legend to explain them (greys, used for reference lines and error bars, need
    none). An empty list means the figure may be shown."""
    from matplotlib.colors import to_hex

    problems = []
    has_fig_legend = bool(fig.legends)
    for i, ax in enumerate(fig.axes):
        name = ax.get_title("left") or ax.get_title() or f"panel {i + 1}"
        if ax.get_label() == "<colorbar>":
            continue
        containers = _bar_containers(ax)
        patches = [p for c in containers for p in c.patches]
        for container in containers:
            horizontal = getattr(container, "orientation", "vertical") == "horizontal"
            scale = ax.get_xscale() if horizontal else ax.get_yscale()
            if scale != "linear":
                problems.append(f"{name}: bars on a {scale} axis (bars must start at zero on a linear axis)")
                break
            lo, hi = sorted(ax.get_xlim() if horizontal else ax.get_ylim())
            starts = [p.get_x() if horizontal else p.get_y() for p in container.patches]
            if starts and all(s == 0 for s in starts) and lo > 0:  # floating (range) bars are not checked
                problems.append(f"{name}: the value axis does not start at zero")
                break
        skip = _errorbar_artists(ax)
        colours = {to_hex(p.get_facecolor()) for p in patches}
        colours |= {to_hex(line.get_color()) for line in ax.get_lines() if id(line) not in skip}
        colours |= {to_hex(coll.get_facecolors()[0]) for coll in ax.collections
                    if id(coll) not in skip and len(coll.get_facecolors())}
        colours = {c for c in colours if not _is_grey(c)}
        if len(colours) > 1 and ax.get_legend() is None and not has_fig_legend:
            problems.append(f"{name}: {len(colours)} colours but no legend")
    return problems


def dots(ax, labels, values, lo=None, hi=None, *, reference: float | None = None, log: bool = False,
         color=None, label: str | None = None):
    """A dot (with its interval as a whisker) per row: the chart for ratios and estimates that a bar
    from zero would misrepresent. ``log=True`` puts a ratio axis on a log scale (allowed for dots:
    their position, not their length, carries the value); ``reference`` draws a grey line at the
    value meaning "no difference" (1 for a ratio). Rows are listed top to bottom."""
    import numpy as np

    vals = np.asarray(values, dtype=float)
    if np.isnan(vals).any():
        raise ValueError("dots: a value is missing (NaN)")
    if log and (vals <= 0).any():
        raise ValueError("dots: a log axis needs positive values")
    y = np.arange(len(vals))[::-1]
    xerr = None
    if lo is not None and hi is not None:
        lo_, hi_ = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if (lo_ > vals).any() or (hi_ < vals).any():
            raise ValueError("dots: every value must lie inside its interval")
        xerr = np.vstack([vals - lo_, hi_ - vals])
    if log:
        ax.set_xscale("log")
    if reference is not None:
        ax.axvline(reference, color="#555555", linewidth=1)
    ax.errorbar(vals, y, xerr=xerr, fmt="o", color=color or PALETTE[0], ecolor="#555555", capsize=3, label=label)
    ax.set_yticks(y, list(labels))
    return ax


def legend_for(ax, colours: dict[str, str], **kwargs):
    """A legend explaining colours used per bar or per point: ``{"Prisoners": PALETTE[0], ...}``."""
    from matplotlib.patches import Patch

    if not colours:
        raise ValueError("legend_for: no colours to explain")
    return ax.legend(handles=[Patch(facecolor=c, label=name) for name, c in colours.items()], **kwargs)
