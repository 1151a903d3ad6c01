"""`journal receive` over real HTTP: the token, the body limit, concurrent senders,
opening a session for a critical alert, and a receiver killed with SIGKILL."""

from __future__ import annotations

import base64
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from journal.ingest.seen import timeline_ids
from journal.operations.receive import Settings, make_server
from journal.store.sessions import Journal
from journal.store.timeline import read_lines
from tests.conftest import snapshot

TOKEN = "t0ken-for-tests-0123456789"


def alert_group(
    fingerprint: str, *, status: str = "firing", severity: str = "high"
) -> dict[str, object]:
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="A{fingerprint}"}}',
        "status": status,
        "receiver": "journal",
        "groupLabels": {"alertname": f"A{fingerprint}"},
        "commonLabels": {"alertname": f"A{fingerprint}", "severity": severity},
        "commonAnnotations": {"summary": "latency high"},
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": f"A{fingerprint}", "severity": severity},
                "annotations": {"summary": "latency high"},
                "startsAt": "2025-11-04T15:44:30Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": fingerprint,
            }
        ],
    }


def post(
    port: int, body: bytes, headers: dict[str, str] | None = None, path: str = "/"
) -> tuple[int, dict[str, object]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def receiver(journal_root: Path, session_id: str) -> Iterator[int]:
    journal = Journal.open(journal_root)
    server = make_server(
        journal, Settings(token=TOKEN, port=0, max_body=20_000, open_on=("critical",))
    )
    # serve_forever looks for shutdown() every poll_interval: at its default 0.5 s,
    # every test using this waited up to half a second, idle, at its end.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_bad_token_is_401_and_nothing_is_written(
    journal_root: Path, receiver: int
) -> None:
    before = snapshot(journal_root)
    body = json.dumps(alert_group("f1")).encode()
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": "Basic " + base64.b64encode(b"am:wrong").decode()},
        {"X-Journal-Token": TOKEN[:-1]},
    ):
        code, answer = post(receiver, body, headers)
        assert code == 401 and "token" in str(answer["error"])
    assert snapshot(journal_root) == before


def test_the_token_by_header_bearer_or_basic(
    journal_root: Path, session_id: str, receiver: int
) -> None:
    basic = "Basic " + base64.b64encode(f"alertmanager:{TOKEN}".encode()).decode()
    for index, headers in enumerate(
        ({"X-Journal-Token": TOKEN}, BEARER, {"Authorization": basic})
    ):
        code, answer = post(
            receiver, json.dumps(alert_group(f"g{index}")).encode(), headers
        )
        assert code == 200, answer
        assert answer == {"session": session_id, "added": 1, "duplicates": 0}
    path = Journal.open(journal_root).timeline_path(session_id)
    assert len(timeline_ids(path)) == 3


def test_over_the_limit_is_413_bad_json_400_unknown_422(
    journal_root: Path, receiver: int
) -> None:
    before = snapshot(journal_root)
    code, answer = post(receiver, b"{" + b" " * 30_000 + b"}", BEARER)
    assert code == 413 and "20000 byte limit" in str(answer["error"])
    code, answer = post(receiver, b'{"alerts": [', BEARER)
    assert code == 400 and "not valid JSON" in str(answer["error"])
    code, answer = post(receiver, b'{"hello": 1}', BEARER)
    assert code == 422 and "known: grafana, alertmanager, pagerduty" in str(
        answer["error"]
    )
    assert snapshot(journal_root) == before


def test_session_named_in_the_query(
    journal_root: Path, cli: object, session_id: str, receiver: int
) -> None:
    from tests.conftest import run_journal

    other = run_journal("new", "Other one", cwd=journal_root)  # now the active one
    assert other.code == 0
    code, answer = post(
        receiver,
        json.dumps(alert_group("q1")).encode(),
        BEARER,
        path=f"/?session={session_id}",
    )
    assert code == 200 and answer["session"] == session_id


