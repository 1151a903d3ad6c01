"""Error signatures, related sessions, "seen before" and hotspots, on journals and git
repositories written here."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from journal.insight import signatures as sig
from tests.conftest import REPO, Cli, git
from tests.gitlink_support import run_commit

sys.path.insert(0, str(REPO / "bench"))

import related_quality

# --- signatures --------------------------------------------------------------------


RECURRING = [
    (
        "2025-11-04 01:02:03 ERROR worker-3 sqlalchemy.exc.InvalidRequestError: One or "
        "more mappers failed to initialize - can't proceed with initialization of other "
        "mappers. Triggering mapper: 'Mapper[Organization(organizations)]' at 0x7f3a9b2c",
        "[2026-02-01T10:00:00Z] sqlalchemy.exc.InvalidRequestError: One or more mappers "
        "failed to initialize - can't proceed with initialization of other mappers. "
        "Triggering mapper: 'Mapper[Course(courses)]' at 0x55d0aa01",
    ),
    (
        "celery.exceptions.SoftTimeLimitExceeded in task reports.build[6f1c2a8e-0b1d-"
        "4c55-9d0e-1f2a3b4c5d6e] after 300.5s on host 10.0.0.4",
        "celery.exceptions.SoftTimeLimitExceeded in task reports.build[0a9b8c7d-1111-"
        "2222-3333-444455556666] after 12s on host 10.9.1.200",
    ),
    (
        "OSError: [Errno 28] No space left on device: '/tmp/pytest-of-ci/p12/out.bin'",
        "OSError: [Errno 28] No space left on device: '/var/folders/x1/T/abc/out.bin'",
    ),
    (
        'File "/srv/app/api.py", line 88\nValueError: invalid literal for int() with '
        "base 10 at api.py:88",
        'File "/srv/app/api.py", line 91\nValueError: invalid literal for int() with '
        "base 10 at api.py:91",
    ),
]


@pytest.mark.parametrize(("first", "again"), RECURRING)
def test_a_recurring_error_has_one_signature(first: str, again: str) -> None:
    a, b = sig.text_signatures(first)[-1], sig.text_signatures(again)[-1]
    assert a.key == b.key
    assert sig.same_error(a, b)


def test_the_skeleton_keeps_type_message_and_locations() -> None:
    line = (
        "sqlalchemy.exc.InvalidRequestError: mapper 'Mapper[X]' failed at 0x7f3a "
        "in backend/app/models/organization.py:115"
    )
    found = sig.line_signature(line)
    assert found is not None
    assert found.kind == "sqlalchemy.exc.InvalidRequestError"
    assert "0x7f3a" not in found.key and "115" not in found.key
    assert "'Mapper[X]'" not in found.key
    assert sig.code_locations(line) == ["backend/app/models/organization.py"]


@pytest.mark.parametrize(
    "line",
    [
        "Traceback (most recent call last):",
        "ERROR",
        "ERROR: 'abc'",
        "Error: 500",
        "KeyError: 'user_id'",
        '  File "/srv/app/x.py", line 3, in main',
        "Restarted the api workers; p99 back under 200 ms",
    ],
)
def test_boilerplate_alone_is_no_signature(line: str) -> None:
    assert sig.line_signature(line) is None


def test_different_errors_sharing_boilerplate_do_not_match() -> None:
    one = sig.text_signatures(
        "Traceback (most recent call last):\nERROR psycopg2.OperationalError: could "
        "not connect to server: Connection refused"
    )
    other = sig.text_signatures(
        "Traceback (most recent call last):\nERROR psycopg2.errors.UniqueViolation: "
        "duplicate key value violates unique constraint"
    )
    assert one and other
    assert not any(sig.same_error(a, b) for a in one for b in other)


def test_library_frames_and_temp_files_are_not_locations() -> None:
    text = (
        'File "/usr/lib/python3.11/site-packages/sqlalchemy/orm/mapper.py", line 3\n'
        'File "/tmp/build/x.py", line 4\nFile "/srv/app/app/models/user.py", line 9'
    )
    assert sig.code_locations(text) == ["srv/app/app/models/user.py"]


# --- the labelled set ----------------------------------------------------------------


def test_precision_and_recall_on_the_labelled_pairs() -> None:
    figures = related_quality.evaluate()
    print(related_quality._fmt(figures))
    assert figures["pairs"] >= 30 and figures["related pairs"] >= 10
    assert figures["precision"] >= 0.95
    assert figures["recall"] >= 0.8


def test_reasons_say_what_is_shared() -> None:
    from journal.insight.related import Ranker

    ranker = Ranker(related_quality.features())
    found = ranker.related("2025-01-04-sqlalchemy-mapper")
    ids = [r.id for r in found]
    assert set(ids) == {"2025-03-11-workers-down", "2025-06-02-imported-mapper"}
    assert (
        found[0].reasons[0].startswith("same error: sqlalchemy.exc.InvalidRequestError")
    )
    invoice = ranker.related("2025-04-15-invoice-totals")
    assert [r.id for r in invoice] == ["2025-10-02-tax-rounding"]
    assert "same root-cause file backend/app/billing/invoice.py" in invoice[0].reasons


def test_a_word_on_most_titles_makes_no_two_titles_alike() -> None:
    """ "pool" on every title ("… on pool 3"): two titles sharing it and one other
    word are not similar, in the title test and in the titles' text vectors."""
    from journal.insight.related import Ranker

    features = related_quality.features()
    a, b = "2025-04-15-invoice-totals", "2025-01-04-sqlalchemy-mapper"
    for n, sid in enumerate(features):
        title = f"{'cache' if sid in (a, b) else f'word{n}'} part{n} on pool {n}"
        features[sid] = {
            **features[sid],
            "title": title,
            "title_words": sorted({title.split()[0], f"part{n}", "pool"}),
        }
    found = Ranker(features).compare(a, b)
    assert not any(r.startswith("similar title") for r in found.reasons)
    ranker = Ranker(features)
    assert all("pool" not in vector for vector in ranker.text.titles.values())
    # Where "pool" is on a few titles only, it still counts.
    for sid in set(features) - {a, b}:
        features[sid] = {**features[sid], "title_words": [f"x{sid}", f"y{sid}"]}
    found = Ranker(features).compare(a, b)
    assert any(r.startswith("similar title") for r in found.reasons)


