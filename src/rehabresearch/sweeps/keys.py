"""Task keys and seeds from parameters: the same parameters give the same key and the same random stream.

The canonical form of a parameter dict is its JSON with keys sorted, no spaces, numbers
as Python writes them (numpy scalars and tuples converted first); its SHA-256 is the
task's identity. Python's ``hash()`` is not used: it changes from process to process.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Hex digits of the SHA-256 kept in a task key (80 bits: collisions are not a practical concern).
KEY_LENGTH = 20


def _plain(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: parameter names must be text, got {k!r}")
            out[k] = _plain(v, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} is not a finite number")
        return float(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{where}: {type(value).__name__} cannot be part of a task's parameters")


def canonical(params: Mapping[str, Any]) -> str:
    """The canonical JSON text of ``params`` (sorted keys, compact)."""
    return json.dumps(_plain(params, "parameters"), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(params: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical form."""
    return hashlib.sha256(canonical(params).encode("ascii")).hexdigest()


def task_key(params: Mapping[str, Any], prefix: str = "task") -> str:
    """A short stable key, e.g. ``contact-3f9c...``, used for the cache file and the Dask task name."""
    return f"{prefix}-{digest(params)[:KEY_LENGTH]}"


def seed_sequence(params: Mapping[str, Any]) -> np.random.SeedSequence:
    """A ``SeedSequence`` whose entropy is the full 256-bit digest of ``params``."""
    return np.random.SeedSequence(int(digest(params), 16))
