"""Building the site: generate the pages, write the builder's configuration, and run
the builder (MkDocs, ProperDocs or Zensical) in strict mode.

The builder's configuration is the journal's own mkdocs.yml, copied with the docs
and site folders, the generated navigation, the site's CSS and JavaScript and (for
`--offline`) the offline profile filled in. The copy lives beside the generated
pages, so the user's file is never rewritten; paths in it that were relative to the
user's file are made absolute.

Every builder process starts in `run_builder` or `start_builder`, the one seam, with
the documented switches that keep end-of-life banners away from users.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal import process
from journal.errors import JournalError, NotFoundError, UsageError
from journal.site import paths
from journal.store.config import BUILDERS as config_builders
from journal.store.files import atomic_write

if TYPE_CHECKING:
    import subprocess

    from journal.site.collect import Memory
    from journal.site.pages import Generated
    from journal.store.sessions import Journal

QUIET_ENV = {
    # mkdocs-material 9.7+ prints an end-of-life banner on every run without this.
    "NO_MKDOCS_2_WARNING": "1",
    # Material's switch for the separate notice third-party plugins may print.
    "DISABLE_MKDOCS_2_WARNING": "true",
}
BUILD_TIMEOUT_S = 3600.0
_RELATIVE_KEYS = ("INHERIT",)
LINK_VALIDATION = {"links": {"not_found": "info", "unrecognized_links": "info"}}
"""Session text may link to files of the team's repository (`runbook.md`,
`../src/app.py`) that are not pages of the site: reported as warnings by journal,
they must not fail the strict build. Links journal writes itself are checked by its
tests. A `validation:` of the user's mkdocs.yml is kept as it is."""
_RELATIVE_LISTS = ("hooks", "watch")
_DANGLING = re.compile(r"Doc file '([^']+)' contains a link '([^']+)', but the target")


@dataclass(frozen=True)
class Builder:
    name: str
    """Also the name of its module and of its package."""

    def argv(self, verb: str, config: Path, *extra: str) -> list[str]:
        if self.name == "zensical":
            script = Path(sys.executable).with_name("zensical")
            exe = str(script) if script.exists() else shutil.which("zensical")
            return [exe or "zensical", verb, "-f", str(config), *extra]
        return [sys.executable, "-m", self.name, verb, "-f", str(config), *extra]


BUILDERS = {name: Builder(name) for name in config_builders}


class BuildError(JournalError):
    """The builder failed; `output` is what it printed."""

    def __init__(self, message: str, hint: str, *, output: str):
        super().__init__(message, hint)
        self.output = output


def builder_for(name: str) -> Builder:
    """The named builder, checked to be installed."""
    builder = BUILDERS.get(name)
    if builder is None:
        raise UsageError(
            f"unknown site builder {name!r}",
            "use one of: " + ", ".join(BUILDERS) + " (site.builder in journal.yaml)",
        )
    if find_spec(builder.name) is None:
        raise NotFoundError(
            f"the {name} site builder is not installed",
            f"install it with `pip install {builder.name}`, or pick another "
            "with --builder",
        )
    if name != "zensical" and find_spec("material") is None:
        raise NotFoundError(
            "the Material theme for the site is not installed",
            "install it with `pip install 'mkdocs-material>=9.8,<10'`",
        )
    return builder


