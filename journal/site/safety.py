"""Links in user text that a browser would run: defanged on every page of the site.

Escaping (journal.render.escape) keeps the Markdown links people write; a link to
`javascript:…` (or `data:`, `vbscript:`, also spelled with entities or control
characters) would then run on a click. Every inline link destination outside code
fences is checked here; one with a scheme other than the web's and mail is replaced
by `#unsafe-link`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Container

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
_DESTINATION = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^\s)]+)")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# What every destination `_replace` changes starts with: `](`, spaces, then a
# colon or `&` before the destination ends. Text where this finds nothing is left
# as it is, so a page of tens of thousands of relative links is searched once, in
# C, instead of line by line (the summary pages of 10,000 sessions are 20 MB).
_SUSPECT = re.compile(r"\]\(\s*(?:<[^>\n]*[:&]|[^\s)]*[:&])")


def is_safe_url(url: str) -> bool:
    decoded = html.unescape(html.unescape(url.strip("<>")))
    # Browsers drop ASCII whitespace and controls inside a scheme (`java\tscript:`).
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", decoded).lower()
    match = _SCHEME.match(squeezed)
    return match is None or match[1] in SAFE_SCHEMES


def defang_links(markdown: str, fixed: Container[str] = ()) -> str:
    """`markdown` with every unsafe inline link destination made inert. Lines in
    `fixed` are known to pass as they are (`unchanged_line`): they are not searched."""
    if not _SUSPECT.search(markdown):
        return markdown
    out = []
    fence: str | None = None
    for line in markdown.split("\n"):
        if line in fixed:
            # It neither opens nor closes a fence, and outside one it passes.
            out.append(line)
            continue
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opener:
            fence = opener[1]
            out.append(line)
            continue
        suspect = "](" in line and _SUSPECT.search(line)
        out.append(_DESTINATION.sub(_replace, line) if suspect else line)
    return "\n".join(out)


def unchanged_line(line: str) -> bool:
    """True when `defang_links` leaves this one line as it is wherever it stands:
    it opens or closes no fence, and no destination in it is unsafe."""
    if "\n" in line or _FENCE.match(line):
        return False
    return "](" not in line or _DESTINATION.sub(_replace, line) == line


def _replace(match: re.Match[str]) -> str:
    target = match[2]
    # No scheme without a colon, and only an entity (`&colon;`, `&#58;`) can
    # spell one: the site's own relative links skip the decoding.
    if ":" not in target and "&" not in target:
        return match[0]
    return match[0] if is_safe_url(target) else f"{match[1]}#unsafe-link"
