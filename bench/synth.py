"""Synthetic journals for the benchmarks: deterministic, and shaped like real ones.

Session `n` is drawn from its own seeded generator, so the journal of 100 sessions is
the first 100 sessions of the journal of 1,000 and growth between sizes compares like
with like. A session has a summary, a root cause, people, tags, options weighed,
success criteria, next steps, lessons and a free-form section, and a timeline of
events from detection to resolution, some starred, some commits of the journal's own
repository (so `journal check` finds them), every fifth continuing the one before.

    from synth import new_journal, write_sessions, write_session
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20251104
JOURNAL = [sys.executable, "-m", "journal"]
START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
DATE = "2025-11-04T01:05:00+00:00"
"""Author and committer date of every commit the bench makes."""
COMMITS = 12
"""Real commits in each journal's repository, for commit events to name."""

_VOCABULARY = (
    "queue worker pool api gateway database replica cache deploy config timeout "
    "latency error budget alert dashboard shard index lock retry backoff mapper "
    "session token migration rollout canary probe node disk memory cpu thread "
    "connection request response client server region zone ingress schema job"
)
_WORDS = tuple(_VOCABULARY.split())
_ACTIONS = (
    "checked restarted rolled raised lowered drained scaled paged found "
    "confirmed traced patched reverted watched compared measured"
)
_VERBS = tuple(_ACTIONS.split())
_PEOPLE = ("dana", "rich", "amir", "li", "sofia", "kwame", "noor", "tomas")
_TAGS = ("api", "database", "queue", "cache", "deploy", "network", "auth", "billing")
_MIDDLE_KINDS = (
    "note",
    "note",
    "investigating",
    "note",
    "deployed",
    "decision",
    "action",
    "verify",
)


def isolated_env(home: Path) -> dict[str, str]:
    """The environment every bench process runs in: its own HOME and git config,
    fixed commit dates, no journal or git variables from the caller, and cached
    bytecode."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "JOURNAL_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    # Bytecode is cached, as on a user's machine (pip compiles on install): a machine
    # that sets PYTHONDONTWRITEBYTECODE would otherwise time compiling every module.
    # The cache lives in the bench's own folder, not beside the sources.
    env.update(PYTHONPYCACHEPREFIX=str(home / "pycache"))
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_DATE=DATE,
        GIT_COMMITTER_DATE=DATE,
        TZ="UTC",
    )
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Bench\n\temail = bench@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    return env


def run(args: Sequence[str], *, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        list(args), cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def new_journal(
    root: Path, *, env: dict[str, str], commits: int = COMMITS
) -> list[str]:
    """`git init` + `journal init` in `root`, and `commits` commits; their SHAs.

    Made once per bench folder (beside its HOME) and number of commits, then copied:
    the commits' dates are fixed (`DATE`), so a copy holds what making it again would
    make, SHAs included, for the price of a copy instead of 4 + `commits` processes
    (a `journal init` alone is ~0.2 s of CPU; a smoke run makes 13 journals)."""
    made = Path(env["HOME"]).parent / f"new-journal-{commits}"
    if not made.exists():
        _make_journal(made, env=env, commits=commits)
    shutil.copytree(made, root, symlinks=True)
    log = run(["git", "log", "--format=%H"], cwd=root, env=env)
    return log.split()


def _make_journal(root: Path, *, env: dict[str, str], commits: int) -> None:
    root.mkdir(parents=True)
    run(["git", "init", "-q"], cwd=root, env=env)
    run([*JOURNAL, "init"], cwd=root, env=env)
    run(["git", "add", "-A"], cwd=root, env=env)
    run(["git", "commit", "-q", "-m", "Start the journal"], cwd=root, env=env)
    for n in range(1, commits):
        message = f"Fix {n}: {_WORDS[n]} {_WORDS[-n]}"
        run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=root, env=env)


def state_dir(root: Path) -> Path:
    """journal's per-user state of a journal `new_journal` made (inside .git)."""
    return root / ".git" / "journal"


def session_id(n: int) -> str:
    return f"{_began(n):%Y-%m-%d}-incident-{n + 1}-{_WORDS[n % len(_WORDS)]}"


