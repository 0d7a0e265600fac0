"""One formatter per kind of quantity, and one way to put an estimate into words."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rehabresearch import formatting as fmt
from rehabresearch import wording


@pytest.mark.parametrize("value,text", [
    (12_500_000, "£12.5m"), (767, "£767"), (280_000_000, "£280m"), (22_000_000, "£22m"), (195e6, "£195m"),
    (1_041_667, "£1.04m"), (1.2e9, "£1.2bn"), (12_500, "£12,500"), (7.5, "£7.50"), (-46e6, "-£46m"),
    (999_999, "£1m"), (0, "£0"),
])
def test_money(value, text):
    assert fmt.money(value) == text


def test_the_issue_examples_read_one_way():
    # 38.6 in one place and 39 in another; 3.1, 3.12 and 3.119 on one page: one formatter each.
    assert fmt.pct(0.386) == "38.6%"
    assert fmt.rate(3.119) == fmt.rate(3.12) == "3.12"
    assert fmt.about(1_041_667, "money") == "about £1m"
    assert fmt.about(0.667, "pct") == "about 70%" and fmt.about(0.667, "pct", sig=2) == "about 67%"
    assert fmt.about(83_263, "count", 2) == "about 83,000"
    assert fmt.pp(-0.031) == "-3.1 percentage points"


@pytest.mark.parametrize("call", [
    lambda: fmt.pct(-0.0004), lambda: fmt.pp(-0.00001), lambda: fmt.rate(-0.001), lambda: fmt.ratio(-0.004),
    lambda: fmt.money(-0.004), lambda: fmt.days(-0.4),
])
def test_a_value_that_rounds_to_zero_has_no_sign(call):
    assert not call().startswith("-"), call()


@pytest.mark.parametrize("bad", [None, float("nan"), float("inf"), "12", True])
def test_formatters_refuse_what_is_not_a_number(bad):
    for f in (fmt.pct, fmt.pp, fmt.count, fmt.rate, fmt.money, fmt.ratio, fmt.days):
        with pytest.raises(ValueError):
            f(bad)


def test_counts_are_whole_and_accept_numpy():
    assert fmt.count(np.int64(83263)) == "83,263" and fmt.count(12.0) == "12"
    with pytest.raises(ValueError, match="whole"):
        fmt.count(2.5)
    assert fmt.days(1) == "1 day" and fmt.days(152.4) == "152 days"


def test_round_sig_agrees_with_numpy_format_positional():
    rng = np.random.default_rng(1)
    for x in rng.lognormal(5, 4, 200):
        for sig in (1, 2, 3):
            expected = float(np.format_float_positional(x, precision=sig, unique=False, fractional=False, trim="k"))
            assert fmt.round_sig(x, sig) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("p,text", [(0.0004, "p < 0.001"), (0.049, "p = 0.049"), (0.0496, "p = 0.050"),
                                    (0.05, "p = 0.050"), (0.123, "p = 0.12"), (1.0, "p = 1.00")])
def test_p_values(p, text):
    assert fmt.p_value(p) == text


def test_p_values_printed_alike_get_the_same_words():
    # p = 0.0496 prints as 0.050, like p = 0.050: both are "weak evidence"; 0.049 is "evidence".
    assert wording.evidence_words(0.0496) == wording.evidence_words(0.050) == "weak evidence of a difference"
    assert wording.evidence_words(0.049) == "evidence of a difference"
    grid = np.linspace(0, 1, 20001)
    words = [wording.evidence_words(p) for p in grid]
    order = [w for _, w in wording.BANDS]
    ranks = [order.index(w) for w in words]
    assert ranks == sorted(ranks), "the words must weaken as p grows"
    printed = {}
    for p, w in zip(grid, words):
        printed.setdefault(fmt.p_value(p), set()).add(w)
    assert all(len(v) == 1 for v in printed.values()), "two p-values printed alike got different words"


def test_describe_uses_the_interval_and_p_value_from_one_test():
    # A two-proportion z-test (scipy) and its Wald interval: the words follow the printed p-value.
    x1, n1, x2, n2 = 48, 216, 66, 216
    p1, p2 = x1 / n1, x2 / n2
    diff = p1 - p2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    lo, hi = diff - 1.959964 * se, diff + 1.959964 * se
    pooled = (x1 + x2) / (n1 + n2)
    z = diff / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = 2 * stats.norm.sf(abs(z))
    text = wording.describe(diff, lo, hi, p)
    assert text.startswith("-8.3 percentage points (95% CI -16.6 to -0.1 percentage points; p = 0.049)")
    assert text.endswith(": evidence of a difference")


def test_describe_never_prints_minus_zero_and_refuses_contradictions():
    assert "-0.0" not in wording.describe(-0.02, -0.04, -0.00004, 0.048)
    with pytest.raises(ValueError, match="contradict"):
        wording.describe(-0.05, -0.09, -0.01, 0.30)
    with pytest.raises(ValueError, match="outside its interval"):
        wording.describe(0.5, -0.1, 0.1, 0.3)
    assert wording.describe(0.8, 0.62, 1.05, kind="ratio").endswith("no clear evidence of a difference")


def test_a_column_has_one_number_of_decimals():
    assert fmt.column([3.1, 3.12, 3.119, "", None]) == ["3.10", "3.12", "3.12", "", ""]
    assert fmt.column([0.0012, 0.0031]) == ["0.0012", "0.0031"]
    assert fmt.column([12_500_000.0, 767.25]) == ["12,500,000", "767"]
    assert fmt.format_value(0.69) == "0.69" and fmt.format_value(3.119) == "3.12"


@pytest.mark.parametrize("number,sig", [("1,700", 2), ("166", 3), ("66.7", 3), ("0.050", 2), ("83,263", 5),
                                        ("1,041,667", 7), ("12", 2), ("1", 1), ("0.5", 1), ("280", 2)])
def test_significant_figures(number, sig):
    assert wording.significant_figures(number) == sig


def test_about_statements_with_false_precision_are_found():
    text = "about £1,041,667 and approximately 66.7%, about 12% of about 1,700, around £280m, about 4.2 times"
    assert wording.precision_problems(text) == [
        "'about £1,041,667' states an approximate figure to 7 significant figures",
        "'approximately 66.7%' states an approximate figure to 3 significant figures"]
    assert wording.precision_problems(fmt.about(1_041_667, "money") + " and " + fmt.about(0.667, "pct")) == []
