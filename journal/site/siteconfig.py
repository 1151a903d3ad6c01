"""The builder's configuration: the journal's own mkdocs.yml, copied with the docs and
site folders, the generated navigation, the site's CSS and JavaScript and (for
`--offline`) the offline profile filled in; and the site's own static files.

The copy lives beside the generated pages, so the user's file is never rewritten;
paths in it that were relative to the user's file are made absolute.

Nothing is downloaded and no third-party code ships with journal. The timeline is an
SVG drawn at build time (journal.site.timeline_svg) and search runs from `file://`
through journal's own worker stand-in (static/iframe-worker-shim.js): the site needs
no npm install and no network. Mermaid's gantt is used instead of the SVG only when
a local mermaid.min.js is named (`site.mermaid_js` or $JOURNAL_MERMAID_JS); it is
then copied into the site, never fetched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.errors import NotFoundError
from journal.store.files import atomic_write

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
_RELATIVE_KEYS = ("INHERIT",)
LINK_VALIDATION = {"links": {"not_found": "info", "unrecognized_links": "info"}}
"""Session text may link to files of the team's repository (`runbook.md`,
`../src/app.py`) that are not pages of the site: reported as warnings by journal,
they must not fail the strict build. Links journal writes itself are checked by its
tests. A `validation:` of the user's mkdocs.yml is kept as it is."""
_RELATIVE_LISTS = ("hooks", "watch")


@dataclass(frozen=True)
class Derived:
    path: Path
    warnings: list[str] = field(default_factory=list)


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


def source_config(root: Path, name: str) -> Path:
    path = root / name
    if not path.is_file():
        raise NotFoundError(
            f"no {name} in {root}",
            "run `journal init` to write one (an existing one is kept)",
        )
    return path


def write_derived(
    source: Path,
    target: Path,
    *,
    docs_dir: Path,
    site_dir: Path,
    nav: list[Any],
    mermaid: bool,
    offline: bool,
) -> Derived:
    """Write the builder's configuration to `target` (only if it changed)."""
    from journal.store.yamlio import dump_roundtrip, load_roundtrip, read_text

    data = load_roundtrip(read_text(source), where=str(source)) or {}
    base = source.parent.resolve()
    _absolute(data, base)
    # Relative to the derived file, as builders resolve them (Zensical 0.0.x
    # panics on an absolute docs_dir).
    data["docs_dir"] = _relative(docs_dir, target.parent)
    data["site_dir"] = _relative(site_dir, target.parent)
    data.setdefault("site_name", "Journal")
    if "validation" not in data:
        data["validation"] = LINK_VALIDATION
    if "nav" not in data:
        data["nav"] = nav
    _append(data, "extra_css", [CSS])
    scripts = [JS] + ([MERMAID] if mermaid else [])
    _append(data, "extra_javascript", scripts)
    warnings = apply_offline(data) if offline else []
    text = dump_roundtrip(data)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text)
    return Derived(target, warnings)


def _relative(path: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def _append(data: Any, key: str, entries: list[str]) -> None:
    current = list(data.get(key) or [])
    names = {e.get("path") if isinstance(e, dict) else e for e in current}
    data[key] = current + [e for e in entries if e not in names]


def _absolute(data: Any, base: Path) -> None:
    for key in _RELATIVE_KEYS:
        if isinstance(data.get(key), str):
            data[key] = str(base / data[key])
    for key in _RELATIVE_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [str(base / p) if isinstance(p, str) else p for p in data[key]]
    theme = data.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = str(base / theme["custom_dir"])


def apply_offline(data: Any) -> list[str]:
    """The `--offline` profile, into a loaded mkdocs.yml (in place): the changes that
    make a built site work from `file://` with no network — offline search
    (Material's offline plugin, its worker run by journal's own stand-in,
    SHIM), no web fonts, no instant navigation, no scripts or styles from
    other hosts. Returns warnings for what was dropped."""
    warnings: list[str] = []
    data["plugins"] = _plugins(data.get("plugins"))
    data["theme"] = _theme(data.get("theme"))
    extra = data.get("extra") or {}
    # Browsers refuse web workers on file://: the stand-in runs search's worker.
    extra["polyfills"] = [SHIM]
    data["extra"] = extra
    data["use_directory_urls"] = False
    for key in ("extra_javascript", "extra_css"):
        kept = []
        for entry in data.get(key) or []:
            url = entry.get("path", "") if isinstance(entry, dict) else str(entry)
            if url.startswith(("http://", "https://", "//")):
                warnings.append(f"{key} entry {url} left out: it needs the network")
            else:
                kept.append(entry)
        if key in data:
            data[key] = kept
    return warnings


def _plugins(plugins: Any) -> Any:
    if plugins is None:
        return ["search", "offline"]
    if isinstance(plugins, dict):
        plugins.setdefault("search", {})
        plugins.setdefault("offline", {})
        return plugins
    names = [next(iter(p)) if isinstance(p, dict) else str(p) for p in plugins]
    return [*plugins, *(n for n in ("search", "offline") if n not in names)]


def _theme(theme: Any) -> Any:
    if not isinstance(theme, dict):
        theme = {"name": theme or "material"}
    theme["font"] = False
    features = theme.get("features")
    if features:
        # Instant navigation fetches pages with XHR, which file:// refuses.
        theme["features"] = [
            f for f in features if not str(f).startswith("navigation.instant")
        ]
    return theme
