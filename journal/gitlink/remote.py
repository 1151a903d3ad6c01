"""Remote URLs to web URLs: which forge hosts `origin`, and its commit and file links.

Knows GitHub, GitLab (with subgroups), Bitbucket Cloud, Gitea/Forgejo and Azure DevOps,
over SSH (`git@host:path`, `ssh://…`) or HTTPS; a `web_url` pattern with `{sha}` and
`{path}` placeholders serves a self-hosted forge. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, urlsplit

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")
_LINES = re.compile(r"^(?P<file>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")
_GITEA_HOSTS = ("codeberg.org", "gitea.com")


class Remote(NamedTuple):
    """Where a repository lives on the web: `https://{host}/{path}` and its forge."""

    host: str
    path: str
    forge: str
    """github, gitlab, bitbucket, gitea, azure or unknown."""
    scheme: str = "https"

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}/{self.path}"


def parse_remote(url: str) -> Remote | None:
    """The web location of a remote URL, or None for local paths and unknown forms."""
    url = url.strip()
    if not url or url.startswith(("/", ".", "file:")):
        return None
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        path = parts.path
        scheme = "http" if parts.scheme == "http" else "https"
        if parts.scheme in {"http", "https"} and parts.port:
            host = f"{host}:{parts.port}"
    else:
        match = _SCP_LIKE.match(url)
        if not match:
            return None
        host, path, scheme = match["host"], match["path"], "https"
    path = path.strip("/").removesuffix(".git").strip("/")
    if not host or not path:
        return None
    return _normalise(host.lower(), path, scheme)


def _normalise(host: str, path: str, scheme: str) -> Remote:
    bare_host = host.split(":")[0]
    if bare_host == "ssh.dev.azure.com" or bare_host.endswith(
        "vs-ssh.visualstudio.com"
    ):
        # git@ssh.dev.azure.com:v3/org/project/repo
        parts = path.split("/")
        if parts[0] == "v3":
            parts = parts[1:]
        if len(parts) == 3:
            org, project, repo = parts
            return Remote("dev.azure.com", f"{org}/{project}/_git/{repo}", "azure")
    if bare_host.endswith(".visualstudio.com"):
        org = bare_host.split(".")[0]
        path = path.removeprefix("DefaultCollection/")
        return Remote("dev.azure.com", f"{org}/{path}", "azure")
    if bare_host == "dev.azure.com":
        return Remote(host, path, "azure", scheme)
    return Remote(host, path, _forge_of(bare_host), scheme)


def _forge_of(host: str) -> str:
    if host == "bitbucket.org":
        return "bitbucket"
    if host in _GITEA_HOSTS or "gitea" in host or "forgejo" in host:
        return "gitea"
    for name in ("github", "gitlab"):
        if name in host.split(".")[0] or host == f"{name}.com":
            return name
    return "unknown"


def commit_url(remote: Remote, sha: str) -> str | None:
    """The page of one commit on the forge, or None for an unknown forge."""
    forms = {
        "github": "{base}/commit/{sha}",
        "gitea": "{base}/commit/{sha}",
        "gitlab": "{base}/-/commit/{sha}",
        "bitbucket": "{base}/commits/{sha}",
        "azure": "{base}/commit/{sha}",
    }
    form = forms.get(remote.forge)
    return form.format(base=remote.base, sha=sha) if form else None


def file_url(remote: Remote, path: str, *, branch: str) -> str | None:
    """The page of a file (`path`, optionally `path:12` or `path:12-20`) on `branch`."""
    lines = _LINES.match(path)
    start = end = None
    if lines:
        path, start, end = lines["file"], lines["start"], lines["end"]
    path = quote(path.lstrip("/"))
    base, ref = remote.base, quote(branch, safe="")
    forge = remote.forge
    if forge == "azure":
        url = f"{base}?path=/{path}&version=GB{ref}"
        if start:
            url += f"&line={start}&lineEnd={end or start}&lineStartColumn=1"
        return url
    forms = {
        "github": (f"{base}/blob/{ref}/{path}", "#L{s}", "-L{e}"),
        "gitea": (f"{base}/src/branch/{ref}/{path}", "#L{s}", "-L{e}"),
        "gitlab": (f"{base}/-/blob/{ref}/{path}", "#L{s}", "-{e}"),
        "bitbucket": (f"{base}/src/{ref}/{path}", "#lines-{s}", ":{e}"),
    }
    if forge not in forms:
        return None
    url, first, last = forms[forge]
    if start:
        url += first.format(s=start) + (last.format(e=end) if end else "")
    return url


def from_pattern(pattern: str, remote: Remote | None) -> Remote | None:
    """A Remote for a self-hosted forge named by a `web_url` commit pattern.

    The part before `/{sha}` tells the forge's style: `/-/commit/` is GitLab,
    `/commits/` Bitbucket, `/_git/` Azure, anything else GitHub-like (Gitea when the
    host says so).
    """
    path = remote.path if remote else ""
    filled = pattern.replace("{path}", path)
    head = filled.split("{sha}")[0].rstrip("/")
    for suffix, forge in (
        ("/-/commit", "gitlab"),
        ("/commits", "bitbucket"),
        ("/commit", ""),
    ):
        if head.endswith(suffix):
            parts = urlsplit(head[: -len(suffix)])
            if not parts.netloc:
                return None
            host, base_path = parts.netloc, parts.path.strip("/")
            if not forge:
                bare = host.split(":")[0]
                forge = "azure" if "/_git/" in f"/{base_path}/" else _forge_of(bare)
                forge = "github" if forge == "unknown" else forge
            return Remote(host, base_path, forge, parts.scheme or "https")
    return None


def pattern_commit_url(pattern: str, remote: Remote | None, sha: str) -> str | None:
    """Fill a `web_url` pattern; None when it needs `{path}` and there is no remote."""
    if "{path}" in pattern and remote is None:
        return None
    return pattern.replace("{path}", remote.path if remote else "").replace(
        "{sha}", sha
    )
