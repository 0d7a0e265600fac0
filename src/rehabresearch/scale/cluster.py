"""Where tasks run: parse a ``scheduler`` setting and connect to (or start) a Dask cluster.

``scheduler`` is one of

* ``None`` or ``""`` (or ``"in-process"``): no cluster; tasks run one after another here;
* ``"local"`` or ``"local:N"``: a ``dask.distributed.LocalCluster`` of N worker processes
  (default: one per CPU core) with one thread each, started for the run and closed after it;
* a scheduler address (``"tcp://10.0.0.5:8786"``, ``"10.0.0.5:8786"``, ``"tls://..."``):
  an existing cluster, for example one started by ``dask scheduler``/``dask worker`` or by
  ``dask-jobqueue`` on an HPC system;
* a ``distributed.Client`` already connected (used as is, not closed).

Every worker has its BLAS/OpenMP thread pools pinned to one thread (a worker plugin using
``threadpoolctl``, plus the thread environment variables), so N workers use N cores and
results do not depend on thread scheduling inside a numerical library.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: Seconds allowed to reach a scheduler given by address before giving up with a clear error.
CONNECT_TIMEOUT = 10.0
#: Environment variables that cap the thread pools of BLAS and OpenMP libraries.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
_ADDRESS = re.compile(r"^(?:(tcp|tls|ucx|inproc|ws|wss)://)?[A-Za-z0-9_.\-\[\]:]+:\d+$")
_LOCAL = re.compile(r"^local(?::(\d+))?$")


class SchedulerError(RuntimeError):
    """The scheduler setting is invalid, or the cluster cannot be reached or started."""


@dataclass(frozen=True)
class Where:
    """A parsed scheduler setting: ``kind`` is "in-process", "local", "address" or "client"."""

    kind: str
    workers: int | None = None
    address: str | None = None
    client: Any = None


def parse_scheduler(scheduler: Any) -> Where:
    """Parse a ``scheduler`` setting (see the module docstring); SchedulerError naming the accepted forms."""
    if scheduler is None:
        return Where("in-process")
    if not isinstance(scheduler, str):
        if type(scheduler).__name__ == "Client" and hasattr(scheduler, "submit"):
            return Where("client", client=scheduler)
        raise SchedulerError(f"scheduler must be text or a dask Client, got {type(scheduler).__name__}")
    text = scheduler.strip()
    if text.lower() in ("", "none", "in-process", "inprocess"):
        return Where("in-process")
    m = _LOCAL.match(text.lower())
    if m:
        workers = int(m.group(1)) if m.group(1) else None
        if workers is not None and workers < 1:
            raise SchedulerError(f"scheduler {text!r}: a local cluster needs at least one worker")
        return Where("local", workers=workers)
    if _ADDRESS.match(text):
        return Where("address", address=text if "://" in text else f"tcp://{text}")
    raise SchedulerError(
        f"scheduler {text!r} is not understood; use '' (in-process), 'local', 'local:N' (N worker processes) "
        "or a scheduler address such as 'tcp://10.0.0.5:8786'")


def describe(scheduler: Any) -> str:
    """A short plain description of where tasks will run."""
    where = parse_scheduler(scheduler)
    if where.kind == "in-process":
        return "in this process"
    if where.kind == "local":
        n = where.workers or os.cpu_count() or 1
        return f"on a local Dask cluster of {n} worker process{'es' if n != 1 else ''}"
    if where.kind == "address":
        return f"on the Dask cluster at {where.address}"
    return "on the connected Dask cluster"


def _pin_threads() -> None:
    """Cap BLAS/OpenMP pools at one thread in the calling (worker) process."""
    for var in THREAD_VARIABLES:
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    # Applied on construction and kept for the life of the process (the object is kept on the module).
    global _LIMITS
    _LIMITS = threadpool_limits(limits=1)


_LIMITS = None


def _ignore_interrupts() -> None:
    """Let Ctrl-C reach only the client, which then cancels the tasks and closes the cluster in order."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread of the worker process: nothing to do
        pass


def _plugin(local: bool = False):
    from distributed.diagnostics.plugin import WorkerPlugin

    class PinThreads(WorkerPlugin):
        """Pin BLAS/OpenMP threads to one per worker when the worker starts (and on every restart); the workers
        of a local cluster started for the run also ignore Ctrl-C, which the client handles."""

        name = "rehabresearch-pin-threads"

        def setup(self, worker):
            _pin_threads()
            if local:
                _ignore_interrupts()

    return PinThreads()


@contextmanager
def connect(scheduler: Any, *, connect_timeout: float = CONNECT_TIMEOUT,
            dashboard_address: str | None = None) -> Iterator[Any]:
    """Yield a ``distributed.Client`` for ``scheduler`` (or None for in-process), closing what it started.

    A local cluster is started with one thread per worker process and no dashboard unless
    ``dashboard_address`` is given (e.g. ``":8787"``). An address that cannot be reached within
    ``connect_timeout`` seconds raises SchedulerError at once instead of hanging.
    """
    where = parse_scheduler(scheduler)
    if where.kind == "in-process":
        yield None
        return
    if where.kind == "client":
        _register(where.client)
        yield where.client
        return
    from distributed import Client, LocalCluster

    cluster = None
    client = None
    try:
        if where.kind == "local":
            n = where.workers or os.cpu_count() or 1
            try:
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       dashboard_address=dashboard_address, silence_logs=logging.CRITICAL,
                                       env={var: "1" for var in THREAD_VARIABLES})
            except Exception as exc:  # the cluster's own errors are varied; say what failed
                raise SchedulerError(f"could not start a local Dask cluster of {n} workers: {exc}") from exc
            client = Client(cluster, timeout=connect_timeout)
            _register(client, local=True)
        else:
            try:
                client = Client(where.address, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(
                    f"could not reach a Dask scheduler at {where.address} within {connect_timeout:g} s ({exc}); "
                    "check the address and that the scheduler is running, or leave the scheduler empty to run "
                    "in this process") from None
            _register(client)
        yield client
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _register(client, local: bool = False) -> None:
    client.register_plugin(_plugin(local), name="rehabresearch-pin-threads")
