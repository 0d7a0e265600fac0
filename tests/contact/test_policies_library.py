"""Contact policies: bundled library, compilation to arrays, and clear errors for bad YAML."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from rehabresearch.contact.policies import (
    TIERS,
    PolicyError,
    available_policies,
    compile_policy,
    load_policy,
)

BASE = {"name": "t", "schedule": {"default": [{"weeks": 8, "every": 1}, {"every": 2}]}}


def _with(**changes):
    return {**BASE, **changes}


def test_library_has_the_four_policies_and_all_compile():
    names = available_policies()
    assert {"flat_monthly", "flat_weekly", "tiered_front_loaded", "tiered_front_loaded_reset"} <= set(names)
    for name in names:
        p = load_policy(name)
        assert p.name == name
        assert p.every.shape[0] == len(TIERS)
        assert p.mode_cum_share[-1] == pytest.approx(1.0)


def test_flat_monthly_is_every_four_weeks_face_to_face():
    p = load_policy("flat_monthly")
    assert (p.interval(np.arange(16), np.full(16, 500.0)) == 4).all()
    assert p.mode_names == ("face_to_face",) and not p.mode_remote.any()
    assert not p.reset_enabled and p.step_up_weeks == 0


def test_tiered_policy_tapers_by_protect_level():
    p = load_policy("tiered_front_loaded")
    b2, d0 = TIERS.index("B2"), TIERS.index("D0")
    clocks = np.array([0, 7.9, 8, 23.9, 24, 100])
    assert p.interval(np.full(6, b2), clocks).tolist() == [1, 1, 2, 2, 4, 4]
    assert p.interval(np.full(6, d0), clocks).tolist() == [1, 2, 2, 6, 6, 6]
    assert p.taper_on_progress and p.step_up_weeks == 4 and p.step_up_every == 1


def test_reset_policy_has_the_published_exceptions():
    p = load_policy("tiered_front_loaded_reset")
    assert p.reset_enabled and p.reset_fraction == pytest.approx(2 / 3, abs=1e-6)
    assert set(p.reset_exceptions) == {"mappa", "very_high_rosh", "child_protection"}


def test_full_tier_overrides_letter_overrides_default():
    p = compile_policy(_with(schedule={"default": [{"every": 4}], "B": [{"every": 2}], "B3": [{"every": 1}]}))
    got = dict(zip(TIERS, p.interval(np.arange(16), np.zeros(16)).tolist()))
    assert got["B3"] == 1 and got["B2"] == 2 and got["A3"] == 4 and got["D0"] == 4


def test_user_policy_from_a_yaml_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(_with(name="mine", modes={"face_to_face": 0.5, "telephone": 0.5})))
    p = load_policy(path)
    assert p.name == "mine" and p.mode_names == ("face_to_face", "telephone")
    assert p.mode_remote.tolist() == [False, True]


@pytest.mark.parametrize("raw, fragment", [
    (_with(colour="red"), "unknown field(s) ['colour']"),
    (_with(schedule={"default": [{"weeks": 4, "every": -1}, {"every": 2}]}), "schedule.default[0].every"),
    (_with(schedule={"default": [{"weeks": -4, "every": 1}, {"every": 2}]}), "schedule.default[0].weeks"),
    (_with(schedule={"default": [{"every": 1.5}]}), "whole number"),
    (_with(schedule={"E": [{"every": 1}], "default": [{"every": 2}]}), "unknown tier(s) ['E']"),
    (_with(schedule={"A": [{"every": 1}]}), "no phases for tier(s)"),
    (_with(schedule={"default": [{"every": 1, "weeks": 3}]}), "last phase"),
    (_with(schedule={"default": [{"every": 1}, {"every": 2}]}), "schedule.default[0].weeks: is required"),
    (_with(modes={"face_to_face": 0.6, "telephone": 0.3}), "shares must sum to 1"),
    (_with(modes={"face_to_face": 0.5, "carrier_pigeon": 0.5}), "unknown field(s) ['carrier_pigeon']"),
    (_with(minutes={"telephone": -5}), "minutes.telephone: must not be negative"),
    (_with(enforcement={"acceptable_absence_share": 1.5}), "enforcement.acceptable_absence_share"),
    (_with(probation_reset={"enabled": True, "exceptions": ["good_behaviour"]}), "unknown exception(s)"),
    (_with(taper="sometimes"), "taper: must be 'time' or 'progress'"),
    (_with(step_up={"weeks": 4}), "step_up.every: is required"),
    ({"schedule": BASE["schedule"]}, "name: is required"),
    (["not", "a", "mapping"], "must be a YAML mapping"),
])
def test_bad_policies_are_rejected_naming_the_field(raw, fragment):
    with pytest.raises(PolicyError) as err:
        compile_policy(raw, origin="bad.yaml")
    assert fragment in str(err.value)
    assert str(err.value).startswith("bad.yaml")


def test_bad_yaml_syntax_and_unknown_names(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(path)
    with pytest.raises(PolicyError, match="no policy named 'nope'"):
        load_policy("nope")
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(tmp_path / "missing.yaml")


def test_describe_policies_in_words():
    from rehabresearch.contact.policies import describe_policies

    d = describe_policies([load_policy("flat_monthly"), load_policy("tiered_front_loaded_reset")])
    assert d.loc[d["Policy"] == "Flat monthly", "Protect level"].tolist() == ["all"]
    assert d.loc[d["Policy"] == "Flat monthly", "Schedule"].iloc[0] == "every 4 weeks"
    assert d.loc[d["Policy"] == "Flat monthly", "After a missed contact"].iloc[0] == "rebooked the next week"
    row_b = d[(d["Policy"] == "Tiered + Probation Reset") & (d["Protect level"] == "B")].iloc[0]
    assert row_b["Schedule"] == "weekly for 8 weeks, then every 2 weeks for 16 weeks, then every 4 weeks"
    assert row_b["Contact by"] == "face to face 70%, telephone 20%, video 10%"
    assert row_b["After a missed contact"] == "weekly for 4 weeks"
    assert row_b["Probation Reset"] == "yes: supervision ends 67% through a licence"


def test_policy_label_defaults_to_readable_name_and_is_checked():
    base = {"name": "my_policy", "schedule": {"default": [{"every": 4}]}}
    assert compile_policy(base).label == "My policy"
    assert compile_policy({**base, "label": " Monthly, all tiers "}).label == "Monthly, all tiers"
    with pytest.raises(PolicyError, match="label: must be a non-empty string"):
        compile_policy({**base, "label": ""})
