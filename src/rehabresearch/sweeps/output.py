"""The tidy result of a sweep: one Parquet file, with a CSV of the same rows beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..io import atomic_path, write_csv


def combine(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Stack task frames in task (grid) order; the row order never depends on which task finished first."""
    if not frames:
        raise ValueError("no task results to combine")
    return pd.concat(frames, ignore_index=True)


def write(frame: pd.DataFrame, parquet: Path, csv: Path) -> tuple[Path, Path]:
    """Write ``frame`` to ``parquet`` and ``csv`` atomically (same rows, same column order)."""
    with atomic_path(parquet) as tmp:
        frame.to_parquet(tmp, index=False)
    write_csv(csv, frame)
    return parquet, csv


def read(path: str | Path) -> pd.DataFrame:
    """Read a sweep's tidy results from its Parquet (or CSV) file, with a clear error if it is absent."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no sweep results at {path}; run `rehabresearch sweep contact SPEC.yaml` first")
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pd.read_parquet(path)
