"""The entry point the installed git hooks run; `gitlink.postcommit` does the work.

    python -m journal.cli.hook post-commit [--root DIR] [--commit INFO]
    python -m journal.cli.hook commit-msg [--root DIR] MESSAGE_FILE

A hook must never fail or slow a commit: every outcome is a line on stderr and exit
status 0. Standard library and journal's stdlib-only modules only (it runs on every
commit), which is why it parses its own arguments.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    hook = args[0] if args else ""
    root = _option(args, "--root")
    try:
        if hook == "post-commit":
            from journal.gitlink.postcommit import post_commit

            post_commit(root, _option(args, "--commit"), say=_say)
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
        _say(f"warning: {_reason(exc)}; the commit stands{tail}")
    return 0


def _say(message: str) -> None:
    print(f"journal: {message}", file=sys.stderr)


def _positional(args: list[str]) -> str | None:
    """The last argument that is neither an option nor an option's value."""
    found = None
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in {"--root", "--commit"}:
            skip = True
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


def _reason(exc: Exception) -> str:
    one_line = getattr(exc, "one_line", None)
    return one_line() if callable(one_line) else f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    sys.exit(main())
