"""Every threshold of every payment mechanism is paid as reached when the ratio reaches it exactly.

A ratio a reader would call exact (60% referred against 80% expected is 0.75 of the profile) is often a hair
below in floating point (0.6 / 0.8 == 0.7499999999999999). The model's rule: a ratio within a relative
tolerance of 1e-9 of a threshold counts as reaching it. These tests reach each bound by several routes.
"""

from fractions import Fraction

import numpy as np
import pytest

from rehabresearch.contracts.inputs import default_contracts
from rehabresearch.contracts.model import MECHANISMS, RATIO_TOLERANCE, Contract, band_index, evaluate, reaches

BANDS = ((0.0, 0.8), (0.75, 0.9), (0.9, 1.0), (1.15, 1.1))
EXPECTED_RATES = (0.3, 0.6, 0.7, 0.8, 0.9, 1.0)


def one_period(mechanism: str, **kw) -> Contract:
    return Contract("b", ("Year 1",), 1.0, [100], [100_000], mechanism=mechanism, bands=kw.pop("bands", BANDS), **kw)


def routes(bound: float) -> list[dict[str, float]]:
    """Input values whose real/profiled volume ratio is ``bound`` in exact arithmetic."""
    out = [{"volume_factor": bound}]
    for e in EXPECTED_RATES:
        r = bound * e
        if r <= 1:
            out.append({"referral_rate": r, "expected_referral_rate": e})
        # the volume factor carries the rest: bound = f * r / e with a referral shortfall of 0.6 against 0.8
        out.append({"volume_factor": bound / 0.75, "referral_rate": 0.6, "expected_referral_rate": 0.8})
    return out


def test_the_reported_case_is_paid_at_its_own_band():
    assert 0.6 / 0.8 < 0.75  # the floating-point trap the rule exists for
    c = one_period("bands")
    income = evaluate(c, {"referral_rate": 0.6, "expected_referral_rate": 0.8}).income[0, 0]
    assert income == pytest.approx(90_000)  # band from 0.75 pays 90%, not the 80% below it


@pytest.mark.parametrize("lower, share", BANDS[1:])
def test_every_band_bound_is_paid_in_the_band_it_starts(lower, share):
    c = one_period("bands")
    below_share = dict(BANDS)[max(b for b, _ in BANDS if b < lower)]
    for values in routes(lower):
        assert evaluate(c, values).income[0, 0] == pytest.approx(100_000 * share), values
    # clearly below the bound (beyond the tolerance) is paid in the band below
    assert evaluate(c, {"volume_factor": lower * (1 - 1e-6)}).income[0, 0] == pytest.approx(100_000 * below_share)


def test_default_lots_every_band_bound():
    for name, c in default_contracts().items():
        if c.mechanism != "bands":
            continue
        for (lower, share), (_, below) in zip(c.bands[1:], c.bands[:-1], strict=True):
            for values in routes(lower):
                r = evaluate(c, values)
                np.testing.assert_allclose(r.income[0], c.value * share, err_msg=f"{name} at {lower} via {values}")
            r = evaluate(c, {"volume_factor": lower * (1 - 1e-6)})
            np.testing.assert_allclose(r.income[0], c.value * below)


@pytest.mark.parametrize("mechanism", ["fixed", "per_referral", "fixed_variable"])
def test_cap_bound_pays_the_cap(mechanism):
    # At the cap and above it, the paid volume is the cap; the paid share never exceeds it.
    c = one_period(mechanism, inputs={"volume_cap_factor": 1.2, "fixed_share": 0.5})
    expected = {"fixed": 100_000, "per_referral": 120_000, "fixed_variable": 100_000 * (0.5 + 0.5 * 1.2)}[mechanism]
    for values in routes(1.2) + [{"volume_factor": 1.5}]:
        r = evaluate(c, values)
        assert r.income[0, 0] == pytest.approx(expected, rel=1e-12), values
        assert r.paid_volume[0, 0] == pytest.approx(120, rel=1e-12)


def test_payment_by_results_threshold_reached_exactly():
    # 0.1 * 0.75 is 0.07500000000000001 and 0.3 * 0.25 is 0.075 exactly; both reach a 7.5% threshold.
    c = one_period("payment_by_results", inputs={"fixed_share": 0.5})
    for reduction in (0.075, 0.1 * 0.75, 0.3 * 0.25, 0.15 / 2, 0.0749999999999999):
        income = evaluate(c, {"pbr_threshold": 0.075, "pbr_reduction": reduction}).income[0, 0]
        assert income == pytest.approx(100_000, rel=1e-9), reduction  # fixed 50% + 50% x multiple 1
    assert evaluate(c, {"pbr_threshold": 0.075, "pbr_reduction": 0.0749}).income[0, 0] == pytest.approx(50_000)


def test_routes_do_land_a_hair_off_the_bounds():
    # Without the tolerance rule these routes would be paid in the wrong band.
    ratios = [evaluate(one_period("bands"), v).volume[0, 0] / 100 for b, _ in BANDS[1:] for v in routes(b)]
    bounds = [b for b, _ in BANDS[1:] for _ in routes(b)]
    assert any(Fraction(r) < Fraction(b) for r, b in zip(ratios, bounds, strict=True))


def test_rule_helpers_and_tolerance_scale():
    assert reaches(0.6 / 0.8, 0.75) and not reaches(0.7499, 0.75)
    assert reaches(1e-10, 0.0) and not reaches(-1e-8, 0.0)
    np.testing.assert_array_equal(band_index([0.0, 0.6 / 0.8, 0.7499, 1.15, 3.0], [0.0, 0.75, 0.9, 1.15]), [0, 1, 0, 3, 3])
    assert RATIO_TOLERANCE <= 1e-9


def test_every_mechanism_is_covered():
    assert set(MECHANISMS) == {"fixed", "per_referral", "fixed_variable", "bands", "payment_by_results"}
