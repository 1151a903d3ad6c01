"""Work spread over the machine's cores: reading sessions and rendering their pages
for a first build of a large site. Few items are done here, in this process (a worker
costs more to start than a few pages take); `JOURNAL_SITE_WORKERS` sets the number of
processes (1: none).

Each worker is given the journal's root and a share of the items, opens the journal
itself and returns plain data, so nothing but strings and records crosses processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

ENV = "JOURNAL_SITE_WORKERS"
MIN_ITEMS = 64
"""Items below which the work is done in this process."""
Item = TypeVar("Item")
Result = TypeVar("Result")


def count(items: int) -> int:
    """How many processes to use for `items` items."""
    configured = os.environ.get(ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return min(int(configured), max(items, 1))
    if items < MIN_ITEMS:
        return 1
    from journal.process import usable_cores

    return usable_cores()


def run(
    work: Callable[..., dict[str, Result]],
    root: str,
    items: list[Item],
    *args: Any,
    each: Callable[[dict[str, Result]], None] | None = None,
) -> dict[str, Result]:
    """`work(root, share, *args)` over `items`, merged, in item order; given
    `each`, every share's result is handed to it as it comes instead (none is
    kept: what the shares make need not all fit in memory at once)."""
    processes = count(len(items))
    if processes == 1 or len(items) < 2:
        done = work(root, items, *args) if items else {}
        if each is None:
            return done
        each(done)
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Shares of a few dozen items: the workers stay busy to the end, and each
    # share's result is small enough to pass back at once.
    shares = max(processes * 4, len(items) // 50)
    size = -(-len(items) // shares)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    method = "fork" if sys.platform != "win32" and sys.platform != "darwin" else None
    context = multiprocessing.get_context(method)
    merged: dict[str, Result] = {}
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        for result in pool.map(
            work, [root] * len(chunks), chunks, *[[a] * len(chunks) for a in args]
        ):
            if each is None:
                merged.update(result)
            else:
                each(result)
    return merged
