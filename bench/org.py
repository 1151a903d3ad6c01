"""The org site: one site built from three journals of `count` sessions each (three
git repositories, one with a GitHub remote), timed cold — its generation against the
builder's time on the same pages, as for a journal's own site."""

from __future__ import annotations

import json
import shutil

import synth
from measure import Figures, run_command
from scenarios import JOURNAL, Bench
from table import Figure, Row, at_most, with_growth

JOURNALS = ("payments", "search", "identity")
BUILD = "mkdocs build of the org site (3 journals)"
FIRST = "org site generation (3 journals), first build"
BUDGET = 0.10
"""The same share of the builder's time as a journal's own site."""


def add_org(bench: Bench, count: int) -> None:
    base = bench.base / f"org-{count}"
    roots = []
    for n, name in enumerate(JOURNALS):
        root = base / name
        shas = synth.new_journal(root, env=bench.env)
        if n == 0:
            remote = "git@github.com:acme/payments.git"
            synth.run(
                ["git", "remote", "add", "origin", remote], cwd=root, env=bench.env
            )
        synth.write_sessions(root, count, shas=shas)
        roots.append(root)
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
        }

    bench.add(f"org:{count}", once, bench.plan.site_runs, reset=cold, warm_up=False)


def org_rows(bench: Bench, figure: object, python: Figure, floor: str) -> list[Row]:
    """Rows of every org size measured; `figure(key, name)` reads a result."""
    builds, first = [], []
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
    return with_growth(builds) + with_growth(first)
