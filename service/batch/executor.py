"""A bounded executor: run a function over items with at most ``limit`` in flight, results as each finishes.

``thread`` suits work that waits (LLM calls), ``process`` CPU-bound work (parsing, on more than one core),
``serial`` small batches. Only ``limit`` items are submitted at a time, so an interrupt cancels the rest at once.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Mode = Literal["serial", "thread", "process"]


class WorkerDied(RuntimeError):
    """A worker process died (crash, out of memory) twice while this item was in flight."""


def run_bounded(fn: Callable[[T], R], items: Iterable[T], *, limit: int, mode: Mode,
                backlog: int = 0) -> Iterator[tuple[T, R | BaseException]]:
    """Yield (item, result or exception) as each item finishes. At most ``limit`` run at once; ``backlog``
    more may be queued for processes (keeps workers busy). Exceptions from ``fn`` are yielded, not raised."""
    limit = max(1, limit)
    if mode == "serial" or (limit == 1 and mode == "thread"):
        for item in items:
            try:
                yield item, fn(item)
            except Exception as exc:
                yield item, exc
        return
    yield from _pooled(fn, iter(items), limit, mode, backlog)


def _pooled(fn: Callable[[T], R], items: Iterator[T], limit: int, mode: Mode,
            backlog: int) -> Iterator[tuple[T, R | BaseException]]:
    window = limit + (backlog if mode == "process" else 0)
    pool = _make_pool(mode, limit)
    numbered = enumerate(items)
    pending: dict[Future[R], tuple[int, T]] = {}
    suspects: deque[tuple[int, T]] = deque()  # in flight when a worker died: rerun one at a time
    alone = False  # the one item pending is a suspect rerun on its own
    try:
        while True:
            if suspects:
                if not pending:
                    n, item = suspects.popleft()
                    pending[pool.submit(fn, item)] = (n, item)
                    alone = True
            else:
                while len(pending) < window:
                    nxt = next(numbered, None)
                    if nxt is None:
                        break
                    pending[pool.submit(fn, nxt[1])] = nxt
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken: list[tuple[int, T]] = []
            for fut in done:
                n, item = pending.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    broken.append((n, item))
                elif exc is not None:
                    yield item, exc
                else:
                    yield item, fut.result()
            if broken:
                # The pool is unusable: restart it. An item that kills a worker while it runs on its own
                # is the culprit and is reported; whatever else was in flight is rerun alone, one by one.
                broken += list(pending.values())
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _make_pool(mode, limit)
                if alone:
                    for _, item in broken:
                        yield item, WorkerDied("the worker process died while analysing this report")
                else:
                    suspects.extend(sorted(broken, key=lambda b: b[0]))
            if not pending:
                alone = False
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _make_pool(mode: Mode, limit: int) -> Executor:
    if mode == "thread":
        return ThreadPoolExecutor(max_workers=limit, thread_name_prefix="batch")
    ctx = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=limit, mp_context=ctx, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which cancels the batch and keeps what is written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
