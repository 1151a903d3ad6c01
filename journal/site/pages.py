"""Generating the site: every page as a real Markdown file in the docs folder, so any
builder (MkDocs, ProperDocs, Zensical) sees the same pages, and a file is rewritten
only when its content changed (a watching builder rebuilds only what changed).

A session's page is its report (journal.render), the timeline diagram placed under
the report's Timeline heading, its evidence, and links along its chain of sessions.
Evidence attached to events is copied into the docs folder and listed on the page,
images shown inline. Only files inside the session's `evidence/` folder are copied
(a path naming anything else is shown as text). Files a browser would run as a page
or script (HTML, SVG, Markdown, JavaScript…) are copied with `.txt` appended, so
attached evidence can never become active content of the site.

Nothing is downloaded and no third-party code ships with journal. The timeline is an
SVG drawn at build time (journal.site.charts) and search runs from `file://`
through journal's own worker stand-in (static/iframe-worker-shim.js): the site needs
no npm install and no network. Mermaid's gantt is used instead of the SVG only when
a local mermaid.min.js is named (`site.mermaid_js` or $JOURNAL_MERMAID_JS); it is
then copied into the site, never fetched.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError, NotFoundError
from journal.render import escape
from journal.render.batch import inputs_key
from journal.site import paths
from journal.site.charts import gantt, timeline_svg
from journal.site.collect import Collected, Memory, SessionInfo, collect
from journal.site.safety import defang_links, front_matter
from journal.site.summaries import build_nav, cell_link, summary_pages
from journal.site.writer import DocsWriter
from journal.store.cache import load_cache, salt, save_cache_bytes, stat_key, tree_stats

if TYPE_CHECKING:
    from journal.insight.relatedtype import Related
    from journal.render.index import Known, SessionIndex
    from journal.render.report import Renderer
    from journal.store.sessions import Journal

TIMELINE_HEADING = "## Timeline"
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
ACTIVE = frozenset(
    {".html", ".htm", ".xhtml", ".svg", ".md", ".markdown", ".js", ".mjs", ".css"}
    | {".xml", ".xsl", ".pdf", ".swf"}
)
FOLDER = "evidence"
STATIC = Path(__file__).resolve().parent / "static"
ENV_MERMAID = "JOURNAL_MERMAID_JS"
INSTALL_HINT = "npm install --prefix .journal-site mermaid@11"


@dataclass(frozen=True)
class Diagrams:
    """How the timeline is drawn: as SVG at build time, or by a local Mermaid."""

    mermaid: bool
    tz: tzinfo
    tz_name: str

    @classmethod
    def of(cls, journal: Journal, mermaid_js: Path | None) -> Diagrams:
        """A journal's timelines, drawn by the local Mermaid `mermaid_js` if any."""
        return cls(mermaid_js is not None, journal.tz, journal.config.timezone)


@dataclass
class Generated:
    """What one generation did."""

    docs_dir: Path
    sessions: int
    pages: int
    nav: list[Any]
    mermaid: Path | None
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def docs_dir_of(journal: Journal) -> Path:
    return journal.root / journal.config.site.docs_dir


def generate(
    journal: Journal,
    *,
    offline: bool = False,
    site_dir: Path | None = None,
    memory: Memory | None = None,
) -> Generated:
    """Write every page of the site into the configured docs folder; given the
    `memory` of the last generation in this process (`journal site serve`), only
    the pages a change since can show on are made."""
    from journal.store.cache import one_stat_pass

    with one_stat_pass(journal):
        started = time.perf_counter()
        site = journal.config.site
        writer = DocsWriter(
            docs_dir_of(journal),
            root=journal.root,
            protect=[
                journal.sessions_dir,
                journal.root / journal.config.templates_dir,
                site_dir or journal.root / site.site_dir,
            ],
        )
        try:
            collected = collect(journal, memory)
            mermaid_js = find_mermaid(root=journal.root, configured=site.mermaid_js)
            diagrams = Diagrams.of(journal, mermaid_js)
            planned = plan_pages(journal, writer, collected, diagrams, memory=memory)
            render_planned([planned], partial(write_rendered, writer, collected))
            pages = write_pages(planned, writer, collected)
            pages += summary_pages(journal, writer, collected, memory)
            write_static(writer, mermaid_js=mermaid_js, offline=offline)
            done = finished(writer, collected, pages, build_nav(collected), mermaid_js)
            if memory is not None:
                memory.remember(collected)
        finally:
            gc.unfreeze()  # what cache.paused_gc froze meanwhile
        done.seconds = time.perf_counter() - started
        return done


