"""`journal receive`: a small webhook receiver on the standard library's threading
HTTP server (docs/dependencies.md says why no framework).

Every request must carry the token (`Authorization: Bearer …`, basic auth with the
token as password, or `X-Journal-Token`); a bad one gets 401 and nothing is read. A
body over the limit gets 413 before it is read. A payload is appended through the
same locked append as `journal ingest`, and the answer (200) goes out only after the
fsync: a sender that saw 2xx has its alert on disk. Appends are one write of whole
lines, so a receiver killed at any moment leaves no torn event behind.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from journal.errors import JournalError, NotFoundError, UsageError
from journal.ingest import alerts
from journal.ingest.detect import payload_events, payload_format
from journal.ingest.seen import SeenIds
from journal.operations.ingest import Request, append_new, options_for
from journal.operations.session_edits import create_session
from journal.record import Record
from journal.store.sessions import Journal
from journal.store.timeline import repair


class Settings(Record):
    token: str
    host: str = "127.0.0.1"
    port: int = 9095
    max_body: int = 1_000_000
    open_on: tuple[str, ...] = ()
    """Severities whose firing alert opens a new session."""
    redact: bool = True
    session: str | None = None


class Receiver:
    """What the request handlers share: the journal, the settings, one write lock,
    the ids of each session's timeline, the sessions opened per alert group."""

    def __init__(self, journal: Journal, settings: Settings) -> None:
        self.journal = journal
        self.settings = settings
        self.lock = threading.Lock()
        self.seen: dict[str, SeenIds] = {}
        self.opened: dict[str, str] = {}

    def accept(self, data: Any, *, named: str | None) -> dict[str, Any]:
        """Append one payload's events; returns the answer's body."""
        request = Request(redact=self.settings.redact)
        options = options_for(self.journal, request)
        events = list(payload_events(data, options, where="the payload"))
        fmt = payload_format(data) or ""
        with self.lock:
            session_id = self._session(data, fmt, named)
            path = self.journal.timeline_path(session_id)
            with self.journal.lock(session_id):
                if session_id not in self.seen:
                    _mend(path)
                    self.seen[session_id] = SeenIds(path)
                result = append_new(
                    self.journal,
                    session_id,
                    events,
                    request=request,
                    seen=self.seen[session_id].current(),
                )
        return {
            "session": session_id,
            "added": result.added,
            "duplicates": result.duplicates,
        }

    def _session(self, data: Any, fmt: str, named: str | None) -> str:
        if name := named or _named_in(data) or self.settings.session:
            return self.journal.resolve(name)
        if opened := self._open_for(data, fmt):
            return opened
        try:
            return self.journal.resolve(None)
        except JournalError:
            raise NotFoundError(
                "no session named and none active",
                "name one (?session=ID) or start one with `journal new`",
            ) from None

    def _open_for(self, data: Any, fmt: str) -> str | None:
        """A new session for a firing alert of an --open-on severity (once per
        alert group)."""
        if fmt not in ("alertmanager", "grafana") or not self.settings.open_on:
            return None
        key = str(data.get("groupKey") or alerts.title(data))
        if key in self.opened:
            return self.opened[key]
        if data.get("status") != "firing":
            return None
        severity = alerts.severity(data)
        if severity not in self.settings.open_on:
            return None
        session_id = create_session(
            self.journal,
            alerts.title(data),
            severity=severity if severity in self.journal.config.severities else None,
            at=alerts.first_firing(data),
            activate=False,
        )
        self.opened[key] = session_id
        return session_id


def _mend(path: Path) -> None:
    """Before the first append to a timeline, a last line torn by an earlier crash
    (of anything that writes it) is repaired as `journal check --fix` does, so no
    reader meets it; the caller holds the session lock."""
    try:
        with path.open("rb") as handle:
            handle.seek(-1, 2)
            torn = handle.read(1) != b"\n"
    except OSError:  # missing or empty
        return
    if torn:
        repair(path)


def _named_in(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for labels in (data.get("commonLabels"), data.get("groupLabels"), data):
        if isinstance(labels, dict) and labels.get("journal_session"):
            return str(labels["journal_session"])
    return None


def authorized(headers: Any, token: str) -> bool:
    """The token, from `X-Journal-Token`, a bearer token or basic auth's password."""
    given = headers.get("X-Journal-Token") or ""
    scheme, _, value = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:
            return False
        given = decoded.partition(":")[2]
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def refusal(headers: Any, settings: Settings) -> tuple[int, dict[str, Any]] | None:
    """The answer to a request refused before its body is read, if any."""
    if not authorized(headers, settings.token):
        return 401, {"error": "a valid token is required"}
    length = headers.get("Content-Length")
    if length is None or not length.isdigit():
        return 411, {"error": "send a Content-Length"}
    if int(length) > settings.max_body:
        return 413, {"error": f"the body is over the {settings.max_body} byte limit"}
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 16 senders at once must not meet a refused connect
    receiver: Receiver


class _Handler(BaseHTTPRequestHandler):
    timeout = 30  # a sender that stalls mid-body gives up its thread
    server_version = "journal-receive"
    server: _Server

    def do_POST(self) -> None:
        answer = refusal(self.headers, self.server.receiver.settings)
        if answer is None:
            answer = self._accept(self.rfile.read(int(self.headers["Content-Length"])))
        self._answer(*answer)

    def _accept(self, body: bytes) -> tuple[int, dict[str, Any]]:
        query = parse_qs(urlsplit(self.path).query)
        named = (query.get("session") or [""])[0] or self.headers.get(
            "X-Journal-Session"
        )
        try:
            data = json.loads(body)
        except ValueError as exc:
            return 400, {"error": f"the body is not valid JSON ({exc})"}
        try:
            return 200, self.server.receiver.accept(data, named=named)
        except NotFoundError as exc:
            return 404, {"error": exc.one_line()}
        except JournalError as exc:
            return 422, {"error": exc.one_line()}

    def _answer(self, code: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        if code == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="journal"')
        if code >= 400:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        return  # no line per request on the terminal


def make_server(journal: Journal, settings: Settings) -> ThreadingHTTPServer:
    """The server, bound and ready for `serve_forever`."""
    try:
        server = _Server((settings.host, settings.port), _Handler)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
            "choose another --port",
        ) from None
    server.receiver = Receiver(journal, settings)
    return server


def serve(
    journal: Journal, settings: Settings, *, ready: Callable[[str], None]
) -> None:
    """Serve until interrupted."""
    with make_server(journal, settings) as server:  # closed on the way out
        host, port = server.server_address[:2]
        ready(f"{host!s}:{port}")
        server.serve_forever()