def write_sessions(
    root: Path, count: int, *, events: int = 50, shas: Sequence[str] = ()
) -> list[str]:
    """Sessions 0 … count-1 in `root`'s sessions folder; their ids, oldest first."""
    return [write_session(root, n, events=events, shas=shas) for n in range(count)]


def write_session(
    root: Path, n: int, *, events: int = 50, shas: Sequence[str] = ()
) -> str:
    """Session `n` with `events` events; its id."""
    rng = random.Random(f"{SEED}-{n}")
    sid = session_id(n)
    folder = root / "sessions" / sid
    folder.mkdir(parents=True)
    began = _began(n)
    lines = _timeline(rng, began, events, shas)
    ended = datetime.fromisoformat(json.loads(lines[-1][2:])["at"]) if lines else None
    is_open = n % 10 == 9
    previous = session_id(n - 1) if n % 5 == 4 else None
    text = _session_yaml(rng, n, began, None if is_open else ended, previous)
    (folder / "session.yaml").write_text(text, encoding="utf-8")
    (folder / "timeline.yaml").write_text("".join(lines), encoding="utf-8")
    return sid


def timeline_bytes(root: Path, sid: str) -> bytes:
    return (root / "sessions" / sid / "timeline.yaml").read_bytes()


def _began(n: int) -> datetime:
    """About two sessions a day, at working hours."""
    return START + timedelta(hours=11 * n + (n * 7) % 5)


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _sentence(rng: random.Random) -> str:
    """Words as people log them: now and then code, emphasis, a figure or a link."""
    verb = rng.choice(_VERBS)
    text = f"{verb.capitalize()} the {_phrase(rng, 3)}; {_phrase(rng, 5)}"
    extra = rng.random()
    if extra < 0.15:
        text += f" in `{rng.choice(_WORDS)}_{rng.choice(_WORDS)}.py`"
    elif extra < 0.25:
        text += f", **{rng.choice(_WORDS)}** at p99 > {rng.randint(2, 9)} s"
    elif extra < 0.3:
        text += (
            f" (see [the runbook](https://runbooks.example.com/{rng.choice(_WORDS)}))"
        )
    elif extra < 0.4:
        text += f" - {rng.randint(2, 97)} % of requests | {rng.choice(_WORDS)}-side"
    return text


def _timeline(
    rng: random.Random, began: datetime, count: int, shas: Sequence[str]
) -> list[str]:
    lines = []
    at = began
    for i in range(count):
        event: dict[str, object] = {
            "at": at.isoformat(),
            "kind": _kind(rng, i, count, shas),
            "text": _sentence(rng),
        }
        if event["kind"] == "commit":
            event["sha"] = rng.choice(shas)
            event["by"] = rng.choice(_PEOPLE)
        elif rng.random() < 0.1:
            event["star"] = True
        elif rng.random() < 0.2:
            event["by"] = rng.choice(_PEOPLE)
        lines.append("- " + json.dumps(event, ensure_ascii=False) + "\n")
        at += timedelta(seconds=rng.randint(20, 240))
    return lines


def _kind(rng: random.Random, i: int, count: int, shas: Sequence[str]) -> str:
    if i == 0 and count > 2:
        return "impact"
    if i <= 1:
        return "detected"
    if i == count - 1 and count > 2:
        return "resolved"
    if i == count // 3:
        return "identified"
    if i == count * 2 // 3:
        return "mitigated"
    if shas and rng.random() < 0.08:
        return "commit"
    return rng.choice(_MIDDLE_KINDS)


def _q(text: str) -> str:
    """A YAML scalar: JSON strings are YAML double-quoted scalars."""
    return json.dumps(text, ensure_ascii=False)


