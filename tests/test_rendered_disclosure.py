"""A rendered report, run end to end, shows no count below its disclosure threshold, nor any figure
from which one can be worked out (the rule: docs/disclosure.md).

COMPAS (real individual-level data) has small race groups: with the threshold raised to 40, the
Native American (11 people after ProPublica's filter) and Asian (31) groups must appear only as
[c] in every rendered table, with their rates hidden too, and no name or date of birth may appear.
Each page is then attacked as a reader would: every table is parsed from the HTML, and each [c] is
worked back from row and column totals, from the same column's total shown by another table on the
page (tables that count the same people), and from a rate or difference shown beside its count.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from rehabresearch import disclosure, paths, runner
from rehabresearch.reoffending import compas

pytestmark = pytest.mark.notebook


class _Tables(HTMLParser):
    """Every table of a page as a list of rows (lists of cell texts); the first row is the header."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    @property
    def rows(self) -> list[list[str]]:
        return [row for table in self.tables for row in table]

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _count(text: str) -> int | None:
    return int(text.replace(",", "")) if re.fullmatch(r"\d[\d,]*", text) else None


def _count_columns(header: list[str], body: list[list[str]]) -> list[int]:
    """Columns holding whole-number counts (or [c]) in every row, with at least one [c] or number."""
    out = []
    for j in range(len(header)):
        cells = [row[j] for row in body if j < len(row)]
        if cells and all(c == disclosure.SUPPRESSED or _count(c) is not None for c in cells):
            out.append(j)
    return out


def recoveries(tables: list[list[list[str]]], threshold: int) -> list[str]:
    """Every way a reader could work out a suppressed count (or a sum made only of small counts)."""
    found = []
    shown_totals: dict[str, set[int]] = {}
    parsed = []
    for t, table in enumerate(tables):
        if len(table) < 2:
            continue
        header, body = table[0], [r for r in table[1:] if len(r) == len(table[0])]
        total_rows = [r for r in body if r[0].strip().lower() in ("total", "all")]
        body = [r for r in body if r not in total_rows]
        columns = _count_columns(header, body)
        parsed.append((t, header, body, total_rows, columns))
        for j in columns:
            cells = [r[j] for r in body]
            if disclosure.SUPPRESSED not in cells:
                shown_totals.setdefault(header[j], set()).add(sum(_count(c) for c in cells))
    for t, header, body, total_rows, columns in parsed:
        for j in columns:
            cells = [r[j] for r in body]
            hidden = cells.count(disclosure.SUPPRESSED)
            if not hidden:
                continue
            shown = sum(_count(c) for c in cells if c != disclosure.SUPPRESSED)
            totals = set(shown_totals.get(header[j], set()))
            totals |= {_count(r[j]) for r in total_rows if _count(r[j]) is not None}
            for total in totals:
                rest = total - shown
                if rest <= 0:
                    continue  # a different population that happens to share the column name
                if hidden == 1:
                    found.append(f"table {t}, column {header[j]!r}: the one hidden cell is {total} - {shown} = {rest}")
                elif rest <= (threshold - 1) * hidden:
                    found.append(f"table {t}, column {header[j]!r}: {hidden} hidden cells sum to {rest} "
                                 f"({total} - {shown}), which small counts alone could make")
        for row in body:
            if disclosure.SUPPRESSED not in [row[j] for j in columns]:
                continue
            for j, name in enumerate(header):
                # model-adjusted estimates depend on every row's covariates and cannot be turned back into a count
                derived = (re.search(r"rate|%|difference|mean|average|share", name, re.I) and j not in columns
                           and not re.search(r"adjusted", name, re.I))
                if derived and row[j] not in (disclosure.SUPPRESSED, "", "reference"):
                    if any(_count(row[k]) is not None for k in columns):
                        found.append(f"table {t}, row {row[0]!r}: {name!r} = {row[j]} is shown beside a shown count, "
                                     "so the hidden count can be worked out")
    return found


