"""MoJ proven reoffending series: the published 2013/14 adult figures reproduced from the data."""

import pandas as pd
import pytest

from rehabresearch.reoffending import series

# MoJ, old measure, adults, cohort April 2013 to March 2014 (Proven re-offending statistics; data README).
PUBLISHED = {"offenders": 468134, "reoffenders": 117864, "rate": 0.252, "reoffences": 367605, "per_reoffender": 3.1}


@pytest.fixture(scope="module")
def long(external_dataset):
    return external_dataset("moj_proven_reoffending_2016")


@pytest.mark.external
def test_published_2013_14_adult_figures(long):
    row = series.cohort(series.select(long, measure="old", groups=["Adult", "Juvenile"]), "Adult", "2013-04-01")
    assert (row["offenders"], row["reoffenders"], row["reoffences"]) == (468134, 117864, 367605)
    assert round(100 * row["rate"], 1) == 25.2 and round(row["per_reoffender"], 1) == 3.1
    assert row["rate_published"] == pytest.approx(0.252)
    assert series.check_published(row, PUBLISHED)["matches"].all()


@pytest.mark.external
def test_old_and_new_measure_2013_14_all(long):
    # MoJ (2016) consultation supporting tables: the switch moved the overall 2013/14 rate from 26.2% to 31.1%.
    old = series.cohort(series.select(long, measure="old", groups="All"), "All", "2013-04-01")
    new = series.cohort(series.select(long, measure="new", groups="All"), "All", "2013-04-01")
    assert round(100 * old["rate"], 1) == 26.2 and round(100 * new["rate"], 1) == 31.1


def test_check_published_flags_a_mismatch():
    row = pd.Series({"offenders": 100, "reoffenders": 25, "reoffences": 80, "rate": 0.25, "per_reoffender": 3.2})
    out = series.check_published(row, {"offenders": 100, "rate": 0.252, "per_reoffender": 3.2}).set_index("figure")
    assert bool(out.loc["offenders", "matches"]) and not bool(out.loc["rate", "matches"])
    assert bool(out.loc["per_reoffender", "matches"])
    with pytest.raises(ValueError, match="unknown published figure"):
        series.check_published(row, {"people": 1})


@pytest.mark.external
def test_select_bad_input(long):
    with pytest.raises(ValueError, match=r"group \['Adults'\] not in the series"):
        series.select(long, measure="old", groups=["Adults"])
    with pytest.raises(ValueError, match="missing for Adult cohort starting 2001-01-01"):
        series.select(long, measure="new", groups=["Adult"], temporal_unit="3-monthly")
    with pytest.raises(ValueError, match="no Adult cohort starting 1999-04-01"):
        series.cohort(series.select(long, measure="old", groups=["Adult"]), "Adult", "1999-04-01")


@pytest.mark.external
def test_prsq_series(external_dataset):
    later = series.prsq_series(external_dataset("moj_prsq_2012_2024"))
    assert list(later["cohort"])[:2] == ["2012/13", "2013/14"] and len(later) == 12
    # Recomputed rates agree with the file's published rates to their one decimal place.
    assert ((100 * later["rate"]).round(1) == (100 * later["rate_published"]).round(1)).all()
    assert ((later["per_reoffender"] - later["per_reoffender_published"]).abs() < 0.0051).all()
    assert list(later.loc[~later["verified"], "cohort"]) == ["2023/24"] and set(later["basis"]) == {"financial-year"}


@pytest.mark.external
def test_plot_over_time_lines_and_labels(long):
    import matplotlib

    matplotlib.use("Agg")
    both = pd.concat([series.select(long, measure=m, groups=["Adult", "Juvenile"]) for m in ("old", "new")])
    fig = series.plot_over_time(both, "rate", series=["group", "measure"], percent=True, title="Rate",
                                ylabel="Reoffenders (% of cohort)", source="MoJ")
    ax = fig.axes[0]
    assert len(ax.lines) == 4 and ax.get_title(loc="left") == "Rate"
    lines = {line.get_label(): line for line in ax.lines}
    assert lines["Adult, old"].get_color() == lines["Adult, new"].get_color()
    assert lines["Adult, old"].get_linestyle() != lines["Adult, new"].get_linestyle()
    assert max(lines["Adult, old"].get_ydata()) < 30  # percentages, adults about 25%


def test_cohort_basis_and_bad_months():
    assert list(series.cohort_basis(["2002-01-01", "2005-01-01", "2005-04-01"])) == ["calendar-year", "calendar-year", "financial-year"]
    with pytest.raises(ValueError, match="month"):
        series.cohort_basis(["2005-07-01"])


def _toy(verified=True):
    dates = pd.to_datetime(["2003-01-01", "2004-01-01", "2005-04-01", "2006-04-01", "2007-04-01"])
    t = pd.DataFrame({"date": dates, "rate": [0.25, 0.26, 0.27, 0.26, 0.28], "group": "All"})
    t["basis"] = series.cohort_basis(t["date"])
    t["verified"] = [True, True, True, True, verified]
    return t


def test_plot_marks_breaks_in_cohort_basis_and_unverified_points():
    import matplotlib

    matplotlib.use("Agg")
    fig = series.plot_over_time(_toy(verified=False), "rate", series=["group"], percent=True, title="Rate", ylabel="%",
                                source="MoJ", breaks="basis", verified="verified")
    ax = fig.axes[0]
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-"]
    # two unjoined solid lines: the calendar-year run (2 points) and the verified financial-year run (2 points)
    assert sorted(len(ln.get_xdata()) for ln in solid) == [2, 2]
    assert solid[0].get_marker() != solid[1].get_marker()
    hollow = [ln for ln in ax.lines if ln.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and len(hollow[0].get_xdata()) == 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "unverified figure" in legend and any("calendar-year" in t for t in legend)
    fig_ok = series.plot_over_time(_toy(), "rate", series=["group"], title="Rate", ylabel="x", source="MoJ",
                                   breaks="basis", verified="verified")
    assert "unverified figure" not in [t.get_text() for t in fig_ok.axes[0].get_legend().get_texts()]
