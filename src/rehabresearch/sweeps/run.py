"""Run a sweep: skip tasks already cached, run the rest through the execution layer, write the tidy result."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..scale import Task, run_tasks
from ..scale.engine import Failure
from . import output
from .cache import TaskCache
from .spec import SweepSpec, load_spec
from .tasks import contact_task, contract_task

FUNCTIONS = {"contact": contact_task, "contracts": contract_task}


@dataclass
class SweepOutcome:
    """What a sweep did: tasks computed now, taken from the cache, failed; where the results went."""

    spec: SweepSpec
    computed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    written: tuple[Path, Path] | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def run_sweep(spec: SweepSpec | str | Path, scheduler: Any = None, *, kind: str | None = None,
              write: bool = True, progress: Callable[[int, int, Task], None] | None = None,
              connect_timeout: float | None = None, dashboard_address: str | None = None) -> SweepOutcome:
    """Run every task of ``spec`` not yet in its cache; on success write ``<name>.parquet`` and ``<name>.csv``.

    With ``write=False`` nothing touches the disk (no cache, no output files): the results are
    returned in ``frame`` only. Failed tasks are listed in ``failures`` (the rest still finish
    and are cached); no output file is written until every task has succeeded.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec, kind=kind)
    start = time.perf_counter()
    outcome = SweepOutcome(spec)
    cache = TaskCache(spec.cache) if write else None
    have = cache.keys() if cache else set()
    todo = [t for t in spec.tasks if t.key not in have]
    outcome.cached = [t.key for t in spec.tasks if t.key in have]
    fresh: dict[str, pd.DataFrame] = {}

    def keep(task: Task, frame: pd.DataFrame) -> None:
        if cache:
            cache.save(task.key, frame)
        else:
            fresh[task.key] = frame
        outcome.computed.append(task.key)

    if todo:
        result = run_tasks(FUNCTIONS[spec.kind], todo, scheduler, progress=progress, on_result=keep,
                           raise_on_failure=False, connect_timeout=connect_timeout,
                           dashboard_address=dashboard_address)
        outcome.failures = result.get("__failures__", [])
    if outcome.ok:
        # Built from the cache files in grid order, so a resumed sweep gives the same bytes as one run straight through.
        frames = [cache.load(t.key) if cache else fresh[t.key] for t in spec.tasks]
        outcome.frame = output.combine(frames)
        if write:
            outcome.written = output.write(outcome.frame, spec.parquet, spec.csv)
    outcome.seconds = time.perf_counter() - start
    return outcome


def resume_hint(spec: SweepSpec, argv: list[str] | None = None) -> str:
    """How to resume: the same command again (finished tasks are read from the cache)."""
    command = "rehabresearch " + " ".join(shlex.quote(a) for a in argv) if argv else \
        f"rehabresearch sweep {spec.kind} {shlex.quote(spec.file)}"
    return (f"{len(TaskCache(spec.cache).keys())} finished task(s) are kept in {spec.cache}; "
            f"run `{command}` again to finish the rest without redoing them")
