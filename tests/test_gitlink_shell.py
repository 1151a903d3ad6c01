"""The one git seam: environment, errors, and that nothing else starts git."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

import journal
from journal.gitlink import shell
from journal.gitlink.shell import GitError, NotARepoError, run_git
from tests.conftest import Cli, git


def test_hook_variables_do_not_leak_into_our_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    monkeypatch.setenv("GIT_DIR", "/nonexistent/.git")
    monkeypatch.setenv("GIT_INDEX_FILE", "/nonexistent/index")
    out = run_git(["rev-parse", "--show-toplevel"], cwd=tmp_path)
    assert Path(out.strip()) == tmp_path.resolve()


def test_tests_can_swap_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake(args: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        seen.append(args)
        return subprocess.CompletedProcess(args, 0, b"faked\n", b"")

    monkeypatch.setattr(shell, "RUNNER", fake)
    assert run_git(["status"], cwd=Path()) == "faked\n"
    assert seen == [["git", "status"]]


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotARepoError) as info:
        run_git(["log"], cwd=tmp_path)
    assert info.value.one_line() == (
        f"{tmp_path} is not in a git repository — run `git init` there, "
        "or run journal inside a git checkout"
    )


def test_git_failure_names_the_command(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(GitError) as info:
        run_git(["rev-parse", "--verify", "no-such-ref"], cwd=tmp_path)
    assert info.value.message.startswith("git rev-parse failed: ")


def test_missing_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError) as info:
        run_git(["status"], cwd=tmp_path)
    assert info.value.message == "git is not installed (or not on PATH)"


# Modules that start other programs, each for its own reason; none of them git.
PROCESS_STARTERS = {
    "gitlink/shell.py": "the one git seam",
    "process.py": "the seam for the programs users ask for (exec, verify, builders)",
}
_STARTING_CALLS = {
    "subprocess": {
        "Popen", "run", "call", "check_call", "check_output", "getoutput",
        "getstatusoutput",
    },
    "os": {"system", "popen", "posix_spawn", "posix_spawnp", "fork", "forkpty"}
    | {f"exec{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")}
    | {f"spawn{s}" for s in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
    "pty": {"spawn"},
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
}  # fmt: skip


def _starts_processes(tree: ast.Module) -> bool:
    """Uses one of the standard library's ways to start a program (by attribute,
    `subprocess.run`, or imported by name, `from subprocess import run`); type
    annotations such as `subprocess.Popen[bytes]` start nothing."""
    annotations = {id(n) for a in _annotations(tree) for n in ast.walk(a)}
    for node in ast.walk(tree):
        if id(node) in annotations:
            continue
        if isinstance(node, ast.ImportFrom) and any(
            a.name in _STARTING_CALLS.get(node.module or "", ()) for a in node.names
        ):
            return True
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in _STARTING_CALLS.get(node.value.id, ())
        ):
            return True
    return False


def _annotations(tree: ast.Module) -> list[ast.expr]:
    found: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node.returns)
        elif isinstance(node, ast.arg | ast.AnnAssign):
            found.append(node.annotation)
    return [a for a in found if a is not None]


def _modules() -> dict[str, ast.Module]:
    package = Path(journal.__file__).parent
    return {
        path.relative_to(package).as_posix(): ast.parse(path.read_text("utf-8"))
        for path in sorted(package.rglob("*.py"))
    }


def test_only_the_seams_start_processes() -> None:
    modules = _modules()
    assert len(modules) > 50, "the scan must cover the whole package"
    starters = {name for name, tree in modules.items() if _starts_processes(tree)}
    assert starters == set(PROCESS_STARTERS)


def test_nothing_but_the_seam_names_git_as_a_program() -> None:
    """`"git"` as a value (an argv's first word) appears in the seam only: any other
    module would start git without clearing the variables a hook's git set."""
    naming = {
        name
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value == "git"
    }
    assert naming == {"gitlink/shell.py"}


def test_a_stray_git_dir_does_not_hide_unknown_commits(
    cli: Cli, session_id: str
) -> None:
    """`journal check` asks git which commits exist; with GIT_DIR set (as inside a
    hook, or by hand) it must still ask the journal's own repository."""
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", "journal")
    known = git(cli.root, "rev-parse", "HEAD")
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    with timeline.open("a", encoding="utf-8") as out:
        for sha in (known, "deadbeef" * 5):
            event = {"at": "2025-11-04T01:06:00+00:00", "kind": "commit", "text": "x"}
            out.write("- " + json.dumps({**event, "sha": sha}) + "\n")
    for env in ({}, {"GIT_DIR": "/nonexistent"}, {"GIT_DIR": str(cli.root / ".git")}):
        result = cli("check", "--json", env=env)
        found = [
            (i["rule"], i["message"])
            for i in json.loads(result.out)["findings"]
            if i["rule"] == "commit-unknown"
        ]
        assert found == [
            ("commit-unknown", "commit deadbeefdead is not in this repository")
        ], env
