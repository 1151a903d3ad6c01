"""`journal site build` and `journal site serve`: the journal as a browsable site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from journal.cli.commands.tabled import Values, command
from journal.cli.options import open_journal
from journal.cli.output import emit, warn
from journal.cli.table import FLAG, INT, JSON, PATH, option

commands = typer.Typer()

site_app = typer.Typer(
    help="The journal as a static site (MkDocs): build it, or preview it live.",
    no_args_is_help=True,
)
commands.add_typer(site_app, name="site")

BUILDER = option(
    "--builder",
    "mkdocs, properdocs or zensical (default: site.builder in journal.yaml).",
    show_default=False,
)
JOURNALS = option(
    "--journal",
    "One site from several journals (repeat it; default: site.journals in "
    "journal.yaml), in the current folder (./site).",
    dest="journals",
    kind=PATH,
    many=True,
    show_default=False,
)
KEEP_GOING = option(
    "--keep-going",
    "With several journals: build the others when a session of one is invalid (it "
    "is reported).",
    kind=FLAG,
)


@command(
    site_app,
    "build",
    """Generate the site's pages from sessions/ and build them in strict mode.

The site folder must be new, empty, or hold a site this command built.""",
    option(
        "--offline",
        "A site that works opened from file:// with no network: offline search, no "
        "web fonts (every site draws its timelines as SVG and fetches nothing).",
        kind=FLAG,
    ),
    BUILDER,
    option("--output -o", "Write the site here (default: site.site_dir).", kind=PATH),
    JOURNALS,
    KEEP_GOING,
    option(
        "--force",
        "Build into a folder that holds files journal did not write; they are kept, "
        "never deleted or overwritten.",
        kind=FLAG,
    ),
    JSON,
)
def build(v: Values) -> None:
    from journal.site.build import BuildError, build_site

    org, root = _org_journals(v["journals"])
    common = {k: v[k] for k in ("offline", "builder", "force")}
    try:
        if org:
            from journal.site.orgbuild import build_org_site

            keep_going, output = v["keep_going"], v["output"]
            built = build_org_site(
                org, root=root, site_dir=output, keep_going=keep_going, **common
            )
            for note in built.notes:
                warn(note)
            result = built.build
        else:
            result = build_site(open_journal(), site_dir=v["output"], **common)
    except BuildError as exc:
        sys.stderr.write(exc.output)
        raise
    generated = result.generated
    for session_id, message in generated.problems:
        warn(f"{session_id}: {message}")
    for message in result.warnings:
        warn(message)
    emit(_data(result), _human(result, offline=v["offline"]), as_json=v["as_json"])


def _org_journals(named: list[Path] | None) -> tuple[list[Path], Path]:
    """The journals to build one site from, and the folder it is built in: those
    named, here; or `site.journals` of the journal here, in its folder."""
    from journal.errors import NotFoundError
    from journal.site.orgbuild import saved_journals
    from journal.store.locate import find_root

    if named:
        return named, Path.cwd()
    try:
        root = find_root(None)
    except NotFoundError:
        return [], Path.cwd()
    return saved_journals(root), root


def _data(result: Any) -> dict[str, Any]:
    generated = result.generated
    return {
        "site": str(result.index),
        "site_dir": str(result.site_dir),
        "docs_dir": str(generated.docs_dir),
        "config": str(result.config),
        "builder": result.builder,
        "sessions": generated.sessions,
        "pages": generated.pages,
        "written": len(generated.written),
        "unchanged": generated.unchanged,
        "removed": len(generated.removed),
        "mermaid": str(generated.mermaid) if generated.mermaid else None,
        "problems": [{"session": s, "error": m} for s, m in generated.problems],
        "generate_s": round(generated.seconds, 3),
        "build_s": round(result.build_seconds, 3),
    }


def _human(result: Any, *, offline: bool) -> str:
    generated = result.generated
    where = result.index.as_uri() if offline else str(result.index)
    return (
        f"site: {where}\n"
        f"{generated.sessions} session{'' if generated.sessions == 1 else 's'}, "
        f"{generated.pages} pages "
        f"(generated in {generated.seconds:.2f} s, built by {result.builder} "
        f"in {result.build_seconds:.2f} s)"
    )


@command(
    site_app,
    "serve",
    """Preview the site live: pages regenerate when a session, template or the
configuration changes (of every journal, with several), and the browser
reloads (Ctrl-C stops).""",
    option("--port -p", "Port to serve on.", kind=INT, default=8000),
    option("--host", "Address to listen on.", default="127.0.0.1"),
    BUILDER,
    JOURNALS,
    KEEP_GOING,
)
def serve(v: Values) -> None:
    from journal.site.orgserve import serve_org
    from journal.site.serve import serve_site

    common = {k: v[k] for k in ("host", "port", "builder")}
    org, root = _org_journals(v["journals"])
    journal = None if org else open_journal()
    # A terminated `serve` must stop its builder too: SIGTERM unwinds like Ctrl-C.
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    where = f"http://{v['host']}:{v['port']}/"
    print(f"serving the journal at {where} (Ctrl-C stops)", flush=True)
    try:
        if journal is None:
            keep_going = v["keep_going"]
            serve_org(org, root=root, notify=warn, keep_going=keep_going, **common)
        else:
            serve_site(journal, notify=warn, **common)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
