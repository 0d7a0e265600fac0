"""Helpers shared by the reports built on transcribed tables of published figures.

Used by :mod:`rehabresearch.published.commissioning` and :mod:`rehabresearch.published.evidence`, which read the same
kind of table (one printed figure per row, quoted and cited) and sometimes the same table (the
``consultation_*`` and ``clinks_response_figures`` entries of ``data/catalog``). ``require_columns``
is also the column check of :mod:`rehabresearch.reoffending`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise naming ``table`` if ``df`` is not a DataFrame or lacks any of ``columns``."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{table}: expected a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{table}: missing column(s) {missing}; present: {list(df.columns)}")


def value_of(table: pd.DataFrame, measure: str) -> float:
    """The printed value of ``measure`` in a measure/value table (short custody, Clinks figures)."""
    require_columns(table, ["measure", "value"], "measure table")
    hit = table.loc[table["measure"] == measure, "value"]
    if hit.empty:
        raise KeyError(f"no measure {measure!r}; known: {table['measure'].tolist()}")
    return float(hit.iloc[0])


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for a rendered table: missing text blank (not 'None'), nullable integers as floats (NaN renders blank)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"for_display: expected a DataFrame, got {type(df).__name__}")
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.Int64Dtype):
            out[column] = values.astype("float64")
        elif values.dtype == object:
            out[column] = values.where(values.notna(), "")
    return out


#: Words for the parts of a consultation question (``consultation_questions.part``).
_PARTS = {"whole": "", "first": " (first part)", "second": " (second part)"}


def question_labels(question: pd.Series, part: pd.Series) -> pd.Series:
    """Reader's labels for consultation questions: 'Q1', 'Q2 (first part)', 'All questions'."""
    q = pd.Series(question).astype(str).reset_index(drop=True)
    p = pd.Series(part).astype(str).reset_index(drop=True)
    unknown = sorted(set(p) - set(_PARTS))
    if unknown:
        raise ValueError(f"question part: unknown value(s) {unknown}; expected some of {list(_PARTS)}")
    return q.where(q != "All", "All questions") + p.map(_PARTS)


def finish_figure(fig, ax, top: float = 0.93, hide_grid: str | None = "y"):
    """Move the axes title to a left-aligned figure title, so long titles and bar labels never clip it.

    ``hide_grid`` names the axis whose grid lines are dropped ('y' for horizontal bars, whose
    categories need none; None keeps both). Returns ``fig``.
    """
    title = ax.get_title(loc="left") or ax.get_title()
    ax.set_title("", loc="left")
    ax.set_title("")
    if hide_grid:
        ax.grid(axis=hide_grid, visible=False)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout(rect=(0, 0.06, 1, top))
    return fig
