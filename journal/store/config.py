"""The journal's configuration (`journal.yaml`): one typed, frozen object.

Loading parses YAML only when `journal.yaml` changed since the last run; otherwise a
JSON copy in the state folder is read, which keeps `journal log` off the YAML parser.
A parsed file is checked once, then, beyond what types alone can say (a cached
configuration was checked when it was cached), so a value that would fail in the
middle of a command — `closed_statuses: []` before `journal close`, a trailer git
cannot read, a timeout of `.nan` — is refused when the file is read, naming the key,
its line, the value and what is allowed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from journal.errors import InvalidDataError, did_you_mean
from journal.record import Record
from journal.store.locate import CONFIG_NAME, state_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TRAILER_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD_LISTS = ("statuses", "closed_statuses", "severities", "event_kinds")
_PATHS = ("sessions_dir", "templates_dir", "reports_dir")
_SITE_PATHS = ("docs_dir", "site_dir", "config_file")


class ConfigValueError(InvalidDataError):
    """A value of `journal.yaml` that cannot work; `key` is its dotted name."""

    def __init__(self, key: str, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.key = key


DEFAULT_KINDS = (
    "note",
    "impact",
    "detected",
    "acknowledged",
    "investigating",
    "identified",
    "mitigated",
    "resolved",
    "deployed",
    "decision",
    "commit",
    "verify",
    "action",
)


class SiteConfig(Record):
    """How `journal site` builds."""

    builder: str = "mkdocs"
    """mkdocs, properdocs or zensical."""
    docs_dir: str = ".journal-site/docs"
    """Where the generated Markdown pages go (git-ignored)."""
    site_dir: str = "site"
    """Where the builder writes HTML."""
    title: str = "Journal"
    """The home page's heading."""
    config_file: str = "mkdocs.yml"
    """The builder configuration the site starts from (journal adds nav and assets
    to a copy of it)."""
    mermaid_js: str = ""
    """A local mermaid.min.js that draws the timelines as Mermaid gantt charts
    (default: none, they are SVG drawn at build time)."""
    home_sessions: int = 100
    """Sessions listed on the home page, newest first; the rest by month."""
    journals: tuple[str, ...] = ()
    """Other journals to build one site from (paths relative to this journal.yaml);
    `journal site build` then builds them all, this one only if listed."""


class GitConfig(Record):
    """How commits are linked and shown."""

    web_url: str = ""
    """Commit URL pattern for a self-hosted forge, e.g. https://git.example.com/{path}/commit/{sha}."""
    trailer: str = "Journal-Session"


class Config(Record):
    """Everything `journal.yaml` can set. Paths are relative to the journal root."""

    name: str = ""
    """The journal's name on a site of several journals (default: its folder's)."""

    sessions_dir: str = "sessions"
    templates_dir: str = "templates"
    reports_dir: str = "reports"
    timezone: str = "UTC"
    """IANA zone used to read `HH:MM` and to show times in reports."""
    statuses: tuple[str, ...] = (
        "open",
        "investigating",
        "mitigated",
        "validating",
        "resolved",
        "closed",
    )
    closed_statuses: tuple[str, ...] = ("resolved", "closed")
    """Statuses that mean the session is over (`close` picks the first)."""
    severities: tuple[str, ...] = ("critical", "high", "medium", "low")
    event_kinds: tuple[str, ...] = DEFAULT_KINDS
    ingest_kinds: tuple[str, ...] = ()
    """`STATE=KIND` pairs: the event kind `journal ingest` gives an alert state
    (firing, acknowledged, mitigated, resolved) or a chat message (docs/ingest.md)."""
    ascii: bool = False
    """Write words instead of status emoji in reports."""
    redact: bool = True
    """Scrub secrets from captured text before it reaches disk."""
    redact_patterns: tuple[str, ...] = ()
    """Extra regular expressions whose matches are redacted."""
    check_disable: tuple[str, ...] = ()
    """`journal check` rule ids to skip."""
    verify_timeout_s: float = 300.0
    """Seconds `journal verify` lets a validation command run before stopping it
    (a step's own `timeout_s` and `--timeout` take precedence)."""
    site: SiteConfig = SiteConfig()
    git: GitConfig = GitConfig()


