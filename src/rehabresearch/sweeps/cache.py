"""Finished tasks kept on disk by key, so an interrupted or failed sweep resumes where it stopped.

Each finished task's tidy frame is one Parquet file ``<cache>/<key>.parquet``, written
atomically (a temporary file renamed into place), so a crash or Ctrl-C never leaves a
half-written result that a later run would trust.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io import atomic_path


class TaskCache:
    """A folder of finished task results by key."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.parquet"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def load(self, key: str) -> pd.DataFrame:
        return pd.read_parquet(self.path(key))

    def save(self, key: str, frame: pd.DataFrame) -> Path:
        target = self.path(key)
        with atomic_path(target) as tmp:
            frame.to_parquet(tmp, index=False)
        return target

    def keys(self) -> set[str]:
        return {p.stem for p in self.folder.glob("*.parquet")} if self.folder.is_dir() else set()
