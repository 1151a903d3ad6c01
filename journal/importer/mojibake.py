"""Repairing mojibake: UTF-8 text that was once decoded as Mac Roman or cp1252."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


def _charset(codec: str, low: int, high: int) -> str:
    chars = bytes(range(low, high + 1)).decode(codec, errors="ignore")
    return re.escape("".join(sorted(set(chars))))


@cache
def _mac_roman_pattern() -> re.Pattern[str]:
    # ftfy does not detect Mac Roman mojibake such as `‚úÖ` (for ✅): it reads the
    # `‚` as a curly quote. So Mac Roman gets a pattern of its own: a lead byte of a
    # UTF-8 sequence followed by the right number of continuation bytes, each as Mac
    # Roman shows it.
    cont = f"[{_charset('mac_roman', 0x80, 0xBF)}]"
    lead2 = f"[{_charset('mac_roman', 0xC2, 0xDF)}]"
    lead3 = f"[{_charset('mac_roman', 0xE0, 0xEF)}]"
    lead4 = f"[{_charset('mac_roman', 0xF0, 0xF4)}]"
    seq = f"(?:{lead2}{cont}|{lead3}{cont}{{2}}|{lead4}{cont}{{3}})"
    return re.compile(f"{seq}+")


# What a repaired character may be: printable, not a combining mark, not private.
# Zero-width joiner and variation selectors stay allowed: emoji sequences use them.
_REJECTED_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs", "Mn", "Me"})
_ALLOWED_MARKS = frozenset({"\u200d", "\ufe0f", "\ufe0e"})


def _plausible(text: str) -> bool:
    return all(
        char in _ALLOWED_MARKS or unicodedata.category(char) not in _REJECTED_CATEGORIES
        for char in text
    )


def _repair_mac_roman(text: str) -> tuple[str, int]:
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        span = match.group(0)
        try:
            fixed = span.encode("mac_roman").decode("utf-8")
        except UnicodeError:
            return span
        if not _plausible(fixed):
            return span
        count += 1
        return fixed

    return _mac_roman_pattern().sub(fix, text), count


def _repair_with_ftfy(text: str) -> tuple[str, int]:
    import ftfy

    # Only encoding repairs: quotes, widths, line breaks and HTML entities stay as
    # written, so the text keeps its lines and its Markdown.
    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    lines = text.split("\n")
    fixed_lines = [
        ftfy.fix_text(line, config) if not line.isascii() else line for line in lines
    ]
    count = sum(_changed_spans(a, b) for a, b in zip(lines, fixed_lines, strict=True))
    return "\n".join(fixed_lines), count


def _changed_spans(before: str, after: str) -> int:
    if before == after:
        return 0
    import difflib

    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    return sum(1 for tag, *_ in opcodes if tag != "equal")


def repair_mojibake(text: str) -> tuple[str, int]:
    """The text with mojibake repaired, and how many spans were repaired."""
    if text.isascii():
        return text, 0
    text, mac_count = _repair_mac_roman(text)
    text, ftfy_count = _repair_with_ftfy(text)
    return text, mac_count + ftfy_count