def finished(
    writer: DocsWriter,
    collected: Collected,
    pages: int,
    nav: list[Any],
    mermaid: Path | None,
) -> Generated:
    """What a generation did, once every page is handed to the writer (the time
    taken is the caller's to set)."""
    result = writer.finish()
    return Generated(
        docs_dir=writer.docs_dir,
        sessions=len(collected.infos),
        pages=pages,
        nav=nav,
        mermaid=mermaid,
        written=result.written,
        unchanged=result.unchanged,
        removed=result.removed,
        problems=collected.problems,
    )


def write_static(writer: DocsWriter, *, mermaid_js: Path | None, offline: bool) -> None:
    """The site's own CSS and JavaScript, Mermaid when a local copy is named, and
    the worker stand-in that lets an offline site's search run from `file://`."""
    writer.write(paths.CSS, static_text("journal.css"))
    writer.write(paths.JS, static_text("journal.js"))
    if mermaid_js is not None:
        writer.copy(paths.MERMAID, mermaid_js)
    if offline:
        writer.write(paths.SHIM, static_text("iframe-worker-shim.js"))


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def find_mermaid(*, root: Path, configured: str) -> Path | None:
    """The local mermaid.min.js that `site.mermaid_js`, then $JOURNAL_MERMAID_JS,
    names; None when neither does (the timeline is then drawn as SVG).

    A path that is named but missing is an error.
    """
    for source, value in (
        ("site.mermaid_js in journal.yaml", configured),
        (ENV_MERMAID, os.environ.get(ENV_MERMAID, "")),
    ):
        if value:
            path = (root / value).expanduser()
            if not path.is_file():
                raise NotFoundError(
                    f"{source} names {value}, which does not exist",
                    f"install it with `{INSTALL_HINT}` and name its "
                    "dist/mermaid.min.js, or remove the setting to draw SVG timelines",
                )
            return path
    return None


@dataclass
class Planned:
    """One journal's session pages once their keys are known: the pages to render
    (`jobs`), and what writing them needs."""

    journal: Journal
    part: Part
    diagrams: Diagrams
    index: SessionIndex
    cache: PageCache
    jobs: list[PageJob]
    related_known: bool


