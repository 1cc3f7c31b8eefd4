"""The outputs of a build as a queue of jobs, made on both cores for a large build.

Renderers decide in the main process which outputs changed (their keys) and queue a job
for each: the output paths and a function that makes their bytes. `Jobs.run` makes them,
on both cores for a large build (`parallel.fork_map`), and the process that made an output
also writes it to the staging folder, so writing is shared between the cores too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from releasehall.parallel import fork_map
from releasehall.store.write import Saved, Stager

Make = Callable[[], tuple[bytes, ...]]

PARALLEL_FROM = 2000  # below this many jobs a second process costs more than it saves


class Jobs:
    """Outputs still to make, in the order they were queued."""

    def __init__(self, finish: Callable[[bytes], bytes] | None = None,
                 queue: list[tuple[tuple[str, ...], Make]] | None = None) -> None:
        self.queue: list[tuple[tuple[str, ...], Make]] = [] if queue is None else queue
        self.finish = finish

    def add(self, paths: tuple[str, ...], make: Make) -> None:
        """Queue outputs made together (a feed's RSS and Atom) by one call of `make`."""
        self.queue.append((paths, make if self.finish is None else partial(_finished, self.finish, make)))

    def finishing(self, finish: Callable[[bytes], bytes]) -> Jobs:
        """The same queue, each output of what is added to it passed through `finish` (a variant's text)."""
        return Jobs(finish, self.queue)

    def run(self, stager: Stager | None = None, keep: bool = True, workers: int | None = None,
            meanwhile: Callable[[], object] | None = None) -> dict[str, bytes | None]:
        """Make every queued output, and stage it where it was made. Returns all of them by path: their
        bytes, or None for those only staged (`keep=False`: their bytes need not travel back). `meanwhile`: the
        main process's own work, done while the outputs are made (`parallel.fork_map`)."""
        made: dict[str, bytes | None] = {}
        calls = [partial(_make_and_save, paths, make, stager, keep or stager is None) for paths, make in self.queue]
        for index, (data, stamps) in fork_map(calls, parallel_from=PARALLEL_FROM, workers=workers,
                                              meanwhile=meanwhile):
            for path, one, stamp in zip(self.queue[index][0], data, stamps, strict=True):
                made[path] = one
                if stager is not None:
                    stager.record(path, stamp)
        return made


def _make_and_save(paths: tuple[str, ...], make: Make, stager: Stager | None, keep: bool
                   ) -> tuple[tuple[bytes | None, ...], tuple[Saved | None, ...]]:
    data = make()
    stamps = tuple(stager.save(path, one) for path, one in zip(paths, data, strict=True)) if stager else \
        (None,) * len(data)
    return (data if keep else (None,) * len(data)), stamps


def _finished(finish: Callable[[bytes], bytes], make: Make) -> tuple[bytes, ...]:
    return tuple(finish(data) for data in make())
