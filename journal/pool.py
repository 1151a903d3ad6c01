"""Work shared among forked copies of this process, for the cold builds that take
seconds on a large journal (the session records, the related map's first build).

A fork inherits everything the process has built so far as it is (a ranker, its
arrays, a builder), so only the items go out to a worker and only its results come
back; nothing is pickled but those. Off Linux, in a pool's own worker (a daemon may
not start processes) or on one core, the work is done here instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
_WORK: list[Callable[[Any], Any]] = []
"""The work of the pool being run, set before the fork so that workers inherit it."""


def workers() -> int:
    """How many processes may share the work: the cores this process may use, where
    a worker can start as a fork of this one."""
    if sys.platform != "linux":
        return 1
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return 1  # a pool's worker (the site's pages) may not start processes
    from journal.process import usable_cores

    return usable_cores()


def pooled(
    work: Callable[[list[Item]], Result], items: Sequence[Item], *, size: int
) -> Iterator[Result]:
    """`work` of each chunk of `size` items, in their order, done by forked workers
    when there are cores for two or more."""
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    jobs = min(workers(), len(chunks))
    if jobs < 2:
        yield from map(work, chunks)
        return
    import multiprocessing

    _WORK[:] = [work]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_work_on, chunks)
    finally:
        _WORK.clear()


def _work_on(chunk: list[Any]) -> Any:
    return _WORK[0](chunk)
