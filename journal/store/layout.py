"""The names inside a session folder and at the journal's root, and the one way to
reach a session's `evidence/` folder: what code that only finds files needs, without
the `Journal` object."""

from __future__ import annotations

from pathlib import Path

SESSION_FILE = "session.yaml"
TIMELINE_FILE = "timeline.yaml"
EVIDENCE_DIR = "evidence"
SCHEMA_FILE = "journal.schema.json"


def evidence_dir(folder: Path) -> Path:
    """A session's `evidence/` folder, made if missing; never a link out of it."""
    from journal.errors import WriteError

    evidence = folder / EVIDENCE_DIR
    if evidence.is_symlink() or (evidence.exists() and not evidence.is_dir()):
        raise WriteError(
            f"cannot write into {evidence}: it is not a folder of the journal "
            "(a symbolic link or a file)",
            "replace it with a plain folder",
        )
    evidence.mkdir(exist_ok=True)
    return evidence
