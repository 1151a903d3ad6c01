"""Reading the README and docs/ as a test sees them: code blocks with the marker
before them, relative links, GitHub heading anchors and generated regions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

DOCS = REPO / "docs"
README = REPO / "README.md"

_FENCE = re.compile(r"^( *)(`{3,}|~{3,})\s*([\w+-]*)")
_MARKER = re.compile(r"^<!--\s*([\w.]+):\s*(.*?)\s*-->$")
_PROMPT = "$ "
SHELLS = ("bash", "sh", "shell", "console", "zsh")
"""Fence languages whose lines are commands."""
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_END = "<!-- end generated -->"


def pages() -> list[Path]:
    """The README and every Markdown file in docs/."""
    return [README, *sorted(DOCS.glob("*.md"))]


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    """1-based line of the opening fence."""
    lang: str
    body: tuple[str, ...]
    marker: tuple[str, str] | None
    """`(kind, value)` of a `<!-- kind: value -->` comment right before the fence."""

    @property
    def where(self) -> str:
        return f"{rel(self.page)}:{self.line}"

    @property
    def prompted(self) -> bool:
        """Lines start with `$ `: those are the commands, the rest what they print."""
        return any(line.startswith(_PROMPT) for line in self.body)

    @property
    def runs(self) -> bool:
        """A command block: a shell fence, or a block of `$ ` prompts."""
        return self.lang in SHELLS or self.prompted

    def commands(self) -> list[str]:
        """Shell lines: comment-only and blank lines dropped, `\\` continuations joined
        (in a block of `$ ` prompts, only the prompted lines)."""
        return [command for command, _ in self.steps()]

    def steps(self) -> list[tuple[str, tuple[str, ...]]]:
        """`(command, what the block shows it printing)`: the lines after a `$ `
        command up to the next one (nothing shown for a block without prompts)."""
        joined: list[tuple[str, list[str]]] = []
        pending = ""
        for raw in self.body:
            if self.prompted and not pending and not raw.startswith(_PROMPT):
                if joined:
                    joined[-1][1].append(raw)
                continue
            line = pending + (raw.removeprefix(_PROMPT) if not pending else raw)
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            if line.strip() and not line.lstrip().startswith("#"):
                joined.append((line.strip(), []))
        return [(command, tuple(shown)) for command, shown in joined]


def blocks(page: Path) -> list[Block]:
    """Every fenced code block of a page, in order (indented ones, inside a list
    item, included; their lines without the indent)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence = len(opening.group(1)), opening.group(2)
        end = index + 1
        while end < len(lines) and not lines[end].lstrip(" ").startswith(fence):
            end += 1
        body = tuple(line[indent:] for line in lines[index + 1 : end])
        found.append(
            Block(page, index + 1, opening.group(3), body, _marker(lines, index))
        )
        index = end + 1
    return found


def _marker(lines: list[str], fence_index: int) -> tuple[str, str] | None:
    before = fence_index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    match = _MARKER.match(lines[before].strip()) if before >= 0 else None
    return (match.group(1), match.group(2)) if match else None


def prose(page: Path) -> list[tuple[int, str]]:
    """`(line number, text)` of every line outside code blocks."""
    lines = page.read_text(encoding="utf-8").splitlines()
    inside: set[int] = set()
    for block in blocks(page):
        inside.update(range(block.line, block.line + len(block.body) + 2))
    return [(n, text) for n, text in enumerate(lines, 1) if n not in inside]


def links(page: Path) -> list[tuple[int, str]]:
    """Relative link targets (`path#anchor`, or `#anchor`) outside code."""
    found: list[tuple[int, str]] = []
    for number, text in prose(page):
        for target in _LINK.findall(_CODE_SPAN.sub("", text)):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):
                found.append((number, target))
    return found


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings (`## Git: no GitPython` →
    `git-no-gitpython`; a repeated heading gets `-1`, `-2`, …)."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for _, text in prose(page):
        heading = _HEADING.match(text)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


@dataclass(frozen=True)
class Region:
    page: Path
    name: str
    start: int
    """0-based index of the first line after the opening comment."""
    end: int
    """0-based index of the closing comment."""


def regions(page: Path) -> list[Region]:
    """The `<!-- generated: NAME -->` … `<!-- end generated -->` parts of a page."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Region] = []
    for index, text in enumerate(lines):
        match = _MARKER.match(text.strip())
        if match and match.group(1) == "generated":
            end = lines.index(_END, index)
            found.append(Region(page, match.group(2), index + 1, end))
    return found


def region_text(region: Region) -> str:
    lines = region.page.read_text(encoding="utf-8").splitlines()
    return "".join(line + "\n" for line in lines[region.start : region.end])


def replace_lines(page: Path, start: int, end: int, text: str) -> None:
    """Put `text` in place of lines `start` to `end` (0-based, end excluded)."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[start:end] = [text]
    page.write_text("".join(lines), encoding="utf-8")
