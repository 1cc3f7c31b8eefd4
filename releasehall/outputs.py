"""The outputs of a build as a queue of jobs, made on both cores for a large build.

Renderers decide in the main process which outputs changed (their keys) and queue a job
for each: the output paths and a function that makes their bytes. `Jobs.run` makes them,
on both cores for a large build (`parallel.fork_map`). Each output goes to the sink (the
writer) as soon as it arrives, so writing overlaps rendering.
"""

from __future__ import annotations

from collections.abc import Callable

from releasehall.parallel import fork_map

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

        makes = [make for _paths, make in self.queue]
        for index, data in fork_map(makes, parallel_from=PARALLEL_FROM, workers=workers):
            take(self.queue[index][0], data)
        return made
