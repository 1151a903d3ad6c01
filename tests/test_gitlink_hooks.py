"""`journal hook install|uninstall|status`: where hooks go, chaining, refusing, undoing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, git, snapshot
from tests.gitlink_support import SID, commit, linked

FOREIGN_SH = (
    '#!/bin/sh\nset -e\necho foreign-ran >> "$(git rev-parse --git-dir)/ran"\nexit 0\n'
)

# The process boundary is what is tested: hooks: the installed scripts and the commands git runs.
pytestmark = pytest.mark.subprocess


def _hooks(root: Path) -> Path:
    return root / ".git" / "hooks"


def _all_files(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def test_install_writes_both_hooks_and_status_reports_them(
    cli: Cli, journal_root: Path
) -> None:
    out = cli.ok("hook", "install", "--post-commit").out
    for name in ("post-commit", "commit-msg"):
        path = _hooks(journal_root) / name
        assert f"installed: {path}" in out
        assert path.stat().st_mode & 0o111
        assert path.read_text().startswith("#!/bin/sh\n# >>> journal")
    status = json.loads(cli.ok("hook", "status", "--json").out)
    assert [(h["name"], h["state"], h["outdated"]) for h in status["hooks"]] == [
        ("post-commit", "installed", False),
        ("commit-msg", "installed", False),
    ]
    assert "already installed" in cli.ok("hook", "install", "--post-commit").out


def test_no_commit_msg_installs_only_post_commit(cli: Cli, journal_root: Path) -> None:
    cli.ok("hook", "install", "--post-commit")
    out = cli.ok("hook", "install", "--post-commit", "--no-commit-msg").out
    assert "removed" in out
    assert not (_hooks(journal_root) / "commit-msg").exists()
    assert (_hooks(journal_root) / "post-commit").exists()


def test_uninstall_removes_exactly_what_install_added(
    cli: Cli, journal_root: Path
) -> None:
    before = _all_files(journal_root / ".git" / "hooks")
    cli.ok("hook", "install", "--post-commit")
    cli.ok("hook", "uninstall")
    assert _all_files(journal_root / ".git" / "hooks") == before
    assert "nothing to do" in cli.ok("hook", "uninstall").out


def test_chains_into_a_foreign_shell_hook_and_both_run(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    hook = _hooks(journal_root) / "post-commit"
    hook.write_text(FOREIGN_SH)
    hook.chmod(0o755)
    assert "chained" in cli.ok("hook", "install", "--post-commit").out
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\n# >>> journal post-commit hook (chained)")
    assert text.endswith(
        'set -e\necho foreign-ran >> "$(git rev-parse --git-dir)/ran"\nexit 0\n'
    )
    sha = commit(journal_root, "Fix with two hooks")
    assert (journal_root / ".git" / "ran").read_text() == "foreign-ran\n"
    assert linked(journal_root) == [sha]
    status = cli.ok("hook", "status").out
    assert "post-commit  chained" in status
    cli.ok("hook", "uninstall")
    assert hook.read_text() == FOREIGN_SH


def test_refuses_a_foreign_hook_it_cannot_chain(cli: Cli, journal_root: Path) -> None:
    hook = _hooks(journal_root) / "post-commit"
    hook.write_text("#!/usr/bin/env python3\nprint('mine')\n")
    hook.chmod(0o755)
    cli.ok("list")  # the first command caches the configuration
    before = _all_files(journal_root / ".git")
    files = snapshot(journal_root)
    result = cli("hook", "install", "--post-commit")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err.startswith(
        f"journal: error: {hook} is a hook that is not journal's"
    )
    assert "--force" in result.err
    assert _all_files(journal_root / ".git") == before
    assert snapshot(journal_root) == files
    assert "post-commit  foreign" in cli.ok("hook", "status").out


def test_force_replaces_with_a_backup_and_uninstall_restores(
    cli: Cli, journal_root: Path
) -> None:
    hook = _hooks(journal_root) / "post-commit"
    original = "#!/usr/bin/env python3\nprint('mine')\n"
    hook.write_text(original)
    hook.chmod(0o755)
    out = cli.ok("hook", "install", "--post-commit", "--force").out
    assert "replaced" in out
    backup = _hooks(journal_root) / "post-commit.journal-backup"
    assert backup.read_text() == original
    assert "post-commit  replaced" in cli.ok("hook", "status").out
    cli.ok("hook", "uninstall")
    assert hook.read_text() == original and not backup.exists()


def test_core_hooks_path_is_honoured(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    git(journal_root, "config", "core.hooksPath", ".githooks")
    out = cli.ok("hook", "install", "--post-commit").out
    target = journal_root / ".githooks" / "post-commit"
    assert f"installed: {target}" in out and "core.hooksPath is .githooks" in out
    assert not (_hooks(journal_root) / "post-commit").exists()
    sha = commit(journal_root, "Fix through hooksPath")
    assert linked(journal_root) == [sha]
    status = json.loads(cli.ok("hook", "status", "--json").out)
    assert status["core_hooks_path"] == ".githooks"
    assert status["hooks_dir"] == str(journal_root / ".githooks")


def test_outdated_hook_is_reported_and_updated(cli: Cli, journal_root: Path) -> None:
    cli.ok("hook", "install", "--post-commit")
    hook = _hooks(journal_root) / "post-commit"
    hook.write_text(hook.read_text().replace("py='", "py='/old/venv"))
    status = cli.ok("hook", "status").out
    assert "post-commit  installed — outdated" in status
    assert "updated" in cli.ok("hook", "install", "--post-commit").out
    assert "— outdated" not in cli.ok("hook", "status").out


def test_journal_in_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs" / "ops").mkdir(parents=True)
    git(repo, "init", "-q")
    cli = Cli(repo / "docs" / "ops")
    cli.ok("init")
    cli.ok("hook", "install", "--post-commit")
    cli.ok("new", "SQLAlchemy mapper error", "--at", "2025-11-04T01:00:00+00:00")
    sha = commit(repo, "Fix from the top of the checkout")
    assert linked(repo / "docs" / "ops") == [sha]
    assert (
        git(repo, "log", "-1", "--format=%(trailers:key=Journal-Session,valueonly)")
        == SID
    )


def test_bare_repository_is_refused_clearly(tmp_path: Path) -> None:
    bare = tmp_path / "b.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    cli = Cli(bare)
    cli.ok("init")
    cli.ok("list")
    files = snapshot(bare)
    result = cli("hook", "install", "--post-commit")
    assert result.code == 2
    assert result.err.startswith(f"journal: error: {bare} is a bare repository")
    assert "clone that has a work tree" in result.err
    assert snapshot(bare) == files
    assert not (bare / "hooks" / "post-commit").exists()


@pytest.mark.parametrize(
    "args", [("hook", "install"), ("hook", "status"), ("hook", "uninstall")]
)
def test_not_a_repository(tmp_path: Path, args: tuple[str, ...]) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    cli = Cli(folder)
    cli.ok("init")
    cli.ok("list")
    files = snapshot(folder)
    result = cli(*args)
    assert result.code == 1
    assert result.err == (
        f"journal: error: {folder} is not in a git repository — run `git init` there, "
        "or run journal inside a git checkout\n"
    )
    assert snapshot(folder) == files


def test_trailer_only_mode_never_touches_the_work_tree_and_sync_links_later(
    cli: Cli, session_id: str
) -> None:
    cli.ok("hook", "install", "--no-post-commit")
    hooks = Path(git(cli.root, "rev-parse", "--git-path", "hooks"))
    hooks = hooks if hooks.is_absolute() else cli.root / hooks
    assert (hooks / "commit-msg").is_file() and not (hooks / "post-commit").exists()
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", "Fix the mapper")
    assert git(cli.root, "status", "--porcelain") == ""
    message = git(cli.root, "log", "-1", "--format=%B")
    assert f"Journal-Session: {session_id}" in message
    cli.ok("sync")
    timeline = (cli.root / "sessions" / session_id / "timeline.yaml").read_text()
    assert '"kind": "commit"' in timeline and "Fix the mapper" in timeline


def test_switching_both_hooks_off_is_refused(cli: Cli) -> None:
    result = cli("hook", "install", "--no-post-commit", "--no-commit-msg")
    assert result.code == 2 and "nothing to install" in result.err


def _commit_with_path(
    root: Path, message: str, path: str
) -> subprocess.CompletedProcess[str]:
    (root / f"{message.split()[0].lower()}.txt").write_text(message + "\n")
    git(root, "add", "-A")
    env = {**os.environ, "PATH": path}
    done = subprocess.run(
        ["git", "commit", "-q", "-m", message],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_item14_committed_hooks_name_journal_portably(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    # issue 26 item 14: a hook inside the work tree is committed, and ran this
    # machine's virtualenv by its absolute path on every teammate's clone.
    git(journal_root, "config", "core.hooksPath", ".githooks")
    cli.ok("hook", "install", "--post-commit")
    import journal as package

    lib = str(Path(package.__file__).resolve().parent.parent)
    for name in ("commit-msg", "post-commit"):
        text = (journal_root / ".githooks" / name).read_text()
        assert sys.executable not in text and lib not in text, name
        assert str(journal_root) not in text
    status = json.loads(cli.ok("hook", "status", "--json").out)
    assert not any(h.get("outdated") for h in status["hooks"]), status
    # journal on PATH (this test's virtualenv): both hooks work
    venv = str(Path(sys.executable).parent)
    _commit_with_path(
        journal_root, "Fix with journal installed", f"{venv}:/usr/bin:/bin"
    )
    git_sha = git(journal_root, "rev-parse", "HEAD")
    assert linked(journal_root)[-1] == git_sha
    trailer = git(journal_root, "log", "-1", "--format=%(trailers:key=Journal-Session)")
    assert trailer == f"Journal-Session: {SID}"
    # a teammate without journal: the commit stands, with one line saying why
    done = _commit_with_path(journal_root, "Teammate commit", "/usr/bin:/bin")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("journal: warning: "), lines
    assert "not installed" in lines[0]
    assert git(journal_root, "log", "-1", "--format=%s") == "Teammate commit"


def test_item14_hooks_in_the_git_folder_keep_the_exact_python(
    cli: Cli, journal_root: Path
) -> None:
    cli.ok("hook", "install")
    text = (_hooks(journal_root) / "commit-msg").read_text()
    assert f"py='{sys.executable}'" in text
