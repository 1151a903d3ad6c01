"""The `--offline` profile: the changes that make a built site work from `file://`
with no network — offline search (Material's offline plugin, its worker run by
journal's own stand-in, assets.SHIM), no web fonts, no instant navigation, no scripts
or styles from other hosts."""

from __future__ import annotations

from typing import Any

from journal.site.assets import SHIM


def apply_offline(data: Any) -> list[str]:
    """Change a loaded mkdocs.yml in place; returns warnings for what was dropped."""
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


def _name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _plugins(plugins: Any) -> Any:
    if plugins is None:
        return ["search", "offline"]
    if isinstance(plugins, dict):
        plugins.setdefault("search", {})
        plugins.setdefault("offline", {})
        return plugins
    names = [_name(p) for p in plugins]
    result = list(plugins)
    for wanted in ("search", "offline"):
        if wanted not in names:
            result.append(wanted)
    return result


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