def test_tags_an_import_made_of_a_status_count_for_nothing() -> None:
    from journal.insight.related import Ranker

    features = related_quality.features()
    a, b = "2025-04-15-invoice-totals", "2025-01-04-sqlalchemy-mapper"
    before = Ranker(features).compare(a, b).score
    for sid in (a, b):  # both "deployed", both "sev2": how they ended, not what
        features[sid] = {**features[sid], "tags": ["status:deployed", "severity:sev2"]}
    after = Ranker(features).compare(a, b)
    assert after.score == before
    assert not any("status:" in r or "severity:" in r for r in after.reasons)
    # A tag the team chose still counts.
    features[a] = {**features[a], "tags": ["billing"]}
    features[b] = {**features[b], "tags": ["billing"]}
    assert Ranker(features).compare(a, b).score == before + 1.0


# --- the command line: related, seen before ----------------------------------------


def _session(cli: Cli, title: str, at: str, *lines: tuple[str, str]) -> str:
    out = cli.ok("new", title, "--at", at, "--json").out
    sid = str(json.loads(out)["session"])
    for kind, text in lines:
        cli.ok("log", text, "--kind", kind, "--at", at)
    return sid


MAPPER = (
    "sqlalchemy.exc.InvalidRequestError: One or more mappers failed to initialize - "
    "can't proceed with initialization of other mappers. Triggering mapper: "
    "'Mapper[{}]'"
)


