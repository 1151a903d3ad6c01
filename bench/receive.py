"""`journal receive` under 16 concurrent senders × 500 alerts (issue 29).

Starts the real `journal receive` on a fresh journal, lets 16 threads each post 500
distinct Alertmanager groups (one connection per request, as Alertmanager does),
then counts the alerts on disk and prints the answer times:

    python bench/receive.py [--senders 16] [--alerts 500]

Standard library only. Not part of `run.py`'s table: it measures a server, not one
command, and its figure is a count that must be exact plus a p99.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import synth

TOKEN = "bench-receive-token-0123456789"
JOURNAL = str(Path(sys.executable).with_name("journal"))


def group(name: str) -> bytes:
    alert = {
        "status": "firing",
        "labels": {"alertname": name, "severity": "high"},
        "annotations": {"summary": "p99 over budget"},
        "startsAt": "2025-11-04T15:44:30Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": name,
    }
    return json.dumps(
        {
            "version": "4",
            "groupKey": name,
            "status": "firing",
            "receiver": "journal",
            "commonLabels": {"alertname": name},
            "alerts": [alert],
        }
    ).encode()


def send(port: int, sender: int, count: int) -> list[tuple[int, float]]:
    answers = []
    for n in range(count):
        body = group(f"s{sender}-n{n}")
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/", body, {"Authorization": f"Bearer {TOKEN}"})
        status = connection.getresponse().status
        connection.close()
        answers.append((status, time.perf_counter() - started))
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--port", type=int, default=9195)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journal-receive-") as tmp:
        base = Path(tmp)
        env = synth.isolated_env(base / "home")
        root = base / "journal"
        synth.new_journal(root, env=env, commits=1)
        sid = synth.write_session(root, 0, events=0)
        env = {**env, "JOURNAL_RECEIVE_TOKEN": TOKEN}
        server = subprocess.Popen(
            [JOURNAL, "receive", "--port", str(args.port), "--session", sid],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
        )
        assert server.stdout is not None
        server.stdout.readline()  # "receiving on …"
        started = time.perf_counter()
        with ThreadPoolExecutor(args.senders) as pool:
            results = list(
                pool.map(lambda s: send(args.port, s, args.alerts), range(args.senders))
            )
        took = time.perf_counter() - started
        server.terminate()
        server.wait()
        answers = [a for r in results for a in r]
        timeline = (root / "sessions" / sid / "timeline.yaml").read_bytes()
        ids = [json.loads(line[2:])["id"] for line in timeline.splitlines()]
        times = sorted(t for _, t in answers)
        p99 = statistics.quantiles(times, n=100)[98]
        print(
            f"{args.senders} senders × {args.alerts} alerts: "
            f"{sum(1 for s, _ in answers if s == 200)} answered 200, "
            f"{len(ids)} events on disk, {len(set(ids))} distinct; "
            f"median {statistics.median(times) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms, {len(answers) / took:.0f} alerts/s; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        return 0 if len(set(ids)) == len(ids) == len(answers) else 1


if __name__ == "__main__":
    sys.exit(main())
