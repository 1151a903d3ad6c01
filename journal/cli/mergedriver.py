"""The merge driver git runs for each `session.yaml` marked `merge=journal`:

    python -P -m journal.cli.mergedriver BASE OURS THEIRS PATH

It writes the structural merge into OURS and exits 0, or — when a field changed on
both sides — writes the merge with only those fields marked and exits 1, so git stops
and `journal check` / `journal resolve` take over. A side that is not valid YAML falls
back to git's own line merge, so the driver never loses either side.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(
            "journal: merge driver usage: python -m journal.cli.mergedriver "
            "BASE OURS THEIRS PATH (git passes %O %A %B %P)",
            file=sys.stderr,
        )
        return 2
    base, ours, theirs, shown = argv
    from journal.errors import JournalError
    from journal.store.yamlmerge import merge_texts, render

    texts = [Path(name).read_bytes().decode("utf-8", "replace") for name in argv[:3]]
    try:
        merged = merge_texts(*texts, where=shown)
    except JournalError as exc:
        print(
            f"journal: {shown}: {exc.one_line()}; merged line by line instead",
            file=sys.stderr,
        )
        return _line_merge(base, ours, theirs)
    Path(ours).write_text(render(merged), encoding="utf-8")
    if merged.conflicts:
        fields = ", ".join(conflict.path for conflict in merged.conflicts)
        print(
            f"journal: {shown}: changed on both sides: {fields} — settle each with "
            "`journal resolve --ours FIELD` or `--theirs FIELD`, or edit the file",
            file=sys.stderr,
        )
        return 1
    return 0


def _line_merge(base: str, ours: str, theirs: str) -> int:
    from journal.gitlink.shell import run_git_raw

    labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
    done = run_git_raw(
        ["merge-file", "--diff3", *labels, ours, base, theirs],
        cwd=Path(ours).resolve().parent,
    )
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
