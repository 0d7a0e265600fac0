"""Workload points, available points (published worked check), capacity and officers needed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehabresearch.contact import workload as w


def test_points_table_published_values():
    assert w.POINTS.loc["A3", "community"] == 206
    assert w.POINTS.loc["B0", "community"] == 72
    assert w.POINTS.loc["C2", "licence"] == 65
    assert w.POINTS.loc["D1", "custody"] == 13
    assert (w.POINTS.loc[["A0", "B0", "C0", "D0"], ["licence", "custody"]] == 0).all().all()
    assert w.POINTS.shape == (16, 3)


def test_case_points_vectorised_and_broadcast():
    got = w.case_points(pd.Series(["A3", "D0", "C1"]), ["licence", "community", "custody"])
    assert got.tolist() == [219, 29, 23]
    assert w.case_points(["B2", "B3"], "community").tolist() == [115, 146]
    assert w.case_points("A1", "licence") == 163


def test_case_points_unknown_values_named():
    with pytest.raises(ValueError, match=r"unknown tier 'E1' at position 1"):
        w.case_points(["A1", "E1"], "community")
    with pytest.raises(ValueError, match="unknown case type 'prison'"):
        w.case_points("A1", "prison")


def test_available_points_worked_check():
    assert w.available_points(37, 1.8) == 2070  # published worked check
    assert w.available_points(37) == 2176
    assert w.available_points(18.5) == 1088
    assert w.available_points(np.array([37, 37]), np.array([0, 1.8])).tolist() == [2176, 2070]
    assert w.available_points(37, grade_reduction=w.GRADE_REDUCTIONS["trainee_year1"]) == 435  # floor(2176 x 0.2)


@pytest.mark.parametrize("args", [(0,), (37, -1), (10, 12), (37, 0, 2176, 1.0), (float("nan"),)])
def test_available_points_rejects_impossible_hours(args):
    with pytest.raises(ValueError):
        w.available_points(*args)


def test_capacity_and_officers():
    assert w.capacity_percent(2484, 2070) == pytest.approx(120.0)
    assert w.capacity_percent([0, 1035], 2070).tolist() == [0.0, 50.0]
    assert w.officers_needed(20700, 2070) == pytest.approx(10.0)
    assert w.officers_needed(20700, 2070, target_capacity_percent=110) == pytest.approx(10 / 1.1)
    with pytest.raises(ValueError, match="available points must be positive"):
        w.capacity_percent(100, 0)
    with pytest.raises(ValueError, match="total_points"):
        w.officers_needed(-1, 2070)

