"""Survival functions: Rossi et al. (1980) published results, hand-computed Kaplan-Meier, bad input."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from rehabresearch import catalog
from rehabresearch.reoffending import survival as s

COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
# Published Cox model on the Rossi data, Efron ties (Fox and Weisberg, Cox proportional-hazards regression
# for survival data in R, appendix to An R Companion to Applied Regression; the lifelines documentation).
PUBLISHED = {
    "fin": (-0.37942, 0.19138, 0.04742),
    "age": (-0.05744, 0.02200, 0.00903),
    "race": (0.31390, 0.30799, 0.30812),
    "wexp": (-0.14980, 0.21222, 0.48029),
    "mar": (-0.43370, 0.38187, 0.25606),
    "paro": (-0.08487, 0.19576, 0.66461),
    "prio": (0.09150, 0.02865, 0.00140),
}


@pytest.fixture(scope="module")
def rossi():
    return catalog.load("rossi_recidivism")


def test_rossi_cox_matches_published_table(rossi):
    res = s.cox_ph(rossi, "week", "arrest", COVARIATES)
    table = res.table.set_index("term")
    for term, (coef, se, p) in PUBLISHED.items():
        assert table.loc[term, "coef"] == pytest.approx(coef, abs=1e-4), term
        assert table.loc[term, "se"] == pytest.approx(se, abs=1e-4), term
        assert table.loc[term, "p_value"] == pytest.approx(p, abs=1e-4), term
    assert round(res.lr_statistic, 2) == 33.27 and res.lr_df == 7
    assert res.n == 432 and res.events == 114
    assert table.loc["fin", "hazard_ratio"] == pytest.approx(np.exp(-0.37942), abs=1e-4)


def test_rossi_km_at_52_weeks_and_logrank(rossi):
    at = s.survival_at(rossi, "week", "arrest", 52, by="fin").set_index("fin")
    assert at.loc[0, "event_free"] == 150 and at.loc[1, "event_free"] == 168
    assert at.loc[0, "survival"] == pytest.approx(0.69444, abs=1e-5)
    assert at.loc[1, "survival"] == pytest.approx(0.77778, abs=1e-5)
    lr = s.logrank(rossi, "week", "arrest", "fin")
    assert round(lr["p_value"], 4) == 0.0501 and lr["df"] == 1


def test_km_hand_computed():
    # Times 1,2,2,3(censored),4: S(1)=4/5, S(2)=4/5*2/4=0.4, censor at 3, S(4)=0.
    df = pd.DataFrame({"t": [1, 2, 2, 3, 4], "e": [1, 1, 1, 0, 1]})
    km = s.kaplan_meier(df, "t", "e")
    curve = km.set_index("time")["survival"]
    assert curve.loc[1.0] == pytest.approx(0.8) and curve.loc[2.0] == pytest.approx(0.4)
    assert curve.loc[3.0] == pytest.approx(0.4) and curve.loc[4.0] == pytest.approx(0.0)
    risk = s.number_at_risk(df, "t", "e", None, [0, 2, 4])
    assert list(risk.iloc[0, 1:]) == [5, 4, 1]


def test_km_plot_has_title_and_number_at_risk(rossi):
    km = s.kaplan_meier(rossi, "week", "arrest", by="fin")
    risk = s.number_at_risk(rossi, "week", "arrest", "fin", [0, 13, 26, 39, 52])
    fig = s.km_plot(km, risk, group="fin", title="Arrest by aid", time_label="Weeks since release",
                    source="Rossi et al. 1980", labels={0: "No aid", 1: "Aid"})
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Arrest by aid" and "weeks" in ax.get_xlabel().lower()
    texts = [t.get_text() for t in ax.texts]
    assert "Number at risk" in texts
    cells = texts
    assert "216" in cells and "No aid" in cells


@pytest.mark.parametrize(
    "df,match",
    [
        (pd.DataFrame({"t": [1, 2, 3], "e": [0, 0, 0], "g": [0, 1, 1]}), "all 3 observations are censored"),
        (pd.DataFrame({"t": [1, -2, 3], "e": [1, 0, 1], "g": [0, 1, 1]}), "non-negative time"),
        (pd.DataFrame({"t": [1, 2, 3], "e": [1, 2, 1], "g": [0, 1, 1]}), "must be binary"),
    ],
)
def test_bad_survival_input(df, match):
    with pytest.raises(ValueError, match=match):
        s.kaplan_meier(df, "t", "e", by="g")


def test_cox_constant_covariate_and_missing_column(rossi):
    with pytest.raises(ValueError, match="covariate 'k' is constant"):
        s.cox_ph(rossi.assign(k=1), "week", "arrest", ["fin", "k"])
    with pytest.raises(KeyError, match="nope"):
        s.cox_ph(rossi, "week", "arrest", ["fin", "nope"])
    with pytest.raises(ValueError, match="single level"):
        s.logrank(rossi.assign(g=1), "week", "arrest", "g")


def test_rossi_randomised_comparison_at_52_weeks(rossi):
    from rehabresearch.reoffending import measures

    rates = measures.binary_rate(rossi, "arrest", by="fin").set_index("fin")
    assert (rates.loc[0, "reoffenders"], rates.loc[1, "reoffenders"]) == (66, 48)
    diff = measures.compare_rates(rossi, "arrest", "fin", reference=0).iloc[0]
    assert diff["difference"] == pytest.approx(48 / 216 - 66 / 216)
    # Newcombe hybrid score interval, hand-checked from the Wilson limits of 48/216 and 66/216.
    assert (diff["difference_lo"], diff["difference_hi"]) == pytest.approx((-0.16505, -0.00015), abs=5e-5)


def test_event_within_window(rossi):
    assert s.event_within(rossi, "week", "arrest", 52).sum() == 114
    assert s.event_within(rossi, "week", "arrest", 52).equals(rossi["arrest"].rename("arrest_within_52"))
    df = pd.DataFrame({"t": [3, 10, 10], "e": [1, 1, 0]})
    assert list(s.event_within(df, "t", "e", 5)) == [1, 0, 0]
    with pytest.raises(ValueError, match="1 people were censored before 20"):
        s.event_within(df, "t", "e", 20)
