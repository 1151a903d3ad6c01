"""One session's page: its report (journal.render), the timeline diagram placed under
the report's Timeline heading (an SVG drawn here, or Mermaid's gantt when a local
Mermaid is named), its evidence, and links along its chain of sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from journal.site import mermaid, paths
from journal.site.collect import SessionInfo
from journal.site.evidence import Attached, evidence_section
from journal.site.safety import front_matter
from journal.site.tables import cell_link
from journal.site.timeline_svg import timeline_svg

if TYPE_CHECKING:
    from journal.site.collect import Collected

TIMELINE_HEADING = "## Timeline"


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
