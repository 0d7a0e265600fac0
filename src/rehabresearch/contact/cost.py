"""How long and how much memory a caseload microsimulation will need, estimated before it runs.

The cost of :func:`rehabresearch.contact.microsim.simulate` is linear in person-weeks (the loop is
over weeks, each step an array operation over the people), and its memory is linear in people
(per-person arrays; results are summed by month and group, never stored per person-week). The
constants were measured with ``run_replicates`` (four bundled policies, 104 weeks, 20,000 to
400,000 people) on a shared 2-core machine: 40 to 92 ns per person-week per policy and replicate
(45 ns at 400,000 people) and 225 to 290 bytes per person at the peak (tracemalloc), on top of the
notebook kernel's own footprint. They are rough: a busy machine is slower, so the estimate is
stated as "about" and rounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Seconds per simulated person-week, for one policy in one replicate (measured, see the module notes).
SECONDS_PER_PERSON_WEEK = 45e-9
#: Peak bytes per simulated person: the cohort frame and ``simulate``'s per-person arrays.
BYTES_PER_PERSON = 300
#: The notebook kernel with numpy, pandas and matplotlib loaded, before any simulation.
BASE_BYTES = 300 * 2**20


@dataclass(frozen=True)
class Estimate:
    """The estimated cost of a run: wall-clock seconds and peak memory in bytes."""

    seconds: float
    peak_bytes: float
    what: str = ""

    def describe(self) -> str:
        return f"about {_duration(self.seconds)} and {_size(self.peak_bytes)} of memory" + (
            f" ({self.what})" if self.what else "")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


def _size(n_bytes: float) -> str:
    if n_bytes < 2**30:
        return f"{max(1, round(n_bytes / 2**20))} MB"
    return f"{n_bytes / 2**30:.1f} GB"


def estimate_simulation(n_people: int, weeks: int, runs: int) -> Estimate:
    """Cost of ``runs`` simulations (policies x replicates) of ``n_people`` over ``weeks`` weeks."""
    if n_people < 0 or weeks < 0 or runs < 0:
        raise ValueError(f"people, weeks and runs must not be negative; got {n_people}, {weeks}, {runs}")
    return Estimate(SECONDS_PER_PERSON_WEEK * n_people * weeks * runs, BASE_BYTES + BYTES_PER_PERSON * n_people)


def estimate_contact_tiers(parameters: Mapping[str, Any]) -> Estimate:
    """The contact-tiers report's main comparison plus its compliance sensitivity, from its parameters."""
    weeks = int(parameters["weeks"])
    main = estimate_simulation(int(parameters["n_people"]), weeks,
                               len(parameters["seeds"]) * len(parameters["policies"]))
    sensitivity = estimate_simulation(
        int(parameters["sensitivity_people"]), weeks,
        len(parameters["sensitivity_seeds"]) * len(parameters["sensitivity_policies"])
        * len(parameters["sensitivity_multipliers"]))
    people = int(parameters["n_people"])
    runs = len(parameters["seeds"]) * len(parameters["policies"])
    return Estimate(main.seconds + sensitivity.seconds, max(main.peak_bytes, sensitivity.peak_bytes),
                    f"{people:,} people x {weeks} weeks x {runs} policy-replicates")