def plan_pages(
    journal: Journal,
    writer: DocsWriter,
    collected: Collected,
    diagrams: Diagrams,
    part: Part | None = None,
    *,
    memory: Memory | None = None,
) -> Planned:
    """Keep each session page whose inputs did not change (given a live server's
    `memory`, a page it knows current without a look); the others become jobs,
    rendered in worker processes when there are many (`render_planned`)."""
    from journal.render.batch import related_key, related_or_none
    from journal.render.index import SessionIndex

    part = part or Part(collected.infos, collected.problems, journal.state_dir)
    related = related_or_none(journal)
    index = SessionIndex(journal)
    entries = index.entries(_known(part.infos, collected.read))
    index.save()  # workers read it
    cache = PageCache(part.state_dir, writer.docs_dir)
    # What every page depends on: the salt of every cache (`store/cache.py`) and how
    # its report and diagram are drawn.
    drawn = f"{diagrams.mermaid}|{journal.config.ascii}|{diagrams.tz_name}"
    base = hashlib.sha256(f"{salt(journal)}\0{drawn}".encode()).hexdigest()
    troubled = {session_id for session_id, _ in part.problems}
    jobs: list[PageJob] = []
    sessions = f"{journal.sessions_dir}{os.sep}"
    current = memory.pages_unchanged(collected, related) if memory else set()
    for info in part.infos:
        rel = paths.session_page(info.id)
        if info.id in current:
            writer.keep(rel)
            writer.keep_folder(paths.evidence_dir(info.id))
            cache.keep(rel)
            continue
        # Strings and one stat: at 10,000 sessions pathlib's joins cost seconds.
        evidence: dict[str, Attached] = {}
        stamp: list[Any] = []
        evidence_dir = f"{sessions}{info.local_id}{os.sep}{FOLDER}"
        if os.path.isdir(evidence_dir):  # noqa: PTH112 - a string, see above
            folder = journal.session_dir(info.local_id)
            evidence = copy_evidence(writer, info, folder)
            stamp = tree_stats(str(folder / FOLDER))
        entry = entries.get(info.local_id)
        key = inputs_key(
            base,
            entry.digest if entry is not None else None,
            _neighbours(info, collected),
            stamp,
            [c["sha"] for c in info.linked],
            related_key(related, info.local_id),
        )
        if info.id not in troubled and cache.fresh(rel, key):
            writer.keep(rel)
            continue
        jobs.append(
            PageJob(
                rel=rel,
                key=key,
                info=dataclasses.replace(info, source=None),
                strict=info.id not in troubled,
                chain=chain_links(info, collected),
                evidence=evidence,
                related=None if related is None else related.get(info.local_id, []),
            )
        )
    return Planned(journal, part, diagrams, index, cache, jobs, related is not None)


def write_rendered(writer: DocsWriter, collected: Collected, done: Rendered) -> None:
    """Write pages as they are rendered (a share at a time: a large first build
    never holds every page in memory), with the problems met rendering them."""
    for rel, (page, problems) in done.items():
        collected.problems.extend(problems)
        writer.write(rel, page)


def write_pages(planned: Planned, writer: DocsWriter, collected: Collected) -> int:
    """Once its pages are written (`write_rendered`), keep the keys of one
    journal's pages and write its unreadable sessions' pages; returns its pages."""
    part, cache = planned.part, planned.cache
    failed = {session_id for session_id, _ in collected.problems}
    for job in planned.jobs:
        if job.info.id not in failed:
            cache.record(job.rel, job.key)
    # A session that could not be read still gets a page: others link to it.
    broken = [(s, m) for s, m in part.problems if s not in collected.by_id]
    for session_id, message in broken:
        writer.write(paths.session_page(session_id), _broken(session_id, message))
    cache.save()
    return len(part.infos) + len(broken)


@dataclass(frozen=True)
class PageJob:
    """One session page to render: all it needs but the session's files, which
    whoever renders it reads (`info.source` is left out: it does not cross
    processes)."""

    rel: str
    key: str
    info: SessionInfo
    strict: bool
    chain: str
    evidence: dict[str, Attached]
    related: list[Related] | None


Rendered = dict[str, tuple[str, list[tuple[str, str]]]]
"""Page path → (its Markdown, problems met rendering it)."""


WORKERS_ENV = "JOURNAL_SITE_WORKERS"
"""The number of processes that render the pages (1: none)."""
MIN_SHARED_ITEMS = 64
"""Pages below which they are rendered in this process (a worker costs more to start
than a few pages take)."""


def worker_count(items: int) -> int:
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return min(int(configured), max(items, 1))
    if items < MIN_SHARED_ITEMS:
        return 1
    from journal.process import usable_cores

    return usable_cores()


