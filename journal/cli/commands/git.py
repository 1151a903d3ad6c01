"""Commands about git: link, sync, hook install|uninstall|status, merge
install|uninstall|status (the session.yaml merge driver) and resolve (finishing a
merge that stopped on a session)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from journal.cli.options import Json, SessionOpt, open_journal
from journal.cli.output import emit

if TYPE_CHECKING:
    from journal.gitlink.commits import Commit
    from journal.gitlink.installer import Changes
    from journal.gitlink.sync import SyncReport

commands = typer.Typer()

hook_app = typer.Typer(
    help="Git hooks that link each commit to the active session.",
    no_args_is_help=True,
)
commands.add_typer(hook_app, name="hook")
merge_app = typer.Typer(
    help="The merge driver that merges session.yaml field by field.",
    no_args_is_help=True,
)
commands.add_typer(merge_app, name="merge")


def _commit(commit: Commit, url: str | None) -> dict[str, Any]:
    return {
        "sha": commit.sha,
        "at": commit.at,
        "by": commit.author,
        "text": commit.subject,
        "url": url,
    }


@commands.command("link")
def link(
    revs: Annotated[
        list[str] | None,
        typer.Argument(help="Commits or ranges such as main..HEAD (default: HEAD)."),
    ] = None,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add commits to the session's timeline (each commit once, at its author time)."""
    from journal.gitlink import commit_url_builder
    from journal.gitlink.sync import link_revs

    journal = open_journal()
    result = link_revs(journal, revs or [], session=session)
    url = commit_url_builder(journal.root, web_url=journal.config.git.web_url)
    lines = [f"linked  {c.sha[:7]} {c.subject}" for c in result.linked]
    lines += [f"already {c.sha[:7]} {c.subject}" for c in result.already]
    lines.append(f"→ {result.session_id}")
    emit(
        {
            "session": result.session_id,
            "linked": [_commit(c, url(c.sha)) for c in result.linked],
            "already": [_commit(c, url(c.sha)) for c in result.already],
        },
        "\n".join(lines),
        as_json=as_json,
    )


