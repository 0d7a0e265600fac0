"""Run a list of tasks and hand their results back in task order (the client reduces them).

A :class:`Task` is a key (unique in the list, stable across runs) and the keyword
arguments of one call of a module-level function. In-process, tasks run one after
another here. On a Dask cluster each task is submitted under its key; Dask reruns a
task whose worker is lost (up to ``distributed.scheduler.allowed-failures`` times),
and because every task draws only from the seed it carries, a rerun gives the same
result. A task that raises is recorded with its key; the others still finish and
:class:`TaskFailed` lists the failures at the end (or the caller receives them,
with ``raise_on_failure=False``). Ctrl-C cancels the outstanding tasks and closes
a cluster this run started; whatever ``on_result`` already received is kept.
"""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cluster import connect


@dataclass(frozen=True)
class Task:
    """One call ``func(**kwargs)``, known by ``key``; ``label`` describes its parameters for messages."""

    key: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Failure:
    key: str
    label: str
    error: str
    detail: str = ""

    def __str__(self) -> str:
        return f"task {self.key} ({self.label or 'no parameters'}): {self.error}"


class TaskFailed(RuntimeError):
    """Some tasks raised; ``failures`` names each with its parameters, ``results`` holds the others."""

    def __init__(self, failures: Sequence[Failure], results: Mapping[str, Any] | None = None):
        self.failures = list(failures)
        self.results = dict(results or {})
        lines = "\n".join(f"  {f}" for f in self.failures[:20])
        more = f"\n  ... and {len(self.failures) - 20} more" if len(self.failures) > 20 else ""
        super().__init__(f"{len(self.failures)} task(s) failed:\n{lines}{more}")


Progress = Callable[[int, int, Task], None]


def run_tasks(func: Callable[..., Any], tasks: Sequence[Task], scheduler: Any = None, *,
              progress: Progress | None = None, on_result: Callable[[Task, Any], None] | None = None,
              raise_on_failure: bool = True, connect_timeout: float | None = None,
              dashboard_address: str | None = None) -> dict[str, Any]:
    """Run ``func(**task.kwargs)`` for every task; return ``{key: result}`` in task order.

    ``progress(done, total, task)`` is called as each task finishes (successfully or not);
    ``on_result(task, result)`` as each succeeds, in the caller's process (e.g. to cache it).
    With ``raise_on_failure=False`` failures are returned under the key ``"__failures__"``
    instead of raising :class:`TaskFailed`.
    """
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"task keys must be unique; repeated: {dup[:5]}")
    results: dict[str, Any] = {}
    failures: list[Failure] = []
    kwargs = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
    with connect(scheduler, dashboard_address=dashboard_address, **kwargs) as client:
        if client is None:
            _run_here(func, tasks, results, failures, progress, on_result)
        else:
            _run_on(client, func, tasks, results, failures, progress, on_result)
    ordered = {t.key: results[t.key] for t in tasks if t.key in results}
    if failures:
        failures.sort(key=lambda f: keys.index(f.key))
        if raise_on_failure:
            raise TaskFailed(failures, ordered)
        ordered["__failures__"] = failures
    return ordered


def _failure(task: Task, exc: BaseException) -> Failure:
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Failure(task.key, task.label, f"{type(exc).__name__}: {exc}", detail)


def _run_here(func, tasks, results, failures, progress, on_result) -> None:
    for i, task in enumerate(tasks, 1):
        try:
            value = func(**task.kwargs)
        except Exception as exc:  # a failing task is recorded; the rest still run
            failures.append(_failure(task, exc))
        else:
            results[task.key] = value
            if on_result:
                on_result(task, value)
        if progress:
            progress(i, len(tasks), task)


def _run_on(client, func, tasks, results, failures, progress, on_result) -> None:
    from distributed import as_completed

    # Dask keys are unique per run (the same task key may come back in a later run with other inputs).
    run_id = uuid.uuid4().hex[:8]
    by_key = {f"{t.key}-{run_id}": t for t in tasks}
    futures = [client.submit(func, key=k, pure=False, **t.kwargs) for k, t in by_key.items()]
    done = 0
    try:
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                value = future.result()
            except Exception as exc:  # includes KilledWorker when a task keeps killing its workers
                failures.append(_failure(task, exc))
            else:
                results[task.key] = value
                if on_result:
                    on_result(task, value)
            finally:
                future.release()
            done += 1
            if progress:
                progress(done, len(tasks), task)
    except BaseException:
        # Ctrl-C (or any error in a callback): stop the outstanding work on the workers.
        client.cancel([f for f in futures if not f.done()], force=True)
        raise