@contextlib.contextmanager
def _quiet_environment() -> Iterator[None]:
    # The process seam takes no environment: the switches are set for the moment
    # the child starts (it inherits them) and restored right after.
    saved = {key: os.environ.get(key) for key in QUIET_ENV}
    os.environ.update(QUIET_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_builder(argv: list[str], *, cwd: Path) -> process.Completed:
    """Run a builder to completion (the seam for builds)."""
    with _quiet_environment():
        return process.capture(argv, cwd=cwd, timeout_s=BUILD_TIMEOUT_S)


def start_builder(argv: list[str], *, cwd: Path) -> subprocess.Popen[bytes]:
    """Start a long-running builder (`serve`) that prints to our terminal."""
    with _quiet_environment():
        return process.spawn(argv, cwd=cwd, own_group=True)


@dataclass
class SiteBuild:
    generated: Generated
    config: Path
    site_dir: Path
    builder: str
    build_seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.site_dir / "index.html"


def prepare(
    journal: Journal,
    *,
    offline: bool,
    site_dir: Path | None,
    memory: Memory | None = None,
) -> tuple[Generated, Path, list[str]]:
    """Generate the pages and the builder configuration; returns both, and warnings
    (`memory`: a live server's, see `pages.generate`)."""
    from journal.site.pages import generate

    site = journal.config.site
    target = (site_dir or journal.root / site.site_dir).resolve()
    source = journal.root / site.config_file
    if not source.is_file():
        raise NotFoundError(
            f"no {site.config_file} in {journal.root}",
            "run `journal init` to write one (an existing one is kept)",
        )
    generated = generate(journal, offline=offline, site_dir=target, memory=memory)
    return configured(generated, source, site_dir=target, offline=offline)


def configured(
    generated: Generated, source: Path, *, site_dir: Path, offline: bool
) -> tuple[Generated, Path, list[str]]:
    """The builder's configuration for generated pages, derived from `source`; with
    the pages, as `prepare` returns them."""
    name = "mkdocs-offline.yml" if offline else "mkdocs.yml"
    derived = write_derived(
        source,
        generated.docs_dir.parent / name,
        docs_dir=generated.docs_dir,
        site_dir=site_dir,
        nav=generated.nav,
        mermaid=generated.mermaid is not None,
        offline=offline,
    )
    return generated, derived.path, derived.warnings


def build_site(
    journal: Journal,
    *,
    offline: bool = False,
    builder: str | None = None,
    site_dir: Path | None = None,
    force: bool = False,
) -> SiteBuild:
    """Generate the pages and build the site in strict mode: built in a staging
    folder, then moved into the site folder (journal.site.writer says where a build
    may write, and what `force` allows)."""
    from journal.site.pages import docs_dir_of
    from journal.site.writer import claim, install

    chosen = builder_for(builder or journal.config.site.builder)
    site = (site_dir or journal.root / journal.config.site.site_dir).resolve()
    _refuse_dangerous_site_dir(journal, site)
    owned = claim(site, force=force)
    # Builders empty the folder they build into; Zensical also refuses one outside
    # its configuration's folder.
    staging = (docs_dir_of(journal).parent / "built").resolve()
    generated, config, warnings = prepare(journal, offline=offline, site_dir=staging)
    seconds, dangling = build_strict(chosen, config, cwd=journal.root)
    install(staging, owned)
    return SiteBuild(generated, config, site, chosen.name, seconds, warnings + dangling)


def build_strict(
    chosen: Builder, config: Path, *, cwd: Path
) -> tuple[float, list[str]]:
    """Run the builder in strict mode; its seconds and the links it found dangling.
    A failed build is a `BuildError` carrying what the builder printed."""
    done = run_builder(chosen.argv("build", config, "--strict"), cwd=cwd)
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.exit_code != 0:
        raise BuildError(
            f"{chosen.name} build failed: {_first_problem(output, done.exit_code)}",
            "the builder's output is above; fix what it names and build again",
            output=output,
        )
    return done.duration_s, dangling_links(output)


def _refuse_dangerous_site_dir(journal: Journal, site: Path) -> None:
    # Builders replace the site folder whole: it must never hold the journal itself.
    root = journal.root.resolve()
    sessions = journal.sessions_dir.resolve()
    if root.is_relative_to(site) or sessions.is_relative_to(site):
        raise UsageError(
            f"the site folder {site} would hold the journal's own files",
            "point site.site_dir in journal.yaml (or -o) at a folder of its own",
        )


def dangling_links(output: str, *, limit: int = 10) -> list[str]:
    """The builder's notes about links in session text that lead nowhere on the
    site (logged at INFO level, so the strict build passes)."""
    matches = [_DANGLING.search(line) for line in output.splitlines()]
    found = [f"{m[1]} links to {m[2]}, which is not on the site" for m in matches if m]
    unique = list(dict.fromkeys(found))
    if len(unique) > limit:
        return [*unique[:limit], f"… and {len(unique) - limit} more such links"]
    return unique


def _first_problem(output: str, code: int | None) -> str:
    for line in output.splitlines():
        if line.startswith(("ERROR", "WARNING")) or "Error" in line:
            return " ".join(line.split())
    return "it timed out" if code is None else f"it exited with {code}"


@dataclass(frozen=True)
class Derived:
    path: Path
    warnings: list[str] = field(default_factory=list)


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
    _append(data, "extra_css", [paths.CSS])
    scripts = [paths.JS] + ([paths.MERMAID] if mermaid else [])
    _append(data, "extra_javascript", scripts)
    warnings = apply_offline(data) if offline else []
    text = dump_roundtrip(data)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text)
    return Derived(target, warnings)


def _relative(path: Path, start: Path) -> str:
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
    paths.SHIM), no web fonts, no instant navigation, no scripts or styles from
    other hosts. Returns warnings for what was dropped."""
    warnings: list[str] = []
    data["plugins"] = _plugins(data.get("plugins"))
    data["theme"] = _theme(data.get("theme"))
    extra = data.get("extra") or {}
    # Browsers refuse web workers on file://: the stand-in runs search's worker.
    extra["polyfills"] = [paths.SHIM]
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
