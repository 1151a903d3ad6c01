"""Links in user text that a browser would run: defanged on every page of the site;
and each page's title, given to the builder already escaped for HTML.

Escaping (journal.render.escape) keeps the Markdown links people write; a link to
`javascript:…` (or `data:`, `vbscript:`, also spelled with entities or control
characters) would then run on a click. Every inline link destination outside code
fences is checked here; one with a scheme other than the web's and mail is replaced
by `#unsafe-link`.

A page's title reaches HTML through the theme, not through the page: MkDocs takes
it from the first heading as HTML-escaped text, and Material's `<title>` then
un-escapes it (`striptags`) and prints it raw, so a title holding `</title><script>`
ran. `front_matter` gives every page whose heading holds user text its title in the
front matter instead, escaped for HTML once: the theme prints it as it is in the
`<title>`, the header, the navigation, the breadcrumbs and the search index.
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


_YAML_ESCAPES = {
    **{chr(c): f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]},
    "\\": "\\\\",
    '"': '\\"',
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "\ufeff": "\\ufeff",
}


def front_matter(title: str) -> str:
    """The front matter naming a page `title` (plain text): escaped for HTML, in a
    YAML double-quoted scalar that no character can end early."""
    escaped = html.escape(" ".join(title.split()), quote=True)
    quoted = "".join(_YAML_ESCAPES.get(ch, ch) for ch in escaped)
    return f'---\ntitle: "{quoted}"\n---\n\n'


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
    head, markdown = _split_front_matter(markdown)
    out = [head] if head else []
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


def _split_front_matter(markdown: str) -> tuple[str, str]:
    """(`front_matter`'s block, the Markdown after it): a title is text, not links."""
    if markdown.startswith("---\ntitle: "):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[: end + 4], markdown[end + 5 :]
    return "", markdown


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
