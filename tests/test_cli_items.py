"""option, criterion, step, lesson, validate — and comments surviving many edits."""

from __future__ import annotations

import json

import yaml

from tests.conftest import Cli, snapshot


def _data(cli: Cli, session_id: str) -> dict:
    return yaml.safe_load(
        (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )


def test_options_add_choose_reject_defer(cli: Cli, session_id: str) -> None:
    cli.ok(
        "option",
        "add",
        "Comment out relationship",
        "--pro",
        "Safe",
        "--con",
        "Incomplete",
    )
    cli.ok("option", "add", "Change School to Class", "--con", "Risky")
    cli.ok("option", "add", "Delete the model")
    cli.ok("option", "choose", "2")
    cli.ok("option", "choose", "1", "--why", "Smallest change that unblocks production")
    cli.ok("option", "defer", "3", "--why", "later")
    options = _data(cli, session_id)["options"]
    assert [o.get("decision") for o in options] == ["chosen", "rejected", "deferred"]
    assert options[0]["pros"] == ["Safe"] and options[0]["why"].startswith("Smallest")


def test_criteria_steps_lessons_validation(cli: Cli, session_id: str) -> None:
    cli.ok("criterion", "add", "Build completes", "--group", "Fix validation")
    cli.ok("criterion", "done", "1")
    cli.ok(
        "step",
        "add",
        "Implement schools",
        "--horizon",
        "long",
        "--owner",
        "rich",
        "--due",
        "2026-01-15",
    )
    cli.ok("step", "done", "1")
    cli.ok(
        "lesson",
        "add",
        "Monitoring catches what tests miss",
        "--kind",
        "went-well",
        "--prevention",
        "Always monitor",
    )
    cli.ok(
        "validate", "add", "Verify build", "--command", "gcloud builds list --limit=1"
    )
    data = _data(cli, session_id)
    assert data["success_criteria"] == [
        {"text": "Build completes", "done": True, "group": "Fix validation"}
    ]
    assert data["next_steps"][0] == {
        "text": "Implement schools",
        "horizon": "long",
        "owner": "rich",
        "due": "2026-01-15",
        "done": True,
    }
    assert data["lessons"][0]["kind"] == "went-well"
    assert data["validation"][0]["command"] == "gcloud builds list --limit=1"


def test_item_errors_change_nothing(cli: Cli, session_id: str) -> None:
    before = snapshot(cli.root)
    cases = [
        (("option", "choose", "4"), "there is no item 4 in options (it has 0)"),
        (("step", "add", "x", "--horizon", "someday"), "unknown horizon 'someday'"),
        (("step", "add", "x", "--due", "next week"), "'next week' is not a date"),
        (("lesson", "add", "x", "--kind", "meh"), "lessons[0].kind"),
        (("criterion", "done", "0"), "0"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.code != 0 and message in result.err, (args, result.err)
        assert "Traceback" not in result.err
    assert snapshot(cli.root) == before


COMMENTED = """\
# yaml-language-server: $schema=../../journal.schema.json
# top comment
schema: 1
title: "Quoted title"   # title comment
status: open
started: "2025-11-04T01:00:00+00:00"
tags: [a, b]            # inline list stays inline
root_cause:
  # nested comment
  summary: original     # summary comment
options:
  - title: First        # item comment
    pros: [x, y]
    decision: chosen
summary: |
  Block scalar
  kept as is.
# trailing comment
"""


def test_comments_on_every_level_survive_fifty_edits(cli: Cli, session_id: str) -> None:
    path = cli.root / "sessions" / session_id / "session.yaml"
    path.write_text(COMMENTED)
    for i in range(50):
        kind = i % 5
        if kind == 0:
            cli.ok("set", "root_cause.summary", f"edit {i}")
        elif kind == 1:
            cli.ok("step", "add", f"step {i}")
        elif kind == 2:
            cli.ok("criterion", "add", f"criterion {i}")
        elif kind == 3:
            cli.ok("set", "number", str(i))
        else:
            cli.ok("option", "add", f"option {i}")
    text = path.read_text()
    for comment in (
        "# top comment",
        "# title comment",
        "# inline list stays inline",
        "# nested comment",
        "# summary comment",
        "# item comment",
        "# trailing comment",
        "# yaml-language-server",
    ):
        assert comment in text, comment
    assert 'title: "Quoted title"' in text and "tags: [a, b]" in text
    assert "summary: |\n  Block scalar\n  kept as is.\n" in text
    data = yaml.safe_load(text)
    assert data["root_cause"]["summary"] == "edit 45" and data["number"] == 48
    assert len(data["next_steps"]) == 10 and len(data["options"]) == 11


def test_json_output_of_add_gives_the_item_number(cli: Cli, session_id: str) -> None:
    cli.ok("option", "add", "One")
    out = cli.ok("option", "add", "Two", "--json")
    assert json.loads(out.out) == {"session": session_id, "number": 2, "redacted": []}


def test_rejecting_without_a_reason_keeps_the_earlier_one(
    cli: Cli, session_id: str
) -> None:
    cli.ok("option", "add", "Delete the model")
    cli.ok("option", "defer", "1", "--why", "needs the data team")
    cli.ok("option", "reject", "1")
    option = _data(cli, session_id)["options"][0]
    assert option == {
        "title": "Delete the model",
        "decision": "rejected",
        "why": "needs the data team",
    }
