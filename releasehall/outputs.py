"""The outputs of a build as a queue of jobs, made on both cores for a large build.

Renderers decide in the main process which outputs changed (their keys) and queue a job
for each: the output paths and a function that makes their bytes. `Jobs.run` makes them;
for a large build, forked workers take ranges of the queue (inherited by the fork, never
pickled) and send back bytes. Each output goes to the sink (the writer) as soon as it
arrives, so writing overlaps rendering. The bytes are the same whichever process made them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

Make = Callable[[], tuple[bytes, ...]]
Sink = Callable[[str, bytes], None]

PARALLEL_FROM = 2000  # below this many jobs a second process costs more than it saves


class Jobs:
    """Outputs still to make, in the order they were queued."""

    def __init__(self) -> None:
        self.queue: list[tuple[tuple[str, ...], Make]] = []

    def add(self, paths: tuple[str, ...], make: Make) -> None:
        """Queue outputs made together (a feed's RSS and Atom) by one call of `make`."""
        self.queue.append((paths, make))

    def run(self, sink: Sink | None = None, workers: int | None = None) -> dict[str, bytes]:
        """Make every queued output; each goes to `sink` as it is made. Returns all of them by path."""
        made: dict[str, bytes] = {}

        def take(paths: tuple[str, ...], data: tuple[bytes, ...]) -> None:
            for path, one in zip(paths, data, strict=True):
                made[path] = one
                if sink is not None:
                    sink(path, one)

        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers < 2 or len(self.queue) < PARALLEL_FROM:
            for paths, make in self.queue:
                take(paths, make())
            return made
        # Many strided shares (every n-th job) mix cheap and costly jobs, keep both workers busy to the end
        # and let writing start early.
        shares = [(first, workers * 12) for first in range(min(workers * 12, len(self.queue)))]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(self,)) as pool:
            for (first, step), results in zip(shares, pool.map(_make_share, shares), strict=True):
                for (paths, _make), data in zip(self.queue[first::step], results, strict=True):
                    take(paths, data)
        return made


_WORKER: Jobs | None = None  # in a forked worker only, set by _start_worker


def _start_worker(jobs: Jobs) -> None:
    global _WORKER
    _WORKER = jobs


def _make_share(share: tuple[int, int]) -> list[tuple[bytes, ...]]:
    assert _WORKER is not None
    first, step = share
    return [make() for _paths, make in _WORKER.queue[first::step]]
