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
from typing import TypeVar

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
    work: Callable[[str, list[Item]], dict[str, Result]],
    root: str,
    items: list[Item],
    *,
    each: Callable[[dict[str, Result]], None],
) -> None:
    """`work(root, share)` over `items`, in item order, every share's result handed
    to `each` as it comes (none is kept: what the shares make need not all fit in
    memory at once)."""
    processes = count(len(items))
    if processes == 1 or len(items) < 2:
        each(work(root, items) if items else {})
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Shares of a few dozen items: the workers stay busy to the end, and each
    # share's result is small enough to pass back at once.
    shares = max(processes * 4, len(items) // 50)
    size = -(-len(items) // shares)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    method = "fork" if sys.platform != "win32" and sys.platform != "darwin" else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        for result in pool.map(work, [root] * len(chunks), chunks):
            each(result)
