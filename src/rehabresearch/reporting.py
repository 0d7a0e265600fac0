"""What a notebook shows a reviewer: numbered tables with CSV downloads, numbered figures,
plain-English findings (some marked as key findings), caveats and method notes, the data status,
and the machine-readable headline numbers (``results.json``).

A notebook makes one :class:`Report`, passes its disclosure threshold, and
routes every table, count and headline number through it, so disclosure
control cannot be forgotten::

    report = Report("commissioning", threshold=disclosure_threshold)   # status= optional
    report.table(df, "The qualification funnel", source="...", counts=["organisations"])
    report.figure(fig)                                   # numbered "Figure 1: <its title>"
    report.finding(f"{report.count(n)} organisations qualified ...", source="...", key=True)
    report.caveat("...")                                 # shown once, in the closing section
    report.method("...")                                 # shown in the closing section too
    report.result("qualified", 204, label="Organisations qualified", unit="organisations")
    report.save()

Tables and figures are numbered here, in order ("Table 3: ...", "Figure 2: ..."); a number typed
at the start of a caption ("Table 3: ...") is replaced by the machine's, and later references to
the typed label in sources, findings and caveats ("source='Table 3'") are rewritten to match.

When the runner executes the notebook it sets ``REHABRESEARCH_RESULTS`` to the path of
``results.json``; every table is then also written as ``table-<n>.csv`` beside it, and the page
links to it. Interactively, :meth:`Report.save` just returns the dict and no file is written.
The runner builds the top of the page (key findings, data status, contents) and its end
(methods and caveats, glossary, how to cite, licences) from ``results.json``.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import catalog, disclosure, sources, wording
from . import formatting as fmt
from .io import write_json
from .status import STATUSES, default_status

RESULTS_ENV = "REHABRESEARCH_RESULTS"
#: How many findings the top of the page shows when none is marked ``key=True``.
DEFAULT_KEY_FINDINGS = 6


# -- formatters kept for existing callers (see rehabresearch.formatting for the house style) --------

def fmt_pct(x: float, dp: int = 1) -> str:
    """0.2521 -> '25.2%' (``x`` is a proportion)."""
    _require_number(x, "fmt_pct")
    return fmt.pct(x, dp)


def fmt_pp(x: float, dp: int = 1) -> str:
    """A difference of proportions in percentage points: -0.031 -> '-3.1 percentage points'."""
    _require_number(x, "fmt_pp")
    return fmt.pp(x, dp)


def fmt_num(x: float, dp: int = 0) -> str:
    """Thousands separators: 1234567.8 -> '1,234,568'."""
    _require_number(x, "fmt_num")
    return fmt._fixed(float(x), dp)


def fmt_money(x: float, dp: int = 0, unit: str = "") -> str:
    """£ with separators; ``unit='m'`` divides by a million: 46e6 -> '£46m'."""
    _require_number(x, "fmt_money")
    scales = {"": 1, "k": 1e3, "m": 1e6, "bn": 1e9}
    if unit not in scales:
        raise ValueError(f"fmt_money: unit must be one of {list(scales)}, got {unit!r}")
    scale = scales[unit]
    sign = "-" if x < 0 else ""
    return fmt._unsigned_zero(f"{sign}£{abs(x) / scale:,.{dp}f}{unit}")


def fmt_ci(lo: float, hi: float, dp: int = 1, pct: bool = True, level: float = 0.95) -> str:
    """'95% CI 21.3% to 27.8%' (proportions when ``pct``; ``level`` names the interval)."""
    _require_number(lo, "fmt_ci")
    _require_number(hi, "fmt_ci")
    f = (lambda v: fmt_pct(v, dp)) if pct else (lambda v: fmt._fixed(float(v), dp))
    return f"{100 * level:g}% CI {f(lo)} to {f(hi)}"


_NUMBER = r"[-−+]?\s*[£$]?\s*[-−]?\d[\d,]*(?:\.\d+)?\s*(?:%|k|m|bn|pp|x|×)?"
#: A cell that is a number, a suppressed count, or a number with its interval ("0.69 (0.62 to 0.75)").
_NUMERIC_CELL = re.compile(
    rf"^\s*(?:\[c\]|<\s*0?\.\d+|{_NUMBER}(?:\s*\(\s*{_NUMBER}\s+to\s+{_NUMBER}\s*\))?|{_NUMBER}\s+to\s+{_NUMBER})\s*$"
)
#: A number typed at the start of a caption: "Table 3: ", "Table 1b. ", "Table 2 (Lot A): ".
_TYPED_LABEL = re.compile(r"^\s*(Table|Figure)\s+(\d+[a-z]?)\b\s*(\(([^)]*)\))?\s*[:.\-–—]?\s*", re.IGNORECASE)
_REFERENCE = re.compile(r"\b(Table|Figure)\s+(\d+[a-z]?)\b")


def header_text(column: Any) -> str:
    """A column header in sentence case: 'share_of_first' -> 'Share of first', 'BAME share' kept."""
    text = re.sub(r"\s+", " ", str(column).replace("_", " ")).strip()
    if re.match(r"^p(?:\b|-value)", text):  # a p-value keeps its lower-case p
        return text
    return text[:1].upper() + text[1:] if text else text


def column_is_numeric(values: Iterable[str]) -> bool:
    """A column is aligned as numbers when every non-empty cell reads as a number (or [c])."""
    cells = [v for v in values if v.strip()]
    return bool(cells) and all(_NUMERIC_CELL.match(v) for v in cells)


def _html_table(shown: pd.DataFrame, caption: str, table_id: str | None = None) -> str:
    """A captioned HTML table with sentence-case headers; a column whose cells all read as numbers
    is right-aligned throughout (header included), any other column is left-aligned."""
    texts = {c: ["" if v is None else str(v) for v in shown[c]] for c in shown.columns}
    classes = ["num" if column_is_numeric(texts[c]) else "txt" for c in shown.columns]
    head = "".join(f'<th class="{k}">{html.escape(header_text(c))}</th>' for c, k in zip(shown.columns, classes))
    rows = zip(*(texts[c] for c in shown.columns)) if len(shown.columns) else []
    body = "".join("<tr>" + "".join(f'<td class="{k}">{html.escape(v)}</td>' for v, k in zip(row, classes)) + "</tr>"
                   for row in rows)
    ident = f' id="{table_id}"' if table_id else ""
    return (f'<table class="rr-table"{ident}><caption>{html.escape(caption)}</caption>'
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


def _figure_title(fig) -> tuple[str, Any]:
    """The figure's own title and the object holding it (suptitle, or the single panel's title)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return sup.get_text().strip(), sup
    if len(fig.axes) == 1:
        ax = fig.axes[0]
        for loc in ("left", "center", "right"):
            text = ax.get_title(loc).strip()
            if text:
                return text, (ax, loc)
    return "", None


