"""What `journal show` printed, kept so that it prints it again without Jinja or
rich (and, on the fast path, without typer) when the answer is already known.

Formatting a report for the terminal costs its rendering (Jinja, the model, the
related sessions) and rich's layout: 0.3 s, where `show` should answer at once. So
`show` (`cli/handlers.py`) keeps what it printed, per session, under a key of
everything the output is made of, and prints it again while the key still matches:

- the salt of every cache (`store/cache.py`: the stat of every file of this package
  and its templates — an editable checkout being edited —, the project's templates
  and `journal.yaml`), and the stat of rich, jinja2 and markdown-it;
- the git config (the remote that commit links point at) and HEAD (the commits that
  link themselves by trailer; `gitlink/head.py`);
- the stat of both files of every session (a report shows its neighbours and its
  related sessions, so any session's change may change it);
- `--ascii`, and what rich reads of the terminal: whether it is one, its size, and
  the variables that set colour and width.

Stats are taken before the command reads anything, so an edit racing it leaves a
key that never matches again, not a stale answer.
"""

from __future__ import annotations

import hashlib
import os
import sys

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from journal.store.sessions import Journal

_CONSOLE_VARIABLES = (
    "COLORTERM",
    "COLUMNS",
    "FORCE_COLOR",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "LINES",
    "NO_COLOR",
    "TERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
)
_LIBRARIES = ("rich", "jinja2", "markdown_it")
_FOLDER = "shown"


def output_key(journal: Journal, session_id: str, ascii: bool) -> str:
    """A digest of everything `show` prints for this session in this terminal."""
    from journal.gitlink.head import head_commit
    from journal.store.cache import (
        common_dir,
        read_or_empty,
        salt,
        session_stats,
        tree_stats,
    )

    digest = hashlib.sha256(f"{salt(journal)}\0{session_id}\0{ascii}\0".encode())

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogateescape"))

    add(_console_facts())
    git_dir = journal.state_dir.parent
    add(read_or_empty(common_dir(git_dir) / "config"), head_commit(journal.root))
    for folder in _library_folders():
        add(folder, tree_stats(folder))
    for sid in journal.session_ids():
        add(sid, session_stats(str(journal.sessions_dir), sid))
    return digest.hexdigest()


def load_shown(journal: Journal, session_id: str, key: str) -> str | None:
    """What `show` printed under `key`, if that is what was kept, whole."""
    try:
        raw = (journal.state_dir / _FOLDER / f"{session_id}.txt").read_bytes()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    if header != _header(key, body):
        return None  # another key, or a file cut short or damaged
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def save_shown(journal: Journal, session_id: str, key: str, text: str) -> None:
    """Keep what `show` printed; the older output of that session is replaced."""
    from journal.store.cache import save_cache_bytes

    body = text.encode("utf-8", "surrogateescape")
    path = journal.state_dir / _FOLDER / f"{session_id}.txt"
    save_cache_bytes(path, _header(key, body) + b"\n" + body)


def _header(key: str, body: bytes) -> bytes:
    """The key, and the length and checksum of what follows it."""
    import zlib

    return f"{key} {len(body)} {zlib.crc32(body):08x}".encode("ascii")


def emit(text: str, *, pager: bool | None) -> int:
    """Print formatted output; page it when asked, or when it would not fit the
    terminal (what rich's `Console.pager` does: Python's `pydoc.pager`)."""
    if pager is None:
        import shutil

        fits = text.count("\n") <= shutil.get_terminal_size().lines
        pager = sys.stdout.isatty() and not fits
    try:
        if pager:
            import pydoc

            pydoc.pager(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        from journal.cli.output import reader_gone

        return reader_gone()  # `journal show | head`
    return 0


def _console_facts() -> tuple[object, ...]:
    tty = sys.stdout.isatty()
    size = None
    if tty:
        try:
            size = tuple(os.get_terminal_size(sys.stdout.fileno()))
        except (OSError, ValueError):
            size = None
    variables = tuple(os.environ.get(name) for name in _CONSOLE_VARIABLES)
    return (tty, size, sys.platform, sys.stdout.encoding, variables)


def _library_folders() -> list[str]:
    """The folders of the libraries that shape the output."""
    from importlib.util import find_spec

    folders = []
    for name in _LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            folders.append(os.path.dirname(spec.origin))  # noqa: PTH120 - a string
    return folders
