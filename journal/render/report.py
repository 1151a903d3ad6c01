"""Rendering a session into its Markdown report through the Jinja templates.

Templates are looked up in the project's templates folder first and the package's
defaults last, so a team overrides any part by putting a file of the same name in its
own folder. Undefined names fail loudly (`StrictUndefined`).

Compiled templates are kept between runs (`bytecode_cache`): a command that renders
skips compiling the report templates again (about 50 ms, most of what rendering one
report costs). The cache lives in Jinja's per-user folder in the temp dir, which Jinja
checks is the user's own and private; never in the journal's folder, whose files
others may write, since cached bytecode is run when loaded. Jinja recompiles a
template whose source changed. Failing to read or write the cache only costs the
compile.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import InvalidDataError
from journal.render import blocks, escape
from journal.render.context import CommitUrl, build_context, time_filters
from journal.render.labels import label_for
from journal.store.cache import code_folders

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment

    from journal.gitlink.derived import Found
    from journal.insight.related import Ranker, Related
    from journal.model.session import Event, Session
    from journal.render.index import SessionIndex
    from journal.store.sessions import Journal

MAIN_TEMPLATE = "report.md.j2"


def package_templates() -> Path:
    """The default templates: inside the installed wheel, or the source tree's (the
    folder `store/cache.code_digest` stats)."""
    return Path(code_folders()[1])


def template_dirs(journal_: Journal) -> list[Path]:
    """Where templates are looked up, first match wins: the project's, then ours."""
    project = journal_.root / journal_.config.templates_dir
    dirs = [project] if project.is_dir() else []
    default = package_templates()
    if not any(_same(default, d) for d in dirs):
        dirs.append(default)
    return dirs


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


@dataclass
class Renderer:
    """Renders reports of one journal; reuse it to render many."""

    journal: Journal
    ascii: bool = False
    related: Mapping[str, Sequence[Related]] | None = None
    """Every session's related sessions (`insight.relatedmap`), when the caller
    renders many; one report alone ranks the journal against its session."""

    @cached_property
    def env(self) -> Environment:
        return make_environment(template_dirs(self.journal))

    @cached_property
    def commit_url(self) -> CommitUrl:
        """sha -> web link: the `git.web_url` pattern of journal.yaml, else the forge
        `origin` points at (GitHub, GitLab, …); plain (None) otherwise. The remote is
        read once per renderer, not per report."""
        from journal.gitlink import commit_url_builder

        web_url = self.journal.config.git.web_url
        return commit_url_builder(self.journal.root, web_url=web_url)

    @cached_property
    def trailer_commits(self) -> Found:
        """Commits naming each session in their trailer: history is read once per
        renderer, not per report."""
        from journal.gitlink.derived import trailer_commits

        return trailer_commits(self.journal)

    @cached_property
    def ranker(self) -> Ranker:
        from journal.insight.relatedmap import ranker_for

        return ranker_for(self.journal)

    def related_of(self, session_id: str) -> Sequence[Related]:
        if self.related is not None:
            return self.related.get(session_id, ())
        if session_id not in self.ranker.features:
            return ()
        return self.ranker.related(session_id)

    def render(self, session_id: str, *, index: SessionIndex | None = None) -> str:
        """The report of one session, as Markdown text ending in one newline."""
        from journal.gitlink.derived import with_trailer_commits
        from journal.render.index import SessionIndex

        session = self.journal.load(session_id)
        events = with_trailer_commits(
            self.journal,
            session_id,
            self.journal.events(session_id),
            found=self.trailer_commits,
        )
        if index is None:
            index = SessionIndex(self.journal)
            index.entries()
            index.save()
        return self.render_loaded(session_id, session, events, index=index)

    def render_loaded(
        self,
        session_id: str,
        session: Session,
        events: list[Event],
        *,
        index: SessionIndex,
    ) -> str:
        """The report of a session already loaded (the site reads every session once
        and renders from that)."""
        previous_id = session.previous
        previous = index.entries().get(previous_id) if previous_id else None
        context = build_context(
            session_id=session_id,
            session=session,
            events=events,
            tz=self.journal.tz,
            tz_name=self.journal.config.timezone,
            source=f"{self.journal.config.sessions_dir}/{session_id}/",
            previous=previous,
            following=index.next_of(session_id),
            ascii=self.ascii,
            commit_url=self.commit_url,
            related=self.related_of(session_id),
            closed=session.status in self.journal.config.closed_statuses,
        )
        return self.render_context(context)

    def render_context(self, context: dict[str, Any]) -> str:
        from jinja2 import TemplateError

        filters = time_filters(self.journal.tz, multi_day=context["multi_day"])
        try:
            template = self.env.get_template(MAIN_TEMPLATE)
            text = template.render(**context, **filters)
        except TemplateError as exc:
            raise _template_error(exc) from None
        sections = getattr(context.get("session"), "sections", None)
        if sections:
            text = join_repeated_parts(text, (s.title for s in sections))
        return text.rstrip("\n") + "\n"


def bytecode_cache() -> BytecodeCache | None:
    """The cache of compiled templates, or None when no private folder can be had."""
    try:
        return _forgiving_cache()()
    except (OSError, RuntimeError):
        return None


@cache
def _forgiving_cache() -> type[BytecodeCache]:
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class ForgivingCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a torn or unreadable file: compile instead
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return ForgivingCache


