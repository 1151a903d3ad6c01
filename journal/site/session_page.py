"""One session's page: its report (journal.render), the timeline diagram placed under
the report's Timeline heading (an SVG drawn here, or Mermaid's gantt when a local
Mermaid is named), its evidence, and links along its chain of sessions.

Evidence attached to events is copied into the docs folder and listed on the page,
images shown inline. Only files inside the session's `evidence/` folder are copied (a
path naming anything else is shown as text). Files a browser would run as a page or
script (HTML, SVG, Markdown, JavaScript…) are copied with `.txt` appended, so
attached evidence can never become active content of the site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from journal.render import escape
from journal.site import mermaid, paths
from journal.site.collect import SessionInfo
from journal.site.indexes import cell_link
from journal.site.safety import front_matter
from journal.site.timeline_svg import timeline_svg
from journal.site.writer import DocsWriter

if TYPE_CHECKING:
    from journal.site.collect import Collected

TIMELINE_HEADING = "## Timeline"
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
ACTIVE = frozenset(
    {".html", ".htm", ".xhtml", ".svg", ".md", ".markdown", ".js", ".mjs", ".css"}
    | {".xml", ".xsl", ".pdf", ".swf"}
)
FOLDER = "evidence"


@dataclass(frozen=True)
class Diagrams:
    """How the timeline is drawn: as SVG at build time, or by a local Mermaid."""

    mermaid: bool
    tz: tzinfo
    tz_name: str


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
    source = mermaid.gantt(
        info.events, info.metrics, tz=diagrams.tz, tz_name=diagrams.tz_name
    )
    return None if source is None else mermaid.fence(source)


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

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.target).suffix.lower() in IMAGES


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
    if attached.is_image:
        return f"[{text}]({href})\n\n        ![{text}]({href})\n"
    return f"[{text}]({href})"
