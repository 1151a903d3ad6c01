"""What the installed git hooks do: link a new commit to its session.

It runs inside `git commit` (through `journal.cli.hook`, the entry point that turns
every outcome into a line on stderr and exit status 0), so it stays on the standard
library and journal's stdlib-only modules (no typer, GitPython, YAML or msgspec) and
returns at once when there is nothing to do. What it has to tell the user it hands to
a `say` callback; it never prints.

The installed post-commit script runs `git log -1 --format=COMMIT_FORMAT` itself (it
needs the trailers to decide whether to start Python at all) and hands the result over
as `--commit`, so Python starts no process on that path; without it (pre-commit, prek)
the same `git log` runs through the seam.

The commit lines of a timeline are found and rewritten here too (the hook stays
idempotent and follows `--amend`; `journal sync` re-points rewritten commits).
Rewrites replace whole lines and keep every other byte as it was.

Paths are strings here, joined with `os.path`: `pathlib` and the `re`, `fnmatch` and
`urllib` it imports were about 10 ms of every hooked commit, with `json` and
`contextlib` half of the hook's Python time (docs/performance.md).
"""

from __future__ import annotations

import os
import stat

from journal.errors import InvalidDataError
from journal.store.eventlog import append_if_whole, format_event, read_timeline
from journal.store.files import TornTailError, atomic_write, locked
from journal.store.locate import CONFIG_NAME, git_folder, root_folder, state_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from journal.store.files import StrPath

    Say = Callable[[str], None]
    """Receives what a hook tells the user: `warning: …`, `linked abc1234 → id`."""

    Clean = Callable[[str, str], tuple[str, int]]
    """Takes the secrets out of a text on its way into the journal at a root (the
    caller's: redaction lives above this layer), and says how many it took."""

# Every module-level regex costs start-up time on each commit: patterns compile
# where they are needed, and journal.yaml is read with plain string methods.
COMMIT_FORMAT = (
    "%H%x1f%aI%x1f%an%x1f%s%x1f<%(trailers:key={key},valueonly,separator=%x1e)>"
)
"""sha, author time, author, subject, <trailer values> — `<>`: no trailer."""


def post_commit(
    root_arg: str | None,
    info: str | None = None,
    *,
    say: Say,
    clean: Clean | None = None,
) -> None:
    """Append the new commit to the active session (or the ones its trailer names),
    its subject passed through `clean`."""
    root = journal_root(root_arg)
    if root is None:
        return
    env_dir = os.environ.get("GIT_DIR")
    repo = os.path.realpath(env_dir) if env_dir else git_folder(os.getcwd())
    reflog = _last_reflog(repo) if repo else None
    if _replaying(repo, reflog):
        return
    state = session_state_dir(root)
    active = active_ref(state)
    sessions_dir, key = settings(root)
    fields = _fields(info) or _head(key)
    sha = fields[0]
    named = [v.strip() for v in fields[4][1:-1].split("\x1e") if v.strip()]
    if not named and active is None:
        return
    sessions = os.path.join(root, sessions_dir)
    targets, unknown = _targets(sessions, named, active, say=say)
    if unknown and not targets:
        say(
            f"warning: this commit names session {unknown[0]!r}, which is not in {root}"
        )
    subject, redacted = clean(root, fields[3]) if clean else (fields[3], 0)
    event = {"at": fields[1], "kind": "commit", "text": subject, "sha": sha}
    event["by"] = fields[2]
    if redacted:
        say(f"redacted {redacted} secret(s) from the commit's subject in the journal")
    amended = reflog[0] if reflog and reflog[2].startswith("commit (amend)") else None
    for session_id in targets:
        timeline = os.path.join(sessions, session_id, "timeline.yaml")
        with locked(os.path.join(state, "locks", f"{session_id}.lock")):
            done = _link(timeline, event, amended)
        if done:
            say(f"{done} {sha[:7]} → {session_id}")


def _link(timeline: str, event: dict[str, str], amended: str | None) -> str:
    raw = read_timeline(timeline)  # a named pipe in its place never blocks a commit
    if is_linked(raw, event["sha"]):
        return ""
    linked_before = amended is not None and is_linked(raw, amended)
    old = json_lines_with(raw, amended) if amended and linked_before else []
    if old:
        index, data = old[0]
        replace_lines(
            timeline, raw, {index: {**data, **event, "rewritten_from": amended}}
        )
        return "re-linked amended commit"
    try:
        append_if_whole(timeline, event)
    except TornTailError:  # a crash cut the last line: its repair's imports only now
        from pathlib import Path

        from journal.store.timeline import append_event

        append_event(Path(timeline), event)
    return "linked"


