"""Reports from templates: golden files of the example journal, byte-identical output
on any timezone and locale, project templates overriding one part, --ascii.

After a deliberate template change, regenerate the golden files with
`UPDATE_GOLDEN=1 python -m pytest tests/test_render_report.py` and review the diff.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from journal.render.report import Renderer, package_templates
from journal.store.sessions import Journal
from tests.conftest import REPO, Cli, run_journal

GOLDEN = REPO / "tests" / "golden"
EXAMPLE_IDS = Journal.open(REPO).session_ids()
SESSION_8 = "2025-11-04-sqlalchemy-mapper-error"


# Commit links follow the journal's git `origin`: the goldens are rendered in a copy
# of the example journal in a repository of its own, with no remote, so they are the
# same wherever this checkout was cloned from; each forge gets its own copy.
FORGES = {
    "github": (
        "git@github.com:acme/payments.git",
        "https://github.com/acme/payments/commit/{sha}",
    ),
    "gitlab": (
        "https://gitlab.com/acme/payments.git",
        "https://gitlab.com/acme/payments/-/commit/{sha}",
    ),
    "bitbucket": (
        "git@bitbucket.org:acme/payments.git",
        "https://bitbucket.org/acme/payments/commits/{sha}",
    ),
    "gitea": (
        "https://gitea.example.com/acme/payments.git",
        "https://gitea.example.com/acme/payments/commit/{sha}",
    ),
    "azure": (
        "git@ssh.dev.azure.com:v3/acme/shop/payments",
        "https://dev.azure.com/acme/shop/_git/payments/commit/{sha}",
    ),
}


@functools.cache
def example_in_git(remote: str | None = None) -> Path:
    """A copy of the example journal at the top of a new git repository whose
    `origin` is `remote` (none when None)."""
    from tests.conftest import git

    root = Path(tempfile.mkdtemp(prefix="journal-golden-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    shutil.copytree(REPO / "sessions", root / "sessions")
    shutil.copy(REPO / "journal.yaml", root / "journal.yaml")
    git(root, "init", "-q")
    if remote is not None:
        git(root, "remote", "add", "origin", remote)
    return root


def example_report(session_id: str, *, remote: str | None = None) -> str:
    return Renderer(Journal.open(example_in_git(remote))).render(session_id)


@pytest.mark.parametrize("session_id", EXAMPLE_IDS)
def test_example_sessions_render_to_their_golden_reports(session_id: str) -> None:
    golden = GOLDEN / f"{session_id}.md"
    text = example_report(session_id)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.is_file(), "run UPDATE_GOLDEN=1 python -m pytest " + __file__
    assert text == golden.read_bytes().decode("utf-8")


def _commit_shas(session_id: str) -> list[str]:
    events = Journal.open(REPO).events(session_id)
    return [e.sha for e in events if e.kind == "commit" and e.sha]


@pytest.mark.parametrize("forge", FORGES)
@pytest.mark.parametrize("session_id", EXAMPLE_IDS)
def test_commit_links_follow_the_forge_of_origin(session_id: str, forge: str) -> None:
    """The golden report, with each commit's cell linked to its page on the forge
    `origin` points at, and nothing else changed."""
    remote, page = FORGES[forge]
    expected = (GOLDEN / f"{session_id}.md").read_bytes().decode("utf-8")
    for sha in _commit_shas(session_id):
        cell = f"| `{sha[:7]}` |"
        assert expected.count(cell) == 1, (sha, "one row per commit")
        linked = f"| [`{sha[:7]}`]({page.format(sha=sha)}) |"
        expected = expected.replace(cell, linked)
    assert example_report(session_id, remote=remote) == expected


def test_the_forge_goldens_have_commits_to_link() -> None:
    assert sum(len(_commit_shas(s)) for s in EXAMPLE_IDS) >= 2


def test_session_8_is_in_the_example_journal() -> None:
    assert SESSION_8 in EXAMPLE_IDS
    assert len(EXAMPLE_IDS) >= 3


def test_session_8_report_has_every_part_of_the_example_report() -> None:
    text = example_report(SESSION_8)
    headings = re.findall(r"^#{1,3} (.+)$", text, re.MULTILINE)
    for part in (
        "Session 8: SQLAlchemy mapper error",
        "Executive summary",
        "How it was found",
        "Timeline",
        "Root cause",
        "Options considered",
        "The fix",
        "Commits",
        "Impact",
        "Status board",
        "Validation plan",
        "Success criteria",
        "Fix validation",
        "Production health",
        "Next steps",
        "Immediate",
        "Short-term",
        "Long-term",
        "Lessons learned",
        "Andrew Ng Methodology Validation",
        "Deployment",
        "Technical Details",
        "Session 8 Achievements",
        "Metrics",
    ):
        assert part in headings, part
    assert text.count("- [ ] ") == 11 + 11
    assert text.count("```bash\n") >= 5
    assert "| Comment out relationship |" in text
    assert "✅ Chosen: Smallest possible change" in text
    assert "`fa1b1d5`" in text
    assert "‚ùå" not in text and "❌ THIS MODEL DOESN'T EXIST" in text


def test_report_is_byte_identical_under_any_zone_and_locale(tmp_path: Path) -> None:
    expected = (GOLDEN / f"{SESSION_8}.md").read_bytes()
    for env in (
        {"TZ": "Pacific/Chatham", "LANG": "C", "LC_ALL": "C"},
        {"TZ": "America/St_Johns", "PYTHONIOENCODING": "latin-1"},
        {"TZ": "Asia/Kolkata", "PYTHONUTF8": "0", "LC_ALL": "POSIX"},
    ):
        out = tmp_path / "out.md"
        example = example_in_git()
        result = run_journal("render", "8", "-o", str(out), cwd=example, env=env)
        assert result.code == 0, result.err
        assert out.read_bytes() == expected
        import subprocess
        import sys

        piped = subprocess.run(
            [sys.executable, "-m", "journal", "render", "8"],
            cwd=example,
            capture_output=True,
            env={**os.environ, **env},
            timeout=60,
        )
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout == expected


def test_times_follow_the_configured_zone_and_name_it(
    cli: Cli, session_id: str
) -> None:
    cli.ok("log", "Errors start", "--kind", "detected", "--at", "2025-11-04T01:02Z")
    config = cli.root / "journal.yaml"
    config.write_text(
        config.read_text("utf-8").replace("timezone: UTC", "timezone: Asia/Kolkata"),
        "utf-8",
    )
    text = cli.ok("render").out
    assert "| Time (Asia/Kolkata) | Kind | Event |" in text
    assert "| 06:32 | detected | Errors start |" in text


def test_multi_day_sessions_show_dates() -> None:
    text = example_report("2025-11-03-production-monitoring")
    assert "| 2025-11-03 23:46 | deployed |" in text
    assert "| 2025-11-04 00:53 | note | ⭐ Monitoring baseline" in text
    assert "- **Date:** 2025-11-03 – 2025-11-04" in text


def test_previous_and_next_sessions_are_linked() -> None:
    eight = example_report(SESSION_8)
    assert (
        "- **Previous:** [Session 7: Production monitoring baseline]"
        "(2025-11-03-production-monitoring.md)" in eight
    )
    assert "- **Next:** [Session 9: Validate the SQLAlchemy fix" in eight


def test_ascii_replaces_status_emoji_with_words(cli: Cli, session_id: str) -> None:
    cli.ok("log", "found it", "--kind", "detected", "--star")
    cli.ok("option", "add", "Roll back")
    cli.ok("option", "add", "Patch")
    cli.ok("option", "choose", "1", "--why", "fastest")
    emoji = cli.ok("render").out
    words = cli.ok("render", "--ascii").out
    assert "⭐ found it" in emoji and "✅ Chosen: fastest" in emoji
    assert "(key) found it" in words and "| Chosen: fastest |" in words
    assert not re.search(r"[⭐✅❌⏸]", words)
    config = cli.root / "journal.yaml"
    config.write_text(
        config.read_text("utf-8").replace("ascii: false", "ascii: true"), "utf-8"
    )
    assert cli.ok("render").out == words
    assert cli.ok("render", "--emoji").out == emoji


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^(?=## )", text, flags=re.MULTILINE)
    return {part.split("\n", 1)[0]: part for part in parts}


def test_overriding_only_the_options_template_changes_only_that_part(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journal"
    shutil.copytree(REPO / "sessions", root / "sessions")
    shutil.copy(REPO / "journal.yaml", root / "journal.yaml")
    (root / "journal.yaml").write_text(
        (REPO / "journal.yaml")
        .read_text("utf-8")
        .replace("templates_dir: templates", "templates_dir: my-templates"),
        "utf-8",
    )
    before = Renderer(Journal.open(root)).render(SESSION_8)
    custom = root / "my-templates" / "report"
    custom.mkdir(parents=True)
    (custom / "options.md.j2").write_text(
        "## Options considered\n\n"
        "{% for o in session.options %}\n"
        "- {{ o.title | inline }}: {{ o.decision or 'open' }}\n"
        "{% endfor %}\n\n",
        "utf-8",
    )
    after = Renderer(Journal.open(root)).render(SESSION_8)
    old, new = _sections(before), _sections(after)
    assert old.keys() == new.keys()
    changed = [title for title in old if old[title] != new[title]]
    assert changed == ["## Options considered"]
    assert "- Comment out relationship: chosen\n" in new["## Options considered"]


def test_a_broken_project_template_is_one_line_naming_it(
    cli: Cli, session_id: str
) -> None:
    custom = cli.root / "templates" / "report"
    custom.mkdir(parents=True)
    (custom / "summary.md.j2").write_text("{{ session.no_such_field }}\n", "utf-8")
    result = cli("render")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "template error" in result.err and "no_such_field" in result.err
    assert "Traceback" not in result.err


def test_default_templates_ship_every_part() -> None:
    names = {p.name for p in (package_templates() / "report").glob("*.md.j2")}
    for part in (
        "header", "summary", "timeline", "root_cause", "options", "fix", "impact",
        "validation", "criteria", "next_steps", "lessons", "sections", "commits",
        "footer",
    ):  # fmt: skip
        assert f"{part}.md.j2" in names
    assert (package_templates() / "report.md.j2").is_file()


def test_commits_link_to_the_configured_web_url(cli: Cli, session_id: str) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    cli.ok("log", "Fix it", "--kind", "commit", "--by", "rich")
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    timeline.write_text(
        timeline.read_text("utf-8").replace('"by"', f'"sha": "{sha}", "by"'), "utf-8"
    )
    plain = cli.ok("render").out
    assert "| `0123456` | Fix it | rich |" in plain
    config = cli.root / "journal.yaml"
    config.write_text(
        config.read_text("utf-8").replace(
            'web_url: ""', 'web_url: "https://git.example.com/team/app/commit/{sha}"'
        ),
        "utf-8",
    )
    linked = cli.ok("render").out
    assert f"| [`0123456`](https://git.example.com/team/app/commit/{sha}) |" in linked


@pytest.mark.slow
def test_a_non_editable_install_renders_with_the_shipped_templates(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys
    import zipfile

    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp_path, REPO],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("*.whl"))
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    assert (installed / "journal" / "_templates" / "report" / "options.md.j2").is_file()
    journal_copy = tmp_path / "example"
    shutil.copytree(REPO / "sessions", journal_copy / "sessions")
    shutil.copy(REPO / "journal.yaml", journal_copy / "journal.yaml")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    code = "import journal, sys; sys.stdout.write(journal.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", code], cwd=journal_copy, env=env, capture_output=True
    )
    assert where.stdout.decode().startswith(str(installed))
    result = subprocess.run(
        [sys.executable, "-m", "journal", "render", "8"],
        cwd=journal_copy,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / f"{SESSION_8}.md").read_bytes()


def test_commits_link_to_the_forge_origin_points_at(cli: Cli, session_id: str) -> None:
    from tests.conftest import git

    git(cli.root, "remote", "add", "origin", "git@github.com:acme/payments.git")
    sha = "fa1b1d5" + "0" * 33
    cli.ok("log", "fix", "--kind", "commit", "--at", "2025-11-04T01:05Z")
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace('"text": "fix"', f'"text": "fix", "sha": "{sha}"')
    )
    report = cli.ok("render").out
    assert f"[`fa1b1d5`](https://github.com/acme/payments/commit/{sha})" in report


# --- a session's own wording (Session.labels) and times as written ---------------


def _render_in(root: Path, session: Any, events: list[Any] | None = None) -> str:
    """One report of `session`, rendered in a bare journal at `root`."""
    from datetime import UTC

    from journal.render.report import build_context

    (root / "journal.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    context = build_context(
        session_id="2025-11-04-x",
        session=session,
        events=events or [],
        tz=UTC,
        tz_name="UTC",
        source="sessions/2025-11-04-x/",
        previous=None,
        following=[],
        ascii=False,
        commit_url=lambda sha: None,
    )
    return Renderer(Journal.open(root)).render_context(context)


def _labelled_session(labels: dict[str, str]) -> Any:
    from datetime import UTC, datetime

    from journal.model.session import Impact, Lesson, NextStep, RootCause, Session

    return Session(
        title="Checkout latency spike",
        number=12,
        started=datetime(2025, 11, 4, 1, 0, tzinfo=UTC),
        root_cause=RootCause(location="api/db/pool.py:115-120", evidence=["cold"]),
        impact=Impact(affected=["Checkout"]),
        next_steps=[
            NextStep(text="Drain nodes", horizon="immediate", owner="Femi"),
            NextStep(text="Evaluate hashing", horizon="long"),
        ],
        lessons=[Lesson(title="Caches go cold", kind="went-wrong", prevention="Warm")],
        labels=labels,
    )


def test_labels_replace_the_default_wording(tmp_path: Path) -> None:
    plain = _render_in(tmp_path, _labelled_session({}))
    text = _render_in(
        tmp_path,
        _labelled_session(
            {
                "header.number": "INC-",
                "root_cause": "Contributing Factors",
                "root_cause.location": "File",
                "root_cause.lines": "lines",
                "impact.affected": "Affected Components",
                "next_steps": "Action Items",
                "next_steps.immediate": "P0",
                "next_steps.text": "Action",
                "next_steps.owner": "Assignee",
                "lessons": "Key Learnings",
                "lessons.went-wrong": "What went poorly",
                "lessons.prevention": "Mitigation",
            }
        ),
    )
    assert plain.startswith("# Session 12: Checkout latency spike\n")
    assert text.startswith("# INC-12: Checkout latency spike\n")
    assert "## Contributing Factors\n" in text and "## Root cause" not in text
    assert "- **File:** `api/db/pool.py` (lines 115-120)\n" in text
    assert "- **Location:** `api/db/pool.py:115-120`\n" in plain
    assert "**Affected Components:**\n" in text
    assert "## Action Items\n\n### P0\n\n" in text
    assert "- [ ] **Action:** Drain nodes (Assignee: Femi)\n" in text
    assert "- [ ] Drain nodes (owner: Femi)\n" in plain
    assert "### Long-term\n" in text, "a horizon without a label keeps the default"
    assert "## Key Learnings\n" in text and "*❌ What went poorly*" in text
    assert "**Mitigation:**" in text


def test_labels_are_escaped_like_any_user_text(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    session = _labelled_session(
        {"next_steps": "# Steps | <b>now</b>", "timeline.text": "What | happened"}
    )
    from journal.model.session import Event

    event = Event(at=session.started, kind="note", text="x")
    text = _render_in(tmp_path, session, [event])
    assert "## \\# Steps | &lt;b>now&lt;/b>\n" in text
    assert "| Time (UTC) | Kind | What \\| happened |" in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert sum(t.type == "th_open" for t in tokens) == 3 + 3, "timeline, metrics"


def test_an_imported_time_shows_as_written_beside_the_report_time(
    tmp_path: Path,
) -> None:
    from journal.model.session import Event

    session = _labelled_session({})
    events = [
        Event(at=session.started, kind="note", text="started", original="17:00 PST"),
        Event(at=session.started, kind="note", text="same clock"),
    ]
    text = _render_in(tmp_path, session, events)
    assert "| 01:00 (17:00 PST) | note | started |" in text
    assert "| 01:00 | note | same clock |" in text


def test_an_unknown_label_in_a_template_is_one_line_naming_it(
    cli: Cli, session_id: str
) -> None:
    custom = cli.root / "templates" / "report"
    custom.mkdir(parents=True)
    (custom / "summary.md.j2").write_text('## {{ label("sumary") }}\n', "utf-8")
    result = cli("render")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "unknown label 'sumary'" in result.err
    (custom / "summary.md.j2").write_text('## {{ label("mine", "Mine") }}\n', "utf-8")
    assert "## Mine\n" in cli.ok("render").out, "a project's own key with a default"


def test_a_follow_ups_owner_and_ticket_follow_its_first_line(tmp_path: Path) -> None:
    """Nested lines under a follow-up are its details: "(owner: …; tracked in …)"
    says what the follow-up is, so it ends the first line, not the last nested one."""
    from journal.model.session import NextStep, Session

    step = NextStep(
        text="Add fetch wrapper tests\n- https://example.com/pull/35\n- https://example.com/pull/36",
        horizon="short",
        owner="Femi",
        tracked_in="https://example.com/pull/35",
    )
    text = _render_in(tmp_path, Session(title="SDK outage", next_steps=[step]))
    assert (
        "- [ ] Add fetch wrapper tests (owner: Femi; tracked in "
        "https://example.com/pull/35)\n\n  - https://example.com/pull/35\n"
        "  - https://example.com/pull/36\n\n## Metrics"
    ) in text
