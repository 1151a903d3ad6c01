"""What `journal show` printed, kept so that it prints it again without Jinja or
rich (and, on the fast path, without typer) when the answer is already known.

Formatting a report for the terminal costs its rendering (Jinja, the model, the
related sessions) and rich's layout: 0.3 s, where `show` should answer at once. So
`show` (`cli/handlers.py`) keeps what it printed, per session, under a key of
everything the output is made of, and prints it again while the key still matches:

- the package version, the stat of every file of this package and its templates
  (an editable checkout being edited) and of rich, jinja2 and markdown-it;
- `journal.yaml`, the project's templates, the git config (the remote that commit
  links point at) and HEAD (the commits that link themselves by trailer);
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

from journal import __version__

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from pathlib import Path

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
    from journal.store.fingerprint import read_or_empty, stat_key
    from journal.store.locate import CONFIG_NAME

    digest = hashlib.sha256(f"{__version__}\0{session_id}\0{ascii}\0".encode())

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogateescape"))

    add(_console_facts())
    add(read_or_empty(journal.root / CONFIG_NAME))
    from journal.gitlink.head import common_dir

    git_dir = journal.state_dir.parent
    add(read_or_empty(common_dir(git_dir) / "config"), _head(journal.root, git_dir))
    for folder in _code_folders(journal):
        add(str(folder), _tree_stats(folder))
    base = f"{journal.sessions_dir}{os.sep}"
    for sid in journal.session_ids():
        files = f"{base}{sid}{os.sep}"
        add(sid, stat_key(f"{files}session.yaml"), stat_key(f"{files}timeline.yaml"))
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
    from journal.store.fingerprint import save_cache_bytes

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
        # The reader went away (`journal show | head`): say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
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


def _head(root: Path, git_dir: Path) -> str:
    """The commit HEAD names: from the files when they are plain (a loose or packed
    ref); `git rev-parse` otherwise (reftable, an unborn branch)."""
    from journal.gitlink.head import head_from_files

    head = head_from_files(git_dir)
    if head is not None:
        return head
    from journal.gitlink.shell import run_git_raw

    try:
        done = run_git_raw(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=root)
    except Exception:
        return ""
    return done.stdout.decode("ascii", "replace").strip()


def _code_folders(journal: Journal) -> list[Path]:
    """This package (and its templates), the project's templates, and the libraries
    that shape the output."""
    from importlib.util import find_spec
    from pathlib import Path

    import journal as package

    here = Path(package.__file__).parent
    project = journal.root / journal.config.templates_dir
    folders = [here, here.parent / "templates", project]
    for name in _LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent)
    return folders


def _tree_stats(folder: Path) -> list[object]:
    """(path, mtime, size, inode) of every file under `folder`, compiled code aside."""
    found: list[object] = []
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            stack.append(entry.path)
                    elif not entry.name.endswith(".pyc"):
                        st = entry.stat()
                        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
                        found.append((entry.path, *stamp))
        except OSError:
            continue
    found.sort(key=str)
    return found
