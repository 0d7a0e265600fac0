"""Every report, rendered in its quick profile, as a reviewer reads it.

Checks on every page: key findings (3 to 6) and a data status at the top, a contents list, a CSV
link under every table (and the file beside the page), numbered figures, and no internals in the
visible text (file paths and names, module and function names, code identifiers, seed document
IDs). With Chromium installed, the key findings, data status and contents must sit in the first
screen at 1280 x 800 pixels.

Known leaks that the notebooks still print are listed in KNOWN_LEAKS by report. The list must only
shrink: a leak that is gone must be removed from it (the test fails on a stale entry), and any
new leak fails the test.
"""

from __future__ import annotations

import json
import re
from html import escape
import shutil
import subprocess
from pathlib import Path

import pytest

from rehabresearch import internals, page, status

pytestmark = pytest.mark.notebook

REPORTS = sorted(status.REPORT_STATUS)

#: report -> internal strings its page still shows (fixed in the notebooks and domain modules, then removed here).
KNOWN_LEAKS: dict[str, set[str]] = {
}

#: report -> figure house-rule problems still present (bars on log axes, colours without a legend).
KNOWN_FIGURE_PROBLEMS: dict[str, list[str]] = {
}


#: report -> findings that state an "about" figure with false precision (fixed in the notebooks, then removed).
KNOWN_TEXT_PROBLEMS: dict[str, list[str]] = {
}


@pytest.fixture
def rendered(quick_reports):
    """Every report's quick page, rendered once for the session (see ``QuickReports`` in conftest)."""
    return quick_reports


def _page(rendered, name) -> tuple[Path, str]:
    return rendered.page(name)


@pytest.mark.parametrize("name", REPORTS)
def test_no_internals_on_the_page(rendered, name):
    _, html = _page(rendered, name)
    found = {leak.text for leak in internals.find(page.visible_text(html))}
    allowed = KNOWN_LEAKS.get(name, set())
    new = sorted(found - allowed)
    assert not new, f"{name} shows internals: " + "; ".join(
        str(leak) for leak in internals.find(page.visible_text(html)) if leak.text in new)
    stale = sorted(allowed - found)
    assert not stale, f"{name}: fixed, remove from KNOWN_LEAKS: {stale}"


@pytest.mark.parametrize("name", REPORTS)
def test_page_structure(rendered, name):
    folder, html = _page(rendered, name)
    results = json.loads((folder / "results.json").read_text())
    top = html.split('<div class="jp-Cell', 1)[0]
    assert 'class="rr-key"' in top and 'id="data-status"' in top and 'id="contents"' in top
    assert 3 <= len(results["key_findings"]) <= 6, results["key_findings"]
    assert results["status"] == status.REPORT_STATUS[name]
    assert f"Data status: {status.label(status.REPORT_STATUS[name])}." in top
    links = re.findall(r'href="(table-\d+\.csv)"[^>]*>Download Table (\d+) \(CSV\)', html)
    captions = re.findall(r"<caption>Table (\d+): ", html)
    assert captions == [str(i) for i in range(1, len(captions) + 1)], "tables are numbered 1, 2, 3, ..."
    assert [n for _, n in links] == captions, "every table has its CSV link"
    assert all((folder / f).is_file() for f, _ in links)
    figures = re.findall(r"<figcaption>Figure (\d+)", html)
    assert figures == [str(i) for i in range(1, len(figures) + 1)]
    assert html.count('<h2 id="methods-and-caveats">') <= 1 and "Caveat.</strong>" not in html
    assert 'id="about-this-report"' in html and "How to cite" in html
    assert results.get("figure_problems", []) == KNOWN_FIGURE_PROBLEMS.get(name, []), (
        "figure problems changed: fix new ones; remove fixed ones from KNOWN_FIGURE_PROBLEMS")
    assert results.get("text_problems", []) == KNOWN_TEXT_PROBLEMS.get(name, []), (
        "false precision changed: round new ones with formatting.about; remove fixed ones from KNOWN_TEXT_PROBLEMS")


def test_index_lists_status_and_first_finding(rendered):
    html = rendered.index(REPORTS)
    out = rendered.folder
    assert "+00:00" not in html and "Data used: none" not in html
    for name in [n for n in REPORTS if n in rendered.results]:
        results = json.loads((out / name / "results.json").read_text())
        assert escape(results["key_findings"][0])[:60] in html, f"{name}: first key finding missing"
        assert f">{status.label(results['status'])}</span>" in html


_MEASURE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:1280px;height:800px;border:0"></iframe><pre id="out">pending</pre>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, out = {{}};
  ['.rr-key', '#data-status', '#contents'].forEach(function (s) {{
    var e = d.querySelector(s); out[s] = e ? e.getBoundingClientRect().bottom : null; }});
  document.getElementById('out').textContent = JSON.stringify(out);
}});
</script></body></html>"""


@pytest.mark.browser
@pytest.mark.parametrize("name", REPORTS)
def test_first_screen_shows_key_findings_status_and_contents(rendered, name, tmp_path):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium not installed (Debian package 'chromium')")
    folder, _ = _page(rendered, name)
    probe = tmp_path / "measure.html"
    probe.write_text(_MEASURE.format(src=(folder / "index.html").as_uri()))
    done = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
         "--allow-file-access-from-files", "--virtual-time-budget=5000", "--window-size=1280,800", "--dump-dom",
         probe.as_uri()], capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="out">([^<]*)</pre>', done.stdout)
    assert match and match.group(1) != "pending", done.stderr[-1000:]
    bottoms = json.loads(match.group(1))
    assert all(v is not None for v in bottoms.values()), bottoms
    assert max(bottoms.values()) <= 800, f"{name}: not all in the first screen at 1280 x 800: {bottoms}"
