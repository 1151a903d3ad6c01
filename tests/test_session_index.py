"""The session index (`store/cache.py`, `insight/index.py`) cannot go stale: a
session edited behind journal's back — by another process, by `git checkout`, by a
rewrite that puts the old mtime back — or a broken cache file, and `list`, `todo` and
`stats` still show what the files say."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from journal.store.locate import state_dir
from tests.conftest import Cli, git
from tests.handmade import event, write_session

SID = "2025-11-04-alpha"


def _listed(cli: Cli) -> dict[str, dict[str, object]]:
    return {row["id"]: row for row in json.loads(cli.ok("list", "--json").out)}


def _todo(cli: Cli) -> list[str]:
    return [row["text"] for row in json.loads(cli.ok("todo", "--json").out)]


def _stats(cli: Cli) -> dict[str, dict[str, object]]:
    data = json.loads(cli.ok("stats", "--json").out)
    return {row["id"]: row for row in data["sessions"]}


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


@pytest.fixture
def alpha(cli: Cli) -> Path:
    return write_session(
        cli.root,
        SID,
        {
            "title": "alpha",
            "number": 1,
            "started": "2025-11-04T01:00:00+00:00",
            "next_steps": [{"text": "rotate keys"}],
        },
        [
            event("2025-11-04T01:05:00+00:00", "detected"),
            event("2025-11-04T01:35:00+00:00", "mitigated"),
        ],
    )


def test_every_command_builds_and_then_reuses_its_cache(cli: Cli, alpha: Path) -> None:
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _todo(cli) == ["rotate keys"]
    assert _stats(cli)[SID]["time_to_mitigate_s"] == 1800.0
    state = state_dir(cli.root)
    for name in ("session-index.json", "figures-index.json"):
        stored = json.loads((state / name).read_text(encoding="utf-8"))
        assert SID in stored["sessions"]
    # A warm run answers the same.
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _stats(cli)[SID]["time_to_mitigate_s"] == 1800.0


def test_a_rewrite_that_restores_the_mtime_is_still_seen(cli: Cli, alpha: Path) -> None:
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _todo(cli) == ["rotate keys"]
    assert _stats(cli)[SID]["time_to_mitigate_s"] == 1800.0
    _rewrite_keeping_mtime(alpha / "session.yaml", "alpha", "omega")
    _rewrite_keeping_mtime(alpha / "session.yaml", "rotate keys", "renew certs")
    _rewrite_keeping_mtime(alpha / "timeline.yaml", "01:35:00", "01:45:00")
    assert _listed(cli)[SID]["title"] == "omega"
    assert _todo(cli) == ["renew certs"]
    assert _stats(cli)[SID]["time_to_mitigate_s"] == 2400.0


def test_another_process_appending_events_is_seen(cli: Cli, alpha: Path) -> None:
    assert _listed(cli)[SID]["events"] == 2
    assert _stats(cli)[SID]["time_to_resolve_s"] is None
    line = json.dumps(event("2025-11-04T02:05:00+00:00", "resolved"))
    with (alpha / "timeline.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"- {line}\n")
    assert _listed(cli)[SID]["events"] == 3
    assert _listed(cli)[SID]["span_end"] == "2025-11-04T02:05:00+00:00"
    assert _stats(cli)[SID]["time_to_resolve_s"] == 3600.0


def test_git_checkout_of_an_older_version_is_seen(cli: Cli, alpha: Path) -> None:
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-qm", "alpha")
    session = alpha / "session.yaml"
    session.write_text(
        session.read_text(encoding="utf-8")
        .replace("alpha", "beta")
        .replace("rotate keys", "audit access"),
        encoding="utf-8",
    )
    git(cli.root, "commit", "-qam", "beta")
    assert _listed(cli)[SID]["title"] == "beta"
    assert _todo(cli) == ["audit access"]
    git(cli.root, "checkout", "-q", "HEAD~1", "--", "sessions")
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _todo(cli) == ["rotate keys"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "",
        lambda text: "[1, 2, 3]",
        lambda text: text.replace('"format": 1', '"format": 99'),
        lambda text: text.replace('"title": ', '"titel": '),
    ],
    ids=["truncated", "empty", "not-a-mapping", "other-format", "older-shape"],
)
def test_a_broken_cache_file_falls_back_to_the_files(
    cli: Cli, alpha: Path, damage: object
) -> None:
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _stats(cli)[SID]["time_to_mitigate_s"] == 1800.0
    state = state_dir(cli.root)
    for name in ("session-index.json", "figures-index.json"):
        path = state / name
        path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    # The files did not change: the damaged cache alone must not mislead or crash.
    assert _listed(cli)[SID]["title"] == "alpha"
    assert _stats(cli)[SID]["title"] == "alpha"
    for name in ("session-index.json", "figures-index.json"):
        path = state / name
        path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    _rewrite_keeping_mtime(alpha / "session.yaml", "alpha", "gamma")
    assert _listed(cli)[SID]["title"] == "gamma"
    assert _todo(cli) == ["rotate keys"]
    assert _stats(cli)[SID]["title"] == "gamma"


def test_sessions_added_removed_or_broken_are_seen(cli: Cli, alpha: Path) -> None:
    assert set(_listed(cli)) == {SID}
    other = write_session(cli.root, "2025-11-05-beta", {"title": "beta"})
    assert set(_listed(cli)) == {SID, "2025-11-05-beta"}
    (other / "session.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    row = _listed(cli)["2025-11-05-beta"]
    assert row["status"] == "invalid"
    result = cli.ok("stats", "--json")
    skipped = json.loads(result.out)["skipped"]
    assert [s["id"] for s in skipped] == ["2025-11-05-beta"]
    for path in other.iterdir():
        path.unlink()
    other.rmdir()
    assert set(_listed(cli)) == {SID}


def test_a_configuration_change_rebuilds_the_records(cli: Cli, alpha: Path) -> None:
    write_session(cli.root, SID, {"title": "alpha", "status": "parked"})
    # "parked" is not a known status until the configuration says so.
    assert _listed(cli)[SID]["status"] == "invalid"
    config = cli.root / "journal.yaml"
    text = config.read_text(encoding="utf-8")
    assert "statuses: [open," in text
    config.write_text(
        text.replace("statuses: [open,", "statuses: [parked, open,"), encoding="utf-8"
    )
    assert _listed(cli)[SID]["status"] == "parked"


def _check(cli: Cli, env: dict[str, str] | None = None) -> list[str]:
    result = cli("check", "--json", env=env)
    assert result.code in (0, 1), result.err
    return [f"{f['rule']}:{f['line']}" for f in json.loads(result.out)["findings"]]


def test_check_sees_edits_that_keep_the_mtime(cli: Cli, alpha: Path) -> None:
    assert _check(cli) == []
    stored = state_dir(cli.root) / "check-index.json"
    assert SID in json.loads(stored.read_text(encoding="utf-8"))["sessions"]
    _rewrite_keeping_mtime(alpha / "timeline.yaml", '"detected"', '"dXtected"')
    assert _check(cli) == ["event-kind:1"]
    stored.write_text(stored.read_text(encoding="utf-8")[:40], encoding="utf-8")
    assert _check(cli) == ["event-kind:1"]
    older = stored.read_text(encoding="utf-8").replace('"local": ', '"lokal": ')
    stored.write_text(older, encoding="utf-8")
    assert _check(cli) == ["event-kind:1"]


def test_check_runs_cross_session_rules_every_time(cli: Cli, alpha: Path) -> None:
    write_session(
        cli.root,
        SID,
        {"title": "alpha", "next_steps": [{"text": "x", "due": "2025-11-10"}]},
        [event("2025-11-04T01:05:00+00:00", "note", evidence=["evidence/a.log"])],
    )
    (alpha / "evidence").mkdir()
    (alpha / "evidence" / "a.log").write_text("a", encoding="utf-8")
    early = {"JOURNAL_NOW": "2025-11-05T00:00:00+00:00"}
    late = {"JOURNAL_NOW": "2025-11-20T00:00:00+00:00"}
    assert _check(cli, early) == []
    # Only the date moved: the cached session is reused, the due date is not.
    lines = (alpha / "session.yaml").read_text(encoding="utf-8").splitlines()
    due = next(n for n, line in enumerate(lines, 1) if "due:" in line)
    assert _check(cli, late) == [f"step-overdue:{due}"]
    (alpha / "evidence" / "a.log").unlink()
    assert sorted(_check(cli, early)) == ["evidence-missing:1"]
    # A second session with the same number: both are named, neither was edited.
    write_session(cli.root, "2025-11-06-beta", {"title": "beta", "number": 3})
    write_session(
        cli.root,
        "2025-11-07-gamma",
        {"title": "gamma", "number": 3, "previous": "2025-01-01-gone"},
    )
    found = _check(cli, early)
    assert found.count("number-duplicate:3") == 2
    assert any(f.startswith("previous-missing") for f in found)


def test_a_number_moved_behind_journals_back_resolves_to_its_new_session(
    cli: Cli, alpha: Path
) -> None:
    write_session(cli.root, "2025-11-05-beta", {"title": "beta", "number": 2})
    cli.ok("use", "1")
    assert cli.ok("log", "--session", "2", "first").out.endswith("2025-11-05-beta\n")
    _rewrite_keeping_mtime(alpha / "session.yaml", "number: 1", "number: 3")
    beta = cli.root / "sessions" / "2025-11-05-beta" / "session.yaml"
    _rewrite_keeping_mtime(beta, "number: 2", "number: 1")
    assert cli.ok("log", "--session", "#3", "x").out.endswith(f"{SID}\n")
    assert cli.ok("log", "--session", "1", "y").out.endswith("2025-11-05-beta\n")
    assert cli("log", "--session", "2", "z").code != 0
    (state_dir(cli.root) / "numbers.txt").write_text(
        "journal-numbers 1 {", encoding="utf-8"
    )
    assert cli.ok("log", "--session", "1", "y").out.endswith("2025-11-05-beta\n")


def test_a_session_added_with_a_taken_number_makes_the_number_ambiguous(
    cli: Cli, alpha: Path
) -> None:
    # The quick lookup of `--session N` answers from the cache while the folder list
    # is the one it was made for: a new folder must send it back to the files.
    assert cli.ok("log", "--session", "1", "a").out.endswith(f"{SID}\n")
    write_session(cli.root, "2025-11-05-beta", {"title": "beta", "number": 1})
    result = cli("log", "--session", "1", "b")
    assert result.code != 0
    assert "2 sessions have number 1" in result.err
    shutil.rmtree(cli.root / "sessions" / "2025-11-05-beta")
    assert cli.ok("log", "--session", "1", "c").out.endswith(f"{SID}\n")


def test_a_number_cache_of_another_version_or_garbage_is_not_believed(
    cli: Cli, alpha: Path
) -> None:
    cli.ok("log", "--session", "1", "a")
    cache = state_dir(cli.root) / "numbers.txt"
    header, first = cache.read_text(encoding="utf-8").splitlines()[:2]
    # A line that names the wrong session for number 1, under a valid header, with
    # a stat that no longer matches: the lookup re-reads the files.
    cache.write_text(f"{header}\n1 {SID} 1 2 3 4\n", encoding="utf-8")
    assert cli.ok("log", "--session", "1", "b").out.endswith(f"{SID}\n")
    # Another version's cache, or lines that do not parse, are read again.
    for text in (first.replace("1", "2", 1), "journal-numbers 1 0.0.0 1 0\n7 x\n"):
        cache.write_text(text, encoding="utf-8")
        assert cli.ok("log", "--session", "1", "c").out.endswith(f"{SID}\n")
    assert cli("log", "--session", "7", "d").code != 0
