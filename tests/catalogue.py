"""Print the bad-input catalogue: the Markdown table in docs/reliability.md.

    python tests/catalogue.py            # runs every row; shows the message it gets
    python tests/catalogue.py --no-run   # the table from the test's expectations

Each row is the same as in `tests/test_reliability_bad_input.py`, run the same way:
a fresh journal in a temporary git repository, the real `journal` command.
`tests/test_docs.py` runs this again and fails when docs/reliability.md's table differs;
`UPDATE_DOCS=1 python -m pytest tests/test_docs.py` rewrites it there.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_reliability_bad_input import (
    ROWS,
    Bad,
    copy_journal,
    make_journal,
    run_row,
)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    # Inside a code span backslashes are literal; a table still needs `\|`.
    return "`" + text.replace("|", "\\|").replace("\n", " ") + "`"


def _isolate(home: Path) -> None:
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Catalogue\n\temail = catalogue@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
    )
    os.environ.update(
        HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1", TZ="UTC", NO_COLOR="1",
    )  # fmt: skip
    for name in ("JOURNAL_SESSION", "JOURNAL_DIR", "GIT_DIR", "GIT_WORK_TREE"):
        os.environ.pop(name, None)


def _observed(row: Bad, work: Path, number: int) -> tuple[int, str]:
    template = work / "template" / "repo"
    if not template.exists():
        make_journal(template)
    root = copy_journal(template, work / f"row{number}" / "repo")
    result, before, after = run_row(row, root)
    line = result.err.strip().replace(str(root) + os.sep, "")
    line = line.replace(str(root), "<journal>")
    line = line.removeprefix("journal: error: ")
    line = line.replace(
        "sessions/2025-11-04-sqlalchemy-mapper-error/", "sessions/<id>/"
    )
    if after != before:
        line += " (FILES CHANGED)"
    return result.code, line if len(line) <= 220 else line[:217] + "…"


def main(argv: list[str]) -> int:
    run = "--no-run" not in argv
    print("| # | bad input | command | exit | message |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="journal-catalogue-") as tmp:
        work = Path(tmp)
        if run:
            (work / "home").mkdir()
            _isolate(work / "home")
        for number, row in enumerate(ROWS, 1):
            if run:
                code, message = _observed(row, work, number)
            else:
                code, message = row.code, f"{row.where}: … {row.message} …"
            print(
                f"| {number} | {_cell(row.what)} | {_code(row.command)} | {code} "
                f"| {_cell(message)} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