# Part of the cache key: a file cached before a check was added is checked again.
_CHECKS = 2


def load_config(root: Path) -> Config:
    """The configuration at `root`; defaults where `journal.yaml` is silent."""
    path = root / CONFIG_NAME
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Config()
    from journal.store.cache import code_digest, load_cache, save_cache

    key = [stat.st_mtime_ns, stat.st_size, code_digest(), _CHECKS]
    cache = state_dir(root) / "config-cache.json"
    stored = load_cache(cache)
    if stored.get("key") == key and isinstance(stored.get("config"), dict):
        return Config.from_plain(stored["config"])
    from journal.store.yamlio import parse_yaml, read_text

    text = read_text(path)
    data = parse_yaml(text, where=str(path)) or {}
    if not isinstance(data, dict):
        raise InvalidDataError("must be a mapping of settings", where=f"{path}:1:1")
    try:
        config = config_from_dict(data, where=str(path))
        check_config(config)
    except ConfigValueError as exc:
        line = line_of(text, exc.key) if exc.key else None
        exc.where = f"{path}:{line}" if line else str(path)
        raise exc from None
    save_cache(cache, {"key": key, "config": config.as_dict()})
    return config


BUILDERS = ("mkdocs", "properdocs", "zensical")


def config_from_dict(data: dict[str, Any], *, where: str) -> Config:
    """Build a Config from parsed YAML, naming the key when a value is wrong. Values
    that parse but cannot work are refused here, once, with the file named, rather
    than failing later in the middle of a command."""
    from journal.errors import UsageError
    from journal.when import zone

    config: Config = _build(Config, data, where=where, prefix="")
    if config.site.builder not in BUILDERS:
        raise ConfigValueError(
            "site.builder",
            f"unknown site.builder {config.site.builder!r}",
            "use one of: " + ", ".join(BUILDERS),
        )
    try:
        zone(config.timezone)
    except UsageError as exc:
        raise ConfigValueError("timezone", exc.message, exc.hint) from None
    journals = config.site.journals
    if not all(path.strip() for path in journals):
        raise InvalidDataError(
            "site.journals lists an empty path",
            "list each journal's folder, relative to this journal.yaml",
            where=where,
        )
    twice = sorted({p for p in journals if journals.count(p) > 1})
    if twice:
        raise InvalidDataError(
            f"site.journals lists {twice[0]!r} twice",
            "list each journal once",
            where=where,
        )
    _confine_folders(config, where=where)
    return config


WRITTEN_FOLDERS = ("sessions_dir", "reports_dir", "site.docs_dir", "site.site_dir")
"""Settings naming folders the journal writes (and empties, for the site): each must
stay inside the journal's folder and outside `.git`. The folders it only reads
(`templates_dir`, `site.config_file`, `site.mermaid_js`, `site.journals`) may be
anywhere."""


def folder_problem(value: str) -> str | None:
    """What is wrong with `value` as a folder the journal writes, relative to the
    folder of journal.yaml; None when it stays below it and outside `.git`. Checked
    on the text alone (no file system), so a cached configuration stays valid."""
    import posixpath

    text = value.replace("\\", "/").strip()
    if not text:
        return "is empty"
    if text.startswith("/") or text[1:2] == ":":
        return "is an absolute path"
    parts = posixpath.normpath(text).split("/")
    if parts == ["."]:
        return "is the journal's folder itself"
    if parts[0] == "..":
        return "leads out of the journal's folder"
    if ".git" in (part.lower() for part in parts):
        return "is inside .git"
    return None


def _confine_folders(config: Config, *, where: str) -> None:
    import posixpath

    sessions = posixpath.normpath(config.sessions_dir.replace("\\", "/").strip())
    for key in WRITTEN_FOLDERS:
        value = _setting(config, key)
        problem = folder_problem(value)
        normal = posixpath.normpath(value.replace("\\", "/").strip())
        if problem is None and key != "sessions_dir":
            inside = f"{normal}/".startswith(f"{sessions}/")
            if inside or f"{sessions}/".startswith(f"{normal}/"):
                problem = f"overlaps sessions_dir {sessions!r}"
        if problem:
            error = ConfigValueError(
                key,
                f"{key}: {value!r} {problem}",
                "give a folder inside the journal's folder (the folder of "
                "journal.yaml), outside .git, e.g. " + repr(_setting(Config(), key)),
            )
            error.where = where  # load_config adds the key's line
            raise error


