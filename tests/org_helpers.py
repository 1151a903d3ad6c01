"""Three journals in three git repositories for the tests of a site of several
journals: `payments` with a GitHub remote, `search` with none and its own severities
and timezone, and `identity` (folder `auth`, named in its config) with a GitLab one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.site_helpers import new_journal, write_session

SHA = "3c9e1f27b0d64a5e8f1b2c3d4e5f60718293a4b5"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)


def _repo(root: Path, config: str, remote: str | None) -> Path:
    new_journal(root)
    (root / "journal.yaml").write_text(config, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    if remote:
        git(root, "remote", "add", "origin", remote)
    return root


def _events(detected: str, resolved: str) -> list[dict[str, str]]:
    return [
        {"at": detected, "kind": "detected", "text": "alert fired"},
        {"at": resolved, "kind": "resolved", "text": "back to normal"},
    ]


def three_journals(base: Path) -> list[Path]:
    """The three journals, each committed in its own repository."""
    payments = _repo(
        base / "payments",
        "sessions_dir: sessions\n",
        "git@github.com:acme/payments.git",
    )
    folder = write_session(
        payments,
        "2025-11-04-db-failover",
        severity="critical",
        status="resolved",
        summary="The primary lost its replica quorum.",
        tags=["database"],
        next_steps=[{"text": "Alert on replica lag in payments", "horizon": "short"}],
        events=[
            *_events("2025-11-04T10:00:00+00:00", "2025-11-04T11:00:00+00:00"),
            {
                "at": "2025-11-04T10:30:00+00:00",
                "kind": "commit",
                "text": "Raise the pool size",
                "sha": SHA,
                "evidence": ["evidence/lag.png"],
            },
        ],
    )
    (folder / "evidence").mkdir()
    (folder / "evidence" / "lag.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    search = _repo(
        base / "search",
        "sessions_dir: sessions\ntimezone: Europe/Paris\nseverities: [sev1, sev2]\n",
        None,
    )
    write_session(
        search,
        "2025-11-04-db-failover",
        severity="sev1",
        status="open",
        summary="Queries timed out while the shards rebalanced.",
        previous="payments/2025-11-04-db-failover",
        tags=["database"],
        next_steps=[{"text": "Reindex the search shards", "horizon": "immediate"}],
        events=_events("2025-11-04T12:00:00+00:00", "2025-11-04T15:00:00+00:00"),
    )
    auth = _repo(
        base / "auth",
        "name: identity\nsessions_dir: sessions\n",
        "https://gitlab.com/acme/auth.git",
    )
    write_session(
        auth,
        "2025-11-05-token-expiry",
        severity="high",
        status="closed",
        summary="Tokens expired early because the signer's clock drifted.",
        previous="2025-11-02-clock-skew",
        next_steps=[
            {
                "text": "Rotate the signing keys quarterly",
                "horizon": "long",
                "carried_from": "2025-11-02-clock-skew:1",
            }
        ],
        events=_events("2025-11-05T08:00:00+00:00", "2025-11-05T08:30:00+00:00"),
    )
    write_session(
        auth,
        "2025-11-02-clock-skew",
        severity="low",
        status="closed",
        next_steps=[{"text": "Rotate the signing keys quarterly", "horizon": "long"}],
        events=_events("2025-11-02T08:00:00+00:00", "2025-11-02T09:00:00+00:00"),
    )
    for root in (payments, search, auth):
        git(root, "add", "-A")
        git(
            root,
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t.invalid",
            "commit",
            "-qm",
            "journal",
        )
    return [payments, search, auth]


WORDS = {"payments": "quorum", "search": "rebalanced", "identity": "signer"}
"""A word of each journal's session summary, found by search."""
PAGES = {
    "payments": "payments/sessions/2025-11-04-db-failover/",
    "search": "search/sessions/2025-11-04-db-failover/",
    "identity": "identity/sessions/2025-11-05-token-expiry/",
}
