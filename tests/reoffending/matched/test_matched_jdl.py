"""The Justice Data Lab report form: wording (as in the MoJ's published report code), the 30-reoffender
rule for time to first reoffence, the "100 typical people" table, and the power calculation against
statsmodels."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from rehabresearch.reoffending.matched.jdl import (
    MIN_REOFFENDERS_FOR_TIME,
    can_and_cannot_say,
    difference_phrase,
    forest_rows,
    jdl_findings,
    time_headline,
    typical_100_heading,
    typical_100_table,
)
from rehabresearch.reoffending.matched.power import (
    PowerError,
    number_needed_means,
    number_needed_rates,
    rate_effect_size,
)


def _effect(low, high, t=0.40, c=0.45, n_t=200, n_c=1800.0):
    return {"low": low, "high": high, "treated mean": t, "comparison mean": c, "treated people": n_t,
            "comparison effective size": n_c}


# ---------------------------------------------------------------- power
@pytest.mark.parametrize("p1,p2,level,power,ratio", [
    (0.40, 0.45, 0.95, 0.8, 1.0), (0.40, 0.45, 0.95, 0.8, 9.0), (0.05, 0.08, 0.90, 0.9, 3.0),
    (0.005, 0.01, 0.99, 0.8, 20.0), (0.62, 0.55, 0.95, 0.8, 1.0),
])
def test_number_needed_rates_matches_statsmodels(p1, p2, level, power, ratio):
    ref = NormalIndPower().solve_power(effect_size=proportion_effectsize(p1, p2), alpha=1 - level, power=power,
                                       ratio=ratio, alternative="two-sided")
    got = number_needed_rates(p1, p2, level=level, power=power, ratio=ratio)
    # statsmodels counts the negligible far-tail rejections too; both round up to the same person
    assert got == np.ceil(ref) or abs(got - ref) < 1.0
    assert rate_effect_size(p1, p2) == pytest.approx(proportion_effectsize(p1, p2))


def test_number_needed_means_matches_statsmodels_and_is_vectorised():
    ref = NormalIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8, ratio=2.0)
    assert abs(number_needed_means(0.5, 2.5, ratio=2.0) - ref) < 1.0
    got = number_needed_rates(np.array([0.4, 0.45]), np.array([0.45, 0.45]))
    assert got[0] > 0 and np.isinf(got[1])


@pytest.mark.parametrize("kwargs", [dict(p_treated=1.2, p_comparison=0.4), dict(p_treated="x", p_comparison=0.4),
                                    dict(p_treated=np.nan, p_comparison=0.4)])
def test_power_refuses_bad_rates(kwargs):
    with pytest.raises(PowerError):
        number_needed_rates(**kwargs)
    with pytest.raises(PowerError, match="ratio"):
        number_needed_rates(0.4, 0.5, ratio=0)


# ---------------------------------------------------------------- wording
def test_significant_reduction_reads_as_the_jdl_writes_it():
    s = difference_phrase(-8.7, -2.3, level=0.95)
    assert s == ("lower by between 2 and 9 people (95% confidence interval). "
                 "This is a statistically significant result.")
    s = difference_phrase(1.2, 4.6, unit=("offence", "offences"))
    assert s.startswith("higher by between 1 and 5 offences")


def test_interval_including_zero_reads_as_the_jdl_writes_it_and_follows_level():
    s = difference_phrase(-6.2, 3.1, level=0.9)
    assert s == ("lower by as many as 6 people, or higher by as many as 3 people (90% confidence interval). "
                 "More people would need to be analysed in order to determine the direction of this difference.")
    assert "95%" not in s
    assert "1 person," in difference_phrase(-1.2, 0.7, unit=("person", "people"))
    assert "as many as 1 day" in difference_phrase(-1.0, 20, unit=("day", "days"), words=("shorter", "longer"))


def test_boundary_zero_is_not_significant_and_bad_intervals_are_refused():
    assert "More people" in difference_phrase(0.0, 5.0)
    with pytest.raises(ValueError, match="finite"):
        difference_phrase(np.nan, 1.0)
    with pytest.raises(ValueError, match="above"):
        difference_phrase(2.0, 1.0)


def test_findings_three_outcomes_and_number_needed():
    effects = {
        "rate": _effect(-0.12, 0.02),  # -12 to +2 per 100: includes zero
        "frequency": _effect(-0.9, -0.1, t=1.2, c=1.7),
        "time": _effect(-10.0, 25.0, t=160.0, c=150.0),
    }
    f = jdl_findings(effects, level=0.95, treated_reoffenders=80).set_index("outcome")
    assert f.loc["rate", "sentence"].startswith("The number of people who commit a proven reoffence within one year "
                                                "could be lower by as many as 12 people, or higher by as many as 2 people")
    ratio = 1800 / 200
    expected = np.ceil(NormalIndPower().solve_power(proportion_effectsize(0.40, 0.45), alpha=0.05, power=0.8,
                                                    ratio=ratio))
    assert abs(f.loc["rate", "number needed"] - expected) <= 1
    assert f"{int(f.loc['rate', 'number needed']):,} people in the treatment group would be needed" in f.loc["rate", "sentence"]
    assert f.loc["frequency", "significant"] and "lower by between 10 and 90 offences" in f.loc["frequency", "sentence"]
    assert f.loc["frequency", "number needed"] is pd.NA
    assert "shorter by as many as 10 days, or longer by as many as 25 days" in f.loc["time", "sentence"]
    assert f["headline"].all()


def test_time_is_not_a_headline_below_thirty_reoffenders():
    assert time_headline(MIN_REOFFENDERS_FOR_TIME) == (True, None)
    headline, why = time_headline(29)
    assert not headline and "29 people" in why and "misleading" in why
    f = jdl_findings({"time": _effect(-5, 5, 100, 100)}, treated_reoffenders=12)
    assert not f["headline"].iloc[0] and "fewer than 30" in f["note"].iloc[0]
    assert "only 12 people" in f["note"].iloc[0]
    assert "because fewer than 10 people in the treatment group reoffended:" in time_headline(4)[1]
    assert " 4 " not in time_headline(4)[1]
    with pytest.raises(ValueError, match="treated_reoffenders"):
        jdl_findings({"time": _effect(-5, 5, 100, 100)})
    with pytest.raises(ValueError, match="unknown"):
        jdl_findings({"custody": _effect(-5, 5)})


def test_typical_100_table():
    effects = {"rate": _effect(-0.12, 0.02), "frequency": _effect(-0.9, -0.1, t=1.2, c=1.7)}
    t = typical_100_table(effects, level=0.9)
    assert list(t["treatment group"]) == [40, 120] and list(t["comparison group"]) == [45, 170]
    assert list(t["90% interval low"]) == [-12, -90]
    assert list(t["statistically significant"]) == [False, True]
    assert list(t["unit"]) == ["per 100 people", "per 100 people"]


def test_bad_effect_values_are_named():
    with pytest.raises(ValueError, match="rate result's 'low' must be a number, got 'abc'"):
        jdl_findings({"rate": {**_effect(-0.1, 0.1), "low": "abc"}})
    with pytest.raises(ValueError, match="frequency result lacks its 'treated mean'"):
        typical_100_table({"frequency": {"low": -1, "high": 1, "comparison mean": 1.0}})
    with pytest.raises(ValueError, match="not finite"):
        jdl_findings({"rate": _effect(np.nan, 0.1)})


def test_forest_rows_scale_and_label():
    rows = forest_rows({"rate": _effect(-0.12, 0.02), "time": _effect(-10.0, 25.0, t=160.0, c=150.0),
                        "custody": _effect(-0.05, -0.01, t=0.1, c=0.13)})
    assert list(rows["label"])[:2] == ["Proven reoffending rate (people per 100)", "Time to first proven reoffence (days)"]
    assert rows["difference"].iloc[0] == pytest.approx(-5.0) and rows["low"].iloc[0] == pytest.approx(-12.0)
    assert rows["difference"].iloc[1] == pytest.approx(10.0) and rows["high"].iloc[1] == pytest.approx(25.0)
    assert rows["label"].iloc[2] == "custody" and rows["significant"].iloc[2]


def test_can_and_cannot_say():
    effects = {"rate": _effect(-0.087, -0.023), "frequency": _effect(-0.3, 0.2, t=1.2, c=1.3),
               "time": _effect(5.0, 30.0, t=160.0, c=140.0)}
    says = can_and_cannot_say(effects, service="the Project", level=0.9, treated_reoffenders=45).set_index("outcome")
    assert says.loc["rate", "can say"] == ("This analysis provides evidence that, for every 100 people, support from the "
                                           "Project decreases the number of people who commit a proven reoffence within "
                                           "one year by between 2 and 9 people (90% confidence interval).")
    assert says.loc["rate", "cannot say"] == ("This analysis shows that the Project increases or has no effect on the "
                                              "reoffending rate of its participants.")
    assert "may decrease the number of proven reoffences committed within one year by up to 30 offences, or may " \
           "increase it by up to 20 offences" in says.loc["frequency", "can say"]
    assert "increases, decreases or has no effect on" in says.loc["frequency", "cannot say"]
    assert "lengthens the average time to first proven reoffence by between 5 and 30 days" in says.loc["time", "can say"]
    assert "shortens or has no effect on" in says.loc["time", "cannot say"]
    few = can_and_cannot_say(effects, treated_reoffenders=10)
    assert list(few["outcome"]) == ["rate", "frequency"]
    assert typical_100_heading("women").startswith("For 100 typical women who receive support")
