"""The equalities report's sections: the disclosure rule (published counts as published, derived counts suppressed)
and numbers taken from the tables rather than typed."""

import pytest

from rehabresearch.published import evidence_sections as sections
from rehabresearch.reporting import Report


@pytest.fixture(scope="module")
def tables():
    return sections.load_tables()


def test_published_small_count_is_shown_as_printed(tables):
    report = Report("t", threshold=10, display=False)
    sections.workforce(report, tables)
    shown = report.tables[0]
    row = shown[(shown["Area"] == "South Yorkshire") & (shown["Group"] == "Male")].iloc[0]
    assert row["Count"] == "2" and row["Of"] == "37"  # the document prints "of 37 case administrators only 2 are male"
    assert not shown.isin(["[c]"]).any().any()


def test_derived_counts_are_suppressed_but_published_bases_are_not(tables):
    report = Report("t", threshold=10_000, display=False)  # a threshold above every count
    counts = sections.consultation(report, tables, 5.0, ["Q2"], ["Q17"])
    shown = report.tables[0]
    assert (shown["At least"] == "[c]").all() and (shown["At most"] == "[c]").all()
    assert not (shown["Answering"] == "[c]").any()  # published number answering each question
    assert "fewer than 10000" in " ".join(report.shown[1:])  # derived counts in sentences are suppressed too
    sections.respondents(report, tables, counts, 5.0)
    assert not (report.tables[-1]["Responses"] == "[c]").any()


def test_numbers_in_sentences_come_from_the_tables(tables):
    report = Report("t", threshold=10, display=False)
    sections.inspections(report, tables)
    sections.clinks_figures(report, tables)
    text = " ".join(report.shown)
    assert "Of the 14 recent CRC inspections, 1 (7.1%) was rated good or better" in text
    assert "all 4 recent NPS inspections were" in text
    assert "none of the 14 CRCs inspected since January 2018 were rated good (3 requires improvement, 11 inadequate)" in text
    assert "572 women" in text and "22% rise" in text
