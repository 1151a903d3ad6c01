"""Hotspots on a real git repository: what the team's code went through, counted by
the commits that name a session in their `Journal-Session:` trailer as well as those
in its timeline, never the journal's own files, never a URL; a shallow clone's
boundary is said."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, git


def _commit(root: Path, message: str, *files: tuple[str, str]) -> str:
    for name, text in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-qm", message)
    return git(root, "rev-parse", "HEAD")


def _two_incidents(cli: Cli) -> tuple[str, str]:
    root = cli.root
    git(root, "config", "user.email", "a@example.com")
    git(root, "config", "user.name", "A")
    cli.ok("new", "Checkout fails", "--at", "2026-01-05T10:00:00+00:00")
    first_id = "2026-01-05-checkout-fails"
    _commit(
        root,
        f"Fix the cart total\n\nJournal-Session: {first_id}",
        ("app/cart.py", "total = 1\n"),
        ("README.md", "the shop\n"),
    )
    cli.ok("new", "Checkout fails again", "--at", "2026-02-01T10:00:00+00:00")
    second_id = "2026-02-01-checkout-fails-again"
    # The journal's own files, committed with the trailer like any change.
    _commit(
        root,
        f"Fix the cart rounding\n\nJournal-Session: {second_id}",
        ("app/cart.py", "total = 2\n"),
    )
    return first_id, second_id


def test_trailer_linked_commits_count_and_the_journal_files_do_not(cli: Cli) -> None:
    first_id, second_id = _two_incidents(cli)
    for sid in (first_id, second_id):
        timeline = (cli.root / "sessions" / sid / "timeline.yaml").read_text()
        assert '"commit"' not in timeline  # linked by the trailer alone
    data = json.loads(cli.ok("hotspots", "--json").out)
    files = {f["path"]: f for f in data["files"]}
    assert files["app/cart.py"]["count"] == 2
    assert sorted(files["app/cart.py"]["sessions"]) == sorted([first_id, second_id])
    assert files["README.md"]["count"] == 1  # a file at the repository's top
    own = [p for p in files if p.startswith("sessions/")]
    own += [p for p in files if p in ("journal.yaml", ".gitattributes")]
    own += [p for p in files if p.endswith("schema.json")]
    assert own == []
    assert {d["path"] for d in data["directories"]} == {"app/"}
    assert "shallow" not in data


def test_a_url_in_a_root_cause_is_not_a_file(cli: Cli) -> None:
    first_id, _ = _two_incidents(cli)
    url = "https://github.com/acme/shop/blob/main/app/pay.py"
    cli.ok("set", "root_cause.summary", f"see {url} and app/tax.py:12", "-S", first_id)
    cli.ok("set", "root_cause.location", url, "-S", first_id)
    data = json.loads(cli.ok("hotspots", "--json").out)
    paths = {f["path"] for f in data["files"]}
    assert "app/tax.py" in paths
    assert not [p for p in paths if "github.com" in p or "://" in p]


def test_a_shallow_clone_says_where_its_history_stops(cli: Cli, tmp_path: Path) -> None:
    _two_incidents(cli)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{cli.root}", str(clone))
    shallow = Cli(clone)
    data = json.loads(shallow.ok("hotspots", "--json").out)
    assert data["shallow"] is True and "shallow clone" in data["note"]
    text = shallow.ok("hotspots").out
    assert "shallow clone" in text


def test_a_root_cause_written_as_a_trace_prints_it_is_the_file_a_commit_changed(
    cli: Cli,
) -> None:
    _, second_id = _two_incidents(cli)
    # The container's path of app/cart.py, as a traceback prints it.
    where = "/srv/shop/app/cart.py:41"
    cli.ok("set", "root_cause.location", where, "-S", second_id)
    data = json.loads(cli.ok("hotspots", "--json").out)
    files = {f["path"]: f for f in data["files"]}
    assert [p for p in files if p.endswith("cart.py")] == ["app/cart.py"]
    assert files["app/cart.py"]["count"] == 2  # the second session counted once
    assert set(files["app/cart.py"]["via"]) == {"commit", "root cause"}
