"""One site from several journals (issue 18): built from a folder with no journal of
its own, URLs per journal, each session's commits through its own forge, evidence
copied, names unique, bad journals refused in one line, an invalid session reported
with its journal (and skipped with --keep-going), and a change in one journal
regenerating only its pages and the cross-journal ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_journal
from tests.org_helpers import PAGES, SHA, three_journals
from tests.site_helpers import new_journal, write_session

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)


def _args(journals: list[Path]) -> list[str]:
    return [a for j in journals for a in ("--journal", str(j))]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    base = tmp_path_factory.mktemp("org")
    journals = three_journals(base)
    hub = base / "hub"
    hub.mkdir()
    result = run_journal("site", "build", *_args(journals), "--json", cwd=hub)
    assert result.code == 0, result.err
    return hub, json.loads(result.out)


def test_builds_into_site_of_the_folder_it_runs_in(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, data = built
    assert data["sessions"] == 4
    assert Path(str(data["site_dir"])) == (hub / "site").resolve()
    for page in PAGES.values():
        assert (hub / "site" / page / "index.html").is_file(), page
    # Both journals' `2025-11-04-db-failover` are on the site, each under its own.
    payments = (hub / "site" / PAGES["payments"] / "index.html").read_text()
    search = (hub / "site" / PAGES["search"] / "index.html").read_text()
    assert "quorum" in payments and "quorum" not in search
    assert "rebalanced" in search


def test_commits_link_through_their_own_forge_and_evidence_comes_along(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    payments = (hub / "site" / PAGES["payments"] / "index.html").read_text()
    assert f"https://github.com/acme/payments/commit/{SHA}" in payments
    evidence = hub / "site" / "evidence" / "payments" / "2025-11-04-db-failover"
    assert (evidence / "lag.png").read_bytes().startswith(b"\x89PNG")
    assert "lag.png" in payments


def test_home_names_each_sessions_repository(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    home = (hub / ".journal-site" / "docs" / "index.md").read_text()
    assert "| Date | Repository |" in home
    for name, page in PAGES.items():
        row = next(line for line in home.splitlines() if page.rstrip("/") in line)
        assert f"[{name}]({name}/index.md)" in row


def test_settings_of_each_journal_hold_and_differences_are_said(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    metrics = (hub / ".journal-site" / "docs" / "metrics.md").read_text()
    # `sev1` is known to one journal only: counted as written, not rejected.
    assert "sev1" in metrics and "critical" in metrics
    assert "search: sev1, sev2" in metrics
    assert "search: Europe/Paris" in metrics
    search = (hub / ".journal-site" / "docs" / "search" / "index.md").read_text()
    assert "timezone Europe/Paris" in search


def test_previous_resolves_within_the_same_journal(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    page = hub / ".journal-site/docs/identity/sessions/2025-11-05-token-expiry.md"
    chain = page.read_text().split("**In this chain:**")[1]
    assert "(2025-11-02-clock-skew.md)" in chain


def test_previous_names_a_session_of_another_journal(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    docs = hub / ".journal-site" / "docs"
    search = (docs / "search/sessions/2025-11-04-db-failover.md").read_text()
    chain = search.split("**In this chain:**")[1]
    assert "(../../payments/sessions/2025-11-04-db-failover.md)" in chain
    payments = (docs / "payments/sessions/2025-11-04-db-failover.md").read_text()
    chain = payments.split("**In this chain:**")[1]
    assert "(../../search/sessions/2025-11-04-db-failover.md)" in chain
    site = hub / "site" / PAGES["search"] / "index.html"
    assert 'href="../../../payments/sessions/2025-11-04-db-failover/"' in (
        site.read_text()
    )


def test_two_journals_with_one_name_are_told_apart(tmp_path: Path) -> None:
    first = new_journal(tmp_path / "team-a" / "api")
    second = new_journal(tmp_path / "team-b" / "api")
    write_session(first, "2025-01-01-one")
    write_session(second, "2025-01-01-two")
    result = run_journal("site", "build", *_args([first, second]), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "two journals are named 'api'" in result.err
    site = tmp_path / "site"
    # Both are renamed by their parent folder, so neither URL depends on the order.
    assert (
        site / "team-a-api" / "sessions" / "2025-01-01-one" / "index.html"
    ).is_file()
    assert (
        site / "team-b-api" / "sessions" / "2025-01-01-two" / "index.html"
    ).is_file()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.mkdir(), "is not a journal (it has no journal.yaml)"),
        (
            lambda p: (
                new_journal(p).joinpath("journal.yaml").write_text("sesions: x\n")
            ),
            "has an invalid configuration",
        ),
    ],
)
def test_a_bad_journal_path_fails_in_one_line_naming_it(
    tmp_path: Path, make: object, said: str
) -> None:
    good = new_journal(tmp_path / "good")
    bad = tmp_path / "bad"
    make(bad)  # type: ignore[operator]
    result = run_journal("site", "build", *_args([good, bad]), cwd=tmp_path)
    assert result.code != 0
    assert "Traceback" not in result.err
    first = result.err.strip().splitlines()[0]
    assert str(bad) in first and said in first, result.err
    assert not (tmp_path / "site").exists()


def test_invalid_session_names_its_journal_and_keep_going_builds_the_rest(
    tmp_path: Path,
) -> None:
    good = new_journal(tmp_path / "good")
    broken = new_journal(tmp_path / "broken")
    write_session(good, "2025-01-01-fine")
    write_session(broken, "2025-01-02-ok")
    write_session(broken, "2025-01-03-bad", severity=["not", "a", "string"])
    stopped = run_journal("site", "build", *_args([good, broken]), cwd=tmp_path)
    assert stopped.code != 0 and "Traceback" not in stopped.err
    assert "journal broken" in stopped.err and "2025-01-03-bad" in stopped.err
    assert "--keep-going" in stopped.err
    going = run_journal(
        "site", "build", *_args([good, broken]), "--keep-going", cwd=tmp_path
    )
    assert going.code == 0, going.err
    assert "broken/2025-01-03-bad" in going.err
    site = tmp_path / "site"
    assert (site / "good" / "sessions" / "2025-01-01-fine" / "index.html").is_file()
    assert (site / "broken" / "sessions" / "2025-01-02-ok" / "index.html").is_file()


def test_a_change_in_one_journal_regenerates_only_its_pages(tmp_path: Path) -> None:
    from journal.site.org import open_members
    from journal.site.orgbuild import place_for
    from journal.site.orgpages import generate_org

    journals = three_journals(tmp_path)
    members, _ = open_members(journals)
    place, _, _ = place_for(tmp_path, None)
    first = generate_org(members, place, offline=False, keep_going=False)
    assert sum(1 for w in first.written if "/sessions/" in w) == 4
    again = generate_org(members, place, offline=False, keep_going=False)
    assert not any("/sessions/" in w for w in again.written), again.written
    session = journals[2] / "sessions" / "2025-11-05-token-expiry" / "session.yaml"
    text = session.read_text()
    assert '"title": "token expiry"' in text
    session.write_text(text.replace('"token expiry"', '"tokens expired early"'))
    changed = generate_org(members, place, offline=False, keep_going=False)
    sessions = sorted(w for w in changed.written if "/sessions/" in w)
    # The session, and the one its chain links name (same journal); no other's.
    assert sessions == [
        "identity/sessions/2025-11-02-clock-skew.md",
        "identity/sessions/2025-11-05-token-expiry.md",
    ]
    # The cross-journal pages that show the title follow.
    assert {"index.md", "identity/index.md", "followups.md"} <= set(changed.written)


def test_saved_journals_build_without_naming_them(tmp_path: Path) -> None:
    journals = three_journals(tmp_path)
    hub = tmp_path / "hub"
    hub.mkdir()
    named = [a for j in journals for a in ("--org", str(Path("..") / j.name))]
    init = run_journal("init", *named, cwd=hub)
    assert init.code == 0, init.err
    text = (hub / "journal.yaml").read_text()
    assert "journals:" in text and "../auth" in text
    result = run_journal("site", "build", cwd=hub)
    assert result.code == 0, result.err
    assert (hub / "site" / PAGES["identity"] / "index.html").is_file()


def test_site_journals_is_checked_like_every_setting(tmp_path: Path) -> None:
    root = new_journal(tmp_path / "j")
    (root / "journal.yaml").write_text("site:\n  journal: [../a]\n")
    result = run_journal("site", "build", cwd=root)
    assert result.code != 0 and "Traceback" not in result.err
    assert "did you mean 'journals'" in result.err
    (root / "journal.yaml").write_text("site:\n  journals: 3\n")
    result = run_journal("site", "build", cwd=root)
    assert "site.journals must be a list of strings" in result.err


def test_a_step_carried_within_a_journal_is_one_follow_up(
    built: tuple[Path, dict[str, object]],
) -> None:
    hub, _ = built
    followups = (hub / ".journal-site" / "docs" / "followups.md").read_text()
    rows = [line for line in followups.splitlines() if "Rotate the signing" in line]
    assert len(rows) == 1  # the copy in token-expiry, not also the original
    assert "identity · token expiry" in rows[0]
    assert "3 open follow-ups across 3 sessions" in followups


def test_serve_watches_every_journal(tmp_path: Path) -> None:
    from journal.site.org import open_members
    from journal.site.orgbuild import place_for, prepare_org
    from journal.site.orgserve import _regenerate, snapshot_all

    journals = three_journals(tmp_path)
    members, _ = open_members(journals)
    place, _, config_file = place_for(tmp_path, None)
    prepare_org(members, place, config_file, offline=False, keep_going=False)
    before = snapshot_all(members)
    assert any(str(j / "sessions") in path for j in journals for path in before)
    timeline = journals[2] / "sessions" / "2025-11-02-clock-skew" / "timeline.yaml"
    with timeline.open("a") as handle:
        handle.write('- {"at": "2025-11-02T09:30:00+00:00", "kind": "note"}\n')
    assert snapshot_all(members) != before
    said: list[str] = []
    _regenerate(journals, members, tmp_path, said.append, False)
    assert said and said[-1].startswith("regenerated"), said
    page = place.docs_dir / "identity" / "sessions" / "2025-11-02-clock-skew.md"
    assert "09:30" in page.read_text()


def test_init_org_refuses_a_folder_that_is_not_a_journal(tmp_path: Path) -> None:
    good = new_journal(tmp_path / "good")
    (tmp_path / "plain").mkdir()
    hub = tmp_path / "hub"
    hub.mkdir()
    result = run_journal("init", "--org", str(good), "--org", "../plain", cwd=hub)
    assert result.code != 0 and "Traceback" not in result.err
    assert "plain is not a journal" in result.err
    assert not (hub / "journal.yaml").exists()


HOSTILE = "</title><script>window.__pwned=1</script>"


def test_hostile_journal_names_titles_and_tags_reach_no_page_as_html(
    tmp_path: Path,
) -> None:
    """A journal's name, a session's title and a tag that close the <title> and open
    a script: on an org site they show in page titles, headings and the navigation,
    and every one is escaped there."""
    import re

    first = new_journal(tmp_path / "a")
    (first / "journal.yaml").write_text(
        f"sessions_dir: sessions\nname: {json.dumps(HOSTILE)}\n", encoding="utf-8"
    )
    write_session(first, "2025-01-01-one", title=HOSTILE, tags=[HOSTILE])
    second = new_journal(tmp_path / "b")
    write_session(second, "2025-01-02-two", title="plain")
    result = run_journal("site", "build", *_args([first, second]), cwd=tmp_path)
    assert result.code == 0, result.err
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) >= 10
    seen = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in text, page
        for title in re.findall(r"<title>(.*?)</title>", text, re.S):
            assert "<" not in title and ">" not in title, (page, title)
            seen += "&lt;/title&gt;&lt;script&gt;" in title
    # The session's page and its tag's (a journal's name is made a slug first).
    assert seen >= 2
