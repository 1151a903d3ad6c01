"""`journal check` rules: each one firing on the data it is about, and not firing on
a clean session; --fix on a torn line; disabling rules."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from journal.insight.lint import Finding, check, rules
from journal.store.sessions import Journal
from tests.conftest import git
from tests.handmade import event, write_session

TODAY = date(2025, 11, 20)
SID = "2025-11-04-mapper-error"

CLEAN: dict[str, Any] = {
    "number": 8,
    "status": "resolved",
    "started": "2025-11-04T01:00:00+00:00",
    "ended": "2025-11-04T03:00:00+00:00",
    "options": [
        {"title": "Comment it out", "decision": "chosen"},
        {"title": "Write the model", "decision": "rejected"},
    ],
    "validation": [{"title": "Build passes", "command": "true"}],
    "success_criteria": [
        {"text": "Build is green", "done": True, "validation": "Build passes"}
    ],
    "next_steps": [
        {"text": "Implement schools", "due": "2025-12-01"},
        {"text": "Old but done", "due": "2025-11-01", "done": True},
    ],
}


def clean_events(sha: str) -> list[dict[str, Any]]:
    return [
        event("2025-11-04T01:02:00+00:00", "detected"),
        event("2025-11-04T01:05:00+00:00", "commit", sha=sha),
        event("2025-11-04T01:20:00+00:00", "mitigated"),
        event("2025-11-04T02:00:00+00:00", "resolved", evidence=["evidence/build.log"]),
    ]


@pytest.fixture
def head(journal_root: Path) -> str:
    git(journal_root, "commit", "-q", "--allow-empty", "-m", "fix mapper")
    return git(journal_root, "rev-parse", "HEAD")


def build(
    root: Path,
    sha: str,
    fields: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Path:
    folder = write_session(
        root, SID, fields if fields is not None else CLEAN, events or clean_events(sha)
    )
    (folder / "evidence").mkdir(exist_ok=True)
    (folder / "evidence" / "build.log").write_text("ok\n")
    return folder


def run(root: Path, *ids: str, fix: bool = False) -> list[Finding]:
    return check(Journal.open(root), ids, fix=fix, today=TODAY)


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle`."""
    hits = [
        i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line
    ]
    return hits[nth - 1]


def test_a_clean_session_has_no_findings(journal_root: Path, head: str) -> None:
    build(journal_root, head)
    assert run(journal_root) == []


