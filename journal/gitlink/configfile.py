"""`remote.origin.url` read from git's own configuration files, without a process,
when every file git would read says it plainly; None (ask git) whenever git could
read it otherwise: an include, a quoted, escaped or commented value, a worktree's
own configuration, configuration given in the environment, a repository git would
refuse or not find the same way, a system file whose place only git knows.

A site of several journals asked git once a journal (2-5 ms a process); the files
are a few hundred bytes. Standard library only: the hook's package imports this
layer's top.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Any of these makes git read configuration, or find the repository, in a way
# the files alone do not show.
_ENVIRONMENT = (
    "GIT_DIR",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
)
_TRUE = frozenset(("1", "true", "yes", "on"))
_XDG_FILE = "git/config"
"""The global file under `$XDG_CONFIG_HOME` (one string: only the seam names
`"git"` alone, as a program)."""
_HEADER = re.compile(r'\[([A-Za-z0-9-]+)(?: "([^"\\]*)")?\]')
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9-]*)[ \t]*=[ \t]*(.*)")
_PLAIN_VALUE = re.compile(r'[^"\\#;]*')

_ABSENT = ""
"""A file that does not set the key (or is missing: git skips it too)."""
_SKIP = object()
"""A file git does not read here."""


def origin_from_files(root: Path) -> str | None:
    """What `git config --get remote.origin.url` run in `root` prints (stripped;
    "" when it prints nothing), or None when only git can say."""
    if any(name in os.environ for name in _ENVIRONMENT):
        return None
    local = _local_config(root)
    # git reads system, global (XDG's, then the home folder's), then local: the
    # last value read wins, so the files are looked at from the last.
    for path in (local, _global_home(), _global_xdg(), _system()):
        if path is None:
            return None
        if path is _SKIP:
            continue
        assert isinstance(path, Path)
        found = _url_in(path)
        if found != _ABSENT:
            return found
    return ""


def _local_config(root: Path) -> Path | object | None:
    """The repository's config file, `_SKIP` outside a repository, None when git
    might find or trust the repository otherwise."""
    try:
        folder = root.resolve()
        device = folder.stat().st_dev
        for here in (folder, *folder.parents):
            if here.stat().st_dev != device:
                break  # git stops at another file system: not in a repository
            dot_git = here / ".git"
            if dot_git.is_dir():
                return _checked(dot_git)
            if dot_git.exists() or (here / "HEAD").exists():
                return None  # a worktree's or submodule's `.git` file; a bare one
    except OSError:
        return None
    return _SKIP


def _checked(git_dir: Path) -> Path | None:
    """The config of a plain repository git would trust (`safe.directory`: its
    folders are the user's own)."""
    try:
        if not (git_dir / "HEAD").is_file() or (git_dir / "commondir").exists():
            return None
        uid = os.getuid()
        if git_dir.stat().st_uid != uid or git_dir.parent.stat().st_uid != uid:
            return None
    except (OSError, AttributeError):  # no getuid: not POSIX
        return None
    return git_dir / "config"


def _global_home() -> Path | object | None:
    named = os.environ.get("GIT_CONFIG_GLOBAL")
    if named is not None:
        return Path(named) if named else None
    home = os.environ.get("HOME")
    return Path(home) / ".gitconfig" if home else None


def _global_xdg() -> Path | object | None:
    if "GIT_CONFIG_GLOBAL" in os.environ:
        return _SKIP  # the only global file git reads then
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg is not None:
        return Path(xdg) / _XDG_FILE if xdg else None
    home = os.environ.get("HOME")
    return Path(home) / ".config" / _XDG_FILE if home else None


def _system() -> Path | object | None:
    if os.environ.get("GIT_CONFIG_NOSYSTEM", "").strip().lower() in _TRUE:
        return _SKIP
    named = os.environ.get("GIT_CONFIG_SYSTEM")
    return Path(named) if named else None  # else only git knows where it is


def _url_in(path: Path) -> str | None:
    """The last `url` of `[remote "origin"]` in one file, `_ABSENT`, or None when
    the file holds anything this reading does not follow."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return _ABSENT
    except (OSError, UnicodeDecodeError):
        return None
    return _url_in_text(text)


def _url_in_text(text: str) -> str | None:
    found = _ABSENT
    section: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            header = _HEADER.fullmatch(line)
            if header is None or header[1].lower() in ("include", "includeif"):
                return None  # a header this reading does not follow, or an include
            section = header[1].lower(), header[2]
            continue
        key = _KEY.fullmatch(line)
        # Quotes and backslashes (escapes, a value going on over the next line)
        # anywhere: left to git.
        if key is None or section is None or '"' in key[2] or "\\" in key[2]:
            return None
        name, value = key[1].lower(), key[2].strip()
        if section[0] == "extensions" and name == "worktreeconfig":
            return None
        if section == ("remote", "origin") and name == "url":
            if not _PLAIN_VALUE.fullmatch(value):
                return None  # a comment after it: git cuts it, this does not
            found = value
    return found
