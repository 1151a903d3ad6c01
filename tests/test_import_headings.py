"""Headings inside an imported part (a summary's `### Who noticed`, a root cause's
`#### Why the cache grew`) stay headings, under the part they belong to — never a
literal `#` line printed as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from tests.conftest import Cli

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "nested-headings.md"


def _headings(markdown: str) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    return [
        (int(token.tag[1]), tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def test_headings_inside_parts_are_demoted_not_escaped(cli: Cli) -> None:
    out = json.loads(cli.ok("import", str(FIXTURE), "--json").out)
    rendered = cli.ok("render", out["files"][0]["session_id"]).out
    assert not re.search(r"^\s*(?:[-*+>]\s+)*\\#", rendered, re.MULTILINE), rendered
    headings = _headings(rendered)
    for expected in [
        (2, "Summary"),
        (3, "Who noticed"),
        (2, "Root cause"),
        (3, "The leak"),
        (4, "Why the cache grew"),
        (3, "Why tests missed it"),
        (2, "Impact"),
        (3, "Users"),
        (3, "Stats"),
        (3, "1. Caches need a bound"),
        (4, "What we changed"),
    ]:
        assert expected in headings, (expected, headings)
    # Order kept: each sub-heading right under its part.
    names = [text for _, text in headings]
    assert names.index("Who noticed") < names.index("Root cause")
    assert names.index("Root cause") < names.index("The leak") < names.index("Impact")


def test_a_summary_written_by_hand_keeps_its_headings_below_the_part(
    cli: Cli, session_id: str
) -> None:
    cli.ok("set", "summary", "Short.\n\n# Details\n\nLonger.")
    rendered = cli.ok("render").out
    assert "\\# Details" not in rendered
    assert (3, "Details") in _headings(rendered)
