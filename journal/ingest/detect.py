"""Which reader a source needs, told from its content, and the one entry point.

`read_source` takes a path (a Slack export folder or zip, a text log, a JSON payload
file — one payload, a list of them, or one per line) or `-` for standard input, and
yields events; `payload_events` reads one webhook body (`journal receive`).
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from journal.errors import UsageError
from journal.ingest import alerts, slack, textlog
from journal.ingest.common import Event, Options, bad
from journal.store.files import too_long

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PAYLOADS: dict[str, tuple[Callable[[Any], bool], Callable[..., Iterator[Event]]]] = {
    # Grafana before Alertmanager: its payload is Alertmanager's with more keys.
    "grafana": (alerts.is_grafana, alerts.read),
    "alertmanager": (alerts.is_alertmanager, alerts.read),
    "pagerduty": (alerts.is_pagerduty, alerts.pagerduty),
    "opsgenie": (alerts.is_opsgenie, alerts.opsgenie),
    "sentry": (alerts.is_sentry, alerts.sentry),
}
FORMATS = ("auto", "slack", "text", *PAYLOADS)


def payload_format(data: Any) -> str | None:
    return next((name for name, (test, _) in PAYLOADS.items() if test(data)), None)


def payload_events(
    data: Any, options: Options, *, where: str, fmt: str = "auto"
) -> Iterator[Event]:
    """The events of one webhook payload; an unknown one names the known formats."""
    name = payload_format(data) if fmt == "auto" else fmt
    if name is None or name not in PAYLOADS or not PAYLOADS[name][0](data):
        raise bad(
            "is not a payload of a known format"
            + (f" ({fmt})" if fmt != "auto" else ""),
            "known: " + ", ".join(PAYLOADS) + " (webhook bodies as they send them)",
            where=where,
        )
    yield from PAYLOADS[name][1](data, options, where=where)


def read_source(
    source: str, options: Options, *, fmt: str = "auto", stdin: Any = None
) -> Iterator[Event]:
    """Every event of `source` (a path, or `-` for `stdin`)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", "use one of: " + ", ".join(FORMATS))
    if source != "-":
        path = Path(source)
        try:
            found = path.exists()
        except OSError as exc:  # exists() lets ENAMETOOLONG through
            if exc.errno == errno.ENAMETOOLONG:
                raise too_long(source, "ingest") from None
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
        if not found:
            raise UsageError(f"no such file or folder: {source}", "check the path")
        if fmt == "slack" or (fmt == "auto" and slack.is_export(path)):
            yield from slack.read(path, options)
            return
        if path.is_dir():
            raise bad(
                "is a folder but not a Slack export (no users.json)",
                "give a Slack export, a text log or a JSON payload file",
                where=source,
            )
        text = _text(path.read_bytes(), where=source)
    else:
        if fmt == "slack":
            raise UsageError(
                "a Slack export cannot come from standard input",
                "give its folder or .zip",
            )
        text = _text(
            stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read(),
            where="<stdin>",
        )
    yield from _read_text(
        text, options, fmt=fmt, where=source if source != "-" else "<stdin>"
    )


def _text(raw: bytes | str, *, where: str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "convert it to UTF-8 (iconv -t UTF-8)",
            where=where,
        ) from None


def _read_text(text: str, options: Options, *, fmt: str, where: str) -> Iterator[Event]:
    head = text.lstrip()[:1]
    # `[15:45] <nick>` starts like a JSON list: a log that fits is read as one.
    as_log = fmt == "auto" and (head not in ("{", "[") or _log_not_json(text))
    if fmt == "text" or as_log:
        if fmt == "auto" and not textlog.looks_like(text):
            raise bad(
                "is not in a format journal reads",
                "known: a Slack export, a chat or admin log (`HH:MM nick: text`…), "
                "or a JSON payload of " + ", ".join(PAYLOADS),
                where=where,
            )
        yield from textlog.read(text.splitlines(), options, name=where)
        return
    for index, payload in enumerate(_payloads(text, where=where)):
        yield from payload_events(
            payload, options, where=f"{where}: payload {index + 1}", fmt=fmt
        )


def _log_not_json(text: str) -> bool:
    if not textlog.looks_like(text):
        return False
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


def _payloads(text: str, *, where: str) -> list[Any]:
    """One JSON document (an object or a list of them), or one per line."""
    try:
        data = json.loads(text)
    except ValueError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1:
            try:
                return [json.loads(line) for line in lines]
            except ValueError:
                pass
        raise bad(
            f"is not valid JSON ({whole})",
            "the payload is truncated or damaged: save it again",
            where=where,
        ) from None
    return data if isinstance(data, list) else [data]
