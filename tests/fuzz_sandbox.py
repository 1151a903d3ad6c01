"""The command fuzzer's world: a journal with a few sessions (some damaged on purpose),
how to put it back before each run, and the tree hash that says whether a command
changed anything.

Everything a vector can name lives inside one sandbox folder: the journal (`repo/`)
and the things around it (`outside/`: folders, links, device nodes made with mknod, a
FIFO). No vector names a path outside the sandbox, so a command that writes where it
should not (`site build -o DIR` emptying DIR) can only hurt the sandbox, which is put
back from its template before every run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

from tests.fuzz_runner import run_in_process

IDS = (
    "2025-11-04-sqlalchemy-mapper-error",
    "2025-11-05-cache-stampede",
    "2025-11-06-torn-line",
    "2025-11-07-bad-yaml",
    "2025-11-08-timeline-folder",
)
DAMAGED = IDS[2:]
REPORT = """\
# Session 3: Queue backlog

**Date:** 2025-10-01
**Status:** resolved

## Executive summary

The queue backed up after a deploy.

## Timeline

- 10:00 — alerts fired
- 10:30 — rolled back
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _journal(cwd: Path, *args: str) -> None:
    done = run_in_process(list(args), cwd)
    assert done.code == 0, f"journal {args}: {done.err}"


def make_template(base: Path) -> dict[str, Path]:
    """Two sandboxes under `base`: 'clean' (two sound sessions) and 'damaged' (the
    same plus a torn timeline line, a session.yaml that is not YAML and a timeline
    that is a folder)."""
    clean = base / "clean"
    repo = clean / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _journal(repo, "init")
    (repo / "journal.yaml").write_text(
        (repo / "journal.yaml")
        .read_text()
        .replace("timezone: UTC", "timezone: Europe/Berlin")
    )
    _journal(
        repo,
        "new",
        "SQLAlchemy mapper error",
        "--at",
        "2025-11-04T01:00:00+00:00",
        "--number",
        "8",
        "--severity",
        "critical",
        "--tag",
        "db",
    )
    for args in (
        (
            "log",
            "Workers failing",
            "--kind",
            "detected",
            "--at",
            "2025-11-04T01:05:00+00:00",
        ),
        ("option", "add", "Comment out the relationship", "--pro", "safe"),
        ("option", "add", "Add the model"),
        ("criterion", "add", "Build succeeds"),
        ("step", "add", "Add the School model", "--horizon", "long"),
        ("validate", "add", "Build passes", "--command", "true"),
        ("validate", "add", "Echo", "--command", "echo ok"),
        ("lesson", "add", "Monitoring catches what tests miss"),
    ):
        _journal(repo, *args)
    _journal(
        repo,
        "new",
        "Cache stampede",
        "--at",
        "2025-11-05T09:00:00+00:00",
        "--number",
        "9",
        "--no-activate",
    )
    (repo / "ROOTFILE").write_text("a file at the repository root\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Add the journal\n\nJournal-Session: " + IDS[0])
    _make_outside(clean / "outside", repo)
    damaged = base / "damaged"
    shutil.copytree(clean, damaged, symlinks=True)
    _damage(damaged / "repo")
    return {"clean": clean, "damaged": damaged}


def _damage(repo: Path) -> None:
    sessions = repo / "sessions"
    line = '- {"at": "2025-11-06T10:00:00+00:00", "kind": "note", "text": "whole"}\n'
    for sid, title in zip(
        DAMAGED, ("Torn line", "Bad YAML", "Timeline folder"), strict=True
    ):
        folder = sessions / sid
        folder.mkdir()
        (folder / "session.yaml").write_text(f"title: {title}\nstatus: open\n")
        (folder / "timeline.yaml").write_text(line)
    (sessions / DAMAGED[0] / "timeline.yaml").write_text(
        line + '- {"at": "2025-11-06T1'
    )
    (sessions / DAMAGED[1] / "session.yaml").write_text(
        "title: [unclosed\nstatus: open\n"
    )
    timeline = sessions / DAMAGED[2] / "timeline.yaml"
    timeline.unlink()
    timeline.mkdir()


def _make_outside(outside: Path, repo: Path) -> None:
    (outside / "dir").mkdir(parents=True)
    (outside / "dir" / "notes.txt").write_text("a file nobody may delete\n")
    (outside / "emptydir").mkdir()
    (outside / "report.md").write_text(REPORT)
    (outside / "binary.bin").write_bytes(b"\x00\x01\x02\xff" * 64)
    (outside / "latin1.md").write_bytes("# Caf\xe9 down\n".encode("latin-1"))
    # Relative targets: a copy of the sandbox links within itself, never to the template.
    target = Path("..", repo.name, "sessions", IDS[0], "session.yaml")
    (outside / "link-to-session").symlink_to(target)
    (outside / "link-to-dir").symlink_to("dir")
    (outside / "dangling").symlink_to("no-such-file")
    (outside / "loop").symlink_to("loop")


def add_specials(sandbox: Path) -> set[str]:
    """Device nodes and a FIFO in `outside/` (made per run: copying one would read it).
    Returns the names made; mknod needs root, so elsewhere only the FIFO is made."""
    outside = sandbox / "outside"
    made = set()
    for name, minor in (("null", 3), ("zero", 5)):
        with contextlib.suppress(OSError):
            os.mknod(outside / name, stat.S_IFCHR | 0o666, os.makedev(1, minor))
            made.add(name)
    with contextlib.suppress(OSError):
        os.mkfifo(outside / "fifo")
        made.add("fifo")
    return made


