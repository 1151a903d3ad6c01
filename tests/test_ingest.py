"""`journal ingest`: each format read from hand-written fixtures, provenance kept,
dedupe, redaction, time order, and bad input refused with one line and nothing
written."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from journal.ingest.common import Options
from journal.ingest.detect import read_source
from journal.ingest.slack import to_markdown
from journal.operations.ingest import Request, ingest
from journal.store.sessions import Journal
from journal.store.timeline import read_lines
from tests.conftest import Cli, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def events_of(name: str, **options: object) -> list[dict[str, object]]:
    return list(read_source(str(FIXTURES / name), Options(**options)))  # type: ignore[arg-type]


def timeline(root: Path, session_id: str) -> list[dict[str, object]]:
    path = root / "sessions" / session_id / "timeline.yaml"
    lines = read_lines(path)
    assert all(line.problem is None for line in lines)
    return [line.data for line in lines if line.data is not None]


def test_slack_export_authors_threads_edits_deletions_and_noise() -> None:
    found = {e["id"]: e for e in events_of("slack")}
    root = found["slack:C100INC:1762271100.000200"]
    assert root["by"] == "alice.o"  # display name from users.json
    assert root["star"] is True  # pinned
    assert root["text"] == (
        "Primary DB p99 is at **4s**, see [the dashboard]"
        "(https://grafana.example.test/d/db). cc @Bob Nakamura @here"
    )
    assert root["at"] == "2025-11-04T15:45:00.000200+00:00"
    reply = found["slack:C100INC:1762271170.000400"]
    assert reply["reply_to"] == "slack:C100INC:1762271100.000200"
    assert reply["text"] == "yes: *autovacuum* on `orders` since 15:50"
    # message_changed: the final text under the original id; deleted: gone.
    assert found["slack:C100INC:1762271195.000700"]["text"] == (
        "fixed message: killing the vacuum in #ops-general"
    )
    assert "slack:C100INC:1762271196.000900" not in found
    texts = " ".join(str(e["text"]) for e in found.values())
    assert "has joined" not in texts and "deploy #812" not in texts
    assert (
        "[EXPLAIN output](https://example.slack.com/files/U03CARA/F01/explain.txt)"
        in texts
    )
    assert found["slack:C200OPS:1762271300.000100"]["source"] == "slack #ops-general"


def test_slack_all_keeps_bots_and_joins_and_reaction_stars() -> None:
    found = {
        e["id"]: e for e in events_of("slack", keep_all=True, star_reaction=":pushpin:")
    }
    assert found["slack:C100INC:1762271180.000500"]["by"] == "Deploy Bot"
    assert "slack:C100INC:1762271000.000100" in found
    assert found["slack:C100INC:1762271170.000400"]["star"] is True


def test_slack_channel_filter_and_zone() -> None:
    from journal.when import zone

    found = events_of("slack", channels=("ops-general",), tz=zone("Europe/Berlin"))
    assert [e["id"] for e in found] == ["slack:C200OPS:1762271300.000100"]
    assert found[0]["at"] == "2025-11-04T16:48:20.000100+01:00"


def test_slack_markup() -> None:
    users, channels = {"U1": "ana"}, {"C9": "ops"}
    assert (
        to_markdown("<@U1> in <#C9> and <#C8|x>", users, channels)
        == "@ana in #ops and #x"
    )
    assert to_markdown("<https://a.test/x?a=1&amp;b=2>", users, channels) == (
        "<https://a.test/x?a=1&b=2>"
    )
    assert to_markdown("*bold* `*code*` ~gone~", users, channels) == (
        "**bold** `*code*` ~~gone~~"
    )
    assert (
        to_markdown("<!subteam^S1|@db-team> ping", users, channels) == "@db-team ping"
    )


def test_slack_zip_with_a_top_folder(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (FIXTURES / "slack").rglob("*.json"):
            zf.write(
                path,
                "Acme Slack export/" + path.relative_to(FIXTURES / "slack").as_posix(),
            )
    assert len(list(read_source(str(archive), Options()))) == len(events_of("slack"))


def test_admin_log_headings_newest_first_relay_and_continuation() -> None:
    found = events_of("admin.log")
    assert [(e["at"], e["by"]) for e in found] == [
        ("2025-11-05T09:15:00+00:00", "dana"),  # [dana@deploy01] relayed by logbot
        ("2025-11-05T09:02:00+00:00", "erin"),
        ("2025-11-04T23:40:00+00:00", "erin"),
        ("2025-11-04T16:05:00+00:00", "dana"),
    ]
    assert found[0]["text"].startswith("Synchronized config/db.yaml")  # type: ignore[union-attr]
    assert found[1]["text"].endswith("(it took two tries)")  # type: ignore[union-attr]


def test_irc_log_needs_a_date_and_reads_the_zone() -> None:
    from datetime import date

    from journal.errors import InvalidDataError
    from journal.when import zone

    with pytest.raises(InvalidDataError, match="no date"):
        events_of("irc.log")
    found = events_of("irc.log", day=date(2025, 11, 4), tz=zone("America/New_York"))
    assert [e["by"] for e in found] == ["alice", "bob", "bob", "alice"]
    assert found[0]["at"] == "2025-11-04T15:45:00-05:00"
    assert found[2]["at"] == "2025-11-04T15:47:30-05:00"
    tsv = events_of("chat.tsv")
    assert tsv[0]["at"] == "2025-11-04T15:45:00+01:00" and tsv[1]["by"] == "bob"


def test_alertmanager_firing_and_resolved() -> None:
    firing, resolved = events_of("alertmanager.json")
    assert firing["kind"] == "detected" and resolved["kind"] == "resolved"
    assert firing["at"] == "2025-11-04T15:44:30.123456+00:00"  # nanoseconds cut
    assert resolved["at"] == "2025-11-04T16:10:00+00:00"  # endsAt, offset kept
    assert firing["id"] == (
        "alertmanager:a1b2c3d4e5f60718:2025-11-04T15:44:30.123456789Z:firing"
    )
    assert firing["link"] == "http://prometheus.example.test:9090/graph?g0.expr=pg_p99"
    assert str(firing["text"]).startswith("[FIRING] DBLatencyHigh: p99 query latency")


def test_grafana_pagerduty_opsgenie_sentry() -> None:
    (grafana,) = events_of("grafana.json")
    assert grafana["source"] == "grafana" and grafana["kind"] == "detected"
    assert grafana["link"] == "https://grafana.example.test/d/api?viewPanel=2"
    kinds = [e["kind"] for e in events_of("pagerduty.json")]
    assert kinds == ["detected", "acknowledged", "note", "resolved"]
    ack = events_of("pagerduty.json")[1]
    assert ack["at"] == "2025-11-04T15:47:00+00:00" and ack["by"] == "Bob Nakamura"
    ops = events_of("opsgenie.jsonl")
    assert [e["kind"] for e in ops] == ["detected", "acknowledged", "note", "resolved"]
    assert ops[1]["at"] == "2025-11-04T15:46:00+00:00"  # nanoseconds since 1970
    sentry = events_of("sentry.json")
    assert [e["kind"] for e in sentry] == ["detected", "resolved"]
    assert sentry[1]["by"] == "Alice Ortega"


def test_configured_state_kinds(journal_root: Path, cli: Cli, session_id: str) -> None:
    config = journal_root / "journal.yaml"
    config.write_text(
        config.read_text().replace("ingest_kinds: []", "ingest_kinds: [firing=impact]")
    )
    cli.ok("ingest", str(FIXTURES / "alertmanager.json"))
    kinds = [e["kind"] for e in timeline(journal_root, session_id)]
    assert "impact" in kinds and "detected" not in kinds


def test_cli_ingest_everything_twice_adds_once_sorted_and_redacted(
    journal_root: Path, cli: Cli, session_id: str
) -> None:
    sources = ["slack", "admin.log", "alertmanager.json", "pagerduty.json"]
    for name in sources:
        cli.ok("ingest", str(FIXTURES / name))
    before = (journal_root / "sessions" / session_id / "timeline.yaml").read_bytes()
    for name in sources:
        out = cli.ok("ingest", str(FIXTURES / name), "--json").out
        assert json.loads(out)["added"] == 0
    after = (journal_root / "sessions" / session_id / "timeline.yaml").read_bytes()
    assert after == before
    events = timeline(journal_root, session_id)
    text = json.dumps(events)
    for secret in (
        "Sup3rS3cret",
        "xoxb-1234567890",
        "hunter2hunter2",
        "AKIAABCDEFGHIJKL",
        "pdTok3nAbCdEfGhIjKlMn0",
    ):
        assert secret not in text
    assert "[REDACTED:slack-token]" in text and "[REDACTED:aws-access-key-id]" in text
    slack = [e["at"] for e in events if str(e.get("source", "")).startswith("slack")]
    assert slack == sorted(slack)  # one ingest appends in time order
    shown = cli.ok("show", session_id).out
    assert "alice.o" in shown


def test_overlapping_export_adds_only_what_is_new(
    journal_root: Path, cli: Cli, session_id: str, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    shutil.copytree(FIXTURES / "slack", first)
    (first / "incident-db" / "2025-11-05.json").unlink()
    assert json.loads(cli.ok("ingest", str(first), "--json").out)["added"] == 7
    result = json.loads(cli.ok("ingest", str(FIXTURES / "slack"), "--json").out)
    assert (result["added"], result["duplicates"]) == (1, 7)


def test_no_redact_keeps_the_text(
    journal_root: Path, cli: Cli, session_id: str
) -> None:
    cli.ok("ingest", str(FIXTURES / "admin.log"), "--no-redact")
    assert "hunter2hunter2" in json.dumps(timeline(journal_root, session_id))


def test_since_until_dry_run_and_stdin(
    journal_root: Path, cli: Cli, session_id: str
) -> None:
    out = cli.ok(
        "ingest",
        "-",
        "--since",
        "2025-11-04T20:00:00+00:00",
        "--dry-run",
        "--json",
        input=(FIXTURES / "admin.log").read_text(),
    ).out
    result = json.loads(out)
    assert (result["added"], result["outside"]) == (3, 1)
    assert timeline(journal_root, session_id) == []


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("zip", (), "is not a Slack export"),
        ("truncated", (), "is not valid JSON"),
        ("unknown", (), "known: grafana, alertmanager, pagerduty, opsgenie, sentry"),
        ("notime", (), "the message has no time"),
        ("prose", (), "is not in a format journal reads"),
        ("truncated-day", (), "is not valid JSON"),
        ("fine", ("--format", "nope"), "unknown format 'nope'"),
    ],
)
def test_bad_input_one_line_nothing_written(
    journal_root: Path,
    cli: Cli,
    session_id: str,
    tmp_path: Path,
    setup: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    target = tmp_path / "input.json"
    if setup == "zip":
        target = tmp_path / "x.zip"
        with zipfile.ZipFile(target, "w") as zf:
            zf.writestr("readme.txt", "hello")
    elif setup == "truncated":
        target.write_text((FIXTURES / "alertmanager.json").read_text()[:300])
    elif setup == "unknown":
        target.write_text('{"hello": "world"}')
    elif setup == "notime":
        data = json.loads((FIXTURES / "alertmanager.json").read_text())
        del data["alerts"][0]["startsAt"]
        target.write_text(json.dumps(data))
    elif setup == "prose":
        target = tmp_path / "notes.txt"
        target.write_text("We had an outage.\nIt was bad.\n")
    elif setup == "truncated-day":
        target = tmp_path / "export"
        shutil.copytree(FIXTURES / "slack", target)
        day = target / "incident-db" / "2025-11-05.json"
        day.write_text(day.read_text()[:50])
    else:
        target = FIXTURES / "admin.log"
    before = snapshot(journal_root)
    result = cli("ingest", str(target), *args)
    assert result.code == (2 if args else 1), result.err
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert snapshot(journal_root) == before


def test_ingest_lock_is_the_log_lock(journal_root: Path, session_id: str) -> None:
    """The append waits for the session lock every writer takes."""
    import threading

    journal = Journal.open(journal_root)
    done = threading.Event()

    def run() -> None:
        ingest(journal, str(FIXTURES / "admin.log"), Request())
        done.set()

    with journal.lock(session_id):
        thread = threading.Thread(target=run)
        thread.start()
        assert not done.wait(0.5)
        assert timeline(journal_root, session_id) == []
    thread.join(10)
    assert done.is_set() and len(timeline(journal_root, session_id)) == 4


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ("[firing]", "'firing' is not STATE=KIND"),
        ("[paged=detected]", "'paged=detected' is not STATE=KIND"),
        ("[firing=alarm]", "'alarm' is not an event kind"),
    ],
)
def test_bad_ingest_kinds_one_line(
    journal_root: Path, cli: Cli, session_id: str, pairs: str, message: str
) -> None:
    config = journal_root / "journal.yaml"
    config.write_text(
        config.read_text().replace("ingest_kinds: []", f"ingest_kinds: {pairs}")
    )
    before = snapshot(journal_root)
    result = cli("ingest", str(FIXTURES / "alertmanager.json"))
    assert result.code == 1 and message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(journal_root) == before


def test_receive_refuses_a_short_token(cli: Cli) -> None:
    result = cli("receive", env={"JOURNAL_RECEIVE_TOKEN": "short"})
    assert result.code == 2
    assert "must hold a token of 16 characters or more" in result.err


def test_a_log_past_midnight_moves_to_the_next_day(tmp_path: Path) -> None:
    from datetime import date

    log = tmp_path / "night.log"
    log.write_text(
        "[23:58] <ana> still here\n[00:02] <bo> new day\n[00:03] <ana> yes\n"
    )
    found = list(read_source(str(log), Options(day=date(2025, 11, 4))))
    assert [e["at"] for e in found] == [
        "2025-11-04T23:58:00+00:00",
        "2025-11-05T00:02:00+00:00",
        "2025-11-05T00:03:00+00:00",
    ]
