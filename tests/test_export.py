"""`journal export`: JSON in the schema's shape, and MADR decision records."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt

from journal.model import session as model
from tests.conftest import Cli, snapshot


def _decided(cli: Cli) -> None:
    cli.ok(
        "option",
        "add",
        "Comment out relationship",
        "--pro",
        "Safe",
        "--con",
        "Incomplete",
    )
    cli.ok("option", "add", "Delete | the model", "--con", "Loses <b>work</b>")
    cli.ok("option", "choose", "1", "--why", "smallest change")
    cli.ok("log", "found it", "--kind", "detected", "--at", "2025-11-04T01:02Z")


def test_json_export_round_trips_through_the_model(cli: Cli, session_id: str) -> None:
    _decided(cli)
    data = json.loads(cli.ok("export").out)
    assert data["id"] == session_id
    session = model.to_session(data["session"])
    assert session.options[0].decision == "chosen"
    events = [model.to_event(e) for e in data["timeline"]]
    assert events[0].kind == "detected"
    assert data["metrics"]["time_to_detect_s"] == 120.0
    assert data["metrics"]["time_to_detect_from"] == "started"
    assert set(data["metrics"]) >= {
        "time_to_acknowledge_s",
        "time_to_mitigate_from",
        "span_start",
        "span_end",
    }


def test_madr_names_the_chosen_option_and_every_pro_and_con(
    cli: Cli, session_id: str
) -> None:
    _decided(cli)
    text = cli.ok("export", "--format", "madr").out
    assert text.startswith("---\nstatus: accepted\ndate: 2025-11-04\n")
    assert "# Comment out relationship" in text
    assert 'Chosen option: "Comment out relationship", because smallest change.' in text
    assert "* Good, because Safe" in text and "* Bad, because Incomplete" in text
    tokens = MarkdownIt("commonmark").parse(text)
    assert not [t for t in tokens if t.type == "html_block" or t.type == "html_inline"]
    assert "Delete \\| the model" in text or "Delete | the model" in text


def test_export_all_to_a_folder(cli: Cli, session_id: str, tmp_path: Path) -> None:
    cli.ok("new", "Second", "--at", "2025-12-01T00:00Z")
    cli.ok("export", "--all", "-o", str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2025-11-04-sqlalchemy-mapper-error.json",
        "2025-12-01-second.json",
    ]
    assert len(json.loads(cli.ok("export", "--all").out)) == 2


def test_madr_without_options_and_unknown_format_are_one_line(
    cli: Cli, session_id: str
) -> None:
    before = snapshot(cli.root)
    no_options = cli("export", "--format", "madr")
    assert (
        no_options.code == 1
        and "has no options to record as a decision" in no_options.err
    )
    unknown = cli("export", "--format", "xml")
    assert unknown.code == 2 and "unknown format 'xml'" in unknown.err
    assert snapshot(cli.root) == before
