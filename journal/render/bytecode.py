"""Compiled templates kept between runs: a command that renders skips compiling the
report templates again (about 50 ms, most of what rendering one report costs).

The cache lives in Jinja's per-user folder in the temp dir, which Jinja checks is the
user's own and private; never in the journal's folder, whose files others may write,
since cached bytecode is run when loaded. Jinja recompiles a template whose source
changed. Failing to read or write the cache only costs the compile.
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import BytecodeCache


def bytecode_cache() -> BytecodeCache | None:
    """The cache, or None when no private folder can be had."""
    try:
        return _forgiving_cache()()
    except (OSError, RuntimeError):
        return None


@cache
def _forgiving_cache() -> type[BytecodeCache]:
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class ForgivingCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a torn or unreadable file: compile instead
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return ForgivingCache