def journal_root(root_arg: str | None) -> str | None:
    if root_arg and not os.environ.get("JOURNAL_DIR"):
        return root_arg if os.path.isfile(os.path.join(root_arg, CONFIG_NAME)) else None
    try:
        return root_folder(os.getcwd())
    except Exception:  # no journal in this checkout: nothing to link
        return None


def session_state_dir(root: str) -> str:
    # The active pointer is where `journal use` (run without GIT_DIR) put it.
    saved = os.environ.pop("GIT_DIR", None)
    try:
        return state_folder(root)
    finally:
        if saved is not None:
            os.environ["GIT_DIR"] = saved


def _last_reflog(repo: str) -> tuple[str, str, str] | None:
    """(old sha, new sha, message) of HEAD's newest reflog entry."""
    try:
        with open(os.path.join(repo, "logs", "HEAD"), "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 8192))
            tail = handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    except OSError:
        return None
    head, _, message = tail.decode("utf-8", "replace").partition("\t")
    parts = head.split(" ", 2)
    return (parts[0], parts[1], message) if len(parts) == 3 else None


def _replaying(repo: str | None, reflog: tuple[str, str, str] | None) -> bool:
    """True while a rebase replays commits: they are linked (re-pointed) by sync."""
    if os.environ.get("GIT_REFLOG_ACTION", "").startswith("rebase"):
        return True
    if reflog is not None:
        return reflog[2].startswith("rebase")
    # No reflog to tell a replayed pick from a new commit: stay on the safe side.
    return repo is not None and any(
        os.path.isdir(os.path.join(repo, name))
        for name in ("rebase-merge", "rebase-apply")
    )


def _fields(info: str | None) -> list[str] | None:
    if info:  # argv bytes that are not UTF-8 arrive as surrogates: make them U+FFFD
        info = info.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    fields = info.rstrip("\n").split("\x1f") if info else []
    ok = len(fields) == 5 and len(fields[0]) >= 40 and fields[4][:1] == "<"
    return fields if ok and fields[4][-1:] == ">" else None


def _head(key: str) -> list[str]:
    from journal.gitlink.shell import run_git

    fmt = f"--format={COMMIT_FORMAT.format(key=key)}"
    from pathlib import Path  # without the installed script only (pre-commit, prek)

    fields = _fields(run_git(["log", "-1", "--no-show-signature", fmt], cwd=Path.cwd()))
    if fields is None:
        raise ValueError("git log gave an unexpected answer")
    return fields


def settings(root: str) -> tuple[str, str]:
    """`sessions_dir` and `git.trailer` of journal.yaml, read without YAML."""
    try:
        with open(os.path.join(root, CONFIG_NAME), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        text = ""
    sessions, key, in_git = "sessions", "Journal-Session", False
    for line in text.splitlines():
        if not line.startswith((" ", "\t")):
            in_git = line.partition("#")[0].strip() == "git:"
            if line.startswith("sessions_dir:"):
                sessions = _scalar(line) or sessions
        elif in_git and line.lstrip().startswith("trailer:"):
            key = _scalar(line) or key
    return sessions, key


def _scalar(line: str) -> str:
    """The value of a one-line `key: value  # comment`."""
    return line.partition(":")[2].partition("#")[0].strip().strip("'\"")


def active_ref(state: str) -> str | None:
    env = os.environ.get("JOURNAL_SESSION", "").strip()
    if env:
        return env
    try:
        with open(os.path.join(state, "active"), encoding="utf-8") as handle:
            return handle.read().strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _targets(
    sessions: str, named: list[str], active: str | None, *, say: Say
) -> tuple[list[str], list[str]]:
    """Sessions the commit goes to: those its trailers name, else the active one."""
    found: list[str] = []
    unknown: list[str] = []
    for ref in named:
        session_id = resolve(sessions, ref)
        if session_id is None:
            unknown.append(ref)
        elif session_id not in found:
            found.append(session_id)
    if not found and active is not None:
        session_id = resolve(sessions, active)
        if session_id is None:
            say(f"warning: the active session {active!r} does not exist; not linked")
            return [], []
        found.append(session_id)
    return found, unknown


def resolve(sessions: str, ref: str) -> str | None:
    """A session folder for an id, a unique prefix or a number (`8`, `#8`); None when
    `ref` names no session, or several."""
    if _is_session_folder(sessions, ref):
        return ref  # what resolve_ref says of it, without its regexes and pathlib
    from pathlib import Path

    from journal.errors import JournalError
    from journal.store.ids import resolve_ref

    try:
        return resolve_ref(Path(sessions), ref)
    except JournalError:
        return None


def _is_session_folder(sessions: str, ref: str) -> bool:
    """Whether `ref` is a session id (`2025-11-04-slug`, as `store.ids.ID_PATTERN`
    has it) naming a folder, not a link, in `sessions`: one that
    `store.ids.session_ids` lists, so `resolve_ref` would return `ref` itself."""
    date, slug = ref[:11], ref[11:]
    digits = date[:4] + date[5:7] + date[8:10]
    if len(date) < 11 or date[4] + date[7] + date[10] != "---":
        return False
    if not (digits.isascii() and digits.isdigit()):
        return False
    if not slug or slug[0] == "-" or not set(slug) <= _ID_CHARACTERS:
        return False
    try:
        return stat.S_ISDIR(os.lstat(os.path.join(sessions, ref)).st_mode)
    except (OSError, ValueError):
        return False


_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


# A commit is linked when its SHA is the value of one of these keys.
_LINKED_KEYS = (b"sha", b"rewritten_from")
_QUOTES = b"'\""
_SPACE = b" \t\n\r\f\v"
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def json_lines_with(raw: bytes, sha: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, event) of each JSON line whose `sha` is `sha`; index counts from 0."""
    import json  # only after an amend: the hook's plain commit never parses a line

    found = []
    needle = sha.encode("ascii")
    for index, line in enumerate(raw.split(b"\n")):
        if needle not in line or not line.startswith(b"- "):
            continue
        try:
            data = json.loads(line[2:])
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("sha") == sha:
            found.append((index, data))
    return found


def replace_lines(
    path: StrPath, raw: bytes, changes: dict[int, dict[str, Any] | None]
) -> None:
    """Rewrite `path` (whose bytes are `raw`): line index → new event, or None to drop.

    The caller holds the session lock and read `raw` under it.
    """
    lines = raw.split(b"\n")
    out: list[bytes] = []
    for index, line in enumerate(lines):
        if index not in changes:
            out.append(line)
            continue
        event = changes[index]
        if event is not None:
            out.append(format_event(event).rstrip("\n").encode("utf-8"))
    data = b"\n".join(out)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        raise InvalidDataError(
            "the timeline holds bytes that are not UTF-8, so it was not rewritten",
            "fix that line (an editor saving in another encoding?)",
            where=f"{path}:{line_no}",
        ) from None
    atomic_write(path, text)


def is_linked(raw: bytes, sha: str) -> bool:
    """True if timeline bytes record `sha` as a commit (or as its old SHA): the value
    of a `sha` or `rewritten_from` key, quoted or not, as the whole word.

    A byte search, then a look at the bytes around each hit: no parse, and no regex
    (`re` would cost each hooked commit about 5 ms to import).
    """
    needle = sha.encode("ascii")
    at = raw.find(needle)
    while at != -1:
        after = raw[at + len(needle) : at + len(needle) + 1]
        if (not after or after[0] not in _WORD) and _after_key(raw, at):
            return True
        at = raw.find(needle, at + 1)
    return False


def _after_key(raw: bytes, at: int) -> bool:
    """Whether `raw[:at]` ends in a linking key and its colon: `sha: `, `"sha": "`,
    `'rewritten_from':'`… (what `(?:sha|rewritten_from)['"]?\\s*:\\s*['"]?` matches)."""
    end = at - 1 if at and raw[at - 1] in _QUOTES else at
    while end and raw[end - 1] in _SPACE:
        end -= 1
    if not end or raw[end - 1] != ord(":"):
        return False
    end -= 1
    while end and raw[end - 1] in _SPACE:
        end -= 1
    if end and raw[end - 1] in _QUOTES:
        end -= 1
    return raw.endswith(_LINKED_KEYS, 0, end)
