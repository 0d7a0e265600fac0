"""Task keys and seeds depend only on the parameters, through SHA-256 of a canonical JSON (not Python's hash())."""

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest

from rehabresearch.sweeps.keys import canonical, digest, seed_sequence, task_key


def test_key_is_sha256_of_sorted_compact_json():
    params = {"seed": 3, "policy": "flat_monthly", "cohort": {"female_share": 0.15}}
    expected = hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert digest(params) == expected
    assert task_key(params, "contact") == "contact-" + expected[:20]


def test_key_ignores_order_and_numpy_types_but_not_values():
    a = {"b": 1, "a": [1.5, 2], "c": {"y": True, "x": None}}
    b = {"c": {"x": None, "y": np.bool_(True)}, "a": (np.float64(1.5), np.int64(2)), "b": np.int32(1)}
    assert canonical(a) == canonical(b)
    assert task_key(a) != task_key({**a, "b": 2})
    assert task_key(a) != task_key({**a, "a": [1.5, 2.0000001]})


def test_key_is_the_same_in_another_process():
    """Python's hash() of a str changes between processes; the key must not."""
    code = "from rehabresearch.sweeps.keys import task_key; print(task_key({'policy': 'flat_weekly', 'seed': 7}))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert other == task_key({"policy": "flat_weekly", "seed": 7})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object()])
def test_unkeyable_values_are_refused(bad):
    with pytest.raises((ValueError, TypeError), match="parameters"):
        task_key({"x": bad})


def test_seed_sequence_entropy_is_the_digest():
    params = {"seed": 1, "people": 100}
    ss = seed_sequence(params)
    assert ss.entropy == int(digest(params), 16)
    same = np.random.default_rng(seed_sequence(dict(reversed(list(params.items()))))).random(3)
    assert np.array_equal(np.random.default_rng(ss).random(3), same)
    assert not np.array_equal(np.random.default_rng(seed_sequence({**params, "seed": 2})).random(3), same)
