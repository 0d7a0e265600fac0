"""The existing reports' replicates and Monte Carlo/Sobol draws give the same numbers in-process and on Dask."""

import numpy as np
import pandas as pd

from rehabresearch.contact import microsim
from rehabresearch.contact import policies as pol
from rehabresearch.contracts import inputs, montecarlo, sensitivity
from rehabresearch.contracts.analysis import with_uncertainty


def test_replicates_and_compliance_sensitivity_are_the_same_on_a_cluster(client2):
    chosen = [pol.load_policy(p) for p in ("flat_monthly", "tiered_front_loaded_reset")]
    sim = microsim.SimParams(weeks=20)
    here = microsim.run_replicates(400, chosen, [101, 102, 103], sim_params=sim)
    there = microsim.run_replicates(400, chosen, [101, 102, 103], sim_params=sim, scheduler=client2)
    pd.testing.assert_frame_equal(here, there, check_exact=True)
    assert list(here["replicate"].unique()) == [0, 1, 2]
    sens_here = microsim.compliance_sensitivity(300, chosen, [1, 2], [0.5, 2.0], sim_params=sim)
    sens_there = microsim.compliance_sensitivity(300, chosen, [1, 2], [0.5, 2.0], sim_params=sim, scheduler=client2)
    pd.testing.assert_frame_equal(sens_here, sens_there, check_exact=True)


def test_replicate_results_do_not_depend_on_the_other_seeds():
    """A replicate's numbers come from its own seed, not from its position or the rest of the list."""
    chosen = [pol.load_policy("flat_monthly")]
    sim = microsim.SimParams(weeks=12)
    both = microsim.run_replicates(300, chosen, [7, 8], sim_params=sim)
    alone = microsim.run_replicates(300, chosen, [8], sim_params=sim)
    pd.testing.assert_frame_equal(both[both["replicate"] == 1].drop(columns="replicate").reset_index(drop=True),
                                  alone.drop(columns="replicate"), check_exact=True)


def test_monte_carlo_and_sobol_are_the_same_on_a_cluster(client2):
    c, _ = with_uncertainty(inputs.default_contracts()["accommodation"])
    here = montecarlo.simulate(c, 3000, np.random.default_rng(5))
    there = montecarlo.simulate(c, 3000, np.random.default_rng(5), chunk=700, scheduler=client2)
    for field in ("total_surplus", "peak_reserve", "redundancies", "surplus"):
        assert np.array_equal(getattr(here, field), getattr(there, field)), field
    s_here = sensitivity.sobol(c, 128, np.random.default_rng(6), n_resamples=10)
    s_there = sensitivity.sobol(c, 128, np.random.default_rng(6), n_resamples=10, scheduler=client2, chunk=500)
    pd.testing.assert_frame_equal(s_here, s_there, check_exact=True)
