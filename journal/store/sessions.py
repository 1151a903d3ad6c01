"""The journal on disk: finding sessions, resolving ids, loading, and locked edits.

Heavy imports (YAML, the model) happen inside the functions that need them, so the
`journal log` fast path — open, resolve, append — runs on the standard library alone.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime, tzinfo
from functools import cached_property, partial
from pathlib import Path

from journal import when
from journal.errors import ConflictError, NotFoundError, UsageError
from journal.store import files, ids
from journal.store.config import Config, load_config
from journal.store.files import atomic_write, fsync_dir, locked, remove_stale_temps
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.locate import find_root, state_dir
from journal.store.validation import events_of_file, refuse_link, session_of_text

TYPE_CHECKING = False  # `typing` costs ~8 ms of start-up; this is on the log path
if TYPE_CHECKING:
    from typing import Any

    from journal.model.session import Event, Session


class Journal:
    """A journal rooted at the folder holding `journal.yaml`."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config

    @classmethod
    def open(cls, start: Path | None = None) -> Journal:
        root = find_root(start)
        return cls(root=root, config=load_config(root))

    @property
    def sessions_dir(self) -> Path:
        return self.root / self.config.sessions_dir

    @cached_property
    def tz(self) -> tzinfo:
        return when.zone(self.config.timezone)

    @cached_property
    def state_dir(self) -> Path:
        return state_dir(self.root)

    # --- ids -------------------------------------------------------------------

    def session_ids(self) -> list[str]:
        """Every session folder, oldest first (folder names sort by date)."""
        return ids.session_ids(self.sessions_dir)

    def session_dir(self, session_id: str) -> Path:
        folder = self.sessions_dir / session_id
        if not ids.is_session_id(session_id) or folder.is_symlink():
            raise UsageError(f"{session_id!r} is not a session id", ids.REF_HINT)
        return folder

    def existing_dir(self, session_id: str) -> Path:
        """`session_dir`, refused unless the session is there (its `session.yaml`)."""
        folder = self.session_dir(session_id)
        if not (folder / SESSION_FILE).is_file():
            raise NotFoundError(f"no session {session_id!r}", "see `journal list`")
        return folder

    def resolve(self, ref: str | None) -> str:
        """The session a user means: id, unique prefix or number; None = active."""
        if ref is None:
            return self.require_active()
        from journal.store.numbers import sessions_numbered

        numbered = partial(sessions_numbered, self.sessions_dir, self.state_dir)
        return ids.resolve_ref(self.sessions_dir, ref, numbered=numbered)

    # --- the active session ------------------------------------------------------

    def _pointer(self, name: str) -> str:
        """The session id the state folder's file `name` holds (`active`, `last`)."""
        try:
            return (self.state_dir / name).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return ""

    def active_id(self) -> str | None:
        """The active session: `JOURNAL_SESSION`, else the state folder's pointer."""
        env = os.environ.get("JOURNAL_SESSION")
        if env:
            return self.resolve(env)
        return self._pointer("active") or None

    def require_active(self) -> str:
        active = self.active_id()
        if active is None:
            last = self.last_id()
            if last:
                raise NotFoundError(
                    f"no active session (the last one, {last}, was closed)",
                    f"pass --session {last}, or `journal use {last}` to go on with it",
                )
            raise NotFoundError(
                "no active session",
                "start one with `journal new TITLE`, pick one with `journal use ID`, "
                "or pass --session ID",
            )
        if not (self.sessions_dir / active / SESSION_FILE).is_file():
            raise NotFoundError(
                f"the active session {active!r} no longer exists",
                "pick another with `journal use ID`",
            )
        return active

    def set_active(self, session_id: str | None) -> None:
        """Make a session active (and remember it as the last one); None: none is."""
        if session_id is None:
            with contextlib.suppress(FileNotFoundError):
                (self.state_dir / "active").unlink()
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.state_dir / "active", session_id + "\n")
        atomic_write(self.state_dir / "last", session_id + "\n")

    def last_id(self) -> str | None:
        """The session most recently made active, if it still exists."""
        value = self._pointer("last")
        exists = value and (self.sessions_dir / value / SESSION_FILE).is_file()
        return value if exists else None

    def resolve_for_reading(self, ref: str | None) -> str:
        """Like `resolve`, but with no ref and no active session, the last session:
        after `journal close`, `journal render` shows the report just closed."""
        if ref is None and self.active_id() is None:
            last = self.last_id()
            if last:
                return last
        return self.resolve(ref)

    # --- reading -----------------------------------------------------------------

    def lock(self, session_id: str) -> contextlib.AbstractContextManager[None]:
        """The per-session lock every writer of that session takes."""
        return locked(self.state_dir / "locks" / f"{session_id}.lock")

    def session_path(self, session_id: str) -> Path:
        return self.session_dir(session_id) / SESSION_FILE

    def timeline_path(self, session_id: str) -> Path:
        return self.session_dir(session_id) / TIMELINE_FILE

    def load(self, session_id: str) -> Session:
        """The validated session (without its timeline)."""
        from journal.store.yamlio import read_text

        path = self.session_path(session_id)
        if not path.parent.is_dir():
            raise NotFoundError(f"no session {session_id!r}", "see `journal list`")
        refuse_link(path, self.display(path))
        return self.validate_text(read_text(path), where=self.display(path))

    def validate_text(self, text: str, *, where: str) -> Session:
        """Parse and validate `session.yaml` text; errors name file:line:col."""
        return session_of_text(text, self.config, where=where)

    def events(
        self, session_id: str, *, strict: bool = True, torn_ok: bool = True
    ) -> list[Event]:
        """The timeline, sorted by time (ties keep file order); see
        `validation.events_of_file` for `strict` and `torn_ok`."""
        path = self.timeline_path(session_id)
        return events_of_file(path, self.display(path), strict=strict, torn_ok=torn_ok)

    display = staticmethod(files.shown)  # the path as the user sees it

    # --- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def edit(self, session_id: str) -> Iterator[Any]:
        """Edit `session.yaml` as a comment-preserving document, under the session
        lock; the new text is validated before it replaces the old (on any error the
        file is untouched)."""
        from journal.store.yamlio import dump_roundtrip, load_roundtrip, read_text

        path = self.existing_dir(session_id) / SESSION_FILE
        shown = self.display(path)
        refuse_link(path, shown)
        with self.lock(session_id):
            before = read_text(path)
            self.validate_text(before, where=shown)
            doc = load_roundtrip(before, where=shown)
            yield doc
            after = dump_roundtrip(doc)
            if after != before:
                self.validate_text(after, where=f"{shown} (after the edit)")
                remove_stale_temps(path)  # left by a writer killed mid-write
                atomic_write(path, after)

    def write_new_session(
        self,
        session_id: str,
        text: str,
        *,
        timeline: str = "",
        sessions_dir: Path | None = None,
    ) -> Path:
        """Create the folder and its files; refuses to touch an existing folder."""
        parent = sessions_dir or self.sessions_dir
        folder = parent / session_id if sessions_dir else self.session_dir(session_id)
        parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir()
        except FileExistsError:
            raise ConflictError(f"session {session_id} already exists") from None
        # Each file's text is fsynced before its rename; the two renames are made
        # durable by one fsync of the new folder, not one each.
        atomic_write(folder / SESSION_FILE, text, sync_dir=False)
        atomic_write(folder / TIMELINE_FILE, timeline, sync_dir=False)
        fsync_dir(folder)
        return folder

    def now(self) -> datetime:
        return when.now(self.tz)
