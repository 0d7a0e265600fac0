"""Interval functions against textbook values (Newcombe 1998; Garwood exact Poisson limits)."""

import numpy as np
import pytest

from rehabresearch.reoffending.intervals import (
    newcombe_interval,
    poisson_rate_interval,
    rate_ratio,
    wilson_interval,
)


# Newcombe (1998) Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
@pytest.mark.parametrize(
    "x,n,lo,hi",
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_1998_table(x, n, lo, hi):
    got = wilson_interval(x, n)
    assert got == pytest.approx((lo, hi), abs=5e-5)


def test_wilson_hand_computed_and_vectorised():
    # 50/100 at 95%: centre 0.5, half-width z*sqrt(.25/100 + z^2/40000)/(1 + z^2/100).
    z = 1.959963985
    half = z * np.sqrt(0.25 / 100 + z**2 / 40000) / (1 + z**2 / 100)
    lo, hi = wilson_interval(np.array([50, 100]), 100)
    assert lo[0] == pytest.approx(0.5 - half, abs=1e-9)
    assert hi[0] == pytest.approx(0.5 + half, abs=1e-9)
    assert hi[1] == 1.0 and lo[1] < 1.0
    lo90, hi90 = wilson_interval(50, 100, level=0.90)
    assert lo90 > lo[0] and hi90 < hi[0]


# Newcombe (1998) Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score).
@pytest.mark.parametrize(
    "x1,n1,x2,n2,lo,hi",
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_matches_newcombe_1998_table(x1, n1, x2, n2, lo, hi):
    diff, got_lo, got_hi = newcombe_interval(x1, n1, x2, n2)
    assert diff == pytest.approx(x1 / n1 - x2 / n2)
    assert (got_lo, got_hi) == pytest.approx((lo, hi), abs=5e-5)


def test_newcombe_vectorised_matches_scalar():
    d, lo, _hi = newcombe_interval(np.array([56, 9]), np.array([70, 10]), np.array([48, 3]), np.array([80, 10]))
    assert d.shape == (2,)
    assert lo[1] == pytest.approx(newcombe_interval(9, 10, 3, 10)[1])


# Exact Poisson limits for counts 0, 1, 5, 10 (Garwood 1936; standard tables, e.g. Ulm 1990).
def test_poisson_exact_limits():
    rate, lo, hi = poisson_rate_interval(np.array([0, 1, 5, 10]), 1)
    assert list(rate) == [0, 1, 5, 10]
    assert lo == pytest.approx([0.0, 0.0253, 1.6235, 4.7954], abs=1e-4)
    assert hi == pytest.approx([3.6889, 5.5716, 11.6683, 18.3904], abs=1e-4)


def test_poisson_rate_scales_with_exposure():
    rate, lo, hi = poisson_rate_interval(10, 4)
    assert (rate, lo, hi) == pytest.approx((2.5, 4.7954 / 4, 18.3904 / 4), abs=1e-4)


def test_rate_ratio_hand_computed():
    # 30/100 vs 20/100: ratio 1.5, se(log) = sqrt(1/30 + 1/20) = 0.288675.
    ratio, lo, hi = rate_ratio(30, 100, 20, 100)
    factor = np.exp(1.959963985 * np.sqrt(1 / 30 + 1 / 20))
    assert ratio == pytest.approx(1.5)
    assert lo == pytest.approx(1.5 / factor, rel=1e-9)
    assert hi == pytest.approx(1.5 * factor, rel=1e-9)
    assert (lo, hi) == pytest.approx((0.8519, 2.6413), abs=1e-4)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: wilson_interval(11, 10), "successes must not exceed n"),
        (lambda: wilson_interval(1, 0), "n must be positive"),
        (lambda: wilson_interval(-1, 10), "successes must be non-negative"),
        (lambda: wilson_interval(np.nan, 10), "successes must be finite"),
        (lambda: wilson_interval(1, 10, level=95), "level"),
        (lambda: newcombe_interval(1, 10, 5, 4), "x2 must not exceed n2"),
        (lambda: poisson_rate_interval(3, 0), "exposure must be positive"),
        (lambda: rate_ratio(0, 10, 3, 10), "x1 must be positive"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_statsmodels_intervals_match_the_textbook_formulas():
    # Wilson (1927) and Newcombe (1998, method 10) written out by hand; the library uses statsmodels.
    from rehabresearch.reoffending.intervals import newcombe_interval, wilson_interval

    x = np.array([0, 1, 5, 23, 50, 60, 2])
    n = np.array([10, 10, 20, 26, 100, 60, 1_000_000])
    z = 1.959963984540054

    def wilson(x, n):
        p = x / n
        d = 1 + z**2 / n
        c = (p + z**2 / (2 * n)) / d
        h = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / d
        return np.clip(c - h, 0, 1), np.clip(c + h, 0, 1)

    lo, hi = wilson_interval(x, n)
    np.testing.assert_allclose(lo, wilson(x, n)[0], atol=1e-15)
    np.testing.assert_allclose(hi, wilson(x, n)[1], atol=1e-15)
    l1, u1 = wilson(x, n)
    l2, u2 = wilson(x[::-1], n[::-1])
    p1, p2 = x / n, x[::-1] / n[::-1]
    d, dlo, dhi = newcombe_interval(x, n, x[::-1], n[::-1])
    np.testing.assert_allclose(dlo, p1 - p2 - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), atol=1e-15)
    np.testing.assert_allclose(dhi, p1 - p2 + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2), atol=1e-15)
