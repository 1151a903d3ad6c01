"""`journal import` and `journal export`: bringing reports in, taking sessions out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from journal.cli.options import NoRedact, SessionArg, open_journal

commands = typer.Typer()


@commands.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Markdown files, or folders of them.")
    ],
    into: Annotated[
        Path | None,
        typer.Option(help="Sessions folder to write into (in this journal)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and report; write nothing.")
    ] = False,
    no_redact: NoRedact = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import existing Markdown reports, one session folder per report."""
    from journal.operations.import_reports import (
        find_reports,
        import_reports,
        iter_messages,
        totals,
    )

    journal = open_journal()
    files = find_reports(paths)
    with _progress(len(files), enabled=not as_json) as step:
        outcomes = import_reports(
            journal,
            files,
            into=into,
            dry_run=dry_run,
            redact=not no_redact,
            progress=step,
        )
    summary = totals(outcomes)
    if not dry_run and into is None:
        from journal.insight.sigindex import refresh_quietly

        refresh_quietly(journal)  # "seen before" knows the imported history at once
    if as_json:
        payload = {"dry_run": dry_run, "totals": summary,
                   "files": [o.as_dict() for o in outcomes]}  # fmt: skip
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_report(outcomes, summary, dry_run=dry_run)
        for level, message in iter_messages(outcomes):
            print(f"journal: {level}: {message}", file=sys.stderr)
    if summary["failed"]:
        raise typer.Exit(1)


def _print_report(
    outcomes: list[Any], summary: dict[str, int], *, dry_run: bool
) -> None:
    verb = "would write" if dry_run else "wrote"
    for outcome in outcomes:
        if outcome.error:
            print(f"  failed  {outcome.source}")
        elif outcome.skipped:
            print(f"  skipped {outcome.source} ({outcome.skipped})")
        else:
            target = outcome.session_id or outcome.planned_id or "(dry run)"
            print(f"  {verb}  {target}  ← {outcome.source}")
            print(f"      date: {_dated(outcome)}")
            if dry_run:
                _print_understood(outcome)
    headers = [h for h in summary if h != "failed"]  # the failed are listed above
    names = [h.replace("_", " ") for h in headers]
    figures = [str(summary[h]) for h in headers]
    widths = [max(len(h), len(str(summary[h]))) for h in headers]
    print()
    for row in (names, figures):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


_EVIDENCE = {
    "front matter": "its front matter",
    "header": "its header",
    "title": "its title",
    "file name": "its file name",
    "timeline": "its first timeline entry",
    "git history": "the commit that added it to git",
}


def _dated(outcome: Any) -> str:
    if outcome.date is None:
        return "none found (undated: set `started` when you know it)"
    source = _EVIDENCE.get(outcome.date_source, outcome.date_source)
    return f"{outcome.date} (from {source})"


def _print_understood(outcome: Any) -> None:
    """What a dry run understood of one file, and what it kept as text."""
    print(
        f"      {outcome.events} events, {outcome.criteria} criteria, "
        f"{outcome.next_steps} next steps, {outcome.options} options, "
        f"{outcome.lessons} lessons"
    )
    if outcome.kept:
        print(f"      kept as text: {'; '.join(outcome.kept)}")
    for line in outcome.unread:
        print(f"      not understood: {line}")


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Any]:
    """A progress bar on a terminal for many files; silent otherwise."""
    if not (enabled and total > 3 and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("importing", total=total)
        yield lambda _path: bar.advance(task)


@commands.command("export")
def export(
    ref: SessionArg = None,
    all_: Annotated[bool, typer.Option("--all", help="Every session.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="json or madr.")] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File (or folder with --all); - is stdout; a link is written "
            "through; never the journal's own files.",
        ),
    ] = None,
) -> None:
    """Export a session as JSON, or its options as a MADR decision record."""
    from journal.errors import UsageError

    if fmt not in ("json", "madr"):
        raise UsageError(
            f"unknown format {fmt!r}", "use --format json or --format madr"
        )
    journal = open_journal()
    ids = journal.session_ids() if all_ else [journal.resolve_for_reading(ref)]
    from journal.operations.output_path import check_output, is_stdout, output_folder

    if is_stdout(output):
        output = None
    elif output is not None and all_:
        output = output_folder(journal, output)
    elif output is not None:
        check_output(journal, output)
    texts = _export_all(journal, ids, fmt)
    _write_exports(journal, texts, output, fmt=fmt, many=all_)


def _export_all(journal: Any, ids: list[str], fmt: str) -> dict[str, str]:
    from journal.operations.export import madr, session_json

    if fmt == "madr":
        return {session_id: madr(journal, session_id) for session_id in ids}
    from journal.gitlink.derived import trailer_commits

    trailers = trailer_commits(journal)  # history read once for every session
    return {
        session_id: json.dumps(
            session_json(journal, session_id, trailers=trailers),
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
        for session_id in ids
    }


def _write_exports(
    journal: Any,
    texts: dict[str, str],
    output: Path | None,
    *,
    fmt: str,
    many: bool,
) -> None:
    from journal.operations.output_path import write_output
    from journal.store.files import atomic_write

    suffix = ".json" if fmt == "json" else ".md"
    if output is None:
        if many and fmt == "json":
            print("[\n" + ",\n".join(t.rstrip("\n") for t in texts.values()) + "\n]")
        else:
            print("\n".join(texts.values()), end="")
        return
    if many:
        output.mkdir(parents=True, exist_ok=True)
        for session_id, text in texts.items():
            atomic_write(output / f"{session_id}{suffix}", text)
        print(f"wrote {len(texts)} file(s) to {output}")
        return
    if write_output(journal, output, next(iter(texts.values()))):
        print(f"wrote {output}")
