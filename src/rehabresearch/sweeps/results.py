"""A sweep's tidy results for a report: read from its file, or run from its specification in memory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from .output import read
from .run import run_sweep
from .spec import load_spec


def _in_project(given: str | Path) -> Path:
    path = Path(given)
    return path if path.is_absolute() else paths.PROJECT_ROOT / path


def load(kind: str, results: str | Path | None, spec: str | Path | None, scheduler: Any,
         needed: Sequence[str]) -> pd.DataFrame:
    """The results of a ``kind`` sweep ("contact" or "contracts"): read from ``results`` (Parquet or CSV) if
    given, else run ``spec`` now (in memory, nothing written; ``scheduler`` as for
    :func:`rehabresearch.scale.run_tasks`). Refused clearly when neither is given, when a task fails, or when
    the frame lacks a column in ``needed`` (the file is not the results of such a sweep)."""
    what = "contact" if kind == "contact" else "contract"
    if results:
        frame = read(_in_project(results))
    elif spec:
        outcome = run_sweep(load_spec(_in_project(spec), kind=kind), scheduler, write=False)
        if not outcome.ok:
            raise RuntimeError("; ".join(str(f) for f in outcome.failures))
        frame = outcome.frame
    else:
        raise ValueError(f"give the results of a {what} sweep, or a sweep specification to run")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{results or spec}: not the results of a {what} sweep (no column(s) {missing})")
    return frame
