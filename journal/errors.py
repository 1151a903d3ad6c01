"""The one error type the core raises, and its kinds; printing is the CLI's job."""

from __future__ import annotations


class JournalError(Exception):
    """Something the user can fix: one line saying what, where, and how to fix it."""

    exit_code = 1

    def __init__(
        self, message: str, hint: str | None = None, *, where: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def one_line(self) -> str:
        """The message as the user sees it: `where: message (hint)`, on one line
        whatever it quotes (a newline or an escape sequence in a value is shown
        escaped, never acted on by the terminal)."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        text = f"{text} — {self.hint}" if self.hint else text
        return text.translate(_VISIBLE)


_VISIBLE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    # C0 and C1 controls, DEL, and the line and paragraph separators.
    for code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
} | {9: "\\t", 10: "\\n", 13: "\\r"}


def did_you_mean(
    word: str, options: tuple[str, ...] | list[str], otherwise: str
) -> str:
    """A hint naming the option closest to a mistyped `word`, else `otherwise`."""
    import difflib  # only for a mistake

    close = difflib.get_close_matches(word, options, n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise


class UsageError(JournalError):
    """The command line itself is wrong (an unknown option, a bad value)."""

    exit_code = 2


class NotFoundError(JournalError):
    """A journal, session, field or file that does not exist."""


class InvalidDataError(JournalError):
    """A file on disk that does not parse or does not fit the schema."""


class ConflictError(JournalError):
    """The operation clashes with what is there (an ambiguous id, a changed file)."""


class WriteError(JournalError):
    """The disk refused a write (full, read-only); the old file is intact."""


class MergeConflictError(ConflictError):
    """A session file holds the markers of a merge that was not finished."""


# The line starts git writes around an unfinished merge (`merge.conflictStyle=diff3`
# adds the base part).
CONFLICT_MARKERS = ("<<<<<<< ", "||||||| ", "=======", ">>>>>>> ")
