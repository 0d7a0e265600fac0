"""The contact report says what its measures count: breaches per 100 can exceed 100 because a person can be breached
more than once, and a tier beside 0 change points is explained when the person is not yet assessed."""

import pandas as pd
import pytest

from rehabresearch.contact import sections, tiering, wording
from rehabresearch.contact.policies import load_policy
from rehabresearch.contact import microsim
from rehabresearch.reporting import Report


def test_not_yet_assessed_person_is_explained():
    table = sections.example_tiers().set_index("Illustrative person")
    row = table.loc["Man, RSR 8.5%, not yet assessed"]
    assert row["Tier"] == "B2" and row["Change points"] == 0
    assert "not yet assessed" in row["Note"] and "change level 2" in row["Note"]
    assert tiering.NO_ASSESSMENT_CHANGE == (2, 0)
    assert "no mandate for change" in table.loc["Man on unpaid work only, high RoSH", "Note"]
    assert table.loc["Man, medium RoSH, two needs", "Note"] == ""


def test_breach_rates_say_a_person_can_be_breached_more_than_once():
    policies = [load_policy("flat_monthly"), load_policy("tiered_front_loaded")]
    reps = microsim.run_replicates(3000, policies, [1, 2], microsim.CohortParams(), microsim.SimParams(weeks=26))
    report = Report("t", threshold=10, display=False)
    ctx = sections.ContactReport(report, policies, reps, 3000, 26, [1, 2], 0.95, 35)
    sections.contacts(ctx)
    sections.breaches(ctx, 1.75)
    text = " ".join(report.shown)
    assert "a person can be breached more than once" in text.lower() or "counts breaches, not people" in text
    assert "can exceed 100" in text
    # breaches per 100 are counts of breaches over people starting, so they can exceed 100 when people are breached repeatedly
    t = ctx.totals
    totals = reps.groupby(["policy", "replicate"])[["breaches", "starts"]].sum()
    expected = (totals["breaches"] / totals["starts"] * 100).groupby("policy").mean()
    pd.testing.assert_series_equal(t["breaches_mean"].sort_index(), expected.sort_index(), check_names=False)
    assert wording.BREACHES_PER_100.endswith("so the rate can exceed 100.")


def test_per_mean_month_rescales_four_and_five_week_months():
    reps = pd.DataFrame({"officer_hours": [40.0, 50.0], "weeks_in_month": [4, 5]})
    assert list(sections.per_mean_month(reps)) == pytest.approx([10 * 52 / 12, 10 * 52 / 12])