def run_shared(
    work: Callable[[list[Share]], Rendered],
    items: list[Share],
    *,
    each: Callable[[Rendered], None],
) -> None:
    """`work(share)` over `items` spread over the cores (a large first build), in
    item order, every share's result handed to `each` as it comes (none is kept:
    what the shares make need not all fit in memory at once). Each worker opens the
    journal itself and returns plain data, so nothing but strings and records
    crosses processes."""
    processes = worker_count(len(items))
    if processes == 1 or len(items) < 2:
        each(work(items) if items else {})
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Shares of a few dozen items: the workers stay busy to the end, and each
    # share's result is small enough to pass back at once.
    shares = max(processes * 4, len(items) // 50)
    size = -(-len(items) // shares)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    method = "fork" if sys.platform != "win32" and sys.platform != "darwin" else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        for result in pool.map(work, chunks):
            each(result)


def render_planned(planned: list[Planned], each: Callable[[Rendered], None]) -> None:
    """The pages of every journal planned, rendered in one pass and handed to
    `each` as they come: in worker processes when there are many (one pool for all
    journals, a share at a time), else here, a journal at a time, with one Jinja
    environment for the journals whose templates are the same."""
    from journal.render.report import Renderer, template_dirs

    items = [(p, job) for p in planned for job in p.jobs]
    if worker_count(len(items)) > 1:
        shares = [
            (str(p.journal.root), p.diagrams, p.related_known, job) for p, job in items
        ]
        run_shared(render_shares, shares, each=each)
        return
    environments: dict[tuple[Path, ...], Any] = {}
    for p in planned:
        if not p.jobs:
            continue
        journal = p.journal
        related = _related(p.jobs, p.related_known)
        renderer = Renderer(journal, ascii=journal.config.ascii, related=related)
        dirs = tuple(template_dirs(journal))
        if dirs in environments:
            renderer.__dict__["env"] = environments[dirs]  # a cached_property
        else:
            environments[dirs] = renderer.env
        each(_render_with(journal, renderer, p.index, p.jobs, p.diagrams))


Share = tuple[str, Diagrams, bool, PageJob]
"""One page to render in a worker: its journal's root, diagrams, whether related
sessions are known, and the job."""


def render_shares(shares: list[Share]) -> Rendered:
    """Render a worker's share of the pages, journal by journal (a share holds one
    journal's pages in a row, or the end of one and the start of the next): each
    journal opened there once, its renderer (compiled templates, the remote's
    links) kept for the next share."""
    from journal.render.index import SessionIndex
    from journal.render.report import Renderer
    from journal.store.sessions import Journal

    done: Rendered = {}
    for root, group in groupby(shares, key=itemgetter(0)):
        mine = list(group)
        if root not in _WORKER:
            journal = Journal.open(Path(root))
            renderer = Renderer(journal, ascii=journal.config.ascii)
            _WORKER[root] = (journal, renderer, SessionIndex(journal))
        journal, renderer, index = _WORKER[root]
        jobs = [share[3] for share in mine]
        renderer.related = _related(jobs, mine[0][2])
        done.update(_render_with(journal, renderer, index, jobs, mine[0][1]))
    return done


_WORKER: dict[str, tuple[Journal, Renderer, SessionIndex]] = {}


def _related(jobs: list[PageJob], known: bool) -> dict[str, list[Related]] | None:
    """The related sessions of the jobs' sessions, for their renderer; None when
    they are not known (each report ranks its own)."""
    return {j.info.local_id: j.related or [] for j in jobs} if known else None


def _render_with(
    journal: Journal,
    renderer: Renderer,
    index: SessionIndex,
    jobs: list[PageJob],
    diagrams: Diagrams,
) -> Rendered:
    from journal.site.collect import given, read_whole

    done: Rendered = {}
    for job in jobs:
        info = job.info
        problems: list[tuple[str, str]] = []
        try:
            whole = read_whole(
                journal, info.local_id, strict=job.strict, commits=list(info.linked)
            )
        except JournalError as exc:  # changed since it was indexed
            problems.append((info.id, exc.one_line()))
            done[job.rel] = (_broken(info.id, exc.one_line()), problems)
            continue
        info = dataclasses.replace(info, source=given(whole))
        report = _report(renderer, index, info, problems)
        page = session_page(
            report, info, job.chain, diagrams=diagrams, evidence=job.evidence
        )
        done[job.rel] = (defang_links(page), problems)
    return done


@dataclass(frozen=True)
class Part:
    """One journal's share of the pages: its sessions, its problems, and the folder
    that keeps its page cache."""

    infos: list[SessionInfo]
    problems: list[tuple[str, str]]
    state_dir: Path


def _known(infos: list[SessionInfo], read: dict[str, list[Any]]) -> Known:
    """The render index's facts of the sessions the site's index has just read."""
    from journal.render.index import facts_of

    return {
        info.local_id: (
            read[info.id],
            facts_of(
                info.local_id, info.brief.title, info.brief.number, info.brief.previous
            ),
        )
        for info in infos
        if info.id in read
    }


def _neighbours(info: SessionInfo, collected: Collected) -> list[Any]:
    previous = collected.by_id.get(info.previous or "")
    return [
        [info.previous, previous.label if previous else None],
        [[i.id, i.label] for i in collected.following.get(info.id, [])],
    ]


def _report(
    renderer: Renderer,
    index: SessionIndex,
    info: SessionInfo,
    problems: list[tuple[str, str]],
) -> str:
    """The session's report from journal.render, given the session already loaded
    (Renderer.render would read and validate both files a second time)."""
    try:
        return renderer.render_loaded(
            info.local_id, info.session, info.events, index=index
        )
    except JournalError as exc:
        problems.append((info.id, exc.one_line()))
        return (
            f"# {escape.inline(info.label)}\n\n"
            f"The report could not be rendered: {escape.inline(exc.one_line())}\n"
        )


def _broken(session_id: str, message: str) -> str:
    return (
        f"{front_matter(session_id)}# {escape.inline(session_id)}\n\n"
        f"This session could not be read: {escape.inline(message)}\n\n"
        "Fix it (`journal check` says how) and build the site again.\n"
    )


class PageCache:
    """Keys of the session pages written, with the stat of each file written: a page
    whose inputs have the digest they had when it was written, and whose file is
    still the one written then, is kept as it is, without rendering. A page's inputs
    are its session's two files, its neighbours' labels, its evidence folder, whether
    diagrams are drawn, and the salt of every cache (`store/cache.py`: the
    configuration, the templates and the package's code). The digests live in the
    state folder; losing them only costs one full generation."""

    def __init__(self, state_dir: Path, docs_dir: Path):
        name = hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:12]
        self.path = state_dir / "site" / f"{name}-site-pages.json"
        self.docs_dir = docs_dir
        self._old = load_cache(self.path)
        self._new: dict[str, Any] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """True when `rel` was written for `key` and has not been touched since."""
        known = self._old.get(rel)
        if (
            isinstance(known, list)
            and known[:1] == [key]
            and known[1:] == [stat_key(self.docs_dir / rel)]
        ):
            self._new[rel] = known
            return True
        return False

    def keep(self, rel: str) -> None:
        """Keep the key of a page known current (a live server's)."""
        known = self._old.get(rel)
        if known is not None:
            self._new[rel] = known

    def record(self, rel: str, key: str) -> None:
        self._new[rel] = [key, stat_key(self.docs_dir / rel)]

    def save(self) -> None:
        if self._new != self._old:
            save_cache_bytes(self.path, json.dumps(self._new).encode("utf-8"))


def session_page(
    report: str,
    info: SessionInfo,
    chain: str,
    *,
    diagrams: Diagrams,
    evidence: dict[str, Attached],
) -> str:
    """The page's Markdown: report, diagram, evidence, and `chain` (its
    `chain_links`)."""
    diagram = _diagram(info, diagrams)
    body = _insert_diagram(report.rstrip("\n"), diagram) if diagram else report
    section = evidence_section(info, evidence, tz=diagrams.tz)
    parts = [_before_footer(body.rstrip("\n"), section.rstrip("\n"))]
    if chain:
        parts.append(chain)
    return front_matter(info.label) + "\n\n".join(parts) + "\n"


def _before_footer(report: str, section: str) -> str:
    """`section` above the report's closing rule and footer line, if it has one."""
    if not section:
        return report
    head, rule, footer = report.rpartition("\n---\n")
    if rule and footer.count("\n") <= 3:
        return f"{head}\n\n{section}\n{rule}{footer}"
    return f"{report}\n\n{section}"


def _diagram(info: SessionInfo, diagrams: Diagrams) -> str | None:
    if not diagrams.mermaid:
        return timeline_svg(
            info.events, info.metrics, tz=diagrams.tz, tz_name=diagrams.tz_name
        )
    source = gantt(info.events, info.metrics, tz=diagrams.tz, tz_name=diagrams.tz_name)
    return None if source is None else escape.fence(source, "mermaid")


def _insert_diagram(report: str, diagram: str) -> str:
    """Under the report's Timeline heading; at the end if a template renamed it."""
    lines = report.split("\n")
    for index, line in enumerate(lines):
        if line.strip() == TIMELINE_HEADING:
            lines[index + 1 : index + 1] = ["", diagram, ""]
            return "\n".join(lines)
    return f"{report}\n\n{TIMELINE_HEADING} diagram\n\n{diagram}\n"


def chain_links(info: SessionInfo, collected: Collected) -> str:
    """`← previous · next →` along `previous:` links, for sessions on the site."""
    page = paths.session_page(info.id)
    steps = []
    previous = collected.by_id.get(info.previous or "")
    if previous is not None:
        link = paths.link(page, paths.session_page(previous.id))
        steps.append("← " + cell_link(previous.label, link))
    for other in collected.following.get(info.id, []):
        link = paths.link(page, paths.session_page(other.id))
        steps.append(cell_link(other.label, link) + " →")
    if not steps:
        return ""
    return "---\n\n**In this chain:** " + " · ".join(steps)


@dataclass(frozen=True)
class Attached:
    """One evidence file: its name under evidence/ and where its copy is linked."""

    name: str
    target: str
    """Docs path of the copy."""


def copy_evidence(
    writer: DocsWriter, info: SessionInfo, session_dir: Path
) -> dict[str, Attached]:
    """Copy the session's evidence folder; returns the copies by name."""
    folder = session_dir / FOLDER
    copies: dict[str, Attached] = {}
    if not folder.is_dir() or folder.is_symlink():
        return copies
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            source = Path(dirpath) / filename
            if filename.startswith(".") or source.is_symlink():
                continue
            name = source.relative_to(folder).as_posix()
            target = f"{paths.evidence_dir(info.id)}/{_safe_name(name)}"
            writer.copy(target, source)
            copies[name] = Attached(name, target)
    return copies


def _safe_name(name: str) -> str:
    return name + ".txt" if PurePosixPath(name).suffix.lower() in ACTIVE else name


def _named(reference: str) -> str | None:
    """The name under evidence/ that an event's path means, or None."""
    parts = PurePosixPath(reference.replace("\\", "/")).parts
    if parts and parts[0] == FOLDER:
        parts = parts[1:]
    if not parts or any(p in ("..", "") or p.startswith("/") for p in parts):
        return None
    return "/".join(parts)


def evidence_section(
    info: SessionInfo, copies: dict[str, Attached], *, tz: tzinfo
) -> str:
    """`## Evidence`: each event's files (images inline), then unreferenced files."""
    page = paths.session_page(info.id)
    lines: list[str] = []
    used: set[str] = set()
    for event in info.events:
        if not event.evidence:
            continue
        when = event.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        lines.append(f"- **{when}** {escape.inline(event.text or event.kind)}")
        for reference in event.evidence:
            name = _named(reference)
            attached = copies.get(name) if name else None
            if attached is None:
                lines.append(f"    - {escape.code_span(reference)} (not in evidence/)")
                continue
            used.add(attached.name)
            lines.append("    - " + _show(attached, page))
    rest = [a for name, a in copies.items() if name not in used]
    if rest:
        lines.append("- Other attached files")
        lines += ["    - " + _show(a, page) for a in rest]
    if not lines:
        return ""
    return "## Evidence\n\n" + "\n".join(lines) + "\n"


def _show(attached: Attached, page: str) -> str:
    href = paths.link(page, attached.target)
    text = escape.link_text(attached.name)
    if PurePosixPath(attached.target).suffix.lower() in IMAGES:
        return f"[{text}]({href})\n\n        ![{text}]({href})\n"
    return f"[{text}]({href})"
