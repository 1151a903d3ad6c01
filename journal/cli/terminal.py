"""Markdown for the terminal, laid out by rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markdown import Markdown

_BREAKS = ("<br>", "<br/>", "<br />")


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
        if token.type == "html_inline" and token.content.lower() in _BREAKS:
            token.type = "hardbreak"


def format_markdown(text: str) -> str:
    """Markdown laid out for this terminal (its width, its colours), as rich would
    print it; `shown.emit` prints it, paged when it would not fit."""
    console = Console()
    with console.capture() as captured:
        console.print(_ReportMarkdown(text))
    return captured.get()
