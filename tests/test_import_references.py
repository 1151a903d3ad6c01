"""Reference-style links in an imported report keep working, and their definitions do
not come back as a part of their own (a second "Action Items" in the report)."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt

from journal.importer import parse_report
from tests.conftest import Cli

REPORT = """# Queue workers stalled

## Root cause

The lock fix of [kiam-pr] was never deployed; see [the runbook][rb] and `[rb]`.

## Action items

- Deploy the fix from [Kiam-PR]

[kiam-pr]: https://github.com/example/kiam/pull/427
[rb]: https://example.com/runbook "The runbook"
[local]: ../other-report.md
"""


def test_references_to_the_web_become_inline_links_and_definitions_go() -> None:
    session = parse_report(REPORT).session
    text = json.dumps(session)
    assert "[kiam-pr](https://github.com/example/kiam/pull/427)" in text
    assert "[Kiam-PR](https://github.com/example/kiam/pull/427)" in text
    assert '[the runbook](https://example.com/runbook \\"The runbook\\")' in text
    assert "`[rb]`" in text  # a code span is left as written
    assert "]: https://" not in text


def test_the_rendered_report_has_one_action_items_part(
    cli: Cli, tmp_path: Path
) -> None:
    # Before, the definitions were kept as a free section of the same name.
    report = tmp_path / "stalled.md"
    report.write_text(REPORT.replace("[local]: ../other-report.md\n", ""))
    out = json.loads(cli.ok("import", str(report), "--json").out)
    rendered = cli.ok("render", out["files"][0]["session_id"]).out
    tokens = MarkdownIt("commonmark").parse(rendered)
    headings = [
        tokens[i + 1].content.lower()
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings.count("action items") == 1, headings
    assert "\\[" not in rendered


def test_a_relative_definition_stays_as_written() -> None:
    # Its target is a file of the repository the report came from.
    text = json.dumps(parse_report(REPORT).session)
    assert "[local]: ../other-report.md" in text


def test_code_blocks_keep_their_brackets() -> None:
    report = "# T\n\nSee [rb].\n\n```\n[rb]\n```\n\n[rb]: https://example.com/rb\n"
    text = json.dumps(parse_report(report).session)
    assert "See [rb](https://example.com/rb)." in text
    assert "```\\n[rb]\\n```" in text


def test_a_report_without_definitions_is_read_as_before() -> None:
    plain = REPORT.split("[kiam-pr]: ")[0]
    assert "[kiam-pr]" in json.dumps(parse_report(plain).session)
