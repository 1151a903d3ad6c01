"""The entry point the installed git hooks run; `gitlink.postcommit` does the work.

    python -m journal.cli.hook post-commit [--root DIR] [--commit INFO]
    python -m journal.cli.hook commit-msg [--root DIR] MESSAGE_FILE

A hook must never fail or slow a commit: every outcome is a line on stderr and exit
status 0. Standard library and journal's stdlib-only modules only (it runs on every
commit), which is why it parses its own arguments.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    hook = args[0] if args else ""
    root = _option(args, "--root")
    try:
        if hook == "post-commit":
            from journal.gitlink.postcommit import post_commit

            post_commit(root, _option(args, "--commit"), say=_say, clean=_redacted)
        elif hook == "commit-msg":
            from journal.gitlink.trailer import commit_msg

            commit_msg(root, _positional(args[1:]), say=_say)
        else:
            _say(
                "warning: usage: python -m journal.cli.hook post-commit|commit-msg FILE"
            )
    except Exception as exc:  # a hook must never fail the commit
        after = "run `journal sync` to link it later" if hook == "post-commit" else ""
        tail = f" — {after}" if after else ""
        one_line = getattr(exc, "one_line", None)
        reason = one_line() if callable(one_line) else f"{type(exc).__name__}: {exc}"
        _say(f"warning: {reason}; the commit stands{tail}")
    return 0


def _say(message: str) -> None:
    print(f"journal: {message}", file=sys.stderr)


def _positional(args: list[str]) -> str | None:
    """The last argument that is neither an option nor an option's value."""
    found = None
    rest = iter(args)
    for arg in rest:
        if arg in {"--root", "--commit"}:
            next(rest, None)  # its value
        elif not arg.startswith("--"):
            found = arg
    return found


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1 :]
    return None


def _redacted(root: str, subject: str) -> tuple[str, int]:
    """A commit's subject as it may reach the journal, and how many secrets were
    taken out: the rules of every command that writes text (`redact` and
    `redact_patterns` of journal.yaml)."""
    from journal.operations.redact import redact

    enabled, patterns = _redact_settings(root)
    if not enabled:
        return subject, 0
    result = redact(subject, extra_patterns=patterns)
    return result.text, len(result.kinds)


def _redact_settings(root: str) -> tuple[bool, tuple[str, ...]]:
    """`redact` and `redact_patterns` of journal.yaml, read line by line as the
    hook reads its other settings (no YAML parser: it runs on every commit, and a
    hook's Python may lack one). Patterns written other than as a one-line list
    are read through the configuration; a journal.yaml that cannot be read gets
    the built-in rules, since a commit never fails on the journal."""
    from journal.store.locate import CONFIG_NAME

    try:
        with open(os.path.join(root, CONFIG_NAME), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return True, ()
    enabled = True
    patterns: tuple[str, ...] = ()
    for line in lines:
        key, _, value = line.partition(":")
        value = value.partition(" #")[0].strip()
        if key == "redact":
            enabled = value.strip("'\"").lower() not in ("false", "no", "off")
        elif key == "redact_patterns" and value not in ("", "[]"):
            import json  # a journal with patterns of its own only

            try:
                patterns = tuple(str(p) for p in json.loads(value))
            except ValueError:
                return _configured(root)
        elif key == "redact_patterns":
            patterns = () if value == "[]" else _configured(root)[1]
    return enabled, patterns


def _configured(root: str) -> tuple[bool, tuple[str, ...]]:
    """The redaction settings through the parsed configuration."""
    from pathlib import Path

    from journal.errors import JournalError
    from journal.store.config import load_config

    try:
        config = load_config(Path(root))
    except (ImportError, JournalError, OSError, ValueError):
        return True, ()
    return config.redact, config.redact_patterns


if __name__ == "__main__":
    sys.exit(main())