def test_seen_before_after_log_detected(cli: Cli) -> None:
    past = _session(
        cli, "Mapper error", "2025-11-04T01:00:00+00:00",
        ("detected", MAPPER.format("Organization(organizations)")),
    )  # fmt: skip
    cli.ok("close", "--at", "2025-11-04T02:00:00+00:00")
    _session(cli, "Workers failing", "2026-01-10T09:00:00+00:00")
    out = cli.ok(
        "log", MAPPER.format("Course(courses)") + " at 0x7f3a", "-k", "detected"
    )
    lines = out.out.strip().splitlines()
    assert len(lines) == 2
    assert lines[1] == (
        f"seen before: {past} (same error signature) — journal show {past}"
    )
    quiet = cli.ok("log", MAPPER.format("Course(courses)"), "-k", "note").out
    assert "seen before" not in quiet
    other = cli.ok("log", "redis.exceptions.ResponseError: OOM command not allowed "
                   "when used memory > 'maxmemory'", "-k", "detected").out  # fmt: skip
    assert "seen before" not in other
    data = json.loads(
        cli.ok("log", MAPPER.format("A(a)"), "-k", "identified", "--json").out
    )
    assert [m["session"] for m in data["seen_before"]] == [past]


def test_the_digest_left_behind_by_render_catches_up_at_related(cli: Cli) -> None:
    """`render --all` and the site refresh the features without the digest (it
    costs seconds at 10,000 sessions); the next command that makes it (`new`,
    `close`, `import`, `related`) does, even with nothing changed since."""
    past = _session(cli, "Mapper error", "2025-11-04T01:00:00+00:00")
    cli.ok("close", "--at", "2025-11-04T02:00:00+00:00")
    _session(cli, "Workers failing", "2026-01-10T09:00:00+00:00")
    timeline = cli.root / "sessions" / past / "timeline.yaml"
    line = {"at": "2025-11-04T01:30:00+00:00", "kind": "detected"}
    line["text"] = MAPPER.format("Organization(organizations)")
    with timeline.open("a", encoding="utf-8") as handle:
        handle.write(f"- {json.dumps(line)}\n")
    cli.ok("render", "--all")  # the features refreshed, the digest left behind
    cli.ok("related", past)
    out = cli.ok("log", MAPPER.format("Course(courses)"), "-k", "detected").out
    assert f"seen before: {past} (same error signature)" in out


def test_seen_before_after_set_root_cause_location(cli: Cli) -> None:
    past = _session(cli, "Invoice totals off", "2025-11-04T01:00:00+00:00")
    cli.ok("set", "root_cause.location", "backend/app/billing/invoice.py:77")
    cli.ok("close")
    _session(cli, "Tax amounts wrong", "2026-01-10T09:00:00+00:00")
    out = cli.ok("set", "root_cause.location", "./backend/app/billing/invoice.py:131")
    assert out.out.splitlines()[1].startswith(
        f"seen before: {past} (same root-cause file backend/app/billing/invoice.py)"
    )


def test_related_command_lists_reasons_and_nothing_unrelated(cli: Cli) -> None:
    first = _session(
        cli, "Mapper error", "2025-11-04T01:00:00+00:00",
        ("detected", MAPPER.format("Organization(organizations)")),
    )  # fmt: skip
    _session(
        cli, "Signup errors", "2025-12-01T01:00:00+00:00",
        ("detected", "Traceback (most recent call last):\nKeyError: 'user_id'"),
    )  # fmt: skip
    third = _session(
        cli, "Workers down", "2026-01-10T09:00:00+00:00",
        ("detected", MAPPER.format("Course(courses)")),
    )  # fmt: skip
    data = json.loads(cli.ok("related", third, "--json").out)
    assert [r["session"] for r in data["related"]] == [first]
    assert data["related"][0]["reasons"][0].startswith("same error: sqlalchemy.exc.")
    text = cli.ok("related", first).out
    assert third in text and "same error:" in text
    assert "nothing related" in cli.ok("related", "2025-12-01").out


def test_related_of_a_broken_session_says_what_is_wrong(cli: Cli) -> None:
    sid = _session(cli, "Broken", "2025-11-04T01:00:00+00:00")
    path = cli.root / "sessions" / sid / "session.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    result = cli("related", sid)
    assert result.code == 1
    assert "session.yaml" in result.err and "Traceback" not in result.err