def test_open_on_critical_opens_one_session_per_group(
    journal_root: Path, session_id: str, receiver: int
) -> None:
    journal = Journal.open(journal_root)
    body = json.dumps(alert_group("crit1", severity="critical")).encode()
    code, answer = post(receiver, body, BEARER)
    assert code == 200 and answer["session"] != session_id
    opened = str(answer["session"])
    assert (journal.session_dir(opened) / "session.yaml").is_file()
    created = (journal.session_dir(opened) / "session.yaml").read_text()
    assert "Acrit1: latency high" in created
    assert 'started: "2025-11-04T15:44:30+00:00"' in created
    resolved = alert_group("crit1", status="resolved", severity="critical")
    resolved["alerts"][0]["endsAt"] = "2025-11-04T16:00:00Z"  # type: ignore[index]
    code, again = post(receiver, json.dumps(resolved).encode(), BEARER)
    assert code == 200 and again["session"] == opened
    assert len(timeline_ids(journal.timeline_path(opened))) == 2


def send_all(port: int, senders: int, per_sender: int) -> tuple[list[int], list[float]]:
    """Each sender posts its own alerts; returns the status codes and times."""

    def one(sender: int) -> tuple[list[int], list[float]]:
        codes, times = [], []
        for number in range(per_sender):
            body = json.dumps(alert_group(f"s{sender}n{number}")).encode()
            start = time.perf_counter()
            code, _ = post(port, body, BEARER)
            times.append(time.perf_counter() - start)
            codes.append(code)
        return codes, times

    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(one, range(senders)))
    return [c for r in results for c in r[0]], [t for r in results for t in r[1]]


def test_concurrent_senders_every_alert_on_disk_once(
    journal_root: Path, session_id: str, receiver: int
) -> None:
    codes, _ = send_all(receiver, 16, 25)
    assert codes == [200] * 400
    path = Journal.open(journal_root).timeline_path(session_id)
    lines = read_lines(path)
    assert all(line.problem is None for line in lines)
    ids = [line.data["id"] for line in lines if line.data]
    assert len(ids) == 400 == len(set(ids))
    codes, _ = send_all(receiver, 4, 10)  # a resend adds nothing
    assert len(read_lines(path)) == 400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_kill_9_leaves_no_torn_event_and_keeps_every_acknowledged_alert(
    journal_root: Path, session_id: str
) -> None:
    rng = random.Random(29)
    acked: set[str] = set()
    path = Journal.open(journal_root).timeline_path(session_id)
    env = {**os.environ, "JOURNAL_RECEIVE_TOKEN": TOKEN}
    for round_number in range(3):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "journal", "receive", "--port", str(port)],
            cwd=journal_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        assert b"receiving on" in process.stdout.readline()
        stop = threading.Event()

        def sender(
            index: int,
            port: int = port,
            round_number: int = round_number,
            stop: threading.Event = stop,
        ) -> None:
            number = 0
            while not stop.is_set():
                fingerprint = f"r{round_number}s{index}n{number}"
                number += 1
                try:
                    code, _ = post(
                        port, json.dumps(alert_group(fingerprint)).encode(), BEARER
                    )
                except (OSError, http.client.HTTPException, ValueError):
                    return
                if code == 200:
                    acked.add(f"alertmanager:{fingerprint}:2025-11-04T15:44:30Z:firing")

        threads = [threading.Thread(target=sender, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join(30)
        lines = read_lines(path)
        assert [line for line in lines if line.problem or line.torn] == []
        assert acked <= timeline_ids(path)
    assert len(acked) > 20


def test_a_torn_last_line_is_mended_before_the_first_append(
    journal_root: Path, session_id: str, receiver: int
) -> None:
    path = Journal.open(journal_root).timeline_path(session_id)
    whole = '- {"at": "2025-11-04T15:40:00+00:00", "kind": "note", "text": "before"}\n'
    path.write_text(whole + '- {"at": "2025-11-04T15:4')
    code, _ = post(receiver, json.dumps(alert_group("m1")).encode(), BEARER)
    assert code == 200
    lines = read_lines(path)
    assert [line.problem for line in lines] == [None, None]
    assert path.with_name("timeline.yaml.torn").read_text().startswith('- {"at"')


def test_a_high_alert_goes_to_the_active_session_and_an_unknown_one_is_404(
    journal_root: Path, session_id: str, receiver: int
) -> None:
    body = json.dumps(alert_group("h1", severity="high")).encode()
    code, answer = post(receiver, body, BEARER)
    assert code == 200 and answer["session"] == session_id
    before = snapshot(journal_root)
    code, answer = post(receiver, body, BEARER, path="/?session=no-such-session")
    assert code == 404 and "no-such-session" in str(answer["error"])
    assert snapshot(journal_root) == before
