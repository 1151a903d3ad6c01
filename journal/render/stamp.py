"""The stamp a `render --all` leaves when every report is current: what lets the next
run with nothing changed answer from stats alone, without loading the render index
and the manifest (megabytes of JSON at 10,000 sessions), YAML, Jinja or git.

The stamp holds, as they were before that run read anything:

- the salt of every cache (`store/cache.py`: this package's code and templates,
  the project's templates, `journal.yaml`), `--ascii`, the reports and sessions
  folders;
- the commit HEAD names, read from git's files (`store/cache.py`): a new commit can
  link itself to a session by its trailer;
- the stat of the repository's git config (the remote);
- every session id, in order, with the stat of its two files and of its report.

It is trusted only while all of these are exactly the same, and while the reports
folder holds no report of a session that is gone: any difference, a missing file, or
a stamp that is truncated, damaged or of another format means the full run
(`render/batch.py`), which writes a new stamp when it leaves every report current.
A stat is (mtime, size, inode, ctime): ctime moves on every write, so an edit that
puts the old mtime back (`os.utime`, a clock skew, `git checkout` of an older
version) is still seen. The stamp is exactly as trustworthy as the stat-keyed caches
it sums up, and costs three `stat` calls a session to check.
"""

from __future__ import annotations

import json
import os
import re
import struct

from journal.store.cache import (
    common_dir,
    head_from_files,
    salt,
    save_cache_bytes,
    stat_key,
)
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.locate import git_dir

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from pathlib import Path

    from journal.store.sessions import Journal

    Stat = list[int] | None

REPORT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*\.md$")
"""The name of a report `render --all` writes (and removes when its session is gone)."""

FORMAT = 1
_MAGIC = b"journal-render-stamp"
_ROW = struct.Struct("<" + "qQQq" * 3)
"""One session: the stats of `session.yaml`, `timeline.yaml` and the report, each
(mtime ns, size, inode, ctime ns)."""


def reports_folder(journal: Journal, out_dir: Path | None = None) -> Path:
    """Where `render --all` writes: `out_dir`, else the configured reports folder."""
    return (out_dir or journal.root / journal.config.reports_dir).resolve()


def stamp_path(journal: Journal, target: Path) -> Path:
    """The stamp of the reports folder `target` (one per folder, like the manifest)."""
    import zlib

    name = f"{zlib.crc32(str(target).encode('utf-8', 'surrogateescape')):08x}"
    return journal.state_dir / "reports" / f"{name}.stamp"


def facts_now(journal: Journal, target: Path, ascii: bool) -> dict[str, object] | None:
    """What the stamp holds besides the sessions, as it is now; None when HEAD cannot
    be read from git's files (no stamp is kept then)."""
    repository = git_dir(journal.root)
    head = "" if repository is None else head_from_files(repository)
    if head is None:
        return None
    inputs: list[list[object]] = []
    if repository is not None:
        # The repository's git config holds the remote that commit links point at.
        configs = (common_dir(repository) / "config", repository / "config.worktree")
        inputs = [[str(config), *(stat_key(config) or [])] for config in configs]
    return {
        "format": FORMAT,
        "salt": salt(journal),
        "ascii": ascii,
        "target": str(target),
        "sessions": str(journal.sessions_dir),
        "head": head,
        "inputs": inputs,
    }


def current(journal: Journal, target: Path, ascii: bool) -> list[str] | None:
    """Every session id, when the stamp shows that every report in `target` is
    current and none is left over; None when the full run must decide."""
    try:
        raw = stamp_path(journal, target).read_bytes()
    except OSError:
        return None
    parsed = _parse(raw)
    if parsed is None:
        return None
    header, ids, rows = parsed
    facts = facts_now(journal, target, ascii)
    if facts is None or any(header.get(k) != v for k, v in facts.items()):
        return None
    if journal.session_ids() != ids:
        return None
    if not _rows_match(rows, ids, str(journal.sessions_dir), str(target)):
        return None
    kept = header.get("kept")
    foreign = frozenset(kept) if isinstance(kept, list) else frozenset()
    return None if _leftover(target, ids, foreign) else ids