def test_the_attack_finds_todays_leaks():
    """The attacker is not blind: it finds the leak the COMPAS page had (2,809 by sex, 2,796 by race)."""
    sex = [["Sex", "People", "Reoffended"], ["Female", "1,175", "413"], ["Male", "4,997", "2,396"]]
    race = [["Race", "People", "Reoffended", "Rate"], ["African-American", "3,175", "1,661", "52.3"],
            ["Asian", "31", "[c]", "[c]"], ["Caucasian", "2,103", "822", "39.1"], ["Hispanic", "509", "189", "37.1"],
            ["Native American", "11", "[c]", "[c]"], ["Other", "343", "124", "36.2"]]
    assert any("sum to 13" in f for f in recoveries([sex, race], 10))
    matched = [["Group", "People", "Reoffended", "Rate"], ["Treated", "70", "[c]", "10.0%"]]
    assert recoveries([matched], 10)
    total = [["g", "n"], ["a", "[c]"], ["b", "20"], ["Total", "25"]]
    assert recoveries([total], 10)


def _run_compas(tmp_path, monkeypatch, external_dataset, overrides):
    external_dataset("compas_two_year")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    return runner.run_notebook(runner.find("compas_cohorts"), "published", overrides=overrides, progress=lambda *_: None)


@pytest.mark.parametrize("threshold", [10, 40])
def test_compas_report_suppresses_small_groups_everywhere(tmp_path, monkeypatch, external_dataset, threshold):
    raw = external_dataset("compas_two_year")
    df = compas.propublica_filter(raw)
    small = df["race"].value_counts()
    small = small[small < 40]
    assert set(small.index) == {"Asian", "Native American"}, small
    result = _run_compas(tmp_path, monkeypatch, external_dataset, {"disclosure_threshold": threshold})
    assert result.status == "ok", result.error
    page = (tmp_path / "compas_cohorts" / "index.html").read_text()
    parser = _Tables()
    parser.feed(page)
    labelled = [row for row in parser.rows if row and row[0] in small.index]
    assert labelled, "the race table should list the small groups (suppressed)"
    for row in labelled:
        assert "[c]" in row, f"small group shown without suppression: {row}"
        if threshold == 40:
            assert str(small[row[0]]) not in row[1:], f"count of {row[0]} leaked: {row}"
    assert recoveries(parser.tables, threshold) == []
    for identifier in ("miguel hernandez", "1947-04-18", "13011352cf10a"):  # first row's name, dob, case number
        assert identifier not in page.lower()
    record = json.loads((tmp_path / "compas_cohorts" / "run.json").read_text())
    assert record["disclosure"]["threshold"] == threshold and "requested_by" not in record["disclosure"]


def test_compas_threshold_of_one_is_refused_without_permission_then_stated_and_recorded(tmp_path, monkeypatch,
                                                                                       external_dataset):
    result = _run_compas(tmp_path, monkeypatch, external_dataset, {"disclosure_threshold": 1})
    assert result.status == "failed" and "allow_low_threshold" in result.error
    result = _run_compas(tmp_path, monkeypatch, external_dataset,
                         {"disclosure_threshold": 1, "allow_low_threshold": True})
    assert result.status == "ok", result.error
    page = (tmp_path / "compas_cohorts" / "index.html").read_text()
    first_table = page.index("<caption>Table 1")
    notice = "Disclosure threshold lowered to 1 (default 10) on real individual-level data"
    assert notice in page[:page.index('id="contents"')], "stated at the top, beside the data status"
    assert notice in page[:first_table]
    index = runner.build_index(tmp_path).read_text()
    assert notice in index, "and in the index"
    record = json.loads((tmp_path / "compas_cohorts" / "run.json").read_text())
    asked = record["disclosure"]["requested_by"]
    assert record["disclosure"]["lowered"] and asked["user"] and asked["host"] and asked["allow_low_threshold"]


QUICK = ["commissioning", "compas_cohorts", "contact_tiers", "contract_sensitivity", "equalities_evidence",
         "matched_comparison", "moj_proven_reoffending", "rossi_financial_aid"]


@pytest.mark.parametrize("name", QUICK)
def test_no_suppressed_value_can_be_recovered_from_any_quick_page(name, quick_reports):
    folder, page = quick_reports.page(name)
    parser = _Tables()
    parser.feed(page)
    threshold = json.loads((folder / "results.json").read_text())["disclosure_threshold"]
    assert recoveries(parser.tables, threshold) == []
