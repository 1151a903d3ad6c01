"""Hand-built sessions for tests: write `session.yaml` and `timeline.yaml` directly,
so each test states exactly the data it is about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def write_session(
    root: Path,
    session_id: str,
    fields: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Path:
    """Create `sessions/<id>/` with the given fields (title defaults) and events."""
    folder = root / "sessions" / session_id
    folder.mkdir(parents=True, exist_ok=True)
    data = {"schema": 1, "title": session_id[11:].replace("-", " ") or "t"}
    data.update(fields or {})
    (folder / "session.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    lines = "".join(
        "- " + json.dumps(e, ensure_ascii=False) + "\n" for e in events or []
    )
    (folder / "timeline.yaml").write_text(lines, encoding="utf-8")
    return folder


def event(at: str, kind: str, text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"at": at, "kind": kind, "text": text, **extra}
