"""`journal init`: the files a new journal needs; existing ones are kept."""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import ConflictError, UsageError, WriteError
from journal.site.template import mkdocs_yml
from journal.store.config import DEFAULT_YAML
from journal.store.files import atomic_write
from journal.store.layout import SCHEMA_FILE
from journal.store.locate import CONFIG_NAME

# Timelines merge by keeping both sides' lines; session.yaml through journal's
# structural driver (`journal merge install`; git's text merge where it is absent).
_ATTRIBUTES = (
    "sessions/*/timeline.yaml merge=union",
    "sessions/*/session.yaml merge=journal",
)


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def init_journal(root: Path, *, sessions_dir: str = "sessions") -> InitResult:
    """Create config, sessions folder, schema and git attributes; keep what exists.

    Every argument is checked before anything is written, and a failure part way
    (a read-only folder, a full disk) takes back what this run made: a failed init
    leaves the folder as it found it."""
    from journal.model.session import json_schema
    from journal.store.config import folder_problem

    # `--sessions-dir` as journal.yaml and .gitattributes will name it.
    problem = folder_problem(sessions_dir)
    if problem is None and not _PLAIN.fullmatch(sessions_dir):
        problem = "holds characters a git attribute pattern cannot name"
    if problem:
        raise UsageError(
            f"--sessions-dir {sessions_dir!r} {problem}",
            "give a folder inside the journal's folder, outside .git, in letters, "
            "digits, '.', '_', '-' and '/', e.g. sessions or ops/incidents",
        )
    sessions_dir = posixpath.normpath(sessions_dir)
    made = _Made(root)
    try:
        _refuse_non_folder(root)
        made.mkdir(root)
        config_text = DEFAULT_YAML.replace(
            "sessions_dir: sessions ", f"sessions_dir: {sessions_dir} "
        )
        made.write(root / CONFIG_NAME, config_text)
        made.write(root / "mkdocs.yml", mkdocs_yml())
        made.mkdir(root / sessions_dir)
        schema = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
        made.write(root / SCHEMA_FILE, schema, refresh=True)
        attributes = [a.replace("sessions", sessions_dir, 1) for a in _ATTRIBUTES]
        made.ensure_lines(root / ".gitattributes", attributes)
        made.ensure_lines(root / ".gitignore", [".journal/", ".journal-site/", "site/"])
        return made.result
    except OSError as exc:
        made.undo()
        raise WriteError(
            f"cannot make the journal in {root}: {exc.strerror} ({exc.filename})",
            "nothing was written; fix that path and run `journal init` again",
        ) from None
    except BaseException:
        made.undo()
        raise


_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")


class _Made:
    """What an init made: reported in `result`, taken back by `undo` on a failure."""

    def __init__(self, root: Path) -> None:
        self.result = InitResult(root)
        self._steps: list[tuple[Path, bytes | None]] = []

    def mkdir(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._steps.extend((p, None) for p in reversed(missing))

    def write(self, path: Path, text: str, *, refresh: bool = False) -> None:
        """Write `path` unless it exists (with `refresh`: unless it holds `text`; the
        schema follows the installed version, so every init refreshes it)."""
        if path.exists() and (not refresh or path.read_text("utf-8") == text):
            self.result.kept.append(path.name)
            return
        self._steps.append((path, path.read_bytes() if path.exists() else None))
        atomic_write(path, text)
        self.result.created.append(path.name)

    def ensure_lines(self, path: Path, lines: list[str]) -> None:
        """Append to `path` each of `lines` it lacks."""
        existing = path.read_text("utf-8") if path.exists() else ""
        missing = [line for line in lines if line not in existing.splitlines()]
        if len(missing) < len(lines):
            self.result.kept.append(path.name)
        if missing:
            if existing and not existing.endswith("\n"):
                existing += "\n"
            added = "".join(f"{line}\n" for line in missing)
            self.write(path, existing + added, refresh=True)

    def undo(self) -> None:
        for path, old in reversed(self._steps):
            with contextlib.suppress(OSError):
                if old is not None:
                    atomic_write(path, old)
                elif path.is_dir():
                    path.rmdir()  # only if still empty: never a file it did not make
                else:
                    path.unlink(missing_ok=True)


def _refuse_non_folder(root: Path) -> None:
    """A journal is a folder: a file, device or FIFO of that name is refused."""
    if (root.exists() or root.is_symlink()) and not root.is_dir():
        raise UsageError(
            f"{root} is not a folder",
            "give a folder for the journal (it is made if it does not exist)",
        )


def init_org(root: Path, journals: list[Path]) -> InitResult:
    """A journal.yaml that only names other journals (`site.journals`), for one site
    built from all of them; paths are written relative to it."""
    from journal.site.org import open_journal

    for path in journals:
        open_journal(path)  # each must be a journal: one line naming it if not
    _refuse_non_folder(root)
    config = root / CONFIG_NAME
    if config.exists():
        raise ConflictError(
            f"{config} already exists",
            "add the journals to site.journals in it instead",
        )
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        "# One site from several journals: `journal site build` builds them all.",
        "site:",
        "  journals:",
    ]
    for path in journals:
        relative = Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
        lines.append(f"    - {json.dumps(relative)}")
    atomic_write(config, "\n".join(lines) + "\n")
    return InitResult(root, created=[CONFIG_NAME])