# --- hotspots on a real repository -------------------------------------------------


def _commit_file(root: Path, path: str, text: str, message: str, when: str) -> str:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    git(root, "add", path)
    run_commit(root, "-m", message, when=when)
    return git(root, "rev-parse", "HEAD")


def test_hotspots_follow_renames_and_mark_deleted_files(cli: Cli) -> None:
    root = cli.root
    body = "\n".join(f"line {i} of the billing module" for i in range(40)) + "\n"
    a = _commit_file(
        root, "app/billing.py", body, "Fix rounding", "2025-11-04T01:05:00Z"
    )
    b = _commit_file(
        root, "app/legacy.py", "old\n", "Patch legacy", "2025-11-05T01:05:00Z"
    )
    (root / "app" / "payments").mkdir()
    git(root, "mv", "app/billing.py", "app/payments/billing.py")
    run_commit(root, "-m", "Move billing", when="2025-11-06T00:00:00Z")
    c = _commit_file(
        root,
        "app/payments/billing.py",
        body + "more\n",
        "Fix tax",
        "2026-01-02T01:00:00Z",
    )
    git(root, "rm", "-q", "app/legacy.py")
    run_commit(root, "-m", "Drop legacy", when="2026-01-03T00:00:00Z")
    for title, at, shas in (
        ("Rounding", "2025-11-04T01:00:00+00:00", [a, b]),
        ("Tax", "2026-01-02T01:00:00+00:00", [c[:10]]),
    ):
        _session(cli, title, at)
        cli.ok("link", *shas)
        cli.ok("close")
    data = json.loads(cli.ok("hotspots", "--json").out)
    files = {f["path"]: f for f in data["files"]}
    billing = files["app/payments/billing.py"]
    assert billing["count"] == 2 and billing["deleted"] is False
    assert billing["last"] == "2026-01-02"
    assert "app/billing.py" not in files
    assert files["app/legacy.py"]["deleted"] is True
    dirs = {d["path"]: d["count"] for d in data["directories"]}
    assert dirs["app/"] == 2 and dirs["app/payments/"] == 2
    text = cli.ok("hotspots").out
    assert "app/legacy.py" in text and "(deleted)" in text
    recent = json.loads(cli.ok("hotspots", "--since", "2026-01-01", "--json").out)
    assert [f["path"] for f in recent["files"]] == ["app/payments/billing.py"]
    assert recent["files"][0]["count"] == 1


def test_hotspot_trend_compares_the_last_90_days_with_the_90_before() -> None:
    from journal.insight.changes import Changes
    from journal.insight.hotspots import rank

    def features(sid: str, day: str) -> dict[str, object]:
        return {"day": day, "shas": [], "root_files": ["a/b.py"]}

    ranked = rank(
        {
            "s1": features("s1", "2025-06-01"),
            "s2": features("s2", "2025-10-15"),
            "s3": features("s3", "2025-12-01"),
        },
        Changes(existing={"a/b.py"}),
        today=date(2025, 12, 31),
    )
    assert ranked.files[0].recent == 2 and ranked.files[0].before == 0
    assert ranked.files[0].trend == "rising"
    assert ranked.files[0].as_dict()["via"] == ["root cause"]


