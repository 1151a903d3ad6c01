"""`journal export`: a session as JSON (the schema's shape plus its timeline), or its
options considered as a MADR architecture decision record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from journal.errors import NotFoundError
from journal.store.sessions import Journal
from journal.when import iso_or_none

if TYPE_CHECKING:
    from journal.gitlink.derived import Found


def session_json(
    journal: Journal, session_id: str, *, trailers: Found | None = None
) -> dict[str, Any]:
    """`{"id", "session", "timeline", "metrics"}`: everything, in plain JSON types;
    `trailers` is `trailer_commits(journal)` when exporting many sessions."""
    from journal.gitlink.derived import with_trailer_commits
    from journal.insight import metrics
    from journal.model import session as model

    session = journal.load(session_id)
    events = with_trailer_commits(
        journal, session_id, journal.events(session_id), found=trailers
    )
    figures = metrics.compute(session, events)
    return {
        "id": session_id,
        "session": model.to_builtins(session),
        "timeline": [model.to_builtins(event) for event in events],
        "metrics": {
            **{
                name: getattr(figures, name)
                for figure in metrics.figures(figures)
                for name in (f"{figure.key}_s", f"{figure.key}_from")
            },
            "duration_s": figures.duration_s,
            "span_start": iso_or_none(figures.span_start),
            "span_end": iso_or_none(figures.span_end),
        },
    }


def madr(journal: Journal, session_id: str) -> str:
    """The options of a session as a MADR decision record (Markdown)."""
    from journal.render.report import Renderer

    session = journal.load(session_id)
    if not session.options:
        raise NotFoundError(
            f"session {session_id} has no options to record as a decision",
            "add them with `journal option add`, then `journal option choose N`",
        )
    chosen = next((o for o in session.options if o.decision == "chosen"), None)
    moment = session.ended or session.started
    context = {
        "session_id": session_id,
        "session": session,
        "chosen": chosen,
        "status": "accepted" if chosen else "proposed",
        "date": moment.astimezone(journal.tz).date().isoformat() if moment else None,
        "problem": (session.root_cause.summary if session.root_cause else None)
        or session.summary,
        "source": f"{journal.config.sessions_dir}/{session_id}/",
    }
    template = Renderer(journal).env.get_template("export/madr.md.j2")
    return template.render(**context).rstrip("\n") + "\n"
