"""The stamp of `render --all` (`render/stamp.py`) never answers for a journal that
changed: whatever is edited behind journal's back — a session, a report, a template,
the configuration, HEAD, the stamp itself — the next `render --all` leaves the same
reports as a run from nothing, and a run with nothing changed answers from the stamp
without the index, the manifest or git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.render.stamp import current, reports_folder, stamp_path
from journal.store.sessions import Journal
from tests.conftest import REPO, Cli, git, run_journal, run_setup, snapshot

# The process boundary is what is tested: the fast path of `render --all` and its stamp between processes.
pytestmark = pytest.mark.subprocess

API = "2025-11-12-api-latency-spike"
FIX = "2025-11-04-fix-validation"


@pytest.fixture
def example(cli: Cli) -> Cli:
    """The test journal holding a copy of the example sessions, rendered once (which
    leaves every report current, so a stamp), in a repository with one commit."""
    shutil.rmtree(cli.root / "sessions")
    shutil.copytree(REPO / "sessions", cli.root / "sessions")
    shutil.copy(REPO / "journal.yaml", cli.root / "journal.yaml")
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", "the example sessions")
    # The setup's render writes the stamp in this process; every render the tests
    # then run (and so every answer from the stamp) is a process of its own.
    rendered = run_setup("render", "--all", "--json", cwd=cli.root)
    assert rendered.code == 0, rendered.err
    assert _stamped(cli)
    return cli


def _render_all(cli: Cli) -> dict[str, object]:
    data: dict[str, object] = json.loads(cli.ok("render", "--all", "--json").out)
    return data


def _stamped(cli: Cli) -> bool:
    """Whether the stamp alone says every report is current."""
    journal = Journal.open(cli.root)
    answer = current(journal, reports_folder(journal), journal.config.ascii)
    return answer is not None and answer == journal.session_ids()


def _assert_as_from_nothing(cli: Cli, tmp_path: Path) -> None:
    """The reports folder holds what a run from nothing writes, and the run after
    answers from the stamp again."""
    fresh = tmp_path / "fresh"
    # The reports from nothing, to compare with: no stamp to answer from, so no
    # process boundary to test in making them.
    made = run_setup("render", "--all", "-o", str(fresh), cwd=cli.root)
    assert made.code == 0, made.err
    assert snapshot(cli.root / "reports") == snapshot(fresh)
    shutil.rmtree(fresh)
    assert _stamped(cli)
    assert _render_all(cli)["written"] == []


def _rewrite_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Edit in place (same inode), same size, then put the old mtime back."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    with path.open("r+", encoding="utf-8") as handle:
        handle.write(text.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (
        before.st_mtime_ns,
        before.st_size,
        before.st_ino,
    )


def _session_edited_keeping_mtime(root: Path) -> None:
    _rewrite_keeping_mtime(
        root / "sessions" / API / "session.yaml", "API latency", "API Latency"
    )


def _timeline_appended(root: Path) -> None:
    line = {"at": "2025-11-12T15:30:00+00:00", "kind": "note", "text": "Postmortem"}
    with (root / "sessions" / API / "timeline.yaml").open("a", encoding="utf-8") as f:
        f.write(f"- {json.dumps(line)}\n")


def _older_version_checked_out(root: Path) -> None:
    session = root / "sessions" / API / "session.yaml"
    session.write_text(session.read_text("utf-8").replace("spike", "storm"), "utf-8")
    git(root, "commit", "-qam", "storm")
    assert run_journal("render", "--all", cwd=root).code == 0
    git(root, "checkout", "-q", "HEAD~1", "--", "sessions")


def _report_edited_keeping_mtime(root: Path) -> None:
    _rewrite_keeping_mtime(root / "reports" / f"{FIX}.md", "Validate", "VALIDATE")


def _report_deleted(root: Path) -> None:
    (root / "reports" / f"{FIX}.md").unlink()


def _report_of_no_session_added(root: Path) -> None:
    (root / "reports" / "2024-01-01-gone.md").write_text("old\n", "utf-8")


def _session_removed(root: Path) -> None:
    shutil.rmtree(root / "sessions" / API)


def _session_added(root: Path) -> None:
    shutil.copytree(root / "sessions" / API, root / "sessions" / "2025-12-01-again")


def _template_added(root: Path) -> None:
    custom = root / "templates" / "report"
    custom.mkdir(parents=True)
    (custom / "footer.md.j2").write_text("---\n\n*Our footer.*\n", "utf-8")


def _configuration_changed(root: Path) -> None:
    config = root / "journal.yaml"
    config.write_text(config.read_text("utf-8") + "ascii: true\n", "utf-8")


def _commit_with_a_trailer(root: Path) -> None:
    message = f"Restart the workers\n\nJournal-Session: {API}"
    git(root, "commit", "-q", "--allow-empty", "-m", message)


EDITS: dict[str, Callable[[Path], None]] = {
    "session-edited-keeping-mtime": _session_edited_keeping_mtime,
    "timeline-appended": _timeline_appended,
    "older-version-checked-out": _older_version_checked_out,
    "report-edited-keeping-mtime": _report_edited_keeping_mtime,
    "report-deleted": _report_deleted,
    "session-removed": _session_removed,
    "session-added": _session_added,
    "template-added": _template_added,
    "configuration-changed": _configuration_changed,
    "commit-with-a-trailer": _commit_with_a_trailer,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_behind_journals_back_is_never_answered_by_the_stamp(
    example: Cli, tmp_path: Path, edit: Callable[[Path], None]
) -> None:
    edit(example.root)
    assert not _stamped(example)
    result = _render_all(example)
    assert result["written"] or result["removed"]
    _assert_as_from_nothing(example, tmp_path)


def test_files_of_ones_own_in_the_reports_folder_are_not_leftovers(
    example: Cli,
) -> None:
    (example.root / "reports" / "notes.md").write_text("mine\n", "utf-8")
    (example.root / "reports" / "README").write_text("mine\n", "utf-8")
    assert _stamped(example)
    _report_of_no_session_added(example.root)
    assert not _stamped(example)  # a file appeared: the stamp does not answer
    # Named like a report, but not one this command wrote: it stays (render --all
    # removes only the stale reports it wrote itself), and the stamp answers again.
    assert _render_all(example)["removed"] == []
    assert (example.root / "reports" / "2024-01-01-gone.md").read_text() == "old\n"
    assert (example.root / "reports" / "notes.md").read_text("utf-8") == "mine\n"
    assert _stamped(example)


def test_a_new_trailer_commit_shows_in_its_report(example: Cli) -> None:
    _commit_with_a_trailer(example.root)
    assert _render_all(example)["written"] == [API]
    assert "Restart the workers" in (example.root / "reports" / f"{API}.md").read_text()


def test_a_new_remote_changes_the_commit_links(example: Cli) -> None:
    git(example.root, "remote", "add", "origin", "https://github.com/acme/api.git")
    assert not _stamped(example)
    assert API in _render_all(example)["written"]  # type: ignore[operator]
    link = "https://github.com/acme/api/commit/3c9e1f27b0d64a5e8f1b2c3d4e5f60718293a4b5"
    assert link in (example.root / "reports" / f"{API}.md").read_text()
    assert _stamped(example)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: data.replace(b'"format": 1', b'"format": 9'),
        lambda data: b"journal-render-stamp 1 3 00000000\nabc",
    ],
    ids=["empty", "truncated", "last-byte-cut", "damaged", "other-format", "foreign"],
)
def test_a_broken_stamp_costs_only_the_full_run(
    example: Cli, damage: Callable[[bytes], bytes]
) -> None:
    journal = Journal.open(example.root)
    path = stamp_path(journal, reports_folder(journal))
    whole = path.read_bytes()
    path.write_bytes(damage(whole))
    assert not _stamped(example)
    before = snapshot(example.root / "reports")
    result = _render_all(example)
    assert result["written"] == [] and result["unchanged"] == 4
    assert snapshot(example.root / "reports") == before
    assert path.read_bytes() == whole


def test_a_failed_run_leaves_no_stamp_that_answers(example: Cli) -> None:
    broken = example.root / "sessions" / FIX / "session.yaml"
    broken.write_text("title: [unclosed\n", "utf-8")
    assert example("render", "--all").code == 1
    assert not _stamped(example)
    assert example("render", "--all").code == 1  # still failing, not "unchanged"


def test_a_run_with_nothing_changed_reads_no_cache_and_starts_no_git(
    example: Cli,
) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "journal", "render", "--all"],
        cwd=example.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "4 unchanged" in done.stdout
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "journal.render.stamp" in modules
    for heavy in ("journal.render.batch", "journal.render.index", "subprocess"):
        assert heavy not in modules, heavy