@commands.command("sync")
def sync(
    since: Annotated[
        str | None,
        typer.Option(help="Only scan commits not reachable from this revision."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Link commits whose Journal-Session trailer names a session; follow rewritten
    commits (rebase, amend) to their new SHA, or mark them lost."""
    from journal.gitlink.sync import sync as run_sync

    report = run_sync(open_journal(), since=since)
    emit(_sync_data(report), _sync_text(report), as_json=as_json)


def _sync_data(report: SyncReport) -> dict[str, Any]:
    def moves(items: list[Any]) -> list[dict[str, str]]:
        return [
            {"session": s, "old": m.old, "new": m.new.sha, "how": m.how}
            for s, m in items
        ]

    return {
        "scanned": report.scanned,
        "shallow": report.shallow,
        "empty_repo": report.empty_repo,
        "linked": [{"session": s, "sha": c.sha} for s, c in report.linked],
        "repointed": moves(report.moved),
        "merged": moves(report.merged),
        "lost": [{"session": s, "sha": sha} for s, sha in report.lost],
        "found": [{"session": s, "sha": sha} for s, sha in report.found],
        "unchecked": [{"session": s, "sha": sha} for s, sha in report.unchecked],
        "unknown_sessions": [
            {"sha": sha, "session": ref} for sha, ref in report.unknown_sessions
        ],
    }


def _sync_text(report: SyncReport) -> str:
    if report.empty_repo:
        return "no commits yet: nothing to sync"
    lines = [f"linked     {c.sha[:7]} → {s}  {c.subject}" for s, c in report.linked]
    lines += [
        f"re-pointed {m.old[:7]} → {m.new.sha[:7]} ({m.how}) in {s}"
        for s, m in report.moved
    ]
    lines += [
        f"merged     {m.old[:7]} into {m.new.sha[:7]} (already listed) in {s}"
        for s, m in report.merged
    ]
    lines += [f"found      {sha[:7]} again in {s}" for s, sha in report.found]
    lines += [
        f"lost       {sha[:7]} in {s}: no longer in this repository's history"
        for s, sha in report.lost
    ]
    lines += [
        f"unchecked  {sha[:7]} in {s}: beyond this shallow clone's history"
        for s, sha in report.unchecked
    ]
    lines += [
        f"skipped    {sha[:7]}: its trailer names {ref!r}, which is not a session"
        for sha, ref in report.unknown_sessions
    ]
    if len(lines) == 0:
        lines.append(f"in sync ({report.scanned} commits scanned)")
    if report.lost:
        lines.append(
            "  (a lost commit may live on a branch not fetched here: fetch it and "
            "run `journal sync` again)"
        )
    return "\n".join(lines)


def _changes(changes: Changes, as_json: bool, *, driver: str | None = None) -> None:
    place = changes.place
    lines = [f"{what}: {path}" for _, what, path in changes.done] or ["nothing to do"]
    if place.hooks_path:
        lines.append(f"  (core.hooksPath is {place.hooks_path})")
    if driver is not None:
        lines.append(f"merge driver for session.yaml: {driver}")
    emit(
        {
            "hooks_dir": str(place.hooks_dir),
            "core_hooks_path": place.hooks_path or None,
            "changes": [
                {"hook": name, "action": what, "path": str(path)}
                for name, what, path in changes.done
            ],
            "merge_driver": driver,
        },
        "\n".join(lines),
        as_json=as_json,
    )


@hook_app.command("install")
def hook_install(
    commit_msg: Annotated[
        bool,
        typer.Option(
            "--commit-msg/--no-commit-msg",
            help="Also add the Journal-Session trailer to commit messages.",
        ),
    ] = True,
    post_commit: Annotated[
        bool,
        typer.Option(
            "--post-commit/--no-post-commit",
            help="Also append each commit to timeline.yaml as it is made (leaves "
            "the file modified after every commit). Off by default: the trailer is "
            "the link, reports read it from history, `journal close` writes it.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace a foreign hook (kept as <hook>.journal-backup)."
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Install the hooks that link commits to the active session, where git looks
    for hooks, and register the merge driver for session.yaml."""
    import sys

    from journal.gitlink.installer import install
    from journal.gitlink.mergedriver import register

    journal = open_journal()
    changes = install(
        journal, commit_msg=commit_msg, post_commit=post_commit, force=force
    )
    driver = register(journal.root)
    _changes(changes, as_json, driver=driver)
    if post_commit and not as_json:
        print(
            "tip: a linked commit leaves timeline.yaml modified until your next commit;"
            " `git config rebase.autoStash true` keeps rebases going, or install"
            " without --post-commit: the trailer alone links each commit",
            file=sys.stderr,
        )


@hook_app.command("uninstall")
def hook_uninstall(as_json: Json = False) -> None:
    """Remove exactly what `hook install` added (restoring a replaced hook)."""
    from journal.gitlink.installer import uninstall

    _changes(uninstall(open_journal()), as_json)


@hook_app.command("status")
def hook_status(as_json: Json = False) -> None:
    """Say which hooks are installed, where, and whether they are up to date."""
    from journal.gitlink.installer import status

    place, states = status(open_journal())
    lines = [f"hooks folder: {place.hooks_dir}"]
    if place.hooks_path:
        lines[0] += f" (core.hooksPath = {place.hooks_path})"
    for state in states:
        detail = f" — {state.detail}" if state.detail else ""
        lines.append(f"  {state.name:<12} {state.state}{detail}")
    emit(
        {
            "hooks_dir": str(place.hooks_dir),
            "core_hooks_path": place.hooks_path or None,
            "hooks": [
                {
                    "name": s.name,
                    "path": str(s.path),
                    "state": s.state,
                    "outdated": s.outdated,
                    "detail": s.detail,
                }
                for s in states
            ],
        },
        "\n".join(lines),
        as_json=as_json,
    )


@merge_app.command("install")
def merge_install(as_json: Json = False) -> None:
    """Register the merge driver in this repository's git config (hook install does
    this too); `journal init` marks session.yaml `merge=journal` in .gitattributes."""
    from journal.gitlink.mergedriver import register

    outcome = register(open_journal().root)
    emit(
        {"merge_driver": outcome},
        f"merge driver for session.yaml: {outcome}",
        as_json=as_json,
    )


@merge_app.command("uninstall")
def merge_uninstall(as_json: Json = False) -> None:
    """Remove the merge driver from this repository's git config."""
    from journal.gitlink.mergedriver import unregister

    removed = unregister(open_journal().root)
    text = "merge driver removed" if removed else "merge driver was not registered"
    emit({"removed": removed}, text, as_json=as_json)


@merge_app.command("status")
def merge_status(as_json: Json = False) -> None:
    """Say whether the driver is registered, current, and named in .gitattributes."""
    from journal.gitlink.mergedriver import attribute_set, state

    journal = open_journal()
    found = state(journal.root)
    marked = attribute_set(journal.root, journal.config.sessions_dir)
    if found.command is None:
        word = "not registered (run `journal merge install`)"
    elif found.current:
        word = "registered"
    else:
        word = "registered for another Python (run `journal merge install`)"
    lines = [f"merge driver: {word}"]
    lines.append(
        "session.yaml is marked merge=journal in .gitattributes"
        if marked
        else "session.yaml is not marked merge=journal (run `journal init` again)"
    )
    emit(
        {
            "registered": found.command is not None,
            "current": found.current,
            "command": found.command,
            "attribute": marked,
        },
        "\n".join(lines),
        as_json=as_json,
    )


@commands.command("resolve")
def resolve(
    ref: Annotated[
        str | None,
        typer.Argument(help="Session (default: every session with a conflict)."),
    ] = None,
    ours: Annotated[
        list[str] | None,
        typer.Option("--ours", help="Keep our side of this field (repeatable)."),
    ] = None,
    theirs: Annotated[
        list[str] | None,
        typer.Option("--theirs", help="Take their side of this field (repeatable)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Finish a merge that stopped on a session: merge session.yaml field by field
    again, settle the fields named, keep both sides' events, and `git add` them."""
    from journal.operations.resolve import resolve as settle

    journal = open_journal()
    plans = settle(journal, ref, ours=ours or [], theirs=theirs or [])
    lines = []
    for plan in plans:
        chosen = f" ({', '.join(plan.settled)})" if plan.settled else ""
        lines.append(f"resolved {journal.display(plan.path)}{chosen}")
    emit(
        {"resolved": [{"path": str(p.path), "settled": p.settled} for p in plans]},
        "\n".join(lines) + "\nstaged; commit to finish the merge",
        as_json=as_json,
    )
