"""What the headless-chromium tests share: the browser, its flags, and a way to see
the Mermaid diagrams Material draws into closed shadow roots."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site_helpers import local_mermaid

CHROMIUM = shutil.which("chromium")
# Headless, as root, and quiet: without the background-networking flags chromium
# keeps trying hosts this machine cannot reach.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_local_mermaid() -> Path:
    """The local mermaid.min.js a served site loads instead of the CDN (which the
    browser tests block, so without it every page logs errors): skip without it,
    with how to install it, and fail in CI, which installs it."""
    found = local_mermaid()
    if found is None:
        reason = (
            "no local Mermaid: run `npm install --prefix .journal-site mermaid@11 "
            "iframe-worker@1` at the repository root, or set JOURNAL_MERMAID_JS"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def mermaid_svgs(context: Any, page: Any, *, wait_s: float = 10.0) -> int:
    """SVG elements drawn inside Mermaid diagrams, once some appear (or 0 after
    `wait_s`). Only the DevTools protocol sees into closed shadow roots."""
    cdp = context.new_cdp_session(page)
    for _ in range(max(1, int(wait_s / 0.25))):
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        found = _count(root, inside=False)
        if found:
            return found
        page.wait_for_timeout(250)
    return 0


def _count(node: dict[str, Any], *, inside: bool) -> int:
    attrs = node.get("attributes", [])
    classes = dict(zip(attrs[::2], attrs[1::2], strict=False)).get("class", "")
    found = int(inside and node.get("nodeName", "").lower() == "svg")
    for shadow in node.get("shadowRoots", []):
        found += _count(shadow, inside=inside or "mermaid" in classes.split())
    for child in node.get("children", []):
        found += _count(child, inside=inside)
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a free local port; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
