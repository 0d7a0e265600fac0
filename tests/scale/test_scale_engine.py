"""The execution layer: same results in-process and on Dask, failures named, clear scheduler errors."""

import time

import numpy as np
import pytest

from rehabresearch.scale import SchedulerError, Task, TaskFailed, parse_scheduler, run_tasks


def draw(seed: int, size: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).random(size)


def fail_on_three(seed: int) -> float:
    if seed == 3:
        raise ValueError("seed three is cursed")
    return float(seed) * 2


def blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [p["num_threads"] for p in threadpool_info()]


TASKS = [Task(f"draw-{s}", {"seed": s}, f"seed={s}") for s in (5, 1, 9, 2, 7)]


def test_results_come_back_in_task_order_and_match_in_process(client1, client2):
    here = run_tasks(draw, TASKS)
    assert list(here) == [t.key for t in TASKS]
    for client in (client1, client2):
        there = run_tasks(draw, TASKS, client)
        assert list(there) == list(here)
        assert all(np.array_equal(here[k], there[k]) for k in here)


@pytest.mark.parametrize("where", ["in-process", "cluster"])
def test_a_failing_task_is_named_and_the_others_finish(where, client2):
    tasks = [Task(f"t{s}", {"seed": s}, f"seed={s}") for s in range(1, 6)]
    seen = []
    with pytest.raises(TaskFailed) as err:
        run_tasks(fail_on_three, tasks, None if where == "in-process" else client2,
                  on_result=lambda t, v: seen.append(t.key))
    assert [f.label for f in err.value.failures] == ["seed=3"]
    assert "seed three is cursed" in str(err.value) and "seed=3" in str(err.value)
    assert sorted(seen) == ["t1", "t2", "t4", "t5"]
    assert err.value.results == {"t1": 2.0, "t2": 4.0, "t4": 8.0, "t5": 10.0}


def test_same_task_key_in_a_later_run_is_not_confused_with_the_first(client2):
    """Dask reuses results by key; the layer makes each run's keys unique."""
    first = run_tasks(draw, [Task("same", {"seed": 1})], client2)
    second = run_tasks(draw, [Task("same", {"seed": 2})], client2)
    assert not np.array_equal(first["same"], second["same"])
    assert np.array_equal(second["same"], draw(2))


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="unique"):
        run_tasks(draw, [Task("a", {"seed": 1}), Task("a", {"seed": 2})])


def test_workers_have_blas_pinned_to_one_thread(client1):
    run_tasks(draw, TASKS[:1], client1)  # registers the plugin
    counts = client1.run(blas_threads)
    assert counts and all(all(n == 1 for n in c) for c in counts.values())


@pytest.mark.parametrize("text, kind", [
    ("", "in-process"), (None, "in-process"), ("local", "local"), ("local:3", "local"),
    ("tcp://10.0.0.5:8786", "address"), ("10.0.0.5:8786", "address"), ("node7.hpc.ac.uk:8786", "address"),
])
def test_scheduler_forms(text, kind):
    assert parse_scheduler(text).kind == kind


@pytest.mark.parametrize("text", ["cluster please", "local:0", "tcp://host"])
def test_bad_scheduler_text_is_explained(text):
    with pytest.raises(SchedulerError, match="scheduler"):
        parse_scheduler(text)


def test_unreachable_scheduler_fails_within_seconds():
    start = time.perf_counter()
    with pytest.raises(SchedulerError, match="could not reach a Dask scheduler at tcp://127.0.0.1:9 within 1 s"):
        run_tasks(draw, TASKS, "tcp://127.0.0.1:9", connect_timeout=1)
    assert time.perf_counter() - start < 10
