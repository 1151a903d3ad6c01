"""The org site: one site built from three journals of `count` sessions each (three
git repositories, one with a GitHub remote), timed cold — its generation against the
builder's time on the same pages, as for a journal's own site."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import synth
from measure import Figures, run_command
from scenarios import JOURNAL, Bench, _Touch
from table import Figure, Row, at_most, with_growth

JOURNALS = ("payments", "search", "identity")
BUILD = "mkdocs build of the org site (3 journals)"
FIRST = "org site generation (3 journals), first build"
AGAIN = "org site generation (3 journals), one session changed"
_GENERATE = (
    "import json, sys; from pathlib import Path; "
    "from journal.site.org import open_members; "
    "from journal.site.orgbuild import place_for; "
    "from journal.site.orgpages import generate_org; "
    "m, _ = open_members([Path(p) for p in sys.argv[1:]]); "
    "g = generate_org(m, place_for(Path.cwd(), None)[0], offline=False, "
    "keep_going=False); "
    "print(json.dumps({'generate_s': g.seconds, 'written': g.written}))"
)
BUDGET = 0.10
"""The same share of the builder's time as a journal's own site."""


def add_org(bench: Bench, count: int) -> None:
    base = bench.base / f"org-{count}"
    roots = [_journal(bench, base / name, count, n) for n, name in enumerate(JOURNALS)]
    hub = base / "hub"
    hub.mkdir()
    argv = [JOURNAL, "site", "build", "--json"]
    for root in roots:
        argv += ["--journal", str(root)]

    def cold() -> None:
        for folder in (hub / ".journal-site", hub / "site"):
            shutil.rmtree(folder, ignore_errors=True)

    def once() -> Figures:
        ran = run_command(argv, cwd=hub, env=bench.env)
        data = json.loads(ran.stdout)
        if data["sessions"] != count * len(JOURNALS) or data["problems"]:
            raise RuntimeError(f"org site of 3 × {count} sessions: {data}")
        return {
            "seconds": ran.seconds,
            "generate": float(data["generate_s"]),
            "build": float(data["build_s"]),
            "rss_kib": float(ran.max_rss_kib),
        }

    # As a journal's own site: one of fewer than 100 sessions takes the slow runs.
    sessions = count * len(JOURNALS)
    plan = bench.plan
    runs = plan.site_runs if sessions >= 100 else plan.slow_runs
    bench.add(f"org:{count}", once, runs, reset=cold, warm_up=False)
    _add_again(bench, hub, roots, count)


def _journal(bench: Bench, root: Path, count: int, n: int) -> Path:
    shas = synth.new_journal(root, env=bench.env)
    if n == 0:
        remote = "git@github.com:acme/payments.git"
        synth.run(["git", "remote", "add", "origin", remote], cwd=root, env=bench.env)
    synth.write_sessions(root, count, shas=shas)
    return root


def _add_again(bench: Bench, hub: Path, roots: list[Path], count: int) -> None:
    """Generation after one session of one journal changed."""
    generate = [sys.executable, "-c", _GENERATE, *map(str, roots)]

    def again() -> Figures:
        ran = run_command(generate, cwd=hub, env=bench.env)
        data = json.loads(ran.stdout)
        pages = [w for w in data["written"] if "/sessions/" in w]
        # Only the changed journal's session pages (the session touched and the
        # one put back) are rewritten; the other journals' are kept.
        if not pages or not all(p.startswith(JOURNALS[1] + "/") for p in pages):
            raise RuntimeError(f"org site of 3 × {count}: rewrote {pages[:5]}")
        generated = float(data["generate_s"])
        return {
            "seconds": ran.seconds,
            "generate": generated,
            "rss_kib": float(ran.max_rss_kib),
        }

    touch = _Touch(roots[1])

    def one_changed() -> None:
        # After a cold run's reset nothing is generated yet: generate once first.
        if not (hub / ".journal-site" / "docs").is_dir():
            run_command(generate, cwd=hub, env=bench.env)
        touch()

    runs = bench.plan.slow_runs
    bench.add(f"org-again:{count}", again, runs, reset=one_changed)


def org_rows(bench: Bench, figure: object, python: Figure, floor: str) -> list[Row]:
    """Rows of every org size measured; `figure(key, name)` reads a result."""
    builds, first, again = [], [], []
    for count in bench.plan.org_sessions:
        key = f"org:{count}"
        if not any(s.key == key for s in bench.scenarios):
            continue
        size = f"3 × {count:,} sessions"
        build = figure(key, "build")  # type: ignore[operator]
        builds.append(Row(BUILD, size, build, floor, python))
        generate = figure(key, "generate")  # type: ignore[operator]
        budget = at_most(BUDGET, "the build")
        first.append(Row(FIRST, size, generate, "the build", build, budget=budget))
        generate = figure(f"org-again:{count}", "generate")  # type: ignore[operator]
        again.append(Row(AGAIN, size, generate, "the build", build, budget=budget))
    return with_growth(builds) + with_growth(first) + with_growth(again)
