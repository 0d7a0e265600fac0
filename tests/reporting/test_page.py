"""The parts of a page the machinery adds: title, key findings, status, contents, one closing
section, glossary, citation and licences; and the index's readable times and data status."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from rehabresearch import page, paths, runner, sources
from rehabresearch.internals import find


def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def test_split_notebook_takes_the_title_and_moves_caveat_sections_to_the_end():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("report.save()")
    nb.cells = [_md("# The title\n\nIntroduction."), _md("## 1. Results"), _md("Text."),
                _md("## Caveats\n\n- one\n- two"), code, _md("More caveat text."), _md("## Data used"), _md("x")]
    title, closing = page.split_notebook(nb)
    assert title == "The title"
    assert closing == ["- one\n- two", "More caveat text."]
    sources_ = [c.source for c in nb.cells]
    assert sources_ == ["Introduction.", "## 1. Results", "Text.", "report.save()", "## Data used", "x"]


def test_a_section_called_method_is_content_and_stays():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_md("# T"), _md("## 2. Method\n\nWe matched."), _md("## Assumptions and caveats\n\nNone.")]
    _, closing = page.split_notebook(nb)
    assert [c.source for c in nb.cells] == ["## 2. Method\n\nWe matched."] and closing == ["None."]


def test_contents_link_every_second_level_heading():
    body = ('<h2 id="key-findings">Key findings</h2><h2 id="1.-Results">1. Results<a class="anchor-link" '
            'href="#1.-Results">¶</a></h2><h3 id="x">Sub</h3><h2 id="glossary">Glossary</h2>' + page.CONTENTS_MARKER)
    out = page.finish(body)
    nav = re.search(r"<nav.*</nav>", out).group(0)
    assert '<a href="#1.-Results">1. Results</a>' in nav and '<a href="#glossary">Glossary</a>' in nav
    assert "Key findings</a>" not in nav and "Sub" not in nav


def test_glossary_lists_only_terms_on_the_page():
    html = page.glossary_html("<p>The WMT counts hours; a rise of 3 percentage points; the nps</p>")
    assert "WMT (Workload Measurement Tool)" in html and "Percentage point" in html
    assert "NPS" not in html, "abbreviations match case-sensitively"
    assert page.glossary_html("<p>nothing to explain</p>") == ""


@pytest.mark.parametrize("iso,text", [("2026-12-02T02:57:07+00:00", "2 Dec 2026, 02:57 UTC"),
                                      ("2026-07-01T10:05:00+01:00", "1 Jul 2026, 09:05 UTC"), ("", ""), ("soon", "soon")])
def test_readable_time(iso, text):
    assert page.readable_time(iso) == text


def test_licences_drop_the_numbers_of_local_document_copies():
    assert (page._without_seed_numbers("Mixed: Clinks (000, 001, all rights reserved) and OGL v3.0 (004); facts")
            == "Mixed: Clinks (all rights reserved) and OGL v3.0; facts")


def test_sources_registry_cites_and_cleans():
    docs = sources.documents()
    assert {d.seed for d in docs.values() if d.seed} == {"000", "001", "002", "003", "004"}
    assert all(d.citation and d.short and d.publisher for d in docs.values())
    assert sources.cite("moj_strengthening_probation_response_2019", "para 39").endswith("(CP 93, May 2019), para 39")
    with pytest.raises(sources.SourceError, match="no source document"):
        sources.cite("nope")
    leaky = ("RR3 final report (Clinks, June 2021; seed 000_bc63993ac262e051.txt), Part two; "
             "004_b8f5abea2c1f2974.txt: Ministry of Justice; para 65); also 001, Question 14; "
             "data as distributed in lifelines.datasets (rossi.csv); ProPublica, compas-scores-two-years.csv")
    cleaned = sources.clean(leaky)
    assert find(cleaned) == [], find(cleaned)
    assert "(Clinks, June 2021), Part two" in cleaned and "also Clinks' response" in cleaned


def test_the_scanner_finds_each_kind_of_internal():
    text = ("See src/rehabresearch/contracts/defaults/accommodation.yaml and 000_bc63993ac262e051.txt; "
            "computed with scipy.stats.sobol_indices and rehabresearch.reporting; column share_of_first; "
            "call fit() on results.json")
    kinds = {leak.kind for leak in find(text)}
    assert kinds == {"file path", "file name", "seed document ID", "module or function name", "code identifier"}
    assert find("A 95% CI of 21.3% to 27.8%, e.g. £12.5m (Table 3), Rossi et al. (1980); re-arrest") == []


FIXTURE = '''
import pandas as pd
from rehabresearch.reporting import Report
from rehabresearch import plotting
report = Report("good", threshold=disclosure_threshold)
report.table(pd.DataFrame({"group_name": ["a", "b"], "people": [40, 4]}), "Table 1: People by group", counts=["people"])
fig, ax = plotting.figure("Bars from zero", "Group", "People (number)")
plotting.bars(ax, ["a", "b"], [40, 44])
report.figure(fig)
report.finding("The first finding is 3.1 percentage points (95% CI 0.2 to 6.0). It has a second sentence.")
report.finding("The key finding uses the WMT.", key=True)
report.caveat("A caveat, stated once.")
report.result("people", 44, label="People", unit="people", count=True)
report.save()
'''


@pytest.fixture
def rendered(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    (nbdir / "params" / "good").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "rehabresearch", "display_name": "Python (rehabresearch)", "language": "python"}
    nb.metadata["rehabresearch"] = {"title": "Fixture report", "summary": "A fixture.", "external": []}
    params = nbformat.v4.new_code_cell("disclosure_threshold = 10")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [_md("# A fixture report\n\nIntroduction."), params, _md("## 1. Results"),
                nbformat.v4.new_code_cell(FIXTURE), _md("## Caveats\n\n- A bullet caveat.")]
    nbformat.write(nb, nbdir / "good.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(paths, "PARAMS_DIR", nbdir / "params")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    (result,) = runner.run(["good"], progress=lambda *_: None)
    assert result.status == "ok", result.error
    return tmp_path / "reports"


def test_rendered_page_order_and_parts(rendered):
    html = (rendered / "good" / "index.html").read_text()
    order = ["A fixture report</h1>", "Key findings", "The key finding uses the WMT.", "Data status:",
             'id="contents"', "Introduction.", "Table 1: People by group", "Figure 1: Bars from zero",
             '<h2 id="methods-and-caveats">', "A bullet caveat.", "A caveat, stated once.", '<h2 id="glossary">',
             "WMT (Workload Measurement Tool)", "How to cite", "Code version"]
    positions = [html.find(s) for s in order]
    assert all(p >= 0 for p in positions), [s for s, p in zip(order, positions) if p < 0]
    assert positions == sorted(positions), "the page parts are out of order"
    assert html.count("A caveat, stated once.") == 1, "a caveat is printed once"
    assert "Data status: Not stated." in html  # 'good' is not one of the eight reports
    assert re.search(r'<a [^>]*href="table-1.csv"[^>]*>Download Table 1 \(CSV\)</a>', html)
    assert (rendered / "good" / "table-1.csv").read_text().splitlines()[0] == "Group name,People"
    assert "[c]" in (rendered / "good" / "table-1.csv").read_text()
    assert '<th class="num">People</th>' in html
    assert find(page.visible_text(html)) == [], find(page.visible_text(html))
    results = json.loads((rendered / "good" / "results.json").read_text())
    assert results["key_findings"] == ["The key finding uses the WMT.",
                                       "The first finding is 3.1 percentage points (95% CI 0.2 to 6.0)."]


def test_index_shows_status_first_finding_and_readable_time(rendered):
    html = (rendered / "index.html").read_text()
    assert "The key finding uses the WMT." in html
    assert re.search(r"<span class='rr-when'>\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC</span>", html)
    assert "+00:00" not in html
    assert "synthetic cohort (illustrative)" in html  # no dataset read and no stated status


def test_references_list_the_documents_a_page_cites():
    html = page.references_html("<p>Source: Rossi, Berk and Lenihan (1980); see also CP 93, paragraph 39.</p>")
    assert '<h2 id="references">References</h2>' in html
    assert "Money, Work and Crime: Experimental Evidence" in html
    assert "Available at: <span class=\"rr-url\">https://www.gov.uk/government/consultations/" in html
    assert "href=" not in html
    assert page.references_html("<p>nothing cited</p>") == ""


def test_the_headline_table_of_a_moved_caveats_section_gets_its_own_heading():
    nb = nbformat.v4.new_notebook()
    save = nbformat.v4.new_code_cell("report.save()")
    save.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<table><caption>Table 5: Headline numbers of this report</caption></table>"})]
    nb.cells = [_md("# T"), _md("## 6. Recovery"), _md("## Caveats\n\n- x"), save]
    page.split_notebook(nb)
    assert [c.source for c in nb.cells] == ["## 6. Recovery", "## Headline numbers", "report.save()"]
    nb.cells = [_md("# T"), _md("## Headline numbers"), _md("## Caveats\n\n- x"), save]
    page.split_notebook(nb)
    assert [c.source for c in nb.cells] == ["## Headline numbers", "report.save()"]


def test_the_scanner_leaves_web_addresses_alone():
    assert find("Available at: https://lifelines.readthedocs.io and https://www.gov.uk/government/x") == []
    assert [leak.text for leak in find("see lifelines.datasets")] == ["lifelines.datasets"]


def test_a_failed_run_links_only_files_that_exist(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    (nbdir / "params" / "bad").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "rehabresearch", "display_name": "Python (rehabresearch)", "language": "python"}
    nb.metadata["rehabresearch"] = {"title": "Failing", "summary": "x", "external": []}
    params = nbformat.v4.new_code_cell("disclosure_threshold = 10")
    params.metadata["tags"] = ["parameters"]
    body = ("import pandas as pd\nfrom rehabresearch.reporting import Report\nreport = Report('bad')\n"
            "report.table(pd.DataFrame({'a': [1]}), 'A table')")
    nb.cells = [_md("# Failing report"), params, _md("## 1. Part"), nbformat.v4.new_code_cell(body),
                nbformat.v4.new_code_cell("raise ValueError('row 3, column age: not a number')")]
    nbformat.write(nb, nbdir / "bad.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(paths, "PARAMS_DIR", nbdir / "params")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    (result,) = runner.run(["bad"], progress=lambda *_: None)
    assert result.status == "failed"
    folder = tmp_path / "reports" / "bad"
    html = (folder / "index.html").read_text()
    assert "The report stopped here." in html and "Failing report</h1>" in html
    links = re.findall(r'href="([^"#]+)"', html)
    assert "results.json" not in links and "table-1.csv" in links
    assert all((folder / link).exists() for link in links if not link.startswith("..")), links
