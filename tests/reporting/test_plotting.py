"""Bars start at zero on a linear axis, and every colour has a legend: checked by the library."""

from __future__ import annotations

import matplotlib
import pytest

from rehabresearch import plotting

matplotlib.use("Agg")


def test_bars_start_at_zero_on_a_linear_axis():
    fig, ax = plotting.figure("Budgets", "Budget", "£ million")
    plotting.bars(ax, ["A", "B"], [280, 22], yerr=[10, 2])
    assert ax.get_ylim()[0] == 0 and plotting.figure_problems(fig) == []
    fig, ax = plotting.figure("Budgets", "£ million", "Budget")
    plotting.bars(ax, ["A", "B"], [280, 22], horizontal=True)
    assert ax.get_xlim()[0] == 0 and plotting.figure_problems(fig) == []


@pytest.mark.parametrize("values,match", [([1, -2], "negative"), ([1, float("nan")], "missing")])
def test_bars_refuse_values_a_bar_cannot_show(values, match):
    _, ax = plotting.figure("x", "x", "y")
    with pytest.raises(ValueError, match=match):
        plotting.bars(ax, ["a", "b"], values)


def test_bars_refuse_a_log_axis():
    _, ax = plotting.figure("x", "x", "y")
    ax.set_yscale("log")
    with pytest.raises(ValueError, match="log"):
        plotting.bars(ax, ["a", "b"], [280, 22])


def test_problems_found_in_hand_made_figures():
    fig, ax = plotting.figure("Budgets", "£ million", "Budget")
    ax.barh(["a", "b"], [280, 22], color=["#0072B2", "#E69F00"])
    ax.set_xscale("log")
    assert plotting.figure_problems(fig) == [
        "Budgets: bars on a log axis (bars must start at zero on a linear axis)", "Budgets: 2 colours but no legend"]
    fig, ax = plotting.figure("Truncated", "x", "y")
    ax.bar(["a", "b"], [100, 120])
    ax.set_ylim(90, 130)
    assert plotting.figure_problems(fig) == ["Truncated: the value axis does not start at zero"]


def test_a_legend_or_grey_reference_lines_satisfy_the_colour_rule():
    fig, ax = plotting.figure("Lines", "x", "y")
    ax.plot([1, 2], [1, 2], label="a")
    ax.plot([1, 2], [2, 3], label="b")
    ax.axhline(1.5, color="#555555")
    assert plotting.figure_problems(fig) == ["Lines: 2 colours but no legend"]
    ax.legend()
    assert plotting.figure_problems(fig) == []
    fig, ax = plotting.figure("Ranges", "x", "y")
    ax.barh(["a", "b"], [4, 2], left=[1, 3])  # floating range bars are not held to zero
    ax.errorbar([3, 4], [0, 1], xerr=[0.5, 0.5], fmt="none", ecolor="#333333")
    assert plotting.figure_problems(fig) == []


def test_dots_for_ratios_on_a_log_axis_pass_the_checks():
    fig, ax = plotting.figure("Representation", "Ratio of shares (log scale)", "Group")
    plotting.dots(ax, ["Black", "Muslim"], [4.2, 3.1], [3.6, 2.8], [5.0, 3.4], reference=1, log=True)
    assert ax.get_xscale() == "log" and plotting.figure_problems(fig) == []
    with pytest.raises(ValueError, match="inside its interval"):
        plotting.dots(ax, ["a"], [2.0], [2.5], [3.0])
    with pytest.raises(ValueError, match="positive"):
        plotting.dots(ax, ["a"], [0.0], log=True)


def test_legend_for_per_bar_colours():
    fig, ax = plotting.figure("Budgets", "£ million", "Budget")
    plotting.bars(ax, ["A", "B"], [280, 22], horizontal=True, color=[plotting.PALETTE[0], plotting.PALETTE[1]])
    assert plotting.figure_problems(fig) == ["Budgets: 2 colours but no legend"]
    plotting.legend_for(ax, {"Central": plotting.PALETTE[0], "Regional": plotting.PALETTE[1]})
    assert plotting.figure_problems(fig) == []