def make_environment(dirs: Sequence[Path]) -> Environment:
    """The Jinja environment: loader chain, strict undefined, Markdown filters."""
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
    )

    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d), encoding="utf-8") for d in dirs]),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        newline_sequence="\n",
        # A renderer lives for one command or one site generation: checking every
        # template file's mtime on each `include` of each report is wasted work.
        auto_reload=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        cell=escape.cell,
        inline=escape.inline,
        md=blocks.block,
        section_md=blocks.section,
        part_md=blocks.part,
        code=escape.code_span,
        cellcode=lambda text: escape.code_span(text, cell=True),
        fence=escape.fence,
        link_text=escape.link_text,
        item=_item,
    )
    # The session's own wording for its parts: `label("next_steps")`.
    env.globals.update(label=pass_context(_label), location=pass_context(_location))
    return env


def _session_labels(context: Any) -> Mapping[str, str]:
    session = context.get("session")
    labels: Mapping[str, str] = getattr(session, "labels", None) or {}
    return labels


def _label(context: Any, key: str, default: str | None = None) -> str:
    """`label("next_steps")`: the session's own words for a part, else the default
    (raw text: the template escapes it for where it lands)."""
    from jinja2 import TemplateRuntimeError

    try:
        return label_for(_session_labels(context), key, default)
    except KeyError:
        raise TemplateRuntimeError(
            f"unknown label {key!r}: give a default, label({key!r}, 'Words')"
        ) from None


_LINE_RANGE = re.compile(r"^(?P<path>.+?):(?P<lines>\d+(?:\s*[-–]\s*\d+)?)$")


def _location(context: Any, text: str) -> str:
    """A code location as a code span; `path:3-5` as `` `path` (lines 3-5) `` when
    the session writes line ranges with a word (`root_cause.lines`)."""
    word = _session_labels(context).get("root_cause.lines")
    match = _LINE_RANGE.match(str(text)) if word else None
    if word is None or match is None:
        return escape.code_span(text)
    path = escape.code_span(match["path"])
    return f"{path} ({escape.inline(word)} {match['lines']})"


def _item(text: Any, indent: int = 2, after: str = "") -> str:
    """A list item's text: its first line inline (then `after`, Markdown already:
    a follow-up's owner and ticket say what the item is, not its last nested
    line), the rest as blocks nested in it."""
    first, _, rest = escape.normalize(str(text)).strip().partition("\n")
    head = escape.inline(first) + after
    body = blocks.block(rest)
    if not body:
        return head
    pad = " " * indent
    nested = "\n".join(pad + line if line else "" for line in body.split("\n"))
    return f"{head}\n\n{nested}"


def _template_error(exc: Exception) -> InvalidDataError:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    where = f"{name}:{line}" if name and line else (name or "templates")
    return InvalidDataError(
        f"template error: {exc}",
        "fix the template, or delete your copy to use the built-in one",
        where=where,
    )


# One heading a name: an import reads what it can of a report's "Action Items" into
# next steps and keeps the rest (a lead-in sentence, a code block) as a free section of
# the same name, so the report showed "Action Items" twice, and the site's table of
# contents with it. Free sections render last (templates/report/sections.md.j2);
# `join_repeated_parts` moves such a section's text up under the part it came from,
# after what the part shows.


def join_repeated_parts(text: str, titles: Iterable[str]) -> str:
    """`text` with each second `## Title` block of a free section moved under the
    first; unchanged (and unparsed: most reports) when no title repeats."""
    headings = {f"## {escape.inline(title)}" for title in titles}
    # Case-folded: a part's "Lessons learned", a section's "Lessons Learned".
    folded = text.casefold()
    if not any(folded.count(f"\n{h.casefold()}\n") > 1 for h in headings):
        return text
    lines = text.split("\n")
    blocks = _h2_blocks(text)
    first: dict[str, int] = {}
    moves: list[tuple[int, int, int]] = []
    for index, (start, end, heading) in enumerate(blocks):
        first.setdefault(heading, index)
        if first[heading] != index and lines[start] in headings:
            moves.append((first[heading], start, end))
    if not moves:
        return text
    lead, after = _moved_text(lines, moves)
    moved = {start for _, start, _ in moves}
    out: list[str] = []
    cursor = 0
    for index, (start, end, _) in enumerate(blocks):
        out.extend(lines[cursor:start])  # what lies between parts stays where it is
        cursor = end
        if start in moved:
            continue
        if index not in lead and index not in after:
            out.extend(lines[start:end])
            continue
        part = _trimmed(lines[start:end])
        out += [part[0], "", *lead.get(index, []), *_trimmed(part[1:]), ""]
        out += after.get(index, [])
    return "\n".join(out + lines[cursor:])


def _moved_text(
    lines: list[str], moves: list[tuple[int, int, int]]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """What goes right under each part's heading, and what goes after its text."""
    lead: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    for target, start, end in moves:
        body = _trimmed(lines[start + 1 : end])
        # A lone sentence ending in a colon ("We are committed to:") introduced
        # the list the part now shows: it goes before it, not after.
        leads_in = bool(body) and "" not in body and body[-1].rstrip().endswith(":")
        (lead if leads_in else after).setdefault(target, []).extend([*body, ""])
    return lead, after


def _h2_blocks(text: str) -> list[tuple[int, int, str]]:
    """(first line, end line, heading) of each top-level `##` part; a part ends at
    the next one or at a top-level rule (the footer)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    starts: list[tuple[int, str]] = []
    rules: list[int] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        if token.type == "heading_open" and token.tag == "h2":
            starts.append((token.map[0], tokens[i + 1].content.strip().casefold()))
        elif token.type == "hr":
            rules.append(token.map[0])
    total = text.count("\n") + 1
    blocks = []
    for n, (start, heading) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else total
        end = min([end, *(r for r in rules if r > start)])
        blocks.append((start, end, heading))
    return blocks


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines
