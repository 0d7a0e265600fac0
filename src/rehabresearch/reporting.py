"""What a notebook shows a reviewer: captioned tables, titled figures, plain-English findings,
and the machine-readable headline numbers (``results.json``).

A notebook makes one :class:`Report`, passes its disclosure threshold, and
routes every table, count and headline number through it, so disclosure
control cannot be forgotten::

    report = Report("commissioning", threshold=disclosure_threshold)
    report.table(df, "Table 1: ...", source="...", counts=["organisations"])
    report.finding(f"{report.count(n)} organisations qualified ...", source="...")
    report.result("qualified", 204, label="Organisations qualified", unit="organisations")
    report.save()

When the runner executes the notebook it sets ``REHABRESEARCH_RESULTS`` to the
path of ``results.json``; interactively, :meth:`Report.save` just returns the dict.
"""

from __future__ import annotations

import html
import math
import re
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import catalog, disclosure
from .io import write_json

RESULTS_ENV = "REHABRESEARCH_RESULTS"


def fmt_pct(x: float, dp: int = 1) -> str:
    """0.2521 -> '25.2%' (``x`` is a proportion)."""
    _require_number(x, "fmt_pct")
    return f"{100 * x:.{dp}f}%"


def fmt_pp(x: float, dp: int = 1) -> str:
    """A difference of proportions in percentage points: -0.031 -> '-3.1 percentage points'."""
    _require_number(x, "fmt_pp")
    return f"{100 * x:.{dp}f} percentage points"


def fmt_num(x: float, dp: int = 0) -> str:
    """Thousands separators: 1234567.8 -> '1,234,568'."""
    _require_number(x, "fmt_num")
    return f"{x:,.{dp}f}"


def fmt_money(x: float, dp: int = 0, unit: str = "") -> str:
    """£ with separators; ``unit='m'`` divides by a million: 46e6 -> '£46m'."""
    _require_number(x, "fmt_money")
    scales = {"": 1, "k": 1e3, "m": 1e6, "bn": 1e9}
    if unit not in scales:
        raise ValueError(f"fmt_money: unit must be one of {list(scales)}, got {unit!r}")
    scale = scales[unit]
    sign = "-" if x < 0 else ""
    return f"{sign}£{abs(x) / scale:,.{dp}f}{unit}"


def fmt_ci(lo: float, hi: float, dp: int = 1, pct: bool = True, level: float = 0.95) -> str:
    """'95% CI 21.3% to 27.8%' (proportions when ``pct``; ``level`` names the interval)."""
    _require_number(lo, "fmt_ci")
    _require_number(hi, "fmt_ci")
    f = (lambda v: fmt_pct(v, dp)) if pct else (lambda v: f"{v:.{dp}f}")
    return f"{100 * level:g}% CI {f(lo)} to {f(hi)}"


_NUMBER = r"[-−+]?\s*[£$]?\s*[-−]?\d[\d,]*(?:\.\d+)?\s*(?:%|k|m|bn|pp|x|×)?"
#: A cell that is a number, a suppressed count, or a number with its interval ("0.69 (0.62 to 0.75)").
_NUMERIC_CELL = re.compile(
    rf"^\s*(?:\[c\]|<\s*0?\.\d+|{_NUMBER}(?:\s*\(\s*{_NUMBER}\s+to\s+{_NUMBER}\s*\))?|{_NUMBER}\s+to\s+{_NUMBER})\s*$"
)


def _html_table(shown: pd.DataFrame, caption: str) -> str:
    """A captioned HTML table; cells that read as numbers are right-aligned, text left-aligned."""
    def cell(tag: str, value: Any) -> str:
        text = "" if value is None else str(value)
        cls = "num" if _NUMERIC_CELL.match(text) else "txt"
        return f'<{tag} class="{cls}">{html.escape(text)}</{tag}>'

    head = "".join(f'<th class="txt">{html.escape(str(c))}</th>' for c in shown.columns)
    body = "".join("<tr>" + "".join(cell("td", v) for v in row) + "</tr>" for row in shown.itertuples(index=False))
    return (f'<table class="rr-table"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def figure_description(fig) -> str:
    """Alternative text for a figure: its title, then each panel's title and axis labels."""
    parts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
    for ax in fig.axes:
        title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t)
        labels = "; ".join(f"{axis}: {label}" for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if label)
        panel = ". ".join(p for p in (title, labels) if p)
        if panel:
            parts.append(panel)
    return ". ".join(parts) or "Figure"


def _plain(value: Any, unit: str | None = None) -> str:
    """A headline value for the closing table: yes/no for booleans, proportions as %, £ as money,
    whole numbers with separators, other floats to 4 significant figures."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    if unit in ("proportion", "share") and -1 <= value <= 1:
        return f"{100 * value:.1f}%"
    if unit in ("£", "GBP", "pounds"):
        return fmt_money(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _require_number(x: Any, where: str) -> None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        raise ValueError(f"{where}: value is missing (NaN); refusing to print it")


class Report:
    """Collects a notebook's tables, findings and headline results under one disclosure threshold."""

    def __init__(self, name: str, threshold: int = disclosure.DEFAULT_THRESHOLD, display: bool = True,
                 allow_low_threshold: bool = False):
        if threshold < 1:
            raise ValueError("disclosure threshold must be at least 1")
        self.name = name
        self.threshold = int(threshold)
        self.display = display
        self.allow_low_threshold = bool(allow_low_threshold)
        self.page_totals = disclosure.PageTotals()
        self._notice_shown = False
        self.results: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []
        self.shown: list[str] = []  # every rendered table/finding, as text, for tests
        self.tables: list[pd.DataFrame] = []  # every rendered table, after suppression and formatting

    # -- disclosure checks ---------------------------------------------------
    def individual_level_inputs(self) -> list[str]:
        """Real individual-level datasets loaded so far (catalog entries so marked, and users' own files)."""
        return catalog.individual_level(catalog.LOADED)

    def _guard(self) -> None:
        """Before anything is shown: refuse a lowered threshold on individual-level data unless allowed,
        and state a lowered threshold once, before the first output."""
        individual = self.individual_level_inputs()
        disclosure.check_threshold(self.threshold, individual, self.allow_low_threshold)
        notice = disclosure.threshold_notice(self.threshold, individual)
        if notice and not self._notice_shown:
            self._notice_shown = True
            self.notes.insert(0, notice)
            self.shown.append(notice)
            self._show_html(f'<div class="rr-disclosure-notice"><p><strong>{html.escape(notice)}</strong></p></div>')

    # -- output ------------------------------------------------------------
    def _show(self, obj) -> None:
        if self.display:
            from IPython.display import display

            display(obj)

    def _show_html(self, markup: str) -> None:
        from IPython.display import HTML

        self._show(HTML(markup))

    def count(self, n) -> str:
        """A count for a sentence, suppressed below the threshold."""
        self._guard()
        return disclosure.safe_count(n, self.threshold)

    def table(
        self,
        df: pd.DataFrame,
        caption: str,
        *,
        source: str | None = None,
        counts: Iterable[str] = (),
        formats: Mapping[str, str] | None = None,
        note: str | None = None,
        published: bool = False,
        **suppress_kwargs,
    ):
        """Show ``df`` with a caption, its source, and disclosure control on ``counts``.

        ``formats`` maps columns to format strings (e.g. ``{"share": "{:.1%}"}``) or callables
        (e.g. ``{"surplus": fmt_money}``);
        ``suppress_kwargs`` go to :func:`rehabresearch.disclosure.suppression_mask`
        (``row_total``, ``total_row_label``, ``label_column``, ``linked``, ``known_totals``).
        Totals this table shares with earlier tables on the page are protected automatically.
        ``published=True`` marks figures already published in this form by the source (shown as
        published, no counts suppressed, and the footnote says so).
        The displayed (suppressed, formatted) frame is kept in :attr:`tables`; nothing is
        returned, so a table at the end of a cell is not echoed twice.
        """
        if not caption:
            raise ValueError("every table needs a caption")
        self._guard()
        counts = list(counts)
        if published and counts:
            raise ValueError("a table of published figures is shown as published: give it no counts to suppress")
        mask = self._suppress(df, counts, suppress_kwargs) if counts else None
        shown = df.astype(object).where(df.notna(), "")
        for col, fmt in (formats or {}).items():
            render = fmt if callable(fmt) else fmt.format
            shown[col] = [render(v) if pd.notna(v) and v != "" else "" for v in df[col]]
        for col in counts:
            if col not in (formats or {}):
                numbers = pd.to_numeric(df[col].replace("", None), errors="coerce")
                shown[col] = [f"{int(v):,}" if pd.notna(v) and float(v).is_integer() else ("" if pd.isna(v) else v)
                              for v in numbers]
        if mask is not None:
            shown = disclosure.apply_mask(shown, mask)
        suppressed = bool(mask is not None and mask.to_numpy().any())
        foot = []
        if source:
            foot.append(f"Source: {source}")
        if suppressed:
            foot.append(f"{disclosure.SUPPRESSED} = suppressed: a count below {self.threshold} or one that would reveal it.")
        if published:
            foot.append("Figures as published by the source; not derived by this project.")
        if note:
            foot.append(note)
        body = _html_table(shown, caption)
        footer = "".join(f'<p class="rr-source">{html.escape(f)}</p>' for f in foot)
        block = f'<div class="rr-table-block">{body}{footer}</div>'
        self.shown.append(caption + "\n" + shown.to_string(index=False))
        self._show_html(block)
        self.tables.append(shown)

    def _suppress(self, df: pd.DataFrame, counts: list[str], kwargs: dict) -> pd.DataFrame:
        """The table's suppression mask, protected against (and recorded in) the totals this page shows."""
        label, total_row_label = kwargs.get("label_column"), kwargs.get("total_row_label")
        if total_row_label is not None:
            labels = df[label] if label else pd.Series(df.index, index=df.index)
            body = np.flatnonzero((labels != total_row_label).to_numpy())
            total_row = next(iter(np.flatnonzero((labels == total_row_label).to_numpy())), None)
        else:
            body, total_row = np.arange(len(df)), None
        totals = disclosure.PageTotals.column_totals(df, counts, body)
        known, keep = self.page_totals.plan(totals)
        kwargs = dict(kwargs)
        known = sorted(set(known) | set(kwargs.pop("known_totals", ())))
        mask = disclosure.suppression_mask(df, counts, self.threshold, known_totals=known,
                                           keep_totals_hidden=keep, **kwargs)
        self.page_totals.record(totals, mask, body, known, total_row)
        return mask

    def finding(self, text: str, *, source: str | None = None) -> None:
        """State a finding in plain English (Markdown), with its source."""
        if "nan" in text.lower().split():
            raise ValueError(f"finding contains a missing value: {text!r}")
        self._guard()
        md = f"**Finding.** {text}" + (f"  \n*Source: {source}*" if source else "")
        self.shown.append(text)
        from IPython.display import Markdown

        self._show(Markdown(md))

    def caveat(self, text: str) -> None:
        """A caveat or assumption the reviewer must read."""
        self.notes.append(text)
        from IPython.display import Markdown

        self._show(Markdown(f"> **Caveat.** {text}"))

    def figure(self, fig) -> None:
        """Show a finished figure (embedded as PNG, with its titles and axis labels as alternative text) and close it."""
        import io as _bytes_io

        import matplotlib.pyplot as plt
        from IPython.display import Image

        buffer = _bytes_io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        self._show(Image(data=buffer.getvalue(), format="png", metadata={"alt": figure_description(fig)}))
        plt.close(fig)

    # -- machine-readable results -------------------------------------------
    def result(self, key: str, value: Any, *, label: str, unit: str | None = None, source: str | None = None,
               count: bool = False) -> None:
        """Record a headline number for ``results.json``. ``count=True`` applies disclosure control."""
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"result {key!r} is NaN; refusing to record it")
        if hasattr(value, "item"):
            value = value.item()
        if count:
            self._guard()
        if count and disclosure.is_small(value, self.threshold)[0]:
            value = disclosure.SUPPRESSED
        self.results[key] = {"value": value, "label": label, "unit": unit, "source": source}

    def save(self, parameters: Mapping[str, Any] | None = None) -> None:
        """Show the headline numbers as a closing table and write ``results.json`` (when run by the runner).

        The written content stays available as :attr:`payload`.
        """
        self._guard()
        payload = {
            "notebook": self.name,
            "disclosure_threshold": self.threshold,
            "disclosure": disclosure.threshold_record(self.threshold, self.individual_level_inputs(),
                                                      self.allow_low_threshold),
            "results": self.results,
            "caveats": self.notes,
            "inputs": dict(sorted(catalog.LOADED.items())),
            "parameters": dict(parameters or {}),
        }
        self.payload = payload
        target = os.environ.get(RESULTS_ENV)
        if target:
            write_json(target, payload)
        if self.results:
            summary = pd.DataFrame(
                [(v["label"], _plain(v["value"], v["unit"]), v["unit"] or "", v["source"] or "")
                 for v in self.results.values()],
                columns=["Headline number", "Value", "Unit", "Source"],
            )
            sources = summary["Source"].unique()
            caption = "Headline numbers of this report (also in results.json)"
            if len(sources) == 1:  # one shared source: say it once, under the table
                self._show_html(_html_table(summary.drop(columns="Source"), caption)
                                + (f'<p class="rr-source">Source: {html.escape(sources[0])}</p>' if sources[0] else ""))
            else:  # repeated sources read as "as above"
                repeated = summary["Source"].eq(summary["Source"].shift()) & summary["Source"].ne("")
                self._show_html(_html_table(summary.assign(Source=summary["Source"].mask(repeated, "as above")), caption))
