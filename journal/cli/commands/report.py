"""Commands that turn sessions into reports: render (Markdown) and show (terminal)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from journal.cli.options import Json
from journal.cli.output import emit

commands = typer.Typer()

Ascii = Annotated[
    bool | None,
    typer.Option(
        "--ascii/--emoji",
        help="Words instead of status emoji (default: `ascii` in journal.yaml).",
        show_default=False,
    ),
]


@commands.command("render")
def render(
    ref: Annotated[
        str | None,
        typer.Argument(help="Session id, prefix or number (default: active)."),
    ] = None,
    all_: Annotated[
        bool,
        typer.Option("--all", help="Every session, into the reports folder."),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout; - is stdout; a link is written "
            "through; never the journal's own files (with --all: the reports folder).",
        ),
    ] = None,
    ascii: Ascii = None,
    as_json: Json = False,
) -> None:
    """The Markdown report of a session; --all writes every session's report."""
    from journal.errors import UsageError
    from journal.store.sessions import Journal

    journal = Journal.open()
    use_ascii = journal.config.ascii if ascii is None else ascii
    if all_:
        if ref is not None:
            raise UsageError("give a session or --all, not both")
        _render_all(journal, output, use_ascii, as_json)
        return
    from journal.operations.output_path import check_output, is_stdout, write_output
    from journal.render.report import Renderer

    if output is not None:
        check_output(journal, output)
    session_id = journal.resolve_for_reading(ref)
    text = Renderer(journal, ascii=use_ascii).render(session_id)
    if output is None or is_stdout(output):
        _write_stdout(text)
        return
    if not write_output(journal, output, text):
        return
    emit(
        {"session": session_id, "path": str(output)},
        f"wrote {output}",
        as_json=as_json,
    )


def _render_all(
    journal: object, output: Path | None, ascii: bool, as_json: bool
) -> None:
    from journal.cli.fastrender import print_batch
    from journal.operations.output_path import output_folder
    from journal.render.batch import render_all
    from journal.render.stamp import reports_folder
    from journal.store.sessions import Journal

    assert isinstance(journal, Journal)
    target = output_folder(journal, output or reports_folder(journal))
    result = render_all(journal, out_dir=target, ascii=ascii)
    code = print_batch(result, as_json=as_json)
    if code:
        raise typer.Exit(code)


def _write_stdout(text: str) -> None:
    # UTF-8 whatever the locale says: a report is never re-encoded on the way out.
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@commands.command("show")
def show(
    ref: Annotated[
        str | None,
        typer.Argument(help="Session id, prefix or number (default: active)."),
    ] = None,
    ascii: Ascii = None,
    pager: Annotated[
        bool | None,
        typer.Option(
            "--pager/--no-pager",
            help="Page long reports (default: when the terminal is too short).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The report of a session, formatted for the terminal."""
    from journal.cli.fastshow import emit, output_key, save_shown
    from journal.cli.terminal import format_markdown
    from journal.render.report import Renderer
    from journal.store import notices
    from journal.store.sessions import Journal

    journal = Journal.open()
    use_ascii = journal.config.ascii if ascii is None else ascii
    session_id = journal.resolve_for_reading(ref)
    # The key first: an edit racing this render leaves a key that never matches.
    key = output_key(journal, session_id, use_ascii)
    formatted = format_markdown(Renderer(journal, ascii=use_ascii).render(session_id))
    if not notices.given:  # a warning (a torn line skipped) must show every time
        save_shown(journal, session_id, key, formatted)
    raise typer.Exit(emit(formatted, pager=pager))
