"""The site's own static files, and the local copy of Mermaid when one is named.

Nothing is downloaded and no third-party code ships with journal. The timeline is an
SVG drawn at build time (journal.site.timeline_svg) and search runs from `file://`
through journal's own worker stand-in (static/iframe-worker-shim.js): the site needs
no npm install and no network. Mermaid's gantt is used instead of the SVG only when
a local mermaid.min.js is named (`site.mermaid_js` or $JOURNAL_MERMAID_JS); it is
then copied into the site, never fetched.
"""

from __future__ import annotations

import os
from pathlib import Path

from journal.errors import NotFoundError

STATIC = Path(__file__).resolve().parent / "static"
CSS = "assets/journal.css"
JS = "assets/journal.js"
MERMAID = "assets/javascripts/mermaid.min.js"
SHIM = "assets/javascripts/iframe-worker-shim.js"
"""journal's own stand-in for web workers on `file://` (static/iframe-worker-shim.js).
Its name must contain `iframe-worker`: Material's offline plugin then adds no CDN
copy of its own."""
ENV_MERMAID = "JOURNAL_MERMAID_JS"
INSTALL_HINT = "npm install --prefix .journal-site mermaid@11"


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def find_mermaid(*, root: Path, configured: str) -> Path | None:
    """The local mermaid.min.js that `site.mermaid_js`, then $JOURNAL_MERMAID_JS,
    names; None when neither does (the timeline is then drawn as SVG).

    A path that is named but missing is an error.
    """
    for source, value in (
        ("site.mermaid_js in journal.yaml", configured),
        (ENV_MERMAID, os.environ.get(ENV_MERMAID, "")),
    ):
        if value:
            path = (root / value).expanduser()
            if not path.is_file():
                raise NotFoundError(
                    f"{source} names {value}, which does not exist",
                    f"install it with `{INSTALL_HINT}` and name its "
                    "dist/mermaid.min.js, or remove the setting to draw SVG timelines",
                )
            return path
    return None
