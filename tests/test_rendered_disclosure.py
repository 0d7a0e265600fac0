"""A rendered report, run end to end, shows no count below its disclosure threshold.

COMPAS (real individual-level data) has small race groups: with the threshold raised to 40, the
Native American (11 people after ProPublica's filter) and Asian (31) groups must appear only as
[c] in every rendered table, with their rates hidden too, and no name or date of birth may appear.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from rehabresearch import paths, runner
from rehabresearch.reoffending import compas

pytestmark = pytest.mark.notebook


class _Rows(HTMLParser):
    """Every table row of a page as a list of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_compas_report_suppresses_small_groups_everywhere(tmp_path, monkeypatch, external_dataset):
    raw = external_dataset("compas_two_year")
    df = compas.propublica_filter(raw)
    small = df["race"].value_counts()
    small = small[small < 40]
    assert set(small.index) == {"Asian", "Native American"}, small
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path)
    result = runner.run_notebook(runner.find("compas_cohorts"), "published", overrides={"disclosure_threshold": 40},
                                 progress=lambda *_: None)
    assert result.status == "ok", result.error
    page = (tmp_path / "compas_cohorts" / "index.html").read_text()
    parser = _Rows()
    parser.feed(page)
    labelled = [row for row in parser.rows if row and row[0] in small.index]
    assert labelled, "the race table should list the small groups (suppressed)"
    for row in labelled:
        assert "[c]" in row, f"small group shown without suppression: {row}"
        assert str(small[row[0]]) not in row[1:], f"count of {row[0]} leaked: {row}"
    for identifier in ("miguel hernandez", "1947-04-18", "13011352cf10a"):  # first row's name, dob, case number
        assert identifier not in page.lower()