def restore(template: Path, sandbox: Path) -> None:
    """Put `sandbox` back exactly as `template` (plus its special files).

    Only what differs by type, size, time or mode is copied again (a full copy costs
    ~150 ms a run), git's objects included: a run may delete them (`site build -o .`).
    """
    try:
        _sync(template, sandbox)
    except OSError:  # a run made part of the sandbox unreadable: start again
        if sandbox.exists() or sandbox.is_symlink():
            _make_removable(sandbox)
            shutil.rmtree(sandbox)
        shutil.copytree(template, sandbox, symlinks=True)
    add_specials(sandbox)


_SPECIALS = {
    "outside/null": stat.S_IFCHR,
    "outside/zero": stat.S_IFCHR,
    "outside/fifo": stat.S_IFIFO,
}
Entry = tuple[int, int, int, int, str]
_MANIFESTS: dict[Path, dict[str, Entry]] = {}


def _sync(template: Path, sandbox: Path) -> None:
    if not sandbox.exists():
        shutil.copytree(template, sandbox, symlinks=True)
        return
    want = _MANIFESTS.get(template) or _MANIFESTS.setdefault(
        template, _manifest(template)
    )
    have = _manifest(sandbox)
    gone = _prune(sandbox, want, have)
    for rel, entry in sorted(want.items()):
        if rel not in gone and have.get(rel) == entry:
            continue
        _put(template / rel, sandbox / rel, entry)


def _prune(sandbox: Path, want: dict[str, Entry], have: dict[str, Entry]) -> set[str]:
    """Remove what the template does not have as that kind; returns what went."""
    gone: set[str] = set()
    for rel in sorted(have):
        if rel.rpartition("/")[0] in gone:
            gone.add(rel)
            continue
        if _SPECIALS.get(rel) == have[rel][0]:
            continue
        if want.get(rel, (None,))[0] != have[rel][0]:
            _remove(sandbox / rel)
            gone.add(rel)
    return gone


def _put(source: Path, target: Path, entry: Entry) -> None:
    kind = entry[0]
    if kind == stat.S_IFDIR:
        target.mkdir(exist_ok=True)
        target.chmod(entry[3])
        return
    if target.is_symlink():
        target.unlink()
    if kind == stat.S_IFLNK:
        target.symlink_to(entry[4])
    else:
        shutil.copy2(source, target)


def _manifest(root: Path) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(root / rel if rel else root) as found:
            for entry in found:
                name = f"{rel}/{entry.name}" if rel else entry.name
                info = entry.stat(follow_symlinks=False)
                kind = stat.S_IFMT(info.st_mode)
                regular = kind == stat.S_IFREG
                entries[name] = (
                    kind,
                    info.st_size if regular else 0,
                    info.st_mtime_ns if regular else 0,
                    stat.S_IMODE(info.st_mode),
                    str(Path(entry.path).readlink()) if kind == stat.S_IFLNK else "",
                )
                if kind == stat.S_IFDIR:
                    stack.append(name)
    return entries


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        _make_removable(path)
        path.chmod(0o755)
        shutil.rmtree(path)
    else:
        path.unlink()


def _make_removable(sandbox: Path) -> None:
    # A run may chmod a folder; rmtree must still get through it.
    for folder, dirs, _files in os.walk(sandbox):
        for name in dirs:
            with contextlib.suppress(OSError):
                path = Path(folder, name)
                if not path.is_symlink():
                    path.chmod(0o755)


# Under .git only what a failed command must not touch is compared: git rewrites its
# index and objects on reads, and the state folder keeps caches.
_GIT_KEPT = ("HEAD", "config", "hooks", "info", "refs", "packed-refs", "journal/active")


def tree_hash(sandbox: Path) -> dict[str, str]:
    """Every entry under `sandbox` → a digest of its kind and content (never opening a
    device or a FIFO)."""
    entries: dict[str, str] = {}
    for folder, dirs, files in os.walk(sandbox):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(folder, name)
            rel = path.relative_to(sandbox).as_posix()
            if not _compared(rel):
                continue
            entries[rel] = _digest(path)
    return entries


def _compared(rel: str) -> bool:
    parts = rel.split("/")
    if parts[1:2] == [".journal-site"]:
        return False  # site.docs_dir: pages generated for the builder, git-ignored
    if parts[1:2] != [".git"]:
        return True
    inner = "/".join(parts[2:])
    return not inner or any(
        inner == kept or inner.startswith(kept + "/") or kept.startswith(inner + "/")
        for kept in _GIT_KEPT
    )


def _digest(path: Path) -> str:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return "link:" + str(path.readlink())
    if stat.S_ISDIR(info.st_mode):
        return f"dir:{info.st_mode & 0o777:o}"
    if not stat.S_ISREG(info.st_mode):
        return f"special:{stat.S_IFMT(info.st_mode)}"
    try:
        return (
            f"file:{info.st_mode & 0o777:o}:"
            + hashlib.sha256(path.read_bytes()).hexdigest()
        )
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The paths that differ, in order."""
    return sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