_MONEY_UNITS = ("£", "GBP", "pounds")
_SHARE_UNITS = ("proportion", "share", "percentage", "pct")


_DIFFERENCE = re.compile(r"\b(?:difference|gap|change|minus)\b", re.IGNORECASE)


def _headline_unit(label: str, unit: str | None) -> str | None:
    """The unit a headline number is shown in: a difference of proportions is in percentage points."""
    if (unit or "").strip() in _SHARE_UNITS and _DIFFERENCE.search(label or ""):
        return "proportion difference"
    if not unit and re.search(r"\bp-value\b", label or "", re.IGNORECASE):
        return "p-value"
    return unit


def _plain(value: Any, unit: str | None = None) -> str:
    """A headline value for the closing table, in the house style of its unit (money as £12.5m,
    proportions as percentages, rates per person to two decimals, counts with separators)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        u = (unit or "").strip()
        if u == "proportion difference" and -1 <= value <= 1:
            return fmt._fixed(100 * float(value), 1)
        if u.startswith(_MONEY_UNITS):
            return fmt.money(value)
        if u in _SHARE_UNITS and -1 <= value <= 1:
            return fmt.pct(value)
        if u in ("percentage points", "pp"):  # headline differences are recorded in points already
            return fmt._fixed(float(value), 1)
        if u == "%":
            return fmt._fixed(float(value), 1) + "%"
        if u == "p-value":
            return fmt.p_value(value).removeprefix("p = ")
        if u.startswith("per 100"):
            return fmt._fixed(float(value), 1)
        if u in fmt.KINDS:
            return fmt.format_value(value, u)
        if "per " in u or u.startswith("per"):
            return fmt.rate(value)
    return fmt.format_value(value)


def unit_text(unit: str | None) -> str:
    """A unit as a reader reads it: 'GBP a year' -> '£ a year', 'proportion' -> 'percentage'."""
    u = (unit or "").strip()
    for code in ("GBP", "pounds"):
        if u.startswith(code):
            return "£" + u[len(code):]
    if u == "proportion difference":
        return "percentage points"
    return "percentage" if u in ("proportion", "share", "pct", "%") else u


def _cell_text(value: Any) -> Any:
    """A table cell as shown: text cited properly and never '-0.0'."""
    return fmt.no_negative_zero(sources.clean(value)) if isinstance(value, str) else value


def _require_number(x: Any, where: str) -> None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        raise ValueError(f"{where}: value is missing (NaN); refusing to print it")


def first_sentence(text: str) -> str:
    """The first sentence of a finding (abbreviations such as 'et al.' and 'e.g.' do not end one)."""
    flat = re.sub(r"\s+", " ", text).strip()
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z£0-9(])", flat):
        before = flat[: match.start()]
        if re.search(r"\b(?:al|e\.g|i\.e|vs|No|para|paras|cf|approx|Dr|Mr|Mrs|Ms|St)\.$", before):
            continue
        return before
    return flat


class Report:
    """Collects a notebook's tables, figures, findings and headline results under one disclosure threshold."""

    def __init__(self, name: str, threshold: int = disclosure.DEFAULT_THRESHOLD, display: bool = True, *,
                 status: str | None = None, output_dir: str | os.PathLike | None = None):
        if threshold < 1:
            raise ValueError("disclosure threshold must be at least 1")
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")
        self.name = name
        self.threshold = int(threshold)
        self.display = display
        self.status = status
        self._output_dir = Path(output_dir) if output_dir is not None else None
        self.results: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []  # caveats, in order
        self.methods: list[str] = []
        self.findings: list[dict[str, Any]] = []
        self.shown: list[str] = []  # every rendered table/finding, as text, for tests
        self.tables: list[pd.DataFrame] = []  # every rendered table, after suppression and formatting
        self.table_index: list[dict[str, Any]] = []  # number, caption, id and CSV file of each table
        self.figure_index: list[dict[str, Any]] = []  # number, caption and id of each figure
        self.figure_problems: list[str] = []  # house-rule breaches found by plotting.figure_problems
        self.text_problems: list[str] = []  # false precision in findings (wording.precision_problems)
        self._typed: dict[str, str] = {}  # "Table 3" as typed in a caption -> the machine's label
        self._labels: dict[str, str] = {}  # label= given by the notebook -> "Table 3" / "Figure 2"

    # -- output ------------------------------------------------------------
    def _show(self, obj) -> None:
        if self.display:
            from IPython.display import display

            display(obj)

    def _show_html(self, markup: str) -> None:
        from IPython.display import HTML

        self._show(HTML(markup))

    @property
    def output_dir(self) -> Path | None:
        """Where table CSVs are written: beside ``results.json`` when the runner runs the notebook."""
        if self._output_dir is not None:
            return self._output_dir
        target = os.environ.get(RESULTS_ENV)
        return Path(target).parent if target else None

    def references(self, text: str | None) -> str | None:
        """Reader text as shown: typed labels ("Table 5") rewritten to the machine's numbers, and
        internal document labels (seed file IDs, file names listed in the source registry)
        replaced by citations (:func:`rehabresearch.sources.clean`)."""
        if not text:
            return text
        text = _REFERENCE.sub(lambda m: self._typed.get(f"{m.group(1).title()} {m.group(2)}", m.group(0)), text)
        return fmt.no_negative_zero(sources.clean(text))

    def _number(self, kind: str, caption: str, registry: list) -> tuple[int, str]:
        """The next number of ``kind`` and the caption without a typed number (remembered for references)."""
        n = len(registry) + 1
        label = f"{kind} {n}"
        match = _TYPED_LABEL.match(caption)
        if match and match.group(1).title() == kind:
            self._typed[f"{kind} {match.group(2)}"] = label
            rest = caption[match.end():]
            qualifier = match.group(4)
            caption = f"{qualifier}: {rest}" if qualifier and rest else (qualifier or rest)
        caption = self.references(caption.strip()) or ""
        return n, caption[:1].upper() + caption[1:]

    def count(self, n) -> str:
        """A count for a sentence, suppressed below the threshold."""
        return disclosure.safe_count(n, self.threshold)

    def table(
        self,
        df: pd.DataFrame,
        caption: str,
        *,
        source: str | None = None,
        counts: Iterable[str] = (),
        formats: Mapping[str, str] | None = None,
        kinds: Mapping[str, str] | None = None,
        note: str | None = None,
        label: str | None = None,
        **suppress_kwargs,
    ):
        """Show ``df`` as a numbered table ("Table n: caption"), its source, a CSV download link,
        and disclosure control on ``counts``.

        ``kinds`` maps columns to a kind of quantity formatted in the house style
        (``{"share": "pct", "surplus": "money", "people": "count", "difference": "pp"}``; see
        :data:`rehabresearch.formatting.KINDS`), the same formatters the text uses;
        ``formats`` maps columns to format strings (e.g. ``{"share": "{:.1%}"}``) or callables;
        ``suppress_kwargs`` go to :func:`rehabresearch.disclosure.suppression_mask`
        (``row_total``, ``total_row_label``, ``label_column``, ``linked``).
        ``label`` names the table for :meth:`ref` ("see {report.ref('funnel')}").
        Headers are shown in sentence case; a column is aligned as numbers only when all its cells are.
        The displayed (suppressed, formatted) frame is kept in :attr:`tables`; nothing is
        returned, so a table at the end of a cell is not echoed twice.
        """
        if not caption:
            raise ValueError("every table needs a caption")
        counts = list(counts)
        formats = dict(formats or {})
        for col, kind in (kinds or {}).items():
            if col not in df.columns:
                raise KeyError(f"table {caption!r}: kinds names a column it does not have: {col!r}")
            formats[col] = fmt.format_value_function(kind)
        n, text = self._number("Table", caption, self.table_index)
        table_id = f"table-{n}"
        self._remember(label, f"Table {n}")
        mask = disclosure.suppression_mask(df, counts, self.threshold, **suppress_kwargs) if counts else None
        shown = df.astype(object).where(df.notna(), "")
        for col, form in (formats or {}).items():
            render = form if callable(form) else form.format
            shown[col] = [render(v) if pd.notna(v) and v != "" else "" for v in df[col]]
        for col in counts:
            if col not in (formats or {}):
                numbers = pd.to_numeric(df[col].replace("", None), errors="coerce")
                shown[col] = [f"{int(v):,}" if pd.notna(v) and float(v).is_integer() else ("" if pd.isna(v) else v)
                              for v in numbers]
        for col in shown.columns:  # unformatted floats: house style, no false precision; text cited properly
            if col in (formats or {}) or col in counts:
                shown[col] = [_cell_text(v) for v in shown[col]]
                continue
            cells = list(shown[col])
            if any(isinstance(v, float) and not float(v).is_integer() for v in cells):
                cells = fmt.column([v if not isinstance(v, bool) else str(v) for v in cells])
            shown[col] = [_cell_text(v) for v in cells]
        if mask is not None:
            shown = disclosure.apply_mask(shown, mask)
        suppressed = bool(mask is not None and mask.to_numpy().any())
        csv_name = self._write_csv(df, mask, n)
        foot = []
        if source:
            foot.append(f"Source: {self.references(source)}")
        if suppressed:
            foot.append(f"{disclosure.SUPPRESSED} = suppressed: a count below {self.threshold} or one that would reveal it.")
        if note:
            foot.append(self.references(note))
        full_caption = f"Table {n}: {text}"
        body = _html_table(shown, full_caption, table_id)
        footer = "".join(f'<p class="rr-source">{html.escape(f)}</p>' for f in foot)
        if csv_name:
            footer += (f'<p class="rr-download"><a href="{html.escape(csv_name)}" download>'
                       f"Download Table {n} (CSV)</a></p>")
        block = f'<div class="rr-table-block">{body}{footer}</div>'
        self.shown.append(full_caption + "\n" + shown.to_string(index=False))
        self._show_html(block)
        self.tables.append(shown)
        self.table_index.append({"number": n, "caption": text, "id": table_id, "csv": csv_name})

    def _write_csv(self, df: pd.DataFrame, mask: pd.DataFrame | None, n: int) -> str | None:
        """Write the table's values (unrounded; suppressed cells as [c]) as ``table-<n>.csv``."""
        folder = self.output_dir
        if folder is None:
            return None
        data = df.copy()
        if mask is not None:
            data = disclosure.apply_mask(data, mask)
        data.columns = [header_text(c) for c in data.columns]
        name = f"table-{n}.csv"
        folder.mkdir(parents=True, exist_ok=True)
        data.to_csv(folder / name, index=False, encoding="utf-8")
        return name

    def finding(self, text: str, *, source: str | None = None, key: bool = False) -> None:
        """State a finding in plain English (Markdown), with its source.

        ``key=True`` puts it among the key findings at the top of the page (mark 3 to 6 per
        report; fewer are topped up to three with the first sentence of unmarked findings, and
        without any marked the first sentence of each of the first six findings is used).
        """
        if "nan" in text.lower().split():
            raise ValueError(f"finding contains a missing value: {text!r}")
        text = self.references(text)
        source = self.references(source)
        self.text_problems.extend(wording.precision_problems(text))
        md = f"**Finding.** {text}" + (f"  \n*Source: {source}*" if source else "")
        self.shown.append(text)
        self.findings.append({"text": text, "source": source, "key": bool(key)})
        from IPython.display import Markdown

        self._show(Markdown(md))

    def key_findings(self) -> list[str]:
        """The findings for the top of the page: those marked ``key=True`` (at most six), else the
        first sentence of each of the first six findings."""
        return select_key_findings(self.findings)

    def caveat(self, text: str) -> None:
        """A caveat or assumption the reviewer must read: shown once, in the page's closing
        "Methods and caveats" section (and printed here only when working interactively)."""
        text = self.references(text)
        self.notes.append(text)
        if os.environ.get(RESULTS_ENV) is None and self._output_dir is None:
            from IPython.display import Markdown

            self._show(Markdown(f"> **Caveat.** {text}"))

    def method(self, text: str) -> None:
        """A note on method for the closing "Methods and caveats" section."""
        self.methods.append(self.references(text))

    def _remember(self, label: str | None, numbered: str) -> None:
        if label is None:
            return
        if label in self._labels:
            raise ValueError(f"label {label!r} is already used for {self._labels[label]}")
        self._labels[label] = numbered

    def ref(self, label: str) -> str:
        """'Table 3' or 'Figure 2': the number the machinery gave the table or figure shown with
        ``label=...``, for the text that refers to it (no typed numbers to keep in step)."""
        if label not in self._labels:
            known = ", ".join(sorted(self._labels)) or "none yet"
            raise KeyError(f"no table or figure labelled {label!r} has been shown (labels: {known})")
        return self._labels[label]

    def figure(self, fig, caption: str | None = None, *, label: str | None = None) -> None:
        """Show a finished figure as "Figure n: <caption or its title>" (embedded as PNG, with its
        titles and axis labels as alternative text) and close it. The title moves from the image
        into the numbered caption, so it is not printed twice."""
        import io as _bytes_io

        import matplotlib.pyplot as plt

        from . import plotting

        alt = figure_description(fig)
        title, holder = _figure_title(fig)
        text = caption or title or (alt if alt != "Figure" else "")
        if holder is not None and (caption is None or caption == title):
            if isinstance(holder, tuple):
                holder[0].set_title("", loc=holder[1])
            else:
                holder.set_text("")
        n, text = self._number("Figure", text, self.figure_index)
        figure_id = f"figure-{n}"
        self._remember(label, f"Figure {n}")
        problems = plotting.figure_problems(fig)
        if problems:
            self.figure_problems.extend(f"Figure {n}: {p}" for p in problems)
        buffer = _bytes_io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        label = f"Figure {n}: {text}" if text else f"Figure {n}"
        markup = (f'<figure class="rr-figure" id="{figure_id}"><figcaption>{html.escape(label)}</figcaption>'
                  f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"></figure>')
        self.figure_index.append({"number": n, "caption": text, "id": figure_id})
        self.shown.append(label)
        self._show_html(markup)

    # -- machine-readable results -------------------------------------------
    def result(self, key: str, value: Any, *, label: str, unit: str | None = None, source: str | None = None,
               count: bool = False) -> None:
        """Record a headline number for ``results.json``. ``count=True`` applies disclosure control."""
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"result {key!r} is NaN; refusing to record it")
        if hasattr(value, "item"):
            value = value.item()
        if count and disclosure.is_small(value, self.threshold)[0]:
            value = disclosure.SUPPRESSED
        self.results[key] = {"value": value, "label": self.references(label), "unit": unit,
                             "source": self.references(source)}

    def save(self, parameters: Mapping[str, Any] | None = None) -> None:
        """Show the headline numbers as a closing table and write ``results.json`` (when run by the runner).

        The written content stays available as :attr:`payload`.
        """
        if self.results:
            summary = pd.DataFrame(
                [(v["label"], _plain(v["value"], _headline_unit(v["label"], v["unit"])),
                  unit_text(_headline_unit(v["label"], v["unit"])), v["source"] or "")
                 for v in self.results.values()],
                columns=["Headline number", "Value", "Unit", "Source"],
            )
            sources = summary["Source"].unique()
            caption = "Headline numbers of this report (also downloadable in machine-readable form)"
            if len(sources) == 1:  # one shared source: say it once, under the table
                self.table(summary.drop(columns="Source"), caption, source=sources[0] or None)
            else:  # repeated sources read as "as above"
                repeated = summary["Source"].eq(summary["Source"].shift()) & summary["Source"].ne("")
                self.table(summary.assign(Source=summary["Source"].mask(repeated, "as above")), caption)
        params = dict(parameters or {})
        key = self.key_findings()
        self.text_problems.extend(f"key finding states no number: {k!r}" for k in key if not re.search(r"\d", k))
        payload = {
            "notebook": self.name,
            "disclosure_threshold": self.threshold,
            "status": self.status or default_status(self.name, params),
            "status_stated": self.status is not None,
            "key_findings": key,
            "findings": self.findings,
            "results": self.results,
            "caveats": self.notes,
            "methods": self.methods,
            "tables": self.table_index,
            "figures": self.figure_index,
            "figure_problems": self.figure_problems,
            "text_problems": self.text_problems,
            "inputs": dict(sorted(catalog.LOADED.items())),
            "parameters": params,
        }
        self.payload = payload
        target = os.environ.get(RESULTS_ENV)
        if target:
            write_json(target, payload)


def select_key_findings(findings: list[Mapping[str, Any]], limit: int = DEFAULT_KEY_FINDINGS,
                        least: int = 3) -> list[str]:
    """Findings marked key (at most ``limit``), topped up to ``least`` with the first sentence of
    the first unmarked findings; with none marked, the first sentence of the first ``limit``."""
    marked = [f["text"] for f in findings if f.get("key")]
    if not marked:
        return [first_sentence(f["text"]) for f in findings[:limit]]
    chosen = marked[:limit]
    for f in findings:
        if len(chosen) >= least:
            break
        if not f.get("key"):
            chosen.append(first_sentence(f["text"]))
    return chosen
