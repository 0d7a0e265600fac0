"""The parts of a report page the machinery adds around the notebook's own content.

At the top: the title, the key findings, the data status and a contents list. At the end: one
"Methods and caveats" section, a glossary of the terms the page uses, and "About this report"
(how to cite it, the data licences, the code version and run time, parameters and downloads).
Everything here is presentation; it reads the run record and ``results.json``.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, UTC
from typing import Any

import nbformat

from . import catalog, glossary, sources, status as data_status

#: A notebook section moved into the closing "Methods and caveats" section (by its heading).
_CLOSING_HEADING = re.compile(
    r"^\s*#{2,3}\s+(?:\d+\.\s*)?(?:caveats|limitations|assumptions and caveats|caveats and assumptions|"
    r"methods and caveats|method and caveats)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*#*\s*$")
CONTENTS_MARKER = "<!--rr-contents-->"
GLOSSARY_MARKER = "<!--rr-glossary-->"


def markdown(text: str, inline: bool = False) -> str:
    """Markdown to HTML (the renderer nbconvert uses); ``inline`` drops the paragraph tags."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    out = markdown2html_mistune(text).strip()
    if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def readable_time(iso: str | None) -> str:
    """'2026-12-02T02:57:07+00:00' -> '2 Dec 2026, 02:57 UTC' (unchanged when not a timestamp)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _heading(cell) -> tuple[int, str] | None:
    if cell.cell_type != "markdown":
        return None
    first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    match = _HEADING.match(first)
    return (len(match.group(1)), match.group(2)) if match else None


def split_notebook(nb) -> tuple[str, list[str]]:
    """Take the title and the notebook's own caveat/method sections out of ``nb`` (in place).

    Returns ``(title, closing_markdown)``: the first cell's top-level heading (removed from the
    cell; the rest of the cell stays as the introduction), and the Markdown of every section
    whose heading names caveats, assumptions or methods (removed; its code cells stay where they
    are, so tables they print keep their place). The machinery shows the title at the top and the
    moved Markdown in the one closing "Methods and caveats" section.
    """
    title = ""
    if nb.cells and nb.cells[0].cell_type == "markdown":
        lines = nb.cells[0].source.strip().splitlines()
        if lines and re.match(r"^#\s+", lines[0]):
            title = re.sub(r"^#\s+", "", lines[0]).strip()
            nb.cells[0].source = "\n".join(lines[1:]).strip()
    closing: list[str] = []
    kept = []
    moving_level = None
    last_heading = ""
    for cell in nb.cells:
        head = _heading(cell)
        if head and moving_level is not None and head[0] <= moving_level:
            moving_level = None
        if head and _CLOSING_HEADING.match(cell.source.strip().splitlines()[0]):
            moving_level = head[0]
            body = "\n".join(cell.source.strip().splitlines()[1:]).strip()
            if body:
                closing.append(body)
            continue
        if moving_level is not None and cell.cell_type == "markdown":
            closing.append(cell.source)
            continue
        if head:
            last_heading = head[1]
        if (moving_level is not None and cell.cell_type == "code" and _shows_headline_table(cell)
                and "headline numbers" not in last_heading.lower()):
            # the code of a moved section stays; its headline table gets a heading of its own
            kept.append(nbformat.v4.new_markdown_cell(f"{'#' * moving_level} Headline numbers"))
            last_heading = "Headline numbers"
        kept.append(cell)
    nb.cells = [c for c in kept if not (c.cell_type == "markdown" and not c.source.strip())]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = sources.clean(cell.source)
    return title, [sources.clean(m) for m in closing]


def _shows_headline_table(cell) -> bool:
    return any("Headline numbers of this report" in str(o.get("data", {}).get("text/html", ""))
               for o in cell.get("outputs", []))


def key_findings_html(findings: list[str]) -> str:
    if not findings:
        return ""
    items = "".join(f"<li>{markdown(f, inline=True)}</li>" for f in findings)
    return f'<section class="rr-key"><h2 id="key-findings">Key findings</h2><ul>{items}</ul></section>'


def status_html(status: str | None) -> str:
    label = data_status.label(status)
    return (f'<p class="rr-status rr-status-{html.escape(status or "unknown")}" id="data-status">'
            f"<strong>Data status: {html.escape(label)}.</strong> {html.escape(data_status.explanation(status))}</p>")


def closing_html(closing_markdown: list[str], methods: list[str], caveats: list[str]) -> str:
    """The one "Methods and caveats" section: the notebook's own notes, then method notes and caveats."""
    parts = [markdown(m) for m in closing_markdown]
    if methods:
        parts.append("<h3>Method notes</h3><ul>" + "".join(f"<li>{markdown(m, inline=True)}</li>" for m in methods)
                     + "</ul>")
    if caveats:
        parts.append("<h3>Caveats</h3><ul>" + "".join(f"<li>{markdown(c, inline=True)}</li>" for c in caveats)
                     + "</ul>")
    if not parts:
        return ""
    return '<section class="rr-closing"><h2 id="methods-and-caveats">Methods and caveats</h2>' + "".join(parts) + "</section>"


def licences(inputs: list[str]) -> list[tuple[str, str]]:
    """(dataset title, licence) for each catalog dataset the run read."""
    known = catalog.datasets()
    return [(known[n].title, _without_seed_numbers(known[n].licence)) for n in inputs if n in known]


def _without_seed_numbers(text: str) -> str:
    """'Clinks (000, 001, all rights reserved)' -> 'Clinks (all rights reserved)': the numbers of the
    project's local copies of documents mean nothing to a reader."""
    text = re.sub(r"\((?:00\d,\s*)+", "(", text)
    return re.sub(r"\s*\(00\d(?:,\s*00\d)*\)", "", text)


