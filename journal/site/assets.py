"""The site's own static files, and the local copies of Mermaid and the search shim.

Nothing is downloaded and no third-party code ships with journal: Mermaid and the
iframe-worker shim (which lets offline search run from `file://`) are used from copies
already on disk, installed through npm (see INSTALL_HINT) or named by a setting.
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
"""Its name must contain `iframe-worker`: Material's offline plugin then adds no
CDN copy of its own."""
ENV_MERMAID = "JOURNAL_MERMAID_JS"
ENV_NPM_PREFIX = "JOURNAL_NPM_PREFIX"
"""A folder holding `node_modules/` with mermaid and iframe-worker installed."""
_NPM_PATH = Path("node_modules/mermaid/dist/mermaid.min.js")
_SHIM_NPM_PATH = Path("node_modules/iframe-worker/shim/index.js")
INSTALL_HINT = "npm install --prefix .journal-site mermaid@11 iframe-worker@1"


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def find_mermaid(*, root: Path, state_dir: Path, configured: str) -> Path | None:
    """The local mermaid.min.js: `site.mermaid_js`, then $JOURNAL_MERMAID_JS, then an
    npm install under the journal root, `.journal-site/` or the state folder.

    A path that is named explicitly but missing is an error; finding none is not.
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
                    f"install it with `{INSTALL_HINT}` or fix the path",
                )
            return path
    return _find_npm_file(_NPM_PATH, root=root, state_dir=state_dir)


def find_search_shim(*, root: Path, state_dir: Path) -> Path | None:
    """The iframe-worker shim from npm, if installed where Mermaid would be."""
    return _find_npm_file(_SHIM_NPM_PATH, root=root, state_dir=state_dir)


def _find_npm_file(relative: Path, *, root: Path, state_dir: Path) -> Path | None:
    prefix = os.environ.get(ENV_NPM_PREFIX, "")
    bases = [Path(prefix)] if prefix else []
    for base in (*bases, root, root / ".journal-site", state_dir):
        candidate = base / relative
        if candidate.is_file():
            return candidate
    return None