def test_renames_are_followed_from_the_kept_walk_and_after_a_rewrite(
    tmp_path: Path,
) -> None:
    """Renames are kept by HEAD: a new commit adds its own to the kept walk (a
    newer rename winning), and a rewritten history is walked again whole."""
    from journal.insight.changes import RENAMES_NAME, load_changes

    root, state = tmp_path / "repo", tmp_path / "state"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.email", "a@example.com")
    git(root, "config", "user.name", "A")
    (root / "app").mkdir()
    (root / "app" / "a.py").write_text("print('a')\n" * 20, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add a")
    sha = git(root, "rev-parse", "HEAD")

    def renamed(old: str, new: str) -> None:
        git(root, "mv", old, new)
        git(root, "commit", "-qm", f"Rename {old}")

    def current() -> list[str]:
        return load_changes(root, state, [sha]).files[sha]

    renamed("app/a.py", "app/b.py")
    assert current() == ["app/b.py"]
    kept = json.loads((state / RENAMES_NAME).read_text())
    assert kept["head"] == git(root, "rev-parse", "HEAD")
    renamed("app/b.py", "app/c.py")  # read from the kept walk onward
    assert current() == ["app/c.py"]
    git(root, "reset", "-q", "--hard", "HEAD~2")  # history rewritten: no b -> c
    renamed("app/a.py", "app/b.py")
    assert current() == ["app/b.py"]


def test_hotspot_directories_count_each_session_once_with_its_trend() -> None:
    from journal.insight.changes import Changes
    from journal.insight.hotspots import rank

    def features(day: str, *files: str) -> dict[str, object]:
        return {"day": day, "shas": [], "root_files": list(files)}

    ranked = rank(
        {
            "s1": features("2025-08-01", "a/x.py", "a/y.py"),
            "s2": features("2025-12-01", "a/x.py"),
            "s3": features("someday", "a/y.py", "b/z.py"),
        },
        Changes(existing={"a/x.py"}),
        today=date(2025, 12, 31),
    )
    spots = {s.path: s for s in ranked.files + ranked.directories}
    assert [s.path for s in ranked.directories] == ["a/", "b/"]
    assert spots["a/"].sessions == ["s1", "s2", "s3"]
    assert (spots["a/"].recent, spots["a/"].before) == (1, 1)
    assert spots["a/"].last == "someday"
    assert spots["a/y.py"].exists is False and spots["a/y.py"].trend == "falling"
    assert (spots["b/z.py"].recent, spots["b/z.py"].before) == (0, 0)
    assert spots["b/z.py"].trend == "steady"


def test_seen_before_on_the_full_cli_path_of_log(cli: Cli) -> None:
    """`-sk detected` is left to typer by the fast path (combined short options):
    the full command says "seen before" the same way."""
    past = _session(
        cli, "Mapper error", "2025-11-04T01:00:00+00:00",
        ("detected", MAPPER.format("Organization(organizations)")),
    )  # fmt: skip
    cli.ok("close", "--at", "2025-11-04T02:00:00+00:00")
    _session(cli, "Workers failing", "2026-01-10T09:00:00+00:00")
    line = MAPPER.format("Course(courses)")
    out = cli.ok("log", line, "-sk", "detected").out.strip().splitlines()
    said = f"seen before: {past} (same error signature) — journal show {past}"
    assert out[-1] == said
    data = json.loads(cli.ok("log", line, "-sk", "identified", "--json").out)
    assert [m["session"] for m in data["seen_before"]] == [past]
    assert "seen_before" not in json.loads(
        cli.ok("log", line, "-sk", "note", "--json").out
    )


def test_seen_before_knows_an_imported_report(cli: Cli, tmp_path: Path) -> None:
    """An imported report's error lines, here in the prose of a section of its
    own, are facts of the session and in the digest `import` leaves: the next
    incident logging one hears of it."""
    report = tmp_path / "pm.md"
    report.write_text(
        "---\ndate: 2025-03-03\n---\n# Payments worker outage\n\n## Summary\n\nOn 3 March 2025 the payments "
        "worker stopped.\n\n## What the on-call saw\n\nThe consumer died with "
        "kombu.exceptions.OperationalError: [Errno 111] Connection refused to "
        "amqp://queue-7:5672 and did not come back.\n",
        encoding="utf-8",
    )
    imported = json.loads(cli.ok("import", str(report), "--json").out)
    past = imported["files"][0]["session_id"]
    _session(cli, "Payments stuck", "2026-01-10T09:00:00+00:00")
    line = (
        "kombu.exceptions.OperationalError: [Errno 111] Connection refused to "
        "amqp://q-2:5672"
    )
    for args in (("-k", "detected"), ("-sk", "detected")):
        out = cli.ok("log", line, *args).out
        assert f"seen before: {past} (same error signature)" in out
