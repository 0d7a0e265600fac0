"""The Report API the notebooks use: numbering, CSV downloads, key findings, data status, caveats once."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

from rehabresearch import plotting
from rehabresearch.reporting import RESULTS_ENV, Report, column_is_numeric, first_sentence, header_text
from rehabresearch.status import default_status

matplotlib.use("Agg")


@pytest.fixture
def runner_env(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    return tmp_path


def test_tables_are_numbered_by_the_machine_and_typed_numbers_are_replaced(runner_env):
    report = Report("t", display=False)
    df = pd.DataFrame({"group": ["a", "b"], "people": [40, 50]})
    report.table(df, "Table 1: First")
    report.table(df, "Table 1b: Inserted by hand")
    report.table(df, "Table 2 (Lot A): per lot", source="Table 1b above")
    report.table(df, "no number typed")
    captions = [t["caption"] for t in report.table_index]
    assert [t["number"] for t in report.table_index] == [1, 2, 3, 4]
    assert captions == ["First", "Inserted by hand", "Lot A: per lot", "No number typed"]
    # a later reference to the typed label points at the machine's number
    assert "Source: Table 2 above" in report.shown[2] or report.references("see Table 1b") == "see Table 2"
    assert report.references("see Table 2 and Table 9") == "see Table 3 and Table 9"


def test_every_table_is_written_as_csv_with_suppression(runner_env):
    report = Report("t", threshold=10, display=False)
    df = pd.DataFrame({"group": ["a", "b"], "people": [4, 50], "share_of_all": [0.07407, 0.92593]})
    report.table(df, "People", counts=["people"], linked={"people": ["share_of_all"]})
    csv = pd.read_csv(runner_env / "table-1.csv", dtype=str)
    assert list(csv.columns) == ["Group", "People", "Share of all"]
    assert csv.loc[0, "People"] == "[c]" and csv.loc[0, "Share of all"] == "[c]"
    assert csv.loc[1, "People"] == "50" and float(csv.loc[1, "Share of all"]) == pytest.approx(0.92593)
    assert report.table_index[0]["csv"] == "table-1.csv"


def test_no_csv_and_no_link_when_run_interactively(monkeypatch):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    report = Report("t", display=False)
    report.table(pd.DataFrame({"a": [1]}), "A")
    assert report.table_index[0]["csv"] is None


def test_headers_are_sentence_case_and_columns_align_as_a_whole():
    assert header_text("share_of_first") == "Share of first"
    assert header_text("BAME share") == "BAME share"
    assert column_is_numeric(["1,234", "[c]", "25.0%", "", "0.69 (0.62 to 0.75)"])
    assert not column_is_numeric(["1,234", "about 20"])
    report = Report("t", display=False)
    captured = []
    report._show_html = captured.append
    report.table(pd.DataFrame({"label": ["x", "y"], "value": ["12", "n/a"], "n": [1.5, 2.25]}), "Mixed")
    page = captured[0]
    assert '<th class="txt">Value</th>' in page and '<td class="num">n/a' not in page
    assert '<th class="num">N</th>' in page and '<td class="num">2.25</td>' in page


def test_key_findings_marked_or_first_sentences():
    report = Report("t", display=False)
    report.finding("Rossi et al. (1980) found 48 of 216 re-arrested. A second sentence.")
    report.finding("Second finding.")
    assert report.key_findings() == ["Rossi et al. (1980) found 48 of 216 re-arrested.", "Second finding."]
    report.finding("The one that matters: 22.2% (95% CI 17.2% to 28.1%).", key=True)
    assert report.key_findings() == ["The one that matters: 22.2% (95% CI 17.2% to 28.1%).",
                                     "Rossi et al. (1980) found 48 of 216 re-arrested.", "Second finding."]
    for i in range(8):
        report.finding(f"Extra {i}.", key=True)
    assert len(report.key_findings()) == 6


def test_first_sentence_keeps_abbreviations():
    assert first_sentence("About 12%, e.g. 204 of 1,700. Then more.") == "About 12%, e.g. 204 of 1,700."


def test_results_json_carries_status_findings_tables_and_caveats(runner_env):
    report = Report("matched_comparison", display=False)
    report.finding("x is 1.", key=True)
    report.caveat("A caveat.")
    report.method("A method note.")
    report.table(pd.DataFrame({"a": [1]}), "Table 1: A")
    report.result("x", 1, label="x")
    report.save()
    payload = json.loads((runner_env / "results.json").read_text())
    assert payload["status"] == "synthetic" and payload["status_stated"] is False
    assert payload["key_findings"] == ["x is 1."]
    assert payload["caveats"] == ["A caveat."] and payload["methods"] == ["A method note."]
    assert [t["number"] for t in payload["tables"]] == [1, 2]  # the headline table is Table 2
    assert (runner_env / "table-2.csv").is_file()


def test_status_is_stated_or_comes_from_the_library():
    assert Report("x", status="illustrative", display=False).status == "illustrative"
    with pytest.raises(ValueError, match="status must be one of"):
        Report("x", status="made up", display=False)
    assert default_status("commissioning") == "published"
    assert default_status("compas_cohorts") == "real"
    assert default_status("contract_sensitivity") == "illustrative"
    assert default_status("matched_comparison", {"data": "synthetic_jdl_cohort"}) == "synthetic"
    assert default_status("matched_comparison", {"data": "mine/cohort.csv"}) == "real"
    assert default_status("unknown") is None


def test_caveats_are_not_shown_inline_when_the_runner_renders(runner_env):
    report = Report("t")
    shown = []
    report._show = shown.append
    report.caveat("Shown once, at the end.")
    assert shown == [] and report.notes == ["Shown once, at the end."]


def test_figures_are_numbered_and_the_title_moves_into_the_caption():
    report = Report("t", display=False)
    captured = []
    report._show_html = captured.append
    fig, ax = plotting.figure("Square of x", "x (units)", "x squared (units)")
    ax.plot([0, 1], [0, 1])
    report.figure(fig)
    assert report.figure_index[0] == {"number": 1, "caption": "Square of x", "id": "figure-1"}
    assert "<figcaption>Figure 1: Square of x</figcaption>" in captured[0]
    assert 'alt="Square of x. x: x (units); y: x squared (units)"' in captured[0]
    assert ax.get_title("left") == "" and ax.get_title() == ""
    fig2, ax2 = plotting.figure("Untitled?", "x (units)", "y (units)")
    ax2.set_title("", loc="left")
    report.figure(fig2, caption="Table 9: wrong kind of label is kept as text")
    assert report.figure_index[1]["number"] == 2
    fig3, ax3 = plotting.figure("Log bars", "x (units)", "y (units)")
    ax3.bar(["a", "b"], [280, 22])
    ax3.set_yscale("log")
    report.figure(fig3)
    assert report.figure_problems == ["Figure 3: panel 1: bars on a log axis (bars must start at zero on a linear axis)"]


def test_no_negative_zero_anywhere_in_reader_text():
    report = Report("t", display=False)
    df = pd.DataFrame({"limit": [-0.00004, 0.02], "text": ["-0.0% to 2.0%", "x"]})
    report.table(df, "Limits", formats={"limit": "{:.1%}"})
    assert list(report.tables[-1]["limit"]) == ["0.0%", "2.0%"]
    assert report.tables[-1].loc[0, "text"] == "0.0% to 2.0%"
    report.finding("The upper limit is -0.0 percentage points, the lower -0.05.")
    assert report.findings[-1]["text"] == "The upper limit is 0.0 percentage points, the lower -0.05."


@pytest.mark.parametrize("value,unit,text", [
    (280_000_000, "GBP a year", "£280m"), (12_500_000, "GBP", "£12.5m"), (767.2, "£", "£767"),
    (0.885, "proportion", "88.5%"), (-3.1, "percentage points", "-3.1"), (67.25, "%", "67.2%"),
    (0.0496, "p-value", "0.050"), (29.134, "per 100", "29.1"), (3.119, "reoffences per reoffender", "3.12"),
    (204, "organisations", "204"), (0.69, "ratio", "0.69"), (True, None, "yes"), ("[c]", "people", "[c]"),
    (-0.0001, "proportion", "0.0%"),
])
def test_headline_values_follow_their_unit(value, unit, text):
    from rehabresearch.reporting import _plain

    assert _plain(value, unit) == text


def test_headline_differences_of_proportions_read_in_percentage_points(runner_env):
    report = Report("t", display=False)
    report.result("d", -0.0833, label="Difference (aid minus no aid)", unit="proportion")
    report.result("hi", -0.0002, label="Difference, upper 95% limit", unit="proportion")
    report.result("rate", 0.222, label="52-week arrest rate", unit="proportion")
    report.result("p", 0.0501, label="Log-rank test p-value")
    report.save()
    shown = report.tables[-1]
    assert list(shown["Value"]) == ["-8.3", "0.0", "22.2%", "0.050"]
    assert list(shown["Unit"]) == ["percentage points", "percentage points", "percentage", "p-value"]
    assert header_text("p (two-proportion test)") == "p (two-proportion test)"
    assert header_text("p-value") == "p-value" and header_text("people") == "People"


def test_table_kinds_use_the_house_formatters():
    report = Report("t", display=False)
    df = pd.DataFrame({"lot": ["A", "B"], "value": [195e6, 767.0], "share": [0.25, 0.0004], "gap": [-0.031, None]})
    report.table(df, "Kinds", kinds={"value": "money", "share": "pct", "gap": "pp"})
    shown = report.tables[-1]
    assert list(shown["value"]) == ["£195m", "£767"] and list(shown["share"]) == ["25.0%", "0.0%"]
    assert list(shown["gap"]) == ["-3.1 percentage points", ""]
    with pytest.raises(KeyError, match="kinds names a column"):
        report.table(df, "Bad", kinds={"nope": "pct"})
    with pytest.raises(ValueError, match="unknown kind"):
        report.table(df, "Bad", kinds={"share": "furlongs"})


def test_tables_and_figures_are_referred_to_by_label():
    report = Report("t", display=False)
    report.table(pd.DataFrame({"a": [1]}), "First", label="first")
    fig, ax = plotting.figure("A chart", "x (units)", "y (units)")
    ax.plot([0, 1], [0, 1])
    report.figure(fig, label="chart")
    report.table(pd.DataFrame({"a": [1]}), "Second", label="second")
    assert (report.ref("first"), report.ref("chart"), report.ref("second")) == ("Table 1", "Figure 1", "Table 2")
    with pytest.raises(KeyError, match="labels: chart, first, second"):
        report.ref("later")
    with pytest.raises(ValueError, match="already used"):
        report.table(pd.DataFrame({"a": [1]}), "Third", label="first")


def test_a_key_finding_without_a_number_is_recorded(runner_env):
    report = Report("t", display=False)
    report.finding("Most of the money went to the sector.", key=True)
    report.finding("204 of 400 qualified (51%).", key=True)
    report.save()
    assert report.text_problems == ["key finding states no number: 'Most of the money went to the sector.'"]