def write(
    journal: Journal,
    target: Path,
    facts: dict[str, object],
    sessions: list[tuple[str, list[Stat], Stat]],
) -> None:
    """Keep the stamp of a run that left every report current: `facts` as
    `facts_now` gave them before the run read anything, and for each session its id,
    its files' stats taken before they were read and its report's stat."""
    rows = []
    for _, files, report in sessions:
        stats = [*files, report]
        if len(stats) != 3 or any(s is None for s in stats):
            return  # a file was missing: the next run must look again
        rows.append(_ROW.pack(*(n for s in stats if s is not None for n in s)))
    ids = "\n".join(session_id for session_id, _, _ in sessions)
    # Report-like files the run left alone (someone else's): not leftovers next time.
    kept = _report_like(target, {session_id for session_id, _, _ in sessions})
    header = json.dumps(
        {**facts, "count": len(rows), "kept": sorted(kept)}, sort_keys=True
    )
    body = b"%s\n%s%s" % (header.encode(), b"".join(rows), ids.encode("utf-8"))
    data = _head_line(body) + body
    path = stamp_path(journal, target)
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    save_cache_bytes(path, data)


def _head_line(body: bytes) -> bytes:
    """The format, and the length and checksum of what follows: a stamp cut short
    or damaged is never trusted."""
    import zlib

    return b"%s %d %d %08x\n" % (_MAGIC, FORMAT, len(body), zlib.crc32(body))


def _parse(raw: bytes) -> tuple[dict[str, object], list[str], bytes] | None:
    """(header, session ids, stat rows) of a whole stamp of this format, else None."""
    first, _, body = raw.partition(b"\n")
    if first + b"\n" != _head_line(body):
        return None
    header_line, _, rest = body.partition(b"\n")
    try:
        header = json.loads(header_line)
    except ValueError:
        return None
    count = header.get("count") if isinstance(header, dict) else None
    if not isinstance(count, int) or count < 0:
        return None
    cut = count * _ROW.size
    rows, listed = rest[:cut], rest[cut:]
    try:
        ids = listed.decode("utf-8").split("\n") if listed else []
    except UnicodeDecodeError:
        return None
    if len(rows) != cut or len(ids) != count:
        return None
    return header, ids, rows


def _rows_match(rows: bytes, ids: list[str], sessions: str, target: str) -> bool:
    """Every session's files and report have the stats the stamp holds."""
    pack = _ROW.pack
    stat = os.stat
    sep = os.sep
    size = _ROW.size
    at = 0
    try:
        for session_id in ids:
            files = f"{sessions}{sep}{session_id}{sep}"
            a = stat(files + SESSION_FILE)
            b = stat(files + TIMELINE_FILE)
            c = stat(f"{target}{sep}{session_id}.md")
            row = pack(
                a.st_mtime_ns, a.st_size, a.st_ino, a.st_ctime_ns,
                b.st_mtime_ns, b.st_size, b.st_ino, b.st_ctime_ns,
                c.st_mtime_ns, c.st_size, c.st_ino, c.st_ctime_ns,
            )  # fmt: skip
            if not rows.startswith(row, at):
                return False
            at += size
    except OSError:
        return False
    return at == len(rows)


def _leftover(target: Path, ids: list[str], kept: frozenset[str]) -> bool:
    """A report of a session that is gone, which the full run may remove (asked once
    `_rows_match` has found the report of every session in `ids`); the report-like
    files the last run `kept` as not its own are not leftovers."""
    try:
        names = os.listdir(target)  # noqa: PTH208 - 10,000 names, no Path objects
    except OSError:
        return True
    if len(names) == len(ids):
        # Each session's report was just found by its stat, so these are exactly
        # the reports of the sessions (the usual case: nothing else is there).
        return False
    return not _report_like(target, set(ids), names) <= kept


def _report_like(
    target: Path, ids: set[str], names: list[str] | None = None
) -> frozenset[str]:
    """The names in `target` shaped like a report that no session in `ids` has."""
    if names is None:
        try:
            names = os.listdir(target)  # noqa: PTH208 - as in _leftover
        except OSError:
            return frozenset()
    return frozenset(
        n
        for n in names
        if n.endswith(".md") and n[:-3] not in ids and REPORT_RE.match(n)
    )