def _fields(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    fields = copy.deepcopy(CLEAN)
    change(fields)
    return fields


# (rule, fields change, events change, message part, file, needle for the line)
CASES: list[tuple[str, Any, Any, str, str, str | None]] = [
    (
        "schema",
        lambda f: f.update(started="yesterday"),
        None,
        "started",
        "session.yaml",
        "started:",
    ),
    (
        "closed-criteria",
        lambda f: f["success_criteria"].append({"text": "Workers run"}),
        None,
        "1 of 2 success criteria are not met (first: 'Workers run')",
        "session.yaml",
        "- text: Workers run",
    ),
    (
        "closed-no-resolved",
        None,
        lambda e: e.pop(),
        "status is resolved but the timeline has no `resolved` event",
        "session.yaml",
        "status:",
    ),
    (
        "options-none-chosen",
        lambda f: f["options"][0].update(decision="deferred"),
        None,
        "2 option(s) weighed but none chosen",
        "session.yaml",
        "options:",
    ),
    (
        "options-many-chosen",
        lambda f: f["options"][1].update(decision="chosen"),
        None,
        "2 options are chosen (1, 2); one can be",
        "session.yaml",
        ("decision: chosen", 2),
    ),
    (
        "step-overdue",
        lambda f: f["next_steps"][0].update(due="2025-11-15"),
        None,
        "next step 1 was due 2025-11-15 (5 days ago): Implement schools",
        "session.yaml",
        "due: '2025-11-15'",
    ),
    (
        "carried-from",
        lambda f: f["next_steps"][0].update(carried_from="session:8"),
        None,
        "next step 1 is carried from 'session:8', which names no step",
        "session.yaml",
        "carried_from:",
    ),
    (
        "carried-from",
        lambda f: f["next_steps"][0].update(carried_from=f"{SID}:9"),
        None,
        f"next step 1 is carried from '{SID}:9', which names no step",
        "session.yaml",
        "carried_from:",
    ),
    (
        "criterion-validation",
        lambda f: f["success_criteria"][0].update(validation="Deploy passes"),
        None,
        "criterion 1 is proved by validation step 'Deploy passes', which does not",
        "session.yaml",
        "validation: Deploy passes",
    ),
    (
        "previous-missing",
        lambda f: f.update(previous="2025-11-01-nothing-here"),
        None,
        "previous session '2025-11-01-nothing-here' does not exist",
        "session.yaml",
        "previous:",
    ),
    (
        "timeline-order",
        None,
        lambda e: e.__setitem__(3, event("2025-11-04T01:01:00+00:00", "resolved")),
        "resolved (2025-11-04T01:01:00+00:00) is before detected",
        "timeline.yaml",
        '"kind": "resolved"',
    ),
    (
        "timeline-order",
        None,
        lambda e: e.append(event("2025-11-04T01:30:00+00:00", "impact")),
        "mitigated (2025-11-04T01:20:00+00:00) is before impact",
        "timeline.yaml",
        '"kind": "mitigated"',
    ),
    (
        "timeline-order",
        lambda f: f.update(ended="2025-11-04T00:30:00+00:00"),
        lambda e: e.__setitem__(
            slice(None),
            [
                event("2025-11-04T00:10:00+00:00", "detected"),
                event("2025-11-04T00:20:00+00:00", "resolved"),
            ],
        ),
        "ended (2025-11-04T00:30:00+00:00) is before started",
        "session.yaml",
        "ended:",
    ),
    (
        "timeline-order",
        None,
        lambda e: e.append(event("2025-11-04T03:10:00+00:00", "note")),
        "ended (2025-11-04T03:00:00+00:00) is before note (2025-11-04T03:10:00+00:00)"
        f", the last event it closes (sessions/{SID}/timeline.yaml:5)",
        "session.yaml",
        "ended:",
    ),
    (
        "resolved-twice",
        None,
        lambda e: e.insert(0, event("2025-11-04T02:30:00+00:00", "resolved")),
        "2 resolved events (2025-11-04T02:00:00+00:00, 2025-11-04T02:30:00+00:00)",
        "timeline.yaml",
        '"kind": "resolved"',
    ),
    (
        "event-kind",
        None,
        lambda e: e.append(event("2025-11-04T02:10:00+00:00", "postmortem")),
        "unknown event kind 'postmortem'",
        "timeline.yaml",
        "postmortem",
    ),
    (
        "evidence-missing",
        None,
        lambda e: e.append(
            event("2025-11-04T02:10:00+00:00", "note", evidence=["evidence/gone.png"])
        ),
        "evidence file 'evidence/gone.png' is missing",
        "timeline.yaml",
        "gone.png",
    ),
    (
        "evidence-missing",
        None,
        lambda e: e.append(
            event("2025-11-04T02:10:00+00:00", "note", evidence=["../../journal.yaml"])
        ),
        "evidence '../../journal.yaml' points outside the session folder",
        "timeline.yaml",
        "journal.yaml",
    ),
    (
        "commit-unknown",
        None,
        lambda e: e.append(
            event("2025-11-04T01:06:00+00:00", "commit", sha="deadbeef" * 5)
        ),
        "commit deadbeefdead is not in this repository",
        "timeline.yaml",
        "deadbeef",
    ),
    (
        "commit-unknown",
        None,
        lambda e: e.append(event("2025-11-04T01:06:00+00:00", "commit")),
        "commit event without a sha",
        "timeline.yaml",
        ("commit", 2),
    ),
]


@pytest.mark.parametrize(
    ("rule", "change_fields", "change_events", "message", "file", "needle"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_rule_fires_alone_with_file_line_and_hint(
    journal_root: Path,
    head: str,
    rule: str,
    change_fields: Any,
    change_events: Any,
    message: str,
    file: str,
    needle: Any,
) -> None:
    fields = _fields(change_fields) if change_fields else CLEAN
    events = clean_events(head)
    if change_events:
        change_events(events)
    folder = build(journal_root, head, fields, events)
    findings = run(journal_root)
    assert [f.rule for f in findings] == [rule], findings
    (finding,) = findings
    assert message in finding.message
    assert finding.severity == rules()[rule].severity
    assert finding.file == f"sessions/{SID}/{file}"
    assert finding.session == SID
    assert finding.hint
    text, nth = needle if isinstance(needle, tuple) else (needle, 1)
    assert finding.line == line_of(folder / file, text, nth)


@pytest.mark.parametrize("written", [f"{SID}:1", "8:1", "#8:1", "2025-11-04-map:1"])
def test_done_and_carried_steps_are_not_overdue(
    journal_root: Path, head: str, written: str
) -> None:
    fields = _fields(lambda f: f["next_steps"][0].update(due="2025-11-15"))
    build(journal_root, head, fields)
    write_session(
        journal_root,
        "2025-11-18-follow-up",
        {"next_steps": [{"text": "Implement schools", "carried_from": written}]},
    )
    assert run(journal_root) == []


def test_duplicate_numbers_are_reported_on_both_sessions(
    journal_root: Path, head: str
) -> None:
    build(journal_root, head)
    write_session(journal_root, "2025-11-05-other", {"number": 8})
    findings = run(journal_root)
    assert [(f.rule, f.session, f.line) for f in findings] == [
        ("number-duplicate", SID, 3),
        ("number-duplicate", "2025-11-05-other", 3),
    ]
    assert findings[0].message == "number 8 is also used by 2025-11-05-other"


def test_a_subset_is_checked_against_the_whole_journal(
    journal_root: Path, head: str
) -> None:
    build(journal_root, head)
    write_session(
        journal_root, "2025-11-05-other", {"number": 8, "options": [{"title": "x"}]}
    )
    findings = run(journal_root, SID)
    assert [(f.rule, f.session) for f in findings] == [("number-duplicate", SID)]


def test_timeline_lines_that_do_not_parse(journal_root: Path, head: str) -> None:
    folder = build(journal_root, head)
    with (folder / "timeline.yaml").open("a") as handle:
        handle.write("- {broken: [\n")
        handle.write('- {"kind": "note", "text": "no time"}\n')
        handle.write("just text\n")
    findings = run(journal_root)
    assert [(f.rule, f.line) for f in findings] == [
        ("timeline-syntax", 5),
        ("timeline-syntax", 6),
        ("timeline-syntax", 7),
    ]
    assert findings[0].message == "event cannot be read as an event"
    assert "at" in findings[1].message
    assert findings[2].message == "event not a list item (each line starts with '- ')"


def test_a_torn_last_line_is_its_own_rule(journal_root: Path, head: str) -> None:
    folder = build(journal_root, head)
    with (folder / "timeline.yaml").open("a") as handle:
        handle.write('- {"at": "2025-11-04T02:30:00+00:00", "kind": "note", "te')
    findings = run(journal_root)
    assert [(f.rule, f.line, f.severity) for f in findings] == [
        ("timeline-torn", 5, "error")
    ]
    assert findings[0].hint == "run `journal check --fix` to repair it"


def test_fix_recovers_a_torn_event(journal_root: Path, head: str) -> None:
    folder = build(journal_root, head)
    path = folder / "timeline.yaml"
    with path.open("a") as handle:
        handle.write(
            '- {"at": "2025-11-04T02:30:00+00:00", "kind": "note", "text": "x"'
        )
    findings = run(journal_root, fix=True)
    assert [(f.rule, f.fixed) for f in findings] == [("timeline-torn", True)]
    assert "its event is kept" in findings[0].message
    assert path.read_text().endswith('"kind": "note", "text": "x"}\n')
    assert run(journal_root) == []


def test_fix_moves_an_unrecoverable_line_aside(journal_root: Path, head: str) -> None:
    folder = build(journal_root, head)
    path = folder / "timeline.yaml"
    before = path.read_text()
    path.write_text(before + '- {"at": "2025-11-0')
    findings = run(journal_root, fix=True)
    assert [(f.rule, f.fixed) for f in findings] == [("timeline-torn", True)]
    assert path.read_text() == before
    assert (folder / "timeline.yaml.torn").read_text() == '- {"at": "2025-11-0\n'


def test_without_fix_nothing_is_written(journal_root: Path, head: str) -> None:
    folder = build(journal_root, head)
    path = folder / "timeline.yaml"
    path.write_text(path.read_text() + '- {"at": "2025-11-0')
    before = path.read_bytes()
    run(journal_root)
    assert path.read_bytes() == before
    assert not (folder / "timeline.yaml.torn").exists()


def test_commits_are_not_checked_outside_a_git_repository(tmp_path: Path) -> None:
    from tests.conftest import run_journal

    root = tmp_path / "plain"
    root.mkdir()
    assert run_journal("init", cwd=root).code == 0
    build(root, "deadbeef" * 5)
    assert run(root) == []


def test_disabled_rules_do_not_run(journal_root: Path, head: str) -> None:
    config = journal_root / "journal.yaml"
    config.write_text(
        config.read_text().replace(
            "check_disable: []", "check_disable: [options-many-chosen, nope]"
        )
    )
    build(
        journal_root, head, _fields(lambda f: f["options"][1].update(decision="chosen"))
    )
    findings = run(journal_root)
    assert [(f.rule, f.severity, f.file) for f in findings] == [
        ("check-disable", "warning", "journal.yaml")
    ]
    assert findings[0].message == "check_disable names an unknown rule 'nope'"


def test_every_rule_has_an_id_severity_and_summary() -> None:
    known = rules()
    assert set(known) >= {
        "schema",
        "timeline-syntax",
        "timeline-torn",
        "timeline-order",
        "resolved-twice",
        "closed-criteria",
        "closed-no-resolved",
        "options-none-chosen",
        "options-many-chosen",
        "step-overdue",
        "commit-unknown",
        "evidence-missing",
        "previous-missing",
        "number-duplicate",
        "carried-from",
    }
    assert all(r.severity in ("error", "warning") and r.summary for r in known.values())


def test_finding_as_dict_shape() -> None:
    finding = Finding("schema", "error", "sessions/x/session.yaml", 3, "m", "h", "x")
    assert finding.as_dict() == {
        "rule": "schema",
        "severity": "error",
        "file": "sessions/x/session.yaml",
        "line": 3,
        "message": "m",
        "hint": "h",
        "session": "x",
        "fixed": False,
    }
