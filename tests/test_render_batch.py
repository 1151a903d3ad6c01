"""`journal render --all`: writes what changed, nothing when nothing did, and removes
reports of sessions that are gone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli, snapshot


@pytest.fixture
def example(cli: Cli) -> Cli:
    """The test journal holding a copy of the example sessions."""
    shutil.rmtree(cli.root / "sessions")
    shutil.copytree(REPO / "sessions", cli.root / "sessions")
    # The sessions come with the configuration they are written for (statuses…).
    shutil.copy(REPO / "journal.yaml", cli.root / "journal.yaml")
    return cli


def render_all(cli: Cli, *args: str) -> dict[str, object]:
    result = cli.ok("render", "--all", "--json", *args)
    data: dict[str, object] = json.loads(result.out)
    return data


def reports(cli: Cli) -> dict[str, bytes]:
    return snapshot(cli.root / "reports")


def test_render_all_writes_every_report_then_nothing(example: Cli) -> None:
    first = render_all(example)
    ids = sorted(p.name for p in (example.root / "sessions").iterdir())
    assert sorted(first["written"]) == ids  # type: ignore[arg-type]
    before = reports(example)
    stats = {p: (example.root / "reports" / p).stat() for p in before}
    second = render_all(example)
    assert second["written"] == [] and second["removed"] == []
    assert second["unchanged"] == len(ids)
    assert reports(example) == before
    for name, stat in stats.items():
        assert (example.root / "reports" / name).stat().st_mtime_ns == stat.st_mtime_ns
    golden = REPO / "tests" / "golden" / "2025-11-04-sqlalchemy-mapper-error.md"
    assert before["2025-11-04-sqlalchemy-mapper-error.md"] == golden.read_bytes()


def test_only_the_changed_session_and_its_neighbours_are_rewritten(
    example: Cli,
) -> None:
    render_all(example)
    example.ok("set", "title", "Mapper error", "--session", "8")
    result = render_all(example)
    # 8 itself, and 7 and 9, whose Previous/Next links show 8's title.
    assert sorted(result["written"]) == [  # type: ignore[arg-type]
        "2025-11-03-production-monitoring",
        "2025-11-04-fix-validation",
        "2025-11-04-sqlalchemy-mapper-error",
    ]
    example.ok("log", "one more", "--session", "api")
    assert render_all(example)["written"] == ["2025-11-12-api-latency-spike"]


def test_template_and_config_changes_rewrite_every_report(example: Cli) -> None:
    render_all(example)
    custom = example.root / "templates" / "report"
    custom.mkdir(parents=True)
    (custom / "footer.md.j2").write_text("---\n\n*Our footer.*\n", "utf-8")
    assert len(render_all(example)["written"]) == 4  # type: ignore[arg-type]
    config = example.root / "journal.yaml"
    config.write_text(config.read_text("utf-8") + "ascii: true\n", "utf-8")
    assert len(render_all(example)["written"]) == 4  # type: ignore[arg-type]
    assert render_all(example)["written"] == []


def test_reports_of_removed_sessions_are_removed(example: Cli) -> None:
    render_all(example)
    (example.root / "reports" / "notes.md").write_text("mine\n", "utf-8")
    shutil.rmtree(example.root / "sessions" / "2025-11-12-api-latency-spike")
    result = render_all(example)
    assert result["removed"] == ["2025-11-12-api-latency-spike"]
    assert not (example.root / "reports" / "2025-11-12-api-latency-spike.md").exists()
    assert (example.root / "reports" / "notes.md").read_text("utf-8") == "mine\n"


def test_a_report_changed_or_deleted_by_hand_is_restored(example: Cli) -> None:
    render_all(example)
    target = example.root / "reports" / "2025-11-04-fix-validation.md"
    original = target.read_bytes()
    target.write_text("edited\n", "utf-8")
    (example.root / "reports" / "2025-11-03-production-monitoring.md").unlink()
    result = render_all(example)
    assert sorted(result["written"]) == [  # type: ignore[arg-type]
        "2025-11-03-production-monitoring",
        "2025-11-04-fix-validation",
    ]
    assert target.read_bytes() == original


def test_output_folder_option(example: Cli, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = render_all(example, "-o", str(out))
    assert len(result["written"]) == 4  # type: ignore[arg-type]
    assert not (example.root / "reports").exists()
    assert (out / "2025-11-04-sqlalchemy-mapper-error.md").is_file()


def test_one_broken_session_fails_the_run_but_not_the_others(example: Cli) -> None:
    broken = example.root / "sessions" / "2025-11-04-fix-validation" / "session.yaml"
    broken.write_text("title: [unclosed\n", "utf-8")
    result = example("render", "--all")
    assert result.code == 1
    assert "2025-11-04-fix-validation" in result.err
    assert "session.yaml:" in result.err
    assert "Traceback" not in result.err
    written = sorted(p.name for p in (example.root / "reports").iterdir())
    assert written == [
        "2025-11-03-production-monitoring.md",
        "2025-11-04-sqlalchemy-mapper-error.md",
        "2025-11-12-api-latency-spike.md",
    ]


MAPPER_AGAIN = (
    "sqlalchemy.exc.InvalidRequestError: One or more mappers failed to initialize - "
    "can't proceed with initialization of other mappers. Triggering mapper: "
    "'Mapper[Course(courses)]'. Original exception was: When initializing mapper "
    "Mapper[Course(courses)], expression 'Campus' failed to locate a name ('Campus'). "
    "If this is a class name, consider adding this relationship() to the "
    "<class 'app.models.course.Course'> class after both dependent classes have been "
    "defined."
)


def test_a_new_session_with_the_same_error_rewrites_the_older_report(
    example: Cli,
) -> None:
    render_all(example)
    old = "2025-11-04-sqlalchemy-mapper-error"
    # Its related sessions before: the sessions it continues and that continue it.
    assert (
        "Course mapper fails"
        not in (example.root / "reports" / f"{old}.md").read_text()
    )
    example.ok("new", "Course mapper fails", "--at", "2026-02-01T09:00:00+00:00")
    example.ok("log", MAPPER_AGAIN, "--kind", "detected")
    new = "2026-02-01-course-mapper-fails"
    result = render_all(example)
    assert sorted(result["written"]) == [old, new]  # type: ignore[arg-type]
    report = (example.root / "reports" / f"{old}.md").read_text()
    related = report.split("## Related sessions\n\n", 1)[1].split("\n\n", 1)[0]
    assert (
        f"- [Course mapper fails]({new}.md): same error: "
        "sqlalchemy.exc.InvalidRequestError: One or more mappers failed to initialize "
        "- can't proceed with …"
    ) in related.splitlines()
    back = (example.root / "reports" / f"{new}.md").read_text()
    assert f"- [Session 8: SQLAlchemy mapper error]({old}.md): same error: " in back
    assert render_all(example)["written"] == []


def test_a_run_with_nothing_changed_ranks_no_related_sessions(
    example: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The no-op run answers from the manifest: ranking related sessions (the costly
    part at 1,000 sessions) is skipped, and a later change still re-ranks them."""
    from journal.render import batch
    from journal.store.sessions import Journal

    journal = Journal.open(example.root)
    batch.render_all(journal)

    def refuse(_: object) -> None:
        raise AssertionError("related sessions were ranked on a no-op run")

    monkeypatch.setattr(batch, "related_or_none", refuse)
    again = batch.render_all(journal)
    assert again.written == [] and len(again.unchanged) == 4
    session = (
        example.root / "sessions" / "2025-11-12-api-latency-spike" / "session.yaml"
    )
    session.write_text(session.read_text().replace("API latency", "API latency (p99)"))
    with pytest.raises(AssertionError, match="ranked on a no-op run"):
        batch.render_all(journal)


def test_a_report_like_file_it_did_not_write_is_never_removed(example: Cli) -> None:
    """`render --all -o DIR` removes only reports it wrote there: a file named like a
    report that no session has, put there by someone else, stays — and so does a
    report of a gone session that was edited by hand after it was written."""
    out = example.root / "out"
    out.mkdir()
    foreign = out / "2020-01-01-our-own-notes.md"
    foreign.write_text("ours\n", "utf-8")
    render_all(example, "-o", str(out))
    edited = out / "2025-11-04-fix-validation.md"
    edited.write_text("annotated by hand\n", "utf-8")
    for gone in ("2025-11-12-api-latency-spike", "2025-11-04-fix-validation"):
        shutil.rmtree(example.root / "sessions" / gone)
    result = render_all(example, "-o", str(out))
    assert result["removed"] == ["2025-11-12-api-latency-spike"]
    assert foreign.read_text("utf-8") == "ours\n"
    assert edited.read_text("utf-8") == "annotated by hand\n"
