"""A long ingested channel, folded for the report: one author's chat messages within
a minute become one row, their texts one under the other."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model (msgspec) stays off `render --all`'s fast path
    from journal.model.session import Event

WINDOW_S = 60
"""Messages of one author this close to the first of a row join it."""


def fold(events: Sequence[Event]) -> list[Event]:
    """`events` with runs of foldable chat messages merged (the first one's time)."""
    folded: list[Event] = []
    texts: list[str] = []
    for event in events:
        head = folded[-1] if folded else None
        if head is not None and _joins(head, event):
            texts.append(event.text)
            continue
        _close(folded, texts)
        folded.append(event)
        texts = [event.text]
    _close(folded, texts)
    return folded


def _close(folded: list[Event], texts: list[str]) -> None:
    if len(texts) > 1:
        import msgspec

        folded[-1] = msgspec.structs.replace(folded[-1], text="\n".join(texts))


def _chat(event: Event) -> bool:
    """A plain message of a chat source, with nothing the report shows beside it."""
    return (
        event.source is not None
        and (event.source.startswith("slack") or event.source == "textlog")
        and event.by is not None
        and not (event.star or event.sha or event.command or event.evidence)
    )


def _joins(head: Event, event: Event) -> bool:
    return (
        _chat(head)
        and _chat(event)
        and (head.by, head.source, head.kind, head.reply_to)
        == (event.by, event.source, event.kind, event.reply_to)
        and 0 <= (event.at - head.at).total_seconds() <= WINDOW_S
    )
