"""Kaplan-Meier and log-rank for the matched groups, against lifelines run directly (unit weights, and
whole-number weights against the data with those people repeated)."""

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

from rehabresearch.reoffending.matched.survival import (
    SurvivalError,
    matched_kaplan_meier,
    matched_logrank,
    matched_number_at_risk,
)


def _data(rng, n=600):
    treated = np.r_[np.ones(n // 3, bool), np.zeros(n - n // 3, bool)]
    time = np.minimum(rng.exponential(np.where(treated, 500, 380)), 365.0).round()
    event = (time < 365).astype(float)
    return time, event, treated


def test_unit_weights_equal_lifelines_on_the_matched_people():
    rng = np.random.default_rng(1)
    time, event, treated = _data(rng)
    w = np.where(rng.random(len(time)) < 0.8, 1.0, 0.0)  # unmatched people weigh 0
    km = matched_kaplan_meier(time, event, treated, w)
    sel = treated & (w > 0)
    ref = KaplanMeierFitter().fit(time[sel], event[sel])
    curve = km[km["group"] == "Treatment group"]
    assert np.allclose(curve["survival"], ref.survival_function_.iloc[:, 0])
    assert np.allclose(curve["lo"], ref.confidence_interval_survival_function_.iloc[:, 0])
    c = (~treated) & (w > 0)
    lr = matched_logrank(time, event, treated, w)
    ref_lr = logrank_test(time[sel], time[c], event[sel], event[c])
    assert lr["statistic"] == pytest.approx(ref_lr.test_statistic) and lr["exact"]


def test_whole_number_weights_equal_repeated_people():
    rng = np.random.default_rng(2)
    time, event, treated = _data(rng, 300)
    w = np.where(treated, 1.0, rng.integers(0, 3, len(time)).astype(float))  # controls used 0, 1 or 2 times
    km = matched_kaplan_meier(time, event, treated, w, level=0.9)
    reps = np.repeat(np.arange(len(time)), w.astype(int))
    c = reps[~treated[reps]]
    ref = KaplanMeierFitter(alpha=0.1).fit(time[c], event[c])
    curve = km[km["group"] == "Comparison group"]
    assert np.allclose(curve["survival"], ref.survival_function_.iloc[:, 0])
    assert np.allclose(curve["hi"], ref.confidence_interval_survival_function_.iloc[:, 1])
    t_rows = reps[treated[reps]]
    lr = matched_logrank(time, event, treated, w)
    assert lr["statistic"] == pytest.approx(logrank_test(time[t_rows], time[c], event[t_rows], event[c]).test_statistic)


def test_fractional_weights_flagged_and_number_at_risk_weighted():
    rng = np.random.default_rng(3)
    time, event, treated = _data(rng, 90)
    w = np.where(treated, 1.0, 0.5)
    assert not matched_logrank(time, event, treated, w)["exact"]
    risk = matched_number_at_risk(time, treated, w, [0, 100, 365])
    assert list(risk.columns) == ["group", "0", "100", "365"]
    assert risk.iloc[1]["0"] == round(0.5 * (~treated).sum())
    assert risk.iloc[0]["100"] == int((time[treated] >= 100).sum())


def test_bad_input_names_the_row():
    time = np.array([10.0, np.nan, 30.0, 40.0])
    event = np.array([1.0, 1.0, 0.0, 1.0])
    treated = np.array([True, True, False, False])
    with pytest.raises(SurvivalError, match="data row 2"):
        matched_kaplan_meier(time, event, treated, np.ones(4))
    # a missing time for someone unmatched (weight 0) is fine
    assert len(matched_kaplan_meier(time, event, treated, np.array([1.0, 0.0, 1.0, 1.0])))
    with pytest.raises(SurvivalError, match="event"):
        matched_logrank(np.arange(4.0), np.array([1, 2, 0, 1.0]), treated, np.ones(4))
    with pytest.raises(SurvivalError, match="both matched groups"):
        matched_logrank(np.arange(4.0), np.ones(4), treated, np.array([1.0, 1.0, 0.0, 0.0]))


def test_table_is_drawn_by_the_existing_km_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rehabresearch.reoffending.survival import km_plot

    rng = np.random.default_rng(4)
    time, event, treated = _data(rng, 300)
    w = np.ones(len(time))
    km = matched_kaplan_meier(time, event, treated, w)
    risk = matched_number_at_risk(time, treated, w, [0, 90, 180, 270, 365])
    fig = km_plot(km, risk, group="group", title="Not yet reoffended after matching (% of people)",
                  time_label="Days since release", source="Synthetic cohort")
    assert len(fig.axes[0].lines) == 2
    plt.close(fig)
