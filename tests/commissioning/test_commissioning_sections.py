"""The commissioning report's sections: numbers from the transcribed tables, outside facts cited to the publisher."""

from rehabresearch.published import commissioning_sections as sections
from rehabresearch.reporting import Report


def test_dps_comparison_reads_the_transcribed_table():
    tables = sections.load_tables()
    report = Report("t", display=False)
    f = sections.funnel(report, tables)
    sections.dps(report, tables, f)
    dps = report.tables[-1].set_index("Framework")
    row = dps.loc["Prison education DPS (May 2019)"]
    assert (row["Suppliers qualified"], row["Share that are SMEs"], row["Contracts awarded"]) == ("more than 220", "71%", "more than 20")
    assert dps.loc["Probation Dynamic Framework (2021)", "Suppliers qualified"].startswith("204 ")


def test_day_one_values_are_cited_to_the_publisher():
    tables = sections.load_tables()
    report = Report("t", display=False)
    sections.day_one_values(report, tables["contract_facts"])
    assert "£195m over three years" in report.shown[0] and "£46m" in report.shown[0] and "£33m" in report.shown[0]
    assert report.results["day_one_value_three_years_gbp"]["value"] == 195_000_000
    assert "press release" in report.results["day_one_value_three_years_gbp"]["source"]
