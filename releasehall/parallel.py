"""Run many small calls on both cores: forked workers, strided shares, results in a fixed order.

The calls are inherited by the forked workers, never pickled; only their results travel
back. Every share holds every n-th call, so cheap and costly calls mix and both workers
stay busy to the end. The results are the same whichever process computed them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
SHARES_PER_WORKER = 12

_CALLS: Sequence[Callable[[], Any]] = ()  # in a forked worker only, set by _start


def fork_map(calls: Sequence[Callable[[], T]], *, parallel_from: int, workers: int | None = None,
             meanwhile: Callable[[], object] | None = None) -> Iterator[tuple[int, T]]:
    """(index, result) of every call, share by share: in one process below `parallel_from` calls. `meanwhile`: work
    of the main process's own, done once while the workers make the calls (first, when there are none)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(calls) < parallel_from:
        if meanwhile is not None:
            meanwhile()
        for index, call in enumerate(calls):
            yield index, call()
        return
    step = workers * SHARES_PER_WORKER
    shares = range(min(step, len(calls)))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(calls,)) as pool:
        done = pool.map(_share, shares, [step] * len(shares))  # the workers are forked and at work
        if meanwhile is not None:
            meanwhile()
        for first, results in zip(shares, done, strict=True):
            yield from zip(range(first, len(calls), step), results, strict=True)


def _start(calls: Sequence[Callable[[], Any]]) -> None:
    global _CALLS
    _CALLS = calls


def _share(first: int, step: int) -> list[Any]:
    return [call() for call in _CALLS[first::step]]
