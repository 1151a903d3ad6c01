"""Git: commits linked to sessions, hooks, sync, and web links to the forge.

This package's top level stays light (standard library only): the post-commit hook
imports `journal.gitlink.shell` through it. The report renderer uses the two URL
builders below.
"""

from __future__ import annotations

from journal.errors import JournalError

TYPE_CHECKING = False  # the hook imports this package: no typing, no pathlib
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def origin_url(root: Path) -> str:
    """`remote.origin.url`, which commit and file links point at; "" without one.
    Read from git's files when they say it plainly (`configfile`), else asked of
    git."""
    from journal.gitlink.configfile import origin_from_files

    found = origin_from_files(root)
    if found is not None:
        return found
    return _git(root, "config", "--get", "remote.origin.url")


def _git(root: Path, *args: str) -> str:
    """What git prints in `root`, stripped; "" when it fails or finds nothing."""
    from journal.gitlink.shell import run_git

    try:
        return run_git(args, cwd=root, ok_codes=(0, 1)).strip()
    except (JournalError, OSError):
        return ""


def commit_url_builder(root: Path, *, web_url: str = "") -> Callable[[str], str | None]:
    """Returns sha -> web URL of that commit on origin's forge (the forges `remote.py`
    knows; `web_url` of journal.yaml, with {sha} and {path} placeholders, for a
    self-hosted one), or a function returning None when there is no remote, no known
    forge or no repository. Reads the remote once."""
    from journal.gitlink.remote import commit_url, parse_remote, pattern_commit_url

    remote = parse_remote(origin_url(root))
    if web_url:
        return lambda sha: pattern_commit_url(web_url, remote, sha) if sha else None
    if remote is None or commit_url(remote, "0") is None:
        return lambda _: None
    found = remote
    return lambda sha: commit_url(found, sha) if sha else None


def file_url_builder(root: Path, *, web_url: str = "") -> Callable[[str], str | None]:
    """Returns path in repo -> blob URL on the default branch, or None.

    The path is relative to the repository's top folder (an absolute path inside the
    checkout works too) and may end in `:12` or `:12-20` to point at lines. With a
    `web_url` pattern the forge's style is read from the pattern.
    """
    from journal.gitlink.remote import file_url, from_pattern, parse_remote

    remote = parse_remote(origin_url(root))
    if web_url:
        remote = from_pattern(web_url, remote)
    if remote is None or file_url(remote, "x", branch="HEAD") is None:
        return lambda _: None
    found = remote
    branch = _default_branch(root, found.forge)
    top: list[Path] = []

    def build(path: str) -> str | None:
        if not path:
            return None
        relative = _in_repo(root, path, top)
        return file_url(found, relative, branch=branch) if relative else None

    return build


def _default_branch(root: Path, forge: str) -> str:
    ref = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if ref.startswith("origin/"):
        return ref[len("origin/") :]
    # GitHub, GitLab and Bitbucket read HEAD as "the default branch"; the others don't.
    return "HEAD" if forge in {"github", "gitlab", "bitbucket"} else "main"


def _in_repo(root: Path, path: str, top: list[Path]) -> str | None:
    from pathlib import Path

    if not Path(path.split(":")[0]).is_absolute():
        return path.replace("\\", "/").removeprefix("./")
    if not top:
        found = _git(root, "rev-parse", "--show-toplevel")
        if not found:
            return None
        top.append(Path(found))
    try:
        return Path(path).relative_to(top[0]).as_posix()
    except ValueError:
        return None