def _session_yaml(
    rng: random.Random,
    n: int,
    began: datetime,
    ended: datetime | None,
    previous: str | None,
) -> str:
    people = rng.sample(_PEOPLE, 3)
    tags = sorted(rng.sample(_TAGS, 2))
    head = [
        "# yaml-language-server: $schema=../../journal.schema.json",
        "schema: 1",
        f"title: {_q(f'Incident {n + 1}: {_phrase(rng, 4)} on pool {n % 7}')}",
        f"number: {n + 1}",
        f"status: {'investigating' if ended is None else 'resolved'}",
        f"severity: {('critical', 'high', 'medium', 'low')[n % 4]}",
        f'started: "{began.isoformat()}"',
        *([f'ended: "{ended.isoformat()}"'] if ended else []),
        f"tags: [{', '.join(tags)}]",
        *([f"previous: {previous}"] if previous else []),
        "people:",
        f"  - {{name: {people[0]}, role: incident lead}}",
        f"  - {{name: {people[1]}, role: responder}}",
        f"  - {{name: {people[2]}}}",
        "summary: |",
        *(f"  {_sentence(rng)}." for _ in range(3)),
        "",
        *(f"  - {_sentence(rng)}" for _ in range(rng.randint(0, 3))),
        "root_cause:",
        f"  summary: {_q(_sentence(rng))}",
        f"  location: app/{rng.choice(_WORDS)}.py:{rng.randint(10, 400)}",
        "  evidence:",
        f"    - {_q(_sentence(rng))}",
        f"    - {_q(_sentence(rng))}",
    ]
    return "\n".join(head + _decisions(rng, ended is not None)) + "\n"


def _decisions(rng: random.Random, closed: bool) -> list[str]:
    lines = ["options:"]
    for decision in ("rejected", "chosen", "deferred"):
        lines += [
            f"  - title: {_q(_sentence(rng))}",
            f"    pros: [{_q(_phrase(rng, 4))}]",
            f"    cons: [{_q(_phrase(rng, 4))}]",
            f"    decision: {decision}",
            f"    why: {_q(_sentence(rng))}",
        ]
    lines.append("success_criteria:")
    lines += [
        f"  - {{text: {_q(_sentence(rng))}, done: {str(closed or i == 0).lower()}}}"
        for i in range(3)
    ]
    lines.append("next_steps:")
    for i, horizon in enumerate(("immediate", "short", "long")):
        owner = rng.choice(_PEOPLE)
        done = str(i == 0).lower()
        lines.append(
            f"  - {{text: {_q(_sentence(rng))}, horizon: {horizon}, "
            f"owner: {owner}, done: {done}}}"
        )
    lines.append("lessons:")
    for kind in ("went-well", "went-wrong", "lucky"):
        lines += [
            f"  - title: {_q(_sentence(rng))}",
            f"    kind: {kind}",
            f"    detail: {_q(_sentence(rng))}",
        ]
    lines += [
        "sections:",
        "  - title: Load during the incident",
        "    body: |",
        "      | time | requests/s | p99 |",
        "      |---|---:|---:|",
    ]
    for hour in range(4):
        rate, p99 = rng.randint(100, 900), rng.randint(90, 4000)
        lines.append(f"      | {hour:02d}:00 | {rate} | {p99} ms |")
    return lines


def write_reports(folder: Path, count: int, *, fixtures: Path) -> list[Path]:
    """`count` Markdown reports for `journal import`, cycling through the non-empty
    fixtures; each copy's title (its first line of text) carries its number, so no
    two are the same report."""
    sources = [p for p in sorted(fixtures.glob("*.md")) if p.stat().st_size]
    folder.mkdir(parents=True)
    written = []
    for i in range(count):
        source = sources[i % len(sources)]
        path = folder / f"{i:03d}-{source.name}"
        path.write_bytes(_numbered(source.read_bytes(), i + 1))
        written.append(path)
    return written


def _numbered(raw: bytes, number: int) -> bytes:
    lines = raw.split(b"\n")
    wanted = b"title:" if lines[0].rstrip() == b"---" else b""
    for index, line in enumerate(lines):
        text = line.rstrip(b"\r")
        if text.strip() and text.startswith(wanted) and text.rstrip() != b"---":
            ending = line[len(text) :]
            lines[index] = text + b" (copy %d)" % number + ending
            break
    return b"\n".join(lines)
