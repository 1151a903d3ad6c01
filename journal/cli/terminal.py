"""Markdown for the terminal (rich), paged when it is longer than the screen."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markdown import Markdown


class _ReportMarkdown(Markdown):
    """rich's Markdown, but the `<br>` a report puts in table cells breaks the line
    (rich drops inline HTML, which would glue the two lines together)."""

    def __init__(self, markup: str, **kwargs: Any):
        super().__init__(markup, **kwargs)
        _breaks_for_br(self.parsed)


def _breaks_for_br(tokens: list[Any]) -> None:
    for token in tokens:
        if token.children:
            _breaks_for_br(token.children)
        if token.type == "html_inline" and token.content.lower() in (
            "<br>",
            "<br/>",
            "<br />",
        ):
            token.type = "hardbreak"


def print_markdown(text: str, *, pager: bool | None) -> None:
    """Print Markdown formatted; page it when asked, or when it would not fit."""
    console = Console()
    document = _ReportMarkdown(text)
    if pager is None:
        pager = console.is_terminal and _height(console, document) > console.height
    if pager:
        with console.pager(styles=True):
            console.print(document)
    else:
        console.print(document)


def _height(console: Console, document: Markdown) -> int:
    lines = console.render_lines(document, console.options, pad=False)
    return len(lines)