def _setting(config: Config, key: str) -> str:
    """The value of a key of `WRITTEN_FOLDERS` (`site.docs_dir`)."""
    value: str = getattr(config.site, key[5:]) if "." in key else getattr(config, key)
    return value


def _build(cls: type[Record], data: dict[str, Any], *, where: str, prefix: str) -> Any:
    import typing

    fields = cls.field_names()
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise ConfigValueError(
                prefix + str(key),
                f"unknown setting {prefix + str(key)!r}",
                did_you_mean(
                    str(key), fields, "known settings: " + ", ".join(sorted(fields))
                ),
            )
        values[key] = _coerce(hints[key], value, where=where, name=f"{prefix}{key}")
    return cls(**values)


def _coerce(hint: Any, value: Any, *, where: str, name: str) -> Any:
    import typing

    if isinstance(hint, type) and issubclass(hint, Record):
        if not isinstance(value, dict):
            raise ConfigValueError(name, f"{name} must be a mapping")
        return _build(hint, value, where=where, prefix=f"{name}.")
    origin = typing.get_origin(hint)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigValueError(
                name, f"{name} must be a list of strings, not {value!r}"
            )
        return tuple(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # `timeout: 60` means 60.0
    if (isinstance(hint, type) and not isinstance(value, hint)) or (
        hint is not bool and isinstance(value, bool)
    ):
        expected = getattr(hint, "__name__", str(hint))
        raise ConfigValueError(
            name,
            f"{name} must be a {expected}, not {value!r}",
            _TYPE_HINTS.get(expected),
        )
    return value


_TYPE_HINTS = {
    "bool": "write true or false",
    "int": "write a whole number, e.g. 100",
    "float": "write a number, e.g. 300",
    "str": "write text; quote it if it looks like a number or a yes/no",
}


def check_config(config: Config) -> None:
    """Raise ConfigValueError for the first value of a `Config` that cannot work."""
    for name in _WORD_LISTS:
        _check_words(name, getattr(config, name))
    for status in config.closed_statuses:
        if status not in config.statuses:
            raise _refuse(
                "closed_statuses",
                status,
                "is not one of the statuses",
                "use one of: "
                + ", ".join(config.statuses)
                + " (or add it to statuses)",
            )
    _check_words("check_disable", config.check_disable, allow_empty=True)
    for name in _PATHS:
        _check_path(name, getattr(config, name))
    for name in _SITE_PATHS:
        _check_path(f"site.{name}", getattr(config.site, name))
    _check_number("verify_timeout_s", config.verify_timeout_s, minimum=0, strict=True)
    _check_number("site.home_sessions", config.site.home_sessions, minimum=0)
    if not _TRAILER_KEY.match(config.git.trailer):
        raise _refuse(
            "git.trailer",
            config.git.trailer,
            "is not a trailer key git can read",
            "use letters, digits and dashes, e.g. Journal-Session",
        )
    url = config.git.web_url
    unknown = [p for p in _PLACEHOLDER.findall(url) if p not in ("sha", "path")]
    if url and (
        unknown or "{sha}" not in url or not url.startswith(("https://", "http://"))
    ):
        raise _refuse(
            "git.web_url",
            url,
            "is not a commit URL pattern",
            "give an http(s) URL with {sha} (and optionally {path}), e.g. "
            "https://git.example.com/{path}/commit/{sha}",
        )
    for pattern in config.redact_patterns:
        _check_pattern(pattern)


def line_of(text: str, dotted: str) -> int | None:
    """The 1-based line of `dotted` (`site.builder`) in a block-style YAML text."""
    parts = dotted.split(".")
    depth, indent = 0, -1
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(stripped)
        if depth and width <= indent:
            return None  # left the section without finding the key
        if stripped.startswith((parts[depth] + ":", f'"{parts[depth]}":')):
            if depth == len(parts) - 1:
                return number
            depth, indent = depth + 1, width
    return None


def _refuse(key: str, value: object, problem: str, hint: str) -> ConfigValueError:
    return ConfigValueError(key, f"{key}: {value!r} {problem}", hint)


def _check_words(
    name: str, values: tuple[str, ...], *, allow_empty: bool = False
) -> None:
    if not values and not allow_empty:
        raise ConfigValueError(
            name,
            f"{name} must list at least one value",
            f"list them, e.g. {name}: [{_EXAMPLE[name]}], or remove the key "
            "for the default",
        )
    for value in values:
        if not value.strip() or value != value.strip() or _CONTROL.search(value):
            raise _refuse(
                name,
                value,
                "is not a usable name",
                "use a word without leading or trailing spaces or control characters",
            )
        if values.count(value) > 1:
            raise _refuse(name, value, "is listed twice", "list each value once")


_EXAMPLE = {
    "statuses": "open, resolved",
    "closed_statuses": "resolved",
    "severities": "high, low",
    "event_kinds": "note, detected, resolved",
}


def _check_path(name: str, value: str) -> None:
    if not value.strip() or _CONTROL.search(value):
        raise _refuse(
            name,
            value,
            "is not a usable path",
            "give a folder or file name relative to journal.yaml, or remove the key "
            "for the default",
        )


def _check_number(
    name: str, value: float, *, minimum: float, strict: bool = False
) -> None:
    too_small = value <= minimum if strict else value < minimum
    if math.isnan(value) or math.isinf(value) or too_small:
        bound = f"over {minimum}" if strict else f"{minimum} or more"
        raise _refuse(name, value, "is out of range", f"give a number {bound}")


def _check_pattern(pattern: str) -> None:
    try:
        matches_nothing = re.compile(pattern).search("") is None
    except re.error as exc:
        raise ConfigValueError(
            "redact_patterns",
            f"redact_patterns: {pattern!r} is not a valid regular expression ({exc})",
            "fix the pattern, or quote it in single quotes",
        ) from None
    if not matches_nothing:
        raise _refuse(
            "redact_patterns",
            pattern,
            "matches the empty text",
            "make the pattern match at least one character (+ rather than *)",
        )


DEFAULT_YAML = """\
# journal configuration. Every key is optional; the values shown are the defaults.
name: ""                    # the journal's name on a site of several journals
sessions_dir: sessions      # one folder per session: YYYY-MM-DD-slug/
templates_dir: templates    # your templates override the built-in ones by name
reports_dir: reports        # where `journal render --all` writes Markdown reports
timezone: UTC               # IANA zone for reading HH:MM and showing times
statuses: [open, investigating, mitigated, validating, resolved, closed]
closed_statuses: [resolved, closed]
severities: [critical, high, medium, low]
event_kinds: [note, impact, detected, acknowledged, investigating, identified,
  mitigated, resolved, deployed, decision, commit, verify, action]
  # impact: when impact began; acknowledged: a responder took the alert (metrics)
ingest_kinds: []            # journal ingest: STATE=KIND, e.g. [firing=impact]
ascii: false                # true: words instead of status emoji in reports
redact: true                # scrub tokens, keys and passwords before they reach disk
redact_patterns: []         # extra regular expressions to redact
check_disable: []           # `journal check` rule ids to skip
verify_timeout_s: 300       # seconds before `journal verify` stops a command
site:
  builder: mkdocs           # mkdocs | properdocs | zensical
  docs_dir: .journal-site/docs
  site_dir: site
  title: Journal
  config_file: mkdocs.yml   # the MkDocs configuration the site is built from
  mermaid_js: ""            # a local mermaid.min.js draws timelines (default: SVG)
  home_sessions: 100        # newest sessions on the home page; the rest by month
  journals: []              # one site of several journals: their paths, from here
git:
  web_url: ""               # self-hosted forge: https://git.example.com/{path}/commit/{sha}
  trailer: Journal-Session
"""
"""The `journal.yaml` that `journal init` writes: every key, commented."""