def about_html(record: dict[str, Any], title: str, tables: list[dict], status: str | None,
               has_results: bool = True) -> str:
    """How to cite the report, its data licences, code version, run time, parameters and downloads."""
    started = readable_time(record.get("started"))
    commit = (record.get("git", {}).get("commit") or "unknown")[:12]
    dirty = record.get("git", {}).get("dirty")
    year = (record.get("started") or "")[:4] or "n.d."
    kind = f" {html.escape(data_status.label(status))}." if status in data_status.STATUSES else ""
    cite = (f"rehabresearch ({year}). <em>{html.escape(title)}</em>. Reproducible report, code version {commit}, "
            f"run {html.escape(started)}.{kind}")
    used = licences(list(record.get("inputs", {})))
    if used:
        lic = "<ul>" + "".join(f"<li>{html.escape(t)}: {html.escape(lic)}</li>" for t, lic in used) + "</ul>"
    else:
        lic = "<p>No dataset was read: the inputs are generated or illustrative (see the data status above).</p>"
    downloads = [f'<a href="{html.escape(t["csv"])}">Table {t["number"]}</a>' for t in tables if t.get("csv")]
    return (
        '<section class="rr-about"><h2 id="about-this-report">About this report</h2>'
        f'<p><strong>How to cite:</strong> {cite}</p>'
        f"<p><strong>Data licences:</strong></p>{lic}"
        f'<p><strong>Code version</strong> <code>{html.escape(commit)}</code>'
        f"{' (with uncommitted changes)' if dirty else ''}; <strong>run</strong> {html.escape(started)} "
        f"({html.escape(str(record.get('duration_seconds', '')))} s), profile {html.escape(str(record.get('profile', '')))}.</p>"
        + "<p><strong>Downloads:</strong> "
        + (f"every table as CSV ({', '.join(downloads)}); " if downloads else "")
        + ('the headline numbers in machine-readable form (<a href="results.json">JSON</a>); ' if has_results else "")
        + 'the <a href="run.json">run record</a>.</p>'
        + "<p>The run record lists the settings, package versions and the checksum of every input, so the "
          "report can be reproduced exactly.</p></section>"
    )


_TAG = re.compile(r"<[^>]+>")
_SKIP = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def visible_text(page: str) -> str:
    """The text a reader sees on ``page`` (tags, scripts, styles and embedded images removed)."""
    body = page.split("<body", 1)[-1]
    body = _SKIP.sub(" ", body)
    text = _TAG.sub(" ", body)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def references_html(page: str) -> str:
    """Full references (from the source registry) of the documents the page cites. Addresses are
    printed, not linked: the page makes no request and links nowhere off the machine."""
    docs = sources.cited_in(visible_text(page))
    if not docs:
        return ""
    items = "".join(
        f"<li>{html.escape(d.citation)}" + (f' Available at: <span class="rr-url">{html.escape(d.url)}</span>' if d.url else "")
        + "</li>" for d in docs)
    return f'<section class="rr-references"><h2 id="references">References</h2><ul>{items}</ul></section>'


def glossary_html(page: str) -> str:
    terms = glossary.terms_in(visible_text(page))
    if not terms:
        return ""
    items = "".join(f"<dt>{html.escape(t.term)}</dt><dd>{html.escape(t.definition)}</dd>" for t in terms)
    return f'<section class="rr-glossary"><h2 id="glossary">Glossary</h2><dl>{items}</dl></section>'


_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)


def contents_html(page: str) -> str:
    """A contents list linking to every second-level heading on the page (key findings excepted)."""
    items = []
    for ident, inner in _H2.findall(page):
        if ident == "key-findings":
            continue
        text = re.sub(r"\s+", " ", html.unescape(_TAG.sub("", inner))).replace("¶", "").strip()
        items.append(f'<li><a href="#{html.escape(ident, quote=True)}">{html.escape(text)}</a></li>')
    if not items:
        return ""
    return f'<nav class="rr-contents" id="contents" aria-label="Contents"><h2 class="rr-contents-title">Contents</h2><ol>{"".join(items)}</ol></nav>'


def finish(page: str) -> str:
    """Fill the glossary and contents markers of a rendered page."""
    page = page.replace(GLOSSARY_MARKER, references_html(page) + glossary_html(page), 1)
    return page.replace(CONTENTS_MARKER, contents_html(page), 1)


def drop_outputless_code(nb) -> None:
    """Remove code cells that show nothing (so an empty section does not keep a heading alone)."""
    def empty(cell):
        return cell.cell_type == "code" and not any(
            o.get("output_type") in ("display_data", "execute_result", "error") or o.get("text")
            for o in cell.get("outputs", []))

    cells = [c for c in nb.cells if not empty(c)]
    kept = []
    for i, cell in enumerate(cells):  # a heading-only cell followed by nothing of its own
        head = _heading(cell)
        if head and cell.source.strip().count("\n") == 0:
            nxt = next((c for c in cells[i + 1:]), None)
            nxt_head = _heading(nxt) if nxt is not None else None
            if nxt is None or (nxt_head and nxt_head[0] <= head[0]):
                continue
        kept.append(cell)
    nb.cells = kept


__all__ = [
    "CONTENTS_MARKER", "GLOSSARY_MARKER", "about_html", "closing_html", "contents_html", "drop_outputless_code",
    "finish", "glossary_html", "key_findings_html", "licences", "markdown", "readable_time", "split_notebook",
    "status_html", "visible_text",
]
