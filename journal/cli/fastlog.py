"""`journal log` without typer: parse the few options by hand, call the library, print.

Returns None for anything unusual (`--help`, an unknown option) so the full CLI handles
it with its usual help and usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from journal.errors import JournalError

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from typing import Any

_VALUE_OPTIONS = {
    "--at": "at",
    "-a": "at",
    "--kind": "kind",
    "-k": "kind",
    "--session": "session",
    "-S": "session",
    "--attach": "attach",
    "--by": "by",
}
_FLAGS = {
    "--star": "star",
    "-s": "star",
    "--json": "json",
    "--no-redact": "no_redact",
    "--debug": "debug",
}


def parse(argv: list[str]) -> dict[str, Any] | None:
    """The options and words of `journal log …`, or None to defer to the full CLI."""
    opts: dict[str, Any] = {"words": [], "attach": []}
    items = iter(argv)
    only_words = False
    for arg in items:
        if only_words or not arg.startswith("-") or arg == "-":
            opts["words"].append(arg)
        elif arg == "--":
            only_words = True
        elif arg in _FLAGS:
            opts[_FLAGS[arg]] = True
        elif arg in _VALUE_OPTIONS or arg.split("=", 1)[0] in _VALUE_OPTIONS:
            name, _, inline = arg.partition("=")
            value = inline if "=" in arg else next(items, None)
            if value is None:
                return None
            key = _VALUE_OPTIONS[name]
            if key == "attach":
                opts["attach"].append(value)
            else:
                opts[key] = value
        else:
            return None
    return opts


def run_fast_log(argv: list[str]) -> int | None:
    opts = parse(argv)
    if opts is None:
        return None
    try:
        journal, logged = _log(opts)
    except JournalError as exc:
        print(f"journal: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if opts.get("debug"):
            raise
        print(
            f"journal: internal error: {exc!r} — this is a bug; rerun with --debug "
            "for the traceback",
            file=sys.stderr,
        )
        return 70
    seen = seen_before_logged(journal, logged.session_id, logged.event)
    if opts.get("json"):
        data = {
            "session": logged.session_id,
            "event": logged.event,
            "redacted": list(logged.redacted),
        }
        if seen is not None:
            data["seen_before"] = [m.as_dict() for m in seen]
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(describe(logged.session_id, logged.event, logged.redacted))
        if seen:
            print(seen[0].line(len(seen) - 1))
    return 0


def seen_before_logged(
    journal: Any, session_id: str, event: dict[str, Any]
) -> list[Any] | None:
    """Past sessions with the same error, for the kinds that carry errors (None for
    other kinds); never a reason for `log` to fail."""
    if event["kind"] not in ("detected", "identified"):
        return None
    try:
        from journal.insight.seen import seen_before

        return seen_before(journal.state_dir, session_id, text=event["text"])
    except Exception:  # the event is written; a broken index only costs the hint
        return []


def _log(opts: dict[str, Any]) -> tuple[Any, Any]:
    """The journal, and what `log_event` wrote for these options."""
    from journal.operations.log import log_event
    from journal.store.sessions import Journal

    journal = Journal.open()

    def write(text: str, files: list[Path]) -> Any:
        return log_event(
            journal,
            text,
            session=opts.get("session"),
            kind=opts.get("kind", "note"),
            at=opts.get("at"),
            star=bool(opts.get("star")),
            attach=files,
            by=opts.get("by"),
            redact=not opts.get("no_redact"),
        )

    words, attach = opts["words"], opts["attach"]
    if words != ["-"] and "-" not in attach:
        # The common case; `-` (standard input) costs an import only when used.
        return journal, write(" ".join(words), [Path(name) for name in attach])
    from journal.cli.stdin import log_inputs

    with log_inputs(words, attach) as (text, files):
        return journal, write(text, files)


def describe(session_id: str, event: dict[str, Any], redacted: tuple[str, ...]) -> str:
    """One line confirming what was written: `logged 01:02 detected ★ → <id>`."""
    clock = event["at"][11:16]
    star = " ★" if event.get("star") else ""
    note = (
        f" ({len(redacted)} secret(s) redacted: {', '.join(sorted(set(redacted)))})"
        if redacted
        else ""
    )
    return f"logged {clock} {event['kind']}{star} → {session_id}{note}"
